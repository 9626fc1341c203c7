/* Reading the flat form (doc/flat-format.md): one CSV row per review. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "flat-read.h"
#include "flat.h"
#include "rules.h"
#include "schema.h"
#include "table-read.h"
#include "value.h"

#define ERR PEERREVIEW_SEVERITY_ERROR

typedef struct flatload {
    const char *path;
    pr_sink *sink;
    peerreview_dataset *ds;
    const pr_record *rec;
    int transcoded; /* read through a single-byte encoding: a character was one byte */
} flatload;

/* Bytes the file spent on text[0..len) as read (decoded to UTF-8 or not). */
static long long file_bytes(const flatload *F, const char *text, size_t len)
{
    if (!F->transcoded)
        return (long long)len;
    long long n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)text[i] & 0xC0) != 0x80; /* one per character */
    return n;
}

static int add_child(flatload *F, peerreview_review *r, const pr_flatcol *fc, unsigned long fcol,
                     const char *line, size_t len, unsigned long pline, long long off, size_t seq)
{
    int table = fc->table;
    /* packed in the dataset's arena, with room for the line's parts, seq and kind */
    peerreview_row *row = pr_row_alloc_in(&F->ds->arena, table, len + PR_MAX_COLS + 64);
    if (!row)
        return -1;
    row->review = r;
    row->src.line = (uint32_t)pline;
    row->src.record = (uint32_t)F->rec->number;
    row->column = (uint32_t)fcol;
    row->src.offset = (uint64_t)off;
    char num[24];
    int nn = snprintf(num, sizeof num, "%zu", seq);
    if (pr_row_store(&F->ds->arena, row, pr_seq_col(table), num, (size_t)nn) ||
        (fc->kind && pr_row_store(&F->ds->arena, row, PR_I_KIND, fc->kind, strlen(fc->kind)))) {
        pr_row_free(row);
        return -1;
    }
    size_t cols[PR_MAX_COLS];
    size_t ncols = pr_flat_line_fields(table, cols);
    const char *part[PR_MAX_COLS];
    size_t plen[PR_MAX_COLS];
    size_t nparts = pr_flat_split_line(line, len, ncols, part, plen);
    pr_buf msg = PR_BUF_INIT;
    uint8_t reported[PR_MAX_COLS] = {0};
    if (nparts > ncols) {
        pr_where w = pr_row_where(&F->ds->src, row, cols[ncols - 1]);
        w.field = fc->name;
        if (pr_report(F->sink, ERR, PEERREVIEW_P_TOO_MANY_FIELDS, &w,
                      "line %zu of the cell has more than %zu parts separated by \" | \"; "
                      "remove the extra ones",
                      seq, ncols))
            goto oom;
        nparts = ncols;
    }
    for (size_t k = 0; k < nparts; k++) {
        size_t col = cols[k];
        if (!plen[k])
            continue;
        pr_buf_reset(&msg);
        /* a part of a cell of a record read without an encoding problem */
        int code = pr_check_read(table, col, part[k], plen[k], &msg);
        if (code == -2)
            goto oom;
        if (code >= 0) {
            pr_where w = pr_row_where(&F->ds->src, row, col);
            char field[96]; /* councils.gss_code: the field as flat export names it */
            snprintf(field, sizeof field, "%s.%s", fc->name, pr_tables[table].cols[col].name);
            w.field = field;
            if (pr_report(F->sink, ERR, (peerreview_code)code, &w, "line %zu of the cell: %s", seq,
                          pr_buf_str(&msg)))
                goto oom;
            reported[col] = 1;
        } else if (pr_row_store(&F->ds->arena, row, col, part[k], plen[k]))
            goto oom;
    }
    pr_buf_free(&msg);
    if (pr_rules_row(F->sink, &F->ds->src, row, pr_row_v(r->row, PR_R_REVIEW_ID), reported, 0) ||
        pr_review_append(r, table, row)) {
        pr_row_free(row);
        return -1;
    }
    return 0;
oom:
    pr_buf_free(&msg);
    pr_row_free(row);
    return -1;
}

/* Split one list cell into lines and add a child row for each. */
static int load_cell(flatload *F, peerreview_review *r, const pr_flatcol *fc, unsigned long fcol,
                     const pr_field *f)
{
    const char *p = f->p, *end = f->p + f->len;
    unsigned long pline = f->line;
    /* byte offset in the file: past the opening quote, and a quote inside a
       quoted cell is written twice */
    long long off = f->offset + (f->quoted ? 1 : 0);
    size_t seq = 0;
    while (p < end) {
        const char *e = p;
        while (e < end && *e != '\n' && *e != '\r')
            e++;
        /* empty lines are spacing, not rows (the export never writes one) */
        if (e > p && add_child(F, r, fc, fcol, p, (size_t)(e - p), pline, off, ++seq))
            return -1;
        if (e < end && *e == '\r' && e + 1 < end && e[1] == '\n')
            e++;
        const char *next = e < end ? e + 1 : end;
        for (const char *q = p; f->quoted && q < next; q++)
            off += *q == '"';
        off += file_bytes(F, p, (size_t)(next - p));
        p = next;
        pline++;
    }
    return 0;
}

