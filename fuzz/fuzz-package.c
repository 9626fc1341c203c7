/*
 * Fuzz target: loading a package folder.
 *
 * Input: one options byte (fuzz.h; bits 6-7 choose the path given to
 * peerreview_load: the folder, the folder with a trailing '/', its
 * datapackage.json or its reviews.csv), then the package's files separated by
 * FZ_SEP (see fz_write_package).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

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
