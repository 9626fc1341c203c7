/* Reading one table: header mapping, record -> row, a review into the dataset. */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "format-version.h"
#include "schema.h"
#include "table-read.h"
#include "value.h"

#define ERR  PEERREVIEW_SEVERITY_ERROR
#define WARN PEERREVIEW_SEVERITY_WARNING

void pr_report_empty(pr_sink *sink, const char *file)
{
    pr_where w = PR_WHERE_NONE;
    w.file = file;
    pr_report(sink, ERR, PEERREVIEW_P_EMPTY_FILE, &w,
              "the file is empty; it needs at least the header row (the column names)");
}

int pr_next_record(pr_csvin *in, const char *file, size_t *count, size_t max, int package,
                   pr_sink *sink, pr_record **rec)
{
    int rc = pr_csvin_next(in, rec);
    if (rc == 1 && ++*count > max) {
        pr_where w = PR_WHERE_NONE;
        w.file = file;
        w.line = (*rec)->line;
        w.record = (*rec)->number;
        pr_report(sink, ERR, PEERREVIEW_P_TOO_MANY_RECORDS, &w,
                  "more than %zu records%s; stopped here, as the record limit bounds the "
                  "memory a load takes: raise the limit if the data is right",
                  max, package ? " in all the package's tables" : "");
        return PEERREVIEW_EDATA;
    }
    return rc;
}

int pr_insert_loaded(peerreview_dataset *ds, peerreview_review *r, pr_sink *sink,
                     const pr_strmap *rejected)
{
    const char *id = pr_row_v(r->row, PR_R_REVIEW_ID);
    const peerreview_review *first = peerreview_dataset_review_byid(ds, id);
    const size_t *rej = !first && rejected ? pr_strmap_get(rejected, id, strlen(id)) : NULL;
    if (first || rej) {
        pr_where w = pr_row_where(&ds->src, r->row, PR_R_REVIEW_ID);
        char cell[32];
        pr_cell_name(pr_src_column(&ds->src, PEERREVIEW_REVIEWS, PR_R_REVIEW_ID),
                     first ? first->row->src.record : (unsigned long)*rej, cell);
        return pr_report(sink, ERR, PEERREVIEW_P_DUPLICATE_KEY, &w,
                         "review_id \"%s\" is used again (first in cell %s); every review "
                         "needs its own id",
                         id, cell)
                   ? -1
                   : 1;
    }
    r->ds = NULL;
    if (pr_dataset_insert(ds, r) != PEERREVIEW_OK) {
        r->ds = ds;
        pr_report_oom(sink, NULL);
        return -1;
    }
    return 0;
}

pr_where pr_field_where(const char *file, const pr_record *rec, size_t i, const char *name)
{
    pr_where w = PR_WHERE_NONE;
    w.file = file;
    w.line = rec->f[i].line;
    w.offset = rec->f[i].offset;
    w.column = (unsigned long)i + 1;
    w.record = rec->number;
    w.field = name;
    return w;
}

/* A close match for an unknown column name: trimmed or different case. */
static const char *suggest(int table, const char *s, size_t len, const char *const *extra,
                           size_t nextra)
{
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    const pr_table *t = &pr_tables[table];
    for (size_t c = 0; c < t->ncols + nextra; c++) {
        const char *name = c < t->ncols ? t->cols[c].name : extra[c - t->ncols];
        if (strlen(name) != len)
            continue;
        size_t k = 0;
        for (; k < len; k++) {
            char a = s[k], b = name[k];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a - 'A' + 'a');
            if (a == ' ')
                a = '_';
            if (a != b)
                break;
        }
        if (k == len)
            return name;
    }
    return NULL;
}

void pr_header_free(pr_header *h)
{
    pr_buf_free(&h->msg);
    pr_free(h->file_to_col);
    pr_free(h->col_to_file);
    pr_free(h->unnamed);
    memset(h, 0, sizeof *h);
}

