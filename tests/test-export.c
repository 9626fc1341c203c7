/* Tests of the canonical package export (doc/format.md §8). */
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
#define IT PEERREVIEW_ITEMS

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void assert_file_bytes(const char *dir, const char *file, const char *expect)
{
    char *p = path_join(dir, file);
    size_t len;
    char *got = read_file(p, &len);
    assert_non_null(got);
    if (len != strlen(expect) || memcmp(got, expect, len) != 0) {
        fprintf(stderr, "%s:\n--- expected ---\n%s\n--- got ---\n%s\n", file, expect, got);
        fail_msg("unexpected bytes");
    }
    free(got);
    free(p);
}

/* ---- the sample is a fixpoint ---- */

static void test_sample_fixpoint(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    assert_int_equal(peerreview_dataset_count(ds), 30);
    char *tmp = tmp_dir();
    /* into a folder that does not exist yet */
    char *out = path_join(tmp, "out");
    save_ok(ds, out, NULL);
    assert_same_package(SAMPLE_DIR, out);
    assert_int_equal(count_dot_files(out), 0);
    /* again over the existing files: same bytes */
    save_ok(ds, out, NULL);
    assert_same_package(SAMPLE_DIR, out);
    assert_int_equal(count_dot_files(out), 0);
    /* via the descriptor path */
    char *desc = path_join(out, "datapackage.json");
    peerreview_dataset *again = load_ok(desc, NULL);
    assert_dataset_equal(ds, again);
    char *out2 = path_join(tmp, "out2");
    save_ok(again, out2, NULL);
    assert_same_package(SAMPLE_DIR, out2);
    peerreview_dataset_free(again);
    peerreview_dataset_free(ds);
    rm_rf(tmp);
    free(out2);
    free(desc);
    free(out);
    free(tmp);
}

/* ---- exact bytes for a tiny hand-built dataset ---- */

static void rset(peerreview_review *r, const char *col, const char *v)
{
    assert_int_equal(peerreview_review_set_byname(r, col, v, NULL), PEERREVIEW_OK);
}

static void add_item(peerreview_review *r, const char *kind, const char *seq, const char *text)
{
    peerreview_row *row;
    assert_int_equal(peerreview_review_add_child(r, IT, &row), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "kind", kind, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "seq", seq, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "text", text, NULL), PEERREVIEW_OK);
}

static peerreview_dataset *tiny_dataset(void)
{
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_non_null(ds);
    /* b-review first: dataset order, not id order */
    peerreview_review *b = peerreview_review_new();
    assert_non_null(b);
    rset(b, "review_id", "b-review");
    rset(b, "review_type", "corporate");
    rset(b, "review_type_label", " Label, with comma ");
    rset(b, "stage", "initial");
    rset(b, "provider", "  spaced  ");
    rset(b, "onsite_start", "2019-05");
    rset(b, "onsite_end", "2019-05-09");
    rset(b, "recommendation_count", "0");
    rset(b, "notes", "say \"hi\"\nbye");
    add_item(b, "recommendation", "1", "rec one");
    add_item(b, "focus", "10", "ten");
    add_item(b, "other", "1", " lead and trail ");
    add_item(b, "focus", "9", "nine");
    add_item(b, "strength", "1", "s, one");
    add_item(b, "focus", "1", "one");
    add_item(b, "focus", "2", "cr\ronly");
    add_item(b, "area_for_consideration", "1", "-minus");
    assert_int_equal(peerreview_dataset_add(ds, b, NULL), PEERREVIEW_OK);

    peerreview_review *a = peerreview_review_new();
    assert_non_null(a);
    rset(a, "review_id", "a-review");
    rset(a, "review_type", "finance");
    rset(a, "review_type_label", "plain");
    rset(a, "stage", "progress");
    rset(a, "parent_review_id", "b-review");
    rset(a, "onsite_start", "2020");
    rset(a, "team_size", "3");
    rset(a, "people_engaged", "9223372036854775807");
    rset(a, "report_url", "https://example.org/a,b");
    rset(a, "notes", "=1+2");
    add_item(a, "focus", "1", "A's \"focus\"");
    peerreview_row *row;
    assert_int_equal(peerreview_review_add_child(a, RC, &row), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "gss_code", "E09000001", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "council_name", "City of London", NULL),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "authority_type", "london_borough", NULL),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "region_gss", "E12000007", NULL),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "region_name", "London", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "dfe_la_code", "201", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_add_child(a, PEERREVIEW_TEAM_MEMBERS, &row), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "name", "@handle", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "role", "lead_peer", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "job_title", "\tTabbed, title", NULL),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "organisation", "+Org", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_add_child(a, PEERREVIEW_SOURCES, &row), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "url", "http://x.org/p?q=1", NULL),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_review_add_child(a, PEERREVIEW_CONSIDERATIONS, &row),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "date", "2020-03", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "outcome", "Noted", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_add(ds, a, NULL), PEERREVIEW_OK);
    return ds;
}

