/* Streaming reader: one validated row of one table at a time, constant memory. */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "rules.h"
#include "schema.h"
#include "table-read.h"

struct peerreview_reader {
    pr_sink sink;
    const peerreview_options *o;
    peerreview_options opts;
    pr_csvin *in;
    pr_header h;
    pr_posmap src; /* the file name and column map, for positions */
    peerreview_row *row;
    pr_arena arena; /* the current row's values */
    int table;
    int done;
    size_t records;
};

static int table_from_path(const char *path)
{
    const char *base = strrchr(path, '/');
    return peerreview_table_lookup(base ? base + 1 : path);
}

PEERREVIEW_API void peerreview_reader_free(peerreview_reader *rd)
{
    if (!rd)
        return;
    pr_csvin_free(rd->in);
    pr_header_free(&rd->h);
    pr_posmap_free(&rd->src);
    pr_row_free(rd->row);
    pr_arena_free(&rd->arena);
    pr_free(rd);
}

/* Open a reader over src, called name in problems; table is a peerreview_table. */
static peerreview_status reader_open(const pr_source *src, const char *name, int table,
                                     const peerreview_options *opts, peerreview_diag *diag,
                                     peerreview_reader **out)
{
    peerreview_reader *rd = pr_calloc(1, sizeof *rd);
    if (!rd)
        return pr_diag_oom(diag);
    rd->opts = *pr_options(opts);
    rd->o = &rd->opts;
    rd->table = table;
    pr_arena_init(&rd->arena);
    pr_sink_init(&rd->sink, diag, rd->o->max_problems);
    rd->row = pr_row_alloc(table);
    if (!rd->row || !(rd->src.file[table] = pr_strdup(name))) {
        peerreview_reader_free(rd);
        return pr_diag_oom(diag);
    }
    int rc = pr_csvin_open_source(src, name, rd->o->max_field_size, &rd->sink, 0, &rd->in);
    if (rc == 0 && pr_csvin_set_dialect(rd->in, rd->o)) {
        pr_report_oom(&rd->sink, name);
        rc = PEERREVIEW_ENOMEM;
    }
    if (rc) {
        peerreview_reader_free(rd);
        return rc;
    }
    rc = pr_header_next(rd->in, &rd->h, table, name, rd->o, &rd->sink, NULL, 0);
    if (rc) {
        peerreview_reader_free(rd);
        return rc;
    }
    /* positions of later problems use the file's own column order */
    size_t n = pr_tables[table].ncols;
    rd->src.col[table] = pr_calloc(n, sizeof(uint16_t));
    if (!rd->src.col[table]) {
        peerreview_reader_free(rd);
        return pr_diag_oom(diag);
    }
    memcpy(rd->src.col[table], rd->h.col_to_file, n * sizeof(uint16_t));
    *out = rd;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_reader_open(const char *path, int table,
                                                        const peerreview_options *opts,
                                                        peerreview_diag *diag,
                                                        peerreview_reader **out)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return PEERREVIEW_EINVAL;
    if (table < 0)
        table = table_from_path(path);
    if (table < 0 || table >= PEERREVIEW_TABLE_COUNT)
        return PEERREVIEW_EINVAL;
    pr_source src = {path, NULL, 0, NULL, NULL};
    return reader_open(&src, path, table, opts, diag, out);
}

PEERREVIEW_API peerreview_status peerreview_reader_open_buffer(const void *data, size_t len,
                                                               int table, const char *name,
                                                               const peerreview_options *opts,
                                                               peerreview_diag *diag,
                                                               peerreview_reader **out)
{
    if (out)
        *out = NULL;
    if (!out || (!data && len) || table < 0 || table >= PEERREVIEW_TABLE_COUNT)
        return PEERREVIEW_EINVAL;
    pr_source src = {NULL, data, len, NULL, NULL};
    return reader_open(&src, name ? name : PR_BUFFER_NAME, table, opts, diag, out);
}

PEERREVIEW_API peerreview_status peerreview_reader_open_callback(peerreview_read_fn read, void *ctx,
                                                                 int table, const char *name,
                                                                 const peerreview_options *opts,
                                                                 peerreview_diag *diag,
                                                                 peerreview_reader **out)
{
    if (out)
        *out = NULL;
    if (!out || !read || table < 0 || table >= PEERREVIEW_TABLE_COUNT)
        return PEERREVIEW_EINVAL;
    pr_source src = {NULL, NULL, 0, read, ctx};
    return reader_open(&src, name ? name : PR_STREAM_NAME, table, opts, diag, out);
}

