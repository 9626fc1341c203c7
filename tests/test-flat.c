/* Tests of the flat form: one CSV row per review with list columns (doc/format.md §7). */
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

#include "helpers.h"

#define R  PEERREVIEW_REVIEWS
#define RC PEERREVIEW_REVIEW_COUNCILS
#define TM PEERREVIEW_TEAM_MEMBERS
#define IT PEERREVIEW_ITEMS

#define REVIEW_COLS                                                                                \
    "review_id,review_type,review_type_label,stage,parent_review_id,provider,onsite_start,"        \
    "onsite_end,onsite_mode,report_date,published_date,action_plan_due,"                           \
    "progress_review_planned,recommendation_count,team_size,people_engaged,meetings_held,"         \
    "report_url,notes"
#define LIST_COLS                                                                                  \
    "councils,team,focus,strength,area_for_consideration,recommendation,council_priority,"         \
    "other,considerations,sources"
#define FLAT_HEADER REVIEW_COLS "," LIST_COLS "\r\n"

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- sample -> flat -> package ---- */

static void test_sample_through_flat(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    char *tmp = tmp_dir();
    char *flat = path_join(tmp, "sample.csv");
    save_ok(ds, flat, NULL);
    assert_int_equal(count_dot_files(tmp), 0);
    /* the header */
    size_t len;
    char *text = read_file(flat, &len);
    assert_non_null(text);
    assert_int_equal(strncmp(text, FLAT_HEADER, strlen(FLAT_HEADER)), 0);
    assert_true(len > 2 && text[len - 2] == '\r' && text[len - 1] == '\n');
    free(text);

    peerreview_dataset *back = load_ok(flat, NULL);
    assert_int_equal(peerreview_dataset_count(back), 30);
    assert_dataset_equal(ds, back);
    char *pkg = path_join(tmp, "pkg");
    save_ok(back, pkg, NULL);
    /* every table byte-for-byte */
    for (size_t i = 0; i < 6; i++) {
        char *a = path_join(SAMPLE_DIR, package_files[i]);
        char *b = path_join(pkg, package_files[i]);
        assert_same_file(a, b);
        free(a);
        free(b);
    }
    /* the descriptor: same resources (the flat file has no dataset title to carry) */
    char *pa = path_join(SAMPLE_DIR, "datapackage.json");
    char *pb = path_join(pkg, "datapackage.json");
    char *da = read_file(pa, NULL), *db = read_file(pb, NULL);
    assert_non_null(da);
    assert_non_null(db);
    assert_non_null(strstr(da, "\"resources\""));
    assert_non_null(strstr(db, "\"resources\""));
    assert_string_equal(strstr(da, "\"resources\""), strstr(db, "\"resources\""));
    free(da);
    free(db);
    free(pa);
    free(pb);
    /* flat -> flat is a fixpoint */
    char *flat2 = path_join(tmp, "again.csv");
    save_ok(back, flat2, NULL);
    assert_same_file(flat, flat2);
    free(flat2);
    peerreview_dataset_free(back);
    peerreview_dataset_free(ds);
    rm_rf(tmp);
    free(pkg);
    free(flat);
    free(tmp);
}

/* ---- random datasets through the flat form ---- */

#define ROUNDS 50

