/*
 * What the command line needed from the library (issue 11), for every
 * caller: peerreview_review_copy (a review of one's own, e.g. to build a
 * selection), peerreview_row_key_compare (the same entry in two versions of
 * a review) and peerreview_render_csv_record (CSV of one's own, quoted as
 * the canonical writer quotes).
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

#include "helpers.h"

#define OK PEERREVIEW_OK

/* ---- peerreview_review_copy ---- */

/* Assert that a and b hold the same values and child rows, in the same list order. */
static void assert_same_review(const peerreview_review *a, const peerreview_review *b)
{
    for (size_t c = 0; c < peerreview_column_count(PEERREVIEW_REVIEWS); c++) {
        const char *x = review_str_at(a, c), *y = review_str_at(b, c);
        if (!x || !y)
            assert_ptr_equal(x, y);
        else
            assert_string_equal(x, y);
    }
    for (int t = PEERREVIEW_REVIEW_COUNCILS; t < PEERREVIEW_TABLE_COUNT; t++) {
        size_t n = peerreview_review_child_count(a, t);
        assert_int_equal(peerreview_review_child_count(b, t), n);
        for (size_t i = 0; i < n; i++) {
            const peerreview_row *ra = peerreview_review_child_byindex(a, t, i);
            const peerreview_row *rb = peerreview_review_child_byindex(b, t, i);
            assert_ptr_equal(peerreview_row_owner(rb), b);
            for (size_t c = 0; c < peerreview_column_count(t); c++) {
                const char *x = row_str_at(ra, c), *y = row_str_at(rb, c);
                if (!x || !y)
                    assert_ptr_equal(x, y);
                else
                    assert_string_equal(x, y);
            }
        }
    }
}

/* Render every table and the flat form of ds into one string (caller frees). */
static char *render_all(const peerreview_dataset *ds)
{
    char *all = NULL;
    size_t len = 0;
    for (int t = -1; t < PEERREVIEW_TABLE_COUNT; t++) {
        char *text = NULL;
        size_t n = 0;
        assert_int_equal(peerreview_render(ds, t, NULL, NULL, &text, &n), OK);
        all = realloc(all, len + n + 1);
        assert_non_null(all);
        memcpy(all + len, text, n);
        len += n;
        all[len] = '\0';
        peerreview_free(text);
    }
    return all;
}

/*
 * Copies of every sample review hold what the originals hold, are in no
 * dataset, outlive the dataset they were copied from, and make a dataset
 * that renders byte for byte as the sample.
 */
static void test_copy_sample(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    char *want = render_all(ds);
    size_t n = peerreview_dataset_count(ds);
    peerreview_review **copies = calloc(n, sizeof *copies);
    assert_non_null(copies);
    for (size_t i = 0; i < n; i++) {
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        assert_int_equal(peerreview_review_copy(r, &copies[i]), OK);
        assert_non_null(copies[i]);
        assert_ptr_not_equal(copies[i], r);
        assert_null(peerreview_review_owner(copies[i]));
        assert_same_review(r, copies[i]);
        /* values of its own, not the dataset's strings */
        assert_ptr_not_equal(review_str(copies[i], "review_id"), review_str(r, "review_id"));
    }
    peerreview_dataset_free(ds); /* the copies must not need it */

    peerreview_dataset *again = peerreview_dataset_new();
    assert_non_null(again);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(peerreview_dataset_add(again, copies[i], NULL), OK);
    assert_int_equal(peerreview_dataset_validate(again, NULL, NULL), OK);
    char *got = render_all(again);
    assert_string_equal(got, want);
    free(got);
    free(want);
    free(copies);
    peerreview_dataset_free(again);
}

