/*
 * Regression tests for defects found in review, one test each: the name says
 * what went wrong before the fix. Those about what a bad input reports are
 * cases of the corpus tests/cases (bad-date-line-after-cr-and-utf8,
 * missing-fields-no-foreign-key-cascade, max-problems-0-counts-one,
 * bad-date-is-not-no-date, flat-doubled-quotes-in-list-cell,
 * inconsistent-flat-offset-in-quoted-cell).
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

/* An atomic save replaced a file with one of default permissions. */
static void test_save_keeps_file_mode(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    char *dir = tmp_dir();
    assert_int_equal(peerreview_save(ds, dir, NULL, NULL), PEERREVIEW_OK);
    char *reviews = path_join(dir, "reviews.csv");
    assert_int_equal(chmod(reviews, 0600), 0);
    assert_int_equal(peerreview_save(ds, dir, NULL, NULL), PEERREVIEW_OK);
    struct stat st;
    assert_int_equal(stat(reviews, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(reviews);
    rm_rf(dir);
    free(dir);
    peerreview_dataset_free(ds);
}

/* Saving over a symbolic link replaced the link with a plain file. */
static void test_save_follows_symlink(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    char *dir = tmp_dir();
    char *real = path_join(dir, "real.csv");
    char *link = path_join(dir, "link.csv");
    write_file(dir, "real.csv", "old", 3);
    assert_int_equal(symlink("real.csv", link), 0);
    assert_int_equal(peerreview_save(ds, link, NULL, NULL), PEERREVIEW_OK);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    size_t len;
    char *data = read_file(real, &len);
    assert_true(len > 1000); /* the flat form of the sample, not "old" */
    assert_int_equal(count_dot_files(dir), 0);
    free(data);
    free(real);
    free(link);
    rm_rf(dir);
    free(dir);
    peerreview_dataset_free(ds);
}

/* A folder at one target name was found only at rename time, after other
 * files had been replaced. */
static void test_folder_at_target_changes_nothing(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    char *dir = tmp_dir();
    write_file(dir, "reviews.csv", "old reviews", (size_t)-1);
    char *sources = path_join(dir, "sources.csv");
    assert_int_equal(mkdir(sources, 0777), 0);
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(peerreview_save(ds, dir, NULL, d), PEERREVIEW_EIO);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_IO_ERROR, "sources.csv", 0, 0, NULL);
    assert_non_null(strstr(peerreview_problem_message(p), "a folder"));
    char *reviews = path_join(dir, "reviews.csv");
    char *data = read_file(reviews, NULL);
    assert_string_equal(data, "old reviews");
    assert_int_equal(count_dot_files(dir), 0);
    free(data);
    free(reviews);
    free(sources);
    peerreview_diag_free(d);
    rm_rf(dir);
    free(dir);
    peerreview_dataset_free(ds);
}

/* Flat: empty lines in a list cell became empty rows that the export then
 * refused; an item without a kind was dropped from the flat form silently. */
static void test_flat_empty_lines_and_kindless_items(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    write_file(dir, "in.csv",
               "review_id,review_type,stage,onsite_start,team,focus\r\n"
               "r1,other,initial,2015,\"Alice\n\nBob\n\n\",\"\nOne\n\nTwo\n\"\r\n",
               (size_t)-1);
    char *in = path_join(dir, "in.csv");
    peerreview_dataset *ds = NULL;
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(peerreview_load(in, NULL, d, &ds), PEERREVIEW_OK);
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "r1");
    assert_int_equal(peerreview_review_child_count(r, PEERREVIEW_TEAM_MEMBERS), 2);
    assert_string_equal(
        row_str(peerreview_review_child_byindex_mut(r, PEERREVIEW_TEAM_MEMBERS, 1), "name"), "Bob");
    assert_int_equal(peerreview_review_child_count(r, PEERREVIEW_ITEMS), 2);
    char *out = path_join(dir, "out.csv");
    assert_int_equal(peerreview_save(ds, out, NULL, d), PEERREVIEW_OK);

    /* an item whose kind is unknown has no flat column */
    peerreview_row *it = NULL;
    assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &it), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(it, "text", "kindless", NULL), PEERREVIEW_OK);
    char *flat = NULL;
    size_t len;
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_render(ds, -1, NULL, d, &flat, &len), PEERREVIEW_EUNSUPPORTED);
    assert_null(flat);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_UNREPRESENTABLE, NULL, 0, 0, "items.kind");
    assert_non_null(strstr(peerreview_problem_message(p), "r1"));
    peerreview_diag_free(d);
    peerreview_dataset_free(ds);
    free(in);
    free(out);
    rm_rf(dir);
    free(dir);
}