static void test_random_flat(void **state)
{
    (void)state;
    uint64_t rng = 0xf1a7f1a7ULL;
    char *tmp = tmp_dir();
    char *a = path_join(tmp, "a.csv");
    char *b = path_join(tmp, "b.csv");
    char *pkg = path_join(tmp, "pkg");
    char *pkg2 = path_join(tmp, "pkg2");
    size_t rows = 0, bar_lines = 0, inner_lead = 0, inner_trail = 0;
    for (int i = 0; i < ROUNDS; i++) {
        peerreview_dataset *ds = random_dataset(&rng, 1, i == 5);
        for (size_t k = 0; k < peerreview_dataset_count(ds); k++)
            for (int t = 1; t < PEERREVIEW_TABLE_COUNT; t++)
                rows += peerreview_review_child_count(peerreview_dataset_review_byindex(ds, k), t);
        save_ok(ds, a, NULL);
        char *text = read_file(a, NULL);
        assert_non_null(text);
        /* an empty first field ("| "), and spaces at the edges of lines inside a cell */
        bar_lines += strstr(text, "\n| ") != NULL;
        inner_lead += strstr(text, "\n ") != NULL;
        inner_trail += strstr(text, " \n") != NULL;
        free(text);
        peerreview_dataset *back = load_ok(a, NULL);
        assert_dataset_equal(ds, back);
        save_ok(back, b, NULL);
        assert_same_file(a, b);
        /* and package -> flat -> package is lossless */
        save_ok(ds, pkg, NULL);
        save_ok(back, pkg2, NULL);
        assert_same_package(pkg, pkg2);
        peerreview_dataset_free(back);
        peerreview_dataset_free(ds);
        rm_rf(pkg);
        rm_rf(pkg2);
    }
    assert_true(rows > 100);
    assert_true(bar_lines > 5 && inner_lead > 5 && inner_trail > 5);
    rm_rf(tmp);
    free(pkg2);
    free(pkg);
    free(a);
    free(b);
    free(tmp);
}

/* ---- exact bytes of a small flat file, and its import ---- */

static void rset(peerreview_review *r, const char *col, const char *v)
{
    assert_int_equal(peerreview_review_set_byname(r, col, v, NULL), PEERREVIEW_OK);
}

static peerreview_row *child(peerreview_review *r, int table)
{
    peerreview_row *row;
    assert_int_equal(peerreview_review_add_child(r, table, &row), PEERREVIEW_OK);
    return row;
}

static void cset(peerreview_row *row, const char *col, const char *v)
{
    assert_int_equal(peerreview_row_set_byname(row, col, v, NULL), PEERREVIEW_OK);
}

static peerreview_dataset *small_dataset(void)
{
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_non_null(ds);
    peerreview_review *r = peerreview_review_new();
    assert_non_null(r);
    rset(r, "review_id", "rev-1");
    rset(r, "review_type", "corporate");
    rset(r, "stage", "initial");
    rset(r, "onsite_start", "2019");
    rset(r, "notes", "two\nlines");
    peerreview_row *c = child(r, RC);
    cset(c, "gss_code", "E10000034");
    cset(c, "council_name", "Worcestershire County Council");
    cset(c, "authority_type", "county");
    c = child(r, RC);
    cset(c, "council_name", "Other, Council");
    cset(c, "authority_type", "other");
    cset(c, "dfe_la_code", "001");
    peerreview_row *t = child(r, TM);
    cset(t, "name", "Jane \"JD\" Doe");
    t = child(r, TM);
    cset(t, "organisation", "Org");
    for (int i = 0; i < 10; i++) {
        peerreview_row *it = child(r, IT);
        cset(it, "kind", i == 4 ? "other" : "focus");
        cset(it, "seq", NULL);
        char buf[32];
        snprintf(buf, sizeof buf, "focus | %d", i + 1);
        cset(it, "text", buf);
    }
    peerreview_row *s = child(r, PEERREVIEW_SOURCES);
    cset(s, "url", "https://a.org/x");
    cset(s, "description", "desc");
    assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
    return ds;
}

static void test_small_exact(void **state)
{
    (void)state;
    peerreview_dataset *ds = small_dataset();
    char *tmp = tmp_dir();
    char *flat = path_join(tmp, "small.csv");
    save_ok(ds, flat, NULL);
    static const char expect[] = FLAT_HEADER
        "rev-1,corporate,,initial,,,2019,,,,,,,,,,,,\"two\nlines\","
        "\"E10000034 | Worcestershire County Council | county\n"
        "| Other, Council | other |  |  | 001\","
        "\"Jane \"\"JD\"\" Doe\n|  |  |  |  | Org\","
        "\"focus | 1\nfocus | 2\nfocus | 3\nfocus | 4\nfocus | 6\nfocus | 7\nfocus | 8\n"
        "focus | 9\nfocus | 10\",,,,,focus | 5,,https://a.org/x | desc\r\n";
    size_t len;
    char *got = read_file(flat, &len);
    assert_non_null(got);
    if (len != strlen(expect) || memcmp(got, expect, len) != 0) {
        fprintf(stderr, "--- expected ---\n%s\n--- got ---\n%s\n", expect, got);
        fail_msg("flat bytes differ");
    }
    free(got);
    peerreview_dataset *back = load_ok(flat, NULL);
    assert_dataset_equal(ds, back);
    peerreview_dataset_free(back);
    peerreview_dataset_free(ds);
    rm_rf(tmp);
    free(flat);
    free(tmp);
}

