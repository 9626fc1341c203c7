/*
 * Checked, typed, const-correct access to values (issue 10): the _byindex /
 * _byname getters and setters, the int64 and date getters, const and _mut
 * handles, table keys and list names, peerreview_row_compare, and the
 * deprecated aliases they replace.
 */
#define _GNU_SOURCE
/* This file tests the deprecated 0.x names on purpose. */
#define PEERREVIEW_ALLOW_DEPRECATED
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

#define OK       PEERREVIEW_OK
#define EINVAL   PEERREVIEW_EINVAL
#define ENOTFND  PEERREVIEW_ENOTFOUND
#define SENTINEL ((const char *)"sentinel")

/* A review (not in a dataset) with the required fields and a few more. */
static peerreview_review *make_review(const char *id)
{
    peerreview_review *r = peerreview_review_new();
    assert_non_null(r);
    assert_int_equal(peerreview_review_set_byname(r, "review_id", id, NULL), OK);
    assert_int_equal(peerreview_review_set_byname(r, "review_type", "corporate", NULL), OK);
    assert_int_equal(peerreview_review_set_byname(r, "stage", "initial", NULL), OK);
    assert_int_equal(peerreview_review_set_byname(r, "onsite_start", "2019-03", NULL), OK);
    return r;
}

/* Append a child row with these (name, value) pairs, NULL-terminated. */
static peerreview_row *add_row(peerreview_review *r, int table, ...)
{
    peerreview_row *row = NULL;
    assert_int_equal(peerreview_review_add_child(r, table, &row), OK);
    va_list ap;
    va_start(ap, table);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);
        assert_int_equal(peerreview_row_set_byname(row, name, value, NULL), OK);
    }
    va_end(ap);
    return row;
}

static int col(int table, const char *name)
{
    int c = peerreview_column_index(table, name);
    assert_true(c >= 0);
    return c;
}

/* ---- string getters ---- */

static void test_review_get(void **state)
{
    (void)state;
    peerreview_review *r = make_review("acc-1");
    const char *v = SENTINEL;

    assert_int_equal(peerreview_review_get_byname(r, "review_type", &v), OK);
    assert_string_equal(v, "corporate");
    v = SENTINEL;
    assert_int_equal(peerreview_review_get_byindex(r, (size_t)col(R, "stage"), &v), OK);
    assert_string_equal(v, "initial");

    /* empty: ENOTFOUND, value NULL */
    v = SENTINEL;
    assert_int_equal(peerreview_review_get_byname(r, "notes", &v), ENOTFND);
    assert_null(v);
    v = SENTINEL;
    assert_int_equal(peerreview_review_get_byindex(r, (size_t)col(R, "notes"), &v), ENOTFND);
    assert_null(v);
    /* set to "" is unknown again */
    assert_int_equal(peerreview_review_set_byname(r, "notes", "x", NULL), OK);
    assert_int_equal(peerreview_review_get_byname(r, "notes", &v), OK);
    assert_int_equal(peerreview_review_set_byname(r, "notes", "", NULL), OK);
    v = SENTINEL;
    assert_int_equal(peerreview_review_get_byname(r, "notes", &v), ENOTFND);
    assert_null(v);

    /* misspelt, other table's, wrong case, out of range: EINVAL, value NULL */
    const char *bad[] = {"review_tpye", "Review_type", "review_type ", "", "kind", "seq"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = SENTINEL;
        assert_int_equal(peerreview_review_get_byname(r, bad[i], &v), EINVAL);
        assert_null(v);
    }
    size_t n = peerreview_column_count(R);
    v = SENTINEL;
    assert_int_equal(peerreview_review_get_byindex(r, n, &v), EINVAL);
    assert_null(v);
    v = SENTINEL;
    assert_int_equal(peerreview_review_get_byindex(r, (size_t)-1, &v), EINVAL);
    assert_null(v);

    /* NULL arguments */
    v = SENTINEL;
    assert_int_equal(peerreview_review_get_byname(NULL, "notes", &v), EINVAL);
    assert_null(v);
    v = SENTINEL;
    assert_int_equal(peerreview_review_get_byname(r, NULL, &v), EINVAL);
    assert_null(v);
    assert_int_equal(peerreview_review_get_byname(r, "notes", NULL), EINVAL);
    assert_int_equal(peerreview_review_get_byname(r, "review_type", NULL), EINVAL);
    v = SENTINEL;
    assert_int_equal(peerreview_review_get_byindex(NULL, 0, &v), EINVAL);
    assert_null(v);
    assert_int_equal(peerreview_review_get_byindex(r, 0, NULL), EINVAL);

    /* every column agrees by index and by name */
    for (size_t c = 0; c < n; c++) {
        const char *a = SENTINEL, *b = SENTINEL;
        int ra = peerreview_review_get_byindex(r, c, &a);
        int rb = peerreview_review_get_byname(r, peerreview_column_name(R, c), &b);
        assert_int_equal(ra, rb);
        assert_ptr_equal(a, b);
        assert_true(ra == OK ? a != NULL : (ra == ENOTFND && a == NULL));
    }
    peerreview_review_free(r);
}

