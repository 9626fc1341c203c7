/* Value rules of doc/format.md §3 through peerreview_check_value and pr_check_cell. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <wchar.h>

#include "helpers.h"
#include "buf.h"
#include "value.h"

/* Column index by name; fails if the schema lacks it. */
static size_t col(int table, const char *name)
{
    int c = peerreview_column_index(table, name);
    if (c < 0)
        fail_msg("no column %s in %s", name, peerreview_table_name(table));
    return (size_t)c;
}

#define OK(t, name, v)        ok_at(t, name, v, __LINE__)
#define BAD(t, name, v, code) bad_at(t, name, v, code, __LINE__)

static void ok_at(int t, const char *name, const char *v, int line)
{
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    int rc = peerreview_check_value(t, col(t, name), v, d);
    if (rc != PEERREVIEW_OK || peerreview_diag_count(d) != 0) {
        dump_diag(d);
        fail_msg("line %d: %s.%s \"%s\" should be valid, got %s", line, peerreview_table_name(t),
                 name, v, peerreview_status_name(rc));
    }
    /* pr_check_cell agrees, with and without a message buffer */
    if (v && *v) {
        pr_buf msg = PR_BUF_INIT;
        assert_int_equal(pr_check_cell(t, col(t, name), v, strlen(v), NULL), -1);
        assert_int_equal(pr_check_cell(t, col(t, name), v, strlen(v), &msg), -1);
        assert_int_equal(msg.len, 0);
        pr_buf_free(&msg);
    }
    peerreview_diag_free(d);
}

/*
 * Assert that v is rejected with code for table.name: PEERREVIEW_EDATA, one
 * error naming the field, no position; returns the message (caller frees).
 */
static char *bad_at(int t, const char *name, const char *v, peerreview_code code, int line)
{
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    size_t c = col(t, name);
    int rc = peerreview_check_value(t, c, v, d);
    if (rc != PEERREVIEW_EDATA || peerreview_diag_count(d) != 1 ||
        peerreview_problem_code(peerreview_diag_get(d, 0)) != code) {
        dump_diag(d);
        fail_msg("line %d: %s.%s \"%s\" should fail with %s, got %s and %zu problem(s)", line,
                 peerreview_table_name(t), name, v, peerreview_code_name((int)code),
                 peerreview_status_name(rc), peerreview_diag_count(d));
    }
    const peerreview_problem *p = peerreview_diag_get(d, 0);
    assert_int_equal(peerreview_problem_severity(p), PEERREVIEW_SEVERITY_ERROR);
    assert_non_null(peerreview_problem_field(p));
    assert_string_equal(peerreview_problem_field(p), name);
    assert_int_equal(peerreview_diag_errors(d), 1);
    assert_int_equal(peerreview_diag_warnings(d), 0);
    /* not about a file: no position */
    assert_null(peerreview_problem_file(p));
    assert_int_equal(peerreview_problem_line(p), 0);
    assert_int_equal(peerreview_problem_column(p), 0);
    const char *m = peerreview_problem_message(p);
    assert_non_null(m);
    assert_true(strlen(m) > 10);
    assert_null(strchr(m, '\n')); /* one line */
    char *copy = strdup(m);
    /* the same code without a diag, and from pr_check_cell */
    assert_int_equal(peerreview_check_value(t, c, v, NULL), PEERREVIEW_EDATA);
    assert_int_equal(pr_check_cell(t, c, v, strlen(v), NULL), (int)code);
    pr_buf msg = PR_BUF_INIT;
    assert_int_equal(pr_check_cell(t, c, v, strlen(v), &msg), (int)code);
    assert_string_equal(pr_buf_str(&msg), copy);
    pr_buf_free(&msg);
    peerreview_diag_free(d);
    return copy;
}

static void bad_quoted_at(int t, const char *name, const char *v, peerreview_code code,
                          const char *needle, int line)
{
    char *m = bad_at(t, name, v, code, line);
    char quoted[256];
    snprintf(quoted, sizeof quoted, "\"%s\"", v);
    if (strncmp(m, quoted, strlen(quoted)) != 0)
        fail_msg("line %d: message should start with the quoted value %s: %s", line, quoted, m);
    if (needle && !strstr(m, needle))
        fail_msg("line %d: message should contain \"%s\": %s", line, needle, m);
    free(m);
}
#define BADQ(t, name, v, code, needle) bad_quoted_at(t, name, v, code, needle, __LINE__)
#define BAD0(t, name, v, code)         free(BAD(t, name, v, code))

enum {
    R = PEERREVIEW_REVIEWS,
    C = PEERREVIEW_REVIEW_COUNCILS,
    TM = PEERREVIEW_TEAM_MEMBERS,
    I = PEERREVIEW_ITEMS,
    CO = PEERREVIEW_CONSIDERATIONS,
    S = PEERREVIEW_SOURCES
};

/* ---- empty / NULL ---- */

