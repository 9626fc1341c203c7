/* A map from strings to numbers (open addressing, linear probing). */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "strmap.h"

static size_t hash(const char *s, size_t len)
{
    size_t h = (size_t)1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= (size_t)1099511628211ULL;
    }
    return h;
}

static pr_strmap_slot *find(const pr_strmap *m, const char *key, size_t len)
{
    size_t mask = m->nslots - 1;
    for (size_t i = hash(key, len) & mask;; i = (i + 1) & mask) {
        pr_strmap_slot *s = &m->slots[i];
        if (!s->key || (s->len == len && memcmp(s->key, key, len) == 0))
            return s;
    }
}

size_t *pr_strmap_get(const pr_strmap *m, const char *key, size_t len)
{
    if (!m->nslots)
        return NULL;
    pr_strmap_slot *s = find(m, key, len);
    return s->key ? &s->value : NULL;
}

static int grow(pr_strmap *m)
{
    size_t n = m->nslots ? m->nslots * 2 : 16;
    if (n < m->nslots)
        return -1;
    pr_strmap_slot *slots = pr_calloc(n, sizeof *slots);
    if (!slots)
        return -1;
    pr_strmap old = *m;
    m->slots = slots;
    m->nslots = n;
    for (size_t i = 0; i < old.nslots; i++)
        if (old.slots[i].key)
            *find(m, old.slots[i].key, old.slots[i].len) = old.slots[i];
    pr_free(old.slots);
    return 0;
}

int pr_strmap_put(pr_strmap *m, const char *key, size_t len, size_t value, size_t **out)
{
    if (m->nslots) {
        pr_strmap_slot *s = find(m, key, len);
        if (s->key) {
            if (out)
                *out = &s->value;
            return 0;
        }
    }
    /* at most half full, so probes stay short */
    if ((m->used + 1) * 2 > m->nslots && grow(m))
        return -1;
    char *copy = pr_strndup(key, len);
    if (!copy)
        return -1;
    pr_strmap_slot *s = find(m, key, len);
    s->key = copy;
    s->len = len;
    s->value = value;
    m->used++;
    if (out)
        *out = &s->value;
    return 1;
}

void pr_strmap_free(pr_strmap *m)
{
    for (size_t i = 0; i < m->nslots; i++)
        pr_free(m->slots[i].key);
    pr_free(m->slots);
    m->slots = NULL;
    m->nslots = m->used = 0;
}
