/* Tests of the data model API: datasets, reviews, child rows, in-memory validation. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define R  PEERREVIEW_REVIEWS
#define RC PEERREVIEW_REVIEW_COUNCILS
#define TM PEERREVIEW_TEAM_MEMBERS
#define IT PEERREVIEW_ITEMS
#define CO PEERREVIEW_CONSIDERATIONS
#define SO PEERREVIEW_SOURCES

/* A review with the required fields set (not in a dataset). */
static peerreview_review *make_review(const char *id)
{
    peerreview_review *r = peerreview_review_new();
    assert_non_null(r);
    if (id)
        assert_int_equal(peerreview_review_set_byname(r, "review_id", id, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(r, "review_type", "corporate", NULL),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(r, "stage", "initial", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(r, "onsite_start", "2019", NULL), PEERREVIEW_OK);
    return r;
}

static void add_review(peerreview_dataset *ds, const char *id)
{
    peerreview_review *r = make_review(id);
    assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
}

/* Find the problem with code and field; fail if absent. */
static const peerreview_problem *problem_with(const peerreview_diag *d, peerreview_code code,
                                              const char *field)
{
    return expect_problem(d, code, NULL, 0, 0, field);
}

/* ---- free(NULL) ---- */

static void test_free_null(void **state)
{
    (void)state;
    peerreview_dataset_free(NULL);
    peerreview_review_free(NULL);
    peerreview_diag_free(NULL);
    peerreview_options_free(NULL);
    peerreview_reader_free(NULL);
    peerreview_diag_clear(NULL);
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_non_null(ds);
    assert_int_equal(peerreview_dataset_count(ds), 0);
    assert_null(peerreview_dataset_review_byindex_mut(ds, 0));
    assert_null(peerreview_dataset_review_byid_mut(ds, "anything"));
    assert_int_equal(peerreview_dataset_remove(ds, "anything"), PEERREVIEW_ENOTFOUND);
    assert_int_equal(peerreview_dataset_remove(ds, NULL), PEERREVIEW_EINVAL);
    peerreview_dataset_free(ds);
    /* NULL handles are safe everywhere */
    assert_int_equal(peerreview_dataset_count(NULL), 0);
    assert_null(peerreview_dataset_review_byid_mut(NULL, "x"));
    assert_int_equal(review_get_status(NULL, "notes"), PEERREVIEW_EINVAL);
    assert_null(peerreview_review_owner(NULL));
    assert_int_equal(peerreview_review_set_byname(NULL, "notes", "x", NULL), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_dataset_add(NULL, NULL, NULL), PEERREVIEW_EINVAL);
    assert_int_equal(row_get_status(NULL, "seq"), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_row_set_byname(NULL, "seq", "1", NULL), PEERREVIEW_EINVAL);
}

/* ---- review values ---- */

static const char *const good_values[19] = {
    "e10000034-csg-2015-04",
    "childrens_safeguarding",
    "  Safeguarding, \"children\"\r\npeer review  ",
    "progress",
    "e10000034-csg-2013",
    "LGA/PAS \xc3\x85 \xca\xa4 \xf0\x9f\x98\x80",
    "2015-04",
    "2015-04-17",
    "hybrid",
    "2015-06",
    "2016",
    "2016-02-29",
    "2017-01",
    "0",
    "7",
    "9223372036854775807",
    "12",
    "https://www.worcestershire.gov.uk/a?b=c#d",
    "=SUM(A1)\n- line two\r\n\ttab",
};

static void test_review_set_get(void **state)
{
    (void)state;
    assert_int_equal(peerreview_column_count(R), 19);
    peerreview_review *r = peerreview_review_new();
    assert_non_null(r);
    assert_null(peerreview_review_owner(r));
    for (size_t c = 0; c < 19; c++)
        assert_null(review_str_at(r, c));
    /* by name */
    for (size_t c = 0; c < 19; c++) {
        const char *name = peerreview_column_name(R, c);
        assert_int_equal(peerreview_review_set_byname(r, name, good_values[c], NULL),
                         PEERREVIEW_OK);
    }
    for (size_t c = 0; c < 19; c++) {
        const char *name = peerreview_column_name(R, c);
        assert_string_equal(review_str_at(r, c), good_values[c]);
        assert_string_equal(review_str(r, name), good_values[c]);
        /* a copy, not the caller's pointer (enum values may share the schema's) */
        if (peerreview_column_type(R, c) == PEERREVIEW_TYPE_TEXT)
            assert_ptr_not_equal(review_str_at(r, c), good_values[c]);
    }
    /* by index, overwriting */
    assert_int_equal(peerreview_review_set_byindex(r, 18, " x ", NULL), PEERREVIEW_OK);
    assert_string_equal(review_str(r, "notes"), " x ");
    assert_int_equal(peerreview_review_set_byindex(r, 1, "finance", NULL), PEERREVIEW_OK);
    assert_string_equal(review_str(r, "review_type"), "finance");
    /* "" and NULL make a value unknown */
    assert_int_equal(peerreview_review_set_byname(r, "notes", "", NULL), PEERREVIEW_OK);
    assert_null(review_str(r, "notes"));
    assert_int_equal(peerreview_review_set_byname(r, "provider", NULL, NULL), PEERREVIEW_OK);
    assert_null(review_str(r, "provider"));
    assert_int_equal(peerreview_review_set_byindex(r, 14, "", NULL), PEERREVIEW_OK);
    assert_null(review_str(r, "team_size"));
    assert_int_equal(peerreview_review_set_byindex(r, 6, NULL, NULL), PEERREVIEW_OK);
    assert_null(review_str(r, "onsite_start"));
    /* bad names and indices */
    assert_int_equal(peerreview_review_set_byname(r, "no_such_column", "x", NULL),
                     PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_review_set_byname(r, "Notes", "x", NULL), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_review_set_byname(r, NULL, "x", NULL), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_review_set_byindex(r, 19, "x", NULL), PEERREVIEW_EINVAL);
    assert_int_equal(review_get_status(r, "no_such_column"), PEERREVIEW_EINVAL);
    const char *none = "unset";
    assert_int_equal(peerreview_review_get_byindex(r, 19, &none), PEERREVIEW_EINVAL);
    assert_null(none);
    peerreview_review_free(r);
}

typedef struct bad_case {
    const char *column;
    const char *value;
    peerreview_code code;
} bad_case;

static void test_review_set_invalid(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"review_id", "Bad Id", PEERREVIEW_P_BAD_PATTERN},
        {"review_id", "-leading-hyphen", PEERREVIEW_P_BAD_PATTERN},
        {"review_type", "Corporate", PEERREVIEW_P_BAD_ENUM},
        {"stage", "final", PEERREVIEW_P_BAD_ENUM},
        {"parent_review_id", "UPPER", PEERREVIEW_P_BAD_PATTERN},
        {"onsite_start", "2015-02-30", PEERREVIEW_P_BAD_DATE},
        {"onsite_end", "2015-13", PEERREVIEW_P_BAD_DATE},
        {"report_date", "15-04-2015", PEERREVIEW_P_BAD_DATE},
        {"published_date", " 2015", PEERREVIEW_P_WHITESPACE},
        {"action_plan_due", "2015-4", PEERREVIEW_P_BAD_DATE},
        {"onsite_mode", "Onsite", PEERREVIEW_P_BAD_ENUM},
        {"recommendation_count", "-1", PEERREVIEW_P_BAD_INTEGER},
        {"recommendation_count", "07", PEERREVIEW_P_BAD_INTEGER},
        {"team_size", "0", PEERREVIEW_P_BAD_INTEGER},
        {"people_engaged", "9223372036854775808", PEERREVIEW_P_BAD_INTEGER},
        {"meetings_held", "12 ", PEERREVIEW_P_WHITESPACE},
        {"report_url", "ftp://example.org/x", PEERREVIEW_P_BAD_URL},
        {"report_url", "https://", PEERREVIEW_P_BAD_URL},
        {"notes", "bad \xff utf8", PEERREVIEW_P_INVALID_UTF8},
    };
    peerreview_review *r = peerreview_review_new();
    assert_non_null(r);
    for (size_t c = 0; c < 19; c++)
        assert_int_equal(peerreview_review_set_byindex(r, c, good_values[c], NULL), PEERREVIEW_OK);
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        peerreview_diag_clear(d);
        int col = peerreview_column_index(R, cases[i].column);
        assert_true(col >= 0);
        const char *before = review_str_at(r, (size_t)col);
        /* by name and by index */
        assert_int_equal(peerreview_review_set_byname(r, cases[i].column, cases[i].value, d),
                         PEERREVIEW_EDATA);
        assert_int_equal(peerreview_review_set_byindex(r, (size_t)col, cases[i].value, d),
                         PEERREVIEW_EDATA);
        assert_int_equal(peerreview_diag_count(d), 2);
        assert_int_equal(peerreview_diag_errors(d), 2);
        for (size_t k = 0; k < 2; k++) {
            const peerreview_problem *p = peerreview_diag_get(d, k);
            assert_int_equal(peerreview_problem_code(p), cases[i].code);
            assert_int_equal(peerreview_problem_severity(p), PEERREVIEW_SEVERITY_ERROR);
            assert_non_null(peerreview_problem_field(p));
            assert_string_equal(peerreview_problem_field(p), cases[i].column);
            assert_null(peerreview_problem_file(p));
            assert_int_equal(peerreview_problem_line(p), 0);
        }
        /* nothing changed: same pointer, same bytes */
        assert_ptr_equal(review_str_at(r, (size_t)col), before);
        assert_string_equal(review_str_at(r, (size_t)col), good_values[col]);
    }
    /* a diag of NULL is fine too */
    assert_int_equal(peerreview_review_set_byname(r, "stage", "x", NULL), PEERREVIEW_EDATA);
    assert_string_equal(review_str(r, "stage"), "progress");
    /* every other value still there */
    for (size_t c = 0; c < 19; c++)
        assert_string_equal(review_str_at(r, c), good_values[c]);
    peerreview_diag_free(d);
    peerreview_review_free(r);
}