#define REVIEWS_HEADER                                                                             \
    "review_id,review_type,review_type_label,stage,parent_review_id,provider,onsite_start,"        \
    "onsite_end,onsite_mode,report_date,published_date,action_plan_due,"                           \
    "progress_review_planned,recommendation_count,team_size,people_engaged,meetings_held,"         \
    "report_url,notes\r\n"

static const char tiny_reviews[] = REVIEWS_HEADER
    "b-review,corporate,\" Label, with comma \",initial,,  spaced  ,2019-05,2019-05-09,,,,,,0,,"
    ",,,\"say \"\"hi\"\"\nbye\"\r\n"
    "a-review,finance,plain,progress,b-review,,2020,,,,,,,,3,9223372036854775807,,"
    "\"https://example.org/a,b\",=1+2\r\n";

static const char tiny_items[] = "review_id,kind,seq,text\r\n"
                                 "b-review,focus,1,one\r\n"
                                 "b-review,focus,2,\"cr\ronly\"\r\n"
                                 "b-review,focus,9,nine\r\n"
                                 "b-review,focus,10,ten\r\n"
                                 "b-review,strength,1,\"s, one\"\r\n"
                                 "b-review,area_for_consideration,1,-minus\r\n"
                                 "b-review,recommendation,1,rec one\r\n"
                                 "b-review,other,1, lead and trail \r\n"
                                 "a-review,focus,1,\"A's \"\"focus\"\"\"\r\n";

#define COUNCILS_CSV                                                                               \
    "review_id,seq,gss_code,council_name,authority_type,region_gss,region_name,dfe_la_code\r\n"    \
    "a-review,1,E09000001,City of London,london_borough,E12000007,London,201\r\n"
static const char tiny_councils[] = COUNCILS_CSV;

static const char tiny_team[] =
    "review_id,seq,name,role,role_label,member_party,job_title,organisation\r\n"
    "a-review,1,@handle,lead_peer,,,\"\tTabbed, title\",+Org\r\n";

static const char tiny_considerations[] = "review_id,seq,date,body,outcome\r\n"
                                          "a-review,1,2020-03,,Noted\r\n";

#define SOURCES_CSV                                                                                \
    "review_id,seq,url,description\r\n"                                                            \
    "a-review,1,http://x.org/p?q=1,\r\n"
static const char tiny_sources[] = SOURCES_CSV;

