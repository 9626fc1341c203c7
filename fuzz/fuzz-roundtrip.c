/*
 * Fuzz target: load, save, load again; the two datasets must be equal.
 *
 * Input: one options byte (fuzz.h) for the first load, one mode byte, then
 * the data: with mode bit 0 clear a package (parts separated by FZ_SEP, see
 * fz_write_package), with it set one flat CSV file. Mode bit 1 saves as a flat
 * file ("out.csv"), else as a package folder ("out"), the form given in the
 * options. Bit 2 first writes the input where the save goes too (a save over
 * an old save; a save over a file of the other form fails with an I/O error).
 *
 * When the first load succeeds, the save must succeed or refuse with
 * PEERREVIEW_EUNSUPPORTED (a value the flat form cannot hold); a dataset that
 * loaded always passes the save's checks. The save gets the size limits of
 * the first load (max_field_size, max_records), and what it saved must load
 * again with those limits (and a save's dialect: UTF-8, commas) into the same
 * dataset: every table renders to the same bytes. Saving that second dataset
 * the same way must write the same bytes again (a save is canonical).
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Abort, showing where two renderings of a table first differ. */
static void differ(const char *what, const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0;
    while (i < alen && i < blen && a[i] == b[i])
        i++;
    size_t from = i > 60 ? i - 60 : 0;
    fprintf(stderr, "%s differ at byte %zu (of %zu and %zu)\n--- first:\n%.*s\n--- second:\n%.*s\n",
            what, i, alen, blen, (int)((alen - from) > 200 ? 200 : alen - from), a + from,
            (int)((blen - from) > 200 ? 200 : blen - from), b + from);
    fz_fail(__FILE__, __LINE__, "the round trip changed the data");
}

static void same_tables(const peerreview_dataset *a, const peerreview_dataset *b)
{
    FZ_CHECK(peerreview_dataset_count(a) == peerreview_dataset_count(b));
    for (int t = 0; t < (int)peerreview_table_count(); t++) {
        char *ra, *rb;
        size_t la, lb;
        FZ_CHECK(peerreview_render(a, t, NULL, NULL, &ra, &la) == PEERREVIEW_OK);
        FZ_CHECK(peerreview_render(b, t, NULL, NULL, &rb, &lb) == PEERREVIEW_OK);
        if (la != lb || memcmp(ra, rb, la) != 0)
            differ(peerreview_table_file(t), ra, la, rb, lb);
        peerreview_free(ra);
        peerreview_free(rb);
    }
}

/* The file name under two saved paths holds the same bytes (both saves wrote it). */
static void same_file(const char *a, const char *b, const char *name)
{
    char *pa = name ? fz_join(a, name) : strdup(a);
    char *pb = name ? fz_join(b, name) : strdup(b);
    size_t la = 0, lb = 0;
    char *fa = fz_read(pa, &la), *fb = fz_read(pb, &lb);
    if (!fa || !fb)
        fz_fail(__FILE__, __LINE__, "a saved file cannot be read: %s", !fa ? pa : pb);
    if (la != lb || memcmp(fa, fb, la) != 0)
        differ(name ? name : "the flat files", fa, la, fb, lb);
    free(fa);
    free(fb);
    free(pa);
    free(pb);
}

/* Load path with opts into *out; the outcome is checked (fz_check_load). */
static int load(const char *path, const peerreview_options *o, size_t cap, peerreview_diag *d,
                peerreview_dataset **out)
{
    peerreview_diag_clear(d);
    int rc = peerreview_load(path, o, d, out);
    fz_check_load(rc, *out, d, cap);
    return rc;
}

