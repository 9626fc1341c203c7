/* Internal data model: dataset -> reviews -> child rows, in a compact store. */
#ifndef PR_MODEL_H
#define PR_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "peerreview.h"
#include "schema.h"

/*
 * Storage. What a load reads lives in the dataset's chunked arena: each
 * loaded row is one packed block there (its header, then a 16- or 32-bit
 * offset per column, then its values' bytes), never one heap block per row
 * or per field; freed with the dataset. A value set through the API is one
 * block of its own (pr_malloc), freed when it is replaced or its row freed,
 * so that editing does not grow memory: replaced arena values are garbage
 * bounded by what was loaded. Enum values point at the schema's strings.
 */
struct pr_intern;

typedef struct pr_chunk {
    struct pr_chunk *next;
    const struct pr_intern *intern; /* its arena's shared values, or NULL */
    size_t cap, used;
    size_t last;          /* start of the last object (pr_arena_obj), which can be given back */
    uint64_t serial_base; /* a row packed in the chunk has serial serial_base + its offset */
    char data[];
} pr_chunk;

typedef struct pr_arena {
    pr_chunk *head; /* current chunk (allocation happens here) */
    size_t next_size;
    struct pr_intern *intern; /* where packed rows share repeated values, or NULL */
} pr_arena;

/*
 * Values that repeat (a council's name, a job title, a date) stored once for
 * a dataset's packed rows, which refer to them by number: short values of
 * columns where values met so far repeat often enough. Filled while loading
 * only; read by any thread after.
 */
#define PR_INTERN_MAX 0x7fff /* numbers that fit a packed row's 16-bit offset */
#define PR_INTERN_LEN 64     /* longer values are not shared */
typedef struct pr_intern {
    pr_arena strings;
    const char **str; /* number -> value */
    uint32_t *slots;  /* open addressing: number + 1, 0 = empty */
    size_t n, cap, nslots;
    uint32_t tries[PEERREVIEW_TABLE_COUNT][PR_MAX_COLS];
    uint32_t hits[PEERREVIEW_TABLE_COUNT][PR_MAX_COLS];
} pr_intern;
void pr_intern_free(pr_intern *in);

void pr_arena_init(pr_arena *a);
void pr_arena_free(pr_arena *a);
/* Copy s[0..len) plus NUL into the arena; NULL when out of memory. */
const char *pr_arena_strndup(pr_arena *a, const char *s, size_t len);

