/* Schema introspection, code names, status strings and version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <regex.h>

#include "helpers.h"
#include "value.h"

/* 1 if the descriptor's pattern (a POSIX extended regex as written) matches s. */
static int regex_matches(const char *pattern, const char *s)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
        fail_msg("the descriptor pattern %s does not compile", pattern);
    int m = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return m;
}

/* ---- tables ---- */

static void test_table_names(void **state)
{
    (void)state;
    static const char *const names[] = {"reviews", "review_councils", "team_members",
                                        "items",   "considerations",  "sources"};
    static const char *const files[] = {"reviews.csv", "review_councils.csv", "team_members.csv",
                                        "items.csv",   "considerations.csv",  "sources.csv"};
    static const size_t ncols[] = {19, 8, 8, 4, 5, 4};
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        assert_string_equal(peerreview_table_name(t), names[t]);
        assert_string_equal(peerreview_table_file(t), files[t]);
        assert_int_equal(peerreview_table_lookup(names[t]), t);
        assert_int_equal(peerreview_table_lookup(files[t]), t);
        assert_int_equal(peerreview_column_count(t), ncols[t]);
    }
    assert_int_equal(PEERREVIEW_REVIEWS, 0);
    assert_int_equal(PEERREVIEW_SOURCES, 5);
    assert_int_equal(PEERREVIEW_TABLE_COUNT, 6);
}

static void test_table_out_of_range(void **state)
{
    (void)state;
    const int bad[] = {-1, PEERREVIEW_TABLE_COUNT, PEERREVIEW_TABLE_COUNT + 1, 1000, INT32_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int t = bad[i];
        assert_null(peerreview_table_name(t));
        assert_null(peerreview_table_file(t));
        assert_int_equal(peerreview_column_count(t), 0);
        assert_null(peerreview_column_name(t, 0));
        assert_int_equal(peerreview_column_index(t, "review_id"), -1);
        assert_int_equal(peerreview_column_type(t, 0), PEERREVIEW_TYPE_TEXT);
        assert_int_equal(peerreview_column_required(t, 0), 0);
        assert_null(peerreview_column_description(t, 0));
        assert_int_equal(peerreview_column_enum_count(t, 0), 0);
        assert_null(peerreview_column_enum_value(t, 0, 0));
        assert_int_equal(peerreview_check_value(t, 0, "x", NULL), PEERREVIEW_EINVAL);
    }
    /* lookups are exact: case, extension and spacing matter */
    const char *unknown[] = {"",         "Reviews", "reviews.CSV",      "reviews.tsv",
                             " reviews", "review",  "datapackage.json", "council"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        assert_int_equal(peerreview_table_lookup(unknown[i]), -1);
    assert_int_equal(peerreview_table_lookup(NULL), -1);
}

static void test_column_out_of_range(void **state)
{
    (void)state;
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        size_t n = peerreview_column_count(t);
        const size_t bad[] = {n, n + 1, (size_t)-1};
        for (size_t i = 0; i < 3; i++) {
            assert_null(peerreview_column_name(t, bad[i]));
            assert_int_equal(peerreview_column_type(t, bad[i]), PEERREVIEW_TYPE_TEXT);
            assert_int_equal(peerreview_column_required(t, bad[i]), 0);
            assert_null(peerreview_column_description(t, bad[i]));
            assert_int_equal(peerreview_column_enum_count(t, bad[i]), 0);
            assert_null(peerreview_column_enum_value(t, bad[i], 0));
            assert_int_equal(peerreview_check_value(t, bad[i], "x", NULL), PEERREVIEW_EINVAL);
        }
        assert_int_equal(peerreview_column_index(t, NULL), -1);
        assert_int_equal(peerreview_column_index(t, ""), -1);
        assert_int_equal(peerreview_column_index(t, "no_such_column"), -1);
        assert_int_equal(peerreview_column_index(t, "Review_id"), -1);
        assert_int_equal(peerreview_column_index(t, "review_id "), -1);
        assert_int_equal(peerreview_column_index(t, "review_i"), -1);
        /* every column: index round trip, enum index bounds */
        for (size_t c = 0; c < n; c++) {
            const char *name = peerreview_column_name(t, c);
            assert_non_null(name);
            assert_int_equal(peerreview_column_index(t, name), (int)c);
            size_t ne = peerreview_column_enum_count(t, c);
            assert_null(peerreview_column_enum_value(t, c, ne));
            assert_null(peerreview_column_enum_value(t, c, (size_t)-1));
            if (peerreview_column_type(t, c) == PEERREVIEW_TYPE_ENUM)
                assert_true(ne > 0);
            else
                assert_int_equal(ne, 0);
        }
        /* every child table starts with review_id, seq (items: review_id, kind, seq) */
        assert_string_equal(peerreview_column_name(t, 0), "review_id");
        assert_int_equal(peerreview_column_required(t, 0), 1);
        assert_int_equal(peerreview_column_type(t, 0), PEERREVIEW_TYPE_CODE);
    }
}