int pr_header_read(pr_header *h, int table, const pr_record *rec, const char *file,
                   const peerreview_options *o, pr_sink *sink, const char *const *extra,
                   size_t nextra)
{
    const pr_table *t = &pr_tables[table];
    size_t ncols = t->ncols + nextra;
    memset(h, 0, sizeof *h);
    h->table = table;
    h->nfields = rec->n;
    h->file_to_col = pr_calloc(rec->n, sizeof *h->file_to_col);
    h->col_to_file = pr_calloc(ncols, sizeof *h->col_to_file);
    h->unnamed = pr_calloc(rec->n, 1);
    if (!h->file_to_col || !h->col_to_file || !h->unnamed) {
        pr_report_oom(sink, file);
        return -1;
    }
    h->usable = !rec->bad;
    /* the flat form's format mark comes first: a newer format is one problem */
    for (size_t i = 0; nextra && i < rec->n && !rec->bad; i++) {
        int format = pr_flat_mark(rec->f[i].p, rec->f[i].len);
        if (format > h->format)
            h->format = format;
    }
    if (h->format > PEERREVIEW_FORMAT_VERSION) {
        h->usable = 0;
        for (size_t i = 0; i < rec->n; i++)
            if (pr_flat_mark(rec->f[i].p, rec->f[i].len) == h->format) {
                pr_where w = pr_field_where(file, rec, i, NULL);
                size_t skip = sizeof PR_FORMAT_KEY; /* the name and '=' */
                return pr_report_newer_format(sink, &w, rec->f[i].p + skip, rec->f[i].len - skip);
            }
    }
    for (size_t i = 0; i < rec->n && !rec->bad; i++) {
        const pr_field *f = &rec->f[i];
        int mark = nextra ? pr_flat_mark(f->p, f->len) : -2;
        if (mark != -2) {
            /* a format this library reads: the column is the mark, not data */
            h->file_to_col[i] = -1;
            if (mark > 0)
                continue;
            pr_where w = pr_field_where(file, rec, i, NULL);
            h->usable = 0;
            if (pr_report(sink, ERR, PEERREVIEW_P_BAD_DESCRIPTOR, &w,
                          "a format mark must be \"%s=N\" with N the format version, a "
                          "whole number such as 2",
                          PR_FORMAT_KEY))
                return -1;
            continue;
        }
        int col = pr_col_index(table, f->p, f->len);
        for (size_t k = 0; col < 0 && k < nextra; k++)
            if (strlen(extra[k]) == f->len && memcmp(extra[k], f->p, f->len) == 0)
                col = (int)(t->ncols + k);
        h->file_to_col[i] = col;
        if (f->len == 0) {
            /* a spreadsheet's leftover column, if no row has a value in it */
            h->unnamed[i] = 1;
            continue;
        }
        pr_buf q = PR_BUF_INIT;
        if (pr_buf_quote(&q, f->p, f->len)) {
            pr_report_oom(sink, file);
            return -1;
        }
        pr_where w = pr_field_where(file, rec, i, NULL);
        int r = 0;
        if (col < 0) {
            const char *hint = suggest(table, f->p, f->len, extra, nextra);
            if (hint)
                r = pr_report(sink, o->ignore_unknown_columns ? WARN : ERR,
                              PEERREVIEW_P_UNKNOWN_COLUMN, &w,
                              "unknown column %s; did you mean \"%s\"? Names are exact "
                              "(lower case, no spaces around them)",
                              pr_buf_str(&q), hint);
            else if (!o->ignore_unknown_columns)
                r = pr_report(sink, ERR, PEERREVIEW_P_UNKNOWN_COLUMN, &w,
                              "unknown column %s in %s; remove it, rename it to a column of "
                              "the schema, or ask to ignore unknown columns",
                              pr_buf_str(&q), file);
            if (!o->ignore_unknown_columns)
                h->usable = 0;
        } else if (h->col_to_file[col]) {
            w.field = (size_t)col < t->ncols ? t->cols[col].name : extra[(size_t)col - t->ncols];
            r = pr_report(sink, ERR, PEERREVIEW_P_DUPLICATE_COLUMN, &w,
                          "column %s appears twice (also column %u); delete one of them",
                          pr_buf_str(&q), (unsigned)h->col_to_file[col]);
            h->file_to_col[i] = -1;
            h->usable = 0;
        } else {
            h->col_to_file[col] = (uint16_t)(i + 1 > 65535 ? 65535 : i + 1);
        }
        pr_buf_free(&q);
        if (r) {
            return -1;
        }
    }
    if (!h->usable)
        return 0;
    for (size_t c = 0; c < ncols; c++) {
        if (h->col_to_file[c])
            continue;
        const char *name = c < t->ncols ? t->cols[c].name : extra[c - t->ncols];
        int required = c < t->ncols && (t->cols[c].flags & PR_REQUIRED);
        pr_where w = PR_WHERE_NONE;
        w.file = file;
        w.line = rec->line;
        w.record = rec->number;
        w.offset = rec->offset;
        w.field = name;
        int r = pr_report(sink, required ? ERR : WARN, PEERREVIEW_P_MISSING_COLUMN, &w,
                          required ? "the header has no column \"%s\", which is required; "
                                     "add it"
                                   : "the header has no column \"%s\"; its values are taken "
                                     "as unknown (add the column to silence this)",
                          name);
        if (r)
            return -1;
        if (required)
            h->usable = 0;
    }
    return 0;
}