static void test_empty_and_null_always_valid(void **state)
{
    (void)state;
    peerreview_diag *d = peerreview_diag_new();
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        for (size_t c = 0; c < peerreview_column_count(t); c++) {
            assert_int_equal(peerreview_check_value(t, c, NULL, d), PEERREVIEW_OK);
            assert_int_equal(peerreview_check_value(t, c, "", d), PEERREVIEW_OK);
            assert_int_equal(peerreview_check_value(t, c, NULL, NULL), PEERREVIEW_OK);
        }
    }
    assert_int_equal(peerreview_diag_count(d), 0);
    /* out of range is EINVAL, even for NULL, and adds nothing */
    assert_int_equal(peerreview_check_value(R, peerreview_column_count(R), NULL, d),
                     PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_check_value(-1, 0, "x", d), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_check_value(PEERREVIEW_TABLE_COUNT, 0, "x", d), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_diag_count(d), 0);
    peerreview_diag_free(d);
}

/* Problems accumulate in the caller's diag. */
static void test_problems_accumulate(void **state)
{
    (void)state;
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(peerreview_check_value(R, col(R, "onsite_start"), "2015-02-30", d),
                     PEERREVIEW_EDATA);
    assert_int_equal(peerreview_check_value(R, col(R, "team_size"), "0", d), PEERREVIEW_EDATA);
    assert_int_equal(peerreview_check_value(R, col(R, "team_size"), "7", d), PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 2);
    assert_int_equal(peerreview_diag_errors(d), 2);
    assert_int_equal(peerreview_problem_code(peerreview_diag_get(d, 0)), PEERREVIEW_P_BAD_DATE);
    assert_string_equal(peerreview_problem_field(peerreview_diag_get(d, 0)), "onsite_start");
    assert_int_equal(peerreview_problem_code(peerreview_diag_get(d, 1)), PEERREVIEW_P_BAD_INTEGER);
    assert_string_equal(peerreview_problem_field(peerreview_diag_get(d, 1)), "team_size");
    char buf[512];
    size_t n = peerreview_problem_format(peerreview_diag_get(d, 1), buf, sizeof buf);
    assert_int_equal(n, strlen(buf));
    assert_non_null(strstr(buf, "error: team_size: \"0\""));
    assert_non_null(strstr(buf, "[bad-integer]"));
    peerreview_diag_free(d);
}

/* ---- dates ---- */

static void test_dates_valid(void **state)
{
    (void)state;
    static const char *const good[] = {
        "2015",       "2015-04",    "2015-04-17", "2016-02-29", "2000-02-29", "2015-02-28",
        "2015-12-31", "2015-01-01", "2015-04-30", "1999-12",    "2024-02-29", "9999-12-31",
        "1900-02-28", "2015-01-31", "2015-03-31", "2015-05-31", "2015-07-31", "2015-08-31",
        "2015-10-31", "2015-06-30", "2015-09-30", "2015-11-30"};
    static const char *const cols[] = {"onsite_start",    "onsite_end",
                                       "report_date",     "published_date",
                                       "action_plan_due", "progress_review_planned"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
            OK(R, cols[c], good[i]);
        OK(CO, "date", good[i]);
    }
}

static void test_dates_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2015-02-29", "1900-02-29",
        "2015-04-31", "2015-13",
        "2015-00",    "15-04-2015",
        "2015/04/01", "2015-4",
        "2015-04-1",  "2015-02-30",
        "2015-04-00", "2015-04-32",
        "20150417",   "201504",
        "15",         "2015-",
        "2015-04-",   "2015-13-01",
        "2015-00-10", "17/04/2015",
        "April 2015", "2015-04-17T09:00",
        "2015-W16",   "2015-107",
        "+2015",      "-2015",
        "2015.04.17", "2015_04_17",
        "abcd",       "201a",
        "2015-0a",    "2015-04-1a",
        "2015-1-01",  "2100-02-29",
        "2015--04",   "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x91\xef\xbc\x95" /* full-width 2015 */};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        BAD0(R, "onsite_start", bad[i], PEERREVIEW_P_BAD_DATE);
        BAD0(CO, "date", bad[i], PEERREVIEW_P_BAD_DATE);
    }
}

static void test_dates_whitespace(void **state)
{
    (void)state;
    static const char *const ws[] = {" 2015",        "2015 ",  "\t2015-04",
                                     "2015-04-17\n", "\r2015", " 2015-04-17 "};
    for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) {
        BAD0(R, "report_date", ws[i], PEERREVIEW_P_WHITESPACE);
        BAD0(CO, "date", ws[i], PEERREVIEW_P_WHITESPACE);
    }
    BADQ(R, "report_date", " 2015", PEERREVIEW_P_WHITESPACE, "leading");
    BADQ(R, "report_date", "2015 ", PEERREVIEW_P_WHITESPACE, "trailing");
    /* a space in the middle is not a white-space problem but a bad date */
    BAD0(R, "report_date", "2015 04", PEERREVIEW_P_BAD_DATE);
}

