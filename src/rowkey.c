/* Matching rows by their key: the same entry in two versions of a review. */
#include "config.h"

#include "model.h"

PEERREVIEW_API int peerreview_row_key_compare(const peerreview_row *a, const peerreview_row *b)
{
    if (a == b)
        return 0;
    if (!a || !b)
        return a ? 1 : -1;
    if (a->table != b->table)
        return a->table < b->table ? -1 : 1;
    /* the duplicate-key rule and the canonical export order rows by this too */
    return pr_row_key_cmp(a, b);
}
