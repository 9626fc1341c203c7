/*
 * Package import: every problem code import can produce, with its exact
 * position (file, physical line, column, field, record, offset) and a message
 * that names the spreadsheet cell and quotes the bad value; CSV dialect
 * (multi-line cells, CR / mixed line ends, BOM, no final newline, reordered
 * columns); all-or-nothing; the problem cap; the datapackage.json path.
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

#define ERROR      PEERREVIEW_SEVERITY_ERROR
#define WARNING    PEERREVIEW_SEVERITY_WARNING
#define ANY_RECORD ((unsigned long)-1)
#define ANY_OFFSET (-2LL)

#define NREV 19
#define REV_HDR                                                                                    \
    "review_id,review_type,review_type_label,stage,parent_review_id,provider,"                     \
    "onsite_start,onsite_end,onsite_mode,report_date,published_date,"                              \
    "action_plan_due,progress_review_planned,recommendation_count,team_size,"                      \
    "people_engaged,meetings_held,report_url,notes"
#define ITEMS_HDR "review_id,kind,seq,text"
#define TEAM_HDR  "review_id,seq,name,role,role_label,member_party,job_title,organisation"
#define COUNCILS_HDR                                                                               \
    "review_id,seq,gss_code,council_name,authority_type,region_gss,region_name,dfe_la_code"
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

/* Check the parts expect_problem does not. */
static void check_at(const peerreview_problem *p, peerreview_severity sev, unsigned long record,
                     long long offset, const char *in1, const char *in2, const char *srcfile,
                     int srcline)
{
    const char *msg = peerreview_problem_message(p);
    int ok = peerreview_problem_severity(p) == sev &&
             (record == ANY_RECORD || peerreview_problem_record(p) == record) &&
             (offset == ANY_OFFSET || peerreview_problem_offset(p) == offset) &&
             (!in1 || strstr(msg, in1)) && (!in2 || strstr(msg, in2));
    if (!ok) {
        char buf[1024];
        peerreview_problem_format(p, buf, sizeof buf);
        fprintf(stderr,
                "%s:%d: problem %s\n  severity %d (want %d) record %lu (want %ld) offset %lld "
                "(want %lld) message wants \"%s\" and \"%s\"\n",
                srcfile, srcline, buf, (int)peerreview_problem_severity(p), (int)sev,
                peerreview_problem_record(p), record == ANY_RECORD ? -1L : (long)record,
                peerreview_problem_offset(p), offset, in1 ? in1 : "", in2 ? in2 : "");
        fail_msg("problem details differ");
    }
}
#define check(p, sev, record, offset, in1, in2)                                                    \
    check_at(p, sev, record, offset, in1, in2, __FILE__, __LINE__)

/* Number of problems with this code. */
static size_t count_code(const peerreview_diag *d, peerreview_code code)
{
    size_t n = 0;
    for (size_t i = 0; i < peerreview_diag_count(d); i++)
        if (peerreview_problem_code(peerreview_diag_get(d, i)) == code)
            n++;
    return n;
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
/* io-error, empty-file                                                      */
/* ======================================================================== */

static void test_io_error_no_such_path(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *path = path_join(dir, "no-such-folder");
    int rc;
    peerreview_diag *d = load_dir(path, NULL, &rc, NULL);
    assert_int_equal(rc, PEERREVIEW_EIO);
    assert_int_equal(peerreview_diag_count(d), 1);
    const peerreview_problem *p = peerreview_diag_get(d, 0);
    assert_int_equal(peerreview_problem_code(p), PEERREVIEW_P_IO_ERROR);
    assert_int_equal(peerreview_problem_severity(p), ERROR);
    assert_string_equal(peerreview_problem_file(p), path);
    assert_int_equal(peerreview_problem_line(p), 0);
    assert_int_equal(peerreview_problem_column(p), 0);
    assert_null(peerreview_problem_field(p));
    peerreview_diag_free(d);

    /* the same through a datapackage.json in a folder that does not exist */
    char *desc = path_join(path, "datapackage.json");
    d = load_dir(desc, NULL, &rc, NULL);
    assert_int_equal(rc, PEERREVIEW_EIO);
    assert_int_equal(peerreview_problem_code(peerreview_diag_get(d, 0)), PEERREVIEW_P_IO_ERROR);
    assert_int_equal(peerreview_diag_errors(d), 1);
    peerreview_diag_free(d);
    free(desc);
    free(path);
    rm_rf(dir);
    free(dir);
}

/* The header: FORM_AUTO takes "a .csv file" as flat and "anything else" as a
 * package, so a mistyped folder name is reported as a missing folder. */
static void test_io_error_auto_form_folder(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *path = path_join(dir, "no-such-folder");
    peerreview_options *o = peerreview_options_new();
    const peerreview_options *opts[] = {NULL, o};
    assert_int_equal(peerreview_options_set_form(o, PEERREVIEW_FORM_PACKAGE), PEERREVIEW_OK);
    int bad = 0;
    for (size_t i = 0; i < 2; i++) {
        peerreview_diag *d = peerreview_diag_new();
        peerreview_dataset *ds;
        assert_int_equal(peerreview_load(path, opts[i], d, &ds), PEERREVIEW_EIO);
        assert_int_equal(peerreview_diag_count(d), 1);
        const peerreview_problem *p = peerreview_diag_get(d, 0);
        assert_int_equal(peerreview_problem_code(p), PEERREVIEW_P_IO_ERROR);
        assert_string_equal(peerreview_problem_file(p), path);
        if (!strstr(peerreview_problem_message(p), "no such folder")) {
            dump_diag(d);
            bad++;
        }
        peerreview_diag_free(d);
    }
    peerreview_options_free(o);
    free(path);
    rm_rf(dir);
    free(dir);
    assert_int_equal(bad, 0);
}

static void test_io_error_missing_reviews(void **state)
{
    (void)state;
    int rc;
    char *dir;
    /* child tables present, reviews.csv missing: one missing-table error, and
       no foreign-key error for each child row (one cause, one problem) */
    dir = tmp_dir();
    add_missing_tables(dir);
    char *reviews = path_join(dir, "reviews.csv");
    unlink(reviews);
    free(reviews);
    write_file(dir, "items.csv",
               ITEMS_HDR "\r\nx-1,strength,1,A\r\nx-1,strength,2,B\r\ny-2,strength,1,C\r\n",
               (size_t)-1);
    peerreview_diag *d = load_dir(dir, NULL, &rc, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_MISSING_TABLE, "/reviews.csv", 0, 0, NULL);
    check(p, ERROR, 0, ANY_OFFSET, "no reviews.csv", NULL);
    assert_int_equal(peerreview_diag_errors(d), 1);
    assert_int_equal(peerreview_diag_count(d), 1);
    done(d, dir);
}

static void test_empty_file(void **state)
{
    (void)state;
    static const char *const contents[] = {"", "\r\n\r\n", "\xEF\xBB\xBF", "\n"};
    for (size_t i = 0; i < sizeof contents / sizeof contents[0]; i++) {
        int rc;
        char *dir;
        peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", contents[i], NULL);
        assert_int_equal(rc, PEERREVIEW_EDATA);
        const peerreview_problem *p =
            expect_problem(d, PEERREVIEW_P_EMPTY_FILE, "/reviews.csv", 0, 0, NULL);
        check(p, ERROR, 0, ANY_OFFSET, NULL, NULL);
        assert_int_equal(peerreview_diag_count(d), 1);
        done(d, dir);
    }
    /* an empty child table is an error too: a present file needs its header */
    int rc;
    char *dir;
    peerreview_diag *d = load_with_table("items.csv", "", &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_EMPTY_FILE, "/items.csv", 0, 0, NULL);
    assert_int_equal(peerreview_diag_count(d), 1);
    done(d, dir);
}

/* ======================================================================== */
/* Encoding: invalid-utf8, utf16-file, nul-byte                              */
/* ======================================================================== */

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* a multi-line cell first, so line 5 is record 3 */
    char *r1 = rev("r1", "notes", "\"one\ntwo\nthree\"", NULL);
    char *r2 = rev("r2", "review_type_label", "caf\xE9 review", NULL);
    char *csv = cat(REV_HDR "\r\n", r1, "\r\n", r2, "\r\n", NULL);
    int rc;
    char *dir;
    peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_INVALID_UTF8, "/reviews.csv", 5, 3, NULL);
    check(p, ERROR, ANY_RECORD, offset_of(csv, "\xE9"), "UTF-8", NULL);
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
    free(csv);
    free(r2);

    /* a sequence cut off by the end of the file (no final newline) */
    r2 = rev("r2", "notes", "ok \xE2\x82", NULL);
    csv = cat(REV_HDR "\r\n", r1, "\r\n", r2, NULL);
    d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_INVALID_UTF8, "/reviews.csv", 5, 19, NULL);
    check(p, ERROR, ANY_RECORD, (long long)strlen(csv) - 2, NULL, NULL);
    done(d, dir);
    free(csv);
    free(r2);

    /* an overlong encoding in a child table */
    d = load_with_table("items.csv",
                        ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,fine\r\n" SAMPLE_ID
                                  ",focus,2,bad \xC0\xAF slash\r\n",
                        &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_INVALID_UTF8, "/items.csv", 3, 4, NULL);
    check(
        p, ERROR, ANY_RECORD,
        (long long)strlen(ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,fine\r\n" SAMPLE_ID ",focus,2,bad "),
        NULL, NULL);
    done(d, dir);
    free(r1);

    /* valid multi-byte text loads */
    r1 = rev("r1", "notes", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", NULL);
    csv = cat(REV_HDR "\r\n", r1, "\r\n", NULL);
    d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    done(d, dir);
    free(csv);
    free(r1);
}

static void test_utf16_file(void **state)
{
    (void)state;
    /* "review_id\r\n" in UTF-16LE with and without its BOM, and UTF-16BE */
    static const char le_bom[] = "\xFF\xFEr\0e\0v\0i\0e\0w\0_\0i\0d\0\r\0\n\0";
    static const char le[] = "r\0e\0v\0i\0e\0w\0_\0i\0d\0\r\0\n\0";
    static const char be_bom[] = "\xFE\xFF\0r\0e\0v\0i\0e\0w\0_\0i\0d\0\r\0\n";
    const struct {
        const char *data;
        size_t len;
    } cases[] = {{le_bom, sizeof le_bom - 1}, {le, sizeof le - 1}, {be_bom, sizeof be_bom - 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *dir = pkg_dir();
        write_file(dir, "reviews.csv", cases[i].data, cases[i].len);
        int rc;
        peerreview_diag *d = load_dir(dir, NULL, &rc, NULL);
        assert_int_equal(rc, PEERREVIEW_EDATA);
        const peerreview_problem *p =
            expect_problem(d, PEERREVIEW_P_UTF16_FILE, "/reviews.csv", 1, 0, NULL);
        check(p, ERROR, ANY_RECORD, 0, "UTF-16", NULL);
        /* one problem, not one per NUL byte */
        assert_int_equal(peerreview_diag_count(d), 1);
        done(d, dir);
    }
}

static void test_nul_byte(void **state)
{
    (void)state;
    char *r1 = rev("r1", "notes", "\"a\r\nb\"", NULL);
    char *r2 = rev("r2", "review_type_label", "ab#cd", NULL);
    char *csv = cat(REV_HDR "\r\n", r1, "\r\n", r2, "\r\n", NULL);
    size_t len = strlen(csv);
    long long off = offset_of(csv, "#");
    csv[off] = '\0';
    char *dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, len);
    int rc;
    peerreview_diag *d = load_dir(dir, NULL, &rc, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_NUL_BYTE, "/reviews.csv", 4, 3, NULL);
    check(p, ERROR, ANY_RECORD, off, "NUL", NULL);
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
    free(csv);
    free(r1);
    free(r2);
}

/* ======================================================================== */
/* Syntax: unterminated-quote, stray-quote, field counts, field-too-long     */
/* ======================================================================== */

static void test_unterminated_quote(void **state)
{
    (void)state;
    char *r1 = rev("r1", "notes", "\"x\r\ny\"", NULL);
    char *r2 = rev("r2", "notes", "\"never closed", NULL);
    char *r3 = rev("r3", NULL);
    char *csv = cat(REV_HDR "\r\n", r1, "\r\n", r2, "\r\n", r3, "\r\n", NULL);
    int rc;
    char *dir;
    peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_UNTERMINATED_QUOTE, "/reviews.csv", 4, 19, NULL);
    check(p, ERROR, 3, offset_of(csv, "\"never"), "cell S3", NULL);
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
    free(csv);
    free(r1);
    free(r2);
    free(r3);
}