static void test_date_messages(void **state)
{
    (void)state;
    BADQ(R, "onsite_start", "2015-02-29", PEERREVIEW_P_BAD_DATE, "February 2015 has 28 days");
    BADQ(R, "onsite_start", "2015-04-31", PEERREVIEW_P_BAD_DATE, "April 2015 has 30 days");
    BADQ(R, "onsite_start", "1900-02-29", PEERREVIEW_P_BAD_DATE, "February 1900 has 28 days");
    BADQ(R, "onsite_start", "2015-13", PEERREVIEW_P_BAD_DATE, "month 13");
    BADQ(R, "onsite_start", "2015-00-01", PEERREVIEW_P_BAD_DATE, "month 00");
    BADQ(R, "onsite_start", "15-04-2015", PEERREVIEW_P_BAD_DATE, "YYYY-MM-DD");
    BADQ(R, "onsite_start", "2015/04/01", PEERREVIEW_P_BAD_DATE, "YYYY-MM-DD");
}

static void test_parse_date(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int prec, y, m, d;
    } cases[] = {
        {"2015", 1, 2015, 0, 0},         {"2015-04", 2, 2015, 4, 0},
        {"2015-04-17", 3, 2015, 4, 17},  {"2016-02-29", 3, 2016, 2, 29},
        {"2000-02-29", 3, 2000, 2, 29},  {"0001-01-01", 3, 1, 1, 1},
        {"9999-12-31", 3, 9999, 12, 31}, {"1999-12", 2, 1999, 12, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        peerreview_date dt = {-1, -1, -1, 0, -1, -1};
        assert_int_equal(peerreview_date_parse(cases[i].s, &dt), PEERREVIEW_OK);
        assert_int_equal(dt.precision, cases[i].prec);
        assert_int_equal(dt.year, cases[i].y);
        assert_int_equal(dt.month, cases[i].m);
        assert_int_equal(dt.day, cases[i].d);
        assert_true(dt.first_day <= dt.last_day);
        /* out may not be NULL */
        assert_int_equal(peerreview_date_parse(cases[i].s, NULL), PEERREVIEW_EINVAL);
    }
    static const char *const bad[] = {"2015-02-29",  "1900-02-29", "2015-04-31", "2015-13",
                                      "2015-00",     "15-04-2015", "2015/04/01", "2015-4",
                                      " 2015",       "2015 ",      "",           "2015-02-30",
                                      "2015-04-17 ", "201",        "20150"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        peerreview_date dt = {7, 7, 7, PEERREVIEW_DATE_DAY, 7, 7};
        int rc = peerreview_date_parse(bad[i], &dt);
        if (rc != PEERREVIEW_EINVAL)
            fail_msg("\"%s\" parsed (status %d)", bad[i], rc);
        /* nothing half-filled on failure */
        assert_int_equal(dt.year, 0);
        assert_int_equal(dt.month, 0);
        assert_int_equal(dt.day, 0);
        assert_int_equal(dt.precision, 0);
        assert_true(dt.first_day == 0 && dt.last_day == 0);
    }
    peerreview_date dt = {7, 7, 7, PEERREVIEW_DATE_DAY, 7, 7};
    assert_int_equal(peerreview_date_parse(NULL, &dt), PEERREVIEW_EINVAL);
    assert_int_equal(dt.year, 0);
}

/* Precision is part of the value: intervals of reduced-precision dates. */
static void test_date_interval(void **state)
{
    (void)state;
    long lo, hi, lo2, hi2;
    assert_int_equal(pr_date_interval("2015", &lo, &hi), 0);
    assert_int_equal(hi - lo, 364);
    assert_int_equal(pr_date_interval("2016", &lo, &hi), 0);
    assert_int_equal(hi - lo, 365);
    assert_int_equal(pr_date_interval("2016-02", &lo, &hi), 0);
    assert_int_equal(hi - lo, 28);
    assert_int_equal(pr_date_interval("2015-02", &lo2, &hi2), 0);
    assert_int_equal(hi2 - lo2, 27);
    assert_int_equal(pr_date_interval("2015-04-17", &lo, &hi), 0);
    assert_int_equal(lo, hi);
    assert_int_equal(pr_date_interval("2015-04", &lo2, &hi2), 0);
    assert_int_equal(lo - lo2, 16);
    assert_int_equal(hi2 - lo2, 29);
    assert_int_equal(pr_date_interval("2015-12-31", &lo, &hi), 0);
    assert_int_equal(pr_date_interval("2016-01-01", &lo2, &hi2), 0);
    assert_int_equal(lo2 - lo, 1);
    assert_int_equal(pr_date_interval("2015-02-29", &lo, &hi), -1);
}

/* ---- integers ---- */