static void test_tiny_exact(void **state)
{
    (void)state;
    peerreview_dataset *ds = tiny_dataset();
    char *tmp = tmp_dir();
    save_ok(ds, tmp, NULL);
    assert_file_bytes(tmp, "reviews.csv", tiny_reviews);
    assert_file_bytes(tmp, "items.csv", tiny_items);
    assert_file_bytes(tmp, "review_councils.csv", tiny_councils);
    assert_file_bytes(tmp, "team_members.csv", tiny_team);
    assert_file_bytes(tmp, "considerations.csv", tiny_considerations);
    assert_file_bytes(tmp, "sources.csv", tiny_sources);
    /* the descriptor is the sample's, apart from the dataset metadata */
    char *p = path_join(tmp, "datapackage.json");
    char *desc = read_file(p, NULL);
    assert_non_null(desc);
    static const char head[] =
        "{\n \"name\": \"peer-reviews\",\n \"profile\": \"tabular-data-package\",\n"
        " \"peerreview:format\": 1,\n \"resources\": [\n";
    assert_int_equal(strncmp(desc, head, sizeof head - 1), 0);
    char *sp = path_join(SAMPLE_DIR, "datapackage.json");
    char *sample = read_file(sp, NULL);
    assert_non_null(sample);
    const char *res_a = strstr(desc, "\"resources\"");
    const char *res_b = strstr(sample, "\"resources\"");
    assert_non_null(res_a);
    assert_non_null(res_b);
    assert_string_equal(res_a, res_b);
    free(sample);
    free(sp);
    free(desc);
    free(p);

    /* load it back: the same values */
    peerreview_dataset *back = load_ok(tmp, NULL);
    assert_dataset_equal(ds, back);
    peerreview_dataset_free(back);
    /* an empty dataset: headers only */
    peerreview_dataset *empty = peerreview_dataset_new();
    assert_non_null(empty);
    char *out = path_join(tmp, "empty");
    save_ok(empty, out, NULL);
    assert_file_bytes(out, "reviews.csv", REVIEWS_HEADER);
    assert_file_bytes(out, "items.csv", "review_id,kind,seq,text\r\n");
    back = load_ok(out, NULL);
    assert_int_equal(peerreview_dataset_count(back), 0);
    peerreview_dataset_free(back);
    peerreview_dataset_free(empty);
    free(out);
    rm_rf(tmp);
    free(tmp);
    peerreview_dataset_free(ds);
}

/* ---- spreadsheet-safe export ---- */

static void test_spreadsheet_safe(void **state)
{
    (void)state;
    peerreview_dataset *ds = tiny_dataset();
    peerreview_options *o = peerreview_options_new();
    assert_non_null(o);
    assert_int_equal(peerreview_options_set_spreadsheet_safe(o, 1), PEERREVIEW_OK);
    char *tmp = tmp_dir();
    save_ok(ds, tmp, o);
    assert_file_bytes(tmp, "reviews.csv",
                      "\xEF\xBB\xBF" REVIEWS_HEADER
                      "b-review,corporate,\" Label, with comma \",initial,,  spaced  ,2019-05,"
                      "2019-05-09,,,,,,0,,,,,\"say \"\"hi\"\"\nbye\"\r\n"
                      "a-review,finance,plain,progress,b-review,,2020,,,,,,,,3,"
                      "9223372036854775807,,\"https://example.org/a,b\",'=1+2\r\n");
    assert_file_bytes(tmp, "items.csv",
                      "\xEF\xBB\xBF"
                      "review_id,kind,seq,text\r\n"
                      "b-review,focus,1,one\r\n"
                      "b-review,focus,2,\"cr\ronly\"\r\n"
                      "b-review,focus,9,nine\r\n"
                      "b-review,focus,10,ten\r\n"
                      "b-review,strength,1,\"s, one\"\r\n"
                      "b-review,area_for_consideration,1,'-minus\r\n"
                      "b-review,recommendation,1,rec one\r\n"
                      "b-review,other,1, lead and trail \r\n"
                      "a-review,focus,1,\"A's \"\"focus\"\"\"\r\n");
    assert_file_bytes(tmp, "team_members.csv",
                      "\xEF\xBB\xBF"
                      "review_id,seq,name,role,role_label,member_party,job_title,organisation\r\n"
                      "a-review,1,'@handle,lead_peer,,,\"'\tTabbed, title\",'+Org\r\n");
    /* non-text columns are never touched; files without triggers only get the BOM */
    assert_file_bytes(tmp, "review_councils.csv", "\xEF\xBB\xBF" COUNCILS_CSV);
    assert_file_bytes(tmp, "sources.csv", "\xEF\xBB\xBF" SOURCES_CSV);
    /* and it loads (the BOM is skipped), with the apostrophes now part of the text */
    peerreview_dataset *back = load_ok(tmp, NULL);
    peerreview_review *a = peerreview_dataset_review_byid_mut(back, "a-review");
    assert_non_null(a);
    assert_string_equal(review_str(a, "notes"), "'=1+2");
    assert_string_equal(review_str(a, "report_url"), "https://example.org/a,b");
    assert_string_equal(
        row_str(peerreview_review_child_byindex_mut(a, PEERREVIEW_TEAM_MEMBERS, 0), "name"),
        "'@handle");
    peerreview_dataset_free(back);
    peerreview_options_free(o);
    peerreview_dataset_free(ds);
    rm_rf(tmp);
    free(tmp);
}