static void test_stray_quote(void **state)
{
    (void)state;
    /* a quote inside an unquoted field */
    char *r1 = rev("r1", "notes", "\"multi\nline\"", NULL);
    char *r2 = rev("r2", "review_type_label", "the \"best\" review", NULL);
    char *csv = cat(REV_HDR "\n", r1, "\n", r2, "\n", NULL);
    int rc;
    char *dir;
    peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_STRAY_QUOTE, "/reviews.csv", 4, 3, NULL);
    check(p, ERROR, 3, offset_of(csv, "\"best"), "cell C3", NULL);
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
    free(csv);
    free(r2);

    /* text after the closing quote */
    r2 = rev("r2", "provider", "\"LGA\"x", NULL);
    csv = cat(REV_HDR "\n", r1, "\n", r2, "\n", NULL);
    d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_STRAY_QUOTE, "/reviews.csv", 4, 6, NULL);
    check(p, ERROR, 3, offset_of(csv, "\"x") + 1, "cell F3", NULL);
    done(d, dir);
    free(csv);
    free(r1);
    free(r2);
}

static void test_too_many_fields(void **state)
{
    (void)state;
    char *r1 = rev("r1", "notes", "\"a\nb\"", NULL);
    char *r2 = rev("r2", "notes", "Smith, J.", NULL); /* unquoted comma */
    char *csv = cat(REV_HDR "\r\n", r1, "\r\n", r2, "\r\n", NULL);
    int rc;
    char *dir;
    peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_TOO_MANY_FIELDS, "/reviews.csv", 4, 20, NULL);
    assert_null(peerreview_problem_field(p));
    check(p, ERROR, 3, offset_of(csv, " J."), "cell T3", "20 fields");
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
    free(csv);
    free(r1);
    free(r2);
}

static void test_missing_fields(void **state)
{
    (void)state;
    char *r1 = rev("r1", "notes", "\"a\nb\"", NULL);
    char *r2 = rev("r2", NULL);
    r2[strlen(r2) - 1] = '\0'; /* drop the last comma: 18 fields */
    char *csv = cat(REV_HDR "\r\n", r1, "\r\n", r2, "\r\n", NULL);
    int rc;
    char *dir;
    peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_MISSING_FIELDS, "/reviews.csv", 4, 19, "notes");
    /* the column is the first one missing, named by the header */
    check(p, ERROR, 3, offset_of(csv, "r2,"), "cell S3", "18 fields");
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
    free(csv);
    free(r1);
    free(r2);

    /* a child table row with one field */
    d = load_with_table("items.csv", ITEMS_HDR "\r\n" SAMPLE_ID "\r\n", &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_MISSING_FIELDS, "/items.csv", 2, 2, "kind");
    check(p, ERROR, 2, (long long)strlen(ITEMS_HDR "\r\n"), "cell B2", NULL);
    done(d, dir);
}

static void test_field_too_long(void **state)
{
    (void)state;
    peerreview_options *o = peerreview_options_new();
    assert_int_equal(peerreview_options_set_max_field_size(o, 40), PEERREVIEW_OK);
    char x40[41], x41[42];
    memset(x40, 'x', 40);
    x40[40] = '\0';
    memset(x41, 'y', 41);
    x41[41] = '\0';

    /* exactly at the limit: fine */
    char *r1 = rev("r1", "notes", x40, NULL);
    char *csv = cat(REV_HDR "\r\n", r1, "\r\n", NULL);
    int rc;
    char *dir;
    peerreview_diag *d = load_files(o, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_OK);
    done(d, dir);
    free(csv);

    /* one byte more, after a multi-line cell */
    char *r2 = rev("r2", "notes", "\"a\nb\"", NULL);
    char *r3 = rev("r3", "provider", x41, NULL);
    csv = cat(REV_HDR "\r\n", r1, "\r\n", r2, "\r\n", r3, "\r\n", NULL);
    d = load_files(o, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_FIELD_TOO_LONG, "/reviews.csv", 5, 6, NULL);
    check(p, ERROR, 4, offset_of(csv, x41), "cell F4", "40 bytes");
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
    free(csv);
    free(r3);

    /* a quoted multi-line field that grows past the limit: reported where it starts */
    char big[80];
    snprintf(big, sizeof big, "\"%.30s\n%.30s\"", x41, x41);
    r3 = rev("r3", "notes", big, NULL);
    csv = cat(REV_HDR "\r\n", r1, "\r\n", r2, "\r\n", r3, "\r\n", NULL);
    d = load_files(o, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_FIELD_TOO_LONG, "/reviews.csv", 5, 19, NULL);
    check(p, ERROR, 4, offset_of(csv, big), "cell S4", NULL);
    done(d, dir);
    free(csv);
    free(r1);
    free(r2);
    free(r3);
    peerreview_options_free(o);
}

/*
 * SPEC §4: every problem has a field name. Problems the tokenizer finds inside
 * a data record (and a duplicated header cell) name the column the header
 * gives that position, like the value problems do.
 */
