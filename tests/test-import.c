/*
 * Package import through the API: the values a load keeps (the sample both
 * ways, optional and ignored columns, spaces in text, line ends inside cells,
 * reordered columns, missing child tables), all-or-nothing with a NULL diag
 * and bad arguments, and peerreview_problem_format. What each bad input
 * reports (every problem code, with its exact file, line, column, field, row,
 * offset and message) is the case corpus tests/cases, run by test-cases.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#define NREV 19
#define REV_HDR                                                                                    \
    "review_id,review_type,review_type_label,stage,parent_review_id,provider,"                     \
    "onsite_start,onsite_end,onsite_mode,report_date,published_date,"                              \
    "action_plan_due,progress_review_planned,recommendation_count,team_size,"                      \
    "people_engaged,meetings_held,report_url,notes"
#define SAMPLE_ID "e10000034-csg-2015-04"

/* ---- small string tools ---- */

/* Concatenate NULL-terminated arguments into a new string. */
static char *cat(const char *first, ...)
{
    size_t len = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        len += strlen(s);
    va_end(ap);
    char *out = malloc(len + 1);
    assert_non_null(out);
    out[0] = '\0';
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        strcat(out, s);
    va_end(ap);
    return out;
}

/* Build a reviews.csv record (no line end) with columns in the order given
 * (order[i] = schema column at file position i; NULL = schema order).
 * Defaults: review_id id, review_type corporate, stage initial, onsite_start
 * 2015. Further arguments are name/value pairs (values written verbatim),
 * NULL-terminated. */
static char *rev_va(const int *order, const char *id, va_list ap)
{
    const char *v[NREV] = {0};
    v[0] = id;
    v[1] = "corporate";
    v[3] = "initial";
    v[6] = "2015";
    for (const char *name = va_arg(ap, const char *); name; name = va_arg(ap, const char *)) {
        int c = peerreview_column_index(PEERREVIEW_REVIEWS, name);
        assert_true(c >= 0);
        v[c] = va_arg(ap, const char *);
    }
    size_t len = 1;
    for (int i = 0; i < NREV; i++)
        len += (v[i] ? strlen(v[i]) : 0) + 1;
    char *out = malloc(len);
    assert_non_null(out);
    out[0] = '\0';
    for (int i = 0; i < NREV; i++) {
        int c = order ? order[i] : i;
        if (i)
            strcat(out, ",");
        if (v[c])
            strcat(out, v[c]);
    }
    return out;
}

static char *rev(const char *id, ...)
{
    va_list ap;
    va_start(ap, id);
    char *s = rev_va(NULL, id, ap);
    va_end(ap);
    return s;
}

static char *rev_ordered(const int *order, const char *id, ...)
{
    va_list ap;
    va_start(ap, id);
    char *s = rev_va(order, id, ap);
    va_end(ap);
    return s;
}

/* Offset of the first occurrence of needle in hay (asserted to occur once). */
static long long offset_of(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    assert_non_null(p);
    assert_null(strstr(p + 1, needle));
    return (long long)(p - hay);
}

/* ---- packages ---- */

/* A temp folder with the sample's datapackage.json and nothing else. */
/*
 * The datapackage.json of pkg_dir lists all six tables, so every table is
 * written as just its header (a table with no rows) for tests to replace; a
 * missing table is an error of its own (test_missing_table).
 */
static void add_missing_tables(const char *dir)
{
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        char *path = path_join(dir, peerreview_table_file(t));
        struct stat st;
        if (lstat(path, &st) != 0) {
            char hdr[1024] = "";
            for (size_t c = 0; c < peerreview_column_count(t); c++) {
                if (c)
                    strcat(hdr, ",");
                strcat(hdr, peerreview_column_name(t, c));
            }
            strcat(hdr, "\r\n");
            write_file(dir, peerreview_table_file(t), hdr, (size_t)-1);
        }
        free(path);
    }
}

