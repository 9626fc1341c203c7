/* The data model: datasets, reviews and child rows in a compact store. */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "diag.h"
#include "json.h"
#include "model.h"
#include "schema.h"
#include "value.h"

/* ---- arena ---- */

#define ARENA_FIRST    256
#define ARENA_MAX_STEP (1024 * 1024)

/* Serials only ever grow; atomic, so threads with their own datasets agree. */
static _Atomic uint64_t next_serial = 1;

void pr_arena_init(pr_arena *a)
{
    a->head = NULL;
    a->next_size = ARENA_FIRST;
    a->intern = NULL;
}

void pr_arena_free(pr_arena *a)
{
    pr_chunk *c = a->head;
    while (c) {
        pr_chunk *n = c->next;
        pr_free(c);
        c = n;
    }
    a->head = NULL;
    a->next_size = ARENA_FIRST;
}

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

/* A new chunk with room for need bytes, put in front (or behind a partly used head, for one-offs).
 */
static pr_chunk *arena_chunk(pr_arena *a, size_t need, int front)
{
    size_t cap = a->next_size, total;
    if (cap < need)
        cap = need;
    if (pr_add_size(sizeof(pr_chunk), cap, &total) || cap > UINT32_MAX)
        return NULL;
    pr_chunk *n = pr_malloc(total);
    if (!n)
        return NULL;
    n->intern = a->intern;
    n->cap = cap;
    n->used = 0;
    n->last = (size_t)-1;
    /* every byte offset of the chunk is a serial of its own: none is ever reused */
    n->serial_base = atomic_fetch_add(&next_serial, (uint64_t)cap);
    pr_chunk *c = a->head;
    if (!front && c) {
        n->next = c->next;
        c->next = n;
        return n;
    }
    n->next = c;
    a->head = n;
    if (a->next_size < ARENA_MAX_STEP)
        a->next_size *= 2;
    return n;
}

const char *pr_arena_strndup(pr_arena *a, const char *s, size_t len)
{
    size_t need;
    if (pr_add_size(len, 1, &need))
        return NULL;
    pr_chunk *c = a->head;
    if (!c || c->cap - c->used < need) {
        /* keep the partly used head in front when the new chunk is a one-off */
        int front = !(c && need > a->next_size && c->cap - c->used > 64);
        if (!(c = arena_chunk(a, need, front)))
            return NULL;
    }
    char *d = c->data + c->used;
    if (len)
        memcpy(d, s, len);
    d[len] = '\0';
    c->used += need;
    return d;
}

/*
 * An object of size bytes (8-aligned, zeroed) at the end of the head chunk,
 * with room bytes more free after it in the same chunk; NULL when out of
 * memory.
 */
static void *arena_obj(pr_arena *a, size_t size, size_t room)
{
    size_t need;
    if (pr_add_size(size, room, &need) || pr_add_size(need, 7, &need))
        return NULL;
    pr_chunk *c = a->head;
    size_t at = c ? ALIGN8(c->used) : 0;
    if (!c || at > c->cap || c->cap - at < need) {
        if (!(c = arena_chunk(a, need, 1)))
            return NULL;
        at = 0;
    }
    c->used = at + size;
    c->last = at;
    memset(c->data + at, 0, size);
    return c->data + at;
}

/* The chunk a packed row lives in. */
static pr_chunk *row_chunk(const peerreview_row *row)
{
    return (pr_chunk *)(void *)((char *)(uintptr_t)row - row->sid - offsetof(pr_chunk, data));
}

/* Give back the last object of its chunk (and all stored after it), if p is that. */
static void arena_unalloc(pr_chunk *c, const void *p)
{
    size_t at = (size_t)((const char *)p - c->data);
    if (c->last == at) {
        c->used = at;
        c->last = (size_t)-1;
    }
}

/* ---- rows ---- */

/* A plain row is allocated behind its serial. */
typedef struct plain_row {
    uint64_t serial;
    peerreview_row row;
} plain_row;

static uint64_t row_serial(const peerreview_row *row)
{
    if (row->form == PR_ROW_PLAIN)
        return ((const plain_row *)(const void *)((const char *)row - offsetof(plain_row, row)))
            ->serial;
    return row_chunk(row)->serial_base + row->sid;
}

PEERREVIEW_API uint64_t peerreview_review_serial(const peerreview_review *r)
{
    return r ? row_serial(r->row) : 0;
}

PEERREVIEW_API uint64_t peerreview_row_serial(const peerreview_row *row)
{
    return row ? row_serial(row) : 0;
}

peerreview_row *pr_row_alloc(int table)
{
    size_t n = pr_tables[table].ncols, size;
    if (pr_mul_size(n, sizeof(const char *), &size) || pr_add_size(size, sizeof(plain_row), &size))
        return NULL;
    plain_row *p = pr_malloc(size);
    if (!p)
        return NULL;
    memset(p, 0, size);
    p->serial = atomic_fetch_add(&next_serial, 1);
    p->row.table = (uint8_t)table;
    p->row.form = PR_ROW_PLAIN;
    return &p->row;
}

/* Bytes of a packed row's header and offsets. */
static size_t packed_head(int table, int form)
{
    return sizeof(peerreview_row) +
           pr_tables[table].ncols * (form == PR_ROW_PACKED16 ? sizeof(uint16_t) : sizeof(uint32_t));
}

/* A packed row at the end of a's head chunk, with room for bytes of values after it. */
static peerreview_row *packed_alloc(pr_arena *a, int table, size_t before, size_t bytes,
                                    void **front)
{
    int form = PR_ROW_PACKED16;
    size_t head = packed_head(table, form);
    if (bytes >= 0x8000 - head) { /* offsets of 15 bits: the top one marks a shared value */
        form = PR_ROW_PACKED32;
        head = packed_head(table, form);
    }
    size_t size;
    if (pr_add_size(before, head, &size))
        return NULL;
    char *p = arena_obj(a, size, bytes);
    if (!p)
        return NULL;
    peerreview_row *row = (peerreview_row *)(void *)(p + before);
    pr_chunk *c = a->head;
    row->sid = (uint32_t)((char *)row - c->data);
    row->table = (uint8_t)table;
    row->form = (uint8_t)form;
    *front = p;
    return row;
}

peerreview_row *pr_row_alloc_in(pr_arena *a, int table, size_t bytes)
{
    void *front;
    return packed_alloc(a, table, 0, bytes, &front);
}

/* the mask has one bit per column */
_Static_assert(PR_MAX_COLS <= 32, "peerreview_row.mask needs a bit per column");