static char *field_name_of(const char *file, const char *data, size_t len,
                           const peerreview_options *o, peerreview_code code)
{
    char *dir = tmp_dir();
    copy_sample(dir);
    write_file(dir, file, data, len);
    int rc;
    peerreview_diag *d = load_dir(dir, o, &rc, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    int i = find_code(d, code);
    assert_true(i >= 0);
    const char *f = peerreview_problem_field(peerreview_diag_get(d, (size_t)i));
    char *out = strdup(f ? f : "(null)");
    done(d, dir);
    return out;
}

static void test_syntax_problems_name_the_field(void **state)
{
    (void)state;
    peerreview_options *o = peerreview_options_new();
    /* above every field of the sample's other tables, below the huge one */
    assert_int_equal(peerreview_options_set_max_field_size(o, 4000), PEERREVIEW_OK);
    char *huge = malloc(70001);
    assert_non_null(huge);
    memset(huge, 'z', 70000);
    huge[70000] = '\0';
    struct {
        const char *file;
        char *data;
        peerreview_code code;
        const char *want;
    } cases[] = {
        {"items.csv",
         cat(ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,\"a\nb\"\r\n" SAMPLE_ID ",focus,2,caf\xE9\r\n",
             NULL),
         PEERREVIEW_P_INVALID_UTF8, "text"},
        {"items.csv", cat(ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,a#b\r\n", NULL),
         PEERREVIEW_P_NUL_BYTE, "text"},
        {"items.csv",
         cat("text,kind,seq,review_id\r\nthe \"best\" one,focus,1," SAMPLE_ID "\r\n", NULL),
         PEERREVIEW_P_STRAY_QUOTE, "text"},
        {"items.csv", cat(ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,\"open\r\n", NULL),
         PEERREVIEW_P_UNTERMINATED_QUOTE, "text"},
        {"items.csv", cat(ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,", huge, "\r\n", NULL),
         PEERREVIEW_P_FIELD_TOO_LONG, "text"},
        {"items.csv", cat(ITEMS_HDR ",kind\r\n" SAMPLE_ID ",focus,1,x,focus\r\n", NULL),
         PEERREVIEW_P_DUPLICATE_COLUMN, "kind"},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = strlen(cases[i].data);
        char *nul = strchr(cases[i].data, '#');
        if (nul)
            *nul = '\0';
        char *got = field_name_of(cases[i].file, cases[i].data, len, o, cases[i].code);
        if (strcmp(got, cases[i].want) != 0) {
            fprintf(stderr, "%s in %s: field %s, want %s\n", peerreview_code_name(cases[i].code),
                    cases[i].file, got, cases[i].want);
            bad++;
        }
        free(got);
        free(cases[i].data);
    }
    free(huge);
    peerreview_options_free(o);
    assert_int_equal(bad, 0);
}

/* ======================================================================== */
/* Header: duplicate-column, missing-column, unknown-column                  */
/* ======================================================================== */

static void test_duplicate_column(void **state)
{
    (void)state;
    char *r1 = rev("r1", NULL);
    char *csv = cat(REV_HDR ",notes\r\n", r1, ",again\r\n", NULL);
    int rc;
    char *dir;
    peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_DUPLICATE_COLUMN, "/reviews.csv", 1, 20, NULL);
    check(p, ERROR, 1, (long long)strlen(REV_HDR ","), "cell T1", "\"notes\"");
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
    free(csv);
    free(r1);
}

static void test_missing_column(void **state)
{
    (void)state;
    /* required column missing: error, nothing loads */
    int rc;
    char *dir;
    peerreview_diag *d = load_with_table(
        "items.csv", "review_id,seq,text\r\n" SAMPLE_ID ",1,Something\r\n", &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_MISSING_COLUMN, "/items.csv", 1, 0, "kind");
    check(p, ERROR, 1, 0, NULL, "\"kind\"");
    /* reported once for the header, not again as missing-value per row */
    assert_int_equal(peerreview_diag_count(d), 1);
    done(d, dir);

    /* optional column missing: warning, the load succeeds, values unknown */
    const char *hdr = "review_id,review_type,review_type_label,stage,parent_review_id,provider,"
                      "onsite_start,onsite_end,onsite_mode,report_date,published_date,"
                      "action_plan_due,progress_review_planned,recommendation_count,team_size,"
                      "people_engaged,meetings_held,report_url";
    char *csv = cat(hdr, "\r\nr1,corporate,,initial,,LGA,2015,,,,,,,,,,,\r\n", NULL);
    dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    peerreview_dataset *ds;
    d = load_dir(dir, NULL, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    p = expect_problem(d, PEERREVIEW_P_MISSING_COLUMN, "/reviews.csv", 1, 0, "notes");
    check(p, WARNING, 1, 0, NULL, "\"notes\"");
    assert_int_equal(peerreview_diag_count(d), 1);
    assert_int_equal(peerreview_diag_warnings(d), 1);
    assert_int_equal(peerreview_dataset_count(ds), 1);
    peerreview_review *r = peerreview_dataset_review_byindex_mut(ds, 0);
    assert_null(review_str(r, "notes"));
    assert_string_equal(review_str(r, "provider"), "LGA");
    peerreview_dataset_free(ds);
    done(d, dir);
    free(csv);
}

static void test_unknown_column(void **state)
{
    (void)state;
    char *r1 = rev("r1", "notes", "\"a\nb\"", NULL);
    char *csv = cat(REV_HDR ",colour\r\n", r1, ",blue\r\n", NULL);
    int rc;
    char *dir;
    peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_UNKNOWN_COLUMN, "/reviews.csv", 1, 20, NULL);
    check(p, ERROR, 1, (long long)strlen(REV_HDR ","), "cell T1", "\"colour\"");
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);

    /* asked to ignore: loads, the column's values are dropped */
    peerreview_options *o = peerreview_options_new();
    assert_int_equal(peerreview_options_set_ignore_unknown_columns(o, 1), PEERREVIEW_OK);
    dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    peerreview_dataset *ds;
    d = load_dir(dir, o, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_errors(d), 0);
    assert_int_equal(peerreview_dataset_count(ds), 1);
    assert_string_equal(review_str(peerreview_dataset_review_byindex_mut(ds, 0), "notes"), "a\nb");
    peerreview_dataset_free(ds);
    done(d, dir);
    free(csv);

    /* a near miss ("Notes" for "notes") gets a hint; ignored it is a warning */
    csv = cat("review_id,review_type,review_type_label,stage,parent_review_id,provider,"
              "onsite_start,onsite_end,onsite_mode,report_date,published_date,"
              "action_plan_due,progress_review_planned,recommendation_count,team_size,"
              "people_engaged,meetings_held,report_url,Notes\r\n",
              r1, "\r\n", NULL);
    d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_UNKNOWN_COLUMN, "/reviews.csv", 1, 19, NULL);
    check(p, ERROR, 1, ANY_OFFSET, "\"Notes\"", "\"notes\"");
    done(d, dir);
    dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    d = load_dir(dir, o, &rc, NULL);
    assert_int_equal(rc, PEERREVIEW_OK);
    p = expect_problem(d, PEERREVIEW_P_UNKNOWN_COLUMN, "/reviews.csv", 1, 19, NULL);
    check(p, WARNING, 1, ANY_OFFSET, "cell S1", "\"Notes\"");
    expect_problem(d, PEERREVIEW_P_MISSING_COLUMN, "/reviews.csv", 1, 0, "notes");
    done(d, dir);
    free(csv);
    free(r1);
    peerreview_options_free(o);
}

/* ======================================================================== */
/* Values                                                                    */
/* ======================================================================== */

static void test_missing_value(void **state)
{
    (void)state;
    char *r1 = rev("r1", "notes", "\"a\r\nb\r\nc\"", NULL);
    char *r2 = rev("r2", "stage", "", NULL);
    char *r3 = rev("", NULL);
    char *csv = cat(REV_HDR "\r\n", r1, "\r\n", r2, "\r\n", r3, "\r\n", NULL);
    int rc;
    char *dir;
    peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_MISSING_VALUE, "/reviews.csv", 5, 4, "stage");
    check(p, ERROR, 3, ANY_OFFSET, "cell D3", NULL);
    p = expect_problem(d, PEERREVIEW_P_MISSING_VALUE, "/reviews.csv", 6, 1, "review_id");
    check(p, ERROR, 4, ANY_OFFSET, "cell A4", NULL);
    assert_int_equal(peerreview_diag_errors(d), 2);
    done(d, dir);
    free(csv);
    free(r1);
    free(r2);
    free(r3);

    /* child tables: required text empty, review_id empty, url empty */
    d = load_with_table("items.csv",
                        ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,\"\"\r\n,focus,2,Text\r\n", &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_MISSING_VALUE, "/items.csv", 2, 4, "text");
    check(p, ERROR, 2, ANY_OFFSET, "cell D2", NULL);
    p = expect_problem(d, PEERREVIEW_P_MISSING_VALUE, "/items.csv", 3, 1, "review_id");
    check(p, ERROR, 3, ANY_OFFSET, "cell A3", NULL);
    assert_int_equal(peerreview_diag_errors(d), 2);
    done(d, dir);

    d = load_with_table("sources.csv",
                        "review_id,seq,url,description\r\n" SAMPLE_ID ",1,,Nothing\r\n", &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_MISSING_VALUE, "/sources.csv", 2, 3, "url");
    check(p, ERROR, 2, ANY_OFFSET, "cell C2", NULL);
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);

    /* a progress review without a parent is only a warning */
    r1 = rev("r1", "stage", "progress", NULL);
    csv = cat(REV_HDR "\r\n", r1, "\r\n", NULL);
    d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_OK);
    p = expect_problem(d, PEERREVIEW_P_MISSING_VALUE, "/reviews.csv", 2, 5, "parent_review_id");
    check(p, WARNING, 2, ANY_OFFSET, "cell E2", NULL);
    assert_int_equal(peerreview_diag_count(d), 1);
    done(d, dir);
    free(csv);
    free(r1);
}

/* A reviews.csv with one multi-line cell in r0 (lines 2-3), then the rows
 * given (one per record from line 4, record 3 on). */
static peerreview_diag *load_reviews(const peerreview_options *o, int *rc, char **dir,
                                     char **csv_out, ...)
{
    char *r0 = rev("r0", "notes", "\"first\nsecond\"", NULL);
    char *csv = cat(REV_HDR "\r\n", r0, "\r\n", NULL);
    free(r0);
    va_list ap;
    va_start(ap, csv_out);
    for (char *row = va_arg(ap, char *); row; row = va_arg(ap, char *)) {
        char *next = cat(csv, row, "\r\n", NULL);
        free(csv);
        free(row);
        csv = next;
    }
    va_end(ap);
    *dir = pkg_dir();
    write_file(*dir, "reviews.csv", csv, (size_t)-1);
    *csv_out = csv;
    return load_dir(*dir, o, rc, NULL);
}

