/*
 * Issue 7: what a council data officer met on the first day. One test per
 * defect or spreadsheet reality; each failed before its fix. What the bad
 * files report (one cause one problem, orphans per table, flat files named
 * in their messages, cells named for other rows, wrong delimiters,
 * Windows-1252 bytes and offsets, spreadsheet leftovers) is in the case
 * corpus tests/cases.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "io.h"

#define SID "e10000034-csg-2015-04"

/* Load path; return the status, problems in *d (caller frees), dataset kept in *ds if ds. */
static int load(const char *path, const peerreview_options *o, peerreview_diag **d,
                peerreview_dataset **ds)
{
    *d = peerreview_diag_new();
    peerreview_dataset *got = NULL;
    int rc = peerreview_load(path, o, *d, &got);
    if (ds)
        *ds = got;
    else
        peerreview_dataset_free(got);
    return rc;
}

static int count_code(const peerreview_diag *d, peerreview_code code)
{
    int n = 0;
    for (size_t i = 0; i < peerreview_diag_count(d); i++)
        n += peerreview_problem_code(peerreview_diag_get(d, i)) == code;
    return n;
}

static void assert_msg_has(const peerreview_problem *p, const char *want)
{
    if (!strstr(peerreview_problem_message(p), want))
        fail_msg("message \"%s\" lacks \"%s\"", peerreview_problem_message(p), want);
}

/* Replace the first occurrence of from by to in dir/file. */
static void patch(const char *dir, const char *file, const char *from, const char *to)
{
    char *path = path_join(dir, file);
    size_t len;
    char *data = read_file(path, &len);
    assert_non_null(data);
    char *at = strstr(data, from);
    assert_non_null(at);
    size_t before = (size_t)(at - data), fl = strlen(from), tl = strlen(to);
    char *out = malloc(len - fl + tl + 1);
    memcpy(out, data, before);
    memcpy(out + before, to, tl);
    memcpy(out + before + tl, at + fl, len - before - fl);
    write_file(dir, file, out, len - fl + tl);
    free(out);
    free(data);
    free(path);
}

static char *sample_copy(void)
{
    char *dir = tmp_dir();
    copy_sample(dir);
    return dir;
}

static void cleanup(char *dir)
{
    rm_rf(dir);
    free(dir);
}

/* The sample as one flat file dir/name. */
static char *sample_flat(const char *dir, const char *name)
{
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    char *path = path_join(dir, name);
    peerreview_options *o = peerreview_options_new();
    peerreview_options_set_form(o, PEERREVIEW_FORM_FLAT);
    save_ok(ds, path, o);
    peerreview_options_free(o);
    peerreview_dataset_free(ds);
    return path;
}

/* ---- defect 2 (the C side): a save with no form chooses as a load does ---- */