/* ---- values the flat form cannot hold ---- */

static void expect_unrepresentable(peerreview_dataset *ds, const char *review_id, const char *field)
{
    char *tmp = tmp_dir();
    char *flat = path_join(tmp, "out.csv");
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    assert_int_equal(peerreview_save(ds, flat, NULL, d), PEERREVIEW_EUNSUPPORTED);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_UNREPRESENTABLE, NULL, 0, 0, field);
    assert_int_equal(peerreview_problem_severity(p), PEERREVIEW_SEVERITY_ERROR);
    assert_non_null(strstr(peerreview_problem_message(p), review_id));
    assert_false(exists(flat));
    assert_int_equal(count_dot_files(tmp), 0);
    /* an existing file is left unchanged */
    write_file(tmp, "out.csv", "old content\r\n", (size_t)-1);
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_save(ds, flat, NULL, d), PEERREVIEW_EUNSUPPORTED);
    expect_problem(d, PEERREVIEW_P_UNREPRESENTABLE, NULL, 0, 0, field);
    char *text = read_file(flat, NULL);
    assert_non_null(text);
    assert_string_equal(text, "old content\r\n");
    assert_int_equal(count_dot_files(tmp), 0);
    free(text);
    /* the package form holds it */
    char *pkg = path_join(tmp, "pkg");
    save_ok(ds, pkg, NULL);
    peerreview_dataset *back = load_ok(pkg, NULL);
    assert_dataset_equal(ds, back);
    peerreview_dataset_free(back);
    free(pkg);
    peerreview_diag_free(d);
    rm_rf(tmp);
    free(flat);
    free(tmp);
}

static void test_unrepresentable(void **state)
{
    (void)state;
    /* an item text with a line break */
    peerreview_dataset *ds = small_dataset();
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "rev-1");
    cset(peerreview_review_child_byindex_mut(r, IT, 2), "text", "line\nbreak");
    expect_unrepresentable(ds, "rev-1", "focus.text");
    cset(peerreview_review_child_byindex_mut(r, IT, 2), "text", "cr\ronly");
    expect_unrepresentable(ds, "rev-1", "focus.text");
    cset(peerreview_review_child_byindex_mut(r, IT, 2), "text", "fine");
    peerreview_dataset_free(ds);

    /* a council name containing " | " */
    ds = small_dataset();
    r = peerreview_dataset_review_byid_mut(ds, "rev-1");
    cset(peerreview_review_child_byindex_mut(r, RC, 1), "council_name", "A | B");
    expect_unrepresentable(ds, "rev-1", "councils.council_name");
    /* a | beside a space at the end of a field followed by another field */
    cset(peerreview_review_child_byindex_mut(r, RC, 1), "council_name", "A |");
    expect_unrepresentable(ds, "rev-1", "councils.council_name");
    peerreview_dataset_free(ds);

    /* a team member field with a line break */
    ds = small_dataset();
    r = peerreview_dataset_review_byid_mut(ds, "rev-1");
    cset(peerreview_review_child_byindex_mut(r, TM, 1), "job_title", "Chief\r\nExecutive");
    expect_unrepresentable(ds, "rev-1", "team.job_title");
    peerreview_dataset_free(ds);

    /* a seq gap */
    ds = small_dataset();
    r = peerreview_dataset_review_byid_mut(ds, "rev-1");
    cset(peerreview_review_child_byindex_mut(r, RC, 1), "seq", "3");
    expect_unrepresentable(ds, "rev-1", "councils.seq");
    peerreview_dataset_free(ds);
    /* items: a gap within one kind */
    ds = small_dataset();
    r = peerreview_dataset_review_byid_mut(ds, "rev-1");
    cset(peerreview_review_child_byindex_mut(r, IT, 4), "seq",
         "2"); /* the only "other": 2, not 1 */
    expect_unrepresentable(ds, "rev-1", "other.seq");
    peerreview_dataset_free(ds);

    /* a team member with every field empty */
    ds = small_dataset();
    r = peerreview_dataset_review_byid_mut(ds, "rev-1");
    child(r, TM);
    expect_unrepresentable(ds, "rev-1", "team.name");
    peerreview_dataset_free(ds);
}

