/*
 * Issue 10, the API that can grow: runtime counts, the schema handle, the
 * format version on disk (packages and the flat form), cancellable progress
 * and the rules of the process-wide allocator.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "helpers.h"

/* ---- the allocator: replaced only while the library holds nothing ---- */

static size_t my_mallocs, my_frees;

static void *my_malloc(size_t n)
{
    my_mallocs++;
    return malloc(n);
}

static void *my_realloc(void *p, size_t n)
{
    if (!p)
        my_mallocs++;
    return realloc(p, n);
}

static void my_free(void *p)
{
    if (p)
        my_frees++;
    free(p);
}

/* Runs first: no test before it may hold a library object. */
static void test_allocator_only_when_nothing_held(void **state)
{
    (void)state;
    /* the library holds nothing yet */
    assert_int_equal(pr_alloc_live(), 0);
    /* a diag holds a block: the call is ignored */
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    peerreview_set_allocator(my_malloc, my_realloc, my_free);
    peerreview_options *o = peerreview_options_new();
    assert_non_null(o);
    assert_int_equal(my_mallocs, 0);
    peerreview_options_free(o);
    peerreview_diag_free(d);
    assert_int_equal(my_frees, 0);

    /* nothing held: it takes effect */
    peerreview_set_allocator(my_malloc, my_realloc, my_free);
    o = peerreview_options_new();
    assert_non_null(o);
    assert_int_equal(my_mallocs, 1);
    /* restoring while o is alive is ignored too: o is freed by the allocator that made it */
    peerreview_set_allocator(NULL, NULL, NULL);
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    assert_true(my_mallocs > 10);
    peerreview_dataset_free(ds);
    peerreview_options_free(o);
    assert_int_equal(my_frees, my_mallocs);
    assert_int_equal(pr_alloc_live(), 0);

    /* nothing held again: the C library's allocator is back */
    peerreview_set_allocator(NULL, NULL, NULL);
    size_t before = my_mallocs;
    o = peerreview_options_new();
    assert_non_null(o);
    peerreview_options_free(o);
    assert_int_equal(my_mallocs, before);
}

/* ---- runtime counts ---- */

static void test_runtime_counts(void **state)
{
    (void)state;
    assert_int_equal(peerreview_table_count(), PEERREVIEW_TABLE_COUNT);
    assert_int_equal(peerreview_code_count(), PEERREVIEW_CODE_COUNT);
    assert_int_equal(peerreview_status_min(), PEERREVIEW_STATUS_MIN);
    assert_int_equal(peerreview_status_min(), PEERREVIEW_ECANCELED);
    /* every value in range has a name, and none beyond */
    for (size_t t = 0; t < peerreview_table_count(); t++)
        assert_non_null(peerreview_table_name((int)t));
    assert_null(peerreview_table_name((int)peerreview_table_count()));
    for (size_t c = 0; c < peerreview_code_count(); c++)
        assert_non_null(peerreview_code_name((int)c));
    assert_null(peerreview_code_name((int)peerreview_code_count()));
    assert_string_equal(peerreview_code_name(PEERREVIEW_P_NEWER_FORMAT), "newer-format");
    for (int s = peerreview_status_min(); s <= 0; s++)
        assert_string_not_equal(peerreview_strerror(s), "unknown status");
    assert_string_equal(peerreview_strerror(peerreview_status_min() - 1), "unknown status");
    assert_string_equal(peerreview_status_name(PEERREVIEW_ECANCELED), "PEERREVIEW_ECANCELED");
}

/* ---- the schema handle ---- */

