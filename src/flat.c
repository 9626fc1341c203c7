/*
 * The flat form: one CSV row per review. The review columns come first, then
 * one list column per child table (items: one per kind), derived from the
 * schema table. Each non-empty line of a list cell is one child row, in seq
 * order; a child with several fields joins them with " | " in column order
 * (seq and review_id left out), trailing empty fields omitted, an empty first
 * field written as a line starting "| ". No cell begins or ends with white
 * space, which readers such as R's readr trim. See doc/flat-format.md.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "export.h"
#include "io.h"
#include "load.h"
#include "rules.h"
#include "schema.h"
#include "value.h"

#define ERR    PEERREVIEW_SEVERITY_ERROR
#define SEP    " | "
#define SEPLEN 3

/* A list column: which child table, and for items which kind. */
typedef struct flatcol {
    const char *name;
    int table;
    const char *kind; /* items only */
} flatcol;

#define NKINDS 6
#define NFLAT  (PEERREVIEW_TABLE_COUNT - 2 + NKINDS)

static size_t flat_columns(flatcol *out, const char **names)
{
    size_t n = 0;
    for (int t = 1; t < PEERREVIEW_TABLE_COUNT; t++) {
        if (t == PEERREVIEW_ITEMS) {
            for (size_t k = 0; pr_item_kinds[k] && k < NKINDS; k++) {
                out[n].name = pr_item_kinds[k];
                out[n].table = t;
                out[n].kind = pr_item_kinds[k];
                n++;
            }
        } else {
            out[n].name = pr_tables[t].flat_name;
            out[n].table = t;
            out[n].kind = NULL;
            n++;
        }
    }
    for (size_t i = 0; i < n; i++)
        names[i] = out[i].name;
    return n;
}

/* Columns of a child table that a line carries: all but review_id and seq (and kind). */
static size_t line_cols(int table, size_t *cols)
{
    const pr_table *t = &pr_tables[table];
    size_t n = 0;
    for (size_t c = 1; c < t->ncols; c++)
        if (pr_flat_line_col(table, c))
            cols[n++] = c;
    return n;
}

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
static size_t split_line(const char *p, size_t len, size_t n, const char **part, size_t *plen)
{
    const char *end = p + len;
    size_t k = 0;
    if (n == 1) { /* one field: the whole line, separators and all */
        part[0] = p;
        plen[0] = len;
        return 1;
    }
    if (len >= SEPLEN - 1 && memcmp(p, &SEP[1], SEPLEN - 1) == 0) {
        part[0] = p;
        plen[0] = 0;
        k = 1;
        p += SEPLEN - 1;
    }
    for (;;) {
        const char *s = p;
        while (s + SEPLEN <= end && memcmp(s, SEP, SEPLEN) != 0)
            s++;
        int found = s + SEPLEN <= end;
        if (k == n)
            return n + 1;
        part[k] = p;
        plen[k] = found && k + 1 < n ? (size_t)(s - p) : (size_t)(end - p);
        k++;
        if (!found)
            return k;
        if (k == n)
            return n + 1;
        p = s + SEPLEN;
    }
}

/* ---- import ---- */

int pr_flat_mark(const char *name, size_t len)
{
    size_t klen = sizeof PR_FORMAT_KEY - 1;
    if (len < klen || memcmp(name, PR_FORMAT_KEY, klen) != 0)
        return -2;
    if (len == klen || name[klen] != '=')
        return -1;
    return pr_format_number(name + klen + 1, len - klen - 1);
}

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