/* ---- dataset add ---- */

static void test_dataset_add(void **state)
{
    (void)state;
    peerreview_dataset *ds = peerreview_dataset_new();
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(ds);
    assert_non_null(d);

    /* no review_id: EDATA, caller keeps it */
    peerreview_review *noid = make_review(NULL);
    assert_int_equal(peerreview_dataset_add(ds, noid, d), PEERREVIEW_EDATA);
    problem_with(d, PEERREVIEW_P_MISSING_VALUE, "review_id");
    assert_null(peerreview_review_owner(noid));
    assert_int_equal(peerreview_dataset_count(ds), 0);
    peerreview_review_free(noid);

    /* a normal add: strings returned before the add stay valid after it */
    peerreview_review *a = make_review("alpha");
    assert_int_equal(peerreview_review_set_byname(a, "notes", "note of alpha", NULL),
                     PEERREVIEW_OK);
    const char *notes = review_str(a, "notes");
    const char *id = review_str(a, "review_id");
    assert_int_equal(peerreview_dataset_add(ds, a, d), PEERREVIEW_OK);
    assert_ptr_equal(peerreview_review_owner(a), ds);
    assert_int_equal(peerreview_dataset_count(ds), 1);
    assert_ptr_equal(peerreview_dataset_review_byindex_mut(ds, 0), a);
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "alpha"), a);
    assert_string_equal(notes, "note of alpha");
    assert_string_equal(id, "alpha");
    assert_ptr_equal(review_str(a, "notes"), notes);

    /* review_free of an owned review is a no-op */
    peerreview_review_free(a);
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "alpha"), a);
    assert_string_equal(review_str(a, "notes"), "note of alpha");

    /* adding it again: EINVAL, in this or another dataset */
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_dataset_add(ds, a, d), PEERREVIEW_EINVAL);
    peerreview_dataset *other = peerreview_dataset_new();
    assert_non_null(other);
    assert_int_equal(peerreview_dataset_add(other, a, d), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_dataset_count(other), 0);
    assert_ptr_equal(peerreview_review_owner(a), ds);
    peerreview_dataset_free(other);

    /* a second review with the same id: EEXIST, caller still owns it */
    peerreview_diag_clear(d);
    peerreview_review *dup = make_review("alpha");
    assert_int_equal(peerreview_dataset_add(ds, dup, d), PEERREVIEW_EEXIST);
    const peerreview_problem *p = problem_with(d, PEERREVIEW_P_DUPLICATE_KEY, "review_id");
    assert_non_null(strstr(peerreview_problem_message(p), "alpha"));
    assert_null(peerreview_review_owner(dup));
    assert_int_equal(peerreview_dataset_count(ds), 1);
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "alpha"), a);
    /* the rejected review can get another id and then be added */
    assert_int_equal(peerreview_review_set_byname(dup, "review_id", "beta", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_add(ds, dup, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_count(ds), 2);
    assert_ptr_equal(peerreview_dataset_review_byindex_mut(ds, 1), dup);
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "beta"), dup);

    /* a review in a dataset must keep an id */
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_review_set_byname(dup, "review_id", "", d), PEERREVIEW_EDATA);
    problem_with(d, PEERREVIEW_P_MISSING_VALUE, "review_id");
    assert_int_equal(peerreview_review_set_byname(dup, "review_id", NULL, NULL), PEERREVIEW_EDATA);
    assert_string_equal(review_str(dup, "review_id"), "beta");

    /* remove */
    assert_int_equal(peerreview_dataset_remove(ds, "alpha"), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_remove(ds, "alpha"), PEERREVIEW_ENOTFOUND);
    assert_null(peerreview_dataset_review_byid_mut(ds, "alpha"));
    assert_int_equal(peerreview_dataset_count(ds), 1);
    assert_ptr_equal(peerreview_dataset_review_byindex_mut(ds, 0), dup);
    /* (strings of the removed review were freed with it) */
    assert_string_equal(review_str(dup, "review_id"), "beta");
    /* the id is free again */
    add_review(ds, "alpha");
    assert_int_equal(peerreview_dataset_count(ds), 2);
    assert_string_equal(review_str(peerreview_dataset_review_byindex_mut(ds, 1), "review_id"),
                        "alpha");
    peerreview_diag_free(d);
    peerreview_dataset_free(ds);
}

