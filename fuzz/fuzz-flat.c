/*
 * Fuzz target: loading one flat CSV file.
 *
 * Input: one options byte (fuzz.h; bits 6-7 choose how the file is named and
 * read: 0 "reviews-flat.csv" as chosen from the path, 1 "reviews-flat.txt"
 * with the flat form asked for, 2 "reviews.csv" from the path (alone, so flat),
 * 3 "reviews-flat.CSV" from the path), then the file's bytes.
 */
#include <stdlib.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    uint8_t bits = fz_byte(&in);
    static const char *const names[4] = {"reviews-flat.csv", "reviews-flat.txt", "reviews.csv",
                                         "reviews-flat.CSV"};
    char *dir = fz_tmpdir();
    char *path = fz_join(dir, names[bits >> 6]);
    fz_write(path, in.p, in.n);

    peerreview_options *o = fz_options(bits);
    if (bits >> 6 == 1)
        FZ_CHECK(peerreview_options_set_form(o, PEERREVIEW_FORM_FLAT) == PEERREVIEW_OK);
    peerreview_diag *d = peerreview_diag_new();
    FZ_CHECK(d != NULL);
    peerreview_dataset *ds = (peerreview_dataset *)1;
    int rc = peerreview_load(path, o, d, &ds);
    fz_check_load(rc, ds, d, fz_max_problems(bits));
    peerreview_dataset_free(ds);

    peerreview_diag_free(d);
    peerreview_options_free(o);
    free(path);
    fz_rmrf(dir);
    free(dir);
    return 0;
}