/* Spot checks of the schema written out in full for the small tables. */
static void test_items_and_sources_exact(void **state)
{
    (void)state;
    static const char *const items[] = {"review_id", "kind", "seq", "text"};
    static const peerreview_type itypes[] = {PEERREVIEW_TYPE_CODE, PEERREVIEW_TYPE_ENUM,
                                             PEERREVIEW_TYPE_INTEGER, PEERREVIEW_TYPE_TEXT};
    for (size_t c = 0; c < 4; c++) {
        assert_string_equal(peerreview_column_name(PEERREVIEW_ITEMS, c), items[c]);
        assert_int_equal(peerreview_column_type(PEERREVIEW_ITEMS, c), itypes[c]);
        assert_int_equal(peerreview_column_required(PEERREVIEW_ITEMS, c), 1);
    }
    static const char *const kinds[] = {
        "focus",          "strength",         "area_for_consideration",
        "recommendation", "council_priority", "other"};
    assert_int_equal(peerreview_column_enum_count(PEERREVIEW_ITEMS, 1), 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(peerreview_column_enum_value(PEERREVIEW_ITEMS, 1, i), kinds[i]);

    static const char *const src[] = {"review_id", "seq", "url", "description"};
    static const peerreview_type stypes[] = {PEERREVIEW_TYPE_CODE, PEERREVIEW_TYPE_INTEGER,
                                             PEERREVIEW_TYPE_URL, PEERREVIEW_TYPE_TEXT};
    static const int sreq[] = {1, 1, 1, 0};
    for (size_t c = 0; c < 4; c++) {
        assert_string_equal(peerreview_column_name(PEERREVIEW_SOURCES, c), src[c]);
        assert_int_equal(peerreview_column_type(PEERREVIEW_SOURCES, c), stypes[c]);
        assert_int_equal(peerreview_column_required(PEERREVIEW_SOURCES, c), sreq[c]);
    }
    int rt = peerreview_column_index(PEERREVIEW_REVIEWS, "report_url");
    assert_int_equal(rt, 17);
    assert_int_equal(peerreview_column_type(PEERREVIEW_REVIEWS, 17), PEERREVIEW_TYPE_URL);
    assert_int_equal(peerreview_column_index(PEERREVIEW_REVIEWS, "notes"), 18);
    assert_int_equal(peerreview_column_type(PEERREVIEW_REVIEWS, 6), PEERREVIEW_TYPE_DATE);
    assert_string_equal(peerreview_column_name(PEERREVIEW_REVIEWS, 6), "onsite_start");
    assert_string_equal(peerreview_column_description(PEERREVIEW_REVIEWS, 6),
                        "First day on site (partial ISO 8601 date allowed)");
    assert_null(peerreview_column_description(PEERREVIEW_REVIEWS, 18));
    assert_string_equal(peerreview_column_enum_value(PEERREVIEW_REVIEW_COUNCILS, 6, 2),
                        "Yorkshire and The Humber");
}

/* The schema equals the normative descriptor data/lga-sample/datapackage.json. */
static peerreview_type descriptor_type(const json_value *field)
{
    const json_value *type = json_get(field, "type");
    const json_value *cons = json_get(field, "constraints");
    assert_non_null(type);
    if (strcmp(type->str, "integer") == 0)
        return PEERREVIEW_TYPE_INTEGER;
    assert_string_equal(type->str, "string");
    if (json_get(cons, "enum"))
        return PEERREVIEW_TYPE_ENUM;
    /* Table Schema puts format on the field, never among the constraints */
    assert_null(json_get(cons, "format"));
    const json_value *format = json_get(field, "format");
    if (format && strcmp(format->str, "uri") == 0)
        return PEERREVIEW_TYPE_URL;
    const json_value *pattern = json_get(cons, "pattern");
    if (pattern)
        return regex_matches(pattern->str, "2016-02-29") && !regex_matches(pattern->str, "a")
                   ? PEERREVIEW_TYPE_DATE
                   : PEERREVIEW_TYPE_CODE;
    return PEERREVIEW_TYPE_TEXT;
}

static void test_schema_matches_descriptor(void **state)
{
    (void)state;
    json_value *dp = json_parse_file(SAMPLE_DIR "/datapackage.json");
    const json_value *res = json_get(dp, "resources");
    assert_non_null(res);
    assert_int_equal(res->type, JSON_ARRAY);
    assert_int_equal(res->n, PEERREVIEW_TABLE_COUNT);
    for (size_t r = 0; r < res->n; r++) {
        const json_value *rv = &res->items[r];
        const char *name = json_get(rv, "name")->str;
        const char *path = json_get(rv, "path")->str;
        int t = peerreview_table_lookup(name);
        assert_int_equal(t, (int)r); /* same package order */
        assert_string_equal(peerreview_table_name(t), name);
        assert_string_equal(peerreview_table_file(t), path);
        assert_int_equal(peerreview_table_lookup(path), t);
        const json_value *fields = json_get(json_get(rv, "schema"), "fields");
        assert_non_null(fields);
        assert_int_equal(peerreview_column_count(t), fields->n);
        for (size_t c = 0; c < fields->n; c++) {
            const json_value *f = &fields->items[c];
            const json_value *cons = json_get(f, "constraints");
            const json_value *req = json_get(cons, "required");
            const json_value *desc = json_get(f, "description");
            const json_value *en = json_get(cons, "enum");
            assert_string_equal(peerreview_column_name(t, c), json_get(f, "name")->str);
            assert_int_equal(peerreview_column_index(t, json_get(f, "name")->str), (int)c);
            assert_int_equal(peerreview_column_type(t, c), descriptor_type(f));
            assert_int_equal(peerreview_column_required(t, c), req && req->boolean ? 1 : 0);
            if (desc)
                assert_string_equal(peerreview_column_description(t, c), desc->str);
            else
                assert_null(peerreview_column_description(t, c));
            assert_int_equal(peerreview_column_enum_count(t, c), en ? en->n : 0);
            for (size_t i = 0; en && i < en->n; i++)
                assert_string_equal(peerreview_column_enum_value(t, c, i), en->items[i].str);
        }
    }
    json_free(dp);
}

/* Loading and saving the sample reproduces the descriptor (and tables) byte for byte. */
static void test_descriptor_round_trip(void **state)
{
    (void)state;
    peerreview_diag *d = peerreview_diag_new();
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(SAMPLE_DIR, NULL, d, &ds), PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    char *dir = tmp_dir();
    char *out = path_join(dir, "pkg");
    assert_int_equal(peerreview_save(ds, out, NULL, d), PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    static const char *const files[] = {"datapackage.json", "reviews.csv", "review_councils.csv",
                                        "team_members.csv", "items.csv",   "considerations.csv",
                                        "sources.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *a = path_join(SAMPLE_DIR, files[i]);
        char *b = path_join(out, files[i]);
        size_t la = 0, lb = 0;
        char *da = read_file(a, &la);
        char *db = read_file(b, &lb);
        assert_non_null(da);
        if (!db)
            fail_msg("%s was not written", files[i]);
        if (la != lb || memcmp(da, db, la) != 0)
            fail_msg("%s differs after load + save (%zu vs %zu bytes)", files[i], la, lb);
        free(da);
        free(db);
        free(a);
        free(b);
    }
    assert_int_equal(count_dot_files(out), 0);
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);
    rm_rf(dir);
    free(out);
    free(dir);
}

/*
 * Every pattern the saved descriptor gives other tools accepts exactly what
 * the library accepts: dates over whole centuries of calendar (leap years,
 * 30-day months, impossible months and days), codes over their neighbours.
 */
static void check_agree(regex_t *re, const char *pattern, int table, size_t col, const char *s)
{
    int ours = pr_check_cell(table, col, s, strlen(s), NULL) < 0;
    int theirs = regexec(re, s, 0, NULL, 0) == 0;
    if (ours != theirs)
        fail_msg("%s.%s: \"%s\" is %s by the library but %s by the descriptor pattern %s",
                 peerreview_table_name(table), peerreview_column_name(table, col), s,
                 ours ? "accepted" : "refused", theirs ? "accepted" : "refused", pattern);
}

static void test_patterns_agree(void **state)
{
    (void)state;
    json_value *dp = json_parse_file(SAMPLE_DIR "/datapackage.json");
    const json_value *res = json_get(dp, "resources");
    size_t checked = 0;
    for (size_t r = 0; r < res->n; r++) {
        int t = peerreview_table_lookup(json_get(&res->items[r], "name")->str);
        const json_value *fields = json_get(json_get(&res->items[r], "schema"), "fields");
        for (size_t c = 0; c < fields->n; c++) {
            const json_value *p = json_get(json_get(&fields->items[c], "constraints"), "pattern");
            if (!p)
                continue;
            regex_t re;
            assert_int_equal(regcomp(&re, p->str, REG_EXTENDED | REG_NOSUB), 0);
            char s[96];
            if (peerreview_column_type(t, c) == PEERREVIEW_TYPE_DATE) {
                /* four centuries around now, every century year, and the edges */
                for (int y = 0; y <= 9999; y++) {
                    if (!(y <= 8 || (y >= 1896 && y <= 2104) || y % 100 == 0 || y >= 9996))
                        continue;
                    snprintf(s, sizeof s, "%04d", y);
                    check_agree(&re, p->str, t, c, s);
                    for (int m = 0; m <= 13; m++) {
                        snprintf(s, sizeof s, "%04d-%02d", y, m);
                        check_agree(&re, p->str, t, c, s);
                        for (int d = 0; d <= 32; d++) {
                            snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
                            check_agree(&re, p->str, t, c, s);
                            checked++;
                        }
                    }
                }
                static const char *const odd[] = {
                    "",      "15",    "2015-4",     "2015-04-1", "+2015",        "2015-04-17T00:00",
                    " 2015", "2015 ", "2015/04/17", "20150417",  "2015-04-17\n", "02015-04-17",
                    "2015-"};
                for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
                    check_agree(&re, p->str, t, c, odd[i]);
            } else if (peerreview_column_type(t, c) == PEERREVIEW_TYPE_URL) {
                static const char *const urls[] = {"https://www.example.gov.uk/a",
                                                   "http://a",
                                                   "HTTPS://EXAMPLE.ORG",
                                                   "hTtP://x.y/z",
                                                   "https://host:8080/a?b=1#c",
                                                   "https://user@host/p",
                                                   "https://u:p@host",
                                                   "https://a@b@host",
                                                   "https://host/p@q",
                                                   "https://a?b",
                                                   "https://a#b",
                                                   "https://caf\xc3\xa9.example/\xc3\xbc",
                                                   "https://x/%20",
                                                   "https://",
                                                   "https:///path",
                                                   "https://user@",
                                                   "https://@:80",
                                                   "https://:80",
                                                   "https://user@:80/",
                                                   "ftp://x",
                                                   "mailto:a@b",
                                                   "javascript:alert(1)",
                                                   "https://exa mple.org/",
                                                   "http:/example.org",
                                                   "https:example.org",
                                                   "https://x/a\"b",
                                                   "https://x/<",
                                                   "https://x/>",
                                                   "https://x/\\",
                                                   "https://x/\x7f",
                                                   "https://x/\t",
                                                   "https://x\n",
                                                   " https://x",
                                                   "https://x ",
                                                   "",
                                                   "http",
                                                   "httpss://x",
                                                   "https//x"};
                for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
                    check_agree(&re, p->str, t, c, urls[i]);
            } else {
                static const char *const codes[] = {"E10000034", "E06000001",
                                                    "E07000235", "E08000001",
                                                    "E09000033", "W06000001",
                                                    "E11000001", "S12000033",
                                                    "E1000003",  "E100000345",
                                                    "e10000034", "E12000001",
                                                    "E12000009", "E12000000",
                                                    "E12000010", "885",
                                                    "88",        "8850",
                                                    "08a",       "000",
                                                    "a",         "a-b",
                                                    "-ab",       "ab-",
                                                    "Ab",        "lb-corp-2015-04",
                                                    "a_b",       "",
                                                    " 885",      "E10000034 "};
                for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
                    check_agree(&re, p->str, t, c, codes[i]);
                memset(s, 'a', 81); /* the slug's length limit */
                s[81] = '\0';
                check_agree(&re, p->str, t, c, s);
                s[80] = '\0';
                check_agree(&re, p->str, t, c, s);
            }
            regfree(&re);
        }
    }
    assert_true(checked > 100000);
    json_free(dp);
}

/* ---- problem codes ---- */

static int is_kebab(const char *s)
{
    if (!s || !*s || *s == '-' || s[strlen(s) - 1] == '-')
        return 0;
    for (const char *p = s; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return 0;
        if (*p == '-' && p[1] == '-')
            return 0;
    }
    return 1;
}

static void test_code_names(void **state)
{
    (void)state;
    assert_int_equal(PEERREVIEW_CODE_COUNT, PEERREVIEW_P_NEWER_FORMAT + 1);
    assert_int_equal(peerreview_code_count(), PEERREVIEW_CODE_COUNT);
    for (int c = 0; c < PEERREVIEW_CODE_COUNT; c++) {
        const char *name = peerreview_code_name(c);
        assert_non_null(name);
        if (!is_kebab(name))
            fail_msg("code %d name \"%s\" is not kebab-case", c, name);
        assert_int_equal(peerreview_code_lookup(name), c);
        for (int o = 0; o < c; o++)
            assert_string_not_equal(peerreview_code_name(o), name);
    }
    assert_null(peerreview_code_name(-1));
    assert_null(peerreview_code_name(PEERREVIEW_CODE_COUNT));
    assert_null(peerreview_code_name(INT32_MAX));
    assert_int_equal(peerreview_code_lookup(NULL), -1);
    assert_int_equal(peerreview_code_lookup(""), -1);
    assert_int_equal(peerreview_code_lookup("Bad-Date"), -1);
    assert_int_equal(peerreview_code_lookup("bad_date"), -1);
    assert_int_equal(peerreview_code_lookup("bad-date "), -1);
    assert_int_equal(peerreview_code_lookup("no-such-code"), -1);
}

/* Every code doc/format.md §10.3 names exists with exactly that name and enum value. */
static void test_spec_codes(void **state)
{
    (void)state;
    static const struct {
        peerreview_code code;
        const char *name;
    } spec[] = {
        {PEERREVIEW_P_IO_ERROR, "io-error"},
        {PEERREVIEW_P_EMPTY_FILE, "empty-file"},
        {PEERREVIEW_P_INVALID_UTF8, "invalid-utf8"},
        {PEERREVIEW_P_UTF16_FILE, "utf16-file"},
        {PEERREVIEW_P_NUL_BYTE, "nul-byte"},
        {PEERREVIEW_P_UNTERMINATED_QUOTE, "unterminated-quote"},
        {PEERREVIEW_P_STRAY_QUOTE, "stray-quote"},
        {PEERREVIEW_P_TOO_MANY_FIELDS, "too-many-fields"},
        {PEERREVIEW_P_MISSING_FIELDS, "missing-fields"},
        {PEERREVIEW_P_FIELD_TOO_LONG, "field-too-long"},
        {PEERREVIEW_P_DUPLICATE_COLUMN, "duplicate-column"},
        {PEERREVIEW_P_MISSING_COLUMN, "missing-column"},
        {PEERREVIEW_P_UNKNOWN_COLUMN, "unknown-column"},
        {PEERREVIEW_P_MISSING_VALUE, "missing-value"},
        {PEERREVIEW_P_BAD_DATE, "bad-date"},
        {PEERREVIEW_P_BAD_INTEGER, "bad-integer"},
        {PEERREVIEW_P_BAD_ENUM, "bad-enum"},
        {PEERREVIEW_P_BAD_PATTERN, "bad-pattern"},
        {PEERREVIEW_P_BAD_URL, "bad-url"},
        {PEERREVIEW_P_WHITESPACE, "whitespace"},
        {PEERREVIEW_P_DUPLICATE_KEY, "duplicate-key"},
        {PEERREVIEW_P_FOREIGN_KEY, "foreign-key"},
        {PEERREVIEW_P_INCONSISTENT, "inconsistent"},
        {PEERREVIEW_P_SEQ_GAP, "seq-gap"},
        {PEERREVIEW_P_COUNT_MISMATCH, "count-mismatch"},
        {PEERREVIEW_P_NO_DATE, "no-date"},
        {PEERREVIEW_P_FORMULA_PREFIX, "formula-prefix"},
        {PEERREVIEW_P_OUT_OF_MEMORY, "out-of-memory"},
        {PEERREVIEW_P_TOO_MANY_RECORDS, "too-many-records"},
        {PEERREVIEW_P_UNREPRESENTABLE, "unrepresentable"},
        {PEERREVIEW_P_BAD_DESCRIPTOR, "bad-descriptor"},
        {PEERREVIEW_P_MISSING_TABLE, "missing-table"},
        {PEERREVIEW_P_UNKNOWN_FILE, "unknown-file"},
        {PEERREVIEW_P_EMPTY_COLUMN, "empty-column"},
        {PEERREVIEW_P_EMPTY_ROW, "empty-row"},
        {PEERREVIEW_P_WRONG_DELIMITER, "wrong-delimiter"},
        {PEERREVIEW_P_NEWER_FORMAT, "newer-format"},
    };
    assert_int_equal(sizeof spec / sizeof spec[0], PEERREVIEW_CODE_COUNT);
    for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++) {
        assert_string_equal(peerreview_code_name((int)spec[i].code), spec[i].name);
        assert_int_equal(peerreview_code_lookup(spec[i].name), (int)spec[i].code);
    }
}