/* ---- many adds and removes ---- */

#define MANY 20000

static void test_find_many(void **state)
{
    (void)state;
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_non_null(ds);
    char id[32];
    for (int i = 0; i < MANY; i++) {
        snprintf(id, sizeof id, "r%d", i);
        peerreview_review *r = peerreview_review_new();
        assert_non_null(r);
        assert_int_equal(peerreview_review_set_byname(r, "review_id", id, NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
    }
    assert_int_equal(peerreview_dataset_count(ds), MANY);
    for (int i = 0; i < MANY; i++) {
        snprintf(id, sizeof id, "r%d", i);
        peerreview_review *r = peerreview_dataset_review_byid_mut(ds, id);
        assert_non_null(r);
        assert_ptr_equal(r, peerreview_dataset_review_byindex_mut(ds, (size_t)i));
        assert_string_equal(review_str(r, "review_id"), id);
    }
    for (int i = 0; i < MANY; i += 3) {
        snprintf(id, sizeof id, "r%d", i);
        assert_int_equal(peerreview_dataset_remove(ds, id), PEERREVIEW_OK);
    }
    size_t expect_n = MANY - (MANY + 2) / 3;
    assert_int_equal(peerreview_dataset_count(ds), expect_n);
    size_t k = 0;
    for (int i = 0; i < MANY; i++) {
        snprintf(id, sizeof id, "r%d", i);
        peerreview_review *r = peerreview_dataset_review_byid_mut(ds, id);
        if (i % 3 == 0) {
            assert_null(r);
            continue;
        }
        assert_non_null(r);
        assert_string_equal(review_str(r, "review_id"), id);
        /* order: the survivors in insertion order */
        assert_ptr_equal(peerreview_dataset_review_byindex_mut(ds, k), r);
        k++;
    }
    assert_int_equal(k, expect_n);
    assert_null(peerreview_dataset_review_byindex_mut(ds, expect_n));
    assert_null(peerreview_dataset_review_byid_mut(ds, "r20000"));
    assert_null(peerreview_dataset_review_byid_mut(ds, ""));
    /* re-add some removed ones: they go to the end */
    assert_int_equal(peerreview_dataset_remove(ds, "r0"), PEERREVIEW_ENOTFOUND);
    add_review(ds, "r0");
    add_review(ds, "r3");
    assert_int_equal(peerreview_dataset_count(ds), expect_n + 2);
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "r0"),
                     peerreview_dataset_review_byindex_mut(ds, expect_n));
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "r3"),
                     peerreview_dataset_review_byindex_mut(ds, expect_n + 1));
    for (int i = 1; i < MANY; i += 3) {
        snprintf(id, sizeof id, "r%d", i);
        assert_non_null(peerreview_dataset_review_byid_mut(ds, id));
    }
    peerreview_dataset_free(ds);
}

