/*
 * The schema is data: one table describes every column of every table.
 * Header matching, validation, canonical export, the datapackage.json we
 * write, the flat form and the bindings' attribute names all derive from it.
 */
#ifndef PR_SCHEMA_H
#define PR_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "peerreview.h"

enum {
    PR_REQUIRED = 1 << 0,  /* must not be empty */
    PR_UNIQUE = 1 << 1,    /* unique on its own (reviews.review_id) */
    PR_NONEMPTY = 1 << 2,  /* minLength 1 in the descriptor */
    PR_PARENT_FK = 1 << 3, /* names a review (child tables' review_id) */
    PR_SELF_FK = 1 << 4,   /* parent_review_id: names another review */
    PR_DATE_ORDER = 1 << 5 /* part of the onsite_start <= ... chain */
};

/* A code column's pattern: the regex for the descriptor, a checker for us. */
typedef struct pr_pattern {
    const char *regex;
    int (*match)(const char *s, size_t len);
    const char *hint; /* what a valid value looks like, for messages */
} pr_pattern;

typedef struct pr_column {
    const char *name;
    peerreview_type type;
    unsigned flags;
    int64_t min, max;          /* integer bounds */
    const char *const *enums;  /* NULL-terminated, for PEERREVIEW_TYPE_ENUM */
    const pr_pattern *pattern; /* for CODE (and slug), NULL otherwise */
    const char *description;   /* as in the descriptor, or NULL */
} pr_column;

typedef struct pr_table {
    const char *name;
    const char *file;
    const pr_column *cols;
    size_t ncols;
    size_t key[3]; /* primary key columns */
    size_t nkey;
    const char *flat_name; /* list column in the flat form (child tables) */
    size_t group_col;      /* column that splits rows into seq groups, or 0 */
} pr_table;

extern const pr_table pr_tables[PEERREVIEW_TABLE_COUNT];

/* No table has more columns than this (checked at compile time). */
#define PR_MAX_COLS 32

/* Column positions used by rules that are about particular columns. */
enum {
    PR_R_REVIEW_ID = 0,
    PR_R_STAGE = 3,
    PR_R_PARENT = 4,
    PR_C_SEQ = 1, /* seq is column 1 of every child table */
    PR_I_KIND = 1,
    PR_I_SEQ = 2
};

/* Index of the seq column of a child table. */
size_t pr_seq_col(int table);
/*
 * 1 if a line of the flat form's list cell carries column col of child table
 * table: every column but review_id, seq and the group column (items' kind,
 * which the list column itself names). See doc/flat-format.md.
 */
int pr_flat_line_col(int table, size_t col);
/* Index of name in the table, or -1. */
int pr_col_index(int table, const char *name, size_t len);
/* Index of value in a NULL-terminated enum list, or -1. */
int pr_enum_index(const char *const *enums, const char *s, size_t len);
/* Look up a column by name in the reviews table; convenience. */
const pr_column *pr_col(int table, size_t col);

/* Region code (E12000001..9) to its name, or NULL. */
const char *pr_region_name(const char *gss, size_t len);
/* Authority type implied by a GSS code's prefix, or NULL. */
const char *pr_authority_for_gss(const char *gss, size_t len);

extern const char *const pr_item_kinds[];

#endif