/* Values set through the API on a packed row: heap bit c = v[c] is a block of its own. */
typedef struct pr_ext {
    uint32_t heap;
    const char *v[];
} pr_ext;

static void ext_free(pr_ext *e)
{
    for (size_t c = 0; e->heap; c++) {
        uint32_t bit = (uint32_t)1 << c;
        if (e->heap & bit) {
            pr_free((void *)(uintptr_t)e->v[c]);
            e->heap &= ~bit;
        }
    }
    pr_free(e);
}

static size_t ptr_hash(const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 17);
}

static pr_edit *edit_find(const peerreview_dataset *ds, const peerreview_row *row)
{
    if (!ds->nedits)
        return NULL;
    size_t mask = ds->nedits - 1;
    for (size_t i = ptr_hash(row) & mask;; i = (i + 1) & mask) {
        pr_edit *e = &ds->edits[i];
        if (!e->row)
            return NULL;
        if (e->row == row)
            return e;
    }
}

static void edit_put(pr_edit *slots, size_t n, const peerreview_row *row, pr_ext *ext)
{
    size_t mask = n - 1, i = ptr_hash(row) & mask;
    while (slots[i].row)
        i = (i + 1) & mask;
    slots[i].row = row;
    slots[i].ext = ext;
}

static void edit_del(peerreview_dataset *ds, pr_edit *s)
{
    size_t mask = ds->nedits - 1;
    size_t i = (size_t)(s - ds->edits);
    ext_free(s->ext);
    s->row = NULL;
    s->ext = NULL;
    for (size_t j = (i + 1) & mask; ds->edits[j].row; j = (j + 1) & mask) {
        size_t home = ptr_hash(ds->edits[j].row) & mask;
        int between = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
        if (!between) {
            ds->edits[i] = ds->edits[j];
            ds->edits[j].row = NULL;
            ds->edits[j].ext = NULL;
            i = j;
        }
    }
    if (--ds->usededits == 0) { /* no row edited any more: the table goes too */
        pr_free(ds->edits);
        ds->edits = NULL;
        ds->nedits = 0;
    }
}

const char *pr_row_edited(const peerreview_row *row, size_t col)
{
    return edit_find(row->review->ds, row)->ext->v[col];
}

/* Small integers a packed row holds as codes. */
static const char small_ints[PR_ROW_CODES - 1][3] = {
    "0",  "1",  "2",  "3",  "4",  "5",  "6",  "7",  "8",  "9",  "10", "11", "12",
    "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25",
    "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38"};

const char *pr_row_code(const peerreview_row *row, size_t col, uint32_t code)
{
    const pr_column *c = &pr_tables[row->table].cols[col];
    if (c->type == PEERREVIEW_TYPE_ENUM)
        return c->enums[code - 1];
    return small_ints[code - 1];
}

/* The code of a value of a column, or 0 when it has none. */
static uint32_t value_code(const peerreview_row *row, size_t col, const char *s, size_t len)
{
    const pr_column *c = &pr_tables[row->table].cols[col];
    if (c->type == PEERREVIEW_TYPE_ENUM) {
        int i = pr_enum_index(c->enums, s, len);
        return i >= 0 && i < PR_ROW_CODES - 1 ? (uint32_t)i + 1 : 0;
    }
    if (c->type == PEERREVIEW_TYPE_INTEGER && len <= 2 && s[0] >= '0' && s[0] <= '9' &&
        (len == 1 || (s[0] != '0' && s[1] >= '0' && s[1] <= '9'))) {
        unsigned v = len == 1 ? (unsigned)(s[0] - '0')
                              : (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
        return v < PR_ROW_CODES - 1 ? v + 1 : 0;
    }
    return 0;
}

/* ---- shared values ---- */

void pr_intern_free(pr_intern *in)
{
    pr_arena_free(&in->strings);
    pr_free(in->str);
    pr_free(in->slots);
    in->str = NULL;
    in->slots = NULL;
    in->n = in->cap = in->nslots = 0;
}

const char *pr_row_shared(const peerreview_row *row, uint32_t id)
{
    return row_chunk(row)->intern->str[id];
}

static uint32_t intern_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/*
 * The number of a shared value equal to s[0..len) of column col of table,
 * added if need be: 0 when the value is not to be shared (too long, a
 * column whose values seldom repeat, or the numbers are used up), -1 when
 * out of memory, else 1 with *id set.
 */
static int intern_value(pr_intern *in, int table, size_t col, const char *s, size_t len,
                        uint32_t *id)
{
    uint32_t *tries = &in->tries[table][col], *hits = &in->hits[table][col];
    /* a column where, past its first values, fewer than 1 in 2 repeat is not shared */
    if (len > PR_INTERN_LEN || (*tries >= 256 && *hits < *tries / 2) || memchr(s, '\0', len))
        return 0;
    uint32_t h = intern_hash(s, len);
    size_t mask = in->nslots - 1, i = 0;
    if (in->nslots) {
        for (i = h & mask; in->slots[i]; i = (i + 1) & mask) {
            const char *v = in->str[in->slots[i] - 1];
            if (strncmp(v, s, len) == 0 && v[len] == '\0') {
                ++*tries;
                ++*hits;
                *id = in->slots[i] - 1;
                return 1;
            }
        }
    }
    ++*tries;
    if (in->n >= PR_INTERN_MAX)
        return 0;
    if ((in->n + 1) * 2 > in->nslots) {
        size_t n = in->nslots ? in->nslots * 2 : 256;
        uint32_t *slots = pr_calloc(n, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t k = 0; k < in->nslots; k++)
            if (in->slots[k]) {
                const char *v = in->str[in->slots[k] - 1];
                size_t j = intern_hash(v, strlen(v)) & (n - 1);
                while (slots[j])
                    j = (j + 1) & (n - 1);
                slots[j] = in->slots[k];
            }
        pr_free(in->slots);
        in->slots = slots;
        in->nslots = n;
        mask = n - 1;
        for (i = h & mask; in->slots[i];)
            i = (i + 1) & mask;
    }
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 256;
        const char **str = pr_reallocarray(in->str, cap, sizeof *str);
        if (!str)
            return -1;
        in->str = str;
        in->cap = cap;
    }
    const char *v = pr_arena_strndup(&in->strings, s, len);
    if (!v)
        return -1;
    in->str[in->n] = v;
    in->slots[i] = (uint32_t)++in->n;
    *id = (uint32_t)(in->n - 1);
    return 1;
}