/* ---- statuses ---- */

static void test_status_strings(void **state)
{
    (void)state;
    static const struct {
        int status;
        const char *name;
    } st[] = {
        {PEERREVIEW_OK, "PEERREVIEW_OK"},
        {PEERREVIEW_EINVAL, "PEERREVIEW_EINVAL"},
        {PEERREVIEW_ENOMEM, "PEERREVIEW_ENOMEM"},
        {PEERREVIEW_EIO, "PEERREVIEW_EIO"},
        {PEERREVIEW_EDATA, "PEERREVIEW_EDATA"},
        {PEERREVIEW_ENOTFOUND, "PEERREVIEW_ENOTFOUND"},
        {PEERREVIEW_EEXIST, "PEERREVIEW_EEXIST"},
        {PEERREVIEW_EUNSUPPORTED, "PEERREVIEW_EUNSUPPORTED"},
        {PEERREVIEW_EFORMAT, "PEERREVIEW_EFORMAT"},
        {PEERREVIEW_ECANCELED, "PEERREVIEW_ECANCELED"},
    };
    assert_int_equal(sizeof st / sizeof st[0], 1 - PEERREVIEW_STATUS_MIN);
    assert_int_equal(peerreview_status_min(), PEERREVIEW_STATUS_MIN);
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
        assert_int_equal(st[i].status, -(int)i); /* dense 0 .. STATUS_MIN */
        assert_string_equal(peerreview_status_name(st[i].status), st[i].name);
        const char *text = peerreview_strerror(st[i].status);
        assert_non_null(text);
        assert_true(strlen(text) > 0);
        assert_null(strchr(text, '\n'));
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(peerreview_strerror(st[j].status), text);
    }
    /* the header's own example */
    assert_string_equal(peerreview_strerror(PEERREVIEW_ENOMEM), "out of memory");
    /* anything else: never NULL, and never mistaken for a real status */
    const int unknown[] = {1, PEERREVIEW_STATUS_MIN - 1, 1000, -1000, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *text = peerreview_strerror(unknown[i]);
        const char *name = peerreview_status_name(unknown[i]);
        assert_non_null(text);
        assert_non_null(name);
        assert_true(strlen(text) > 0);
        assert_true(strlen(name) > 0);
        for (size_t j = 0; j < sizeof st / sizeof st[0]; j++) {
            assert_string_not_equal(name, st[j].name);
            assert_string_not_equal(text, peerreview_strerror(st[j].status));
        }
    }
}