/* ---- no cell begins or ends with white space (issue 9: R's readr trims it) ---- */

/* The flat file ds saves to (with spreadsheet-safe export if safe), as text. */
static char *flat_text(const peerreview_dataset *ds, int safe)
{
    char *tmp = tmp_dir();
    char *flat = path_join(tmp, "out.csv");
    peerreview_options *o = peerreview_options_new();
    assert_non_null(o);
    assert_int_equal(peerreview_options_set_spreadsheet_safe(o, safe), PEERREVIEW_OK);
    save_ok(ds, flat, o);
    char *text = read_file(flat, NULL);
    assert_non_null(text);
    peerreview_options_free(o);
    rm_rf(tmp);
    free(flat);
    free(tmp);
    return text;
}

/* Save ds as flat: refused, naming review_id and field, with a message that says why. */
static void expect_edge_ws(peerreview_dataset *ds, const char *field, const char *what)
{
    expect_unrepresentable(ds, "rev-1", field);
    char *tmp = tmp_dir();
    char *flat = path_join(tmp, "out.csv");
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    assert_int_equal(peerreview_save(ds, flat, NULL, d), PEERREVIEW_EUNSUPPORTED);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_UNREPRESENTABLE, NULL, 0, 0, field);
    const char *msg = peerreview_problem_message(p);
    assert_non_null(strstr(msg, what));
    assert_non_null(strstr(msg, "readr"));
    assert_non_null(strstr(msg, "save as a package"));
    assert_int_equal(peerreview_diag_errors(d), 1);
    peerreview_diag_free(d);
    rm_rf(tmp);
    free(flat);
    free(tmp);
}

static void test_edge_whitespace_refused(void **state)
{
    (void)state;
    /* a reviews text value */
    static const struct {
        const char *col, *value, *what;
    } scalar[] = {
        {"notes", " two\nlines", "begins with a space"},
        {"notes", "two\nlines ", "ends with a space"},
        {"notes", "\ntwo lines", "begins with a line break"},
        {"notes", "two lines\r\n", "ends with a line break"},
        {"provider", "\tLGA", "begins with a tab"},
        {"review_type_label", "Corporate\t", "ends with a tab"},
    };
    for (size_t i = 0; i < sizeof scalar / sizeof scalar[0]; i++) {
        peerreview_dataset *ds = small_dataset();
        rset(peerreview_dataset_review_byid_mut(ds, "rev-1"), scalar[i].col, scalar[i].value);
        expect_edge_ws(ds, scalar[i].col, scalar[i].what);
        peerreview_dataset_free(ds);
    }

    /* list cells: the first field of the first line, the last of the last line */
    static const struct {
        int table;
        size_t row;
        const char *col, *value, *field, *what;
    } list[] = {
        {IT, 0, "text", " focus | 1", "focus.text", "begins with a space"},
        {IT, 9, "text", "focus | 10 ", "focus.text", "ends with a space"},
        {IT, 4, "text", "\tfocus | 5", "other.text", "begins with a tab"}, /* the only other */
        {TM, 0, "name", " Jane", "team.name", "begins with a space"},
        {TM, 1, "organisation", "Org ", "team.organisation", "ends with a space"},
        {PEERREVIEW_SOURCES, 0, "description", "desc\t", "sources.description", "ends with a tab"},
    };
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
        peerreview_dataset *ds = small_dataset();
        peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "rev-1");
        cset(peerreview_review_child_byindex_mut(r, list[i].table, list[i].row), list[i].col,
             list[i].value);
        expect_edge_ws(ds, list[i].field, list[i].what);
        peerreview_dataset_free(ds);
    }

    /* the last line ends with its last non-empty field, not the last column */
    peerreview_dataset *ds = small_dataset();
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "rev-1");
    peerreview_row *t = peerreview_review_child_byindex_mut(r, TM, 1);
    cset(t, "organisation", NULL);
    cset(t, "job_title", "Director ");
    expect_edge_ws(ds, "team.job_title", "ends with a space");
    peerreview_dataset_free(ds);
}