static void test_integers(void **state)
{
    (void)state;
    OK(R, "recommendation_count", "0");
    OK(R, "recommendation_count", "12");
    OK(R, "recommendation_count", "9223372036854775807");
    OK(R, "people_engaged", "0");
    OK(R, "meetings_held", "100");
    OK(R, "team_size", "1");
    OK(R, "team_size", "12");
    OK(C, "seq", "1");
    OK(I, "seq", "99");
    static const char *const notint[] = {"-1",   "+1",  "1.0", "1 000", "1,000", "1e3",
                                         "0x10", "12a", "a12", "one",   "1_000", "\xd9\xa3" /* ٣ */,
                                         "--1",  "1-"};
    for (size_t i = 0; i < sizeof notint / sizeof notint[0]; i++) {
        BAD0(R, "recommendation_count", notint[i], PEERREVIEW_P_BAD_INTEGER);
        BAD0(S, "seq", notint[i], PEERREVIEW_P_BAD_INTEGER);
    }
    BADQ(R, "recommendation_count", "012", PEERREVIEW_P_BAD_INTEGER, "leading zero");
    BADQ(R, "recommendation_count", "00", PEERREVIEW_P_BAD_INTEGER, "leading zero");
    BADQ(R, "recommendation_count", "-1", PEERREVIEW_P_BAD_INTEGER, "whole number");
    BADQ(R, "recommendation_count", "9223372036854775808", PEERREVIEW_P_BAD_INTEGER, "too large");
    BADQ(R, "recommendation_count", "99999999999999999999", PEERREVIEW_P_BAD_INTEGER, "too large");
    BADQ(R, "recommendation_count", "18446744073709551616", PEERREVIEW_P_BAD_INTEGER, "too large");
    BADQ(R, "team_size", "0", PEERREVIEW_P_BAD_INTEGER, "below the minimum of 1");
    BADQ(TM, "seq", "0", PEERREVIEW_P_BAD_INTEGER, "below the minimum of 1");
    BADQ(I, "seq", "0", PEERREVIEW_P_BAD_INTEGER, "below the minimum of 1");
    BAD0(R, "team_size", " 1", PEERREVIEW_P_WHITESPACE);
    BAD0(R, "team_size", "1 ", PEERREVIEW_P_WHITESPACE);

    int64_t v = 0;
    assert_int_equal(pr_int_parse("9223372036854775807", 19, &v), 0);
    assert_true(v == INT64_MAX);
    assert_int_equal(pr_int_parse("9223372036854775808", 19, &v), -1);
    assert_int_equal(pr_int_parse("42", 2, &v), 0);
    assert_true(v == 42);
}

/* ---- enums ---- */

static void test_enums(void **state)
{
    (void)state;
    /* every listed token of every enum column is valid, exactly */
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        for (size_t c = 0; c < peerreview_column_count(t); c++) {
            for (size_t i = 0; i < peerreview_column_enum_count(t, c); i++) {
                const char *tok = peerreview_column_enum_value(t, c, i);
                assert_int_equal(peerreview_check_value(t, c, tok, NULL), PEERREVIEW_OK);
            }
        }
    }
    OK(R, "review_type", "childrens_safeguarding");
    OK(R, "stage", "progress");
    OK(R, "onsite_mode", "hybrid");
    OK(C, "region_name", "Yorkshire and The Humber");
    OK(TM, "role", "peer_challenge_manager");
    OK(I, "kind", "area_for_consideration");

    /* wrong case: the message names the right token */
    BADQ(R, "review_type", "Corporate", PEERREVIEW_P_BAD_ENUM, "write \"corporate\"");
    BADQ(R, "review_type", "CHILDRENS_SAFEGUARDING", PEERREVIEW_P_BAD_ENUM,
         "write \"childrens_safeguarding\"");
    BADQ(R, "stage", "Initial", PEERREVIEW_P_BAD_ENUM, "write \"initial\"");
    BADQ(C, "region_name", "north east", PEERREVIEW_P_BAD_ENUM, "write \"North East\"");
    BADQ(C, "region_name", "Yorkshire and the Humber", PEERREVIEW_P_BAD_ENUM,
         "write \"Yorkshire and The Humber\"");
    BADQ(C, "authority_type", "County", PEERREVIEW_P_BAD_ENUM, "write \"county\"");
    BADQ(I, "kind", "Recommendation", PEERREVIEW_P_BAD_ENUM, "write \"recommendation\"");
    BADQ(TM, "role", "Lead_Peer", PEERREVIEW_P_BAD_ENUM, "write \"lead_peer\"");

    /* unknown: the message lists the allowed values */
    BADQ(R, "stage", "final", PEERREVIEW_P_BAD_ENUM, "use one of: initial, progress");
    BADQ(R, "onsite_mode", "remote", PEERREVIEW_P_BAD_ENUM, "use one of: onsite, virtual, hybrid");
    BADQ(I, "kind", "strengths", PEERREVIEW_P_BAD_ENUM,
         "focus, strength, area_for_consideration, recommendation, council_priority, other");
    BAD0(R, "review_type", "corporate2", PEERREVIEW_P_BAD_ENUM);
    BAD0(R, "review_type", "corp", PEERREVIEW_P_BAD_ENUM);
    BAD0(C, "region_name", "NorthEast", PEERREVIEW_P_BAD_ENUM);
    /* a text label in place of the token */
    BAD0(C, "authority_type", "London borough", PEERREVIEW_P_BAD_ENUM);
    /* white space around a token is its own problem */
    BAD0(R, "stage", " initial", PEERREVIEW_P_WHITESPACE);
    BAD0(R, "stage", "initial ", PEERREVIEW_P_WHITESPACE);
    /* ... but region names keep their inner spaces */
    BAD0(C, "region_name", "North  East", PEERREVIEW_P_BAD_ENUM);
}

