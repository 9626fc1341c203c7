/* Internal allocator: every allocation of the library goes through here. */
#ifndef PR_ALLOC_H
#define PR_ALLOC_H

#include <stddef.h>

void *pr_malloc(size_t n);
void *pr_realloc(void *p, size_t n);
void pr_free(void *p);
/* Blocks allocated through the functions above and not yet freed. */
size_t pr_alloc_live(void);
/* Zeroed allocation of n * size bytes; NULL on overflow. */
void *pr_calloc(size_t n, size_t size);
/* realloc to n * size bytes; NULL (p untouched) on overflow. */
void *pr_reallocarray(void *p, size_t n, size_t size);
/* Copy of s[0..len) plus a NUL. */
char *pr_strndup(const char *s, size_t len);
char *pr_strdup(const char *s);

/* a + b and a * b, returning 0 on success and -1 on size_t overflow. */
int pr_add_size(size_t a, size_t b, size_t *out);
int pr_mul_size(size_t a, size_t b, size_t *out);

/* Grow *cap so that at least need elements fit (doubling); 0 or -1. */
int pr_grow(void **v, size_t *cap, size_t need, size_t elem);

#endif