static void test_row_get(void **state)
{
    (void)state;
    peerreview_review *r = make_review("acc-2");
    peerreview_row *item = add_row(r, IT, "kind", "strength", "text", "Clear vision", NULL);
    peerreview_row *team = add_row(r, TM, "name", "A Peer", NULL);
    const char *v = SENTINEL;

    assert_int_equal(peerreview_row_get_byname(item, "text", &v), OK);
    assert_string_equal(v, "Clear vision");
    assert_int_equal(peerreview_row_get_byname(item, "kind", &v), OK);
    assert_string_equal(v, "strength");
    assert_int_equal(peerreview_row_get_byname(item, "seq", &v), OK);
    assert_string_equal(v, "1");
    /* review_id is the parent's */
    assert_int_equal(peerreview_row_get_byindex(item, 0, &v), OK);
    assert_string_equal(v, "acc-2");
    assert_int_equal(peerreview_row_get_byname(team, "review_id", &v), OK);
    assert_string_equal(v, "acc-2");

    v = SENTINEL;
    assert_int_equal(peerreview_row_get_byname(team, "role", &v), ENOTFND);
    assert_null(v);
    v = SENTINEL;
    assert_int_equal(peerreview_row_get_byindex(team, (size_t)col(TM, "organisation"), &v),
                     ENOTFND);
    assert_null(v);

    /* a column of another table, misspelt, out of range */
    v = SENTINEL;
    assert_int_equal(peerreview_row_get_byname(team, "kind", &v), EINVAL);
    assert_null(v);
    v = SENTINEL;
    assert_int_equal(peerreview_row_get_byname(item, "txt", &v), EINVAL);
    assert_null(v);
    v = SENTINEL;
    assert_int_equal(peerreview_row_get_byindex(item, peerreview_column_count(IT), &v), EINVAL);
    assert_null(v);
    /* items has 4 columns, team_members more: an index valid elsewhere is not here */
    assert_true(peerreview_column_count(TM) > peerreview_column_count(IT));
    assert_int_equal(peerreview_row_get_byindex(item, peerreview_column_count(IT) + 1, &v), EINVAL);
    v = SENTINEL;
    assert_int_equal(peerreview_row_get_byname(NULL, "text", &v), EINVAL);
    assert_null(v);
    assert_int_equal(peerreview_row_get_byname(item, NULL, &v), EINVAL);
    assert_int_equal(peerreview_row_get_byindex(item, 0, NULL), EINVAL);
    assert_int_equal(peerreview_row_get_byindex(NULL, 0, &v), EINVAL);
    peerreview_review_free(r);
}

/* ---- typed getters ---- */

static void test_int64(void **state)
{
    (void)state;
    peerreview_review *r = make_review("acc-3");
    int64_t x = 99;

    assert_int_equal(peerreview_review_get_int64_byname(r, "team_size", &x), ENOTFND);
    assert_int_equal(x, 0);
    assert_int_equal(peerreview_review_set_byname(r, "team_size", "7", NULL), OK);
    x = 99;
    assert_int_equal(peerreview_review_get_int64_byname(r, "team_size", &x), OK);
    assert_int_equal(x, 7);
    x = 99;
    assert_int_equal(peerreview_review_get_int64_byindex(r, (size_t)col(R, "team_size"), &x), OK);
    assert_int_equal(x, 7);

    /* bounds: 0 where allowed, INT64_MAX, one more is refused when set */
    assert_int_equal(peerreview_review_set_byname(r, "people_engaged", "0", NULL), OK);
    x = 99;
    assert_int_equal(peerreview_review_get_int64_byname(r, "people_engaged", &x), OK);
    assert_int_equal(x, 0);
    assert_int_equal(
        peerreview_review_set_byname(r, "recommendation_count", "9223372036854775807", NULL), OK);
    assert_int_equal(peerreview_review_get_int64_byname(r, "recommendation_count", &x), OK);
    assert_true(x == INT64_MAX);
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(
        peerreview_review_set_byname(r, "recommendation_count", "9223372036854775808", d),
        PEERREVIEW_EDATA);
    assert_true(find_code(d, PEERREVIEW_P_BAD_INTEGER) >= 0);
    peerreview_diag_free(d);
    assert_int_equal(peerreview_review_get_int64_byname(r, "recommendation_count", &x), OK);
    assert_true(x == INT64_MAX);

    /* not an integer column, no such column, NULLs: EINVAL and 0 */
    const char *bad[] = {"stage", "onsite_start", "notes", "team_sise", "seq", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        x = 99;
        assert_int_equal(peerreview_review_get_int64_byname(r, bad[i], &x), EINVAL);
        assert_int_equal(x, 0);
    }
    x = 99;
    assert_int_equal(peerreview_review_get_int64_byindex(r, 0, &x), EINVAL);
    assert_int_equal(x, 0);
    x = 99;
    assert_int_equal(peerreview_review_get_int64_byindex(r, peerreview_column_count(R), &x),
                     EINVAL);
    assert_int_equal(x, 0);
    x = 99;
    assert_int_equal(peerreview_review_get_int64_byname(NULL, "team_size", &x), EINVAL);
    assert_int_equal(x, 0);
    assert_int_equal(peerreview_review_get_int64_byname(r, NULL, &x), EINVAL);
    assert_int_equal(peerreview_review_get_int64_byname(r, "team_size", NULL), EINVAL);
    assert_int_equal(peerreview_review_get_int64_byindex(NULL, 0, &x), EINVAL);

    /* rows: seq, chosen by the library or set */
    peerreview_row *s1 = add_row(r, SO, "url", "https://example.org/a", NULL);
    peerreview_row *s2 = add_row(r, SO, "url", "https://example.org/b", NULL);
    assert_int_equal(peerreview_row_get_int64_byname(s1, "seq", &x), OK);
    assert_int_equal(x, 1);
    assert_int_equal(peerreview_row_get_int64_byindex(s2, (size_t)col(SO, "seq"), &x), OK);
    assert_int_equal(x, 2);
    assert_int_equal(peerreview_row_set_byname(s2, "seq", "9223372036854775807", NULL), OK);
    assert_int_equal(peerreview_row_get_int64_byname(s2, "seq", &x), OK);
    assert_true(x == INT64_MAX);
    x = 99;
    assert_int_equal(peerreview_row_get_int64_byname(s2, "url", &x), EINVAL);
    assert_int_equal(x, 0);
    x = 99;
    assert_int_equal(peerreview_row_get_int64_byname(s2, "sq", &x), EINVAL);
    assert_int_equal(x, 0);
    assert_int_equal(peerreview_row_get_int64_byname(s2, "team_size", &x), EINVAL);
    assert_int_equal(peerreview_row_get_int64_byindex(s2, 0, &x), EINVAL);
    assert_int_equal(peerreview_row_get_int64_byindex(s2, 99, &x), EINVAL);
    assert_int_equal(peerreview_row_get_int64_byindex(NULL, 1, &x), EINVAL);
    assert_int_equal(peerreview_row_get_int64_byname(NULL, "seq", &x), EINVAL);
    assert_int_equal(peerreview_row_get_int64_byname(s1, "seq", NULL), EINVAL);
    peerreview_review_free(r);
}