/* Drop what a packed row's edits hold (the row stays; ds may be NULL when it has none). */
static void row_drop_edits(peerreview_row *row)
{
    if (row->form == PR_ROW_PLAIN || !row->mask)
        return;
    peerreview_dataset *ds = row->review->ds;
    edit_del(ds, edit_find(ds, row));
    row->mask = 0;
}

void pr_row_free(peerreview_row *row)
{
    if (!row)
        return;
    if (row->form != PR_ROW_PLAIN) {
        row_drop_edits(row);
        arena_unalloc(row_chunk(row), row);
        return;
    }
    for (size_t c = 0; row->mask; c++) {
        uint32_t bit = (uint32_t)1 << c;
        if (row->mask & bit) {
            pr_free((void *)(uintptr_t)row->pv[c]);
            row->mask &= ~bit;
        }
    }
    pr_free((char *)row - offsetof(plain_row, row));
}

void pr_row_clear(peerreview_row *row)
{
    memset(row->pv, 0, pr_tables[row->table].ncols * sizeof row->pv[0]);
}

/*
 * A value made ready to store: nothing of the row changes until val_put, so
 * that a step failing after it (out of memory) can drop it and leave the row
 * as it was.
 */
typedef struct pr_val {
    const char *s; /* NULL = unknown */
    int owned;     /* s is a block of its own */
} pr_val;

/* The schema's own string for an enum value, or NULL. */
static const char *enum_string(const peerreview_row *row, size_t col, const char *s, size_t len)
{
    const pr_column *c = &pr_tables[row->table].cols[col];
    if (c->type != PEERREVIEW_TYPE_ENUM)
        return NULL;
    int i = pr_enum_index(c->enums, s, len);
    return i >= 0 ? c->enums[i] : NULL;
}

static int val_make(const peerreview_row *row, size_t col, const char *s, size_t len, pr_val *out)
{
    out->s = NULL;
    out->owned = 0;
    if (!s || len == 0)
        return 0;
    if ((out->s = enum_string(row, col, s, len)) != NULL)
        return 0;
    if (!(out->s = pr_strndup(s, len)))
        return -1;
    out->owned = 1;
    return 0;
}

static void val_drop(pr_val *v)
{
    if (v->owned)
        pr_free((void *)(uintptr_t)v->s);
    v->s = NULL;
    v->owned = 0;
}

/*
 * Make a row ready for val_put: a packed row's first value set through the
 * API needs its entry in the dataset's edits. -1 when out of memory
 * (nothing changed).
 */
static int val_ready(peerreview_row *row)
{
    if (row->form == PR_ROW_PLAIN || row->mask)
        return 0;
    peerreview_dataset *ds = row->review->ds;
    size_t ncols = pr_tables[row->table].ncols;
    pr_ext *e = pr_malloc(sizeof *e + ncols * sizeof e->v[0]);
    if (!e)
        return -1;
    e->heap = 0;
    for (size_t c = 0; c < ncols; c++)
        e->v[c] = pr_row_v(row, c);
    if ((ds->usededits + 1) * 2 > ds->nedits) {
        size_t n = ds->nedits ? ds->nedits * 2 : 16;
        pr_edit *slots = n > ds->nedits ? pr_calloc(n, sizeof *slots) : NULL;
        if (!slots) {
            pr_free(e);
            return -1;
        }
        for (size_t i = 0; i < ds->nedits; i++)
            if (ds->edits[i].row)
                edit_put(slots, n, ds->edits[i].row, ds->edits[i].ext);
        pr_free(ds->edits);
        ds->edits = slots;
        ds->nedits = n;
    }
    edit_put(ds->edits, ds->nedits, row, e);
    ds->usededits++;
    /* every value is now read from the edits; a bit stays set while the entry is there */
    row->mask = ((uint32_t)1 << (ncols - 1) << 1) - 1;
    return 0;
}

/* Put a value into the row (made ready by val_ready), freeing the one it replaces if owned. */
static void val_put(peerreview_row *row, size_t col, pr_val v)
{
    uint32_t bit = (uint32_t)1 << col;
    const char **slot;
    uint32_t *heap;
    if (row->form == PR_ROW_PLAIN) {
        slot = &row->pv[col];
        heap = &row->mask;
    } else {
        pr_ext *e = edit_find(row->review->ds, row)->ext;
        slot = &e->v[col];
        heap = &e->heap;
    }
    if (*heap & bit)
        pr_free((void *)(uintptr_t)*slot);
    *slot = v.s;
    if (v.owned)
        *heap |= bit;
    else
        *heap &= ~bit;
}

int pr_row_store(pr_arena *a, peerreview_row *row, size_t col, const char *s, size_t len)
{
    if (row->form != PR_ROW_PLAIN) {
        /* a load's store: the value goes right after the row, in the room it was given */
        if (row->table != PEERREVIEW_REVIEWS && col == 0)
            return 0;
        uint32_t off = s && len ? value_code(row, col, s, len) : 0, id;
        int shared = 0;
        if (s && len && !off && a->intern &&
            (shared = intern_value(a->intern, row->table, col, s, len, &id)) < 0)
            return -1;
        if (shared)
            off = id | (row->form == PR_ROW_PACKED16 ? 0x8000u : 0x80000000u);
        else if (s && len && !off) {
            pr_chunk *c = a->head;
            size_t at = c->used;
            if ((char *)row < c->data || (size_t)((char *)row - c->data) != row->sid ||
                c->cap - at <= len)
                return -1; /* not the row being loaded here: a caller's mistake */
            memcpy(c->data + at, s, len);
            c->data[at + len] = '\0';
            c->used = at + len + 1;
            size_t o = at - row->sid;
            if (row->form == PR_ROW_PACKED16 ? o >= 0x8000 : o >= 0x80000000u)
                return -1;
            off = (uint32_t)o;
        }
        char *base = (char *)row + sizeof *row;
        if (row->form == PR_ROW_PACKED16)
            ((uint16_t *)(void *)base)[col] = (uint16_t)off;
        else
            ((uint32_t *)(void *)base)[col] = off;
        return 0;
    }
    const char *d = NULL;
    if (s && len && !(d = enum_string(row, col, s, len)) && !(d = pr_arena_strndup(a, s, len)))
        return -1;
    if (row->mask) { /* never while loading: rows start empty */
        pr_val v = {d, 0};
        val_put(row, col, v);
    } else {
        row->pv[col] = d;
    }
    return 0;
}

int pr_row_store_owned(peerreview_row *row, size_t col, const char *s, size_t len)
{
    pr_val v;
    if (val_make(row, col, s, len, &v))
        return -1;
    if (val_ready(row)) {
        val_drop(&v);
        return -1;
    }
    val_put(row, col, v);
    return 0;
}