/* A value longer than the field size limit validated and saved, but its own
 * file could then not be loaded back. */
static void test_validate_applies_the_field_limit(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    size_t n = 2 * 1024 * 1024;
    char *big = malloc(n + 1);
    memset(big, 'y', n);
    big[n] = '\0';
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "e10000034-csg-2015-04");
    assert_int_equal(peerreview_review_set_byname(r, "notes", big, NULL), PEERREVIEW_OK);
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(peerreview_dataset_validate(ds, NULL, d), PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_FIELD_TOO_LONG, "reviews.csv", 2, 19, "notes");
    char *dir = tmp_dir();
    assert_int_equal(peerreview_save(ds, dir, NULL, NULL), PEERREVIEW_EDATA);
    /* with a limit that lets it load back, it saves and round-trips */
    peerreview_options *o = peerreview_options_new();
    assert_int_equal(peerreview_options_set_max_field_size(o, 4 * n), PEERREVIEW_OK);
    assert_int_equal(peerreview_save(ds, dir, o, NULL), PEERREVIEW_OK);
    peerreview_dataset *back = NULL;
    assert_int_equal(peerreview_load(dir, o, NULL, &back), PEERREVIEW_OK);
    assert_string_equal(
        review_str(peerreview_dataset_review_byid_mut(back, "e10000034-csg-2015-04"), "notes"),
        big);
    peerreview_dataset_free(back);
    peerreview_options_free(o);
    peerreview_diag_free(d);
    rm_rf(dir);
    free(dir);
    free(big);
    peerreview_dataset_free(ds);
}

/* Serial numbers tell a removed review from a new one with the same id. */
static void test_serials_are_never_reused(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "e10000034-cpc-2012");
    uint64_t s1 = peerreview_review_serial(r);
    assert_true(s1 != 0);
    uint64_t row_serial = peerreview_row_serial(peerreview_review_child_byindex_mut(
        peerreview_dataset_review_byid_mut(ds, "e10000034-csg-2015-04"), PEERREVIEW_ITEMS, 0));
    assert_true(row_serial != 0 && row_serial != s1);
    assert_int_equal(peerreview_dataset_remove(ds, "e10000034-cpc-2012"), PEERREVIEW_OK);
    peerreview_review *n = peerreview_review_new();
    assert_int_equal(peerreview_review_set_byname(n, "review_id", "e10000034-cpc-2012", NULL),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_add(ds, n, NULL), PEERREVIEW_OK);
    assert_true(peerreview_review_serial(
                    peerreview_dataset_review_byid_mut(ds, "e10000034-cpc-2012")) != s1);
    assert_int_equal(peerreview_review_serial(NULL), 0);
    assert_int_equal(peerreview_row_serial(NULL), 0);
    peerreview_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_save_keeps_file_mode),
        cmocka_unit_test(test_save_follows_symlink),
        cmocka_unit_test(test_folder_at_target_changes_nothing),
        cmocka_unit_test(test_flat_empty_lines_and_kindless_items),
        cmocka_unit_test(test_validate_applies_the_field_limit),
        cmocka_unit_test(test_serials_are_never_reused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
