/*
 * The flat form's layout (doc/flat-format.md), shared by its reader and its
 * writer: the list columns after the review columns, and the lines of a list
 * cell split at " | ".
 */
#ifndef PR_FLAT_H
#define PR_FLAT_H

#include <stddef.h>

#include "peerreview.h"

#define PR_FLAT_SEP    " | "
#define PR_FLAT_SEPLEN 3

/* A list column: which child table, and for items which kind. */
typedef struct pr_flatcol {
    const char *name;
    int table;
    const char *kind; /* items only */
} pr_flatcol;

#define PR_FLAT_KINDS   6
#define PR_FLAT_COLUMNS (PEERREVIEW_TABLE_COUNT - 2 + PR_FLAT_KINDS)

/* The list columns in order (names[i] is out[i].name); returns how many. */
size_t pr_flat_columns(pr_flatcol *out, const char **names);

/* Columns of a child table that a line carries: all but review_id and seq (and kind). */
size_t pr_flat_line_fields(int table, size_t *cols);

/*
 * Split a line into at most n parts at " | " (the last part takes the rest).
 * Returns the number of parts; more than n means the last part itself holds a
 * separator.
 *
 * A line of several fields that begins with "| " has an empty first field: it
 * reads as if it began with " | ". The export writes an empty first field that
 * way (a cell must not begin with a space), and it is also what a reader that
 * trims cells (R's readr) leaves of the old packing " | ...".
 */
size_t pr_flat_split_line(const char *p, size_t len, size_t n, const char **part, size_t *plen);

#endif
