/* A map from strings to numbers (open addressing), for sets of keys met while loading. */
#ifndef PR_STRMAP_H
#define PR_STRMAP_H

#include <stddef.h>

typedef struct pr_strmap_slot {
    char *key; /* owned; NULL = empty slot */
    size_t len;
    size_t value;
} pr_strmap_slot;

typedef struct pr_strmap {
    pr_strmap_slot *slots;
    size_t nslots, used;
} pr_strmap;

#define PR_STRMAP_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/*
 * The value of key[0..len), or NULL when absent. The pointer stays valid
 * until the next pr_strmap_put.
 */
size_t *pr_strmap_get(const pr_strmap *m, const char *key, size_t len);

/*
 * Add key[0..len) with value unless it is there. *out (may be NULL) points at
 * the value stored for the key, new or old. Returns 1 when added, 0 when it
 * was there, -1 when out of memory (map unchanged).
 */
int pr_strmap_put(pr_strmap *m, const char *key, size_t len, size_t value, size_t **out);

void pr_strmap_free(pr_strmap *m);

#endif