/* ---- renaming ---- */

static void test_rename(void **state)
{
    (void)state;
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_non_null(ds);
    char id[32];
    for (int i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "r%d", i);
        add_review(ds, id);
    }
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "r42");
    assert_non_null(r);
    const char *type = review_str(r, "review_type");
    assert_int_equal(peerreview_review_set_byname(r, "review_id", "renamed-42", NULL),
                     PEERREVIEW_OK);
    assert_null(peerreview_dataset_review_byid_mut(ds, "r42"));
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "renamed-42"), r);
    assert_string_equal(review_str(r, "review_id"), "renamed-42");
    /* the old id string is freed; the review's other values stay */
    assert_ptr_equal(review_str(r, "review_type"), type);
    assert_string_equal(type, "corporate");
    assert_ptr_equal(peerreview_dataset_review_byindex_mut(ds, 42), r);

    /* a taken id: EEXIST, nothing changes */
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    assert_int_equal(peerreview_review_set_byname(r, "review_id", "r7", d), PEERREVIEW_EEXIST);
    const peerreview_problem *p = problem_with(d, PEERREVIEW_P_DUPLICATE_KEY, "review_id");
    assert_non_null(strstr(peerreview_problem_message(p), "r7"));
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "renamed-42"), r);
    assert_ptr_not_equal(peerreview_dataset_review_byid_mut(ds, "r7"), r);
    assert_string_equal(review_str(r, "review_id"), "renamed-42");
    /* an invalid id: EDATA */
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_review_set_byname(r, "review_id", "Not A Slug", d),
                     PEERREVIEW_EDATA);
    problem_with(d, PEERREVIEW_P_BAD_PATTERN, "review_id");
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "renamed-42"), r);
    /* setting the same id is a no-op */
    uint64_t g = peerreview_dataset_generation(ds);
    assert_int_equal(peerreview_review_set_byname(r, "review_id", "renamed-42", NULL),
                     PEERREVIEW_OK);
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "renamed-42"), r);
    (void)g;
    /* the old id can be taken by someone else now */
    peerreview_review *r7 = peerreview_dataset_review_byid_mut(ds, "r7");
    assert_int_equal(peerreview_review_set_byname(r7, "review_id", "r42", NULL), PEERREVIEW_OK);
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "r42"), r7);
    assert_null(peerreview_dataset_review_byid_mut(ds, "r7"));
    /* rename back and forth many times, then check every lookup */
    for (int k = 0; k < 1000; k++) {
        snprintf(id, sizeof id, "tmp-%d", k);
        assert_int_equal(peerreview_review_set_byname(r, "review_id", id, NULL), PEERREVIEW_OK);
    }
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "tmp-999"), r);
    assert_null(peerreview_dataset_review_byid_mut(ds, "tmp-998"));
    assert_null(peerreview_dataset_review_byid_mut(ds, "renamed-42"));
    for (int i = 0; i < 100; i++) {
        if (i == 42 || i == 7)
            continue;
        snprintf(id, sizeof id, "r%d", i);
        assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, id),
                         peerreview_dataset_review_byindex_mut(ds, (size_t)i));
    }
    /* child rows report the new id */
    peerreview_row *row = NULL;
    assert_int_equal(peerreview_review_add_child(r, SO, &row), PEERREVIEW_OK);
    assert_string_equal(row_str(row, "review_id"), "tmp-999");
    assert_int_equal(peerreview_review_set_byname(r, "review_id", "final-id", NULL), PEERREVIEW_OK);
    assert_string_equal(row_str(row, "review_id"), "final-id");
    assert_string_equal(row_str_at(row, 0), "final-id");
    /* remove by the new id */
    assert_int_equal(peerreview_dataset_remove(ds, "final-id"), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_count(ds), 99);
    assert_null(peerreview_dataset_review_byid_mut(ds, "final-id"));
    peerreview_diag_free(d);
    peerreview_dataset_free(ds);
}

/* ---- generation ---- */

