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

#include <string.h>

#include "flat.h"
#include "schema.h"

size_t pr_flat_columns(pr_flatcol *out, const char **names)
{
    size_t n = 0;
    for (int t = 1; t < PEERREVIEW_TABLE_COUNT; t++) {
        if (t == PEERREVIEW_ITEMS) {
            for (size_t k = 0; pr_item_kinds[k] && k < PR_FLAT_KINDS; k++) {
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

size_t pr_flat_line_fields(int table, size_t *cols)
{
    const pr_table *t = &pr_tables[table];
    size_t n = 0;
    for (size_t c = 1; c < t->ncols; c++)
        if (pr_flat_line_col(table, c))
            cols[n++] = c;
    return n;
}

size_t pr_flat_split_line(const char *p, size_t len, size_t n, const char **part, size_t *plen)
{
    const char *end = p + len;
    size_t k = 0;
    if (n == 1) { /* one field: the whole line, separators and all */
        part[0] = p;
        plen[0] = len;
        return 1;
    }
    if (len >= PR_FLAT_SEPLEN - 1 && memcmp(p, &PR_FLAT_SEP[1], PR_FLAT_SEPLEN - 1) == 0) {
        part[0] = p;
        plen[0] = 0;
        k = 1;
        p += PR_FLAT_SEPLEN - 1;
    }
    for (;;) {
        const char *s = p;
        while (s + PR_FLAT_SEPLEN <= end && memcmp(s, PR_FLAT_SEP, PR_FLAT_SEPLEN) != 0)
            s++;
        int found = s + PR_FLAT_SEPLEN <= end;
        if (k == n)
            return n + 1;
        part[k] = p;
        plen[k] = found && k + 1 < n ? (size_t)(s - p) : (size_t)(end - p);
        k++;
        if (!found)
            return k;
        if (k == n)
            return n + 1;
        p = s + PR_FLAT_SEPLEN;
    }
}