/* ---- a dataset with errors is refused and nothing is written ---- */

static void test_refuse_errors(void **state)
{
    (void)state;
    peerreview_dataset *ds = tiny_dataset();
    peerreview_review *a = peerreview_dataset_review_byid_mut(ds, "a-review");
    assert_non_null(a);
    rset(a, "stage", NULL); /* required */
    char *tmp = tmp_dir();
    char *out = path_join(tmp, "new-folder");
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    assert_int_equal(peerreview_save(ds, out, NULL, d), PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_MISSING_VALUE, NULL, 0, 0, "stage");
    assert_non_null(strstr(peerreview_problem_message(p), "a-review"));
    assert_false(exists(out));
    /* over an existing package: every file unchanged, no temporary files */
    copy_sample(tmp);
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_save(ds, tmp, NULL, d), PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_MISSING_VALUE, NULL, 0, 0, "stage");
    assert_same_package(SAMPLE_DIR, tmp);
    assert_int_equal(count_dot_files(tmp), 0);
    /* flat too */
    char *flat = path_join(tmp, "flat.csv");
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_save(ds, flat, NULL, d), PEERREVIEW_EDATA);
    assert_false(exists(flat));
    /* other errors: a bad cross-field rule, a duplicate child key */
    rset(a, "stage", "progress");
    peerreview_review *b = peerreview_dataset_review_byid_mut(ds, "b-review");
    peerreview_row *row = peerreview_review_child_byindex_mut(b, IT, 1); /* focus 10 */
    assert_int_equal(peerreview_row_set_byname(row, "seq", "9", NULL), PEERREVIEW_OK);
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_save(ds, out, NULL, d), PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_DUPLICATE_KEY, NULL, 0, 0, "seq");
    assert_false(exists(out));
    assert_int_equal(peerreview_row_set_byname(row, "seq", "10", NULL), PEERREVIEW_OK);
    /* warnings do not stop a save, and a save reports no warnings */
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_save(ds, out, NULL, d), PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    assert_file_bytes(out, "items.csv", tiny_items);
    /* bad arguments */
    assert_int_equal(peerreview_save(NULL, out, NULL, NULL), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_save(ds, NULL, NULL, NULL), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_save(ds, "", NULL, NULL), PEERREVIEW_EINVAL);
    peerreview_diag_free(d);
    peerreview_dataset_free(ds);
    rm_rf(tmp);
    free(flat);
    free(out);
    free(tmp);
}

/* ---- a loaded dataset is checked again by a save once it changed ---- */

/* Save ds into a new folder under tmp: the status, and the problem code when it failed. */
static int save_code(const peerreview_dataset *ds, const char *tmp, const peerreview_options *o,
                     peerreview_code *code)
{
    static int n;
    char name[32];
    snprintf(name, sizeof name, "out-%d", n++);
    char *out = path_join(tmp, name);
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    int rc = peerreview_save(ds, out, o, d);
    if (rc == PEERREVIEW_OK)
        assert_int_equal(peerreview_diag_count(d), 0);
    else
        *code = peerreview_problem_code(peerreview_diag_get(d, 0));
    assert_int_equal(exists(out), rc == PEERREVIEW_OK);
    peerreview_diag_free(d);
    free(out);
    return rc;
}