static void test_generation(void **state)
{
    (void)state;
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_non_null(ds);
    uint64_t g = peerreview_dataset_generation(ds);
#define CHANGED()                                                                                  \
    do {                                                                                           \
        uint64_t g2_ = peerreview_dataset_generation(ds);                                          \
        assert_true(g2_ != g);                                                                     \
        g = g2_;                                                                                   \
    } while (0)
#define SAME() assert_true(peerreview_dataset_generation(ds) == g)
    add_review(ds, "one");
    CHANGED();
    add_review(ds, "two");
    CHANGED();
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "one");
    /* a failed add changes nothing */
    peerreview_review *dup = make_review("two");
    assert_int_equal(peerreview_dataset_add(ds, dup, NULL), PEERREVIEW_EEXIST);
    SAME();
    peerreview_review_free(dup);
    /* plain value changes do not count */
    assert_int_equal(peerreview_review_set_byname(r, "notes", "x", NULL), PEERREVIEW_OK);
    SAME();
    peerreview_row *row;
    assert_int_equal(peerreview_review_add_child(r, TM, &row), PEERREVIEW_OK);
    CHANGED();
    assert_int_equal(peerreview_row_set_byname(row, "name", "A Person", NULL), PEERREVIEW_OK);
    SAME();
    assert_int_equal(peerreview_review_add_child(r, IT, &row), PEERREVIEW_OK);
    CHANGED();
    assert_int_equal(peerreview_review_remove_child(r, TM, 0), PEERREVIEW_OK);
    CHANGED();
    assert_int_equal(peerreview_review_remove_child(r, TM, 0), PEERREVIEW_ENOTFOUND);
    SAME();
    assert_int_equal(peerreview_review_set_byname(r, "review_id", "uno", NULL), PEERREVIEW_OK);
    CHANGED();
    assert_int_equal(peerreview_review_set_byname(r, "review_id", "two", NULL), PEERREVIEW_EEXIST);
    SAME();
    assert_int_equal(peerreview_dataset_remove(ds, "nope"), PEERREVIEW_ENOTFOUND);
    SAME();
    assert_int_equal(peerreview_dataset_remove(ds, "uno"), PEERREVIEW_OK);
    CHANGED();
#undef CHANGED
#undef SAME
    peerreview_dataset_free(ds);
}

/* ---- child rows ---- */

static void test_children(void **state)
{
    (void)state;
    peerreview_review *r = make_review("kids");
    peerreview_row *row = NULL;
    /* bad tables */
    assert_int_equal(peerreview_review_add_child(r, R, &row), PEERREVIEW_EINVAL);
    assert_null(row);
    assert_int_equal(peerreview_review_add_child(r, 6, &row), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_review_add_child(r, -1, &row), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_review_child_count(r, R), 0);
    assert_null(peerreview_review_child_byindex_mut(r, RC, 0));

    /* seq presets 1, 2, 3 for every non-item child table */
    static const int tables[] = {RC, TM, CO, SO};
    for (size_t t = 0; t < 4; t++) {
        for (int i = 1; i <= 3; i++) {
            row = NULL;
            assert_int_equal(peerreview_review_add_child(r, tables[t], &row), PEERREVIEW_OK);
            assert_non_null(row);
            char want[8];
            snprintf(want, sizeof want, "%d", i);
            assert_string_equal(row_str(row, "seq"), want);
            assert_int_equal(peerreview_row_table(row), tables[t]);
            assert_ptr_equal(peerreview_row_owner(row), r);
            assert_string_equal(row_str(row, "review_id"), "kids");
            assert_string_equal(row_str_at(row, 0), "kids");
            /* every other value unknown */
            for (size_t c = 2; c < peerreview_column_count(tables[t]); c++)
                assert_null(row_str_at(row, c));
        }
        assert_int_equal(peerreview_review_child_count(r, tables[t]), 3);
    }
    /* after a gap the next seq is one more than the largest */
    row = peerreview_review_child_byindex_mut(r, SO, 2);
    assert_int_equal(peerreview_row_set_byname(row, "seq", "10", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_add_child(r, SO, &row), PEERREVIEW_OK);
    assert_string_equal(row_str(row, "seq"), "11");

    /* items: seq by kind */
    static const char *const kinds[] = {"focus", "focus",    "strength",
                                        "focus", "strength", "recommendation"};
    static const char *const seqs[] = {"1", "2", "1", "3", "2", "1"};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(peerreview_review_add_child(r, IT, &row), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(row, "kind", kinds[i], NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(row, "seq", NULL, NULL), PEERREVIEW_OK);
        assert_string_equal(row_str(row, "seq"), seqs[i]);
        assert_string_equal(row_str(row, "kind"), kinds[i]);
        assert_int_equal(peerreview_row_set_byname(row, "text", "Item text", NULL), PEERREVIEW_OK);
    }
    /* "" for seq also picks the next one */
    row = peerreview_review_child_byindex_mut(r, IT, 0);
    assert_int_equal(peerreview_row_set_byname(row, "seq", "", NULL), PEERREVIEW_OK);
    assert_string_equal(row_str(row, "seq"), "4");
    assert_int_equal(peerreview_review_child_count(r, IT), 6);

    /* review_id cannot be set */
    row = peerreview_review_child_byindex_mut(r, RC, 0);
    assert_int_equal(peerreview_row_set_byname(row, "review_id", "other", NULL), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_row_set_byindex(row, 0, "other", NULL), PEERREVIEW_EINVAL);
    assert_string_equal(row_str(row, "review_id"), "kids");
    /* unknown columns */
    assert_int_equal(peerreview_row_set_byname(row, "nope", "x", NULL), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_row_set_byindex(row, 8, "x", NULL), PEERREVIEW_EINVAL);
    assert_int_equal(row_get_status(row, "nope"), PEERREVIEW_EINVAL);
    const char *none = "unset";
    assert_int_equal(peerreview_row_get_byindex(row, 8, &none), PEERREVIEW_EINVAL);
    assert_null(none);

    /* valid values stored byte-exact, invalid rejected with the field */
    assert_int_equal(peerreview_row_set_byname(row, "gss_code", "E10000034", NULL), PEERREVIEW_OK);
    assert_int_equal(
        peerreview_row_set_byname(row, "council_name", " Worcestershire, \"CC\"\n", NULL),
        PEERREVIEW_OK);
    assert_string_equal(row_str(row, "council_name"), " Worcestershire, \"CC\"\n");
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    assert_int_equal(peerreview_row_set_byname(row, "gss_code", "E11000034", d), PEERREVIEW_EDATA);
    problem_with(d, PEERREVIEW_P_BAD_PATTERN, "gss_code");
    assert_string_equal(row_str(row, "gss_code"), "E10000034");
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_row_set_byname(row, "seq", "0", d), PEERREVIEW_EDATA);
    problem_with(d, PEERREVIEW_P_BAD_INTEGER, "seq");
    assert_string_equal(row_str(row, "seq"), "1");
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_row_set_byname(row, "authority_type", "County", d),
                     PEERREVIEW_EDATA);
    problem_with(d, PEERREVIEW_P_BAD_ENUM, "authority_type");
    assert_null(row_str(row, "authority_type"));
    peerreview_diag_clear(d);
    peerreview_row *src = peerreview_review_child_byindex_mut(r, SO, 0);
    assert_int_equal(peerreview_row_set_byname(src, "url", "www.example.org", d), PEERREVIEW_EDATA);
    problem_with(d, PEERREVIEW_P_BAD_URL, "url");
    peerreview_diag_clear(d);
    peerreview_row *con = peerreview_review_child_byindex_mut(r, CO, 0);
    assert_int_equal(peerreview_row_set_byname(con, "date", "2015-02-29", d), PEERREVIEW_EDATA);
    problem_with(d, PEERREVIEW_P_BAD_DATE, "date");
    assert_int_equal(peerreview_row_set_byname(con, "date", "2016-02-29", NULL), PEERREVIEW_OK);
    assert_string_equal(row_str(con, "date"), "2016-02-29");
    /* "" makes unknown */
    assert_int_equal(peerreview_row_set_byname(row, "gss_code", "", NULL), PEERREVIEW_OK);
    assert_null(row_str(row, "gss_code"));

    /* remove_child keeps the order of the rest */
    peerreview_row *t0 = peerreview_review_child_byindex_mut(r, TM, 0);
    peerreview_row *t2 = peerreview_review_child_byindex_mut(r, TM, 2);
    assert_int_equal(peerreview_row_set_byname(t0, "name", "First", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(t2, "name", "Third", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_remove_child(r, TM, 1), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_child_count(r, TM), 2);
    assert_ptr_equal(peerreview_review_child_byindex_mut(r, TM, 0), t0);
    assert_ptr_equal(peerreview_review_child_byindex_mut(r, TM, 1), t2);
    assert_null(peerreview_review_child_byindex_mut(r, TM, 2));
    assert_int_equal(peerreview_review_remove_child(r, TM, 2), PEERREVIEW_ENOTFOUND);
    assert_int_equal(peerreview_review_remove_child(r, R, 0), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_review_remove_child(r, TM, 0), PEERREVIEW_OK);
    assert_ptr_equal(peerreview_review_child_byindex_mut(r, TM, 0), t2);
    assert_string_equal(row_str(t2, "name"), "Third");
    /* the next seq follows the largest left (3) */
    assert_int_equal(peerreview_review_add_child(r, TM, &row), PEERREVIEW_OK);
    assert_string_equal(row_str(row, "seq"), "4");

    /* the child rows move with the review into a dataset */
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_non_null(ds);
    const char *cname = row_str(peerreview_review_child_byindex_mut(r, RC, 0), "council_name");
    assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_child_count(r, IT), 6);
    assert_string_equal(cname, " Worcestershire, \"CC\"\n");
    assert_string_equal(row_str(peerreview_review_child_byindex_mut(r, IT, 5), "review_id"),
                        "kids");
    peerreview_diag_free(d);
    peerreview_dataset_free(ds);
}