static void check_date(const char *text, int y, int m, int d, int precision, int64_t first,
                       int64_t last)
{
    peerreview_date dt;
    memset(&dt, 0x55, sizeof dt);
    int rc = peerreview_date_parse(text, &dt);
    if (rc != OK)
        fail_msg("\"%s\" did not parse (%d)", text, rc);
    assert_int_equal(dt.year, y);
    assert_int_equal(dt.month, m);
    assert_int_equal(dt.day, d);
    assert_int_equal(dt.precision, precision);
    if (dt.first_day != first || dt.last_day != last)
        fail_msg("\"%s\": days %lld..%lld, expected %lld..%lld", text, (long long)dt.first_day,
                 (long long)dt.last_day, (long long)first, (long long)last);
}

static void test_date_parse(void **state)
{
    (void)state;
    /* the epoch, and days around it */
    check_date("1970-01-01", 1970, 1, 1, PEERREVIEW_DATE_DAY, 0, 0);
    check_date("1970-01", 1970, 1, 0, PEERREVIEW_DATE_MONTH, 0, 30);
    check_date("1970", 1970, 0, 0, PEERREVIEW_DATE_YEAR, 0, 364);
    check_date("1969-12-31", 1969, 12, 31, PEERREVIEW_DATE_DAY, -1, -1);
    check_date("1969", 1969, 0, 0, PEERREVIEW_DATE_YEAR, -365, -1);
    /* leap years: 2016 (by 4), 2000 (by 400), not 1900 (by 100) */
    check_date("2016-02", 2016, 2, 0, PEERREVIEW_DATE_MONTH, 16832, 16860);
    check_date("2016-02-29", 2016, 2, 29, PEERREVIEW_DATE_DAY, 16860, 16860);
    check_date("2016", 2016, 0, 0, PEERREVIEW_DATE_YEAR, 16801, 16801 + 365);
    check_date("2015-02", 2015, 2, 0, PEERREVIEW_DATE_MONTH, 16467, 16494);
    check_date("2000", 2000, 0, 0, PEERREVIEW_DATE_YEAR, 10957, 11322);
    check_date("2000-02-29", 2000, 2, 29, PEERREVIEW_DATE_DAY, 11016, 11016);
    check_date("1900-02", 1900, 2, 0, PEERREVIEW_DATE_MONTH, -25536, -25509);
    check_date("2016-12", 2016, 12, 0, PEERREVIEW_DATE_MONTH, 17136, 17166);
    /* the ends of the range: year 0 is a leap year in the proleptic calendar */
    check_date("0000", 0, 0, 0, PEERREVIEW_DATE_YEAR, -719528, -719528 + 365);
    check_date("0001-01-01", 1, 1, 1, PEERREVIEW_DATE_DAY, -719162, -719162);
    check_date("9999-12-31", 9999, 12, 31, PEERREVIEW_DATE_DAY, 2932896, 2932896);

    /* not dates: EINVAL, *out all zero */
    const char *bad[] = {"",           "2015-02-29", "1900-02-29", "2015-13",     "2015-00",
                         "2015-04-31", "2015-1",     "15",         " 2015",       "2015 ",
                         "2015-06-1",  "2015/06/18", "20150618",   "2015-06-18T", "+2015",
                         "-201",       "2015-02-30", "abcd",       "2015-06-18 "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        peerreview_date dt;
        memset(&dt, 0x55, sizeof dt);
        if (peerreview_date_parse(bad[i], &dt) != EINVAL)
            fail_msg("\"%s\" parsed as a date", bad[i]);
        peerreview_date zero;
        memset(&zero, 0, sizeof zero);
        assert_memory_equal(&dt, &zero, sizeof dt);
    }
    peerreview_date dt;
    memset(&dt, 0x55, sizeof dt);
    assert_int_equal(peerreview_date_parse(NULL, &dt), EINVAL);
    assert_int_equal(dt.precision, 0);
    assert_int_equal(dt.first_day, 0);
    assert_int_equal(peerreview_date_parse("2015", NULL), EINVAL);

    /* agrees with the old parser on what is a date */
    const char *texts[] = {"2015", "2015-06", "2015-06-18", "2015-02-29", "2015-6"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        int y, m, d;
        int p = peerreview_parse_date(texts[i], &y, &m, &d);
        int rc = peerreview_date_parse(texts[i], &dt);
        assert_int_equal(p > 0, rc == OK);
        if (p > 0) {
            assert_int_equal(p, dt.precision);
            assert_int_equal(y, dt.year);
            assert_int_equal(m, dt.month);
            assert_int_equal(d, dt.day);
        }
    }
}

