/* The one allocator seam: every allocation, libcsv's included, comes here. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "peerreview.h"

static void *(*g_malloc)(size_t) = malloc;
static void *(*g_realloc)(void *, size_t) = realloc;
static void (*g_free)(void *) = free;

PEERREVIEW_API void peerreview_set_allocator(void *(*malloc_fn)(size_t),
                                             void *(*realloc_fn)(void *, size_t),
                                             void (*free_fn)(void *))
{
    if (!malloc_fn || !realloc_fn || !free_fn) {
        g_malloc = malloc;
        g_realloc = realloc;
        g_free = free;
        return;
    }
    g_malloc = malloc_fn;
    g_realloc = realloc_fn;
    g_free = free_fn;
}

void *pr_malloc(size_t n)
{
    return g_malloc(n ? n : 1);
}

void *pr_realloc(void *p, size_t n)
{
    return g_realloc(p, n ? n : 1);
}

void pr_free(void *p)
{
    if (p)
        g_free(p);
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