static void test_schema_handle(void **state)
{
    (void)state;
    const peerreview_schema *s = peerreview_schema_for_format(1);
    assert_non_null(s);
    assert_ptr_equal(peerreview_schema_for_format(PEERREVIEW_FORMAT_VERSION), s);
    assert_int_equal(peerreview_schema_format(s), 1);
    assert_int_equal(peerreview_schema_format(NULL), 0);
    const int unknown[] = {0, -1, PEERREVIEW_FORMAT_VERSION + 1, 1000, INT_MAX, INT_MIN};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        assert_null(peerreview_schema_for_format(unknown[i]));

    /* the handle-less functions are the current format's */
    size_t ntables = peerreview_schema_table_count(s);
    assert_int_equal(ntables, peerreview_table_count());
    for (int t = -2; t <= (int)ntables + 1; t++) {
        assert_ptr_equal(peerreview_schema_table_name(s, t), peerreview_table_name(t));
        assert_ptr_equal(peerreview_schema_table_file(s, t), peerreview_table_file(t));
        assert_int_equal(peerreview_schema_column_count(s, t), peerreview_column_count(t));
        assert_ptr_equal(peerreview_schema_table_list_name(s, t), peerreview_table_list_name(t));
        size_t nkey = peerreview_schema_table_key_count(s, t);
        assert_int_equal(nkey, peerreview_table_key_count(t));
        for (size_t k = 0; k <= nkey; k++) {
            assert_int_equal(peerreview_schema_table_key_column(s, t, k),
                             peerreview_table_key_column(t, k));
            assert_int_equal(k < nkey, peerreview_schema_table_key_column(s, t, k) >= 0);
        }
        const char *name = peerreview_table_name(t);
        if (name) {
            assert_int_equal(peerreview_schema_table_lookup(s, name), t);
            assert_int_equal(peerreview_schema_table_lookup(s, peerreview_table_file(t)), t);
        }
        size_t ncols = peerreview_column_count(t);
        for (size_t c = 0; c <= ncols + 1; c++) {
            const char *cn = peerreview_schema_column_name(s, t, c);
            assert_ptr_equal(cn, peerreview_column_name(t, c));
            assert_int_equal(c < ncols, cn != NULL);
            if (cn) {
                assert_int_equal(peerreview_schema_column_index(s, t, cn), (int)c);
                assert_int_equal(peerreview_column_index(t, cn), (int)c);
            }
            assert_int_equal(peerreview_schema_column_type(s, t, c), peerreview_column_type(t, c));
            assert_int_equal(peerreview_schema_column_required(s, t, c),
                             peerreview_column_required(t, c));
            assert_ptr_equal(peerreview_schema_column_description(s, t, c),
                             peerreview_column_description(t, c));
            size_t ne = peerreview_schema_column_enum_count(s, t, c);
            assert_int_equal(ne, peerreview_column_enum_count(t, c));
            for (size_t e = 0; e <= ne; e++) {
                const char *v = peerreview_schema_column_enum_value(s, t, c, e);
                assert_ptr_equal(v, peerreview_column_enum_value(t, c, e));
                assert_int_equal(e < ne, v != NULL);
            }
        }
    }
    assert_int_equal(peerreview_schema_table_lookup(s, "nope"), -1);
    assert_int_equal(peerreview_schema_table_lookup(s, NULL), -1);
    assert_int_equal(peerreview_schema_column_index(s, PEERREVIEW_ITEMS, NULL), -1);
    assert_int_equal(peerreview_schema_column_index(s, PEERREVIEW_ITEMS, "Kind"), -1);
    assert_int_equal(peerreview_schema_column_index(s, PEERREVIEW_ITEMS, "kind"), 1);

    /* NULL: as an out-of-range table */
    assert_int_equal(peerreview_schema_table_count(NULL), 0);
    assert_null(peerreview_schema_table_name(NULL, 0));
    assert_null(peerreview_schema_table_file(NULL, 0));
    assert_int_equal(peerreview_schema_table_lookup(NULL, "reviews"), -1);
    assert_int_equal(peerreview_schema_table_key_count(NULL, 0), 0);
    assert_int_equal(peerreview_schema_table_key_column(NULL, 0, 0), -1);
    assert_null(peerreview_schema_table_list_name(NULL, 1));
    assert_int_equal(peerreview_schema_column_count(NULL, 0), 0);
    assert_null(peerreview_schema_column_name(NULL, 0, 0));
    assert_int_equal(peerreview_schema_column_index(NULL, 0, "review_id"), -1);
    assert_int_equal(peerreview_schema_column_type(NULL, 0, 0), PEERREVIEW_TYPE_TEXT);
    assert_int_equal(peerreview_schema_column_required(NULL, 0, 0), 0);
    assert_null(peerreview_schema_column_description(NULL, 0, 0));
    assert_int_equal(peerreview_schema_column_enum_count(NULL, 0, 1), 0);
    assert_null(peerreview_schema_column_enum_value(NULL, 0, 1, 0));

    /* format 1's table numbers and column indexes, which never change */
    assert_string_equal(peerreview_schema_table_name(s, PEERREVIEW_SOURCES), "sources");
    assert_string_equal(peerreview_schema_column_name(s, PEERREVIEW_REVIEWS, 18), "notes");
    assert_string_equal(peerreview_schema_column_name(s, PEERREVIEW_ITEMS, 3), "text");
}