static char *pkg_dir(void)
{
    char *dir = tmp_dir();
    char *src = path_join(SAMPLE_DIR, "datapackage.json");
    size_t len;
    char *data = read_file(src, &len);
    assert_non_null(data);
    write_file(dir, "datapackage.json", data, len);
    free(data);
    free(src);
    add_missing_tables(dir);
    return dir;
}

/* Load a folder, check the all-or-nothing contract, return the diag. */
static peerreview_diag *load_dir(const char *path, const peerreview_options *o, int *rc,
                                 peerreview_dataset **keep)
{
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    peerreview_dataset *ds = (peerreview_dataset *)(uintptr_t)1; /* must be overwritten */
    *rc = peerreview_load(path, o, d, &ds);
    if (*rc == PEERREVIEW_OK) {
        assert_non_null(ds);
        assert_int_equal(peerreview_diag_errors(d), 0);
    } else {
        assert_null(ds);
        assert_true(peerreview_diag_errors(d) > 0);
        assert_true(peerreview_diag_count(d) > 0);
    }
    /* validate_path agrees with load */
    peerreview_diag *d2 = peerreview_diag_new();
    assert_int_equal(peerreview_validate_path(path, o, d2), *rc);
    assert_int_equal(peerreview_diag_count(d2), peerreview_diag_count(d));
    assert_int_equal(peerreview_diag_errors(d2), peerreview_diag_errors(d));
    assert_int_equal(peerreview_diag_warnings(d2), peerreview_diag_warnings(d));
    peerreview_diag_free(d2);
    if (keep)
        *keep = ds;
    else
        peerreview_dataset_free(ds);
    return d;
}

/* A package of the given files (name, content pairs, NULL-terminated). */
static peerreview_diag *load_files(const peerreview_options *o, int *rc, char **dir, ...)
{
    *dir = pkg_dir();
    va_list ap;
    va_start(ap, dir);
    for (const char *name = va_arg(ap, const char *); name; name = va_arg(ap, const char *))
        write_file(*dir, name, va_arg(ap, const char *), (size_t)-1);
    va_end(ap);
    return load_dir(*dir, o, rc, NULL);
}

static void done(peerreview_diag *d, char *dir)
{
    peerreview_diag_free(d);
    rm_rf(dir);
    free(dir);
}

/* ======================================================================== */
/* The sample, both paths                                                    */
/* ======================================================================== */

static void test_sample_clean(void **state)
{
    (void)state;
    int rc;
    peerreview_dataset *ds;
    peerreview_diag *d = load_dir(SAMPLE_DIR, NULL, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    assert_int_equal(peerreview_dataset_count(ds), 30);
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);

    char *desc = path_join(SAMPLE_DIR, "datapackage.json");
    d = load_dir(desc, NULL, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    assert_int_equal(peerreview_dataset_count(ds), 30);
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);
    free(desc);
}

/* ======================================================================== */
/* Values a load keeps (the problems: tests/cases)                           */
/* ======================================================================== */

/* An optional column missing (tests/cases/missing-column-optional): its values are unknown. */
static void test_missing_column(void **state)
{
    (void)state;
    const char *hdr = "review_id,review_type,review_type_label,stage,parent_review_id,provider,"
                      "onsite_start,onsite_end,onsite_mode,report_date,published_date,"
                      "action_plan_due,progress_review_planned,recommendation_count,team_size,"
                      "people_engaged,meetings_held,report_url";
    char *csv = cat(hdr, "\r\nr1,corporate,,initial,,LGA,2015,,,,,,,,,,,\r\n", NULL);
    char *dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    int rc;
    peerreview_dataset *ds;
    peerreview_diag *d = load_dir(dir, NULL, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_count(ds), 1);
    peerreview_review *r = peerreview_dataset_review_byindex_mut(ds, 0);
    assert_null(review_str(r, "notes"));
    assert_string_equal(review_str(r, "provider"), "LGA");
    peerreview_dataset_free(ds);
    done(d, dir);
    free(csv);
}