const char *pr_row_value(const peerreview_row *row, size_t col)
{
    if (row->table != PEERREVIEW_REVIEWS && col == 0)
        return pr_row_v(row->review->row, PR_R_REVIEW_ID);
    return pr_row_v(row, col);
}

static int64_t seq_of(const peerreview_row *row)
{
    const char *s = pr_row_v(row, pr_seq_col(row->table));
    int64_t v;
    if (!s || pr_int_parse(s, strlen(s), &v))
        return INT64_MAX;
    return v;
}

int pr_row_key(const peerreview_row *row, pr_rowkey *k)
{
    k->kind = 0;
    if (row->table == PEERREVIEW_ITEMS) {
        const char *const *kinds = pr_tables[PEERREVIEW_ITEMS].cols[PR_I_KIND].enums;
        const char *s = pr_row_v(row, PR_I_KIND);
        k->kind = s ? -1 : 1000;
        for (int i = 0; s && kinds[i] && k->kind < 0; i++)
            if (kinds[i] == s) /* the schema's own string, as stored */
                k->kind = i;
        if (k->kind < 0)
            k->kind = pr_enum_index(kinds, s, strlen(s));
    }
    const char *s = pr_row_v(row, pr_seq_col(row->table));
    if (!s || pr_int_parse(s, strlen(s), &k->seq)) {
        k->seq = INT64_MAX;
        return 0;
    }
    return 1;
}

int pr_row_key_cmp(const peerreview_row *a, const peerreview_row *b)
{
    pr_rowkey ka, kb;
    pr_row_key(a, &ka);
    pr_row_key(b, &kb);
    return pr_rowkey_cmp(&ka, &kb);
}

/* Stable merge sort of indices by key (qsort is not stable and needs a global). */
static void msort(size_t *v, size_t *tmp, size_t n, const pr_rowlist *l)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    msort(v, tmp, h, l);
    msort(v + h, tmp, n - h, l);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = pr_row_key_cmp(l->v[v[j]], l->v[v[i]]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

size_t *pr_sorted_children(const peerreview_review *r, int table)
{
    const pr_rowlist *l = &r->kids[table];
    size_t *idx = pr_calloc(l->n ? l->n * 2 : 1, sizeof *idx);
    if (!idx)
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        idx[i] = i;
    msort(idx, idx + l->n, l->n, l);
    return idx;
}

int pr_children_in_order(const peerreview_review *r, int table)
{
    const pr_rowlist *l = &r->kids[table];
    for (size_t k = 1; k < l->n; k++)
        if (pr_row_key_cmp(l->v[k - 1], l->v[k]) > 0)
            return 0;
    return 1;
}

/* ---- reviews ---- */

PEERREVIEW_API peerreview_review *peerreview_review_new(void)
{
    peerreview_review *r = pr_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->row = pr_row_alloc(PEERREVIEW_REVIEWS);
    if (!r->row) {
        pr_free(r);
        return NULL;
    }
    r->row->review = r;
    return r;
}

peerreview_review *pr_review_new_in(peerreview_dataset *ds, size_t bytes)
{
    void *front;
    peerreview_row *row = packed_alloc(&ds->arena, PEERREVIEW_REVIEWS,
                                       ALIGN8(sizeof(peerreview_review)), bytes, &front);
    if (!row)
        return NULL;
    peerreview_review *r = front;
    r->row = row;
    r->ds = ds;
    row->review = r;
    return r;
}

static void review_destroy(peerreview_review *r)
{
    for (int t = 1; t < PEERREVIEW_TABLE_COUNT; t++) {
        for (size_t i = 0; i < r->kids[t].n; i++)
            pr_row_free(r->kids[t].v[i]);
        if (!(r->kids[t].cap & PR_LIST_ARENA))
            pr_free(r->kids[t].v);
    }
    peerreview_row *row = r->row;
    if (row->form == PR_ROW_PLAIN) {
        pr_row_free(row);
        pr_free(r);
    } else {
        /* a loaded review and its row are one object in the arena */
        row_drop_edits(row);
        arena_unalloc(row_chunk(row), r);
    }
}

PEERREVIEW_API void peerreview_review_free(peerreview_review *r)
{
    if (!r || r->ds)
        return;
    review_destroy(r);
}

PEERREVIEW_API const peerreview_dataset *peerreview_review_owner(const peerreview_review *r)
{
    return r ? r->ds : NULL;
}

PEERREVIEW_API peerreview_dataset *peerreview_review_dataset(const peerreview_review *r)
{
    return r ? r->ds : NULL;
}

/*
 * Room for one more row in a list of a loaded review: its list lives in the
 * dataset's arena, as long as it can grow there in place (a load reads a
 * review's rows one after another); -1 when it cannot.
 */
static int list_grow_in(peerreview_dataset *ds, pr_rowlist *l)
{
    pr_chunk *c = ds->lists.head;
    if (!l->v) {
        if (!(l->v = arena_obj(&ds->lists, sizeof *l->v, 0)))
            return -1;
        l->cap = 1 | PR_LIST_ARENA;
        return 0;
    }
    size_t at = (size_t)((char *)l->v - c->data);
    if ((char *)l->v < c->data || c->last != at || c->cap - c->used < sizeof *l->v ||
        (l->cap & ~PR_LIST_ARENA) >= PR_LIST_ARENA - 1)
        return -1;
    c->used += sizeof *l->v;
    l->cap++;
    return 0;
}

int pr_review_append(peerreview_review *r, int table, peerreview_row *row)
{
    pr_rowlist *l = &r->kids[table];
    uint32_t cap = l->cap & ~PR_LIST_ARENA;
    if (l->n == cap) {
        if (!(r->row->form != PR_ROW_PLAIN && r->ds && (!l->v || (l->cap & PR_LIST_ARENA)) &&
              list_grow_in(r->ds, l) == 0)) {
            /* a block of its own, doubling */
            if (cap >= PR_LIST_ARENA / 2)
                return -1;
            uint32_t ncap = cap < 4 ? 8 : cap * 2;
            peerreview_row **v = pr_malloc(ncap * sizeof *v);
            if (!v)
                return -1;
            if (l->n)
                memcpy(v, l->v, l->n * sizeof *v);
            if (!(l->cap & PR_LIST_ARENA))
                pr_free(l->v);
            l->v = v;
            l->cap = ncap;
        }
    }
    row->review = r;
    l->v[l->n++] = row;
    return 0;
}

/* ---- dataset index ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static pr_slot *index_find(const peerreview_dataset *ds, const char *key)
{
    if (!ds->nslots)
        return NULL;
    size_t mask = ds->nslots - 1;
    for (size_t i = hash_str(key) & mask;; i = (i + 1) & mask) {
        pr_slot *s = &ds->slots[i];
        if (!s->key)
            return NULL;
        if (strcmp(s->key, key) == 0)
            return s;
    }
}

static void index_put(pr_slot *slots, size_t nslots, const char *key, peerreview_review *r)
{
    size_t mask = nslots - 1;
    size_t i = hash_str(key) & mask;
    while (slots[i].key)
        i = (i + 1) & mask;
    slots[i].key = key;
    slots[i].review = r;
}

static int index_reserve(peerreview_dataset *ds, size_t want)
{
    size_t need;
    if (pr_mul_size(want, 2, &need))
        return -1;
    if (need <= ds->nslots)
        return 0;
    size_t n = ds->nslots ? ds->nslots : 16;
    while (n < need) {
        if (n > ((size_t)-1) / 4)
            return -1;
        n *= 2;
    }
    pr_slot *slots = pr_calloc(n, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < ds->nslots; i++)
        if (ds->slots[i].key)
            index_put(slots, n, ds->slots[i].key, ds->slots[i].review);
    pr_free(ds->slots);
    ds->slots = slots;
    ds->nslots = n;
    return 0;
}

static void index_del(peerreview_dataset *ds, pr_slot *s)
{
    size_t mask = ds->nslots - 1;
    size_t i = (size_t)(s - ds->slots);
    s->key = NULL;
    s->review = NULL;
    /* backward-shift deletion keeps probe chains intact without tombstones */
    for (size_t j = (i + 1) & mask; ds->slots[j].key; j = (j + 1) & mask) {
        size_t home = hash_str(ds->slots[j].key) & mask;
        int between = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
        if (!between) {
            ds->slots[i] = ds->slots[j];
            ds->slots[j].key = NULL;
            ds->slots[j].review = NULL;
            i = j;
        }
    }
    ds->used--;
}

