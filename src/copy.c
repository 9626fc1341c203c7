/* Copying a review: every value and child row, into a review of the caller's. */
#include "config.h"

#include <string.h>

#include "model.h"
#include "schema.h"

/* Copy every value of from into the empty row to (values of its own). 0, or -1 out of memory. */
static int copy_values(peerreview_row *to, const peerreview_row *from)
{
    /* column 0 of a child row is its review's review_id, not stored in the row */
    size_t first = from->table == PEERREVIEW_REVIEWS ? 0 : 1;
    for (size_t c = first; c < pr_tables[from->table].ncols; c++) {
        const char *v = pr_row_v(from, c);
        if (v && pr_row_store_owned(to, c, v, strlen(v)))
            return -1;
    }
    return 0;
}

PEERREVIEW_API peerreview_status peerreview_review_copy(const peerreview_review *review,
                                                        peerreview_review **out)
{
    if (out)
        *out = NULL;
    if (!review || !out)
        return PEERREVIEW_EINVAL;
    peerreview_review *copy = peerreview_review_new();
    if (!copy)
        return PEERREVIEW_ENOMEM;
    if (copy_values(copy->row, review->row))
        goto out_of_memory;
    for (int t = PEERREVIEW_REVIEW_COUNCILS; t < PEERREVIEW_TABLE_COUNT; t++) {
        const pr_rowlist *l = &review->kids[t];
        for (size_t i = 0; i < l->n; i++) {
            peerreview_row *row = pr_row_alloc(t);
            if (!row)
                goto out_of_memory;
            row->review = copy;
            /* a seq the library chose keeps following the row's kind in the copy */
            row->seq_auto = l->v[i]->seq_auto;
            if (copy_values(row, l->v[i]) || pr_review_append(copy, t, row)) {
                pr_row_free(row);
                goto out_of_memory;
            }
        }
    }
    *out = copy;
    return PEERREVIEW_OK;

out_of_memory:
    peerreview_review_free(copy);
    return PEERREVIEW_ENOMEM;
}