/* An unknown column ignored (tests/cases/unknown-column-ignored): its values are dropped. */
static void test_unknown_column(void **state)
{
    (void)state;
    char *r1 = rev("r1", "notes", "\"a\nb\"", NULL);
    char *csv = cat(REV_HDR ",colour\r\n", r1, ",blue\r\n", NULL);
    peerreview_options *o = peerreview_options_new();
    assert_int_equal(peerreview_options_set_ignore_unknown_columns(o, 1), PEERREVIEW_OK);
    char *dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    int rc;
    peerreview_dataset *ds;
    peerreview_diag *d = load_dir(dir, o, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_count(ds), 1);
    assert_string_equal(review_str(peerreview_dataset_review_byindex_mut(ds, 0), "notes"), "a\nb");
    peerreview_dataset_free(ds);
    done(d, dir);
    free(csv);
    free(r1);
    peerreview_options_free(o);
}

/* Text columns keep their spaces (tests/cases/whitespace-kept-in-text). */
static void test_whitespace(void **state)
{
    (void)state;
    char *r1 = rev("r1", "provider", " LGA ", "notes", "\"  spaced  \"", NULL);
    char *csv = cat(REV_HDR "\r\n", r1, "\r\n", NULL);
    char *dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    int rc;
    peerreview_dataset *ds;
    peerreview_diag *d = load_dir(dir, NULL, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    assert_string_equal(review_str(peerreview_dataset_review_byindex_mut(ds, 0), "provider"),
                        " LGA ");
    assert_string_equal(review_str(peerreview_dataset_review_byindex_mut(ds, 0), "notes"),
                        "  spaced  ");
    peerreview_dataset_free(ds);
    done(d, dir);
    free(csv);
    free(r1);
}

/* ======================================================================== */
/* Dialect                                                                   */
/* ======================================================================== */

/*
 * r1 with a 3-line notes cell, then r2; line ends vary. The same file with a
 * bad date in r2 is tests/cases/dialect-*: this checks the cell keeps its
 * line ends.
 */
static void dialect_case(const char *eol_hdr, const char *inner1, const char *inner2,
                         const char *eol_r1, const char *tail, const char *bom)
{
    char notes[64];
    snprintf(notes, sizeof notes, "\"one%stwo%sthree\"", inner1, inner2);
    char *r1 = rev("r1", "notes", notes, NULL);
    char *r2ok = rev("r2", NULL);
    char *ok = cat(bom, REV_HDR, eol_hdr, r1, eol_r1, r2ok, tail, NULL);
    char *dir = pkg_dir();
    write_file(dir, "reviews.csv", ok, (size_t)-1);
    int rc;
    peerreview_dataset *ds;
    peerreview_diag *d = load_dir(dir, NULL, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    assert_int_equal(peerreview_dataset_count(ds), 2);
    char want[64];
    snprintf(want, sizeof want, "one%stwo%sthree", inner1, inner2);
    assert_string_equal(review_str(peerreview_dataset_review_byid_mut(ds, "r1"), "notes"), want);
    assert_non_null(peerreview_dataset_review_byid_mut(ds, "r2"));
    peerreview_dataset_free(ds);
    done(d, dir);
    free(ok);
    free(r2ok);
    free(r1);
}

static void test_dialect_line_ends(void **state)
{
    (void)state;
    /* CRLF everywhere */
    dialect_case("\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "");
    /* LF */
    dialect_case("\n", "\n", "\n", "\n", "\n", "");
    /* CR only */
    dialect_case("\r", "\r", "\r", "\r", "\r", "");
    /* mixed */
    dialect_case("\r\n", "\n", "\r", "\r", "\n", "");
    dialect_case("\r", "\r\n", "\n", "\n", "\r\n", "");
    /* no final newline */
    dialect_case("\r\n", "\n", "\n", "\r\n", "", "");
    dialect_case("\r", "\r", "\r", "\r", "", "");
    /* a BOM */
    dialect_case("\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\xEF\xBB\xBF");
    dialect_case("\n", "\n", "\n", "\n", "", "\xEF\xBB\xBF");
    /* blank lines between records are not records, but count as lines */
    dialect_case("\r\n", "\n", "\n", "\r\n\r\n", "\r\n", ""); /* blank line = row 3 */
}

static void test_reordered_columns(void **state)
{
    (void)state;
    int order[NREV];
    for (int i = 0; i < NREV; i++)
        order[i] = NREV - 1 - i; /* notes first, review_id last */
    char hdr[1024] = "";
    for (int i = 0; i < NREV; i++) {
        if (i)
            strcat(hdr, ",");
        strcat(hdr, peerreview_column_name(PEERREVIEW_REVIEWS, (size_t)order[i]));
    }
    /* schema column c sits at file column NREV - c; the rules on such a file are
       tests/cases/dialect-reordered-columns: the good rows load with values in
       their right columns */
    char *r1 = rev_ordered(order, "r1", "notes", "\"a\nb\"", "team_size", "1", NULL);
    char *r2 = rev_ordered(order, "r2", "onsite_start", "2015-02-28", "provider", "LGA", NULL);
    char *csv = cat(hdr, "\r\n", r1, "\r\n", r2, "\r\n", NULL);
    char *dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    int rc;
    peerreview_dataset *ds;
    peerreview_diag *d = load_dir(dir, NULL, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "r2");
    assert_non_null(r);
    assert_string_equal(review_str(r, "onsite_start"), "2015-02-28");
    assert_string_equal(review_str(r, "provider"), "LGA");
    assert_string_equal(review_str(r, "stage"), "initial");
    assert_string_equal(review_str(peerreview_dataset_review_byid_mut(ds, "r1"), "notes"), "a\nb");
    peerreview_dataset_free(ds);
    done(d, dir);
    free(csv);
    free(r1);
    free(r2);
}

/*
 * Issue 7, defect 1: a missing table never loads as an empty one silently
 * (the problems: tests/cases/missing-table-*, unknown-file-*,
 * io-error-child-table-alone). What loads has no rows for it.
 */
static void test_missing_child_tables(void **state)
{
    (void)state;
    char *r1 = rev("r1", NULL);
    char *csv = cat(REV_HDR "\r\n", r1, "\r\n", NULL);
    int rc;
    char *dir;
    peerreview_dataset *ds;
    /* every table there, the child tables with no rows */
    dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    peerreview_diag *d = load_dir(dir, NULL, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    peerreview_review *r = peerreview_dataset_review_byindex_mut(ds, 0);
    for (int t = PEERREVIEW_REVIEW_COUNCILS; t < PEERREVIEW_TABLE_COUNT; t++)
        assert_int_equal(peerreview_review_child_count(r, t), 0);
    peerreview_dataset_free(ds);
    done(d, dir);

    /* no datapackage.json: a missing child table means no rows */
    dir = tmp_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    d = load_dir(dir, NULL, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(
        peerreview_review_child_count(peerreview_dataset_review_byindex(ds, 0), PEERREVIEW_ITEMS),
        0);
    peerreview_dataset_free(ds);
    done(d, dir);

    /* a child table beside reviews.csv names the package, as beside datapackage.json */
    dir = tmp_dir();
    copy_sample(dir);
    char *desc = path_join(dir, "datapackage.json");
    assert_int_equal(remove(desc), 0);
    free(desc);
    char *items = path_join(dir, "items.csv");
    d = load_dir(items, NULL, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_count(ds), 30);
    peerreview_dataset_free(ds);
    free(items);
    done(d, dir);
    free(csv);
    free(r1);
}

/* ======================================================================== */
/* All or nothing, the format                                                */
/* ======================================================================== */

/* The problems of a bad row among the sample: tests/cases/bad-url-among-sample,
 * seq-gap-among-sample. */
static void test_all_or_nothing(void **state)
{
    (void)state;
    /* one bad child row among the whole sample: nothing loads, a NULL diag is fine */
    char *dir = tmp_dir();
    copy_sample(dir);
    char *src = path_join(SAMPLE_DIR, "sources.csv");
    char *data = read_file(src, NULL);
    char *bad = cat(data, SAMPLE_ID ",99,not a url,\r\n", NULL);
    write_file(dir, "sources.csv", bad, (size_t)-1);
    peerreview_dataset *ds = (peerreview_dataset *)(uintptr_t)1;
    assert_int_equal(peerreview_load(dir, NULL, NULL, &ds), PEERREVIEW_EDATA);
    assert_null(ds);
    assert_int_equal(peerreview_validate_path(dir, NULL, NULL), PEERREVIEW_EDATA);

    /* warnings alone load: the row is there */
    char *w = cat(data, SAMPLE_ID ",4,https://example.org/,gap\r\n", NULL);
    write_file(dir, "sources.csv", w, (size_t)-1);
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(peerreview_load(dir, NULL, d, &ds), PEERREVIEW_OK);
    assert_non_null(ds);
    assert_int_equal(peerreview_review_child_count(
                         peerreview_dataset_review_byid_mut(ds, SAMPLE_ID), PEERREVIEW_SOURCES),
                     3);
    peerreview_dataset_free(ds);
    assert_int_equal(peerreview_validate_path(dir, NULL, d), PEERREVIEW_OK);
    peerreview_diag_free(d);

    /* bad arguments */
    assert_int_equal(peerreview_load(NULL, NULL, NULL, &ds), PEERREVIEW_EINVAL);
    assert_null(ds);
    assert_int_equal(peerreview_load(dir, NULL, NULL, NULL), PEERREVIEW_EINVAL);

    free(w);
    free(bad);
    free(data);
    free(src);
    rm_rf(dir);
    free(dir);
}

static void test_problem_format(void **state)
{
    (void)state;
    char *r1 = rev("r1", "notes", "\"a\nb\nc\"", NULL);
    char *r2 = rev("r2", "onsite_start", "2015-02-30", "report_date", "2015", NULL);
    char *csv = cat(REV_HDR "\r\n", r1, "\r\n", r2, "\r\n", NULL);
    int rc;
    char *dir;
    peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    assert_int_equal(peerreview_diag_count(d), 1);
    const peerreview_problem *p = peerreview_diag_get(d, 0);
    char *want = cat(dir,
                     "/reviews.csv:5:7: error: onsite_start: cell G3: \"2015-02-30\" is not "
                     "a real date: February 2015 has 28 days; correct the day [bad-date]",
                     NULL);
    char buf[1024];
    size_t n = peerreview_problem_format(p, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
    assert_int_equal(peerreview_problem_line(p), 5);
    assert_int_equal(peerreview_problem_column(p), 7);
    assert_int_equal(peerreview_problem_record(p), 3);
    assert_int_equal(peerreview_problem_offset(p), offset_of(csv, "2015-02-30"));
    assert_string_equal(peerreview_problem_field(p), "onsite_start");
    assert_string_equal(peerreview_code_name(peerreview_problem_code(p)), "bad-date");

    /* truncation as snprintf */
    char small[16];
    assert_int_equal(peerreview_problem_format(p, small, sizeof small), strlen(want));
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, want, sizeof small - 1);
    assert_int_equal(peerreview_problem_format(p, NULL, 0), strlen(want));

    /* a warning, and a problem without line and column */
    peerreview_diag_free(d);
    free(want);
    rm_rf(dir);
    free(dir);
    char *path = cat("/nonexistent-prtest/", "x", NULL);
    d = peerreview_diag_new();
    peerreview_dataset *ds;
    assert_int_equal(peerreview_load(path, NULL, d, &ds), PEERREVIEW_EIO);
    n = peerreview_problem_format(peerreview_diag_get(d, 0), buf, sizeof buf);
    want = cat(path, ": error: ", peerreview_problem_message(peerreview_diag_get(d, 0)),
               " [io-error]", NULL);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
    peerreview_diag_free(d);
    free(want);
    free(path);
    free(csv);
    free(r1);
    free(r2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_clean),         cmocka_unit_test(test_missing_column),
        cmocka_unit_test(test_unknown_column),       cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_dialect_line_ends),    cmocka_unit_test(test_reordered_columns),
        cmocka_unit_test(test_missing_child_tables), cmocka_unit_test(test_all_or_nothing),
        cmocka_unit_test(test_problem_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