/* ---- datasets ---- */

PEERREVIEW_API peerreview_dataset *peerreview_dataset_new(void)
{
    peerreview_dataset *ds = pr_calloc(1, sizeof *ds);
    if (ds) {
        pr_arena_init(&ds->arena);
        pr_arena_init(&ds->lists);
        pr_arena_init(&ds->intern.strings);
        ds->arena.intern = &ds->intern;
        ds->format = PEERREVIEW_FORMAT_VERSION;
    }
    return ds;
}

PEERREVIEW_API void peerreview_dataset_free(peerreview_dataset *ds)
{
    if (!ds)
        return;
    for (size_t i = 0; i < ds->n; i++)
        review_destroy(ds->v[i]);
    pr_free(ds->v);
    pr_free(ds->slots);
    pr_free(ds->edits);
    pr_posmap_free(&ds->src);
    pr_free(ds->meta_name);
    pr_free(ds->meta_title);
    pr_free(ds->meta_description);
    pr_json_free(ds->descriptor);
    pr_arena_free(&ds->arena);
    pr_arena_free(&ds->lists);
    pr_intern_free(&ds->intern);
    pr_free(ds);
}

PEERREVIEW_API size_t peerreview_dataset_count(const peerreview_dataset *ds)
{
    return ds ? ds->n : 0;
}

PEERREVIEW_API const peerreview_review *
peerreview_dataset_review_byindex(const peerreview_dataset *ds, size_t i)
{
    return ds && i < ds->n ? ds->v[i] : NULL;
}

PEERREVIEW_API peerreview_review *peerreview_dataset_review_byindex_mut(peerreview_dataset *ds,
                                                                        size_t i)
{
    return ds && i < ds->n ? ds->v[i] : NULL;
}

PEERREVIEW_API const peerreview_review *peerreview_dataset_review_byid(const peerreview_dataset *ds,
                                                                       const char *id)
{
    if (!ds || !id)
        return NULL;
    pr_slot *s = index_find(ds, id);
    return s ? s->review : NULL;
}

PEERREVIEW_API peerreview_review *peerreview_dataset_review_byid_mut(peerreview_dataset *ds,
                                                                     const char *id)
{
    if (!ds || !id)
        return NULL;
    pr_slot *s = index_find(ds, id);
    return s ? s->review : NULL;
}

/* Deprecated aliases: a const dataset lends mutable handles. */
PEERREVIEW_API peerreview_review *peerreview_dataset_review(const peerreview_dataset *ds, size_t i)
{
    return ds && i < ds->n ? ds->v[i] : NULL;
}

PEERREVIEW_API peerreview_review *peerreview_dataset_find(const peerreview_dataset *ds,
                                                          const char *id)
{
    if (!ds || !id)
        return NULL;
    pr_slot *s = index_find(ds, id);
    return s ? s->review : NULL;
}

PEERREVIEW_API uint64_t peerreview_dataset_generation(const peerreview_dataset *ds)
{
    return ds ? ds->generation : 0;
}

PEERREVIEW_API int peerreview_dataset_format(const peerreview_dataset *ds)
{
    return ds ? ds->format : 0;
}