static void test_date_getters(void **state)
{
    (void)state;
    peerreview_review *r = make_review("acc-4");
    peerreview_date dt;

    assert_int_equal(peerreview_review_get_date_byname(r, "onsite_start", &dt), OK);
    assert_int_equal(dt.year, 2019);
    assert_int_equal(dt.month, 3);
    assert_int_equal(dt.day, 0);
    assert_int_equal(dt.precision, PEERREVIEW_DATE_MONTH);
    assert_int_equal(dt.first_day, 17956); /* 2019-03-01 */
    assert_int_equal(dt.last_day, 17986);  /* 2019-03-31 */

    assert_int_equal(peerreview_review_set_byname(r, "published_date", "1969-07-20", NULL), OK);
    assert_int_equal(peerreview_review_get_date_byindex(r, (size_t)col(R, "published_date"), &dt),
                     OK);
    assert_int_equal(dt.precision, PEERREVIEW_DATE_DAY);
    assert_int_equal(dt.first_day, -165);
    assert_int_equal(dt.last_day, -165);
    assert_int_equal(peerreview_review_set_byname(r, "report_date", "2020", NULL), OK);
    assert_int_equal(peerreview_review_get_date_byname(r, "report_date", &dt), OK);
    assert_int_equal(dt.precision, PEERREVIEW_DATE_YEAR);
    assert_int_equal(dt.first_day, 18262); /* 2020-01-01 */
    assert_int_equal(dt.last_day, 18627);  /* 2020-12-31: a leap year */

    memset(&dt, 0x55, sizeof dt);
    assert_int_equal(peerreview_review_get_date_byname(r, "onsite_end", &dt), ENOTFND);
    assert_int_equal(dt.precision, 0);
    assert_int_equal(dt.year, 0);
    assert_int_equal(dt.first_day, 0);
    assert_int_equal(dt.last_day, 0);

    const char *bad[] = {"notes", "team_size", "review_id", "onsite_strat", "date"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&dt, 0x55, sizeof dt);
        assert_int_equal(peerreview_review_get_date_byname(r, bad[i], &dt), EINVAL);
        assert_int_equal(dt.precision, 0);
        assert_int_equal(dt.first_day, 0);
    }
    assert_int_equal(peerreview_review_get_date_byindex(r, 0, &dt), EINVAL);
    assert_int_equal(peerreview_review_get_date_byindex(r, 1000, &dt), EINVAL);
    assert_int_equal(peerreview_review_get_date_byindex(NULL, 6, &dt), EINVAL);
    assert_int_equal(peerreview_review_get_date_byname(r, "onsite_start", NULL), EINVAL);
    assert_int_equal(peerreview_review_get_date_byname(NULL, "onsite_start", &dt), EINVAL);
    assert_int_equal(peerreview_review_get_date_byname(r, NULL, &dt), EINVAL);

    /* considerations.date */
    peerreview_row *c = add_row(r, CO, "date", "2021-02", "body", "Cabinet", NULL);
    peerreview_row *c2 = add_row(r, CO, "body", "Council", NULL);
    assert_int_equal(peerreview_row_get_date_byname(c, "date", &dt), OK);
    assert_int_equal(dt.precision, PEERREVIEW_DATE_MONTH);
    assert_int_equal(dt.first_day, 18659); /* 2021-02-01 */
    assert_int_equal(dt.last_day, 18686);  /* 2021-02-28 */
    assert_int_equal(peerreview_row_get_date_byindex(c, (size_t)col(CO, "date"), &dt), OK);
    assert_int_equal(dt.year, 2021);
    assert_int_equal(peerreview_row_get_date_byname(c2, "date", &dt), ENOTFND);
    assert_int_equal(peerreview_row_get_date_byname(c, "body", &dt), EINVAL);
    assert_int_equal(peerreview_row_get_date_byname(c, "dat", &dt), EINVAL);
    assert_int_equal(peerreview_row_get_date_byname(c, "seq", &dt), EINVAL);
    assert_int_equal(peerreview_row_get_date_byindex(c, 99, &dt), EINVAL);
    assert_int_equal(peerreview_row_get_date_byindex(NULL, 2, &dt), EINVAL);
    assert_int_equal(peerreview_row_get_date_byname(NULL, "date", &dt), EINVAL);
    assert_int_equal(peerreview_row_get_date_byname(c, "date", NULL), EINVAL);
    peerreview_review_free(r);
}

/* Every date and integer of the sample reads through the typed getters as its text says. */
static void test_typed_sample(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    size_t dates = 0, ints = 0;
    for (size_t i = 0; i < peerreview_dataset_count(ds); i++) {
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        for (size_t c = 0; c < peerreview_column_count(R); c++) {
            const char *v;
            int rc = peerreview_review_get_byindex(r, c, &v);
            peerreview_type t = peerreview_column_type(R, c);
            int64_t x;
            peerreview_date dt, want;
            int rx = peerreview_review_get_int64_byindex(r, c, &x);
            int rd = peerreview_review_get_date_byindex(r, c, &dt);
            assert_int_equal(rx, t == PEERREVIEW_TYPE_INTEGER ? rc : EINVAL);
            assert_int_equal(rd, t == PEERREVIEW_TYPE_DATE ? rc : EINVAL);
            if (rx == OK) {
                char buf[24];
                snprintf(buf, sizeof buf, "%lld", (long long)x);
                assert_string_equal(buf, v);
                ints++;
            }
            if (rd == OK) {
                assert_int_equal(peerreview_date_parse(v, &want), OK);
                assert_memory_equal(&dt, &want, sizeof dt);
                dates++;
            }
        }
    }
    assert_true(dates > 20);
    assert_true(ints > 5);
    peerreview_dataset_free(ds);
}

/* ---- setters with the new names ---- */

static void test_setters(void **state)
{
    (void)state;
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_int_equal(peerreview_dataset_add(ds, make_review("acc-a"), NULL), OK);
    assert_int_equal(peerreview_dataset_add(ds, make_review("acc-b"), NULL), OK);
    peerreview_review *a = peerreview_dataset_review_byid_mut(ds, "acc-a");
    peerreview_diag *d = peerreview_diag_new();
    const char *v;

    assert_int_equal(peerreview_review_set_byindex(a, (size_t)col(R, "provider"), "LGA", d), OK);
    assert_int_equal(peerreview_review_get_byname(a, "provider", &v), OK);
    assert_string_equal(v, "LGA");
    assert_int_equal(peerreview_review_set_byname(a, "provider", NULL, d), OK);
    assert_int_equal(peerreview_review_get_byname(a, "provider", &v), ENOTFND);
    assert_int_equal(peerreview_diag_count(d), 0);

    /* bad names and indexes change nothing */
    assert_int_equal(peerreview_review_set_byname(a, "provder", "LGA", d), EINVAL);
    assert_int_equal(peerreview_review_set_byname(a, NULL, "LGA", d), EINVAL);
    assert_int_equal(peerreview_review_set_byname(NULL, "provider", "LGA", d), EINVAL);
    assert_int_equal(peerreview_review_set_byindex(a, peerreview_column_count(R), "x", d), EINVAL);
    assert_int_equal(peerreview_review_set_byindex(NULL, 0, "x", d), EINVAL);
    assert_int_equal(peerreview_review_get_byname(a, "provider", &v), ENOTFND);

    /* checked values */
    assert_int_equal(peerreview_review_set_byname(a, "stage", "final", d), PEERREVIEW_EDATA);
    assert_true(find_code(d, PEERREVIEW_P_BAD_ENUM) >= 0);
    assert_int_equal(peerreview_review_get_byname(a, "stage", &v), OK);
    assert_string_equal(v, "initial");

    /* review_id keeps the index right */
    assert_int_equal(peerreview_review_set_byindex(a, 0, "acc-b", NULL), PEERREVIEW_EEXIST);
    assert_int_equal(peerreview_review_set_byname(a, "review_id", "acc-c", NULL), OK);
    assert_ptr_equal(peerreview_dataset_review_byid(ds, "acc-c"), a);
    assert_null(peerreview_dataset_review_byid(ds, "acc-a"));

    /* rows */
    peerreview_row *row = NULL;
    assert_int_equal(peerreview_review_add_child(a, IT, &row), OK);
    assert_int_equal(peerreview_row_set_byname(row, "kind", "recommendation", d), OK);
    assert_int_equal(peerreview_row_set_byindex(row, (size_t)col(IT, "text"), "Do it", d), OK);
    assert_int_equal(peerreview_row_get_byname(row, "text", &v), OK);
    assert_string_equal(v, "Do it");
    assert_int_equal(peerreview_row_set_byname(row, "txt", "x", d), EINVAL);
    assert_int_equal(peerreview_row_set_byname(row, NULL, "x", d), EINVAL);
    assert_int_equal(peerreview_row_set_byname(NULL, "text", "x", d), EINVAL);
    assert_int_equal(peerreview_row_set_byindex(row, 0, "acc-b", d), EINVAL); /* review_id */
    assert_int_equal(peerreview_row_set_byname(row, "review_id", "acc-b", d), EINVAL);
    assert_int_equal(peerreview_row_set_byindex(row, 4, "x", d), EINVAL);
    assert_int_equal(peerreview_row_set_byindex(NULL, 1, "x", d), EINVAL);
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_row_set_byname(row, "kind", "advice", d), PEERREVIEW_EDATA);
    assert_true(find_code(d, PEERREVIEW_P_BAD_ENUM) >= 0);
    assert_int_equal(peerreview_row_set_byname(row, "seq", "0", d), PEERREVIEW_EDATA);
    /* seq NULL: the next free one of the row's kind */
    assert_int_equal(peerreview_row_set_byname(row, "seq", "5", d), OK);
    assert_int_equal(peerreview_row_set_byname(row, "seq", NULL, d), OK);
    int64_t x;
    assert_int_equal(peerreview_row_get_int64_byname(row, "seq", &x), OK);
    assert_int_equal(x, 1);
    peerreview_diag_free(d);
    peerreview_dataset_free(ds);
}

