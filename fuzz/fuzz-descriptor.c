/*
 * Fuzz target: the datapackage.json reader.
 *
 * Input: a selector byte, then the bytes of datapackage.json, which is
 * written beside a minimal valid package: every table's header and no rows.
 * Selector bits 0-4 leave out the child table files review_councils.csv ..
 * sources.csv (a table the descriptor lists must be there; one it does not
 * list may be missing), bit 5 loads the datapackage.json path instead of the
 * folder, bit 6 asks for at most one problem (max_problems 0).
 *
 * A package that loads is saved, loaded again and saved again: both loads
 * succeed (the second with no problem but the first's warning about a package
 * name other tools reject) and both saves write the same datapackage.json
 * (what the descriptor held survives the JSON writer and reader unchanged),
 * which is UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static void write_header(const char *dir, int t)
{
    char line[1024];
    size_t n = 0;
    for (size_t c = 0; c < peerreview_column_count(t); c++)
        n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", c ? "," : "",
                              peerreview_column_name(t, c));
    n += (size_t)snprintf(line + n, sizeof line - n, "\r\n");
    FZ_CHECK(n < sizeof line);
    char *path = fz_join(dir, peerreview_table_file(t));
    fz_write(path, line, n);
    free(path);
}

/* Save ds into dir/name as a package (must succeed) and return the path (owned). */
static char *save(const peerreview_dataset *ds, const char *dir, const char *name,
                  peerreview_diag *d)
{
    char *path = fz_join(dir, name);
    peerreview_diag_clear(d);
    int rc = peerreview_save(ds, path, NULL, d);
    if (rc != PEERREVIEW_OK) {
        fz_print_diag("save", rc, d);
        fz_fail(__FILE__, __LINE__, "a package that loaded cannot be saved (%s)",
                peerreview_status_name(rc));
    }
    fz_check_diag(d, 100);
    return path;
}

static char *read_descriptor(const char *dir, size_t *len)
{
    char *path = fz_join(dir, "datapackage.json");
    char *s = fz_read(path, len);
    if (!s)
        fz_fail(__FILE__, __LINE__, "the save wrote no %s", path);
    free(path);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    uint8_t sel = fz_byte(&in);
    char *dir = fz_tmpdir();
    char *pkg = fz_join(dir, "in");
    FZ_CHECK(mkdir(pkg, 0700) == 0);
    for (int t = 0; t < (int)peerreview_table_count(); t++)
        if (t == PEERREVIEW_REVIEWS || !(sel >> (t - 1) & 1))
            write_header(pkg, t);
    char *desc = fz_join(pkg, "datapackage.json");
    fz_write_descriptor(desc, in.p, in.n);

    peerreview_options *o = fz_options(sel & 64 ? 4 : 0);
    size_t cap = fz_max_problems(sel & 64 ? 4 : 0);
    peerreview_diag *d = peerreview_diag_new();
    FZ_CHECK(d != NULL);
    peerreview_dataset *ds = (peerreview_dataset *)1, *back = NULL;
    int rc = peerreview_load(sel & 32 ? desc : pkg, o, d, &ds);
    fz_check_load(rc, ds, d, cap);
    if (rc == PEERREVIEW_OK) {
        FZ_CHECK(peerreview_dataset_count(ds) == 0);
        /* a package name other tools reject is a warning that stays with it */
        int name_warned = 0;
        for (size_t i = 0; i < peerreview_diag_count(d); i++) {
            const peerreview_problem *p = peerreview_diag_get(d, i);
            name_warned |= peerreview_problem_code(p) == PEERREVIEW_P_BAD_DESCRIPTOR &&
                           peerreview_problem_severity(p) == PEERREVIEW_SEVERITY_WARNING;
        }
        char *out = save(ds, dir, "out", d);
        peerreview_diag_clear(d);
        rc = peerreview_load(out, NULL, d, &back);
        if (rc != PEERREVIEW_OK) {
            fz_print_diag("load of the saved package", rc, d);
            fz_fail(__FILE__, __LINE__, "what was saved does not load (%s)",
                    peerreview_status_name(rc));
        }
        /* a saved descriptor is one the reader reads without a word, but for
           that warning (which a first load that stops at the first problem
           does not collect) */
        size_t n = peerreview_diag_count(d);
        FZ_CHECK(n == (size_t)name_warned || (n == 1 && (sel & 64)));
        FZ_CHECK(
            n == 0 ||
            (peerreview_problem_code(peerreview_diag_get(d, 0)) == PEERREVIEW_P_BAD_DESCRIPTOR &&
             strcmp(peerreview_problem_field(peerreview_diag_get(d, 0)), "name") == 0));
        char *again = save(back, dir, "again", d);
        size_t la, lb;
        char *a = read_descriptor(out, &la), *b = read_descriptor(again, &lb);
        /* JSON is UTF-8 (RFC 8259): what Frictionless, pandas and R read
           (fuzz/regressions/descriptor/latin-1-name) */
        if (!fz_utf8_valid(a, la))
            fz_fail(__FILE__, __LINE__, "the saved datapackage.json is not UTF-8:\n%s", a);
        if (la != lb || memcmp(a, b, la) != 0) {
            fprintf(stderr, "--- first save:\n%s\n--- second save:\n%s\n", a, b);
            fz_fail(__FILE__, __LINE__, "the descriptor changed in a round trip");
        }
        free(a);
        free(b);
        free(out);
        free(again);
    }

    peerreview_dataset_free(ds);
    peerreview_dataset_free(back);
    peerreview_diag_free(d);
    peerreview_options_free(o);
    free(desc);
    free(pkg);
    fz_rmrf(dir);
    free(dir);
    return 0;
}