/* ---- the format version in a saved package ---- */

static void test_format_saved(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    assert_int_equal(peerreview_dataset_format(ds), 1);
    assert_int_equal(peerreview_dataset_format(NULL), 0);
    peerreview_dataset *fresh = peerreview_dataset_new();
    assert_int_equal(peerreview_dataset_format(fresh), PEERREVIEW_FORMAT_VERSION);
    peerreview_dataset_free(fresh);

    char *tmp = tmp_dir();
    char *out = path_join(tmp, "pkg");
    save_ok(ds, out, NULL);
    char *desc = path_join(out, "datapackage.json");
    json_value *dp = json_parse_file(desc);
    /* generated after "profile", once, as a number */
    size_t profile = dp->n, format = dp->n, count = 0;
    for (size_t i = 0; i < dp->n; i++) {
        if (strcmp(dp->keys[i], "profile") == 0)
            profile = i;
        if (strcmp(dp->keys[i], "peerreview:format") == 0) {
            format = i;
            count++;
        }
    }
    assert_int_equal(count, 1);
    assert_int_equal(format, profile + 1);
    assert_int_equal(dp->items[format].type, JSON_NUMBER);
    assert_string_equal(dp->items[format].str, "1");
    json_free(dp);

    /* a package without it (written before it was recorded) is format 1 */
    char *text = read_file(desc, NULL);
    char *at = strstr(text, " \"peerreview:format\": 1,\n");
    assert_non_null(at);
    memmove(at, at + strlen(" \"peerreview:format\": 1,\n"),
            strlen(at + strlen(" \"peerreview:format\": 1,\n")) + 1);
    write_file(out, "datapackage.json", text, (size_t)-1);
    peerreview_dataset *old = load_ok(out, NULL);
    assert_int_equal(peerreview_dataset_format(old), 1);
    /* and saving it writes the version again */
    save_ok(old, out, NULL);
    char *again = read_file(desc, NULL);
    assert_non_null(
        strstr(again, "\"profile\": \"tabular-data-package\",\n \"peerreview:format\": 1,\n"));
    free(again);
    free(text);
    peerreview_dataset_free(old);
    free(desc);
    rm_rf(tmp);
    free(tmp);
    free(out);
    peerreview_dataset_free(ds);
}

/* Load path with opts, expecting one newer-format problem and nothing else. */
static void expect_newer(const char *path, const peerreview_options *o, const char *file,
                         unsigned long line, unsigned long column, const char *version)
{
    peerreview_diag *d = peerreview_diag_new();
    peerreview_dataset *ds = (peerreview_dataset *)d; /* garbage: must become NULL */
    int rc = peerreview_load(path, o, d, &ds);
    if (peerreview_diag_count(d) != 1)
        dump_diag(d);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    assert_null(ds);
    assert_int_equal(peerreview_diag_count(d), 1);
    assert_int_equal(peerreview_diag_errors(d), 1);
    assert_int_equal(peerreview_diag_warnings(d), 0);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_NEWER_FORMAT, file, line, column, NULL);
    char want[128];
    snprintf(want, sizeof want,
             "format %s is newer than this library supports (1); upgrade libpeerreview", version);
    if (!strstr(peerreview_problem_message(p), want))
        fail_msg("message \"%s\" lacks \"%s\"", peerreview_problem_message(p), want);
    peerreview_diag_clear(d);
    /* validate_path says the same */
    assert_int_equal(peerreview_validate_path(path, o, d), PEERREVIEW_EDATA);
    assert_int_equal(peerreview_diag_count(d), 1);
    assert_int_equal(peerreview_problem_code(peerreview_diag_get(d, 0)), PEERREVIEW_P_NEWER_FORMAT);
    peerreview_diag_free(d);
    /* without a diag */
    assert_int_equal(peerreview_load(path, o, NULL, &ds), PEERREVIEW_EDATA);
    assert_null(ds);
}