/* ---- codes ---- */

static void test_gss_codes(void **state)
{
    (void)state;
    static const char *const good[] = {"E06000001", "E07000234", "E08000035", "E09000033",
                                       "E10000034", "W06000024", "E06999999", "E10000000"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        OK(C, "gss_code", good[i]);
    static const char *const bad[] = {"E11000001",  "E0600001",  "e06000001",  "E060000011",
                                      "E06A00001",  "S12000033", "W07000001",  "E05000001",
                                      "E12000001",  "E06",       "E06-000001", "N09000001",
                                      "E0700000 1", "w06000024", "E06 000001", "E1000003"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        BAD0(C, "gss_code", bad[i], PEERREVIEW_P_BAD_PATTERN);
    BADQ(C, "gss_code", "E11000001", PEERREVIEW_P_BAD_PATTERN, "gss_code");
    BAD0(C, "gss_code", " E06000001", PEERREVIEW_P_WHITESPACE);
}

static void test_region_codes(void **state)
{
    (void)state;
    char code[16];
    for (int i = 1; i <= 9; i++) {
        snprintf(code, sizeof code, "E1200000%d", i);
        OK(C, "region_gss", code);
    }
    static const char *const bad[] = {"E12000010", "E12000000",  "E1200001",   "e12000001",
                                      "E13000001", "E120000011", "E12000001a", "E1200000A",
                                      "W12000001", "E06000001"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        BAD0(C, "region_gss", bad[i], PEERREVIEW_P_BAD_PATTERN);
    BADQ(C, "region_gss", "E12000010", PEERREVIEW_P_BAD_PATTERN, "E12000001 to E12000009");
}

static void test_dfe_codes(void **state)
{
    (void)state;
    OK(C, "dfe_la_code", "885");
    OK(C, "dfe_la_code", "001");
    OK(C, "dfe_la_code", "000");
    static const char *const bad[] = {"88", "8850", "88a", "8 5", "-88", "8.5", "ABC"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        BAD0(C, "dfe_la_code", bad[i], PEERREVIEW_P_BAD_PATTERN);
    BADQ(C, "dfe_la_code", "8850", PEERREVIEW_P_BAD_PATTERN, "3-digit");
}

static void test_review_id_slugs(void **state)
{
    (void)state;
    char s80[81], s81[82];
    memset(s80, 'a', 80);
    s80[80] = '\0';
    memset(s81, 'a', 81);
    s81[81] = '\0';
    s80[10] = '-';
    s81[10] = '-';
    static const char *const good[] = {"a",
                                       "0",
                                       "e10000034-cs-2015",
                                       "a-",
                                       "a--b",
                                       "2015",
                                       "worcestershire-childrens-safeguarding-2015-04"};
    static const struct {
        int table;
        const char *col;
    } cols[] = {{R, "review_id"}, {R, "parent_review_id"}, {C, "review_id"}, {TM, "review_id"},
                {I, "review_id"}, {CO, "review_id"},       {S, "review_id"}};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
            OK(cols[c].table, cols[c].col, good[i]);
        OK(cols[c].table, cols[c].col, s80);
        BAD0(cols[c].table, cols[c].col, s81, PEERREVIEW_P_BAD_PATTERN);
        static const char *const bad[] = {"-a",  "-",           "A",   "abc-Def", "a_b",     "a.b",
                                          "a/b", "caf\xc3\xa9", "a b", "a+b",     "\xc3\xa9"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
            BAD0(cols[c].table, cols[c].col, bad[i], PEERREVIEW_P_BAD_PATTERN);
        BAD0(cols[c].table, cols[c].col, " abc", PEERREVIEW_P_WHITESPACE);
        BAD0(cols[c].table, cols[c].col, "abc ", PEERREVIEW_P_WHITESPACE);
    }
    BADQ(R, "review_id", "-abc", PEERREVIEW_P_BAD_PATTERN, "not starting with a hyphen");
    BADQ(R, "review_id", "ABC", PEERREVIEW_P_BAD_PATTERN, "lower-case");
    /* an 81-character value is quoted truncated, ending in "..." */
    char *m = BAD(R, "review_id", s81, PEERREVIEW_P_BAD_PATTERN);
    char want[64];
    snprintf(want, sizeof want, "\"%.40s...\" ", s81);
    assert_int_equal(strncmp(m, want, strlen(want)), 0);
    assert_null(strstr(m, s81));
    free(m);
}

/* ---- URLs ---- */

static void test_urls(void **state)
{
    (void)state;
    static const char *const good[] = {
        "http://example.com",
        "https://example.com",
        "https://www.local.gov.uk/our-support/peer-challenges",
        "https://www.worcestershire.gov.uk/download/downloads/id/6080/lga_peer_review.pdf",
        "https://example.com/path?query=1&b=2#frag",
        "http://localhost:8080/x",
        "https://example.com/a%20b",
        "HTTPS://EXAMPLE.COM/",
        "https://user@example.com/",
        "https://[2001:db8::1]/"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        OK(R, "report_url", good[i]);
        OK(S, "url", good[i]);
    }
    static const char *const bad[] = {"ftp://example.com/file",
                                      "www.example.com",
                                      "example.com/page",
                                      "/relative/path",
                                      "../relative",
                                      "https://",
                                      "http://",
                                      "https:///path",
                                      "https://?q",
                                      "https://#x",
                                      "https:/example.com",
                                      "https:example.com",
                                      "mailto:someone@example.com",
                                      "javascript:alert(1)",
                                      "file:///etc/passwd",
                                      "https://exa mple.com",
                                      "https://example.com/a b",
                                      "https://example.com/\"x\"",
                                      "https://example.com/<x>",
                                      "https://example.com/a\\b",
                                      "https://example.com/\x7f",
                                      "https://example.com/a\tb",
                                      "httpx://example.com",
                                      "https//example.com"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        BAD0(R, "report_url", bad[i], PEERREVIEW_P_BAD_URL);
        BAD0(S, "url", bad[i], PEERREVIEW_P_BAD_URL);
    }
    BADQ(S, "url", "ftp://example.com/file", PEERREVIEW_P_BAD_URL, "http:// or https://");
    BADQ(S, "url", "https://", PEERREVIEW_P_BAD_URL, "no host");
    BADQ(S, "url", "https://example.com/a b", PEERREVIEW_P_BAD_URL, "position 22");
    BAD0(S, "url", " https://example.com", PEERREVIEW_P_WHITESPACE);
    BAD0(S, "url", "https://example.com ", PEERREVIEW_P_WHITESPACE);
    BAD0(S, "url", "https://example.com\n", PEERREVIEW_P_WHITESPACE);
}

/* An http(s) URL must name a host (RFC 3986 §3.2.2, RFC 9110 §4.2.1): empty hosts are bad. */
static void test_urls_need_host(void **state)
{
    (void)state;
    static const char *const bad[] = {"https://:80/",  "https://:443",       "https://@/",
                                      "https://user@", "https://user:pw@/x", "http://@:8080/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        BAD0(R, "report_url", bad[i], PEERREVIEW_P_BAD_URL);
        BAD0(S, "url", bad[i], PEERREVIEW_P_BAD_URL);
    }
    OK(S, "url", "https://user:pw@example.com:8443/x");
    OK(S, "url", "http://a");
}

/* ---- text and UTF-8 ---- */

static void test_text_anything_utf8(void **state)
{
    (void)state;
    static const char *const good[] = {
        "plain",
        "  leading and trailing  ",
        " ",
        "line one\nline two",
        "crlf\r\nline",
        "cr\rline",
        "\"quoted\" and \"\"doubled\"\"",
        "comma, semicolon; tab\there",
        "=SUM(A1:A2)", /* formula risk is a dataset warning, not a value rule */
        "+44 1905 763763",
        "-minus",
        "@at",
        "caf\xc3\xa9 \xca\xa4 \xe2\x82\xac \xf0\x9f\x98\x80", /* é ʤ € 😀 */
        "\xef\xbf\xbd",                                       /* U+FFFD */
        "\xf4\x8f\xbf\xbf",                                   /* U+10FFFF */
        "\xed\x9f\xbf",                                       /* U+D7FF */
        "\xee\x80\x80",                                       /* U+E000 */
        "\xc2\x80",                                           /* U+0080 */
        ("\xef\xbb\xbf"
         "BOM inside text")};
    static const struct {
        int table;
        const char *col;
    } cols[] = {{R, "notes"},    {R, "review_type_label"}, {R, "provider"}, {C, "council_name"},
                {TM, "name"},    {TM, "organisation"},     {I, "text"},     {CO, "body"},
                {CO, "outcome"}, {S, "description"}};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
            OK(cols[c].table, cols[c].col, good[i]);
}

static void test_text_invalid_utf8(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\xc0\x80",             /* overlong NUL */
        "\xc1\xbf",             /* overlong */
        "\xe0\x80\x80",         /* overlong 3-byte */
        "\xe0\x9f\xbf",         /* overlong 3-byte, top */
        "\xf0\x80\x80\x80",     /* overlong 4-byte */
        "\xf0\x8f\xbf\xbf",     /* overlong 4-byte, top */
        "\xed\xa0\x80",         /* surrogate D800 */
        "\xed\xbf\xbf",         /* surrogate DFFF */
        "\xf4\x90\x80\x80",     /* > U+10FFFF */
        "\xf5\x80\x80\x80",     /* F5 */
        "\xf8\x88\x80\x80\x80", /* 5-byte form */
        "\xfe",
        "\xff",
        "\x80", /* lone continuation */
        ("a\xbf"
         "b"),
        "\xc3", /* truncated 2-byte */
        "abc\xc3",
        "\xe2\x82", /* truncated 3-byte */
        "\xe2\x82x",
        "\xf0\x9f\x98", /* truncated 4-byte */
        "\xf0\x9f\x98 x",
        "\xc3\xc3\xa9",
        "caf\xe9", /* Latin-1 é */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        BAD0(R, "notes", bad[i], PEERREVIEW_P_INVALID_UTF8);
        BAD0(I, "text", bad[i], PEERREVIEW_P_INVALID_UTF8);
        BAD0(C, "council_name", bad[i], PEERREVIEW_P_INVALID_UTF8);
        /* UTF-8 is checked before a column's own rules */
        BAD0(R, "onsite_start", bad[i], PEERREVIEW_P_INVALID_UTF8);
        BAD0(R, "review_type", bad[i], PEERREVIEW_P_INVALID_UTF8);
        BAD0(S, "url", bad[i], PEERREVIEW_P_INVALID_UTF8);
        assert_int_equal(pr_utf8_valid(bad[i], strlen(bad[i])), 0);
    }
    assert_int_equal(pr_utf8_valid("\xc3\xa9", 2), 1);
    assert_int_equal(pr_utf8_valid("\xc3\xa9", 1), 0);
    assert_int_equal(pr_utf8_valid("\xf0\x9f\x98\x80", 4), 1);
    assert_int_equal(pr_utf8_valid("\xf0\x9f\x98\x80", 3), 0);
    assert_int_equal(pr_utf8_valid("", 0), 1);
}

/* NUL cannot reach peerreview_check_value; pr_check_cell sees it by length. */
static void test_nul_in_cell(void **state)
{
    (void)state;
    pr_buf msg = PR_BUF_INIT;
    assert_int_equal(pr_check_cell(R, col(R, "notes"), "a\0b", 3, &msg), PEERREVIEW_P_NUL_BYTE);
    assert_non_null(strstr(pr_buf_str(&msg), "NUL"));
    pr_buf_free(&msg);
    assert_int_equal(pr_check_cell(I, col(I, "text"), "\0", 1, NULL), PEERREVIEW_P_NUL_BYTE);
    assert_int_equal(pr_check_cell(R, col(R, "review_id"), "ab\0", 3, NULL), PEERREVIEW_P_NUL_BYTE);
    /* only the first len bytes count */
    assert_int_equal(pr_check_cell(R, col(R, "team_size"), "12x", 2, NULL), -1);
    assert_int_equal(pr_check_cell(R, col(R, "onsite_start"), "2015-04-17", 7, NULL), -1);
    assert_int_equal(pr_check_cell(R, col(R, "onsite_start"), "2015-04-17", 8, NULL),
                     PEERREVIEW_P_BAD_DATE);
    /* out of range column: classified as valid (no column, no rule) */
    assert_int_equal(pr_check_cell(R, 999, "x", 1, NULL), -1);
}

/* items.text has minLength 1: the cell rule reports an empty value by length. */
static void test_nonempty_text(void **state)
{
    (void)state;
    pr_buf msg = PR_BUF_INIT;
    assert_int_equal(pr_check_cell(I, col(I, "text"), "", 0, &msg), PEERREVIEW_P_MISSING_VALUE);
    assert_non_null(strstr(pr_buf_str(&msg), "text"));
    pr_buf_free(&msg);
    assert_int_equal(pr_check_cell(R, col(R, "notes"), "", 0, NULL), -1);
    assert_int_equal(pr_check_cell(I, col(I, "text"), " ", 1, NULL), -1);
}

/* pr_check_read is pr_check_cell for values known to be valid UTF-8 without NUL. */
static void test_check_read_agrees(void **state)
{
    (void)state;
    static const char *const values[] = {
        "2015",        "2015-02-29", "2016-02-29", " 2015",          "12",        "007",
        "-1",          "county",     "County",     "london borough", "E10000034", "e10000034",
        "E12000005",   "885",        "8850",       "e1-cpc-2015",    "-abc",      "x y",
        "https://a.b", "ftp://x",    "http:///p",  "caf\xc3\xa9",    "=formula",  "",
        "progress"};
    pr_buf a = PR_BUF_INIT, b = PR_BUF_INIT;
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        for (size_t c = 0; c < peerreview_column_count(t); c++) {
            for (size_t v = 0; v < sizeof values / sizeof *values; v++) {
                pr_buf_reset(&a);
                pr_buf_reset(&b);
                size_t len = strlen(values[v]);
                assert_int_equal(pr_check_read(t, c, values[v], len, &a),
                                 pr_check_cell(t, c, values[v], len, &b));
                assert_string_equal(pr_buf_str(&a), pr_buf_str(&b));
            }
        }
    }
    pr_buf_free(&a);
    pr_buf_free(&b);
}

/* pr_buf_printf prints what snprintf prints, by its own printer or by vsnprintf. */
static void test_buf_printf(void **state)
{
    (void)state;
    char want[512], longer[300];
    pr_buf b = PR_BUF_INIT;
#define SAME(...)                                                                                  \
    do {                                                                                           \
        pr_buf_reset(&b);                                                                          \
        assert_int_equal(pr_buf_printf(&b, __VA_ARGS__), 0);                                       \
        snprintf(want, sizeof want, __VA_ARGS__);                                                  \
        assert_string_equal(pr_buf_str(&b), want);                                                 \
        assert_int_equal(b.len, strlen(want));                                                     \
    } while (0)
    SAME("plain text");
    SAME("%s", "");
    SAME("cell %s%lu: ", "AB", 12345UL);
    SAME("%d %d %d %d", 0, 7, -1, INT_MIN);
    SAME("%u %lu %llu %zu", UINT_MAX, ULONG_MAX, ULLONG_MAX, (size_t)0);
    SAME("%ld %lld %lld", LONG_MIN, LLONG_MAX, LLONG_MIN);
    SAME("100%% sure, %c!", 'x');
    SAME("%s %s", "ab",
         "c\xe2\x80\x94"
         "d");
    /* what the printer leaves to vsnprintf, and what follows it */
    SAME("%02d %.3s %x %5s|%-3d|", 7, "abcdef", 255, "ab", 4);
    SAME("%s then %02x, %lc", "ab", 10, (wint_t)'y');
    SAME("%zd %td %%", (ssize_t)-3, (ptrdiff_t)9);
    memset(longer, 'y', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    SAME("<%s> %s", longer, "z");
    /* appended after what the buffer holds */
    pr_buf_reset(&b);
    assert_int_equal(pr_buf_adds(&b, "pre "), 0);
    assert_int_equal(pr_buf_printf(&b, "%s %d %02d", "x", 5, 3), 0);
    assert_string_equal(pr_buf_str(&b), "pre x 5 03");
    assert_int_equal(b.len, 10);
#undef SAME
    pr_buf_free(&b);
}

/* pr_escape_prefix: the longest prefix that escaping leaves as it is, whole characters. */
static void test_escape_prefix(void **state)
{
    (void)state;
    char s[80];
    static const char *const odd[] = {"\n",           "\t",       "\x7f", "\xff",
                                      "\xe2\x80\xae", "\xc2\x85", "\x01"};
    static const char *const fine[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    pr_buf all = PR_BUF_INIT, part = PR_BUF_INIT;
    for (size_t at = 0; at < 40; at++) {
        for (size_t o = 0; o <= sizeof odd / sizeof *odd; o++) {
            /* at bytes of printable text (some not ASCII), then an odd character or none */
            size_t n = 0;
            while (n < at) {
                const char *c = at % 2 ? fine[(n * 7) % 4] : "a"; /* or ASCII only */
                memcpy(s + n, c, strlen(c));
                n += strlen(c);
            }
            size_t plain = n;
            if (o < sizeof odd / sizeof *odd) {
                memcpy(s + n, odd[o], strlen(odd[o]));
                n += strlen(odd[o]);
            }
            memcpy(s + n, "tail", 4);
            n += 4;
            size_t k = pr_escape_prefix(s, n);
            assert_int_equal(k, o < sizeof odd / sizeof *odd ? plain : n);
            assert_int_equal(pr_needs_escape(s, n), k < n);
            pr_buf_reset(&all);
            pr_buf_reset(&part);
            assert_int_equal(pr_buf_escape(&all, s, n), 0);
            assert_int_equal(pr_buf_add(&part, s, k), 0);
            assert_int_equal(pr_buf_escape(&part, s + k, n - k), 0);
            assert_string_equal(pr_buf_str(&all), pr_buf_str(&part));
        }
    }
    pr_buf_free(&all);
    pr_buf_free(&part);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_null_always_valid),
        cmocka_unit_test(test_problems_accumulate),
        cmocka_unit_test(test_dates_valid),
        cmocka_unit_test(test_dates_bad),
        cmocka_unit_test(test_dates_whitespace),
        cmocka_unit_test(test_date_messages),
        cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_date_interval),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_gss_codes),
        cmocka_unit_test(test_region_codes),
        cmocka_unit_test(test_dfe_codes),
        cmocka_unit_test(test_review_id_slugs),
        cmocka_unit_test(test_urls),
        cmocka_unit_test(test_urls_need_host),
        cmocka_unit_test(test_text_anything_utf8),
        cmocka_unit_test(test_text_invalid_utf8),
        cmocka_unit_test(test_nul_in_cell),
        cmocka_unit_test(test_nonempty_text),
        cmocka_unit_test(test_check_read_agrees),
        cmocka_unit_test(test_buf_printf),
        cmocka_unit_test(test_escape_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