static void test_loaded_then_changed(void **state)
{
    (void)state;
    char *tmp = tmp_dir();
    peerreview_code code = PEERREVIEW_P_IO_ERROR;
    /* as loaded: saved */
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    assert_int_equal(save_code(ds, tmp, NULL, &code), PEERREVIEW_OK);
    /* with a smaller field limit than the load's: checked, and refused */
    peerreview_options *small = peerreview_options_new();
    assert_non_null(small);
    assert_int_equal(peerreview_options_set_max_field_size(small, 16), PEERREVIEW_OK);
    assert_int_equal(save_code(ds, tmp, small, &code), PEERREVIEW_EDATA);
    assert_int_equal(code, PEERREVIEW_P_FIELD_TOO_LONG);
    /* a value set: checked */
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "e10000034-csg-2015-04");
    assert_non_null(r);
    rset(r, "stage", NULL);
    assert_int_equal(save_code(ds, tmp, NULL, &code), PEERREVIEW_EDATA);
    assert_int_equal(code, PEERREVIEW_P_MISSING_VALUE);
    rset(r, "stage", "initial");
    assert_int_equal(save_code(ds, tmp, NULL, &code), PEERREVIEW_OK);
    peerreview_dataset_free(ds);
    /* a child row's value set: checked */
    ds = load_ok(SAMPLE_DIR, NULL);
    r = peerreview_dataset_review_byid_mut(ds, "e10000034-csg-2015-04");
    peerreview_row *row = peerreview_review_child_byindex_mut(r, IT, 1); /* focus 2 */
    assert_non_null(row);
    assert_int_equal(peerreview_row_set_byname(row, "seq", "1", NULL), PEERREVIEW_OK);
    assert_int_equal(save_code(ds, tmp, NULL, &code), PEERREVIEW_EDATA);
    assert_int_equal(code, PEERREVIEW_P_DUPLICATE_KEY);
    peerreview_dataset_free(ds);
    /* a review removed that another follows up: checked */
    ds = load_ok(SAMPLE_DIR, NULL);
    assert_int_equal(peerreview_dataset_remove(ds, "e07000237-cpc-2025-04"), PEERREVIEW_OK);
    assert_int_equal(save_code(ds, tmp, NULL, &code), PEERREVIEW_EDATA);
    assert_int_equal(code, PEERREVIEW_P_FOREIGN_KEY);
    peerreview_dataset_free(ds);
    /* a review added: checked */
    ds = load_ok(SAMPLE_DIR, NULL);
    r = peerreview_review_new();
    assert_non_null(r);
    rset(r, "review_id", "added");
    assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
    assert_int_equal(save_code(ds, tmp, NULL, &code), PEERREVIEW_EDATA);
    assert_int_equal(code, PEERREVIEW_P_MISSING_VALUE);
    peerreview_dataset_free(ds);
    peerreview_options_free(small);
    rm_rf(tmp);
    free(tmp);
}

/* ---- random round trips ---- */

#define ROUNDS 50

static void test_random_round_trip(void **state)
{
    (void)state;
    uint64_t rng = 0x5eed5eed12345ULL;
    char *tmp = tmp_dir();
    size_t total_reviews = 0;
    for (int i = 0; i < ROUNDS; i++) {
        peerreview_dataset *ds = random_dataset(&rng, 0, i == 3);
        total_reviews += peerreview_dataset_count(ds);
        char name[32];
        snprintf(name, sizeof name, "a%d", i);
        char *a = path_join(tmp, name);
        snprintf(name, sizeof name, "b%d", i);
        char *b = path_join(tmp, name);
        /* the dataset is valid */
        peerreview_diag *d = peerreview_diag_new();
        assert_non_null(d);
        int vr = peerreview_dataset_validate(ds, NULL, d);
        if (vr != PEERREVIEW_OK)
            dump_diag(d);
        assert_int_equal(vr, PEERREVIEW_OK);
        peerreview_diag_free(d);
        save_ok(ds, a, NULL);
        peerreview_dataset *back = load_ok(a, NULL);
        assert_dataset_equal(ds, back);
        save_ok(back, b, NULL);
        assert_same_package(a, b);
        peerreview_dataset_free(back);
        peerreview_dataset_free(ds);
        rm_rf(a);
        rm_rf(b);
        free(a);
        free(b);
    }
    /* the generator did make data */
    assert_true(total_reviews > ROUNDS);
    rm_rf(tmp);
    free(tmp);
}