/* White space inside a cell is kept: at the edges of values, but not of the cell. */
static void test_inner_whitespace_kept(void **state)
{
    (void)state;
    peerreview_dataset *ds = small_dataset();
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "rev-1");
    rset(r, "notes", "two \n lines");
    cset(peerreview_review_child_byindex_mut(r, IT, 2), "text", " focus 3 "); /* a middle line */
    cset(peerreview_review_child_byindex_mut(r, TM, 0), "name", "Jane "); /* ends the first line */
    cset(peerreview_review_child_byindex_mut(r, TM, 1), "job_title",
         " Boss "); /* inside the last line */
    /* the first line of councils starts with an empty field, then a space */
    peerreview_row *c = peerreview_review_child_byindex_mut(r, RC, 0);
    cset(c, "gss_code", NULL);
    cset(c, "authority_type", "other");
    cset(c, "council_name", " Worcestershire ");
    char *text = flat_text(ds, 0);
    assert_non_null(strstr(text, ",\"two \n lines\","));
    assert_non_null(strstr(text, ",\"|  Worcestershire  | other\n| Other, Council | other |  |  | "
                                 "001\",\"Jane \n|  |  |  |  Boss  | Org\","));
    assert_non_null(strstr(text, "\nfocus | 2\n focus 3 \nfocus | 4\n"));
    free(text);
    char *tmp = tmp_dir();
    char *flat = path_join(tmp, "out.csv");
    save_ok(ds, flat, NULL);
    peerreview_dataset *back = load_ok(flat, NULL);
    assert_dataset_equal(ds, back);
    peerreview_dataset_free(back);
    rm_rf(tmp);
    free(flat);
    free(tmp);
    peerreview_dataset_free(ds);
}

/*
 * Spreadsheet-safe export puts a ' before text that starts with TAB (or CR):
 * the cell as written then begins with ', not white space, so it is allowed.
 * A space is no formula trigger, and the end of a cell is never changed.
 */
static void test_edge_whitespace_spreadsheet_safe(void **state)
{
    (void)state;
    peerreview_dataset *ds = small_dataset();
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "rev-1");
    rset(r, "provider", "\tLGA");
    cset(peerreview_review_child_byindex_mut(r, IT, 0), "text", "\tfocus 1");
    expect_unrepresentable(ds, "rev-1", "provider");
    char *text = flat_text(ds, 1);
    assert_non_null(strstr(text, ",initial,,'\tLGA,2019,"));
    assert_non_null(strstr(text, ",\"'\tfocus 1\nfocus | 2\n"));
    free(text);
    /* a space still begins the cell; a TAB still ends it */
    char *tmp = tmp_dir();
    char *flat = path_join(tmp, "out.csv");
    peerreview_options *o = peerreview_options_new();
    assert_non_null(o);
    assert_int_equal(peerreview_options_set_spreadsheet_safe(o, 1), PEERREVIEW_OK);
    static const char *const bad[][2] = {
        {" LGA", "provider"}, {"LGA\t", "provider"}, {"\t", "provider"}};
    for (size_t i = 0; i < 3; i++) {
        rset(r, "provider", bad[i][0]);
        peerreview_diag *d = peerreview_diag_new();
        assert_non_null(d);
        assert_int_equal(peerreview_save(ds, flat, o, d), PEERREVIEW_EUNSUPPORTED);
        expect_problem(d, PEERREVIEW_P_UNREPRESENTABLE, NULL, 0, 0, bad[i][1]);
        assert_int_equal(peerreview_diag_errors(d), 1);
        assert_false(exists(flat));
        peerreview_diag_free(d);
    }
    rset(r, "provider", NULL);
    cset(peerreview_review_child_byindex_mut(r, IT, 0), "text", " focus 1");
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    assert_int_equal(peerreview_save(ds, flat, o, d), PEERREVIEW_EUNSUPPORTED);
    expect_problem(d, PEERREVIEW_P_UNREPRESENTABLE, NULL, 0, 0, "focus.text");
    peerreview_diag_free(d);
    peerreview_options_free(o);
    rm_rf(tmp);
    free(flat);
    free(tmp);
    peerreview_dataset_free(ds);
}