/* Every option set that could change what is reported. */
static void expect_newer_all(const char *path, const char *file, unsigned long line,
                             unsigned long column, const char *version)
{
    expect_newer(path, NULL, file, line, column, version);
    peerreview_options *o = peerreview_options_new();
    assert_int_equal(peerreview_options_set_ignore_unknown_columns(o, 1), PEERREVIEW_OK);
    expect_newer(path, o, file, line, column, version);
    assert_int_equal(peerreview_options_set_max_problems(o, 0), PEERREVIEW_OK);
    expect_newer(path, o, file, line, column, version);
    peerreview_options_free(o);
}

static void test_newer_package(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    copy_sample(dir);
    /* what a format 2 might hold: a new column, a new table, other resources */
    char *reviews = path_join(dir, "reviews.csv");
    char *csv = read_file(reviews, NULL);
    char *nl = strstr(csv, "\r\n");
    assert_non_null(nl);
    size_t n = strlen(csv);
    char *wide = malloc(n + 16);
    memcpy(wide, csv, (size_t)(nl - csv));
    strcpy(wide + (nl - csv), ",rating");
    strcat(wide, nl);
    write_file(dir, "reviews.csv", wide, (size_t)-1);
    write_file(dir, "ratings.csv", "review_id,rating\r\nx,1\r\n", (size_t)-1);
    static const char desc2[] =
        "{\n"
        "  \"name\": \"future\",\n"
        "  \"profile\": \"tabular-data-package\", \"peerreview:format\": 2,\n"
        "  \"title\": 7,\n"
        "  \"resources\": [{\"name\": \"ratings\"}]\n"
        "}\n";
    write_file(dir, "datapackage.json", desc2, (size_t)-1);
    /* line 3, column of the value 2 */
    unsigned long col = (unsigned long)(strstr(desc2, ": 2,") + 2 - strstr(desc2, "  \"profile"));
    expect_newer_all(dir, "datapackage.json", 3, col + 1, "2");
    char *dp = path_join(dir, "datapackage.json");
    expect_newer_all(dp, "datapackage.json", 3, col + 1, "2");
    free(dp);

    /* a version too big for an int is quoted as written */
    write_file(dir, "datapackage.json", "{\"peerreview:format\": 123456789012345678901234}",
               (size_t)-1);
    expect_newer(dir, NULL, "datapackage.json", 1, 23, "123456789012345678901234");

    free(wide);
    free(csv);
    free(reviews);
    rm_rf(dir);
    free(dir);
}

static void test_bad_format_values(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    copy_sample(dir);
    static const char *const bad[] = {"\"2\"", "\"1\"", "0",    "-1",  "1.5", "1.0", "1e0",
                                      "10E1",  "true",  "null", "[1]", "{}",  "-0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "{\"name\": \"x\",\n\"peerreview:format\": %s}\n", bad[i]);
        write_file(dir, "datapackage.json", text, (size_t)-1);
        peerreview_diag *d = peerreview_diag_new();
        peerreview_dataset *ds = NULL;
        int rc = peerreview_load(dir, NULL, d, &ds);
        if (rc != PEERREVIEW_EDATA || find_code(d, PEERREVIEW_P_BAD_DESCRIPTOR) < 0) {
            dump_diag(d);
            fail_msg("\"peerreview:format\": %s was not refused as bad-descriptor", bad[i]);
        }
        assert_null(ds);
        expect_problem(d, PEERREVIEW_P_BAD_DESCRIPTOR, "datapackage.json", 2, 22,
                       "peerreview:format");
        assert_int_equal(find_code(d, PEERREVIEW_P_NEWER_FORMAT), -1);
        peerreview_diag_free(d);
    }
    write_file(dir, "datapackage.json", "{\"peerreview:format\": 1}", (size_t)-1);
    peerreview_dataset *ds = load_ok(dir, NULL);
    assert_int_equal(peerreview_dataset_format(ds), 1);
    peerreview_dataset_free(ds);
    rm_rf(dir);
    free(dir);
}

/* ---- the flat form's format mark ---- */