static void test_save_auto_existing_file_is_flat(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *flat = sample_flat(dir, "register.txt"); /* a flat file not named .csv */
    peerreview_options *o = peerreview_options_new();
    peerreview_options_set_form(o, PEERREVIEW_FORM_FLAT);
    peerreview_dataset *ds = load_ok(flat, o);
    /* saved back with no form: still one flat file, not a folder (mkdir failed before) */
    save_ok(ds, flat, NULL);
    struct stat st;
    assert_int_equal(stat(flat, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    peerreview_dataset *again = load_ok(flat, o);
    assert_dataset_equal(ds, again);
    peerreview_dataset_free(again);

    /* a table file of a package is not a flat file to write over */
    char *pkg = path_join(dir, "pkg");
    save_ok(ds, pkg, NULL);
    char *reviews = path_join(pkg, "reviews.csv");
    size_t before_len;
    char *before = read_file(reviews, &before_len);
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(peerreview_save(ds, reviews, NULL, d), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_diag_count(d), 1);
    assert_msg_has(peerreview_diag_get(d, 0), "one table of a package");
    size_t after_len;
    char *after = read_file(reviews, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    free(before);
    free(after);
    peerreview_diag_free(d);
    free(reviews);
    free(pkg);
    peerreview_dataset_free(ds);
    peerreview_options_free(o);
    free(flat);
    cleanup(dir);
}

/* ---- defect 3: advice follows errno ---- */

static int fault_errno;
static pr_io_op fault_op;
static int fault_hook(pr_io_op op, const char *path, void *ctx)
{
    (void)path;
    (void)ctx;
    return op == fault_op ? fault_errno : 0;
}

static const char *save_message(const peerreview_dataset *ds, const char *path,
                                peerreview_form form, peerreview_diag *d)
{
    peerreview_options *o = peerreview_options_new();
    peerreview_options_set_form(o, form);
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_save(ds, path, o, d), PEERREVIEW_EIO);
    peerreview_options_free(o);
    assert_int_equal(peerreview_diag_count(d), 1);
    const peerreview_problem *p = peerreview_diag_get(d, 0);
    assert_int_equal(peerreview_problem_code(p), PEERREVIEW_P_IO_ERROR);
    return peerreview_problem_message(p);
}

static void expect_in(const char *msg, const char *a, const char *b)
{
    if (!strstr(msg, a) || (b && !strstr(msg, b)))
        fail_msg("\"%s\" lacks \"%s\" or \"%s\"", msg, a, b ? b : "");
    /* the old advice, whatever the cause, is gone */
    if (strstr(msg, "check free space and permissions"))
        fail_msg("\"%s\" still gives the generic advice", msg);
}

static void test_io_advice_follows_errno(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    peerreview_diag *d = peerreview_diag_new();
    char *dir = tmp_dir();

    /* a file where the package folder should be */
    write_file(dir, "taken", "x", 1);
    char *taken = path_join(dir, "taken");
    expect_in(save_message(ds, taken, PEERREVIEW_FORM_PACKAGE, d), "File exists", "a file named");
    expect_in(peerreview_problem_message(peerreview_diag_get(d, 0)), "is in the way", NULL);

    /* a missing parent folder: the outermost missing one is named */
    char *missing = path_join(dir, "no/such/pkg");
    char *outer = path_join(dir, "no");
    char want[1024];
    snprintf(want, sizeof want, "the folder \"%s\" does not exist", outer);
    expect_in(save_message(ds, missing, PEERREVIEW_FORM_PACKAGE, d), want, "create it first");
    expect_in(save_message(ds, missing, PEERREVIEW_FORM_FLAT, d), want, NULL);

    /* a file in the middle of the path */
    char *through = path_join(dir, "taken/pkg");
    snprintf(want, sizeof want, "\"%s\" is a file, not a folder", taken);
    expect_in(save_message(ds, through, PEERREVIEW_FORM_PACKAGE, d), want, NULL);

    /* what root cannot meet for real: injected at the temporary file */
    char *out = path_join(dir, "out.csv");
    static const struct {
        int err;
        const char *a, *b;
    } cases[] = {
        {EACCES, "may not write there", "permissions"},
        {EPERM, "may not write there", "permissions"},
        {ENOSPC, "full", "free some space"},
        {EDQUOT, "quota", "free some space"},
        {EROFS, "read-only", "save elsewhere"},
    };
    fault_op = PR_IO_OPEN_WRITE;
    pr_io_set_fault(fault_hook, NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fault_errno = cases[i].err;
        expect_in(save_message(ds, out, PEERREVIEW_FORM_FLAT, d), cases[i].a, cases[i].b);
        expect_in(peerreview_problem_message(peerreview_diag_get(d, 0)), "nothing was changed",
                  NULL);
    }
    /* and a read: permission to read, not to write */
    fault_op = PR_IO_OPEN_READ;
    fault_errno = EACCES;
    peerreview_diag *rd;
    assert_int_equal(load(SAMPLE_DIR, NULL, &rd, NULL), PEERREVIEW_EIO);
    expect_in(peerreview_problem_message(peerreview_diag_get(rd, 0)), "may not read it", NULL);
    peerreview_diag_free(rd);
    pr_io_set_fault(NULL, NULL);
    assert_int_equal(access(out, F_OK), -1);

    free(out);
    free(through);
    free(outer);
    free(missing);
    free(taken);
    cleanup(dir);
    peerreview_diag_free(d);
    peerreview_dataset_free(ds);
}

/* ---- defect 4: items appended the obvious way get their own seqs ---- */

static void test_appended_items_follow_their_kind(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, SID);
    /* the sample's review has no recommendations yet */
    const char *texts[] = {"Publish the action plan", "Report back in a year"};
    peerreview_row *rows[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &rows[i]), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(rows[i], "kind", "recommendation", NULL),
                         PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(rows[i], "text", texts[i], NULL), PEERREVIEW_OK);
    }
    assert_string_equal(row_str(rows[0], "seq"), "1");
    assert_string_equal(row_str(rows[1], "seq"), "2");
    /* and a strength appended now follows the nine strengths already there */
    peerreview_row *s;
    assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &s), PEERREVIEW_OK);
    peerreview_row_set_byname(s, "kind", "strength", NULL);
    peerreview_row_set_byname(s, "text", "Another strength", NULL);
    assert_string_equal(row_str(s, "seq"), "10");
    /* setting the same kind again changes nothing */
    peerreview_row_set_byname(s, "kind", "strength", NULL);
    assert_string_equal(row_str(s, "seq"), "10");
    /* a seq the caller sets is kept, whatever kind follows */
    peerreview_row *own;
    assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &own), PEERREVIEW_OK);
    peerreview_row_set_byname(own, "seq", "7", NULL);
    peerreview_row_set_byname(own, "kind", "area_for_consideration", NULL);
    peerreview_row_set_byname(own, "text", "Numbered by hand", NULL);
    assert_string_equal(row_str(own, "seq"), "7");
    /* the dataset validates: no duplicate key (it did not: both were seq 1) */
    peerreview_diag *d = peerreview_diag_new();
    int rc = peerreview_dataset_validate(ds, NULL, d);
    if (count_code(d, PEERREVIEW_P_DUPLICATE_KEY))
        dump_diag(d);
    assert_int_equal(count_code(d, PEERREVIEW_P_DUPLICATE_KEY), 0);
    assert_int_equal(rc, PEERREVIEW_OK);
    peerreview_diag_free(d);
    char *dir = tmp_dir();
    save_ok(ds, dir, NULL);
    cleanup(dir);
    peerreview_dataset_free(ds);
}

