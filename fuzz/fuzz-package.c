/*
 * Fuzz target: loading a package folder.
 *
 * Input: one options byte (fuzz.h; bits 6-7 choose the path given to
 * peerreview_load: the folder, the folder with a trailing '/', its
 * datapackage.json or its reviews.csv), then the package's files separated by
 * FZ_SEP (see fz_write_package).
 *
 * Besides the checks of fz_check_load: peerreview_validate_path agrees, and
 * when the package loads, the streaming reader agrees with the loader on
 * every table file: it reads each row without an error, the reviews with the
 * same values in the same order, and as many rows of each child table as the
 * dataset holds.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* The reader over dir's file of table t gives what the loaded ds holds. */
static void same_as_reader(const char *dir, int t, const peerreview_options *o,
                           const peerreview_dataset *ds)
{
    char *path = fz_join(dir, peerreview_table_file(t));
    peerreview_diag *d = peerreview_diag_new();
    FZ_CHECK(d != NULL);
    peerreview_reader *rd;
    int rc = peerreview_reader_open(path, t, o, d, &rd);
    if (rc != PEERREVIEW_OK) {
        fz_print_diag("peerreview_reader_open", rc, d);
        fz_fail(__FILE__, __LINE__, "the reader cannot open %s of a package that loads",
                peerreview_table_file(t));
    }
    size_t rows = 0, want = 0, nreviews = peerreview_dataset_count(ds);
    for (size_t i = 0; i < nreviews; i++)
        want += t == PEERREVIEW_REVIEWS
                    ? 1
                    : peerreview_review_child_count(peerreview_dataset_review_byindex(ds, i), t);
    while ((rc = peerreview_reader_next(rd, d)) == 1) {
        FZ_CHECK(rows < want);
        if (t == PEERREVIEW_REVIEWS) {
            const peerreview_review *r = peerreview_dataset_review_byindex(ds, rows);
            for (size_t c = 0; c < peerreview_column_count(t); c++) {
                const char *a = fz_reader_str_at(rd, c), *b = fz_review_str_at(r, c);
                FZ_CHECK(a ? b && strcmp(a, b) == 0 : !b);
            }
        }
        rows++;
    }
    if (rc != 0) {
        fz_print_diag("peerreview_reader_next", rc, d);
        fz_fail(__FILE__, __LINE__, "the reader fails on row %zu of %s of a package that loads",
                rows + 1, peerreview_table_file(t));
    }
    FZ_CHECK(rows == want);
    peerreview_reader_free(rd);
    peerreview_diag_free(d);
    free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    uint8_t bits = fz_byte(&in);
    char *dir = fz_tmpdir();
    fz_write_package(dir, in.p, in.n);

    static const char *const how[4] = {"", "/", "/datapackage.json", "/reviews.csv"};
    const char *tail = how[bits >> 6];
    size_t n = strlen(dir) + strlen(tail) + 1;
    char *path = malloc(n);
    FZ_CHECK(path != NULL);
    memcpy(path, dir, strlen(dir));
    memcpy(path + strlen(dir), tail, strlen(tail) + 1);

    peerreview_options *o = fz_options(bits);
    peerreview_diag *d = peerreview_diag_new();
    FZ_CHECK(d != NULL);
    peerreview_dataset *ds = (peerreview_dataset *)1;
    int rc = peerreview_load(path, o, d, &ds);
    fz_check_load(rc, ds, d, fz_max_problems(bits));
    /* (given reviews.csv with no package beside it, the loader reads the flat form) */
    if (rc == PEERREVIEW_OK && bits >> 6 != 3)
        for (int t = 0; t < (int)peerreview_table_count(); t++) {
            char *file = fz_join(dir, peerreview_table_file(t));
            size_t len;
            char *bytes = fz_read(file, &len);
            if (bytes)
                same_as_reader(dir, t, o, ds);
            free(bytes);
            free(file);
        }
    peerreview_dataset_free(ds);

    /* validate reads the same way, and needs no diag */
    FZ_CHECK(peerreview_validate_path(path, o, NULL) == rc);

    peerreview_diag_free(d);
    peerreview_options_free(o);
    free(path);
    fz_rmrf(dir);
    free(dir);
    return 0;
}
