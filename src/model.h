/* Internal data model: dataset -> reviews -> child rows, in a compact store. */
#ifndef PR_MODEL_H
#define PR_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "peerreview.h"

/*
 * String storage: values live in chunked arenas, never one heap block per
 * field. Strings are immutable and stay valid until the arena is freed.
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
/* Move every chunk of src into dst; src becomes empty. */
void pr_arena_splice(pr_arena *dst, pr_arena *src);

/* Where a row came from (for positioned problems after a load). */
typedef struct pr_src {
    uint32_t line;   /* 0 = not from a file */
    uint32_t record; /* header = 1 */
    uint32_t column; /* file column when it differs per row (flat form), else 0 */
    uint64_t offset;
} pr_src;

struct peerreview_row {
    peerreview_review *review;
    uint64_t serial; /* unique per process, for bindings */
    uint8_t table;
    uint8_t seq_auto; /* seq was chosen by the library: it follows the row's group (kind) */
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
    pr_arena own;                            /* strings of a review not (yet) in a dataset */
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
    /* where the data was loaded from: file name and file column per column */
    char *src_file[PEERREVIEW_TABLE_COUNT];
    uint16_t *src_col[PEERREVIEW_TABLE_COUNT];
    int loaded_flat; /* loaded from the flat form: formula warnings are about its cells */
    /* descriptor metadata kept for export */
    char *meta_name, *meta_title, *meta_description;
    struct pr_json *descriptor; /* datapackage.json as loaded, or NULL (json.h) */
    int format;                 /* format version it was loaded from, or the current one */
};

/* Arena that holds the strings of a review. */
pr_arena *pr_review_arena(peerreview_review *r);

/* Allocate an empty row of a table (all values unknown). */
peerreview_row *pr_row_alloc(int table);

/* Append a row to a review's child list (review takes ownership). */
int pr_review_append(peerreview_review *r, int table, peerreview_row *row);

/* Store value (NULL/"" = unknown) without checks; enum values point at the schema. */
int pr_row_store(pr_arena *a, peerreview_row *row, size_t col, const char *s, size_t len);

/* Add a review with a review_id; fails with EEXIST / ENOMEM (unchanged). */
int pr_dataset_insert(peerreview_dataset *ds, peerreview_review *r);

/* File column (1-based) of a schema column for problems about loaded rows. */
unsigned long pr_src_column(const peerreview_dataset *ds, int table, size_t col);

/* Value of a column of any row; review_id of child rows is the parent's. */
const char *pr_row_value(const peerreview_row *row, size_t col);

/* Order of two rows of one child table by key (kind by enum order, seq numerically). */
int pr_row_key_cmp(const peerreview_row *a, const peerreview_row *b);

/* Indices of a review's child rows of a table sorted by key (caller frees). */
size_t *pr_sorted_children(const peerreview_review *r, int table);

#endif