/* ---- const and _mut handles ---- */

/* Reads a whole dataset through const pointers only: compiles without casts. */
static size_t count_values(const peerreview_dataset *ds)
{
    size_t n = 0;
    for (size_t i = 0; i < peerreview_dataset_count(ds); i++) {
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        const char *id, *v;
        assert_int_equal(peerreview_review_get_byindex(r, 0, &id), OK);
        assert_ptr_equal(peerreview_dataset_review_byid(ds, id), r);
        assert_ptr_equal(peerreview_review_owner(r), ds);
        for (size_t c = 0; c < peerreview_column_count(R); c++)
            n += peerreview_review_get_byindex(r, c, &v) == OK;
        for (int t = RC; t <= SO; t++) {
            for (size_t k = 0; k < peerreview_review_child_count(r, t); k++) {
                const peerreview_row *row = peerreview_review_child_byindex(r, t, k);
                assert_ptr_equal(peerreview_row_owner(row), r);
                assert_int_equal(peerreview_row_table(row), t);
                for (size_t c = 0; c < peerreview_column_count(t); c++)
                    n += peerreview_row_get_byindex(row, c, &v) == OK;
            }
        }
    }
    return n;
}

static void test_const_handles(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    const peerreview_dataset *cds = ds;
    assert_true(count_values(cds) > 500);

    size_t n = peerreview_dataset_count(ds);
    assert_true(n > 3);
    for (size_t i = 0; i < n; i++) {
        peerreview_review *m = peerreview_dataset_review_byindex_mut(ds, i);
        const peerreview_review *c = peerreview_dataset_review_byindex(cds, i);
        assert_ptr_equal(m, c);
        const char *id;
        assert_int_equal(peerreview_review_get_byname(c, "review_id", &id), OK);
        assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, id), m);
        for (int t = RC; t <= SO; t++)
            for (size_t k = 0; k < peerreview_review_child_count(c, t); k++)
                assert_ptr_equal(peerreview_review_child_byindex_mut(m, t, k),
                                 peerreview_review_child_byindex(c, t, k));
    }
    /* out of range and NULL */
    assert_null(peerreview_dataset_review_byindex(cds, n));
    assert_null(peerreview_dataset_review_byindex_mut(ds, n));
    assert_null(peerreview_dataset_review_byindex(NULL, 0));
    assert_null(peerreview_dataset_review_byindex_mut(NULL, 0));
    assert_null(peerreview_dataset_review_byid(cds, "no-such-review"));
    assert_null(peerreview_dataset_review_byid_mut(ds, "no-such-review"));
    assert_null(peerreview_dataset_review_byid(cds, NULL));
    assert_null(peerreview_dataset_review_byid_mut(ds, NULL));
    assert_null(peerreview_dataset_review_byid(NULL, "x"));
    assert_null(peerreview_dataset_review_byid_mut(NULL, "x"));
    peerreview_review *m0 = peerreview_dataset_review_byindex_mut(ds, 0);
    size_t kids = peerreview_review_child_count(m0, RC);
    assert_true(kids > 0);
    assert_null(peerreview_review_child_byindex(m0, RC, kids));
    assert_null(peerreview_review_child_byindex_mut(m0, RC, kids));
    assert_null(peerreview_review_child_byindex(m0, R, 0));
    assert_null(peerreview_review_child_byindex_mut(m0, R, 0));
    assert_null(peerreview_review_child_byindex(m0, PEERREVIEW_TABLE_COUNT, 0));
    assert_null(peerreview_review_child_byindex_mut(m0, -1, 0));
    assert_null(peerreview_review_child_byindex(NULL, RC, 0));
    assert_null(peerreview_review_child_byindex_mut(NULL, RC, 0));
    assert_null(peerreview_review_owner(NULL));
    assert_null(peerreview_row_owner(NULL));

    /* a mutable handle edits; the const one sees it */
    assert_int_equal(peerreview_review_set_byname(m0, "notes", "edited", NULL), OK);
    const char *v;
    assert_int_equal(
        peerreview_review_get_byname(peerreview_dataset_review_byindex(cds, 0), "notes", &v), OK);
    assert_string_equal(v, "edited");

    /* a review in no dataset has no owner; its rows have it */
    peerreview_review *own = make_review("acc-own");
    peerreview_row *row = add_row(own, SO, "url", "https://example.org/", NULL);
    assert_null(peerreview_review_owner(own));
    assert_ptr_equal(peerreview_row_owner(row), own);
    peerreview_review_free(own);
    peerreview_dataset_free(ds);
}