/* ---- defect 6: a formula is about the start of a cell ---- */

static void test_flat_formula_warning_is_per_cell(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, SID);
    /* strengths 1 and 2: the cell reads "=1+1\n-Workforce\n..." */
    for (size_t i = 0; i < peerreview_review_child_count(r, PEERREVIEW_ITEMS); i++) {
        peerreview_row *row = peerreview_review_child_byindex_mut(r, PEERREVIEW_ITEMS, i);
        if (strcmp(row_str(row, "kind"), "strength") != 0)
            continue;
        const char *seq = row_str(row, "seq");
        if (strcmp(seq, "1") == 0)
            peerreview_row_set_byname(row, "text", "=1+1", NULL);
        if (strcmp(seq, "2") == 0)
            peerreview_row_set_byname(row, "text", "-Workforce", NULL);
    }
    char *dir = tmp_dir();
    char *flat = path_join(dir, "flat.csv");
    char *safe = path_join(dir, "safe.csv");
    save_ok(ds, flat, NULL);
    peerreview_diag *d;
    peerreview_dataset *loaded;
    assert_int_equal(load(flat, NULL, &d, &loaded), PEERREVIEW_OK);
    assert_int_equal(count_code(d, PEERREVIEW_P_FORMULA_PREFIX), 1);
    const peerreview_problem *p = peerreview_diag_get(d, 0);
    assert_int_equal(peerreview_problem_code(p), PEERREVIEW_P_FORMULA_PREFIX);
    assert_string_equal(peerreview_problem_field(p), "strength");
    assert_msg_has(p, "starts with '='");
    assert_int_equal(peerreview_problem_record(p), 2);
    /* the same from a dataset loaded from that file */
    peerreview_diag *v = peerreview_diag_new();
    assert_int_equal(peerreview_dataset_validate(loaded, NULL, v), PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(v), 1);
    assert_string_equal(peerreview_problem_field(peerreview_diag_get(v, 0)), "strength");
    peerreview_diag_free(v);
    peerreview_diag_free(d);
    /* neutralised, the file is safe: no warning at all */
    peerreview_options *o = peerreview_options_new();
    peerreview_options_set_spreadsheet_safe(o, 1);
    save_ok(loaded, safe, o);
    assert_int_equal(load(safe, NULL, &d, NULL), PEERREVIEW_OK);
    if (peerreview_diag_count(d))
        dump_diag(d);
    assert_int_equal(peerreview_diag_count(d), 0);
    peerreview_diag_free(d);
    /* the package form: each item is a cell of its own, so both warn */
    v = peerreview_diag_new();
    assert_int_equal(peerreview_dataset_validate(ds, NULL, v), PEERREVIEW_OK);
    assert_int_equal(count_code(v, PEERREVIEW_P_FORMULA_PREFIX), 2);
    peerreview_diag_free(v);
    peerreview_options_free(o);
    peerreview_dataset_free(loaded);
    peerreview_dataset_free(ds);
    free(safe);
    free(flat);
    cleanup(dir);
}