static void test_newer_flat(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *path = path_join(dir, "future.csv");
    /* a mark anywhere in the header, among columns format 1 does not know */
    write_file(dir, "future.csv",
               "review_id,review_type,stage,rating,peerreview:format=2,panel\r\n"
               "r1,corporate,initial,5,,x\r\n",
               (size_t)-1);
    expect_newer_all(path, "future.csv", 1, 5, "2");
    write_file(dir, "future.csv", "peerreview:format=17,review_id\r\n", (size_t)-1);
    expect_newer_all(path, "future.csv", 1, 1, "17");
    /* two marks: the newer one is reported */
    write_file(dir, "future.csv", "peerreview:format=1,review_id,peerreview:format=3\r\n",
               (size_t)-1);
    expect_newer_all(path, "future.csv", 1, 3, "3");
    /* even when the rest of the file cannot be read */
    write_file(dir, "future.csv", "review_id,peerreview:format=2\r\n\"unclosed,\r\n", (size_t)-1);
    expect_newer_all(path, "future.csv", 1, 2, "2");

    /* format 1 marked explicitly: the column is the mark, its cells are not read */
    write_file(dir, "marked.csv",
               "review_id,review_type,stage,peerreview:format=1\r\n"
               "r1,corporate,initial,anything\r\n",
               (size_t)-1);
    char *marked = path_join(dir, "marked.csv");
    peerreview_diag *d = peerreview_diag_new();
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(marked, NULL, d, &ds), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_format(ds), 1);
    assert_int_equal(peerreview_dataset_count(ds), 1);
    assert_int_equal(find_code(d, PEERREVIEW_P_UNKNOWN_COLUMN), -1);
    assert_int_equal(peerreview_diag_errors(d), 0);
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);

    /* a malformed mark is an error at its cell */
    static const char *const bad[] = {
        "peerreview:format",   "peerreview:format=",   "peerreview:format=x",
        "peerreview:format=0", "peerreview:format=01", "peerreview:format=-2",
        "peerreview:formats",  "peerreview:format=2 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "review_id,review_type,stage,%s\r\nr1,corporate,initial,\r\n",
                 bad[i]);
        write_file(dir, "bad.csv", text, (size_t)-1);
        char *p = path_join(dir, "bad.csv");
        d = peerreview_diag_new();
        ds = NULL;
        assert_int_equal(peerreview_load(p, NULL, d, &ds), PEERREVIEW_EDATA);
        assert_null(ds);
        expect_problem(d, PEERREVIEW_P_BAD_DESCRIPTOR, "bad.csv", 1, 4, NULL);
        assert_int_equal(find_code(d, PEERREVIEW_P_NEWER_FORMAT), -1);
        assert_int_equal(find_code(d, PEERREVIEW_P_UNKNOWN_COLUMN), -1);
        peerreview_diag_free(d);
        free(p);
    }

    /* a table of a package carries no mark: there it is an unknown column */
    char *pkg = path_join(dir, "pkg");
    assert_int_equal(mkdir(pkg, 0777), 0);
    copy_sample(pkg);
    char *reviews = path_join(pkg, "reviews.csv");
    char *csv = read_file(reviews, NULL);
    char *nl = strstr(csv, "\r\n");
    char *wide = malloc(strlen(csv) + 64);
    memcpy(wide, csv, (size_t)(nl - csv));
    strcpy(wide + (nl - csv), ",peerreview:format=2");
    strcat(wide, nl);
    write_file(pkg, "reviews.csv", wide, (size_t)-1);
    d = peerreview_diag_new();
    ds = NULL;
    assert_int_equal(peerreview_load(pkg, NULL, d, &ds), PEERREVIEW_EDATA);
    assert_true(find_code(d, PEERREVIEW_P_UNKNOWN_COLUMN) >= 0);
    assert_int_equal(find_code(d, PEERREVIEW_P_NEWER_FORMAT), -1);
    peerreview_diag_free(d);
    free(wide);
    free(csv);
    free(reviews);
    free(pkg);
    free(marked);
    free(path);
    rm_rf(dir);
    free(dir);
}

/* ---- cancellable progress ---- */

typedef struct calls {
    int n;         /* calls so far */
    int cancel_at; /* return non-zero at this call (0: never) */
    unsigned long long done, total;
    int after_cancel; /* calls after the one that cancelled */
} calls;

