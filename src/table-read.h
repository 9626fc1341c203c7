/*
 * Reading one table: a file's header record mapped onto the schema, its data
 * records checked into rows, a row's review added to the dataset. Shared by
 * package folders, the flat form and the streaming reader.
 */
#ifndef PR_TABLE_READ_H
#define PR_TABLE_READ_H

#include "buf.h"
#include "csvin.h"
#include "diag.h"
#include "model.h"
#include "options.h"
#include "strmap.h"

/* Header of one table file mapped onto the schema. */
typedef struct pr_header {
    int table;
    size_t nfields;        /* fields in the file's header */
    int *file_to_col;      /* per file field: schema column, -1 = ignored */
    uint16_t *col_to_file; /* per schema column: 1-based file column, 0 = absent */
    int usable;            /* 0 when the header has errors */
    /* what spreadsheets leave behind: columns with an empty name (1 = no value
       seen, 2 = a value was reported) and rows of nothing but separators */
    uint8_t *unnamed;
    unsigned long empty_line, empty_record;
    long long empty_offset;
    pr_ranges empty_rows;
    int format; /* the flat form's format mark, 0 = none */
    pr_buf msg; /* pr_record_to_row's messages (room kept from record to record) */
    /* set by the caller before pr_record_to_row: column 0 (a child row's
       review_id) holds this string, a review's id, which passed the same
       rules: not checked again */
    const char *valid_id;
} pr_header;

/*
 * Read and check a header record against a table's columns (for the flat
 * form, extra_names lists further accepted names mapped to columns
 * ncols, ncols+1, ...). Reports duplicate, unknown and missing columns.
 */
int pr_header_read(pr_header *h, int table, const pr_record *rec, const char *file,
                   const peerreview_options *o, pr_sink *sink, const char *const *extra_names,
                   size_t nextra);
void pr_header_free(pr_header *h);

/*
 * Read the header record of in and check it (pr_header_read). 0 when the
 * rows can be read; PEERREVIEW_EDATA (empty file or header problems,
 * reported), another negative status for I/O or memory. h is initialised
 * in every case (free it with pr_header_free).
 */
int pr_header_next(pr_csvin *in, pr_header *h, int table, const char *file,
                   const peerreview_options *o, pr_sink *sink, const char *const *extra,
                   size_t nextra);

/* Room a record's values take in a row (pr_row_alloc_in): each field's length plus one. */
size_t pr_record_bytes(const pr_record *rec);

/*
 * Check the fields of a data record that map to table columns and store the
 * valid ones into row (values in arena a). Reports field-count and value
 * problems. Returns 0, 1 if the record is unusable (wrong field count), 2 if
 * it holds nothing but separators (skipped, reported by pr_header_finish),
 * or -1 when out of memory.
 */
int pr_record_to_row(pr_header *h, const pr_record *rec, const char *file, pr_arena *a,
                     peerreview_row *row, pr_sink *sink);

/*
 * At the end of a table read to its end: one empty-row warning for the rows
 * of nothing but separators, one empty-column warning for the unnamed columns
 * that held no value. 0 or -1 when out of memory.
 */
int pr_header_finish(pr_header *h, const char *file, pr_sink *sink);

/* Report that a table file has no header (empty-file). */
void pr_report_empty(pr_sink *sink, const char *file);

/*
 * Next data record as pr_csvin_next, counting it against max (*count: of the
 * whole package when package is set); past the limit report too-many-records
 * and return PEERREVIEW_EDATA.
 */
int pr_next_record(pr_csvin *in, const char *file, size_t *count, size_t max, int package,
                   pr_sink *sink, pr_record **rec);

/*
 * Add a review read from a file (r->ds set to ds while its values were
 * stored). 0 added; 1 its review_id is taken, by a review in ds or by a row
 * in rejected (review_id -> spreadsheet row of a row that could not be read;
 * may be NULL): reported at its own row, the caller still owns r; -1 out of
 * memory (reported).
 */
int pr_insert_loaded(peerreview_dataset *ds, peerreview_review *r, pr_sink *sink,
                     const pr_strmap *rejected);

/* Where field i of rec is (called name, or NULL), for problems. */
pr_where pr_field_where(const char *file, const pr_record *rec, size_t i, const char *name);

#endif