/* ---- the schema's keys and list names ---- */

static void test_keys(void **state)
{
    (void)state;
    static const char *const keys[PEERREVIEW_TABLE_COUNT][4] = {
        {"review_id", NULL},        {"review_id", "seq", NULL},
        {"review_id", "seq", NULL}, {"review_id", "kind", "seq", NULL},
        {"review_id", "seq", NULL}, {"review_id", "seq", NULL},
    };
    static const char *const lists[PEERREVIEW_TABLE_COUNT] = {NULL, "councils",       "team",
                                                              NULL, "considerations", "sources"};
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        size_t n = 0;
        while (keys[t][n])
            n++;
        assert_int_equal(peerreview_table_key_count(t), n);
        for (size_t i = 0; i < n; i++)
            assert_string_equal(
                peerreview_column_name(t, (size_t)peerreview_table_key_column(t, i)), keys[t][i]);
        assert_int_equal(peerreview_table_key_column(t, n), -1);
        assert_int_equal(peerreview_table_key_column(t, (size_t)-1), -1);
        if (lists[t])
            assert_string_equal(peerreview_table_list_name(t), lists[t]);
        else
            assert_null(peerreview_table_list_name(t));
    }
    int out[] = {-1, PEERREVIEW_TABLE_COUNT, 1000};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
        assert_int_equal(peerreview_table_key_count(out[i]), 0);
        assert_int_equal(peerreview_table_key_column(out[i], 0), -1);
        assert_null(peerreview_table_list_name(out[i]));
    }
    /* the list columns of the flat form are these names (and items' kinds) */
    char *text = NULL;
    size_t len = 0;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    assert_int_equal(peerreview_render(ds, -1, NULL, NULL, &text, &len), OK);
    char *eol = strstr(text, "\r\n");
    assert_non_null(eol);
    *eol = '\0';
    for (int t = RC; t <= SO; t++) {
        if (t == IT)
            continue;
        char want[64];
        snprintf(want, sizeof want, ",%s,", peerreview_table_list_name(t));
        char *header = NULL;
        assert_true(asprintf(&header, ",%s,", text) > 0);
        if (!strstr(header, want))
            fail_msg("flat header \"%s\" has no column %s", text, peerreview_table_list_name(t));
        free(header);
    }
    peerreview_free(text);
    peerreview_dataset_free(ds);
}

/* ---- row order ---- */

static int cmp_rows(const void *a, const void *b)
{
    return peerreview_row_compare(*(const peerreview_row *const *)a,
                                  *(const peerreview_row *const *)b);
}

/*
 * Sort every row of a child table with peerreview_row_compare, from a
 * shuffled start, and check that peerreview_render writes them in that order:
 * each row's key columns (the first ones) start the next record that has them.
 */
static void check_order(const peerreview_dataset *ds, int table, uint64_t *rng)
{
    size_t n = 0;
    for (size_t i = 0; i < peerreview_dataset_count(ds); i++)
        n += peerreview_review_child_count(peerreview_dataset_review_byindex(ds, i), table);
    const peerreview_row **rows = calloc(n ? n : 1, sizeof *rows);
    assert_non_null(rows);
    size_t k = 0;
    for (size_t i = 0; i < peerreview_dataset_count(ds); i++) {
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        for (size_t j = 0; j < peerreview_review_child_count(r, table); j++)
            rows[k++] = peerreview_review_child_byindex(r, table, j);
    }
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(rng_next(rng) % i);
        const peerreview_row *t = rows[i - 1];
        rows[i - 1] = rows[j];
        rows[j] = t;
    }
    qsort(rows, n, sizeof *rows, cmp_rows);
    for (size_t i = 0; i + 1 < n; i++) {
        assert_true(peerreview_row_compare(rows[i], rows[i + 1]) < 0);
        assert_true(peerreview_row_compare(rows[i + 1], rows[i]) > 0);
        assert_int_equal(peerreview_row_compare(rows[i], rows[i]), 0);
    }

    char *text = NULL;
    size_t len = 0;
    assert_int_equal(peerreview_render(ds, table, NULL, NULL, &text, &len), OK);
    const char *pos = strstr(text, "\r\n");
    assert_non_null(pos);
    size_t nkey = peerreview_table_key_count(table);
    for (size_t i = 0; i < n; i++) {
        char key[256] = "\r\n";
        for (size_t c = 0; c < nkey; c++) {
            int kc = peerreview_table_key_column(table, c);
            assert_int_equal(kc, (int)c); /* key columns lead every table */
            const char *v = "";
            peerreview_row_get_byindex(rows[i], (size_t)kc, &v);
            strcat(key, v ? v : "");
            strcat(key, ",");
        }
        const char *at = strstr(pos, key);
        if (!at)
            fail_msg("%s: row %zu of %zu (%s) is not where row_compare puts it",
                     peerreview_table_name(table), i, n, key + 2);
        pos = at + 2;
    }
    peerreview_free(text);
    free(rows);
}

static void test_row_compare_sample(void **state)
{
    (void)state;
    uint64_t rng = 12345;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    for (int t = RC; t <= SO; t++)
        check_order(ds, t, &rng);
    /* remove a review in the middle: later reviews move up */
    const char *id;
    assert_int_equal(
        peerreview_review_get_byindex(peerreview_dataset_review_byindex(ds, 3), 0, &id), OK);
    assert_int_equal(peerreview_dataset_remove(ds, id), OK);
    for (int t = RC; t <= SO; t++)
        check_order(ds, t, &rng);
    peerreview_dataset_free(ds);

    /* random datasets whose child rows were added in random order */
    for (int i = 0; i < 30; i++) {
        ds = random_dataset(&rng, i % 2, 0);
        for (int t = RC; t <= SO; t++)
            check_order(ds, t, &rng);
        peerreview_dataset_free(ds);
    }
}