PEERREVIEW_API int peerreview_reader_next(peerreview_reader *rd, peerreview_diag *diag)
{
    if (!rd)
        return PEERREVIEW_EINVAL;
    if (rd->done)
        return 0;
    /* problems of this row go to this call's diag */
    pr_sink_init(&rd->sink, diag, rd->o->max_problems);
    pr_arena_free(&rd->arena);
    size_t ncols = pr_tables[rd->table].ncols;
    pr_row_clear(rd->row);
    memset(&rd->row->src, 0, sizeof rd->row->src);
    pr_record *rec;
    int rc;
    do {
        rc = pr_next_record(rd->in, rd->src.file[rd->table], &rd->records, rd->o->max_records, 0,
                            &rd->sink, &rec);
        if (rc == 0) {
            rd->done = 1;
            /* the end: warnings about skipped rows and columns go with it */
            return pr_header_finish(&rd->h, rd->src.file[rd->table], &rd->sink) ? PEERREVIEW_ENOMEM
                                                                                : 0;
        }
        if (rc < 0) {
            rd->done = 1;
            /* the file cannot be read on: not a row to skip */
            return rc == PEERREVIEW_EDATA ? PEERREVIEW_EFORMAT : rc;
        }
        if (rec->bad)
            return PEERREVIEW_EDATA;
        rc = pr_record_to_row(&rd->h, rec, rd->src.file[rd->table], &rd->arena, rd->row, &rd->sink);
    } while (rc == 2); /* a row of nothing but separators */
    if (rc < 0 || rd->sink.oom) {
        rd->done = 1;
        return PEERREVIEW_ENOMEM;
    }
    if (rc > 0)
        return PEERREVIEW_EDATA;
    uint8_t reported[PR_MAX_COLS];
    for (size_t c = 0; c < ncols; c++) {
        unsigned f = rd->h.col_to_file[c];
        reported[c] = !pr_row_v(rd->row, c) && f && rec->f[f - 1].len > 0;
    }
    if (pr_rules_row(&rd->sink, &rd->src, rd->row, pr_row_v(rd->row, 0), reported, 1)) {
        rd->done = 1;
        return PEERREVIEW_ENOMEM;
    }
    if (rd->table != PEERREVIEW_REVIEWS && !pr_row_v(rd->row, 0) && !reported[0] &&
        rd->h.col_to_file[0]) {
        pr_where w = pr_row_where(&rd->src, rd->row, 0);
        pr_report(&rd->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_MISSING_VALUE, &w,
                  "review_id is required but empty; fill it in");
    }
    return rd->sink.errors ? PEERREVIEW_EDATA : 1;
}

PEERREVIEW_API int peerreview_reader_table(const peerreview_reader *rd)
{
    return rd ? rd->table : -1;
}

PEERREVIEW_API peerreview_status peerreview_reader_get_byindex(const peerreview_reader *rd,
                                                               size_t column, const char **value)
{
    if (value)
        *value = NULL;
    if (!rd || !value || column >= pr_tables[rd->table].ncols)
        return PEERREVIEW_EINVAL;
    if (rd->done || !pr_row_v(rd->row, column))
        return PEERREVIEW_ENOTFOUND;
    *value = pr_row_v(rd->row, column);
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_reader_get_byname(const peerreview_reader *rd,
                                                              const char *column,
                                                              const char **value)
{
    int c = rd && column ? peerreview_column_index(rd->table, column) : -1;
    if (c < 0) {
        if (value)
            *value = NULL;
        return PEERREVIEW_EINVAL;
    }
    return peerreview_reader_get_byindex(rd, (size_t)c, value);
}

PEERREVIEW_API const char *peerreview_reader_value(const peerreview_reader *rd, size_t column)
{
    const char *v;
    peerreview_reader_get_byindex(rd, column, &v);
    return v;
}

PEERREVIEW_API unsigned long peerreview_reader_line(const peerreview_reader *rd)
{
    return rd ? rd->row->src.line : 0;
}