/* ---- version ---- */

static void test_version(void **state)
{
    (void)state;
    assert_non_null(peerreview_version());
    assert_string_equal(peerreview_version(), PEERREVIEW_VERSION);
    char buf[64];
    snprintf(buf, sizeof buf, "%d.%d.%d", PEERREVIEW_VERSION_MAJOR, PEERREVIEW_VERSION_MINOR,
             PEERREVIEW_VERSION_PATCH);
    assert_string_equal(PEERREVIEW_VERSION, buf);
    assert_int_equal(peerreview_version_number(), (unsigned long)PEERREVIEW_VERSION_NUMBER);
    assert_int_equal(PEERREVIEW_VERSION_NUMBER, (PEERREVIEW_VERSION_MAJOR << 16) |
                                                    (PEERREVIEW_VERSION_MINOR << 8) |
                                                    PEERREVIEW_VERSION_PATCH);
    assert_int_equal(peerreview_version_number() >> 16, PEERREVIEW_VERSION_MAJOR);
    assert_int_equal((peerreview_version_number() >> 8) & 0xFF, PEERREVIEW_VERSION_MINOR);
    assert_int_equal(peerreview_version_number() & 0xFF, PEERREVIEW_VERSION_PATCH);
    assert_int_equal(PEERREVIEW_FORMAT_VERSION, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_names),
        cmocka_unit_test(test_table_out_of_range),
        cmocka_unit_test(test_column_out_of_range),
        cmocka_unit_test(test_items_and_sources_exact),
        cmocka_unit_test(test_schema_matches_descriptor),
        cmocka_unit_test(test_descriptor_round_trip),
        cmocka_unit_test(test_patterns_agree),
        cmocka_unit_test(test_code_names),
        cmocka_unit_test(test_spec_codes),
        cmocka_unit_test(test_status_strings),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
