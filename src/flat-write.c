/* Writing the flat form (doc/flat-format.md): one CSV row per review. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "csvout.h"
#include "flat-write.h"
#include "flat.h"
#include "schema.h"
#include "value.h"

#define ERR PEERREVIEW_SEVERITY_ERROR

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
                     pr_row_v(r->row, PR_R_REVIEW_ID), at_end ? "ends" : "begins", what,
                     cell ? (at_end ? " and would end the " : " and would begin the ") : "",
                     cell ? cell : "", cell ? " cell" : "", what);
}

static int unrep(flatsave *S, const peerreview_review *r, const pr_flatcol *fc, size_t col,
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
                     pr_row_v(r->row, PR_R_REVIEW_ID), why);
}

/* Render one child row as a line; 1 if it cannot be represented. */
static int render_line(flatsave *S, const peerreview_review *r, const pr_flatcol *fc,
                       const peerreview_row *row, pr_buf *line)
{
    size_t cols[PR_MAX_COLS];
    size_t ncols = pr_flat_line_fields(fc->table, cols);
    size_t last = 0; /* number of fields up to the last non-empty one */
    for (size_t k = 0; k < ncols; k++)
        if (pr_row_v(row, cols[k]))
            last = k + 1;
    if (last == 0)
        return unrep(S, r, fc, cols[0], "a row with every field empty") ? -1 : 1;
    for (size_t k = 0; k < last; k++) {
        const char *v = pr_row_v(row, cols[k]);
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
            (strstr(v, PR_FLAT_SEP) || (k > 0 && len >= 2 && v[0] == '|' && v[1] == ' ') ||
             (k + 1 < last && len >= 2 && v[len - 2] == ' ' && v[len - 1] == '|') ||
             (k > 0 && len == 1 && v[0] == '|')))
            return unrep(S, r, fc, cols[k],
                         "the value contains \" | \" (the field separator) or a | beside "
                         "a space")
                       ? -1
                       : 1;
        /* an empty first field: "| x", not " | x", so the cell does not begin with a space */
        if ((k && pr_buf_adds(line,
                              k == 1 && !pr_row_v(row, cols[0]) ? &PR_FLAT_SEP[1] : PR_FLAT_SEP)) ||
            (v && pr_buf_add(line, v, len)))
            return -1;
    }
    /* the line must split back into exactly these values */
    const char *part[PR_MAX_COLS];
    size_t plen[PR_MAX_COLS];
    size_t nparts = pr_flat_split_line(line->data ? line->data : "", line->len, ncols, part, plen);
    for (size_t k = 0; k < ncols; k++) {
        const char *v = pr_row_v(row, cols[k]);
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

static int render_list(flatsave *S, const peerreview_review *r, const pr_flatcol *fc, pr_buf *cell)
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
        if (fc->kind &&
            (!pr_row_v(row, PR_I_KIND) || strcmp(pr_row_v(row, PR_I_KIND), fc->kind) != 0))
            continue;
        const char *s = pr_row_v(row, pr_seq_col(fc->table));
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
    size_t ncols = pr_flat_line_fields(fc->table, cols);
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
        while (k > 1 && !pr_row_v(last, cols[k - 1]))
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
    pr_flatcol fcs[PR_FLAT_COLUMNS];
    const char *names[PR_FLAT_COLUMNS];
    size_t nflat = pr_flat_columns(fcs, names);
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
            const char *v = pr_row_v(r->row, c);
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
        static const pr_flatcol items = {"items", PEERREVIEW_ITEMS, NULL};
        for (size_t k = 0; k < r->kids[PEERREVIEW_ITEMS].n; k++) {
            if (!pr_row_v(r->kids[PEERREVIEW_ITEMS].v[k], PR_I_KIND)) {
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
                              pr_row_v(r->row, PR_R_REVIEW_ID), fcs[k].name, len,
                              o->max_field_size))
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