/* Where a row came from (for positioned problems after a load). */
typedef struct pr_src {
    uint64_t offset;
    uint32_t line;   /* 0 = not from a file */
    uint32_t record; /* header = 1 */
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

/* How a row holds its values (peerreview_row.form). */
enum {
    PR_ROW_PLAIN,    /* pv[]: a pointer per column (rows made through the API, the reader's) */
    PR_ROW_PACKED16, /* loaded, in the arena: a uint16_t offset per column after the header */
    PR_ROW_PACKED32  /* the same with uint32_t offsets (a row of 64 KiB or more) */
};

/*
 * An offset of a packed row below PR_ROW_CODES is not a place in the row
 * (values start after the header and offsets) but a code: 0 = no value;
 * 1 + i = enum value i of an enum column, or the integer i (written the
 * canonical way) of an integer column. An offset with its top bit set
 * (0x8000, 0x80000000) is the number of a shared value (pr_intern). Values
 * are read with pr_row_v.
 */
#define PR_ROW_CODES 40

struct peerreview_row {
    peerreview_review *review;
    pr_src src;
    uint32_t column; /* file column when it differs per row (flat form), else 0 */
    /*
     * Plain: bit c = pv[c] is a block of its own (pr_malloc), freed with the
     * row. Packed: bit c = value c was set through the API and is kept in
     * the dataset's edits (see pr_row_v).
     */
    uint32_t mask;
    uint32_t sid; /* packed: offset in its arena chunk (its serial); plain: 0 */
    uint8_t table;
    uint8_t seq_auto; /* seq was chosen by the library: it follows the row's group (kind) */
    uint8_t form;     /* PR_ROW_PLAIN, _PACKED16 or _PACKED32 */
    uint8_t spare;
    const char *pv[]; /* plain rows: one per column; v[0] of child rows is unused */
};
_Static_assert(sizeof(struct peerreview_row) == PR_ROW_CODES,
               "codes end where a row's offsets start");

/* A value set through the API on a packed row (dataset edits): first edit allocates it. */
const char *pr_row_edited(const peerreview_row *row, size_t col);
/* The value a code (see PR_ROW_CODES) of column col of row's table stands for. */
const char *pr_row_code(const peerreview_row *row, size_t col, uint32_t code);
/* Shared value number id of a packed row's arena. */
const char *pr_row_shared(const peerreview_row *row, uint32_t id);

/*
 * The value of column col of a row as stored (NULL = unknown): borrowed,
 * valid as the Conventions of peerreview.h say. v[0] of a child row in a
 * dataset is not stored (pr_row_value gives its review's).
 */
static inline const char *pr_row_v(const peerreview_row *row, size_t col)
{
    if (row->form == PR_ROW_PLAIN)
        return row->pv[col];
    if (row->mask >> col & 1)
        return pr_row_edited(row, col);
    const char *base = (const char *)row;
    uint32_t off, top;
    if (row->form == PR_ROW_PACKED16) {
        off = ((const uint16_t *)(const void *)(base + sizeof *row))[col];
        top = 0x8000;
    } else {
        off = ((const uint32_t *)(const void *)(base + sizeof *row))[col];
        top = 0x80000000u;
    }
    if (off & top)
        return pr_row_shared(row, off & (top - 1));
    if (off >= PR_ROW_CODES)
        return base + off;
    return off ? pr_row_code(row, col, off) : NULL;
}

/*
 * A review's child rows of one table. v is a block of its own, or (flag
 * PR_LIST_ARENA in cap) lives in its dataset's arena and is left there.
 */
typedef struct pr_rowlist {
    peerreview_row **v;
    uint32_t n, cap;
} pr_rowlist;
#define PR_LIST_ARENA 0x80000000u

struct peerreview_review {
    peerreview_dataset *ds;
    size_t pos;                              /* index in ds->v while in a dataset */
    peerreview_row *row;                     /* the reviews.csv row */
    pr_rowlist kids[PEERREVIEW_TABLE_COUNT]; /* [0] unused */
};

/* Values set through the API on packed rows: row -> pr_ext (open addressing). */
typedef struct pr_edit {
    const peerreview_row *row; /* NULL: empty slot */
    struct pr_ext *ext;
} pr_edit;

typedef struct pr_slot {
    const char *key;
    peerreview_review *review;
} pr_slot;

struct peerreview_dataset {
    pr_arena arena;   /* loaded reviews and rows, packed, and the values of the reader's rows */
    pr_arena lists;   /* loaded reviews' lists of child rows */
    pr_intern intern; /* values the arena's rows share */
    pr_edit *edits;   /* values set through the API on packed rows */
    size_t nedits, usededits;
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
    /*
     * A load that found no error sets checked, with the generation and the
     * field size limit it had: while the generation is the same and no value
     * has been set (no edits), every rule of pr_validate with that limit or a
     * larger one holds (the fuzz targets check that a loaded dataset passes
     * peerreview_dataset_validate), so a save need not check it again.
     */
    int checked;
    uint64_t checked_generation;
    size_t checked_max_field;
};

/* Allocate an empty row of a table (all values unknown), plain. */
peerreview_row *pr_row_alloc(int table);

/*
 * Allocate an empty row of a table packed in the arena, with room for values
 * of up to bytes bytes in all (each value's length plus one), which only
 * pr_row_store may add, before anything else is allocated from a. NULL when
 * out of memory. pr_row_free gives it back when nothing came after it.
 */
peerreview_row *pr_row_alloc_in(pr_arena *a, int table, size_t bytes);

/*
 * A new review for a load into ds (ds->arena), its row packed as by
 * pr_row_alloc_in; r->ds is ds. NULL when out of memory. Once it is not
 * wanted: r->ds = NULL, then peerreview_review_free.
 */
peerreview_review *pr_review_new_in(peerreview_dataset *ds, size_t bytes);

/* Clear every value of a plain row that owns none (the reader's row between rows). */
void pr_row_clear(peerreview_row *row);

/* Free a row and the values it owns (not its children: see review_destroy). */
void pr_row_free(peerreview_row *row);

/* Append a row to a review's child list (review takes ownership). */
int pr_review_append(peerreview_review *r, int table, peerreview_row *row);

/*
 * Store a loaded value (NULL/"" = unknown) without checks, copied into the
 * arena (a load's bulk storage; a packed row's own arena, which it extends);
 * enum values point at the schema. A value the row owned in that column is
 * freed. -1 when out of memory (row unchanged). A packed child row keeps no
 * review_id (its review's is its own).
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

/*
 * A child row's key as pr_row_key_cmp orders rows: kind (items: the index of
 * its enum value, 1000 when unknown; 0 in other tables) and seq (INT64_MAX
 * when unknown or not a number).
 */
typedef struct pr_rowkey {
    int kind;
    int64_t seq;
} pr_rowkey;
/* The key of a row; 1 when its seq is a number, 0 when not. */
int pr_row_key(const peerreview_row *row, pr_rowkey *k);
static inline int pr_rowkey_cmp(const pr_rowkey *a, const pr_rowkey *b)
{
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq ? 1 : 0;
}

/* Indices of a review's child rows of a table sorted by key (caller frees). */
size_t *pr_sorted_children(const peerreview_review *r, int table);

/*
 * 1 if a review's child rows of a table are in key order already (as files
 * list them), so that pr_sorted_children would give 0, 1, 2, ... (its sort is
 * stable); 0 if not.
 */
int pr_children_in_order(const peerreview_review *r, int table);

#endif
