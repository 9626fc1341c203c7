/* Internal data model: dataset -> reviews -> child rows, in a compact store. */
#ifndef PR_MODEL_H
#define PR_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "peerreview.h"

/*
 * String storage. Values read from files live in the dataset's chunked arena
 * (never one heap block per loaded field; freed with the dataset). A value
 * set through the API is one block of its own (pr_malloc), owned by its row
 * (peerreview_row.owned) and freed when it is replaced or the row freed, so
 * that editing does not grow memory: replaced arena values are garbage
 * bounded by what was loaded. Enum values point at the schema's strings.
 */
typedef struct pr_chunk {
    struct pr_chunk *next;
    size_t cap, used;
    char data[];
} pr_chunk;

typedef struct pr_arena {
    pr_chunk *head; /* current chunk (allocation happens here) */
    size_t next_size;
} pr_arena;

void pr_arena_init(pr_arena *a);
void pr_arena_free(pr_arena *a);
/* Copy s[0..len) plus NUL into the arena; NULL when out of memory. */
const char *pr_arena_strndup(pr_arena *a, const char *s, size_t len);

/* Where a row came from (for positioned problems after a load). */
typedef struct pr_src {
    uint32_t line;   /* 0 = not from a file */
    uint32_t record; /* header = 1 */
    uint32_t column; /* file column when it differs per row (flat form), else 0 */
    uint64_t offset;
} pr_src;

/*
 * Where loaded rows came from, for positioned problems (each row's src holds
 * its line, record and offset): per table the file it was read from (NULL:
 * not from a file) and the file column (1-based, 0: absent) of each schema
 * column (NULL: the schema's order). The rules take this map, not a dataset.
 */
typedef struct pr_posmap {
    char *file[PEERREVIEW_TABLE_COUNT];
    uint16_t *col[PEERREVIEW_TABLE_COUNT];
    int flat; /* loaded from the flat form: formula warnings are about its cells */
} pr_posmap;

/* Free what the map holds (the map itself is the caller's). */
void pr_posmap_free(pr_posmap *m);

/* File column (1-based) of a schema column for problems about loaded rows (m may be NULL). */
unsigned long pr_src_column(const pr_posmap *m, int table, size_t col);

struct peerreview_row {
    peerreview_review *review;
    uint64_t serial; /* unique per process, for bindings */
    uint8_t table;
    uint8_t seq_auto; /* seq was chosen by the library: it follows the row's group (kind) */
    uint32_t owned;   /* bit c: v[c] is a block of its own (pr_malloc), freed with the row */
    pr_src src;
    const char *v[]; /* one per column; v[0] of child rows is unused */
};

typedef struct pr_rowlist {
    peerreview_row **v;
    size_t n, cap;
} pr_rowlist;

struct peerreview_review {
    peerreview_dataset *ds;
    size_t pos;                              /* index in ds->v while in a dataset */
    peerreview_row *row;                     /* the reviews.csv row */
    pr_rowlist kids[PEERREVIEW_TABLE_COUNT]; /* [0] unused */
};

typedef struct pr_slot {
    const char *key;
    peerreview_review *review;
} pr_slot;

struct peerreview_dataset {
    pr_arena arena;
    peerreview_review **v;
    size_t n, cap;
    pr_slot *slots; /* open addressing, linear probing */
    size_t nslots, used;
    uint64_t generation;
    pr_posmap src; /* where the data was loaded from */
    /* descriptor metadata kept for export */
    char *meta_name, *meta_title, *meta_description;
    struct pr_json *descriptor; /* datapackage.json as loaded, or NULL (json.h) */
    int format;                 /* format version it was loaded from, or the current one */
};

/* Allocate an empty row of a table (all values unknown). */
peerreview_row *pr_row_alloc(int table);

/* Free a row and the values it owns (not its children: see review_destroy). */
void pr_row_free(peerreview_row *row);

/* Append a row to a review's child list (review takes ownership). */
int pr_review_append(peerreview_review *r, int table, peerreview_row *row);

/*
 * Store a loaded value (NULL/"" = unknown) without checks, copied into the
 * arena (a load's bulk storage); enum values point at the schema. A value the
 * row owned in that column is freed. -1 when out of memory (row unchanged).
 */
int pr_row_store(pr_arena *a, peerreview_row *row, size_t col, const char *s, size_t len);

/*
 * Store a value set through the API: as pr_row_store, but an own block
 * (pr_malloc) that the row frees when the value is replaced or the row freed.
 * -1 when out of memory, with the old value in place.
 */
int pr_row_store_owned(peerreview_row *row, size_t col, const char *s, size_t len);

/* Add a review with a review_id; fails with EEXIST / ENOMEM (unchanged). */
int pr_dataset_insert(peerreview_dataset *ds, peerreview_review *r);

/* Where a problem about column col of a row is, for messages (m may be NULL). */
pr_where pr_row_where(const pr_posmap *m, const peerreview_row *row, size_t col);

/* Value of a column of any row; review_id of child rows is the parent's. */
const char *pr_row_value(const peerreview_row *row, size_t col);

/* Order of two rows of one child table by key (kind by enum order, seq numerically). */
int pr_row_key_cmp(const peerreview_row *a, const peerreview_row *b);

/* Indices of a review's child rows of a table sorted by key (caller frees). */
size_t *pr_sorted_children(const peerreview_review *r, int table);

#endif