/* ---- spreadsheet realities ---- */

/*
 * The sample's flat form as a spreadsheet saves it with another separator:
 * sep between fields, a field in quotes when it holds sep, a quote or a line
 * break (the canonical file quotes only what holds a comma, quote or break).
 */
static char *flat_with(const char *dir, char sep)
{
    char *flat = sample_flat(dir, "flat.csv");
    size_t len;
    char *data = read_file(flat, &len);
    char *out = malloc(len * 2 + 16), *field = malloc(len + 1);
    size_t k = 0, i = 0;
    while (i < len) {
        /* one field of the canonical file, unquoted into field[0..n) */
        size_t n = 0;
        if (data[i] == '"') {
            for (i++; i < len; i++) {
                if (data[i] == '"' && i + 1 < len && data[i + 1] == '"')
                    field[n++] = data[i++];
                else if (data[i] == '"')
                    break;
                else
                    field[n++] = data[i];
            }
            i++;
        } else {
            while (i < len && data[i] != ',' && data[i] != '\r')
                field[n++] = data[i++];
        }
        int quote = memchr(field, sep, n) || memchr(field, '"', n) || memchr(field, '\n', n) ||
                    memchr(field, '\r', n);
        if (quote)
            out[k++] = '"';
        for (size_t j = 0; j < n; j++) {
            if (field[j] == '"')
                out[k++] = '"';
            out[k++] = field[j];
        }
        if (quote)
            out[k++] = '"';
        if (i < len && data[i] == ',') {
            out[k++] = sep;
            i++;
        } else if (i < len) { /* CRLF */
            out[k++] = '\r';
            out[k++] = '\n';
            i += 2;
        }
    }
    write_file(dir, "flat.csv", out, k);
    free(field);
    free(out);
    free(data);
    return flat;
}

/*
 * The sample's flat form separated with ';' or TAB, read with the delimiter
 * option, is the same data (the one clear error without the option, and for
 * a comma file read with one: tests/cases/wrong-delimiter-*).
 */
static void test_wrong_delimiter_is_one_clear_error(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    static const char seps[] = {';', '\t'};
    peerreview_dataset *sample = load_ok(SAMPLE_DIR, NULL);
    for (int k = 0; k < 2; k++) {
        char *flat = flat_with(dir, seps[k]);
        peerreview_options *o = peerreview_options_new();
        assert_int_equal(peerreview_options_set_delimiter(o, seps[k]), PEERREVIEW_OK);
        peerreview_dataset *ds = load_ok(flat, o);
        assert_dataset_equal(ds, sample);
        peerreview_dataset_free(ds);
        peerreview_options_free(o);
        free(flat);
    }
    peerreview_dataset_free(sample);
    cleanup(dir);
}

static void test_options_refuse_bad_dialects(void **state)
{
    (void)state;
    peerreview_options *o = peerreview_options_new();
    assert_int_equal(peerreview_options_set_delimiter(o, '"'), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_options_set_delimiter(o, 'a'), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_options_set_delimiter(o, '\n'), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_options_set_delimiter(o, ' '), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_options_set_delimiter(NULL, ';'), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_options_set_encoding(o, "UTF-16"), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_options_set_encoding(o, "no-such-encoding"), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_options_set_encoding(o, "SHIFT_JIS"), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_options_set_encoding(o, "GB18030"), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_options_set_encoding(o, "BIG5"), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_options_set_encoding(o, "UTF-7"), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_options_set_encoding(o, ""), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_options_set_encoding(o, "utf8"), PEERREVIEW_OK);
    assert_int_equal(peerreview_options_set_encoding(o, "UTF8"), PEERREVIEW_OK);
    assert_int_equal(peerreview_options_set_encoding(o, "CP1252"), PEERREVIEW_OK);
    assert_int_equal(peerreview_options_set_encoding(o, "ISO-8859-15"), PEERREVIEW_OK);
    assert_int_equal(peerreview_options_set_encoding(o, "windows-1252"), PEERREVIEW_OK);
    assert_int_equal(peerreview_options_set_encoding(o, "iso-8859-1"), PEERREVIEW_OK);
    assert_int_equal(peerreview_options_set_encoding(o, "UTF-8"), PEERREVIEW_OK);
    assert_int_equal(peerreview_options_set_encoding(o, NULL), PEERREVIEW_OK);
    peerreview_options_free(o);
}