int pr_dataset_insert(peerreview_dataset *ds, peerreview_review *r)
{
    const char *id = pr_row_v(r->row, PR_R_REVIEW_ID);
    if (!id)
        return PEERREVIEW_EDATA;
    if (index_find(ds, id))
        return PEERREVIEW_EEXIST;
    if (index_reserve(ds, ds->used + 1) ||
        pr_grow((void **)&ds->v, &ds->cap, ds->n + 1, sizeof *ds->v))
        return PEERREVIEW_ENOMEM;
    index_put(ds->slots, ds->nslots, id, r);
    ds->used++;
    r->pos = ds->n;
    ds->v[ds->n++] = r;
    r->ds = ds; /* its strings stay where they are: the rows own them */
    ds->generation++;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_dataset_add(peerreview_dataset *ds,
                                                        peerreview_review *r, peerreview_diag *diag)
{
    if (!ds || !r || r->ds)
        return PEERREVIEW_EINVAL;
    int rc = pr_dataset_insert(ds, r);
    if (rc == PEERREVIEW_OK)
        return rc;
    pr_sink sink;
    pr_sink_init(&sink, diag, 100);
    pr_where w = PR_WHERE_NONE;
    w.field = "review_id";
    if (rc == PEERREVIEW_EDATA)
        pr_report(&sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_MISSING_VALUE, &w,
                  "the review has no review_id; set one before adding it to a dataset");
    else if (rc == PEERREVIEW_EEXIST)
        pr_report(&sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_DUPLICATE_KEY, &w,
                  "a review with review_id \"%s\" is already in the dataset; choose another id",
                  pr_row_v(r->row, PR_R_REVIEW_ID));
    else
        pr_report_oom(&sink, NULL);
    return rc;
}

PEERREVIEW_API peerreview_status peerreview_dataset_remove(peerreview_dataset *ds, const char *id)
{
    if (!ds || !id)
        return PEERREVIEW_EINVAL;
    pr_slot *s = index_find(ds, id);
    if (!s)
        return PEERREVIEW_ENOTFOUND;
    peerreview_review *r = s->review;
    index_del(ds, s);
    memmove(&ds->v[r->pos], &ds->v[r->pos + 1], (ds->n - r->pos - 1) * sizeof *ds->v);
    ds->n--;
    for (size_t i = r->pos; i < ds->n; i++)
        ds->v[i]->pos = i;
    review_destroy(r);
    ds->generation++;
    return PEERREVIEW_OK;
}

void pr_posmap_free(pr_posmap *m)
{
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        pr_free(m->file[t]);
        pr_free(m->col[t]);
    }
}

unsigned long pr_src_column(const pr_posmap *m, int table, size_t col)
{
    if (m && m->col[table] && m->col[table][col])
        return m->col[table][col];
    return (unsigned long)col + 1;
}

pr_where pr_row_where(const pr_posmap *m, const peerreview_row *row, size_t col)
{
    pr_where w = PR_WHERE_NONE;
    w.field = pr_tables[row->table].cols[col].name;
    if (row->src.line && m) {
        w.file = m->file[row->table];
        w.line = row->src.line;
        w.record = row->src.record;
        w.offset = (long long)row->src.offset;
        w.column = row->column ? row->column : pr_src_column(m, row->table, col);
    }
    return w;
}

/* ---- values ---- */

static int check_and_report(int table, size_t col, const char *value, peerreview_diag *diag)
{
    if (!value || !*value)
        return PEERREVIEW_OK;
    pr_buf msg = PR_BUF_INIT;
    int code = pr_check_cell(table, col, value, strlen(value), &msg);
    if (code == -1) {
        pr_buf_free(&msg);
        return PEERREVIEW_OK;
    }
    pr_sink sink;
    pr_sink_init(&sink, diag, 100);
    if (code == -2) {
        pr_report_oom(&sink, NULL);
        pr_buf_free(&msg);
        return PEERREVIEW_ENOMEM;
    }
    pr_where w = PR_WHERE_NONE;
    w.field = pr_tables[table].cols[col].name;
    int r = pr_report(&sink, PEERREVIEW_SEVERITY_ERROR, (peerreview_code)code, &w, "%s",
                      pr_buf_str(&msg));
    pr_buf_free(&msg);
    return r ? PEERREVIEW_ENOMEM : PEERREVIEW_EDATA;
}

PEERREVIEW_API peerreview_status peerreview_check_value(int table, size_t column, const char *value,
                                                        peerreview_diag *diag)
{
    if (!pr_col(table, column))
        return PEERREVIEW_EINVAL;
    return check_and_report(table, column, value, diag);
}

/*
 * The checked getters: cell of column col of row (a review's own row for
 * reviews) into *value; EINVAL for a NULL argument or a column the table
 * lacks, ENOTFOUND for an empty cell.
 */
static peerreview_status get_cell(const peerreview_row *row, size_t col, const char **value)
{
    if (value)
        *value = NULL;
    if (!row || !value || col >= pr_tables[row->table].ncols)
        return PEERREVIEW_EINVAL;
    *value = pr_row_value(row, col);
    return *value ? PEERREVIEW_OK : PEERREVIEW_ENOTFOUND;
}

/* Column index of name in row's table; NO_COL if none (also for a NULL row or name). */
#define NO_COL ((size_t)-1)
static size_t col_of(const peerreview_row *row, const char *name)
{
    int c = row && name ? peerreview_column_index(row->table, name) : -1;
    return c < 0 ? NO_COL : (size_t)c;
}

/* 1 if row's table has a column col of that type. */
static int col_is(const peerreview_row *row, size_t col, peerreview_type type)
{
    const pr_column *c = row ? pr_col(row->table, col) : NULL;
    return c && c->type == type;
}

/* An integer column's value. */
static peerreview_status get_int64(const peerreview_row *row, size_t col, int64_t *out)
{
    if (out)
        *out = 0;
    if (!out || !col_is(row, col, PEERREVIEW_TYPE_INTEGER))
        return PEERREVIEW_EINVAL;
    const char *s = pr_row_value(row, col);
    if (!s)
        return PEERREVIEW_ENOTFOUND;
    /* stored values were checked; parse as strictly anyway */
    size_t len = strlen(s);
    int64_t v;
    if (len == 0 || strspn(s, "0123456789") != len || pr_int_parse(s, len, &v))
        return PEERREVIEW_EDATA;
    *out = v;
    return PEERREVIEW_OK;
}

/* A date column's value. */
static peerreview_status get_date(const peerreview_row *row, size_t col, peerreview_date *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!out || !col_is(row, col, PEERREVIEW_TYPE_DATE))
        return PEERREVIEW_EINVAL;
    const char *s = pr_row_value(row, col);
    if (!s)
        return PEERREVIEW_ENOTFOUND;
    return pr_date_fill(s, strlen(s), out) ? PEERREVIEW_EDATA : PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_review_get_byindex(const peerreview_review *r,
                                                               size_t col, const char **value)
{
    return get_cell(r ? r->row : NULL, col, value);
}

PEERREVIEW_API peerreview_status peerreview_review_get_byname(const peerreview_review *r,
                                                              const char *name, const char **value)
{
    return get_cell(r ? r->row : NULL, col_of(r ? r->row : NULL, name), value);
}

PEERREVIEW_API peerreview_status peerreview_review_get_int64_byindex(const peerreview_review *r,
                                                                     size_t col, int64_t *out)
{
    return get_int64(r ? r->row : NULL, col, out);
}

PEERREVIEW_API peerreview_status peerreview_review_get_int64_byname(const peerreview_review *r,
                                                                    const char *name, int64_t *out)
{
    return get_int64(r ? r->row : NULL, col_of(r ? r->row : NULL, name), out);
}