static void test_row_compare_cases(void **state)
{
    (void)state;
    peerreview_dataset *ds = peerreview_dataset_new();
    /* made in one order, added in the other: dataset order is not creation order */
    peerreview_review *third = make_review("m-third");
    peerreview_review *second = make_review("a-second");
    peerreview_review *first = make_review("z-first");
    assert_true(peerreview_review_serial(second) < peerreview_review_serial(first));
    assert_int_equal(peerreview_dataset_add(ds, first, NULL), OK);
    assert_int_equal(peerreview_dataset_add(ds, second, NULL), OK);
    peerreview_review *r1 = peerreview_dataset_review_byindex_mut(ds, 0);
    peerreview_review *r2 = peerreview_dataset_review_byindex_mut(ds, 1);

    /* items: by kind in schema order, then seq as a number */
    peerreview_row *rec10 =
        add_row(r1, IT, "kind", "recommendation", "seq", "10", "text", "x", NULL);
    peerreview_row *rec9 = add_row(r1, IT, "kind", "recommendation", "seq", "9", "text", "x", NULL);
    peerreview_row *focus = add_row(r1, IT, "kind", "focus", "seq", "3", "text", "x", NULL);
    peerreview_row *nokind = add_row(r1, IT, "text", "no kind yet", NULL);
    peerreview_row *other = add_row(r2, IT, "kind", "focus", "seq", "1", "text", "x", NULL);
    assert_true(peerreview_row_compare(rec9, rec10) < 0); /* 9 < 10, not "10" < "9" */
    assert_true(peerreview_row_compare(focus, rec9) < 0);
    assert_true(peerreview_row_compare(rec10, nokind) < 0); /* an empty kind last */
    assert_true(peerreview_row_compare(nokind, other) < 0); /* by review first: dataset order */
    assert_true(peerreview_row_compare(other, focus) > 0);

    /* a duplicate key keeps list order */
    peerreview_row *dup = add_row(r1, IT, "kind", "focus", "seq", "3", "text", "y", NULL);
    assert_true(peerreview_row_compare(focus, dup) < 0);
    assert_true(peerreview_row_compare(dup, focus) > 0);

    /* different tables by table number; NULL first */
    peerreview_row *src = add_row(r1, SO, "url", "https://example.org/", NULL);
    peerreview_row *council =
        add_row(r2, RC, "council_name", "X", "authority_type", "county", NULL);
    assert_true(peerreview_row_compare(council, src) < 0);
    assert_true(peerreview_row_compare(src, council) > 0);
    assert_true(peerreview_row_compare(NULL, src) < 0);
    assert_true(peerreview_row_compare(src, NULL) > 0);
    assert_int_equal(peerreview_row_compare(NULL, NULL), 0);

    /* reviews in no dataset (or in different ones) go by serial */
    peerreview_review *lone = make_review("lone");
    peerreview_row *lonerow = add_row(lone, SO, "url", "https://example.org/lone", NULL);
    int c = peerreview_row_compare(src, lonerow);
    assert_true(c != 0);
    assert_int_equal(c < 0, peerreview_review_serial(r1) < peerreview_review_serial(lone));
    assert_int_equal(peerreview_row_compare(lonerow, src), -c);
    peerreview_review_free(lone);

    /* after removing the first review, the others keep their order against a new one */
    assert_int_equal(peerreview_dataset_add(ds, third, NULL), OK);
    peerreview_row *t3 = add_row(third, IT, "kind", "focus", "seq", "1", "text", "x", NULL);
    assert_true(peerreview_row_compare(other, t3) < 0);
    assert_int_equal(peerreview_dataset_remove(ds, "z-first"), OK);
    assert_true(peerreview_row_compare(other, t3) < 0);
    assert_true(peerreview_row_compare(t3, other) > 0);
    peerreview_review *fourth = make_review("b-fourth");
    assert_int_equal(peerreview_dataset_add(ds, fourth, NULL), OK);
    peerreview_row *t4 = add_row(fourth, IT, "kind", "focus", "seq", "1", "text", "x", NULL);
    assert_true(peerreview_row_compare(t3, t4) < 0);
    assert_true(peerreview_row_compare(t4, t3) > 0);
    assert_true(peerreview_row_compare(other, t4) < 0);
    peerreview_dataset_free(ds);
}

/* ---- streaming reader ---- */

static void test_reader_get(void **state)
{
    (void)state;
    peerreview_reader *rd = NULL;
    assert_int_equal(peerreview_reader_open(SAMPLE_DIR "/reviews.csv", -1, NULL, NULL, &rd), OK);
    const char *v = SENTINEL;
    /* no current row yet */
    assert_int_equal(peerreview_reader_get_byname(rd, "review_id", &v), ENOTFND);
    assert_null(v);
    assert_int_equal(peerreview_reader_next(rd, NULL), 1);
    assert_int_equal(peerreview_reader_get_byname(rd, "review_id", &v), OK);
    assert_string_equal(v, "e10000034-csg-2015-04");
    assert_int_equal(peerreview_reader_get_byindex(rd, (size_t)col(R, "onsite_start"), &v), OK);
    assert_string_equal(v, "2015-04");
    v = SENTINEL;
    assert_int_equal(peerreview_reader_get_byname(rd, "parent_review_id", &v), ENOTFND);
    assert_null(v);
    v = SENTINEL;
    assert_int_equal(peerreview_reader_get_byname(rd, "parent_reviewid", &v), EINVAL);
    assert_null(v);
    v = SENTINEL;
    assert_int_equal(peerreview_reader_get_byname(rd, "kind", &v), EINVAL);
    assert_null(v);
    v = SENTINEL;
    assert_int_equal(peerreview_reader_get_byindex(rd, peerreview_column_count(R), &v), EINVAL);
    assert_null(v);
    assert_int_equal(peerreview_reader_get_byname(rd, NULL, &v), EINVAL);
    assert_int_equal(peerreview_reader_get_byname(rd, "review_id", NULL), EINVAL);
    assert_int_equal(peerreview_reader_get_byindex(rd, 0, NULL), EINVAL);
    v = SENTINEL;
    assert_int_equal(peerreview_reader_get_byname(NULL, "review_id", &v), EINVAL);
    assert_null(v);
    assert_int_equal(peerreview_reader_get_byindex(NULL, 0, &v), EINVAL);

    /* every row, every column: by index and by name agree; the end has no row */
    int rc;
    size_t rows = 1;
    while ((rc = peerreview_reader_next(rd, NULL)) == 1) {
        rows++;
        for (size_t c = 0; c < peerreview_column_count(R); c++) {
            const char *a = SENTINEL, *b = SENTINEL;
            int ra = peerreview_reader_get_byindex(rd, c, &a);
            assert_int_equal(peerreview_reader_get_byname(rd, peerreview_column_name(R, c), &b),
                             ra);
            assert_ptr_equal(a, b);
            assert_ptr_equal(peerreview_reader_value(rd, c), a);
            assert_true(ra == OK ? a && *a : ra == ENOTFND && !a);
        }
    }
    assert_int_equal(rc, 0);
    assert_int_equal(rows, 30);
    v = SENTINEL;
    assert_int_equal(peerreview_reader_get_byname(rd, "review_id", &v), ENOTFND);
    assert_null(v);
    peerreview_reader_free(rd);

    /* a child table: its own columns */
    assert_int_equal(peerreview_reader_open(SAMPLE_DIR "/items.csv", IT, NULL, NULL, &rd), OK);
    assert_int_equal(peerreview_reader_next(rd, NULL), 1);
    assert_int_equal(peerreview_reader_get_byname(rd, "kind", &v), OK);
    assert_string_equal(v, "focus");
    assert_int_equal(peerreview_reader_get_byname(rd, "seq", &v), OK);
    assert_string_equal(v, "1");
    assert_int_equal(peerreview_reader_get_byname(rd, "notes", &v), EINVAL);
    assert_int_equal(peerreview_reader_get_byindex(rd, 4, &v), EINVAL);
    peerreview_reader_free(rd);
}