/* A first field that begins with "| " would read back as an empty one: refused. */
static void test_first_field_bar(void **state)
{
    (void)state;
    static const char *const bad[] = {"| Jane", "| ", "|"};
    for (size_t i = 0; i < 3; i++) {
        peerreview_dataset *ds = small_dataset();
        peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "rev-1");
        peerreview_row *t = peerreview_review_child_byindex_mut(r, TM, 1); /* the last line */
        cset(t, "name", bad[i]);
        cset(t, "role", "member_peer");
        expect_unrepresentable(ds, "rev-1", "team.name");
        peerreview_dataset_free(ds);
    }
    /* what is fine: "|" alone, "|x", and items (one field: a line is its text) */
    peerreview_dataset *ds = small_dataset();
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "rev-1");
    cset(peerreview_review_child_byindex_mut(r, TM, 0), "name", "|x");
    peerreview_row *t = peerreview_review_child_byindex_mut(r, TM, 1);
    cset(t, "organisation", NULL);
    cset(t, "name", "|");
    cset(peerreview_review_child_byindex_mut(r, IT, 0), "text", "| focus 1");
    char *text = flat_text(ds, 0);
    assert_non_null(strstr(text, ",\"|x\n|\",\"| focus 1\nfocus | 2\n"));
    free(text);
    char *tmp = tmp_dir();
    char *flat = path_join(tmp, "out.csv");
    save_ok(ds, flat, NULL);
    peerreview_dataset *back = load_ok(flat, NULL);
    assert_dataset_equal(ds, back);
    peerreview_dataset_free(back);
    rm_rf(tmp);
    free(flat);
    free(tmp);
    peerreview_dataset_free(ds);
}

/* ---- import (what bad flat files report: tests/cases) ---- */

static peerreview_diag *load_flat_text(const char *text, int expect_rc, char **tmp_out)
{
    char *tmp = tmp_dir();
    write_file(tmp, "in.csv", text, (size_t)-1);
    char *path = path_join(tmp, "in.csv");
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    peerreview_dataset *ds = (peerreview_dataset *)1;
    int rc = peerreview_load(path, NULL, d, &ds);
    if (rc != expect_rc)
        dump_diag(d);
    assert_int_equal(rc, expect_rc);
    if (rc == PEERREVIEW_OK)
        assert_non_null(ds);
    else
        assert_null(ds);
    peerreview_dataset_free(ds);
    free(path);
    *tmp_out = tmp;
    return d;
}