static int count_calls(unsigned long long done, unsigned long long total, void *ctx)
{
    calls *c = ctx;
    if (c->cancel_at && c->n >= c->cancel_at)
        c->after_cancel++;
    c->n++;
    assert_true(done > c->done);
    assert_true(done <= total);
    c->done = done;
    c->total = total;
    return c->n == c->cancel_at ? 7 : 0;
}

static int old_calls;

static void old_style(unsigned long long done, unsigned long long total, void *ctx)
{
    (void)done;
    (void)total;
    assert_ptr_equal(ctx, &old_calls);
    old_calls++;
}

static size_t sample_reviews; /* reviews in the sample */

/* A package and its flat form of about 2 MB (many reads of 64 KiB). */
static void big_files(const char *dir, char **pkg, char **flat, unsigned long long *pkg_bytes)
{
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    sample_reviews = peerreview_dataset_count(ds);
    char *notes = malloc(40001);
    memset(notes, 'n', 40000);
    notes[40000] = '\0';
    for (int i = 0; i < 50; i++) {
        char id[32];
        snprintf(id, sizeof id, "big-%02d", i);
        peerreview_review *r = peerreview_review_new();
        assert_int_equal(peerreview_review_set_byname(r, "review_id", id, NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_review_set_byname(r, "review_type", "corporate", NULL),
                         PEERREVIEW_OK);
        assert_int_equal(peerreview_review_set_byname(r, "stage", "initial", NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_review_set_byname(r, "report_date", "2020", NULL),
                         PEERREVIEW_OK);
        assert_int_equal(peerreview_review_set_byname(r, "notes", notes, NULL), PEERREVIEW_OK);
        peerreview_row *c = NULL;
        assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_REVIEW_COUNCILS, &c),
                         PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(c, "council_name", "Somewhere", NULL),
                         PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(c, "authority_type", "county", NULL),
                         PEERREVIEW_OK);
        assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
    }
    free(notes);
    *pkg = path_join(dir, "pkg");
    *flat = path_join(dir, "flat.csv");
    save_ok(ds, *pkg, NULL);
    save_ok(ds, *flat, NULL);
    peerreview_dataset_free(ds);
    *pkg_bytes = 0;
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        char *p = path_join(*pkg, peerreview_table_file(t));
        struct stat st;
        assert_int_equal(stat(p, &st), 0);
        *pkg_bytes += (unsigned long long)st.st_size;
        free(p);
    }
}

static void cancel_case(const char *path, unsigned long long bytes, int cancel_at, int validate)
{
    peerreview_options *o = peerreview_options_new();
    calls c = {0, cancel_at, 0, 0, 0};
    assert_int_equal(peerreview_options_set_progress_cb(o, count_calls, &c), PEERREVIEW_OK);
    peerreview_diag *d = peerreview_diag_new();
    peerreview_dataset *ds = (peerreview_dataset *)o; /* garbage: must become NULL */
    int rc = validate ? peerreview_validate_path(path, o, d) : peerreview_load(path, o, d, &ds);
    if (!cancel_at) {
        if (rc != PEERREVIEW_OK)
            dump_diag(d);
        assert_int_equal(rc, PEERREVIEW_OK);
        assert_true(c.n > 20);
        assert_int_equal(c.done, bytes);
        assert_int_equal(c.total, bytes);
        if (!validate)
            assert_int_equal(peerreview_dataset_count(ds), sample_reviews + 50);
    } else {
        assert_int_equal(rc, PEERREVIEW_ECANCELED);
        if (!validate)
            assert_null(ds);
        ds = NULL;
        assert_int_equal(c.n, cancel_at); /* not called again after the cancel */
        assert_int_equal(c.after_cancel, 0);
        /* no problem for the cancel itself */
        if (peerreview_diag_count(d))
            dump_diag(d);
        assert_int_equal(peerreview_diag_count(d), 0);
        assert_int_equal(peerreview_diag_errors(d), 0);
    }
    if (validate)
        ds = NULL;
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);
    peerreview_options_free(o);
}