/*
 * As Excel saves plain "CSV": read as windows-1252, the values arrive as
 * UTF-8 (what such a file reports with and without the option, and a UTF-8
 * file read as windows-1252: tests/cases/invalid-utf8-windows-1252,
 * encoding-windows-1252*).
 */
static void test_windows_1252_file(void **state)
{
    (void)state;
    char *dir = sample_copy();
    /* é as 0xE9, a curly apostrophe as 0x92 */
    patch(dir, "review_councils.csv", "Worcestershire County Council",
          "Worcestershire Caf\xE9 Council\x92s");
    peerreview_options *o = peerreview_options_new();
    assert_int_equal(peerreview_options_set_encoding(o, "windows-1252"), PEERREVIEW_OK);
    peerreview_dataset *ds = load_ok(dir, o);
    peerreview_row *c = peerreview_review_child_byindex_mut(
        peerreview_dataset_review_byid_mut(ds, SID), PEERREVIEW_REVIEW_COUNCILS, 0);
    assert_string_equal(row_str(c, "council_name"),
                        "Worcestershire Caf\xC3\xA9 Council\xE2\x80\x99s");
    peerreview_dataset_free(ds);
    peerreview_options_free(o);
    cleanup(dir);
}

static void test_spreadsheet_leftovers_are_skipped(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *flat = sample_flat(dir, "flat.csv");
    size_t len;
    char *data = read_file(flat, &len);
    /* a trailing column with an empty header and no values, as LibreOffice writes when a
       column beyond the data was formatted, and three rows of commas at the end */
    size_t ncols = 0;
    int quoted = 0;
    for (size_t i = 0; i < len && data[i] != '\r'; i++)
        ncols += data[i] == ',';
    char *out = malloc(len * 2 + 4096);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '"')
            quoted = !quoted;
        if (!quoted && data[i] == '\r')
            out[k++] = ',';
        out[k++] = data[i];
    }
    for (int r = 0; r < 3; r++) {
        for (size_t c = 0; c < ncols + 1; c++)
            out[k++] = ',';
        out[k++] = '\r';
        out[k++] = '\n';
    }
    write_file(dir, "flat.csv", out, k);
    /* the warnings, and the error for a value in the unnamed column:
       tests/cases/empty-column-and-rows, unknown-column-unnamed-with-value */
    peerreview_diag *d;
    peerreview_dataset *ds;
    assert_int_equal(load(flat, NULL, &d, &ds), PEERREVIEW_OK);
    peerreview_dataset *sample = load_ok(SAMPLE_DIR, NULL);
    assert_dataset_equal(ds, sample);
    peerreview_dataset_free(sample);
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);

    /* the streaming reader skips them too, with the warnings at the end */
    char *pkg = path_join(dir, "pkg");
    peerreview_dataset *s2 = load_ok(SAMPLE_DIR, NULL);
    save_ok(s2, pkg, NULL);
    peerreview_dataset_free(s2);
    char *items = path_join(pkg, "items.csv");
    char *idata = read_file(items, &len);
    char *more = malloc(len + 32);
    memcpy(more, idata, len);
    memcpy(more + len, ",,,\r\n", 5);
    write_file(pkg, "items.csv", more, len + 5);
    peerreview_reader *rd;
    assert_int_equal(peerreview_reader_open(items, -1, NULL, NULL, &rd), PEERREVIEW_OK);
    d = peerreview_diag_new();
    int rc, n = 0;
    while ((rc = peerreview_reader_next(rd, d)) == 1)
        n++;
    assert_int_equal(rc, 0);
    assert_int_equal(n, 40);
    assert_int_equal(peerreview_diag_count(d), 1);
    assert_int_equal(peerreview_problem_code(peerreview_diag_get(d, 0)), PEERREVIEW_P_EMPTY_ROW);
    peerreview_diag_free(d);
    peerreview_reader_free(rd);
    free(more);
    free(idata);
    free(items);
    free(pkg);
    free(out);
    free(data);
    free(flat);
    cleanup(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_save_auto_existing_file_is_flat),
        cmocka_unit_test(test_io_advice_follows_errno),
        cmocka_unit_test(test_appended_items_follow_their_kind),
        cmocka_unit_test(test_flat_formula_warning_is_per_cell),
        cmocka_unit_test(test_wrong_delimiter_is_one_clear_error),
        cmocka_unit_test(test_options_refuse_bad_dialects),
        cmocka_unit_test(test_windows_1252_file),
        cmocka_unit_test(test_spreadsheet_leftovers_are_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