static void test_import_trailing_omitted(void **state)
{
    (void)state;
    /* trailing empty fields of a line may be left out; so may whole list columns */
    static const char text[] =
        "review_id,review_type,stage,councils,team,considerations,focus\r\n"
        "rev-1,corporate,initial,\"E10000034 | Worcestershire County Council | county\n"
        "E06000019 | Herefordshire | unitary | E12000005\","
        "\"Jane Doe\n | member_peer\n |  |  |  |  | Org\",2020-01-02,\"One | two\nThree\"\r\n";
    char *tmp;
    peerreview_diag *d = load_flat_text(text, PEERREVIEW_OK, &tmp);
    assert_int_equal(peerreview_diag_errors(d), 0);
    char *path = path_join(tmp, "in.csv");
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(path, NULL, NULL, &ds), PEERREVIEW_OK);
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "rev-1");
    assert_non_null(r);
    assert_int_equal(peerreview_review_child_count(r, RC), 2);
    peerreview_row *c = peerreview_review_child_byindex_mut(r, RC, 0);
    assert_string_equal(row_str(c, "seq"), "1");
    assert_string_equal(row_str(c, "authority_type"), "county");
    assert_null(row_str(c, "region_gss"));
    assert_null(row_str(c, "dfe_la_code"));
    c = peerreview_review_child_byindex_mut(r, RC, 1);
    assert_string_equal(row_str(c, "seq"), "2");
    assert_string_equal(row_str(c, "council_name"), "Herefordshire");
    assert_string_equal(row_str(c, "region_gss"), "E12000005");
    assert_null(row_str(c, "region_name"));
    assert_int_equal(peerreview_review_child_count(r, TM), 3);
    peerreview_row *t = peerreview_review_child_byindex_mut(r, TM, 0);
    assert_string_equal(row_str(t, "name"), "Jane Doe");
    assert_null(row_str(t, "role"));
    t = peerreview_review_child_byindex_mut(r, TM, 1);
    assert_null(row_str(t, "name"));
    assert_string_equal(row_str(t, "role"), "member_peer");
    t = peerreview_review_child_byindex_mut(r, TM, 2);
    assert_string_equal(row_str(t, "seq"), "3");
    assert_string_equal(row_str(t, "organisation"), "Org");
    assert_null(row_str(t, "job_title"));
    peerreview_row *k = peerreview_review_child_byindex_mut(r, PEERREVIEW_CONSIDERATIONS, 0);
    assert_string_equal(row_str(k, "date"), "2020-01-02");
    assert_null(row_str(k, "body"));
    /* items are one field: " | " is part of the text */
    assert_int_equal(peerreview_review_child_count(r, IT), 2);
    peerreview_row *it = peerreview_review_child_byindex_mut(r, IT, 0);
    assert_string_equal(row_str(it, "kind"), "focus");
    assert_string_equal(row_str(it, "seq"), "1");
    assert_string_equal(row_str(it, "text"), "One | two");
    it = peerreview_review_child_byindex_mut(r, IT, 1);
    assert_string_equal(row_str(it, "seq"), "2");
    assert_string_equal(row_str(it, "text"), "Three");
    peerreview_dataset_free(ds);
    free(path);
    peerreview_diag_free(d);
    rm_rf(tmp);
    free(tmp);
}

static void assert_team(const peerreview_row *t, const char *const *want)
{
    static const char *const cols[] = {"name",         "role",      "role_label",
                                       "member_party", "job_title", "organisation"};
    for (size_t k = 0; k < 6; k++) {
        const char *v = row_str(t, cols[k]);
        if (!want[k])
            assert_null(v);
        else {
            assert_non_null(v);
            assert_string_equal(v, want[k]);
        }
    }
}

/*
 * An empty first field: the new packing "| x", the old " | x", and the old
 * after a trimming reader (R's readr) removed the space at the start of the
 * cell, which is "| x" again.
 */