/* Assert the error at reviews.csv line (record line - 1), column, field, with
 * the offset of needle and the cell and quoted value in the message. */
static void expect_value_problem(const peerreview_diag *d, const char *csv, peerreview_code code,
                                 unsigned long line, unsigned long column, const char *field,
                                 const char *needle, const char *quoted)
{
    char cell[32];
    assert_true(column >= 1 && column <= 26);
    snprintf(cell, sizeof cell, "cell %c%lu: ", (char)('A' + column - 1), line - 1);
    const peerreview_problem *p =
        expect_problem_at(d, code, "/reviews.csv", line, column, field, __FILE__, __LINE__);
    /* a needle starting with ',' marks the field after that comma */
    check(p, ERROR, line - 1, offset_of(csv, needle) + (needle[0] == ',' ? 1 : 0), cell, quoted);
}

static void test_bad_date(void **state)
{
    (void)state;
    int rc;
    char *dir, *csv;
    peerreview_diag *d = load_reviews(
        NULL, &rc, &dir, &csv, rev("r1", "onsite_start", "2015-02-30", NULL),
        rev("r2", "onsite_end", "2015-13", NULL), rev("r3", "report_date", "18/06/2015", NULL),
        rev("r4", "published_date", "2015-6-18", NULL),
        rev("r5", "action_plan_due", "1900-02-29", NULL),
        rev("r6", "onsite_start", "2016-02-29", "progress_review_planned", "2000-02-29", NULL),
        NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_DATE, 4, 7, "onsite_start", "2015-02-30",
                         "\"2015-02-30\"");
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_DATE, 5, 8, "onsite_end", "2015-13",
                         "\"2015-13\"");
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_DATE, 6, 10, "report_date", "18/06/2015",
                         "\"18/06/2015\"");
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_DATE, 7, 11, "published_date", "2015-6-18",
                         "\"2015-6-18\"");
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_DATE, 8, 12, "action_plan_due", "1900-02-29",
                         "\"1900-02-29\"");
    /* leap days of leap years are fine: exactly the five above */
    assert_int_equal(peerreview_diag_errors(d), 5);
    assert_int_equal(count_code(d, PEERREVIEW_P_BAD_DATE), 5);
    done(d, dir);
    free(csv);

    /* considerations.date */
    d = load_with_table(
        "considerations.csv",
        "review_id,seq,date,body,outcome\r\n" SAMPLE_ID ",1,2015-06-31,Panel,Noted\r\n", &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_BAD_DATE, "/considerations.csv", 2, 3, "date");
    check(p, ERROR, 2, ANY_OFFSET, "cell C2: ", "\"2015-06-31\"");
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
}

static void test_bad_integer(void **state)
{
    (void)state;
    int rc;
    char *dir, *csv;
    peerreview_diag *d = load_reviews(NULL, &rc, &dir, &csv, rev("r1", "team_size", "0", NULL),
                                      rev("r2", "people_engaged", "-3", NULL),
                                      rev("r3", "meetings_held", "03", NULL),
                                      rev("r4", "recommendation_count", "1.5", NULL),
                                      rev("r5", "people_engaged", "99999999999999999999", NULL),
                                      rev("r6", "meetings_held", "1,000", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_INTEGER, 4, 15, "team_size", ",0,", "\"0\"");
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_INTEGER, 5, 16, "people_engaged", "-3", "\"-3\"");
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_INTEGER, 6, 17, "meetings_held", "03", "\"03\"");
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_INTEGER, 7, 14, "recommendation_count", "1.5",
                         "\"1.5\"");
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_INTEGER, 8, 16, "people_engaged",
                         "99999999999999999999", "\"99999999999999999999\"");
    /* "1,000" unquoted is two fields */
    expect_problem(d, PEERREVIEW_P_TOO_MANY_FIELDS, "/reviews.csv", 9, 20, NULL);
    assert_int_equal(peerreview_diag_errors(d), 6);
    done(d, dir);
    free(csv);

    /* child seq must be >= 1 */
    d = load_with_table("items.csv", ITEMS_HDR "\r\n" SAMPLE_ID ",focus,0,Zero\r\n", &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_BAD_INTEGER, "/items.csv", 2, 3, "seq");
    check(p, ERROR, 2, (long long)strlen(ITEMS_HDR "\r\n" SAMPLE_ID ",focus,"),
          "cell C2: ", "\"0\"");
    done(d, dir);
}

static void test_bad_enum(void **state)
{
    (void)state;
    int rc;
    char *dir, *csv;
    peerreview_diag *d = load_reviews(
        NULL, &rc, &dir, &csv, rev("r1", "review_type", "Corporate", NULL),
        rev("r2", "stage", "final", NULL), rev("r3", "onsite_mode", "in person", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_ENUM, 4, 2, "review_type", "Corporate",
                         "\"Corporate\"");
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_BAD_ENUM, "/reviews.csv", 4, 2, "review_type");
    check(p, ERROR, 3, ANY_OFFSET, "\"corporate\"", NULL); /* the hint */
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_ENUM, 5, 4, "stage", "final", "\"final\"");
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_ENUM, 6, 9, "onsite_mode", "in person",
                         "\"in person\"");
    assert_int_equal(peerreview_diag_errors(d), 3);
    done(d, dir);
    free(csv);

    d = load_with_table("team_members.csv",
                        TEAM_HDR "\r\n" SAMPLE_ID ",1,A Person,Lead Peer,,,,\r\n", &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_BAD_ENUM, "/team_members.csv", 2, 4, "role");
    check(p, ERROR, 2, ANY_OFFSET, "cell D2: ", "\"Lead Peer\"");
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
}

static void test_bad_pattern(void **state)
{
    (void)state;
    int rc;
    char *dir, *csv;
    peerreview_diag *d =
        load_reviews(NULL, &rc, &dir, &csv, rev("R1-Upper", NULL),
                     rev("r2", "stage", "progress", "parent_review_id", "r0_x", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_PATTERN, 4, 1, "review_id", "R1-Upper",
                         "\"R1-Upper\"");
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_PATTERN, 5, 5, "parent_review_id", "r0_x",
                         "\"r0_x\"");
    done(d, dir);
    free(csv);

    d = load_with_table("review_councils.csv",
                        COUNCILS_HDR
                        "\r\n" SAMPLE_ID
                        ",1,E11000034,Worcestershire County Council,county,E12000010,,88\r\n",
                        &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_BAD_PATTERN, "/review_councils.csv", 2, 3, "gss_code");
    check(p, ERROR, 2, ANY_OFFSET, "cell C2: ", "\"E11000034\"");
    p = expect_problem(d, PEERREVIEW_P_BAD_PATTERN, "/review_councils.csv", 2, 6, "region_gss");
    check(p, ERROR, 2, ANY_OFFSET, "cell F2: ", "\"E12000010\"");
    p = expect_problem(d, PEERREVIEW_P_BAD_PATTERN, "/review_councils.csv", 2, 8, "dfe_la_code");
    check(p, ERROR, 2, ANY_OFFSET, "cell H2: ", "\"88\"");
    assert_int_equal(peerreview_diag_errors(d), 3);
    done(d, dir);
}

static void test_bad_url(void **state)
{
    (void)state;
    int rc;
    char *dir, *csv;
    peerreview_diag *d = load_reviews(
        NULL, &rc, &dir, &csv, rev("r1", "report_url", "www.example.gov.uk/report", NULL),
        rev("r2", "report_url", "https://", NULL),
        rev("r3", "report_url", "https://example.gov.uk/a report.pdf", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_URL, 4, 18, "report_url", "www.example",
                         "\"www.example.gov.uk/report\"");
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_URL, 5, 18, "report_url", "https://,",
                         "\"https://\"");
    expect_value_problem(d, csv, PEERREVIEW_P_BAD_URL, 6, 18, "report_url", "https://example",
                         "\"https://example.gov.uk/a report.pdf\"");
    assert_int_equal(peerreview_diag_errors(d), 3);
    done(d, dir);
    free(csv);

    d = load_with_table("sources.csv",
                        "review_id,seq,url,description\r\n" SAMPLE_ID
                        ",1,ftp://example.org/x,An FTP site\r\n",
                        &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_BAD_URL, "/sources.csv", 2, 3, "url");
    check(p, ERROR, 2, ANY_OFFSET, "cell C2: ", "\"ftp://example.org/x\"");
    done(d, dir);
}