/* Editing the copy leaves the original alone, and the other way round. */
static void test_copy_independent(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    peerreview_review *r = peerreview_dataset_review_byindex_mut(ds, 0);
    peerreview_review *copy = NULL;
    assert_int_equal(peerreview_review_copy(r, &copy), OK);
    char *notes = strdup(review_str(r, "notes"));
    assert_non_null(notes);
    size_t items = peerreview_review_child_count(r, PEERREVIEW_ITEMS);
    assert_true(items > 1);

    assert_int_equal(peerreview_review_set_byname(copy, "notes", "changed in the copy", NULL), OK);
    assert_int_equal(peerreview_review_remove_child(copy, PEERREVIEW_ITEMS, 0), OK);
    assert_string_equal(review_str(r, "notes"), notes);
    assert_int_equal(peerreview_review_child_count(r, PEERREVIEW_ITEMS), items);

    assert_int_equal(peerreview_review_set_byname(r, "notes", "changed in the original", NULL), OK);
    assert_string_equal(review_str(copy, "notes"), "changed in the copy");
    assert_int_equal(peerreview_review_child_count(copy, PEERREVIEW_ITEMS), items - 1);

    /* the same review_id may go into another dataset, not into the same one */
    assert_int_equal(peerreview_dataset_add(ds, copy, NULL), PEERREVIEW_EEXIST);
    peerreview_review_free(copy);
    free(notes);
    peerreview_dataset_free(ds);
}

/* A seq the library chose keeps following the row's kind in the copy; one set stays. */
static void test_copy_seq(void **state)
{
    (void)state;
    peerreview_review *r = peerreview_review_new();
    assert_non_null(r);
    assert_int_equal(peerreview_review_set_byname(r, "review_id", "copy-seq", NULL), OK);
    peerreview_row *chosen = NULL, *given = NULL, *other = NULL;
    assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &other), OK);
    assert_int_equal(peerreview_row_set_byname(other, "kind", "strength", NULL), OK);
    assert_string_equal(row_str(other, "seq"), "1");
    assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &chosen), OK);
    assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &given), OK);
    assert_int_equal(peerreview_row_set_byname(given, "seq", "7", NULL), OK);

    peerreview_review *copy = NULL;
    assert_int_equal(peerreview_review_copy(r, &copy), OK);
    assert_same_review(r, copy);
    peerreview_row *c_chosen = peerreview_review_child_byindex_mut(copy, PEERREVIEW_ITEMS, 1);
    peerreview_row *c_given = peerreview_review_child_byindex_mut(copy, PEERREVIEW_ITEMS, 2);
    /* as in the original: the chosen seq moves to the next one of the kind */
    assert_int_equal(peerreview_row_set_byname(c_chosen, "kind", "strength", NULL), OK);
    assert_string_equal(row_str(c_chosen, "seq"), "2");
    assert_int_equal(peerreview_row_set_byname(chosen, "kind", "strength", NULL), OK);
    assert_string_equal(row_str(chosen, "seq"), "2");
    assert_int_equal(peerreview_row_set_byname(c_given, "kind", "strength", NULL), OK);
    assert_string_equal(row_str(c_given, "seq"), "7");
    peerreview_review_free(copy);
    peerreview_review_free(r);
}

static void test_copy_arguments(void **state)
{
    (void)state;
    peerreview_review *r = peerreview_review_new();
    peerreview_review *out = r; /* not NULL: must be set */
    assert_int_equal(peerreview_review_copy(NULL, &out), PEERREVIEW_EINVAL);
    assert_null(out);
    assert_int_equal(peerreview_review_copy(r, NULL), PEERREVIEW_EINVAL);
    /* an empty review copies to an empty review */
    assert_int_equal(peerreview_review_copy(r, &out), OK);
    assert_same_review(r, out);
    peerreview_review_free(out);
    peerreview_review_free(r);
}

/* ---- peerreview_row_key_compare ---- */

