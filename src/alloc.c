/* The one allocator seam: every allocation, libcsv's included, comes here. */
#include "config.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "peerreview.h"

/*
 * The allocator in use: one immutable triple, published by an atomic pointer,
 * so that every thread reads a whole triple. It is replaced only while the
 * library holds no block (see peerreview_set_allocator), so no block is ever
 * freed by an allocator that did not allocate it.
 */
typedef struct pr_allocator {
    void *(*malloc_fn)(size_t);
    void *(*realloc_fn)(void *, size_t);
    void (*free_fn)(void *);
} pr_allocator;

static const pr_allocator system_allocator = {malloc, realloc, free};
static pr_allocator custom_allocator; /* written only while nothing is held */
static _Atomic(const pr_allocator *) current = &system_allocator;
/* Blocks the library holds: allocated through it and not yet freed. */
static atomic_size_t live_blocks;

PEERREVIEW_API void peerreview_set_allocator(void *(*malloc_fn)(size_t),
                                             void *(*realloc_fn)(void *, size_t),
                                             void (*free_fn)(void *))
{
    /* blocks are held: their allocator must stay the one that frees them */
    if (atomic_load_explicit(&live_blocks, memory_order_acquire) != 0)
        return;
    if (!malloc_fn || !realloc_fn || !free_fn) {
        atomic_store_explicit(&current, &system_allocator, memory_order_release);
        return;
    }
    /* readers see the new triple whole: it is written before it is published */
    atomic_store_explicit(&current, &system_allocator, memory_order_release);
    custom_allocator.malloc_fn = malloc_fn;
    custom_allocator.realloc_fn = realloc_fn;
    custom_allocator.free_fn = free_fn;
    atomic_store_explicit(&current, &custom_allocator, memory_order_release);
}

size_t pr_alloc_live(void)
{
    return atomic_load_explicit(&live_blocks, memory_order_relaxed);
}

static const pr_allocator *allocator(void)
{
    return atomic_load_explicit(&current, memory_order_acquire);
}

void *pr_malloc(size_t n)
{
    void *p = allocator()->malloc_fn(n ? n : 1);
    if (p)
        atomic_fetch_add_explicit(&live_blocks, 1, memory_order_relaxed);
    return p;
}

void *pr_realloc(void *p, size_t n)
{
    void *q = allocator()->realloc_fn(p, n ? n : 1);
    if (q && !p)
        atomic_fetch_add_explicit(&live_blocks, 1, memory_order_relaxed);
    return q;
}

void pr_free(void *p)
{
    if (p) {
        allocator()->free_fn(p);
        atomic_fetch_sub_explicit(&live_blocks, 1, memory_order_release);
    }
}

int pr_add_size(size_t a, size_t b, size_t *out)
{
    if (a > SIZE_MAX - b)
        return -1;
    *out = a + b;
    return 0;
}

int pr_mul_size(size_t a, size_t b, size_t *out)
{
    if (b && a > SIZE_MAX / b)
        return -1;
    *out = a * b;
    return 0;
}

void *pr_calloc(size_t n, size_t size)
{
    size_t total;
    if (pr_mul_size(n, size, &total))
        return NULL;
    void *p = pr_malloc(total);
    if (p)
        memset(p, 0, total);
    return p;
}

void *pr_reallocarray(void *p, size_t n, size_t size)
{
    size_t total;
    if (pr_mul_size(n, size, &total))
        return NULL;
    return pr_realloc(p, total);
}

char *pr_strndup(const char *s, size_t len)
{
    size_t total;
    if (pr_add_size(len, 1, &total))
        return NULL;
    char *d = pr_malloc(total);
    if (!d)
        return NULL;
    if (len)
        memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *pr_strdup(const char *s)
{
    return pr_strndup(s, strlen(s));
}

int pr_grow(void **v, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    void *n = pr_reallocarray(*v, ncap, elem);
    if (!n)
        return -1;
    *v = n;
    *cap = ncap;
    return 0;
}