PEERREVIEW_API peerreview_status peerreview_review_get_date_byindex(const peerreview_review *r,
                                                                    size_t col,
                                                                    peerreview_date *out)
{
    return get_date(r ? r->row : NULL, col, out);
}

PEERREVIEW_API peerreview_status peerreview_review_get_date_byname(const peerreview_review *r,
                                                                   const char *name,
                                                                   peerreview_date *out)
{
    return get_date(r ? r->row : NULL, col_of(r ? r->row : NULL, name), out);
}

PEERREVIEW_API peerreview_status peerreview_row_get_byindex(const peerreview_row *row, size_t col,
                                                            const char **value)
{
    return get_cell(row, col, value);
}

PEERREVIEW_API peerreview_status peerreview_row_get_byname(const peerreview_row *row,
                                                           const char *name, const char **value)
{
    return get_cell(row, col_of(row, name), value);
}

PEERREVIEW_API peerreview_status peerreview_row_get_int64_byindex(const peerreview_row *row,
                                                                  size_t col, int64_t *out)
{
    return get_int64(row, col, out);
}

PEERREVIEW_API peerreview_status peerreview_row_get_int64_byname(const peerreview_row *row,
                                                                 const char *name, int64_t *out)
{
    return get_int64(row, col_of(row, name), out);
}

PEERREVIEW_API peerreview_status peerreview_row_get_date_byindex(const peerreview_row *row,
                                                                 size_t col, peerreview_date *out)
{
    return get_date(row, col, out);
}

PEERREVIEW_API peerreview_status peerreview_row_get_date_byname(const peerreview_row *row,
                                                                const char *name,
                                                                peerreview_date *out)
{
    return get_date(row, col_of(row, name), out);
}

PEERREVIEW_API const char *peerreview_review_value(const peerreview_review *r, size_t col)
{
    const char *v;
    peerreview_review_get_byindex(r, col, &v);
    return v;
}

PEERREVIEW_API const char *peerreview_review_get(const peerreview_review *r, const char *name)
{
    const char *v;
    peerreview_review_get_byname(r, name, &v);
    return v;
}