int pr_flat_load(const pr_source *src, const char *path, const peerreview_options *o, pr_sink *sink,
                 peerreview_dataset *ds, pr_progress *progress)
{
    pr_flatcol fcs[PR_FLAT_COLUMNS];
    const char *names[PR_FLAT_COLUMNS];
    size_t nflat = pr_flat_columns(fcs, names);
    pr_csvin *in;
    int rc = pr_csvin_open_source(src, path, o->max_field_size, sink, 0, &in);
    if (rc)
        return rc;
    if (pr_csvin_set_dialect(in, o)) {
        pr_csvin_free(in);
        pr_report_oom(sink, path);
        return PEERREVIEW_ENOMEM;
    }
    ds->src.flat = 1;
    if (progress && progress->fn) {
        progress->total = pr_source_size(src);
        pr_csvin_set_progress(in, progress);
    }
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        ds->src.file[t] = pr_strdup(path);
        if (!ds->src.file[t]) {
            pr_csvin_free(in);
            pr_report_oom(sink, path);
            return PEERREVIEW_ENOMEM;
        }
    }
    pr_header h;
    rc = pr_header_next(in, &h, PEERREVIEW_REVIEWS, path, o, sink, names, nflat);
    ds->format = h.format > 0 ? h.format : 1; /* no mark: format 1 */
    if (rc == PEERREVIEW_ENOMEM) {
        pr_header_free(&h);
        pr_csvin_free(in);
        return PEERREVIEW_ENOMEM;
    }
    pr_record *rec;
    rc = rc == 0 ? 1 : rc;
    if (rc == 1) {
        size_t n = pr_tables[PEERREVIEW_REVIEWS].ncols;
        ds->src.col[PEERREVIEW_REVIEWS] = pr_calloc(n, sizeof(uint16_t));
        if (!ds->src.col[PEERREVIEW_REVIEWS])
            pr_report_oom(sink, path);
        else
            memcpy(ds->src.col[PEERREVIEW_REVIEWS], h.col_to_file, n * sizeof(uint16_t));
    }
    size_t records = 0;
    flatload F = {path, sink, ds, NULL, pr_csvin_transcodes(in)};
    /* review_id -> spreadsheet row of rows that could not be read */
    pr_strmap rejected = PR_STRMAP_INIT;
    unsigned idf = h.col_to_file ? h.col_to_file[PR_R_REVIEW_ID] : 0;
    while (rc == 1 && !sink->stop && !sink->oom) {
        rc = pr_next_record(in, path, &records, o->max_records, 0, sink, &rec);
        if (rc != 1)
            break;
        if (rec->bad && idf && idf <= rec->n && rec->f[idf - 1].len &&
            pr_strmap_put(&rejected, rec->f[idf - 1].p, rec->f[idf - 1].len, rec->number, NULL) <
                0) {
            pr_report_oom(sink, path);
            break;
        }
        if (rec->bad)
            continue;
        F.rec = rec;
        peerreview_review *r = pr_review_new_in(ds, pr_record_bytes(rec)); /* r->ds is ds */
        if (!r) {
            pr_report_oom(sink, path);
            break;
        }
        int cr = pr_record_to_row(&h, rec, path, &ds->arena, r->row, sink);
        if (cr == 1 && idf && idf <= rec->n && rec->f[idf - 1].len &&
            pr_strmap_put(&rejected, rec->f[idf - 1].p, rec->f[idf - 1].len, rec->number, NULL) < 0)
            cr = -1;
        for (size_t k = 0; cr == 0 && k < nflat; k++) {
            unsigned fcol = h.col_to_file[pr_tables[PEERREVIEW_REVIEWS].ncols + k];
            if (fcol && rec->f[fcol - 1].len && load_cell(&F, r, &fcs[k], fcol, &rec->f[fcol - 1]))
                cr = -1;
        }
        const char *id = pr_row_v(r->row, PR_R_REVIEW_ID);
        uint8_t reported[PR_MAX_COLS] = {0};
        for (size_t c = 0; cr == 0 && c < pr_tables[PEERREVIEW_REVIEWS].ncols; c++) {
            unsigned f = h.col_to_file[c];
            reported[c] = !pr_row_v(r->row, c) && f && rec->f[f - 1].len > 0;
        }
        if (cr == 0 && pr_rules_row(sink, &ds->src, r->row, id, reported, 1))
            cr = -1;
        if (cr == 0 && id) {
            int ir = pr_insert_loaded(ds, r, sink, &rejected);
            if (ir == 0)
                r = NULL; /* the dataset has it */
            else if (ir < 0)
                cr = -1;
        }
        if (r) {
            r->ds = NULL;
            peerreview_review_free(r);
        }
        if (cr < 0) {
            pr_report_oom(sink, path);
            break;
        }
    }
    if (rc == 0 && !sink->stop)
        pr_header_finish(&h, path, sink);
    pr_header_free(&h);
    pr_csvin_free(in);
    pr_loadinfo info = {&rejected, rc != 0};
    if (!sink->stop && !sink->oom && pr_rules_dataset(sink, ds, &info))
        pr_report_oom(sink, path);
    pr_strmap_free(&rejected);
    return rc == PEERREVIEW_EIO ? PEERREVIEW_EIO : 0;
}