static int add_child(flatload *F, peerreview_review *r, const flatcol *fc, unsigned long fcol,
                     const char *line, size_t len, unsigned long pline, long long off, size_t seq)
{
    int table = fc->table;
    peerreview_row *row = pr_row_alloc(table);
    if (!row)
        return -1;
    row->review = r;
    row->src.line = (uint32_t)pline;
    row->src.record = (uint32_t)F->rec->number;
    row->src.column = (uint32_t)fcol;
    row->src.offset = (uint64_t)off;
    char num[24];
    int nn = snprintf(num, sizeof num, "%zu", seq);
    if (pr_row_store(&F->ds->arena, row, pr_seq_col(table), num, (size_t)nn) ||
        (fc->kind && pr_row_store(&F->ds->arena, row, PR_I_KIND, fc->kind, strlen(fc->kind)))) {
        pr_row_free(row);
        return -1;
    }
    size_t cols[PR_MAX_COLS];
    size_t ncols = line_cols(table, cols);
    const char *part[PR_MAX_COLS];
    size_t plen[PR_MAX_COLS];
    size_t nparts = split_line(line, len, ncols, part, plen);
    pr_buf msg = PR_BUF_INIT;
    uint8_t reported[PR_MAX_COLS] = {0};
    if (nparts > ncols) {
        pr_where w = pr_row_where(F->ds, row, cols[ncols - 1]);
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
        int code = pr_check_cell(table, col, part[k], plen[k], &msg);
        if (code == -2)
            goto oom;
        if (code >= 0) {
            pr_where w = pr_row_where(F->ds, row, col);
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
    if (pr_rules_row(F->sink, F->ds, row, r->row->v[PR_R_REVIEW_ID], reported, 0) ||
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
static int load_cell(flatload *F, peerreview_review *r, const flatcol *fc, unsigned long fcol,
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
    flatcol fcs[NFLAT];
    const char *names[NFLAT];
    size_t nflat = flat_columns(fcs, names);
    pr_csvin *in;
    int rc = pr_csvin_open_source(src, path, o->max_field_size, sink, 0, &in);
    if (rc)
        return rc;
    if (pr_csvin_set_dialect(in, o)) {
        pr_csvin_free(in);
        pr_report_oom(sink, path);
        return PEERREVIEW_ENOMEM;
    }
    ds->loaded_flat = 1;
    if (progress && progress->fn) {
        progress->total = pr_source_size(src);
        pr_csvin_set_progress(in, progress);
    }
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        ds->src_file[t] = pr_strdup(path);
        if (!ds->src_file[t]) {
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
        ds->src_col[PEERREVIEW_REVIEWS] = pr_calloc(n, sizeof(uint16_t));
        if (!ds->src_col[PEERREVIEW_REVIEWS])
            pr_report_oom(sink, path);
        else
            memcpy(ds->src_col[PEERREVIEW_REVIEWS], h.col_to_file, n * sizeof(uint16_t));
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
        peerreview_review *r = peerreview_review_new();
        if (!r) {
            pr_report_oom(sink, path);
            break;
        }
        r->ds = ds;
        int cr = pr_record_to_row(&h, rec, path, &ds->arena, r->row, sink);
        if (cr == 1 && idf && idf <= rec->n && rec->f[idf - 1].len &&
            pr_strmap_put(&rejected, rec->f[idf - 1].p, rec->f[idf - 1].len, rec->number, NULL) < 0)
            cr = -1;
        for (size_t k = 0; cr == 0 && k < nflat; k++) {
            unsigned fcol = h.col_to_file[pr_tables[PEERREVIEW_REVIEWS].ncols + k];
            if (fcol && rec->f[fcol - 1].len && load_cell(&F, r, &fcs[k], fcol, &rec->f[fcol - 1]))
                cr = -1;
        }
        const char *id = r->row->v[PR_R_REVIEW_ID];
        uint8_t reported[PR_MAX_COLS] = {0};
        for (size_t c = 0; cr == 0 && c < pr_tables[PEERREVIEW_REVIEWS].ncols; c++) {
            unsigned f = h.col_to_file[c];
            reported[c] = !r->row->v[c] && f && rec->f[f - 1].len > 0;
        }
        if (cr == 0 && pr_rules_row(sink, ds, r->row, id, reported, 1))
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

/* ---- export ---- */

typedef struct flatsave {
    const peerreview_dataset *ds;
    pr_sink *sink;
    int safe; /* spreadsheet-safe: formula-trigger text gets a leading ' */
    int unrepresentable;
} flatsave;

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The white space a cell written from s[0..len) (pr_csv_cell) begins with
 * (at_end 0) or ends with (at_end 1), or 0. The check is on the cell as
 * written: spreadsheet-safe export puts a ' before text starting with TAB or CR.
 */
static char edge_ws(const flatsave *S, const char *s, size_t len, int is_text, int at_end)
{
    if (!len)
        return 0;
    if (at_end)
        return is_ws(s[len - 1]) ? s[len - 1] : 0;
    if (S->safe && is_text && pr_formula_char(s[0]))
        return 0;
    return is_ws(s[0]) ? s[0] : 0;
}

/* A cell would begin or end with white space c: a trimming reader would change it. */
static int unrep_ws(flatsave *S, const peerreview_review *r, const char *field, const char *cell,
                    int at_end, char c)
{
    pr_where w = PR_WHERE_NONE;
    w.field = field;
    S->unrepresentable = 1;
    const char *what = c == ' ' ? "space" : c == '\t' ? "tab" : "line break";
    return pr_report(S->sink, ERR, PEERREVIEW_P_UNREPRESENTABLE, &w,
                     "review %s: the value %s with a %s%s%s%s, which the flat form cannot hold: "
                     "readers such as R's readr trim white space at the edges of a cell by "
                     "default, so the value would change; remove the %s, or save as a package "
                     "instead",
                     r->row->v[PR_R_REVIEW_ID], at_end ? "ends" : "begins", what,
                     cell ? (at_end ? " and would end the " : " and would begin the ") : "",
                     cell ? cell : "", cell ? " cell" : "", what);
}

static int unrep(flatsave *S, const peerreview_review *r, const flatcol *fc, size_t col,
                 const char *why)
{
    pr_where w = PR_WHERE_NONE;
    char field[96];
    snprintf(field, sizeof field, "%s.%s", fc->name, pr_tables[fc->table].cols[col].name);
    w.field = field;
    S->unrepresentable = 1;
    return pr_report(S->sink, ERR, PEERREVIEW_P_UNREPRESENTABLE, &w,
                     "review %s: %s, which the flat form cannot hold; save as a package "
                     "instead, or change the value",
                     r->row->v[PR_R_REVIEW_ID], why);
}

/* Render one child row as a line; 1 if it cannot be represented. */
static int render_line(flatsave *S, const peerreview_review *r, const flatcol *fc,
                       const peerreview_row *row, pr_buf *line)
{
    size_t cols[PR_MAX_COLS];
    size_t ncols = line_cols(fc->table, cols);
    size_t last = 0; /* number of fields up to the last non-empty one */
    for (size_t k = 0; k < ncols; k++)
        if (row->v[cols[k]])
            last = k + 1;
    if (last == 0)
        return unrep(S, r, fc, cols[0], "a row with every field empty") ? -1 : 1;
    for (size_t k = 0; k < last; k++) {
        const char *v = row->v[cols[k]];
        size_t len = v ? strlen(v) : 0;
        if (v && (memchr(v, '\n', len) || memchr(v, '\r', len)))
            return unrep(S, r, fc, cols[k], "the value has a line break") ? -1 : 1;
        /* a first field the reader would take for an empty one and a separator */
        if (ncols > 1 && k == 0 && v && v[0] == '|' && (len == 1 ? last > 1 : v[1] == ' '))
            return unrep(S, r, fc, cols[k],
                         "the line would begin with \"| \", which the flat form reads as an "
                         "empty first field")
                       ? -1
                       : 1;
        /* a separator inside, or a | that would join one at an edge */
        if (ncols > 1 && v &&
            (strstr(v, SEP) || (k > 0 && len >= 2 && v[0] == '|' && v[1] == ' ') ||
             (k + 1 < last && len >= 2 && v[len - 2] == ' ' && v[len - 1] == '|') ||
             (k > 0 && len == 1 && v[0] == '|')))
            return unrep(S, r, fc, cols[k],
                         "the value contains \" | \" (the field separator) or a | beside "
                         "a space")
                       ? -1
                       : 1;
        /* an empty first field: "| x", not " | x", so the cell does not begin with a space */
        if ((k && pr_buf_adds(line, k == 1 && !row->v[cols[0]] ? &SEP[1] : SEP)) ||
            (v && pr_buf_add(line, v, len)))
            return -1;
    }
    /* the line must split back into exactly these values */
    const char *part[PR_MAX_COLS];
    size_t plen[PR_MAX_COLS];
    size_t nparts = split_line(line->data ? line->data : "", line->len, ncols, part, plen);
    for (size_t k = 0; k < ncols; k++) {
        const char *v = row->v[cols[k]];
        size_t len = v ? strlen(v) : 0;
        size_t got = nparts > ncols ? (size_t)-1 : k < nparts ? plen[k] : 0;
        if (got != len || (len && memcmp(part[k], v, len) != 0))
            return unrep(S, r, fc, cols[k],
                         "the value contains \" | \" (the field separator) or a | beside "
                         "a space")
                       ? -1
                       : 1;
    }
    return 0;
}

static int render_list(flatsave *S, const peerreview_review *r, const flatcol *fc, pr_buf *cell)
{
    const pr_rowlist *l = &r->kids[fc->table];
    size_t *idx = pr_sorted_children(r, fc->table);
    if (!idx)
        return -1;
    int64_t expect = 1;
    int rc = 0;
    const peerreview_row *last = NULL; /* the row of the cell's last line */
    pr_buf line = PR_BUF_INIT;
    for (size_t i = 0; i < l->n && rc >= 0; i++) {
        const peerreview_row *row = l->v[idx[i]];
        if (fc->kind && (!row->v[PR_I_KIND] || strcmp(row->v[PR_I_KIND], fc->kind) != 0))
            continue;
        const char *s = row->v[pr_seq_col(fc->table)];
        int64_t seq;
        if (!s || pr_int_parse(s, strlen(s), &seq) || seq != expect) {
            rc = unrep(S, r, fc, pr_seq_col(fc->table),
                       "seq values are not 1, 2, 3, ... (the flat form numbers rows by line)")
                     ? -1
                     : 1;
            break;
        }
        expect++;
        pr_buf_reset(&line);
        int lr = render_line(S, r, fc, row, &line);
        if (lr)
            rc = lr < 0 ? -1 : 1;
        else if ((expect > 2 && pr_buf_addc(cell, '\n')) || pr_buf_add(cell, line.data, line.len))
            rc = -1;
        last = row;
    }
    pr_buf_free(&line);
    pr_free(idx);
    if (rc || !cell->len || !last)
        return rc < 0 ? -1 : 0;
    /* the cell must not begin or end with white space: the first line begins
       with its first field (an empty one is written "| "), the last ends with
       its last non-empty field */
    size_t cols[PR_MAX_COLS];
    size_t ncols = line_cols(fc->table, cols);
    char field[96];
    char c = edge_ws(S, cell->data, cell->len, 1, 0);
    if (c) {
        snprintf(field, sizeof field, "%s.%s", fc->name, pr_tables[fc->table].cols[cols[0]].name);
        if (unrep_ws(S, r, field, fc->name, 0, c))
            return -1;
    }
    c = edge_ws(S, cell->data, cell->len, 1, 1);
    if (c) {
        size_t k = ncols;
        while (k > 1 && !last->v[cols[k - 1]])
            k--;
        snprintf(field, sizeof field, "%s.%s", fc->name,
                 pr_tables[fc->table].cols[cols[k - 1]].name);
        if (unrep_ws(S, r, field, fc->name, 1, c))
            return -1;
    }
    return 0;
}

int pr_flat_render(const peerreview_dataset *ds, const peerreview_options *o, pr_sink *sink,
                   pr_buf *out)
{
    pr_out po = {out, NULL, NULL, 0, 0, 0, 0};
    return pr_flat_render_out(ds, o, sink, &po);
}

int pr_flat_render_out(const peerreview_dataset *ds, const peerreview_options *o, pr_sink *sink,
                       pr_out *po)
{
    pr_buf *out = po->b;
    flatcol fcs[NFLAT];
    const char *names[NFLAT];
    size_t nflat = flat_columns(fcs, names);
    const pr_table *t = &pr_tables[PEERREVIEW_REVIEWS];
    int safe = o->spreadsheet_safe;
    flatsave S = {ds, sink, safe, 0};
    if (safe && pr_buf_adds(out, "\xEF\xBB\xBF"))
        goto oom;
    for (size_t c = 0; c < t->ncols + nflat; c++) {
        const char *name = c < t->ncols ? t->cols[c].name : names[c - t->ncols];
        if ((c && pr_buf_addc(out, ',')) || pr_buf_adds(out, name))
            goto oom;
    }
    if (pr_buf_add(out, "\r\n", 2))
        goto oom;
    pr_buf cell = PR_BUF_INIT;
    for (size_t i = 0; i < ds->n && !sink->stop; i++) {
        const peerreview_review *r = ds->v[i];
        for (size_t c = 0; c < t->ncols; c++) {
            const char *v = r->row->v[c];
            size_t len = v ? strlen(v) : 0;
            int text = t->cols[c].type == PEERREVIEW_TYPE_TEXT;
            /* no cell begins or ends with white space (non-text columns never hold it) */
            for (int at_end = 0; at_end < 2; at_end++) {
                char ws = edge_ws(&S, v, len, text, at_end);
                if (ws && unrep_ws(&S, r, t->cols[c].name, NULL, at_end, ws))
                    goto oom_cell;
            }
            if ((c && pr_buf_addc(out, ',')) || pr_csv_cell(out, v, text, safe))
                goto oom_cell;
        }
        /* an item without a kind has no column to go in */
        static const flatcol items = {"items", PEERREVIEW_ITEMS, NULL};
        for (size_t k = 0; k < r->kids[PEERREVIEW_ITEMS].n; k++) {
            if (!r->kids[PEERREVIEW_ITEMS].v[k]->v[PR_I_KIND]) {
                if (unrep(&S, r, &items, PR_I_KIND, "an item has no kind"))
                    goto oom_cell;
                break;
            }
        }
        for (size_t k = 0; k < nflat; k++) {
            pr_buf_reset(&cell);
            if (render_list(&S, r, &fcs[k], &cell))
                goto oom_cell;
            /* one cell holds every row of the list: it must fit the field limit
               a load with these options applies, or the file could not come back */
            size_t len = cell.len + (safe && cell.len && pr_formula_char(cell.data[0]) ? 1 : 0);
            if (len > o->max_field_size) {
                pr_where w = PR_WHERE_NONE;
                w.field = fcs[k].name;
                S.unrepresentable = 1;
                if (pr_report(sink, ERR, PEERREVIEW_P_UNREPRESENTABLE, &w,
                              "review %s: the %s cell would be %zu bytes, over the field size "
                              "limit of %zu, so the file could not be loaded back; save as a "
                              "package instead, or raise the limit",
                              r->row->v[PR_R_REVIEW_ID], fcs[k].name, len, o->max_field_size))
                    goto oom_cell;
            }
            if (pr_buf_addc(out, ',') || pr_csv_cell(out, cell.data, 1, safe))
                goto oom_cell;
        }
        if (pr_buf_add(out, "\r\n", 2))
            goto oom_cell;
        if (pr_out_row(po))
            goto oom_cell;
    }
    pr_buf_free(&cell);
    if (sink->oom)
        return PEERREVIEW_ENOMEM;
    return S.unrepresentable ? PEERREVIEW_EUNSUPPORTED : 0;
oom_cell:
    pr_buf_free(&cell);
oom:
    if (po->failed)
        return PEERREVIEW_EIO;
    pr_report_oom(sink, NULL);
    return PEERREVIEW_ENOMEM;
}