PEERREVIEW_API peerreview_status peerreview_review_set_value(peerreview_review *r, size_t col,
                                                             const char *value,
                                                             peerreview_diag *diag)
{
    if (!r || col >= pr_tables[PEERREVIEW_REVIEWS].ncols)
        return PEERREVIEW_EINVAL;
    int rc = check_and_report(PEERREVIEW_REVIEWS, col, value, diag);
    if (rc)
        return rc;
    if (value && !*value)
        value = NULL;
    if (col != PR_R_REVIEW_ID || !r->ds)
        return pr_row_store_owned(r->row, col, value, value ? strlen(value) : 0) ? pr_diag_oom(diag)
                                                                                 : PEERREVIEW_OK;
    /* review_id of a review in a dataset: keep the index right */
    peerreview_dataset *ds = r->ds;
    const char *old = pr_row_v(r->row, PR_R_REVIEW_ID);
    if (value && strcmp(value, old) == 0)
        return PEERREVIEW_OK;
    pr_sink sink;
    pr_sink_init(&sink, diag, 100);
    pr_where w = PR_WHERE_NONE;
    w.field = "review_id";
    if (!value) {
        pr_report(&sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_MISSING_VALUE, &w,
                  "a review in a dataset must keep a review_id");
        return PEERREVIEW_EDATA;
    }
    if (index_find(ds, value)) {
        pr_report(&sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_DUPLICATE_KEY, &w,
                  "review_id \"%s\" is already used by another review", value);
        return PEERREVIEW_EEXIST;
    }
    pr_val copy;
    if (val_make(r->row, PR_R_REVIEW_ID, value, strlen(value), &copy))
        return pr_diag_oom(diag);
    if (val_ready(r->row)) {
        val_drop(&copy);
        return pr_diag_oom(diag);
    }
    /* the index finds its slot by the old key: move it before the old string is freed */
    index_del(ds, index_find(ds, old));
    val_put(r->row, PR_R_REVIEW_ID, copy);
    index_put(ds->slots, ds->nslots, copy.s, r);
    ds->used++;
    ds->generation++;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_review_set(peerreview_review *r, const char *column,
                                                       const char *value, peerreview_diag *diag)
{
    int col = peerreview_column_index(PEERREVIEW_REVIEWS, column);
    if (col < 0)
        return PEERREVIEW_EINVAL;
    return peerreview_review_set_value(r, (size_t)col, value, diag);
}

PEERREVIEW_API peerreview_status peerreview_review_set_byindex(peerreview_review *r, size_t col,
                                                               const char *value,
                                                               peerreview_diag *diag)
{
    return peerreview_review_set_value(r, col, value, diag);
}

PEERREVIEW_API peerreview_status peerreview_review_set_byname(peerreview_review *r,
                                                              const char *column, const char *value,
                                                              peerreview_diag *diag)
{
    return peerreview_review_set(r, column, value, diag);
}

static int child_table_ok(int table)
{
    return table > PEERREVIEW_REVIEWS && table < PEERREVIEW_TABLE_COUNT;
}

PEERREVIEW_API size_t peerreview_review_child_count(const peerreview_review *r, int table)
{
    return r && child_table_ok(table) ? r->kids[table].n : 0;
}

PEERREVIEW_API const peerreview_row *peerreview_review_child_byindex(const peerreview_review *r,
                                                                     int table, size_t i)
{
    if (!r || !child_table_ok(table) || i >= r->kids[table].n)
        return NULL;
    return r->kids[table].v[i];
}

PEERREVIEW_API peerreview_row *peerreview_review_child_byindex_mut(peerreview_review *r, int table,
                                                                   size_t i)
{
    if (!r || !child_table_ok(table) || i >= r->kids[table].n)
        return NULL;
    return r->kids[table].v[i];
}

PEERREVIEW_API peerreview_row *peerreview_review_child(const peerreview_review *r, int table,
                                                       size_t i)
{
    if (!r || !child_table_ok(table) || i >= r->kids[table].n)
        return NULL;
    return r->kids[table].v[i];
}

/*
 * Next free seq of the row's group (same review; for items, same kind) when
 * the row's group value is group: made ready in *out, not yet stored.
 */
static int next_seq(const peerreview_row *row, const char *group, pr_val *out)
{
    const pr_rowlist *l = &row->review->kids[row->table];
    size_t g = pr_tables[row->table].group_col;
    int64_t max = 0;
    for (size_t i = 0; i < l->n; i++) {
        const peerreview_row *o = l->v[i];
        if (o == row)
            continue;
        const char *og = g ? pr_row_v(o, g) : NULL;
        if (g && !(og == group || (og && group && !strcmp(og, group))))
            continue;
        int64_t s = seq_of(o);
        if (s != INT64_MAX && s > max)
            max = s;
    }
    char num[24];
    int n = snprintf(num, sizeof num, "%lld", (long long)(max < INT64_MAX ? max + 1 : max));
    return val_make(row, pr_seq_col(row->table), num, (size_t)n, out);
}

/* Store the next free seq of the row's group. */
static int assign_next_seq(peerreview_row *row)
{
    size_t g = pr_tables[row->table].group_col;
    pr_val seq;
    if (next_seq(row, g ? pr_row_v(row, g) : NULL, &seq))
        return -1;
    if (val_ready(row)) {
        val_drop(&seq);
        return -1;
    }
    val_put(row, pr_seq_col(row->table), seq);
    return 0;
}

PEERREVIEW_API peerreview_status peerreview_review_add_child(peerreview_review *r, int table,
                                                             peerreview_row **out)
{
    if (out)
        *out = NULL;
    if (!r || !child_table_ok(table))
        return PEERREVIEW_EINVAL;
    peerreview_row *row = pr_row_alloc(table);
    if (!row)
        return PEERREVIEW_ENOMEM;
    row->review = r;
    if (assign_next_seq(row) || pr_review_append(r, table, row)) {
        pr_row_free(row);
        return PEERREVIEW_ENOMEM;
    }
    row->seq_auto = 1;
    if (r->ds)
        r->ds->generation++;
    if (out)
        *out = row;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_review_remove_child(peerreview_review *r, int table,
                                                                size_t i)
{
    if (!r || !child_table_ok(table))
        return PEERREVIEW_EINVAL;
    pr_rowlist *l = &r->kids[table];
    if (i >= l->n)
        return PEERREVIEW_ENOTFOUND;
    pr_row_free(l->v[i]);
    memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof *l->v);
    l->n--;
    if (r->ds)
        r->ds->generation++;
    return PEERREVIEW_OK;
}

PEERREVIEW_API int peerreview_row_table(const peerreview_row *row)
{
    return row ? row->table : -1;
}

PEERREVIEW_API const peerreview_review *peerreview_row_owner(const peerreview_row *row)
{
    return row ? row->review : NULL;
}

PEERREVIEW_API peerreview_review *peerreview_row_review(const peerreview_row *row)
{
    return row ? row->review : NULL;
}

/* Position of row in its review's list (rows compare equal by key only in bad data). */
static size_t list_pos(const peerreview_row *row)
{
    const pr_rowlist *l = &row->review->kids[row->table];
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == row)
            return i;
    return l->n;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

PEERREVIEW_API int peerreview_row_compare(const peerreview_row *a, const peerreview_row *b)
{
    if (a == b)
        return 0;
    if (!a || !b)
        return a ? 1 : -1;
    if (a->table != b->table)
        return a->table < b->table ? -1 : 1;
    const peerreview_review *ra = a->review, *rb = b->review;
    if (ra != rb) {
        if (ra->ds && ra->ds == rb->ds)
            return cmp_u64(ra->pos, rb->pos);
        return cmp_u64(row_serial(ra->row), row_serial(rb->row));
    }
    if (a->table == PEERREVIEW_REVIEWS)
        return 0; /* a review's own row: there is one */
    int c = pr_row_key_cmp(a, b);
    if (c)
        return c;
    /* the export's sort is stable: equal keys keep list order */
    return cmp_u64(list_pos(a), list_pos(b));
}

PEERREVIEW_API const char *peerreview_row_value(const peerreview_row *row, size_t col)
{
    const char *v;
    peerreview_row_get_byindex(row, col, &v);
    return v;
}

PEERREVIEW_API const char *peerreview_row_get(const peerreview_row *row, const char *name)
{
    const char *v;
    peerreview_row_get_byname(row, name, &v);
    return v;
}

PEERREVIEW_API peerreview_status peerreview_row_set_value(peerreview_row *row, size_t col,
                                                          const char *value, peerreview_diag *diag)
{
    if (!row || col >= pr_tables[row->table].ncols)
        return PEERREVIEW_EINVAL;
    if (row->table == PEERREVIEW_REVIEWS)
        return peerreview_review_set_value(row->review, col, value, diag);
    if (col == 0)
        return PEERREVIEW_EINVAL;
    size_t seqc = pr_seq_col(row->table);
    if (col == seqc && (!value || !*value)) {
        if (assign_next_seq(row))
            return pr_diag_oom(diag);
        row->seq_auto = 1;
        return PEERREVIEW_OK;
    }
    int rc = check_and_report(row->table, col, value, diag);
    if (rc)
        return rc;
    size_t g = pr_tables[row->table].group_col;
    const char *was = g && col == g ? pr_row_v(row, g) : NULL;
    if (g && col == g && row->seq_auto && !(was && value && strcmp(was, value) == 0)) {
        /* a seq the caller never chose follows the group the row ends up in:
           the new kind and the next seq of that kind are stored together */
        pr_val kind, seq;
        if (val_make(row, col, value, value ? strlen(value) : 0, &kind))
            return pr_diag_oom(diag);
        if (next_seq(row, kind.s, &seq) || (val_ready(row) && (val_drop(&seq), 1))) {
            val_drop(&kind);
            return pr_diag_oom(diag);
        }
        val_put(row, col, kind);
        val_put(row, seqc, seq);
        return PEERREVIEW_OK;
    }
    if (pr_row_store_owned(row, col, value, value ? strlen(value) : 0))
        return pr_diag_oom(diag);
    if (col == seqc)
        row->seq_auto = 0; /* the caller's own seq stays as given */
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_row_set(peerreview_row *row, const char *column,
                                                    const char *value, peerreview_diag *diag)
{
    if (!row)
        return PEERREVIEW_EINVAL;
    int col = peerreview_column_index(row->table, column);
    if (col < 0)
        return PEERREVIEW_EINVAL;
    return peerreview_row_set_value(row, (size_t)col, value, diag);
}

PEERREVIEW_API peerreview_status peerreview_row_set_byindex(peerreview_row *row, size_t col,
                                                            const char *value,
                                                            peerreview_diag *diag)
{
    return peerreview_row_set_value(row, col, value, diag);
}

PEERREVIEW_API peerreview_status peerreview_row_set_byname(peerreview_row *row, const char *column,
                                                           const char *value, peerreview_diag *diag)
{
    return peerreview_row_set(row, column, value, diag);
}