/* Options with the size limits that fz_options(bits) sets, and the defaults otherwise. */
static peerreview_options *limits(uint8_t bits, int flat_out)
{
    peerreview_options *o = peerreview_options_new();
    FZ_CHECK(o != NULL);
    (void)flat_out; /* a flat save refuses a cell over the limit (flat-cell-over-field-limit) */
    if (bits & 8)
        FZ_CHECK(peerreview_options_set_max_field_size(o, FZ_SMALL_FIELD) == PEERREVIEW_OK);
    if ((bits & 34) == 32)
        FZ_CHECK(peerreview_options_set_max_records(o, FZ_SMALL_RECORDS) == PEERREVIEW_OK);
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    uint8_t bits = fz_byte(&in);
    uint8_t mode = fz_byte(&in);
    int flat_in = mode & 1, flat_out = mode >> 1 & 1, over_old = mode >> 2 & 1;
    char *dir = fz_tmpdir();
    char *src = fz_join(dir, flat_in ? "in.csv" : "in");
    char *out = fz_join(dir, flat_out ? "out.csv" : "out");
    char *again = fz_join(dir, flat_out ? "again.csv" : "again");
    /* the input, and for a save over an old save, the input where the save goes */
    for (int k = 0; k < 1 + over_old; k++) {
        const char *p = k ? out : src;
        if (flat_in) {
            fz_write(p, in.p, in.n);
        } else {
            FZ_CHECK(mkdir(p, 0700) == 0);
            fz_write_package(p, in.p, in.n);
        }
    }

    peerreview_options *o = fz_options(bits);
    peerreview_diag *d = peerreview_diag_new();
    FZ_CHECK(d != NULL);
    /* the save and the load of what it saved: the limits of the first load
       (a save refuses what a load with its options could not read back), the
       dialect of a save (UTF-8, commas) */
    peerreview_options *save = limits(bits, flat_out), *reload = limits(bits, flat_out);
    FZ_CHECK(peerreview_options_set_form(
                 save, flat_out ? PEERREVIEW_FORM_FLAT : PEERREVIEW_FORM_PACKAGE) == PEERREVIEW_OK);
    peerreview_dataset *ds = NULL, *back = NULL;
    if (load(src, o, fz_max_problems(bits), d, &ds) != PEERREVIEW_OK)
        goto done;

    peerreview_diag_clear(d);
    int rc = peerreview_save(ds, out, save, d);
    fz_check_diag(d, 100);
    if (rc == PEERREVIEW_EUNSUPPORTED && flat_out)
        goto done; /* a value the flat form cannot hold */
    if (rc == PEERREVIEW_EIO && over_old && (flat_in != flat_out || !flat_in))
        goto done; /* a file where a folder goes or the other way round, in or at out */
    if (rc != PEERREVIEW_OK) {
        fz_print_diag("save", rc, d);
        fz_fail(__FILE__, __LINE__, "a dataset that loaded cannot be saved (%s)",
                peerreview_status_name(rc));
    }
    rc = load(out, reload, 100, d, &back);
    if (rc != PEERREVIEW_OK) {
        fz_print_diag("load of the saved data", rc, d);
        fz_fail(__FILE__, __LINE__, "what was saved does not load");
    }
    same_tables(ds, back);

    /* a save is canonical: the same dataset saved again gives the same bytes */
    peerreview_diag_clear(d);
    rc = peerreview_save(back, again, save, d);
    if (rc != PEERREVIEW_OK) {
        fz_print_diag("second save", rc, d);
        fz_fail(__FILE__, __LINE__, "what loaded from a save cannot be saved (%s)",
                peerreview_status_name(rc));
    }
    if (flat_out)
        same_file(out, again, NULL);
    else
        for (size_t i = 0; i < 7; i++)
            same_file(out, again, fz_package_files[i]);

done:
    peerreview_dataset_free(ds);
    peerreview_dataset_free(back);
    peerreview_diag_free(d);
    peerreview_options_free(o);
    peerreview_options_free(save);
    peerreview_options_free(reload);
    free(src);
    free(out);
    free(again);
    fz_rmrf(dir);
    free(dir);
    return 0;
}