/* ---- the deprecated aliases still work, and agree with the new functions ---- */

static void test_deprecated(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    const peerreview_dataset *cds = ds;
    for (size_t i = 0; i < peerreview_dataset_count(ds); i++) {
        peerreview_review *r = peerreview_dataset_review(cds, i);
        assert_ptr_equal(r, peerreview_dataset_review_byindex(cds, i));
        const char *id = peerreview_review_value(r, 0);
        assert_ptr_equal(peerreview_dataset_find(cds, id), r);
        assert_ptr_equal(peerreview_review_dataset(r), ds);
        for (size_t c = 0; c < peerreview_column_count(R); c++) {
            const char *v;
            peerreview_review_get_byindex(r, c, &v);
            assert_ptr_equal(peerreview_review_value(r, c), v);
            assert_ptr_equal(peerreview_review_get(r, peerreview_column_name(R, c)), v);
        }
        for (int t = RC; t <= SO; t++) {
            for (size_t k = 0; k < peerreview_review_child_count(r, t); k++) {
                peerreview_row *row = peerreview_review_child(r, t, k);
                assert_ptr_equal(row, peerreview_review_child_byindex(r, t, k));
                assert_ptr_equal(peerreview_row_review(row), r);
                for (size_t c = 0; c < peerreview_column_count(t); c++) {
                    const char *v;
                    peerreview_row_get_byindex(row, c, &v);
                    assert_ptr_equal(peerreview_row_value(row, c), v);
                    assert_ptr_equal(peerreview_row_get(row, peerreview_column_name(t, c)), v);
                }
            }
        }
    }
    /* NULL for what the new getters call EINVAL or ENOTFOUND */
    peerreview_review *r0 = peerreview_dataset_review(cds, 0);
    assert_null(peerreview_dataset_review(cds, peerreview_dataset_count(ds)));
    assert_null(peerreview_dataset_find(cds, "nope"));
    assert_null(peerreview_review_get(r0, "review_tpye"));
    assert_null(peerreview_review_get(r0, "parent_review_id"));
    assert_null(peerreview_review_value(r0, 1000));
    assert_null(peerreview_review_child(r0, RC, 1000));
    assert_null(peerreview_row_get(peerreview_review_child(r0, RC, 0), "kind"));
    assert_null(peerreview_row_value(peerreview_review_child(r0, RC, 0), 1000));
    assert_null(peerreview_review_dataset(NULL));
    assert_null(peerreview_row_review(NULL));

    /* the old setters */
    assert_int_equal(peerreview_review_set(r0, "notes", "old setter", NULL), OK);
    assert_string_equal(peerreview_review_get(r0, "notes"), "old setter");
    assert_int_equal(peerreview_review_set(r0, "nots", "x", NULL), EINVAL);
    assert_int_equal(peerreview_review_set_value(r0, (size_t)col(R, "provider"), "PAS", NULL), OK);
    assert_string_equal(peerreview_review_get(r0, "provider"), "PAS");
    assert_int_equal(peerreview_review_set_value(r0, 1000, "x", NULL), EINVAL);
    peerreview_row *row = peerreview_review_child(r0, RC, 0);
    assert_int_equal(peerreview_row_set(row, "council_name", "Renamed", NULL), OK);
    assert_string_equal(peerreview_row_get(row, "council_name"), "Renamed");
    assert_int_equal(peerreview_row_set(row, "council", "x", NULL), EINVAL);
    assert_int_equal(peerreview_row_set_value(row, (size_t)col(RC, "gss_code"), "E06000001", NULL),
                     OK);
    assert_string_equal(peerreview_row_value(row, (size_t)col(RC, "gss_code")), "E06000001");
    assert_int_equal(peerreview_row_set_value(row, 0, "x", NULL), EINVAL);
    peerreview_dataset_free(ds);

    /* the reader's */
    peerreview_reader *rd = NULL;
    assert_int_equal(peerreview_reader_open(SAMPLE_DIR "/sources.csv", -1, NULL, NULL, &rd), OK);
    assert_null(peerreview_reader_value(rd, 0));
    assert_int_equal(peerreview_reader_next(rd, NULL), 1);
    assert_non_null(peerreview_reader_value(rd, 0));
    assert_null(peerreview_reader_value(rd, 1000));
    peerreview_reader_free(rd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_review_get),
        cmocka_unit_test(test_row_get),
        cmocka_unit_test(test_int64),
        cmocka_unit_test(test_date_parse),
        cmocka_unit_test(test_date_getters),
        cmocka_unit_test(test_typed_sample),
        cmocka_unit_test(test_setters),
        cmocka_unit_test(test_const_handles),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_row_compare_sample),
        cmocka_unit_test(test_row_compare_cases),
        cmocka_unit_test(test_reader_get),
        cmocka_unit_test(test_deprecated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