/* ---- in-memory validation ---- */

static peerreview_row *add_council(peerreview_review *r, const char *seq, const char *gss,
                                   const char *name, const char *type)
{
    peerreview_row *row;
    assert_int_equal(peerreview_review_add_child(r, RC, &row), PEERREVIEW_OK);
    if (seq)
        assert_int_equal(peerreview_row_set_byname(row, "seq", seq, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "gss_code", gss, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "council_name", name, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "authority_type", type, NULL), PEERREVIEW_OK);
    return row;
}

/* The problem with code and field whose message names the review; fails if none. */
static const peerreview_problem *problem_about(const peerreview_diag *d, peerreview_code code,
                                               const char *field, const char *review_id,
                                               peerreview_severity sev)
{
    for (size_t i = 0; i < peerreview_diag_count(d); i++) {
        const peerreview_problem *p = peerreview_diag_get(d, i);
        const char *f = peerreview_problem_field(p);
        if (peerreview_problem_code(p) == code && f && strcmp(f, field) == 0 &&
            strstr(peerreview_problem_message(p), review_id)) {
            assert_int_equal(peerreview_problem_severity(p), sev);
            /* not loaded: no file position */
            assert_null(peerreview_problem_file(p));
            assert_int_equal(peerreview_problem_line(p), 0);
            assert_int_equal(peerreview_problem_column(p), 0);
            return p;
        }
    }
    fprintf(stderr, "no %s problem on %s about %s; have:\n", peerreview_code_name(code), field,
            review_id);
    dump_diag(d);
    fail();
    return NULL;
}