int pr_header_next(pr_csvin *in, pr_header *h, int table, const char *file,
                   const peerreview_options *o, pr_sink *sink, const char *const *extra,
                   size_t nextra)
{
    memset(h, 0, sizeof *h);
    pr_record *rec;
    int rc = pr_csvin_next(in, &rec);
    if (rc == 0) {
        pr_report_empty(sink, file);
        return PEERREVIEW_EDATA;
    }
    if (rc < 0)
        return rc;
    if (pr_header_read(h, table, rec, file, o, sink, extra, nextra))
        return PEERREVIEW_ENOMEM;
    if (!h->usable)
        return PEERREVIEW_EDATA;
    /* a record wider than the header keeps only the header's fields' data */
    pr_csvin_keep_fields(in, h->nfields);
    return 0;
}

/* A record of nothing but separators: note it for pr_header_finish. */
static int empty_record(pr_header *h, const pr_record *rec)
{
    for (size_t i = 0; i < rec->n; i++)
        if (rec->f[i].len)
            return 0;
    if (!h->empty_rows.count) {
        h->empty_line = rec->line;
        h->empty_record = rec->number;
        h->empty_offset = rec->offset;
    }
    pr_ranges_add(&h->empty_rows, rec->number);
    return 1;
}

/* A value in a column whose header is empty: reported once per column. */
static int unnamed_values(pr_header *h, const pr_record *rec, const char *file, pr_sink *sink)
{
    for (size_t i = 0; i < rec->n && i < h->nfields; i++) {
        if (h->unnamed[i] != 1 || !rec->f[i].len)
            continue;
        h->unnamed[i] = 2;
        char letters[8];
        pr_column_letters((unsigned long)i + 1, letters);
        pr_buf q = PR_BUF_INIT;
        pr_where w = pr_field_where(file, rec, i, NULL);
        int r = pr_buf_quote(&q, rec->f[i].p, rec->f[i].len) ||
                pr_report(sink, ERR, PEERREVIEW_P_UNKNOWN_COLUMN, &w,
                          "column %s has no name in the header but holds %s here; give the "
                          "column its name in row 1, or delete the column",
                          letters, pr_buf_str(&q));
        pr_buf_free(&q);
        if (r) {
            pr_report_oom(sink, file);
            return -1;
        }
    }
    return 0;
}

/* One empty-column warning for the unnamed columns that held no value. */
static int report_empty_columns(pr_header *h, const char *file, pr_sink *sink)
{
    pr_buf m = PR_BUF_INIT;
    size_t n = 0, first = 0;
    int fail = 0;
    for (size_t i = 0; !fail && h->unnamed && i < h->nfields; i++) {
        if (h->unnamed[i] != 1)
            continue;
        char letters[8];
        pr_column_letters((unsigned long)i + 1, letters);
        fail = (n && pr_buf_adds(&m, ", ")) || pr_buf_adds(&m, letters);
        if (!n++)
            first = i;
    }
    if (!fail && n) {
        pr_where w = PR_WHERE_NONE;
        w.file = file;
        w.line = 1;
        w.record = 1;
        w.column = (unsigned long)first + 1;
        fail = pr_report(sink, WARN, PEERREVIEW_P_EMPTY_COLUMN, &w,
                         n == 1 ? "column %s has no name and no values; it is skipped (delete "
                                  "it to silence this)"
                                : "columns %s have no name and no values; they are skipped "
                                  "(delete them to silence this)",
                         pr_buf_str(&m));
    }
    pr_buf_free(&m);
    return fail;
}