/* The 100 kB values survive intact. */
static void test_big_value(void **state)
{
    (void)state;
    uint64_t rng = 99;
    peerreview_dataset *ds = random_dataset(&rng, 0, 1);
    const char *notes = review_str(peerreview_dataset_review_byindex_mut(ds, 0), "notes");
    assert_int_equal(strlen(notes), 100 * 1024);
    char *tmp = tmp_dir();
    save_ok(ds, tmp, NULL);
    peerreview_dataset *back = load_ok(tmp, NULL);
    const char *n2 = review_str(peerreview_dataset_review_byindex_mut(back, 0), "notes");
    assert_non_null(n2);
    assert_string_equal(n2, notes);
    assert_dataset_equal(ds, back);
    peerreview_dataset_free(back);
    peerreview_dataset_free(ds);
    rm_rf(tmp);
    free(tmp);
}

/* ---- rendering in memory ---- */

static void test_render(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    /* each table renders to exactly the sample's bytes */
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        char *text = NULL, *path = path_join(SAMPLE_DIR, peerreview_table_file(t));
        size_t len = 0, want_len = 0;
        char *want = read_file(path, &want_len);
        assert_int_equal(peerreview_render(ds, t, NULL, NULL, &text, &len), PEERREVIEW_OK);
        assert_int_equal(len, want_len);
        assert_memory_equal(text, want, len);
        assert_int_equal(text[len], '\0');
        peerreview_free(text);
        free(want);
        free(path);
    }
    /* a selection naming a parent it does not hold renders; saving it fails */
    assert_int_equal(peerreview_dataset_remove(ds, "e07000237-cpc-2025-04"), PEERREVIEW_OK);
    char *flat = NULL;
    size_t len = 0;
    assert_int_equal(peerreview_render(ds, -1, NULL, NULL, &flat, &len), PEERREVIEW_OK);
    assert_non_null(strstr(flat, "\r\ne07000237-cpcpr-2026-03,"));
    assert_non_null(strstr(flat, ",progress,e07000237-cpc-2025-04,"));
    peerreview_free(flat);
    char *dir = tmp_dir();
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(peerreview_save(ds, dir, NULL, d), PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_FOREIGN_KEY, "reviews.csv", 0, 0, "parent_review_id");
    peerreview_diag_free(d);
    /* bad arguments */
    assert_int_equal(peerreview_render(ds, PEERREVIEW_TABLE_COUNT, NULL, NULL, &flat, &len),
                     PEERREVIEW_EINVAL);
    assert_null(flat);
    assert_int_equal(peerreview_render(NULL, 0, NULL, NULL, &flat, &len), PEERREVIEW_EINVAL);
    peerreview_free(NULL);
    rm_rf(dir);
    free(dir);
    peerreview_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_fixpoint),     cmocka_unit_test(test_tiny_exact),
        cmocka_unit_test(test_spreadsheet_safe),    cmocka_unit_test(test_refuse_errors),
        cmocka_unit_test(test_loaded_then_changed), cmocka_unit_test(test_random_round_trip),
        cmocka_unit_test(test_big_value),           cmocka_unit_test(test_render),
    };
    /* every temporary folder goes under one root, removed at the end even after a failure */
    char *root = tmp_dir();
    setenv("TMPDIR", root, 1);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rm_rf(root);
    free(root);
    return rc;
}