static void test_cancel(void **state)
{
    (void)state;
    char *dir = tmp_dir(), *pkg, *flat;
    unsigned long long pkg_bytes;
    big_files(dir, &pkg, &flat, &pkg_bytes);
    struct stat st;
    assert_int_equal(stat(flat, &st), 0);
    unsigned long long flat_bytes = (unsigned long long)st.st_size;
    assert_true(flat_bytes > 20 * 64 * 1024);
    const int at[] = {0, 1, 2, 5, 17};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        for (int validate = 0; validate <= 1; validate++) {
            cancel_case(pkg, pkg_bytes, at[i], validate);
            cancel_case(flat, flat_bytes, at[i], validate);
        }
    }

    /* the last call: everything was read, the rules not checked yet */
    calls probe = {0, 0, 0, 0, 0};
    peerreview_options *o = peerreview_options_new();
    assert_int_equal(peerreview_options_set_progress_cb(o, count_calls, &probe), PEERREVIEW_OK);
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(flat, o, NULL, &ds), PEERREVIEW_OK);
    peerreview_dataset_free(ds);
    cancel_case(flat, flat_bytes, probe.n, 0);

    /* the old setter still reports, through the same calls; the new one replaces it */
    DEPRECATED_BEGIN
    old_calls = 0;
    assert_int_equal(peerreview_options_set_progress(o, old_style, &old_calls), PEERREVIEW_OK);
    ds = load_ok(flat, o);
    peerreview_dataset_free(ds);
    assert_int_equal(old_calls, probe.n);
    calls c = {0, 1, 0, 0, 0};
    assert_int_equal(peerreview_options_set_progress_cb(o, count_calls, &c), PEERREVIEW_OK);
    assert_int_equal(peerreview_load(flat, o, NULL, &ds), PEERREVIEW_ECANCELED);
    assert_null(ds);
    assert_int_equal(old_calls, probe.n);
    assert_int_equal(c.n, 1);
    /* and the other way round; NULL: no calls */
    assert_int_equal(peerreview_options_set_progress(o, old_style, &old_calls), PEERREVIEW_OK);
    ds = load_ok(flat, o);
    peerreview_dataset_free(ds);
    assert_int_equal(c.n, 1);
    assert_int_equal(old_calls, 2 * probe.n);
    assert_int_equal(peerreview_options_set_progress(o, NULL, &old_calls), PEERREVIEW_OK);
    ds = load_ok(flat, o);
    peerreview_dataset_free(ds);
    assert_int_equal(old_calls, 2 * probe.n);
    DEPRECATED_END
    assert_int_equal(peerreview_options_set_progress_cb(o, NULL, &c), PEERREVIEW_OK);
    ds = load_ok(pkg, o);
    peerreview_dataset_free(ds);
    assert_int_equal(c.n, 1);
    assert_int_equal(peerreview_options_set_progress_cb(NULL, count_calls, &c), PEERREVIEW_EINVAL);
    peerreview_options_free(o);

    /* problems found before the cancel stay in the diag; the status says it was cancelled */
    char *reviews = path_join(pkg, "reviews.csv");
    char *csv = read_file(reviews, NULL);
    char *id = strstr(csv, "\r\nbig-00,");
    assert_non_null(id);
    memcpy(id + 2, "BIG", 3); /* not a valid review_id */
    write_file(pkg, "reviews.csv", csv, (size_t)-1);
    o = peerreview_options_new();
    c = (calls){0, 3, 0, 0, 0}; /* the bad row is in the first 64 KiB */
    assert_int_equal(peerreview_options_set_progress_cb(o, count_calls, &c), PEERREVIEW_OK);
    peerreview_diag *d = peerreview_diag_new();
    ds = (peerreview_dataset *)d;
    assert_int_equal(peerreview_load(pkg, o, d, &ds), PEERREVIEW_ECANCELED);
    assert_null(ds);
    expect_problem(d, PEERREVIEW_P_BAD_PATTERN, "reviews.csv", 0, 0, "review_id");
    assert_int_equal(peerreview_diag_errors(d), 1);
    peerreview_diag_free(d);
    peerreview_options_free(o);
    free(csv);
    free(reviews);

    free(pkg);
    free(flat);
    rm_rf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocator_only_when_nothing_held),
        cmocka_unit_test(test_runtime_counts),
        cmocka_unit_test(test_schema_handle),
        cmocka_unit_test(test_format_saved),
        cmocka_unit_test(test_newer_package),
        cmocka_unit_test(test_bad_format_values),
        cmocka_unit_test(test_newer_flat),
        cmocka_unit_test(test_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