/* One empty-row warning for the rows of nothing but separators. */
static int report_empty_rows(pr_header *h, const char *file, pr_sink *sink)
{
    if (!h->empty_rows.count)
        return 0;
    pr_buf m = PR_BUF_INIT;
    pr_where w = PR_WHERE_NONE;
    w.file = file;
    w.line = h->empty_line;
    w.record = h->empty_record;
    w.offset = h->empty_offset;
    int fail = pr_ranges_format(&h->empty_rows, &m);
    if (!fail && h->empty_rows.count == 1)
        fail = pr_report(sink, WARN, PEERREVIEW_P_EMPTY_ROW, &w,
                         "row %s holds nothing but separators; it is skipped (delete it to "
                         "silence this)",
                         pr_buf_str(&m));
    else if (!fail)
        fail = pr_report(sink, WARN, PEERREVIEW_P_EMPTY_ROW, &w,
                         "%lu rows hold nothing but separators (rows %s); they are skipped "
                         "(delete them to silence this)",
                         h->empty_rows.count, pr_buf_str(&m));
    pr_buf_free(&m);
    return fail;
}

int pr_header_finish(pr_header *h, const char *file, pr_sink *sink)
{
    if (report_empty_columns(h, file, sink) || report_empty_rows(h, file, sink)) {
        pr_report_oom(sink, file);
        return -1;
    }
    return 0;
}

size_t pr_record_bytes(const pr_record *rec)
{
    size_t n = rec->n;
    for (size_t i = 0; i < rec->n; i++)
        n += rec->f[i].len;
    return n;
}

int pr_record_to_row(pr_header *h, const pr_record *rec, const char *file, pr_arena *a,
                     peerreview_row *row, pr_sink *sink)
{
    const pr_table *t = &pr_tables[h->table];
    if (empty_record(h, rec))
        return 2;
    if (rec->n != h->nfields) {
        pr_where w = PR_WHERE_NONE;
        w.file = file;
        w.line = rec->line;
        w.offset = rec->offset;
        w.record = rec->number;
        int r;
        if (rec->n > h->nfields) {
            w.column = (unsigned long)h->nfields + 1;
            w.field = NULL; /* beyond the header: the column has no name */
            w.line = rec->f[h->nfields].line;
            w.offset = rec->f[h->nfields].offset;
            r = pr_report(sink, ERR, PEERREVIEW_P_TOO_MANY_FIELDS, &w,
                          "the record has %zu fields but the header has %zu; a comma in a "
                          "value needs the value in quotes",
                          rec->n, h->nfields);
        } else {
            /* the first missing field; the record ends on its last line */
            w.column = (unsigned long)rec->n + 1;
            w.line = rec->n ? rec->f[rec->n - 1].line : rec->line;
            int col = h->file_to_col[rec->n];
            w.field = col >= 0 && (size_t)col < t->ncols ? t->cols[col].name : NULL;
            r = pr_report(sink, ERR, PEERREVIEW_P_MISSING_FIELDS, &w,
                          "the record has %zu fields but the header has %zu; add the missing "
                          "commas (empty values are fine)",
                          rec->n, h->nfields);
        }
        return r ? -1 : 1;
    }
    if (unnamed_values(h, rec, file, sink))
        return -1;
    row->src.line = rec->line > UINT32_MAX ? UINT32_MAX : (uint32_t)rec->line;
    row->src.record = rec->number > UINT32_MAX ? UINT32_MAX : (uint32_t)rec->number;
    row->src.offset = (uint64_t)rec->offset;
    pr_buf *msg = &h->msg; /* kept from record to record */
    for (size_t i = 0; i < rec->n; i++) {
        int col = h->file_to_col[i];
        if (col < 0 || (size_t)col >= t->ncols)
            continue;
        const pr_field *f = &rec->f[i];
        if (f->len == 0)
            continue;
        pr_buf_reset(msg);
        /* the tokenizer checked the encoding of a record it found no problem in */
        int code = col == 0 && h->valid_id ? -1
                   : rec->bad              ? pr_check_cell(h->table, (size_t)col, f->p, f->len, msg)
                              : pr_check_read(h->table, (size_t)col, f->p, f->len, msg);
        if (code == -2) {
            pr_report_oom(sink, file);
            return -1;
        }
        if (code >= 0) {
            pr_where w = pr_field_where(file, rec, i, t->cols[col].name);
            if (pr_report(sink, ERR, (peerreview_code)code, &w, "%s", pr_buf_str(msg)))
                return -1;
            /* leave it unknown; the required check must not report it again */
            continue;
        }
        if (pr_row_store(a, row, (size_t)col, f->p, f->len)) {
            pr_report_oom(sink, file);
            return -1;
        }
    }
    return 0;
}
