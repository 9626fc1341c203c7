/* Load a dataset and list its reviews; print its problems if it cannot.
 *
 *   list-reviews [PATH]
 *
 * PATH is a package folder, its datapackage.json or a flat .csv file.
 * Without PATH it lists the sample dataset installed with libpeerreview,
 * the one `peerreview stats` uses without a PATH: the build passes its
 * folder as PEERREVIEW_SAMPLE_DIR. Before `make install` it falls back, as
 * the peerreview tool does, on data/lga-sample of the source tree it was
 * built in. Build alone with:
 *   cc list-reviews.c $(pkg-config --cflags --libs libpeerreview) \
 *     -DPEERREVIEW_SAMPLE_DIR=\"$(pkg-config --variable=prefix
 * libpeerreview)/share/peerreview/lga-sample\"
 */
#include <peerreview.h>
#include <stdio.h>
#include <string.h>

#ifdef PEERREVIEW_SAMPLE_DIR
static const char *const installed_sample = PEERREVIEW_SAMPLE_DIR;
#else
static const char *const installed_sample = NULL;
#endif

/* 1 if dir holds a reviews.csv that can be opened. */
static int has_reviews(const char *dir)
{
    char path[4096];
    FILE *f;
    if ((size_t)snprintf(path, sizeof path, "%s/reviews.csv", dir) >= sizeof path)
        return 0;
    f = fopen(path, "r");
    if (!f)
        return 0;
    fclose(f);
    return 1;
}

/*
 * The dataset to list without a PATH: the installed sample, else the one of
 * the source tree, found from the program's own path (examples/c/list-reviews,
 * or examples/c/.libs/list-reviews behind libtool's wrapper), else NULL.
 */
static const char *sample_dataset(const char *argv0, char *buf, size_t size)
{
    static const char *const up[] = {"/../../data/lga-sample", "/../../../data/lga-sample"};
    const char *slash = strrchr(argv0, '/');
    if (installed_sample && has_reviews(installed_sample))
        return installed_sample;
    for (size_t i = 0; slash && i < sizeof up / sizeof up[0]; i++) {
        int n = snprintf(buf, size, "%.*s%s", (int)(slash - argv0), argv0, up[i]);
        if (n > 0 && (size_t)n < size && has_reviews(buf))
            return buf;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    char buf[4096];
    const char *path =
        argc > 1 ? argv[1] : sample_dataset(argc > 0 ? argv[0] : "", buf, sizeof buf);
    if (!path) {
        if (installed_sample)
            fprintf(stderr,
                    "list-reviews: no PATH given and the sample dataset is not installed in %s:\n"
                    "run 'make install', or give a PATH (a package folder or a flat .csv file)\n",
                    installed_sample);
        else
            fprintf(stderr, "list-reviews: no PATH given and this build does not know where the "
                            "sample dataset is: give a PATH (a package folder or a flat .csv "
                            "file), or build with -DPEERREVIEW_SAMPLE_DIR\n");
        return 2;
    }

    peerreview_diag *diag = peerreview_diag_new();
    peerreview_dataset *ds = NULL;
    if (peerreview_load(path, NULL, diag, &ds) != 0) {
        char line[1024];
        for (size_t i = 0; i < peerreview_diag_count(diag); i++) {
            peerreview_problem_format(peerreview_diag_get(diag, i), line, sizeof line);
            fprintf(stderr, "%s\n", line);
        }
        peerreview_diag_free(diag);
        return 1;
    }
    for (size_t i = 0; i < peerreview_dataset_count(ds); i++) {
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        const char *id, *type, *date;
        /* review_id and review_type are required; a misspelt name would be PEERREVIEW_EINVAL */
        if (peerreview_review_get_byname(r, "review_id", &id) != PEERREVIEW_OK ||
            peerreview_review_get_byname(r, "review_type", &type) != PEERREVIEW_OK)
            continue;
        /* PEERREVIEW_ENOTFOUND: the date is not known */
        if (peerreview_review_get_byname(r, "onsite_start", &date) != PEERREVIEW_OK)
            date = "(date unknown)";
        printf("%-28s %-24s %s\n", id, type, date);
    }
    peerreview_dataset_free(ds);
    peerreview_diag_free(diag);
    return 0;
}