static void test_whitespace(void **state)
{
    (void)state;
    int rc;
    char *dir, *csv;
    peerreview_diag *d = load_reviews(NULL, &rc, &dir, &csv, rev("r1", "team_size", " 3", NULL),
                                      rev("r2", "stage", "initial ", NULL),
                                      rev("r3", "onsite_end", "\"2015-05\n\"", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    expect_value_problem(d, csv, PEERREVIEW_P_WHITESPACE, 4, 15, "team_size", " 3", "\" 3\"");
    expect_value_problem(d, csv, PEERREVIEW_P_WHITESPACE, 5, 4, "stage", "initial ",
                         "\"initial \"");
    expect_value_problem(d, csv, PEERREVIEW_P_WHITESPACE, 6, 8, "onsite_end", "\"2015-05\n",
                         "\"2015-05\\n\"");
    assert_int_equal(peerreview_diag_errors(d), 3);
    done(d, dir);
    free(csv);

    /* text columns keep their spaces */
    char *r1 = rev("r1", "provider", " LGA ", "notes", "\"  spaced  \"", NULL);
    csv = cat(REV_HDR "\r\n", r1, "\r\n", NULL);
    dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    peerreview_dataset *ds;
    d = load_dir(dir, NULL, &rc, &ds);
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
/* Keys: duplicate-key, foreign-key                                          */
/* ======================================================================== */

static void test_duplicate_key_reviews(void **state)
{
    (void)state;
    int rc;
    char *dir, *csv;
    peerreview_diag *d = load_reviews(NULL, &rc, &dir, &csv, rev("r1", NULL),
                                      rev("r1", "onsite_start", "2016", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_DUPLICATE_KEY, "/reviews.csv", 5, 1, "review_id");
    check(p, ERROR, 4, offset_of(csv, "r1,corporate,,initial,,,2016"), "cell A4: ", "\"r1\"");
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
    free(csv);
}

static void test_duplicate_key_children(void **state)
{
    (void)state;
    int rc;
    char *dir;
    /* items: the key is review_id + kind + seq */
    const char *items = ITEMS_HDR "\r\n" SAMPLE_ID ",strength,1,\"A\nstrength\"\r\n" SAMPLE_ID
                                  ",focus,1,A focus\r\n" SAMPLE_ID ",strength,1,Again\r\n";
    peerreview_diag *d = load_with_table("items.csv", items, &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_DUPLICATE_KEY, "/items.csv", 5, 3, "seq");
    check(p, ERROR, 4, offset_of(items, SAMPLE_ID ",strength,1,Again"), "cell C4: ", NULL);
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);

    /* the same seq under different kinds is fine */
    d = load_with_table("items.csv",
                        ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,F\r\n" SAMPLE_ID
                                  ",strength,1,S\r\n" SAMPLE_ID ",recommendation,1,R\r\n",
                        &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    done(d, dir);

    /* team_members and the other child tables: review_id + seq */
    d = load_with_table("team_members.csv",
                        TEAM_HDR "\r\n" SAMPLE_ID ",1,A,lead_peer,,,,\r\n" SAMPLE_ID
                                 ",2,B,member_peer,,,,\r\n" SAMPLE_ID ",1,C,officer_peer,,,,\r\n",
                        &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_DUPLICATE_KEY, "/team_members.csv", 4, 2, "seq");
    check(p, ERROR, 4, ANY_OFFSET, "cell B4: ", NULL);
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);

    d = load_with_table("sources.csv",
                        "review_id,seq,url,description\r\n" SAMPLE_ID
                        ",1,https://a.example/,\r\n" SAMPLE_ID ",1,https://b.example/,\r\n",
                        &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_DUPLICATE_KEY, "/sources.csv", 3, 2, "seq");
    check(p, ERROR, 3, ANY_OFFSET, "cell B3: ", NULL);
    done(d, dir);

    d = load_with_table("review_councils.csv",
                        COUNCILS_HDR "\r\n" SAMPLE_ID ",1,,A Council,county,,,\r\n" SAMPLE_ID
                                     ",1,,B Council,county,,,\r\n",
                        &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_DUPLICATE_KEY, "/review_councils.csv", 3, 2, "seq");
    done(d, dir);

    d = load_with_table("considerations.csv",
                        "review_id,seq,date,body,outcome\r\n" SAMPLE_ID ",2,,A,\r\n" SAMPLE_ID
                        ",1,,B,\r\n" SAMPLE_ID ",2,,C,\r\n",
                        &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_DUPLICATE_KEY, "/considerations.csv", 4, 2, "seq");
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
}

static void test_foreign_key(void **state)
{
    (void)state;
    int rc;
    char *dir;
    const char *items = ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,\"Two\r\nlines\"\r\n"
                                  "no-such-review,focus,1,Orphan\r\n";
    peerreview_diag *d = load_with_table("items.csv", items, &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_FOREIGN_KEY, "/items.csv", 4, 1, "review_id");
    check(p, ERROR, 3, offset_of(items, "no-such"), "cell A3: ", "\"no-such-review\"");
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);

    /* parent_review_id that is not a review */
    char *csv;
    d = load_reviews(NULL, &rc, &dir, &csv,
                     rev("r1", "stage", "progress", "parent_review_id", "r9", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_FOREIGN_KEY, "/reviews.csv", 4, 5, "parent_review_id");
    check(p, ERROR, 3, ANY_OFFSET, "cell E3: ", "\"r9\"");
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
    free(csv);

    /* a parent defined later in the file is fine */
    d = load_reviews(NULL, &rc, &dir, &csv,
                     rev("r1", "stage", "progress", "parent_review_id", "r2", NULL),
                     rev("r2", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    done(d, dir);
    free(csv);
}

/* ======================================================================== */
/* inconsistent                                                              */
/* ======================================================================== */

static void test_inconsistent_council(void **state)
{
    (void)state;
    int rc;
    char *dir;
    const char *councils = COUNCILS_HDR
        "\r\n" SAMPLE_ID ",1,E07000237,Worcester City Council,county,E12000005,"
        "West Midlands,\r\n" SAMPLE_ID
        ",2,E10000034,Worcestershire County Council,county,E12000005,London,885\r\n" SAMPLE_ID
        ",3,W06000001,Isle of Anglesey County Council,unitary,,,\r\n" SAMPLE_ID
        ",4,E09000020,Kensington and Chelsea,london_borough,E12000007,London,207\r\n";
    peerreview_diag *d = load_with_table("review_councils.csv", councils, &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p = expect_problem(d, PEERREVIEW_P_INCONSISTENT,
                                                 "/review_councils.csv", 2, 5, "authority_type");
    check(p, ERROR, 2, ANY_OFFSET, "cell E2: ", "\"county\"");
    p = expect_problem(d, PEERREVIEW_P_INCONSISTENT, "/review_councils.csv", 3, 7, "region_name");
    check(p, ERROR, 3, ANY_OFFSET, "cell G3: ", "\"London\"");
    assert_int_equal(peerreview_diag_errors(d), 2);
    done(d, dir);
}

static void test_inconsistent_dates(void **state)
{
    (void)state;
    int rc;
    char *dir, *csv;
    peerreview_diag *d =
        load_reviews(NULL, &rc, &dir, &csv,
                     rev("r1", "onsite_start", "2015-04-20", "onsite_end", "2015-04-10", NULL),
                     rev("r2", "onsite_start", "2016", "report_date", "2015-12", NULL),
                     rev("r3", "onsite_start", "2015-05-01", "onsite_end", "2015-05-03",
                         "published_date", "2015-04", NULL),
                     NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_INCONSISTENT, "/reviews.csv", 4, 8, "onsite_end");
    check(p, ERROR, 3, ANY_OFFSET, "cell H3: ", "\"2015-04-10\"");
    p = expect_problem(d, PEERREVIEW_P_INCONSISTENT, "/reviews.csv", 5, 10, "report_date");
    check(p, ERROR, 4, ANY_OFFSET, "cell J4: ", "\"2015-12\"");
    p = expect_problem(d, PEERREVIEW_P_INCONSISTENT, "/reviews.csv", 6, 11, "published_date");
    check(p, ERROR, 5, ANY_OFFSET, "cell K5: ", "\"2015-04\"");
    /* published before both onsite dates: one problem per pair */
    assert_int_equal(count_code(d, PEERREVIEW_P_INCONSISTENT), 4);
    assert_int_equal(peerreview_diag_errors(d), 4);
    done(d, dir);
    free(csv);

    /* overlapping intervals are not an error */
    d = load_reviews(NULL, &rc, &dir, &csv,
                     rev("r1", "onsite_start", "2015-04", "onsite_end", "2015-04-10", NULL),
                     rev("r2", "onsite_start", "2015-04-10", "onsite_end", "2015-04", "report_date",
                         "2015", "published_date", "2015", NULL),
                     rev("r3", "onsite_start", "2015-04-10", "onsite_end", "2015-04-10",
                         "report_date", "2015-04-10", "published_date", "2015-04-10", NULL),
                     NULL);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    done(d, dir);
    free(csv);
}

static void test_inconsistent_parent(void **state)
{
    (void)state;
    int rc;
    char *dir, *csv;
    peerreview_diag *d = load_reviews(
        NULL, &rc, &dir, &csv, rev("r1", "stage", "progress", "parent_review_id", "r1", NULL),
        rev("r2", "stage", "progress", "parent_review_id", "r3", NULL),
        rev("r3", "stage", "progress", "parent_review_id", "r0", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_INCONSISTENT, "/reviews.csv", 4, 5, "parent_review_id");
    check(p, ERROR, 3, ANY_OFFSET, "cell E3: ", NULL);
    p = expect_problem(d, PEERREVIEW_P_INCONSISTENT, "/reviews.csv", 5, 5, "parent_review_id");
    check(p, ERROR, 4, ANY_OFFSET, "cell E4: ", "\"r3\"");
    /* r3 follows up the initial review r0: fine */
    assert_int_equal(peerreview_diag_errors(d), 2);
    done(d, dir);
    free(csv);
}

/* ======================================================================== */
/* Warnings: seq-gap, count-mismatch, no-date, formula-prefix                */
/* ======================================================================== */

static void test_seq_gap(void **state)
{
    (void)state;
    int rc;
    char *dir;
    const char *items = ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,F1\r\n" SAMPLE_ID
                                  ",focus,3,F3\r\n" SAMPLE_ID ",strength,2,S2\r\n";
    peerreview_diag *d = load_with_table("items.csv", items, &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_OK);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_SEQ_GAP, "/items.csv", 3, 3, "seq");
    check(p, WARNING, 3, offset_of(items, SAMPLE_ID ",focus,3"), "cell C3: ", NULL);
    /* seq restarts per kind: strength 2 without 1 is a gap too */
    p = expect_problem(d, PEERREVIEW_P_SEQ_GAP, "/items.csv", 4, 3, "seq");
    check(p, WARNING, 4, ANY_OFFSET, "cell C4: ", NULL);
    assert_int_equal(peerreview_diag_count(d), 2);
    assert_int_equal(peerreview_diag_warnings(d), 2);
    done(d, dir);

    /* rows out of order are not a gap */
    d = load_with_table("sources.csv",
                        "review_id,seq,url,description\r\n" SAMPLE_ID
                        ",2,https://b.example/,\r\n" SAMPLE_ID ",1,https://a.example/,\r\n",
                        &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    done(d, dir);
}

static void test_count_mismatch(void **state)
{
    (void)state;
    int rc;
    char *dir;
    char *r1 = rev("r1", "recommendation_count", "1", "team_size", "1", NULL);
    char *r2 = rev("r2", "recommendation_count", "3", "team_size", "2", NULL);
    char *reviews = cat(REV_HDR "\r\n", r1, "\r\n", r2, "\r\n", NULL);
    const char *items = ITEMS_HDR "\r\nr1,recommendation,1,A\r\nr1,recommendation,2,B\r\n"
                                  "r1,strength,1,S\r\nr2,recommendation,1,C\r\n";
    const char *team = TEAM_HDR "\r\nr1,1,A,lead_peer,,,,\r\nr1,2,B,member_peer,,,,\r\n"
                                "r2,1,C,lead_peer,,,,\r\nr2,2,D,member_peer,,,,\r\n";
    peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", reviews, "items.csv", items,
                                    "team_members.csv", team, NULL);
    assert_int_equal(rc, PEERREVIEW_OK);
    const peerreview_problem *p = expect_problem(d, PEERREVIEW_P_COUNT_MISMATCH, "/reviews.csv", 2,
                                                 14, "recommendation_count");
    check(p, WARNING, 2, offset_of(reviews, "r1,"), "cell N2: ", "1");
    p = expect_problem(d, PEERREVIEW_P_COUNT_MISMATCH, "/reviews.csv", 2, 15, "team_size");
    check(p, WARNING, 2, ANY_OFFSET, "cell O2: ", "2 team members");
    /* r2: more recommendations stated than listed, and an exact team: fine */
    assert_int_equal(peerreview_diag_count(d), 2);
    done(d, dir);
    free(reviews);
    free(r1);
    free(r2);
}

static void test_no_date(void **state)
{
    (void)state;
    int rc;
    char *dir, *csv;
    peerreview_diag *d =
        load_reviews(NULL, &rc, &dir, &csv, rev("r1", "onsite_start", "", NULL),
                     rev("r2", "onsite_start", "", "action_plan_due", "2016", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_OK);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_NO_DATE, "/reviews.csv", 4, 1, "review_id");
    check(p, WARNING, 3, offset_of(csv, "r1,"), "cell A3: ", NULL);
    /* any date counts */
    assert_int_equal(peerreview_diag_count(d), 1);
    done(d, dir);
    free(csv);
}

static void test_formula_prefix(void **state)
{
    (void)state;
    int rc;
    char *dir, *csv;
    peerreview_diag *d = load_reviews(
        NULL, &rc, &dir, &csv, rev("r1", "notes", "=SUM(A1:A9)", NULL),
        rev("r2", "provider", "+LGA", NULL), rev("r3", "review_type_label", "-peer", NULL),
        rev("r4", "notes", "@council", NULL), rev("r5", "notes", "\"\tindented\"", NULL),
        rev("r6", "notes", "a = b", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_OK);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_FORMULA_PREFIX, "/reviews.csv", 4, 19, "notes");
    check(p, WARNING, 3, ANY_OFFSET, "cell S3: ", "'='");
    p = expect_problem(d, PEERREVIEW_P_FORMULA_PREFIX, "/reviews.csv", 5, 6, "provider");
    check(p, WARNING, 4, ANY_OFFSET, "cell F4: ", "'+'");
    p = expect_problem(d, PEERREVIEW_P_FORMULA_PREFIX, "/reviews.csv", 6, 3, "review_type_label");
    check(p, WARNING, 5, ANY_OFFSET, "cell C5: ", "'-'");
    p = expect_problem(d, PEERREVIEW_P_FORMULA_PREFIX, "/reviews.csv", 7, 19, "notes");
    check(p, WARNING, 6, ANY_OFFSET, "cell S6: ", "'@'");
    p = expect_problem(d, PEERREVIEW_P_FORMULA_PREFIX, "/reviews.csv", 8, 19, "notes");
    check(p, WARNING, 7, ANY_OFFSET, "cell S7: ", NULL);
    assert_int_equal(peerreview_diag_count(d), 5);
    assert_int_equal(peerreview_diag_warnings(d), 5);
    done(d, dir);
    free(csv);

    /* child text too */
    d = load_with_table("items.csv", ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,-a bullet\r\n", &rc,
                        &dir);
    assert_int_equal(rc, PEERREVIEW_OK);
    p = expect_problem(d, PEERREVIEW_P_FORMULA_PREFIX, "/items.csv", 2, 4, "text");
    check(p, WARNING, 2, ANY_OFFSET, "cell D2: ", NULL);
    assert_int_equal(peerreview_diag_count(d), 1);
    done(d, dir);
}

/* ======================================================================== */
/* too-many-records                                                          */
/* ======================================================================== */

static void test_too_many_records(void **state)
{
    (void)state;
    peerreview_options *o = peerreview_options_new();
    assert_int_equal(peerreview_options_set_max_records(o, 2), PEERREVIEW_OK);
    int rc;
    char *dir, *csv;
    /* r0 and r1: at the limit */
    peerreview_diag *d = load_reviews(o, &rc, &dir, &csv, rev("r1", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_OK);
    done(d, dir);
    free(csv);

    d = load_reviews(o, &rc, &dir, &csv, rev("r1", NULL), rev("r2", NULL), NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_TOO_MANY_RECORDS, "/reviews.csv", 5, 0, NULL);
    check(p, ERROR, 4, ANY_OFFSET, "2 records", NULL);
    assert_int_equal(peerreview_diag_errors(d), 1);
    done(d, dir);
    free(csv);

    /* the limit counts every table of a package together: 1 + 2 records is over 2 */
    dir = tmp_dir();
    copy_sample(dir);
    write_file(dir, "items.csv",
               ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,A\r\n" SAMPLE_ID ",focus,2,B\r\n", (size_t)-1);
    write_file(dir, "reviews.csv",
               REV_HDR "\r\n" SAMPLE_ID ",corporate,,initial,,,2015,,,,,,,,,,,,\r\n", (size_t)-1);
    write_file(dir, "team_members.csv", TEAM_HDR "\r\n", (size_t)-1);
    write_file(dir, "review_councils.csv", COUNCILS_HDR "\r\n", (size_t)-1);
    write_file(dir, "sources.csv", "review_id,seq,url,description\r\n", (size_t)-1);
    write_file(dir, "considerations.csv", "review_id,seq,date,body,outcome\r\n", (size_t)-1);
    d = load_dir(dir, o, &rc, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_TOO_MANY_RECORDS, "/items.csv", 3, 0, NULL);
    check(p, ERROR, 3, ANY_OFFSET, "more than 2 records in all the package's tables", NULL);
    assert_int_equal(peerreview_diag_count(d), 1);
    done(d, dir);
    peerreview_options_free(o);
}

/* ======================================================================== */
/* Dialect                                                                   */
/* ======================================================================== */

/* r1 with a 3-line notes cell, then r2 with a bad date; line ends vary. */
static void dialect_case(const char *eol_hdr, const char *inner1, const char *inner2,
                         const char *eol_r1, const char *tail, const char *bom,
                         unsigned long want_line, unsigned long want_row)
{
    char cell[16];
    snprintf(cell, sizeof cell, "cell G%lu: ", want_row);
    char notes[64];
    snprintf(notes, sizeof notes, "\"one%stwo%sthree\"", inner1, inner2);
    char *r1 = rev("r1", "notes", notes, NULL);
    char *r2 = rev("r2", "onsite_start", "2015-02-30", "report_date", "2015", NULL);
    char *csv = cat(bom, REV_HDR, eol_hdr, r1, eol_r1, r2, tail, NULL);
    int rc;
    char *dir;
    peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", csv, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_BAD_DATE, "/reviews.csv", want_line, 7, "onsite_start");
    check(p, ERROR, want_row, offset_of(csv, "2015-02-30"), cell, "\"2015-02-30\"");
    if (peerreview_diag_count(d) != 1)
        dump_diag(d);
    assert_int_equal(peerreview_diag_count(d), 1);
    done(d, dir);

    /* and the same file with a good date loads, keeping the cell's line ends */
    char *r2ok = rev("r2", NULL);
    char *ok = cat(bom, REV_HDR, eol_hdr, r1, eol_r1, r2ok, tail, NULL);
    dir = pkg_dir();
    write_file(dir, "reviews.csv", ok, (size_t)-1);
    peerreview_dataset *ds;
    d = load_dir(dir, NULL, &rc, &ds);
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
    free(csv);
    free(r1);
    free(r2);
}

static void test_dialect_line_ends(void **state)
{
    (void)state;
    /* CRLF everywhere */
    dialect_case("\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "", 5, 3);
    /* LF */
    dialect_case("\n", "\n", "\n", "\n", "\n", "", 5, 3);
    /* CR only */
    dialect_case("\r", "\r", "\r", "\r", "\r", "", 5, 3);
    /* mixed */
    dialect_case("\r\n", "\n", "\r", "\r", "\n", "", 5, 3);
    dialect_case("\r", "\r\n", "\n", "\n", "\r\n", "", 5, 3);
    /* no final newline */
    dialect_case("\r\n", "\n", "\n", "\r\n", "", "", 5, 3);
    dialect_case("\r", "\r", "\r", "\r", "", "", 5, 3);
    /* a BOM */
    dialect_case("\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\xEF\xBB\xBF", 5, 3);
    dialect_case("\n", "\n", "\n", "\n", "", "\xEF\xBB\xBF", 5, 3);
    /* blank lines between records are not records, but count as lines */
    dialect_case("\r\n", "\n", "\n", "\r\n\r\n", "\r\n", "", 6, 4); /* blank line = row 3 */
}

static void test_bom_child_table(void **state)
{
    (void)state;
    int rc;
    char *dir;
    const char *items =
        "\xEF\xBB\xBF" ITEMS_HDR "\r\n" SAMPLE_ID ",focus,1,A\r\n" SAMPLE_ID ",focus,x,B\r\n";
    peerreview_diag *d = load_with_table("items.csv", items, &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_BAD_INTEGER, "/items.csv", 3, 3, "seq");
    /* offsets count from the start of the file, BOM included */
    check(p, ERROR, 3, offset_of(items, "x,B"), "cell C3: ", "\"x\"");
    assert_int_equal(peerreview_diag_count(d), 1);
    done(d, dir);
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
    /* schema column c sits at file column NREV - c */
    char *r1 = rev_ordered(order, "r1", "notes", "\"a\nb\"", "team_size", "1", NULL);
    char *r2 = rev_ordered(order, "r2", "onsite_start", "2015-02-30", NULL);
    char *r3 = rev_ordered(order, "r3", "onsite_start", "2015-05", "onsite_end", "2015-04", NULL);
    char *csv = cat(hdr, "\r\n", r1, "\r\n", r2, "\r\n", r3, "\r\n", NULL);
    const char *team = TEAM_HDR "\r\nr1,1,A,lead_peer,,,,\r\nr1,2,B,member_peer,,,,\r\n";
    int rc;
    char *dir;
    peerreview_diag *d =
        load_files(NULL, &rc, &dir, "reviews.csv", csv, "team_members.csv", team, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    /* value rule */
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_BAD_DATE, "/reviews.csv", 4, 13, "onsite_start");
    check(p, ERROR, 3, offset_of(csv, "2015-02-30"), "cell M3: ", "\"2015-02-30\"");
    /* row rule */
    p = expect_problem(d, PEERREVIEW_P_INCONSISTENT, "/reviews.csv", 5, 12, "onsite_end");
    check(p, ERROR, 4, ANY_OFFSET, "cell L4: ", NULL);
    /* dataset rule */
    p = expect_problem(d, PEERREVIEW_P_COUNT_MISMATCH, "/reviews.csv", 2, 5, "team_size");
    check(p, WARNING, 2, ANY_OFFSET, "cell E2: ", NULL);
    assert_int_equal(peerreview_diag_errors(d), 2);
    done(d, dir);
    free(csv);
    free(r2);
    free(r3);

    /* the good rows load with values in their right columns */
    r2 = rev_ordered(order, "r2", "onsite_start", "2015-02-28", "provider", "LGA", NULL);
    csv = cat(hdr, "\r\n", r1, "\r\n", r2, "\r\n", NULL);
    dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    peerreview_dataset *ds;
    d = load_dir(dir, NULL, &rc, &ds);
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

    /* a child table with its columns reordered */
    d = load_with_table("items.csv",
                        "text,seq,review_id,kind\r\nFirst,1," SAMPLE_ID
                        ",focus\r\nSecond,two," SAMPLE_ID ",focus\r\n",
                        &rc, &dir);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = expect_problem(d, PEERREVIEW_P_BAD_INTEGER, "/items.csv", 3, 2, "seq");
    check(p, ERROR, 3, ANY_OFFSET, "cell B3: ", "\"two\"");
    done(d, dir);
}

/* The sample in a new folder, with one table file renamed (to NULL: removed). */
static char *sample_renamed(const char *file, const char *to)
{
    char *dir = tmp_dir();
    copy_sample(dir);
    char *from = path_join(dir, file);
    if (to) {
        char *dest = path_join(dir, to);
        assert_int_equal(rename(from, dest), 0);
        free(dest);
    } else {
        assert_int_equal(remove(from), 0);
    }
    free(from);
    return dir;
}

/* Issue 7, defect 1: a missing table never loads as an empty one silently. */
static void test_missing_child_tables(void **state)
{
    (void)state;
    char *r1 = rev("r1", NULL);
    char *csv = cat(REV_HDR "\r\n", r1, "\r\n", NULL);
    int rc;
    char *dir;
    peerreview_dataset *ds;
    /* every table there, the child tables with no rows: fine */
    dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    peerreview_diag *d = load_dir(dir, NULL, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    peerreview_review *r = peerreview_dataset_review_byindex_mut(ds, 0);
    for (int t = PEERREVIEW_REVIEW_COUNCILS; t < PEERREVIEW_TABLE_COUNT; t++)
        assert_int_equal(peerreview_review_child_count(r, t), 0);
    peerreview_dataset_free(ds);
    done(d, dir);

    /* the sample without items.csv or sources.csv: datapackage.json lists them, so the
       package is incomplete (it used to load with no items, and a save dropped them) */
    static const char *const gone[] = {"items.csv", "sources.csv"};
    for (size_t k = 0; k < 2; k++) {
        dir = sample_renamed(gone[k], NULL);
        d = load_dir(dir, NULL, &rc, NULL);
        assert_int_equal(rc, PEERREVIEW_EDATA);
        char want[64];
        snprintf(want, sizeof want, "/%s", gone[k]);
        const peerreview_problem *p =
            expect_problem(d, PEERREVIEW_P_MISSING_TABLE, want, 0, 0, NULL);
        check(p, ERROR, 0, ANY_OFFSET, gone[k], "datapackage.json lists it");
        assert_int_equal(peerreview_diag_count(d), 1);
        done(d, dir);
    }

    /* items.csv renamed Items.csv: the error, and a warning naming the file */
    dir = sample_renamed("items.csv", "Items.csv");
    d = load_dir(dir, NULL, &rc, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_MISSING_TABLE, "/items.csv", 0, 0, NULL);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_UNKNOWN_FILE, "/Items.csv", 0, 0, NULL);
    check(p, WARNING, 0, ANY_OFFSET,
          "Items.csv is not part of this package; did you mean items.csv?", NULL);
    assert_int_equal(peerreview_diag_errors(d), 1);
    assert_int_equal(peerreview_diag_warnings(d), 1);
    done(d, dir);

    /* any other .csv: a warning, no guess when nothing is close */
    dir = tmp_dir();
    copy_sample(dir);
    write_file(dir, "notes.csv", "a,b\r\n", (size_t)-1);
    write_file(dir, "item.CSV", "a,b\r\n", (size_t)-1);
    write_file(dir, "notes.txt", "not a table", (size_t)-1);
    d = load_dir(dir, NULL, &rc, NULL);
    assert_int_equal(rc, PEERREVIEW_OK);
    p = expect_problem(d, PEERREVIEW_P_UNKNOWN_FILE, "/notes.csv", 0, 0, NULL);
    check(p, WARNING, 0, ANY_OFFSET, "notes.csv is not part of this package", "tables are");
    p = expect_problem(d, PEERREVIEW_P_UNKNOWN_FILE, "/item.CSV", 0, 0, NULL);
    check(p, WARNING, 0, ANY_OFFSET, "did you mean items.csv?", NULL);
    assert_int_equal(peerreview_diag_count(d), 2);
    done(d, dir);

    /* no datapackage.json: a missing child table is a warning and means no rows */
    dir = tmp_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);
    d = load_dir(dir, NULL, &rc, &ds);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(count_code(d, PEERREVIEW_P_MISSING_TABLE), 5);
    assert_int_equal(peerreview_diag_warnings(d), 5);
    p = expect_problem(d, PEERREVIEW_P_MISSING_TABLE, "/items.csv", 0, 0, NULL);
    check(p, WARNING, 0, ANY_OFFSET, "items.csv is missing", "no rows");
    assert_int_equal(
        peerreview_review_child_count(peerreview_dataset_review_byindex(ds, 0), PEERREVIEW_ITEMS),
        0);
    peerreview_dataset_free(ds);
    done(d, dir);

    /* a child table given on its own is one table of a package */
    dir = tmp_dir();
    write_file(dir, "items.csv", ITEMS_HDR "\r\n", (size_t)-1);
    char *items = path_join(dir, "items.csv");
    d = load_dir(items, NULL, &rc, NULL);
    assert_int_equal(rc, PEERREVIEW_EIO);
    p = expect_problem(d, PEERREVIEW_P_IO_ERROR, "/items.csv", 0, 0, NULL);
    check(p, ERROR, 0, ANY_OFFSET, "items.csv is one table of a package; give the package folder",
          NULL);
    assert_int_equal(peerreview_diag_count(d), 1);
    free(items);
    done(d, dir);

    /* ... but beside reviews.csv it names the package, as beside datapackage.json */
    dir = tmp_dir();
    copy_sample(dir);
    char *desc = path_join(dir, "datapackage.json");
    assert_int_equal(remove(desc), 0);
    free(desc);
    items = path_join(dir, "items.csv");
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
/* All or nothing, the cap, the descriptor path, the format                  */
/* ======================================================================== */

static void test_all_or_nothing(void **state)
{
    (void)state;
    /* one bad child row among the whole sample: nothing loads */
    char *dir = tmp_dir();
    copy_sample(dir);
    char *src = path_join(SAMPLE_DIR, "sources.csv");
    char *data = read_file(src, NULL);
    char *bad = cat(data, SAMPLE_ID ",99,not a url,\r\n", NULL);
    write_file(dir, "sources.csv", bad, (size_t)-1);
    peerreview_diag *d = peerreview_diag_new();
    peerreview_dataset *ds = (peerreview_dataset *)(uintptr_t)1;
    assert_int_equal(peerreview_load(dir, NULL, d, &ds), PEERREVIEW_EDATA);
    assert_null(ds);
    expect_problem(d, PEERREVIEW_P_BAD_URL, "/sources.csv", 36, 3, "url");
    assert_int_equal(peerreview_diag_errors(d), 1);
    peerreview_diag_free(d);

    /* a NULL diag is fine and gives the same status */
    ds = (peerreview_dataset *)(uintptr_t)1;
    assert_int_equal(peerreview_load(dir, NULL, NULL, &ds), PEERREVIEW_EDATA);
    assert_null(ds);
    assert_int_equal(peerreview_validate_path(dir, NULL, NULL), PEERREVIEW_EDATA);

    /* warnings alone load */
    char *w = cat(data, SAMPLE_ID ",4,https://example.org/,gap\r\n", NULL);
    write_file(dir, "sources.csv", w, (size_t)-1);
    d = peerreview_diag_new();
    assert_int_equal(peerreview_load(dir, NULL, d, &ds), PEERREVIEW_OK);
    assert_non_null(ds);
    expect_problem(d, PEERREVIEW_P_SEQ_GAP, "/sources.csv", 36, 2, "seq");
    assert_int_equal(peerreview_diag_errors(d), 0);
    assert_int_equal(peerreview_diag_warnings(d), 1);
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

static void test_cap(void **state)
{
    (void)state;
    /* five errors in five records, and a warning */
    char *csv = cat(REV_HDR "\r\n", NULL);
    for (int i = 1; i <= 5; i++) {
        char id[8], date[16];
        snprintf(id, sizeof id, "r%d", i);
        snprintf(date, sizeof date, "2015-02-3%d", i % 2);
        char *row = rev(id, "onsite_start", date, "published_date", "2016", "notes",
                        i == 3 ? "=x" : "", NULL);
        char *next = cat(csv, row, "\r\n", NULL);
        free(csv);
        free(row);
        csv = next;
    }
    char *dir = pkg_dir();
    write_file(dir, "reviews.csv", csv, (size_t)-1);

    /* default cap: everything */
    int rc;
    peerreview_diag *d = load_dir(dir, NULL, &rc, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    assert_int_equal(peerreview_diag_errors(d), 5);
    assert_int_equal(peerreview_diag_warnings(d), 1);
    assert_int_equal(peerreview_diag_count(d), 6);
    peerreview_diag_free(d);

    /* cap 2: two stored, all counted */
    peerreview_options *o = peerreview_options_new();
    assert_int_equal(peerreview_options_set_max_problems(o, 2), PEERREVIEW_OK);
    d = peerreview_diag_new();
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(dir, o, d, &ds), PEERREVIEW_EDATA);
    assert_null(ds);
    assert_int_equal(peerreview_diag_count(d), 2);
    expect_problem(d, PEERREVIEW_P_BAD_DATE, "/reviews.csv", 2, 7, "onsite_start");
    expect_problem(d, PEERREVIEW_P_BAD_DATE, "/reviews.csv", 3, 7, "onsite_start");
    size_t capped_errors = peerreview_diag_errors(d); /* checked after the clean-up */
    peerreview_diag_free(d);

    /* cap 0: stop at the first error, exactly one stored */
    assert_int_equal(peerreview_options_set_max_problems(o, 0), PEERREVIEW_OK);
    d = peerreview_diag_new();
    assert_int_equal(peerreview_load(dir, o, d, &ds), PEERREVIEW_EDATA);
    assert_null(ds);
    assert_int_equal(peerreview_diag_count(d), 1);
    assert_int_equal(peerreview_diag_errors(d), 1);
    expect_problem(d, PEERREVIEW_P_BAD_DATE, "/reviews.csv", 2, 7, "onsite_start");
    peerreview_diag_free(d);

    /* cap 0 on a file with warnings only: loads */
    char *r1 = rev("r1", "notes", "=x", NULL);
    char *wcsv = cat(REV_HDR "\r\n", r1, "\r\n", NULL);
    write_file(dir, "reviews.csv", wcsv, (size_t)-1);
    d = peerreview_diag_new();
    assert_int_equal(peerreview_load(dir, o, d, &ds), PEERREVIEW_OK);
    assert_non_null(ds);
    assert_int_equal(peerreview_diag_errors(d), 0);
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);

    free(wcsv);
    free(r1);
    peerreview_options_free(o);
    free(csv);
    rm_rf(dir);
    free(dir);
    /* all five errors are counted although only two were stored */
    assert_int_equal(capped_errors, 5);
}

static void test_descriptor_path(void **state)
{
    (void)state;
    char *r1 = rev("r1", "notes", "\"a\nb\"", NULL);
    char *r2 = rev("r2", "review_type", "finance ", NULL);
    char *csv = cat(REV_HDR "\r\n", r1, "\r\n", r2, "\r\n", NULL);
    const char *items = ITEMS_HDR "\r\nr1,focus,1,A\r\nr9,focus,1,B\r\n";
    int rc;
    char *dir;
    peerreview_diag *d = load_files(NULL, &rc, &dir, "reviews.csv", csv, "items.csv", items, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    char *desc = path_join(dir, "datapackage.json");
    peerreview_diag *d2 = load_dir(desc, NULL, &rc, NULL);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    assert_int_equal(peerreview_diag_count(d2), peerreview_diag_count(d));
    assert_int_equal(peerreview_diag_count(d), 2);
    for (size_t i = 0; i < peerreview_diag_count(d); i++) {
        char a[1024], b[1024];
        peerreview_problem_format(peerreview_diag_get(d, i), a, sizeof a);
        peerreview_problem_format(peerreview_diag_get(d2, i), b, sizeof b);
        assert_string_equal(a, b);
    }
    expect_problem(d2, PEERREVIEW_P_WHITESPACE, "/reviews.csv", 4, 2, "review_type");
    expect_problem(d2, PEERREVIEW_P_FOREIGN_KEY, "/items.csv", 3, 1, "review_id");
    peerreview_diag_free(d2);
    free(desc);
    done(d, dir);
    free(csv);
    free(r1);
    free(r2);
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
        cmocka_unit_test(test_sample_clean),
        cmocka_unit_test(test_io_error_no_such_path),
        cmocka_unit_test(test_io_error_auto_form_folder),
        cmocka_unit_test(test_io_error_missing_reviews),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_utf16_file),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_stray_quote),
        cmocka_unit_test(test_too_many_fields),
        cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_field_too_long),
        cmocka_unit_test(test_syntax_problems_name_the_field),
        cmocka_unit_test(test_duplicate_column),
        cmocka_unit_test(test_missing_column),
        cmocka_unit_test(test_unknown_column),
        cmocka_unit_test(test_missing_value),
        cmocka_unit_test(test_bad_date),
        cmocka_unit_test(test_bad_integer),
        cmocka_unit_test(test_bad_enum),
        cmocka_unit_test(test_bad_pattern),
        cmocka_unit_test(test_bad_url),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_duplicate_key_reviews),
        cmocka_unit_test(test_duplicate_key_children),
        cmocka_unit_test(test_foreign_key),
        cmocka_unit_test(test_inconsistent_council),
        cmocka_unit_test(test_inconsistent_dates),
        cmocka_unit_test(test_inconsistent_parent),
        cmocka_unit_test(test_seq_gap),
        cmocka_unit_test(test_count_mismatch),
        cmocka_unit_test(test_no_date),
        cmocka_unit_test(test_formula_prefix),
        cmocka_unit_test(test_too_many_records),
        cmocka_unit_test(test_dialect_line_ends),
        cmocka_unit_test(test_bom_child_table),
        cmocka_unit_test(test_reordered_columns),
        cmocka_unit_test(test_missing_child_tables),
        cmocka_unit_test(test_all_or_nothing),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_descriptor_path),
        cmocka_unit_test(test_problem_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