/* Every row of one load matches the row of the same key, and only it, in another load. */
static void test_key_compare_two_loads(void **state)
{
    (void)state;
    peerreview_dataset *a = load_ok(SAMPLE_DIR, NULL), *b = load_ok(SAMPLE_DIR, NULL);
    size_t matched = 0;
    for (size_t i = 0; i < peerreview_dataset_count(a); i++) {
        const peerreview_review *ra = peerreview_dataset_review_byindex(a, i);
        const peerreview_review *rb = peerreview_dataset_review_byindex(b, i);
        for (int t = PEERREVIEW_REVIEW_COUNCILS; t < PEERREVIEW_TABLE_COUNT; t++) {
            size_t n = peerreview_review_child_count(ra, t);
            for (size_t x = 0; x < n; x++) {
                const peerreview_row *row = peerreview_review_child_byindex(ra, t, x);
                for (size_t y = 0; y < n; y++) {
                    const peerreview_row *other = peerreview_review_child_byindex(rb, t, y);
                    int c = peerreview_row_key_compare(row, other);
                    /* the sample has no duplicate keys: equal keys are the same entry */
                    assert_int_equal(c == 0, x == y);
                    assert_int_equal(peerreview_row_key_compare(other, row), -c);
                    /* peerreview_row_compare says 0 for the same row only */
                    assert_int_not_equal(peerreview_row_compare(row, other), 0);
                }
                matched++;
            }
        }
    }
    assert_true(matched > 100);
    peerreview_dataset_free(a);
    peerreview_dataset_free(b);
}

static peerreview_row *item(peerreview_review *r, const char *kind, const char *seq)
{
    peerreview_row *row = NULL;
    assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &row), OK);
    if (kind)
        assert_int_equal(peerreview_row_set_byname(row, "kind", kind, NULL), OK);
    assert_int_equal(peerreview_row_set_byname(row, "seq", seq, NULL), OK);
    return row;
}

/* The order: kind by the allowed values, seq as a number, empty kind last; not the review. */
static void test_key_compare_order(void **state)
{
    (void)state;
    peerreview_review *r = peerreview_review_new(), *s = peerreview_review_new();
    assert_non_null(r);
    assert_non_null(s);
    int kind = peerreview_column_index(PEERREVIEW_ITEMS, "kind");
    assert_true(kind >= 0);
    assert_true(peerreview_column_enum_count(PEERREVIEW_ITEMS, (size_t)kind) >= 2);
    const char *k0 = peerreview_column_enum_value(PEERREVIEW_ITEMS, (size_t)kind, 0);
    const char *k1 = peerreview_column_enum_value(PEERREVIEW_ITEMS, (size_t)kind, 1);

    peerreview_row *a9 = item(r, k0, "9"), *a10 = item(r, k0, "10"), *b1 = item(r, k1, "1");
    peerreview_row *none = item(r, NULL, "1");
    peerreview_row *twin = item(s, k0, "10"); /* another review, the same key */
    peerreview_row *dup = item(r, k0, "9");   /* a duplicate key in one review */

    assert_true(peerreview_row_key_compare(a9, a10) < 0); /* 9 before 10: numbers */
    assert_true(peerreview_row_key_compare(a10, a9) > 0);
    assert_true(peerreview_row_key_compare(a10, b1) < 0);  /* kind first, in enum order */
    assert_true(peerreview_row_key_compare(b1, none) < 0); /* no kind: last */
    assert_int_equal(peerreview_row_key_compare(a10, twin), 0);
    assert_int_equal(peerreview_row_key_compare(a9, dup), 0);
    assert_true(peerreview_row_compare(a9, dup) < 0); /* the export order: list order */
    assert_int_equal(peerreview_row_key_compare(a9, a9), 0);

    /* tables by number, NULL first */
    peerreview_row *source = NULL;
    assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_SOURCES, &source), OK);
    assert_true(peerreview_row_key_compare(a9, source) < 0);
    assert_true(peerreview_row_key_compare(source, a9) > 0);
    assert_true(peerreview_row_key_compare(NULL, a9) < 0);
    assert_true(peerreview_row_key_compare(a9, NULL) > 0);
    assert_int_equal(peerreview_row_key_compare(NULL, NULL), 0);
    peerreview_review_free(r);
    peerreview_review_free(s);
}