static void test_validate_cross(void **state)
{
    (void)state;
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_non_null(ds);
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);

    /* a clean dataset validates */
    peerreview_review *a = make_review("rev-alpha");
    add_council(a, NULL, "E10000034", "Worcestershire County Council", "county");
    assert_int_equal(peerreview_dataset_add(ds, a, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_validate(ds, NULL, d), PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    assert_int_equal(peerreview_dataset_validate(NULL, NULL, d), PEERREVIEW_EINVAL);

    /* authority_type vs gss_code */
    peerreview_row *c1 = peerreview_review_child_byindex_mut(a, RC, 0);
    assert_int_equal(peerreview_row_set_byname(c1, "authority_type", "unitary", NULL),
                     PEERREVIEW_OK);
    /* region name vs region code */
    assert_int_equal(peerreview_row_set_byname(c1, "region_gss", "E12000005", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(c1, "region_name", "London", NULL), PEERREVIEW_OK);
    /* a seq gap (1, 3) */
    add_council(a, "3", "E06000019", "Herefordshire Council", "unitary");

    /* duplicate child key */
    peerreview_review *b = make_review("rev-beta");
    peerreview_row *t;
    assert_int_equal(peerreview_review_add_child(b, TM, &t), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(t, "name", "One", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_add_child(b, TM, &t), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(t, "seq", "1", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(t, "name", "Two", NULL), PEERREVIEW_OK);
    /* duplicate item key within a kind; same seq in another kind is fine */
    static const char *const ik[] = {"focus", "focus", "strength"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(peerreview_review_add_child(b, IT, &t), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(t, "kind", ik[i], NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(t, "seq", "2", NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(t, "text", "x", NULL), PEERREVIEW_OK);
    }
    assert_int_equal(peerreview_dataset_add(ds, b, NULL), PEERREVIEW_OK);

    /* parent_review_id unknown */
    peerreview_review *c = make_review("rev-gamma");
    assert_int_equal(peerreview_review_set_byname(c, "stage", "progress", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(c, "parent_review_id", "rev-nowhere", NULL),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_add(ds, c, NULL), PEERREVIEW_OK);
    /* parent is itself */
    peerreview_review *e = make_review("rev-delta");
    assert_int_equal(peerreview_review_set_byname(e, "stage", "progress", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(e, "parent_review_id", "rev-delta", NULL),
                     PEERREVIEW_OK);
    /* dates in an impossible order */
    assert_int_equal(peerreview_review_set_byname(e, "onsite_start", "2019-05", NULL),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(e, "onsite_end", "2019-04-30", NULL),
                     PEERREVIEW_OK);
    /* missing required values (review_type) and item text */
    assert_int_equal(peerreview_review_set_byname(e, "review_type", NULL, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_add_child(e, SO, &t), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_add(ds, e, NULL), PEERREVIEW_OK);
    /* progress review whose parent is not initial */
    peerreview_review *f = make_review("rev-epsilon");
    assert_int_equal(peerreview_review_set_byname(f, "stage", "progress", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(f, "parent_review_id", "rev-gamma", NULL),
                     PEERREVIEW_OK);
    /* team_size smaller than the team listed */
    assert_int_equal(peerreview_review_set_byname(f, "team_size", "1", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_add_child(f, TM, &t), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_add_child(f, TM, &t), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_add(ds, f, NULL), PEERREVIEW_OK);

    assert_int_equal(peerreview_dataset_validate(ds, NULL, d), PEERREVIEW_EDATA);
    problem_about(d, PEERREVIEW_P_INCONSISTENT, "authority_type", "rev-alpha",
                  PEERREVIEW_SEVERITY_ERROR);
    problem_about(d, PEERREVIEW_P_INCONSISTENT, "region_name", "rev-alpha",
                  PEERREVIEW_SEVERITY_ERROR);
    problem_about(d, PEERREVIEW_P_SEQ_GAP, "seq", "rev-alpha", PEERREVIEW_SEVERITY_WARNING);
    problem_about(d, PEERREVIEW_P_DUPLICATE_KEY, "seq", "rev-beta", PEERREVIEW_SEVERITY_ERROR);
    problem_about(d, PEERREVIEW_P_FOREIGN_KEY, "parent_review_id", "rev-gamma",
                  PEERREVIEW_SEVERITY_ERROR);
    problem_about(d, PEERREVIEW_P_INCONSISTENT, "parent_review_id", "rev-delta",
                  PEERREVIEW_SEVERITY_ERROR);
    problem_about(d, PEERREVIEW_P_INCONSISTENT, "onsite_end", "rev-delta",
                  PEERREVIEW_SEVERITY_ERROR);
    problem_about(d, PEERREVIEW_P_MISSING_VALUE, "review_type", "rev-delta",
                  PEERREVIEW_SEVERITY_ERROR);
    problem_about(d, PEERREVIEW_P_MISSING_VALUE, "url", "rev-delta", PEERREVIEW_SEVERITY_ERROR);
    problem_about(d, PEERREVIEW_P_INCONSISTENT, "parent_review_id", "rev-epsilon",
                  PEERREVIEW_SEVERITY_ERROR);
    problem_about(d, PEERREVIEW_P_COUNT_MISMATCH, "team_size", "rev-epsilon",
                  PEERREVIEW_SEVERITY_WARNING);
    /* two duplicate keys in rev-beta (team member and focus item), no others */
    size_t dups = 0, gaps = 0;
    for (size_t i = 0; i < peerreview_diag_count(d); i++) {
        const peerreview_problem *p = peerreview_diag_get(d, i);
        if (peerreview_problem_code(p) == PEERREVIEW_P_DUPLICATE_KEY)
            dups++;
        if (peerreview_problem_code(p) == PEERREVIEW_P_SEQ_GAP)
            gaps++;
    }
    assert_int_equal(dups, 2);
    /* the seq gap in rev-alpha's councils, and rev-beta's items start at 2 (focus after
     * the duplicate, strength) */
    assert_true(gaps >= 1);
    peerreview_diag_free(d);
    peerreview_dataset_free(ds);
}

/* The cap of the options applies to validation. */
static void test_validate_cap(void **state)
{
    (void)state;
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_non_null(ds);
    char id[16];
    for (int i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "r%d", i);
        peerreview_review *r = make_review(id);
        assert_int_equal(peerreview_review_set_byname(r, "stage", NULL, NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
    }
    peerreview_options *o = peerreview_options_new();
    assert_non_null(o);
    assert_int_equal(peerreview_options_set_max_problems(o, 5), PEERREVIEW_OK);
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    assert_int_equal(peerreview_dataset_validate(ds, o, d), PEERREVIEW_EDATA);
    assert_int_equal(peerreview_diag_count(d), 5);
    assert_true(peerreview_diag_errors(d) >= 5);
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_options_set_max_problems(o, 0), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_validate(ds, o, d), PEERREVIEW_EDATA);
    assert_int_equal(peerreview_diag_count(d), 1);
    problem_about(d, PEERREVIEW_P_MISSING_VALUE, "stage", "r0", PEERREVIEW_SEVERITY_ERROR);
    peerreview_diag_free(d);
    peerreview_options_free(o);
    peerreview_dataset_free(ds);
}

/* ---- string lifetime ---- */

/*
 * A value stays valid until that value is set again, its row or review is
 * removed, or its owner is freed: values of other fields, rows and reviews
 * stay where they are through every edit. (tests/test-memory.c checks that
 * replaced values are freed; ASan and valgrind catch a use after free here.)
 */
static void test_strings_stable(void **state)
{
    (void)state;
    peerreview_review *r = make_review("strings");
    const char *v[200];
    char buf[64];
    /* outside a dataset: each value in its own field, kept while others change */
    const char *type = review_str(r, "review_type");
    assert_int_equal(peerreview_review_set_byname(r, "provider", "the provider", NULL),
                     PEERREVIEW_OK);
    const char *provider = review_str(r, "provider");
    for (int i = 0; i < 100; i++) {
        snprintf(buf, sizeof buf, "value number %d of a note", i);
        assert_int_equal(peerreview_review_set_byname(r, "notes", buf, NULL), PEERREVIEW_OK);
        v[i] = review_str(r, "notes");
        assert_string_equal(v[i], buf);
    }
    peerreview_row *row, *row2;
    assert_int_equal(peerreview_review_add_child(r, IT, &row), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_add_child(r, IT, &row2), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "text", "item text 1", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row2, "text", "item text 2", NULL), PEERREVIEW_OK);
    const char *item = row_str(row, "text");
    const char *item2 = row_str(row2, "text");
    assert_int_equal(peerreview_row_set_byname(row, "kind", "focus", NULL), PEERREVIEW_OK);
    assert_string_equal(item, "item text 1");
    /* a big value */
    char *big = malloc(200000);
    assert_non_null(big);
    memset(big, 'x', 199999);
    big[199999] = '\0';
    assert_int_equal(peerreview_review_set_byname(r, "report_url", "https://example.org/", NULL),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row2, "kind", "strength", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(r, "review_type_label", big, NULL),
                     PEERREVIEW_OK);
    const char *bigv = review_str(r, "review_type_label");
    assert_int_equal(strlen(bigv), 199999);

    /* added to a dataset: every string it returned stays valid */
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_non_null(ds);
    assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
    const char *last_note = v[99];
    assert_string_equal(last_note, "value number 99 of a note");
    for (int i = 100; i < 200; i++) {
        snprintf(buf, sizeof buf, "value number %d of a note", i);
        assert_int_equal(peerreview_review_set_byname(r, "notes", buf, NULL), PEERREVIEW_OK);
        v[i] = review_str(r, "notes");
        assert_string_equal(v[i], buf);
    }
    assert_int_equal(peerreview_review_set_byname(r, "report_url", NULL, NULL), PEERREVIEW_OK);
    /* another row removed, another review added and removed, the id changed */
    assert_int_equal(peerreview_review_remove_child(r, IT, 0), PEERREVIEW_OK);
    add_review(ds, "another");
    assert_int_equal(peerreview_dataset_remove(ds, "another"), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(r, "review_id", "strings-2", NULL),
                     PEERREVIEW_OK);
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "strings-2"), r);
    assert_null(peerreview_dataset_review_byid_mut(ds, "strings"));

    assert_ptr_equal(review_str(r, "review_type"), type);
    assert_string_equal(type, "corporate");
    assert_ptr_equal(review_str(r, "provider"), provider);
    assert_string_equal(provider, "the provider");
    assert_ptr_equal(review_str(r, "notes"), v[199]);
    assert_string_equal(v[199], "value number 199 of a note");
    assert_ptr_equal(peerreview_review_child_byindex_mut(r, IT, 0), row2);
    assert_ptr_equal(row_str(row2, "text"), item2);
    assert_string_equal(item2, "item text 2");
    assert_ptr_equal(review_str(r, "review_type_label"), bigv);
    assert_int_equal(memcmp(bigv, big, 199999), 0);
    free(big);
    peerreview_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_null),          cmocka_unit_test(test_review_set_get),
        cmocka_unit_test(test_review_set_invalid), cmocka_unit_test(test_dataset_add),
        cmocka_unit_test(test_find_many),          cmocka_unit_test(test_rename),
        cmocka_unit_test(test_generation),         cmocka_unit_test(test_children),
        cmocka_unit_test(test_validate_cross),     cmocka_unit_test(test_validate_cap),
        cmocka_unit_test(test_strings_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