static void test_import_packings(void **state)
{
    (void)state;
    static const char text[] =
        "review_id,review_type,stage,team,councils,considerations,focus\r\n"
        /* new */
        "rev-1,corporate,initial,\"| officer_peer |  |  | Director\nJo | member_peer\n"
        "|  |  |  |  | Org\",\"| Council One | county\",| Decided,| not split\r\n"
        /* old */
        "rev-2,corporate,initial,\" | officer_peer |  |  | Director\nJo | member_peer\n"
        " |  |  |  |  | Org\",\" | Council One | county\", | Decided,| not split\r\n"
        /* old, trimmed by readr (the team cell of issue 9, first line) */
        "rev-3,corporate,initial,\"|  |  |  |  | Brighton & Hove City Council\n"
        " |  |  |  |  | Org\",\"| Council One | county\",| Decided,| not split\r\n"
        /* a first field with a | but no space after it is a value */
        "rev-4,corporate,initial,\"|x | member_peer\n|\",,,\r\n";
    char *tmp;
    peerreview_diag *d = load_flat_text(text, PEERREVIEW_OK, &tmp);
    assert_int_equal(peerreview_diag_errors(d), 0);
    char *path = path_join(tmp, "in.csv");
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(path, NULL, NULL, &ds), PEERREVIEW_OK);
    static const char *const officer[] = {NULL, "officer_peer", NULL, NULL, "Director", NULL};
    static const char *const jo[] = {"Jo", "member_peer", NULL, NULL, NULL, NULL};
    static const char *const org[] = {NULL, NULL, NULL, NULL, NULL, "Org"};
    static const char *const bh[] = {NULL, NULL, NULL, NULL, NULL, "Brighton & Hove City Council"};
    for (int i = 1; i <= 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "rev-%d", i);
        peerreview_review *r = peerreview_dataset_review_byid_mut(ds, id);
        assert_non_null(r);
        if (i < 3) {
            assert_int_equal(peerreview_review_child_count(r, TM), 3);
            assert_team(peerreview_review_child_byindex_mut(r, TM, 0), officer);
            assert_team(peerreview_review_child_byindex_mut(r, TM, 1), jo);
            assert_team(peerreview_review_child_byindex_mut(r, TM, 2), org);
        } else {
            assert_int_equal(peerreview_review_child_count(r, TM), 2);
            assert_team(peerreview_review_child_byindex_mut(r, TM, 0), bh);
            assert_team(peerreview_review_child_byindex_mut(r, TM, 1), org);
        }
        peerreview_row *c = peerreview_review_child_byindex_mut(r, RC, 0);
        assert_null(row_str(c, "gss_code"));
        assert_string_equal(row_str(c, "council_name"), "Council One");
        assert_string_equal(row_str(c, "authority_type"), "county");
        peerreview_row *k = peerreview_review_child_byindex_mut(r, PEERREVIEW_CONSIDERATIONS, 0);
        assert_null(row_str(k, "date"));
        assert_string_equal(row_str(k, "body"), "Decided");
        assert_null(row_str(k, "outcome"));
        /* items have one field: "| " is text */
        assert_string_equal(row_str(peerreview_review_child_byindex_mut(r, IT, 0), "text"),
                            "| not split");
    }
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "rev-4");
    static const char *const barx[] = {"|x", "member_peer", NULL, NULL, NULL, NULL};
    static const char *const bar[] = {"|", NULL, NULL, NULL, NULL, NULL};
    assert_team(peerreview_review_child_byindex_mut(r, TM, 0), barx);
    assert_team(peerreview_review_child_byindex_mut(r, TM, 1), bar);
    /* the old and trimmed files are written back in the new packing */
    char *out = path_join(tmp, "out.csv");
    save_ok(ds, out, NULL);
    char *back = read_file(out, NULL);
    assert_non_null(back);
    assert_non_null(strstr(back, "\r\nrev-2,corporate,,initial,,,,,,,,,,,,,,,,"
                                 "| Council One | county,"
                                 "\"| officer_peer |  |  | Director\nJo | member_peer\n"
                                 "|  |  |  |  | Org\",| not split,,,,,,| Decided,\r\n"));
    assert_non_null(strstr(back, ",\"|  |  |  |  | Brighton & Hove City Council\n"
                                 "|  |  |  |  | Org\","));
    free(back);
    free(out);
    peerreview_dataset_free(ds);
    free(path);
    peerreview_diag_free(d);
    rm_rf(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_through_flat),
        cmocka_unit_test(test_random_flat),
        cmocka_unit_test(test_small_exact),
        cmocka_unit_test(test_unrepresentable),
        cmocka_unit_test(test_edge_whitespace_refused),
        cmocka_unit_test(test_inner_whitespace_kept),
        cmocka_unit_test(test_edge_whitespace_spreadsheet_safe),
        cmocka_unit_test(test_first_field_bar),
        cmocka_unit_test(test_import_packings),
        cmocka_unit_test(test_import_trailing_omitted),
    };
    /* every temporary folder goes under one root, removed at the end even after a failure */
    char *root = tmp_dir();
    setenv("TMPDIR", root, 1);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rm_rf(root);
    free(root);
    return rc;
}