/* ---- peerreview_render_csv_record ---- */

typedef struct sink {
    char buf[4096];
    size_t len;
    int calls;
    int fail; /* fail with this errno */
} sink;

static int sink_write(void *ctx, const void *buf, size_t size)
{
    sink *s = ctx;
    s->calls++;
    if (s->fail) {
        errno = s->fail;
        return -1;
    }
    assert_true(s->len + size < sizeof s->buf);
    memcpy(s->buf + s->len, buf, size);
    s->len += size;
    s->buf[s->len] = '\0';
    return 0;
}

static void test_csv_record_quoting(void **state)
{
    (void)state;
    const char *const fields[] = {"plain", "a,b", "say \"hi\"", "", NULL, "cr\rlf\nend", " sp "};
    sink s = {{0}, 0, 0, 0};
    assert_int_equal(peerreview_render_csv_record(fields, 7, sink_write, &s), OK);
    assert_string_equal(s.buf, "plain,\"a,b\",\"say \"\"hi\"\"\",,,\"cr\rlf\nend\", sp \r\n");
    assert_int_equal(s.calls, 1);

    const char *const one[] = {"x"};
    s.len = 0;
    assert_int_equal(peerreview_render_csv_record(one, 1, sink_write, &s), OK);
    assert_string_equal(s.buf, "x\r\n");
}

/* A record of the values of a row is the line peerreview_render writes for it. */
static void test_csv_record_as_render(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(peerreview_render(ds, PEERREVIEW_REVIEWS, NULL, NULL, &text, &len), OK);
    size_t ncols = peerreview_column_count(PEERREVIEW_REVIEWS);
    const char **fields = calloc(ncols, sizeof *fields);
    assert_non_null(fields);
    const char *rest = text;
    /* the header, then one record a review: each the next line of the render */
    for (size_t i = 0; i <= peerreview_dataset_count(ds); i++) {
        const peerreview_review *r = i ? peerreview_dataset_review_byindex(ds, i - 1) : NULL;
        for (size_t c = 0; c < ncols; c++)
            fields[c] = r ? review_str_at(r, c) : peerreview_column_name(PEERREVIEW_REVIEWS, c);
        sink s = {{0}, 0, 0, 0};
        assert_int_equal(peerreview_render_csv_record(fields, ncols, sink_write, &s), OK);
        assert_true(s.len > 2 && s.len <= len);
        assert_memory_equal(rest, s.buf, s.len);
        rest += s.len;
        len -= s.len;
    }
    assert_int_equal(len, 0);
    free(fields);
    peerreview_free(text);
    peerreview_dataset_free(ds);
}

static void test_csv_record_errors(void **state)
{
    (void)state;
    const char *const fields[] = {"a", "b"};
    sink s = {{0}, 0, 0, 0};
    assert_int_equal(peerreview_render_csv_record(NULL, 2, sink_write, &s), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_render_csv_record(fields, 0, sink_write, &s), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_render_csv_record(fields, 2, NULL, &s), PEERREVIEW_EINVAL);
    assert_int_equal(s.calls, 0);
    s.fail = ENOSPC;
    errno = 0;
    assert_int_equal(peerreview_render_csv_record(fields, 2, sink_write, &s), PEERREVIEW_EIO);
    assert_int_equal(errno, ENOSPC);
    assert_int_equal(s.calls, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_sample),
        cmocka_unit_test(test_copy_independent),
        cmocka_unit_test(test_copy_seq),
        cmocka_unit_test(test_copy_arguments),
        cmocka_unit_test(test_key_compare_two_loads),
        cmocka_unit_test(test_key_compare_order),
        cmocka_unit_test(test_csv_record_quoting),
        cmocka_unit_test(test_csv_record_as_render),
        cmocka_unit_test(test_csv_record_errors),
    };
    return cmocka_run_group_tests_name("copy, key compare, CSV records", tests, NULL, NULL);
}
