/* Load a package and list its reviews. Build alone with:
 *   cc list-reviews.c $(pkg-config --cflags --libs libpeerreview) */
#include <peerreview.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    peerreview_diag *diag = peerreview_diag_new();
    peerreview_dataset *ds = NULL;
    if (peerreview_load(argc > 1 ? argv[1] : "data/lga-sample", NULL, diag, &ds) != 0) {
        char line[1024];
        for (size_t i = 0; i < peerreview_diag_count(diag); i++) {
            peerreview_problem_format(peerreview_diag_get(diag, i), line, sizeof line);
            fprintf(stderr, "%s\n", line);
        }
        peerreview_diag_free(diag);
        return 1;
    }
    for (size_t i = 0; i < peerreview_dataset_count(ds); i++) {
        peerreview_review *r = peerreview_dataset_review(ds, i);
        const char *date = peerreview_review_get(r, "onsite_start");
        printf("%-28s %-24s %s\n", peerreview_review_get(r, "review_id"),
               peerreview_review_get(r, "review_type"), date ? date : "(date unknown)");
    }
    peerreview_dataset_free(ds);
    peerreview_diag_free(diag);
    return 0;
}
