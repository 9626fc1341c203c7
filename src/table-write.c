/* Canonical bytes of one table (doc/format.md §8.1). */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "csvout.h"
#include "schema.h"
#include "table-write.h"
#include "value.h"

#define UTF8_BOM "\xEF\xBB\xBF"

/* One row's cells as pr_csv_cell writes them, commas, CRLF: room made once. */
static int render_row(pr_buf *out, const peerreview_row *row, int safe)
{
    const pr_table *t = &pr_tables[row->table];
    const char *v[PR_MAX_COLS];
    size_t len[PR_MAX_COLS], room = t->ncols + 2, r;
    for (size_t c = 0; c < t->ncols; c++) {
        v[c] = pr_row_value(row, c);
        len[c] = v[c] ? strlen(v[c]) : 0;
        if (pr_csv_room(len[c], &r) || pr_add_size(room, r, &room))
            return -1;
    }
    if (pr_buf_reserve(out, room))
        return -1;
    char *d = out->data + out->len;
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            *d++ = ',';
        if (len[c])
            d = pr_csv_put(d, v[c], len[c],
                           safe && t->cols[c].type == PEERREVIEW_TYPE_TEXT &&
                               pr_formula_char(v[c][0]));
    }
    *d++ = '\r';
    *d++ = '\n';
    out->len = (size_t)(d - out->data);
    out->data[out->len] = '\0';
    return 0;
}

int pr_render_table_out(const peerreview_dataset *ds, int table, int safe, pr_out *o)
{
    pr_buf *out = o->b;
    const pr_table *t = &pr_tables[table];
    if (safe && pr_buf_adds(out, UTF8_BOM))
        return -1;
    for (size_t c = 0; c < t->ncols; c++)
        if ((c && pr_buf_addc(out, ',')) ||
            pr_csv_field(out, t->cols[c].name, strlen(t->cols[c].name)))
            return -1;
    if (pr_buf_add(out, "\r\n", 2))
        return -1;
    for (size_t i = 0; i < ds->n; i++) {
        const peerreview_review *r = ds->v[i];
        if (table == PEERREVIEW_REVIEWS) {
            if (render_row(out, r->row, safe) || pr_out_row(o))
                return -1;
            continue;
        }
        /* files list the rows in key order: sorted only when they are not */
        size_t *idx = NULL;
        if (!pr_children_in_order(r, table) && !(idx = pr_sorted_children(r, table)))
            return -1;
        for (size_t k = 0; k < r->kids[table].n; k++) {
            if (render_row(out, r->kids[table].v[idx ? idx[k] : k], safe) || pr_out_row(o)) {
                pr_free(idx);
                return -1;
            }
        }
        pr_free(idx);
    }
    return 0;
}

int pr_render_table(const peerreview_dataset *ds, int table, int safe, pr_buf *out)
{
    pr_out o = {out, NULL, NULL, 0, 0, 0, 0};
    return pr_render_table_out(ds, table, safe, &o);
}
