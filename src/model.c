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
#define ARENA_MAX_STEP (64 * 1024)

void pr_arena_init(pr_arena *a)
{
    a->head = NULL;
    a->next_size = ARENA_FIRST;
}

void pr_arena_free(pr_arena *a)
{
    pr_chunk *c = a->head;
    while (c) {
        pr_chunk *n = c->next;
        pr_free(c);
        c = n;
    }
    pr_arena_init(a);
}

const char *pr_arena_strndup(pr_arena *a, const char *s, size_t len)
{
    size_t need;
    if (pr_add_size(len, 1, &need))
        return NULL;
    pr_chunk *c = a->head;
    if (!c || c->cap - c->used < need) {
        size_t cap = a->next_size;
        if (cap < need)
            cap = need;
        size_t total;
        if (pr_add_size(sizeof(pr_chunk), cap, &total))
            return NULL;
        pr_chunk *n = pr_malloc(total);
        if (!n)
            return NULL;
        n->cap = cap;
        n->used = 0;
        /* keep the partly used head in front when the new chunk is a one-off */
        if (c && need > a->next_size && c->cap - c->used > 64) {
            n->next = c->next;
            c->next = n;
            memcpy(n->data, s, len);
            n->data[len] = '\0';
            n->used = need;
            return n->data;
        }
        n->next = c;
        a->head = c = n;
        if (a->next_size < ARENA_MAX_STEP)
            a->next_size *= 2;
    }
    char *d = c->data + c->used;
    if (len)
        memcpy(d, s, len);
    d[len] = '\0';
    c->used += need;
    return d;
}

/* ---- rows ---- */

/* Serials only ever grow; atomic, so threads with their own datasets agree. */
static _Atomic uint64_t next_serial = 1;

PEERREVIEW_API uint64_t peerreview_review_serial(const peerreview_review *r)
{
    return r ? r->row->serial : 0;
}

PEERREVIEW_API uint64_t peerreview_row_serial(const peerreview_row *row)
{
    return row ? row->serial : 0;
}

peerreview_row *pr_row_alloc(int table)
{
    size_t n = pr_tables[table].ncols, size;
    if (pr_mul_size(n, sizeof(const char *), &size) ||
        pr_add_size(size, sizeof(peerreview_row), &size))
        return NULL;
    peerreview_row *row = pr_malloc(size);
    if (!row)
        return NULL;
    memset(row, 0, size);
    row->table = (uint8_t)table;
    row->serial = atomic_fetch_add(&next_serial, 1);
    return row;
}

/* the owned bit mask has one bit per column */
_Static_assert(PR_MAX_COLS <= 32, "peerreview_row.owned needs a bit per column");

void pr_row_free(peerreview_row *row)
{
    if (!row)
        return;
    for (size_t c = 0; row->owned; c++) {
        uint32_t bit = (uint32_t)1 << c;
        if (row->owned & bit) {
            pr_free((void *)(uintptr_t)row->v[c]);
            row->owned &= ~bit;
        }
    }
    pr_free(row);
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

/* Put a value into the row, freeing the one it replaces if the row owned it. */
static void val_put(peerreview_row *row, size_t col, pr_val v)
{
    uint32_t bit = (uint32_t)1 << col;
    if (row->owned & bit)
        pr_free((void *)(uintptr_t)row->v[col]);
    row->v[col] = v.s;
    if (v.owned)
        row->owned |= bit;
    else
        row->owned &= ~bit;
}

int pr_row_store(pr_arena *a, peerreview_row *row, size_t col, const char *s, size_t len)
{
    const char *d = NULL;
    if (s && len && !(d = enum_string(row, col, s, len)) && !(d = pr_arena_strndup(a, s, len)))
        return -1;
    if (row->owned) { /* never while loading: rows start empty */
        pr_val v = {d, 0};
        val_put(row, col, v);
    } else {
        row->v[col] = d;
    }
    return 0;
}

int pr_row_store_owned(peerreview_row *row, size_t col, const char *s, size_t len)
{
    pr_val v;
    if (val_make(row, col, s, len, &v))
        return -1;
    val_put(row, col, v);
    return 0;
}

const char *pr_row_value(const peerreview_row *row, size_t col)
{
    if (row->table != PEERREVIEW_REVIEWS && col == 0)
        return row->review->row->v[PR_R_REVIEW_ID];
    return row->v[col];
}

static int64_t seq_of(const peerreview_row *row)
{
    const char *s = row->v[pr_seq_col(row->table)];
    int64_t v;
    if (!s || pr_int_parse(s, strlen(s), &v))
        return INT64_MAX;
    return v;
}

int pr_row_key_cmp(const peerreview_row *a, const peerreview_row *b)
{
    if (a->table == PEERREVIEW_ITEMS) {
        const char *const *kinds = pr_tables[PEERREVIEW_ITEMS].cols[PR_I_KIND].enums;
        int ka =
            a->v[PR_I_KIND] ? pr_enum_index(kinds, a->v[PR_I_KIND], strlen(a->v[PR_I_KIND])) : 1000;
        int kb =
            b->v[PR_I_KIND] ? pr_enum_index(kinds, b->v[PR_I_KIND], strlen(b->v[PR_I_KIND])) : 1000;
        if (ka != kb)
            return ka < kb ? -1 : 1;
    }
    int64_t sa = seq_of(a), sb = seq_of(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
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

static void review_destroy(peerreview_review *r)
{
    for (int t = 1; t < PEERREVIEW_TABLE_COUNT; t++) {
        for (size_t i = 0; i < r->kids[t].n; i++)
            pr_row_free(r->kids[t].v[i]);
        pr_free(r->kids[t].v);
    }
    pr_row_free(r->row);
    pr_free(r);
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

int pr_review_append(peerreview_review *r, int table, peerreview_row *row)
{
    pr_rowlist *l = &r->kids[table];
    if (pr_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v))
        return -1;
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
    pr_posmap_free(&ds->src);
    pr_free(ds->meta_name);
    pr_free(ds->meta_title);
    pr_free(ds->meta_description);
    pr_json_free(ds->descriptor);
    pr_arena_free(&ds->arena);
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
    const char *id = r->row->v[PR_R_REVIEW_ID];
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
                  r->row->v[PR_R_REVIEW_ID]);
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
        w.column = row->src.column ? row->src.column : pr_src_column(m, row->table, col);
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
    const char *old = r->row->v[PR_R_REVIEW_ID];
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
        if (g && !(o->v[g] == group || (o->v[g] && group && !strcmp(o->v[g], group))))
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
    if (next_seq(row, g ? row->v[g] : NULL, &seq))
        return -1;
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
        return cmp_u64(ra->row->serial, rb->row->serial);
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
    const char *was = g && col == g ? row->v[g] : NULL;
    if (g && col == g && row->seq_auto && !(was && value && strcmp(was, value) == 0)) {
        /* a seq the caller never chose follows the group the row ends up in:
           the new kind and the next seq of that kind are stored together */
        pr_val kind, seq;
        if (val_make(row, col, value, value ? strlen(value) : 0, &kind))
            return pr_diag_oom(diag);
        if (next_seq(row, kind.s, &seq)) {
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
