/*
 * Fuzz target: the value parsers, against oracles written here from doc/format.md §3.
 *
 * Input: a table byte and a column byte (the column whose setter is tried;
 * out-of-range selectors are tried on the checks and must be refused), then
 * the value (up to its first NUL, as C strings go).
 *
 * For the value, peerreview_parse_date and peerreview_check_value of every
 * column of every table must agree with the oracle of the column's type: a
 * date parses exactly when it is YYYY, YYYY-MM or YYYY-MM-DD of a real
 * calendar day, and then formats back to the same text; an integer is valid
 * exactly when it is 0 or [1-9][0-9]* within int64 and the column's minimum;
 * an enum exactly when it is one of the listed values; a code exactly when it
 * matches the column's pattern; text exactly when it is UTF-8; a URL only
 * when it is http(s)://host... without spaces or other characters a URL
 * cannot hold, and always when it is a plain one. Setting the value on a
 * review or row succeeds exactly when the check does, and reads back the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int digits(const char *s, size_t n, int *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return 0;
        *v = *v * 10 + (s[i] - '0');
    }
    return 1;
}

/* Precision 1-3 of a reduced-precision ISO 8601 date, or 0. */
static int oracle_date(const char *s, size_t n)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    if (n != 4 && n != 7 && n != 10)
        return 0;
    if (!digits(s, 4, &y))
        return 0;
    if (n == 4)
        return 1;
    if (s[4] != '-' || !digits(s + 5, 2, &m) || m < 1 || m > 12)
        return 0;
    if (n == 7)
        return 2;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int dim = days[m - 1] + (m == 2 && leap);
    if (s[7] != '-' || !digits(s + 8, 2, &d) || d < 1 || d > dim)
        return 0;
    return 3;
}

static void check_parse_date(const char *s, size_t n)
{
    peerreview_date dt = {-1, -1, -1, PEERREVIEW_DATE_DAY, -1, -1};
    int st = peerreview_date_parse(s, &dt);
    int want = oracle_date(s, n);
    if (st != (want ? PEERREVIEW_OK : PEERREVIEW_EINVAL) || (want && (int)dt.precision != want))
        fz_fail(__FILE__, __LINE__,
                "peerreview_date_parse(\"%s\") = %d (precision %d), expected precision %d", s, st,
                (int)dt.precision, want);
    FZ_CHECK(peerreview_date_parse(s, NULL) == PEERREVIEW_EINVAL);
    if (st != PEERREVIEW_OK) {
        FZ_CHECK(dt.year == 0 && dt.month == 0 && dt.day == 0 && dt.precision == 0);
        FZ_CHECK(dt.first_day == 0 && dt.last_day == 0);
        return;
    }
    int rc = (int)dt.precision, y = dt.year, m = dt.month, d = dt.day;
    FZ_CHECK(dt.first_day <= dt.last_day);
    FZ_CHECK(rc != 3 || dt.first_day == dt.last_day);
    /* what parsed formats back to the same text, at the same precision */
    char back[32];
    if (rc == 1)
        snprintf(back, sizeof back, "%04d", y);
    else if (rc == 2)
        snprintf(back, sizeof back, "%04d-%02d", y, m);
    else
        snprintf(back, sizeof back, "%04d-%02d-%02d", y, m, d);
    if (strcmp(back, s) != 0)
        fz_fail(__FILE__, __LINE__, "\"%s\" parses as %d-%d-%d, which formats as \"%s\"", s, y, m,
                d, back);
    FZ_CHECK(rc >= 2 || m == 0);
    FZ_CHECK(rc == 3 || d == 0);
}

/* 0 or [1-9][0-9]* within int64 and at least min. */
static int oracle_int(const char *s, size_t n, int min)
{
    static const char max[] = "9223372036854775807";
    if (n == 0 || (n > 1 && s[0] == '0'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    if (n > strlen(max) || (n == strlen(max) && strcmp(s, max) > 0))
        return 0;
    return !(n == 1 && s[0] - '0' < min);
}

/* The smallest value of an integer column (doc/format.md §3.4: seq and team_size count from 1). */
static int int_min(const char *col)
{
    return strcmp(col, "seq") == 0 || strcmp(col, "team_size") == 0 ? 1 : 0;
}

/* 1 matches, 0 does not, -1 a code column this oracle does not know. */
static int oracle_code(const char *col, const char *s, size_t n)
{
    int v;
    if (strcmp(col, "review_id") == 0 || strcmp(col, "parent_review_id") == 0) {
        if (n < 1 || n > 80 || s[0] == '-')
            return 0;
        for (size_t i = 0; i < n; i++)
            if (!((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]) || s[i] == '-'))
                return 0;
        return 1;
    }
    if (strcmp(col, "gss_code") == 0) {
        static const char *const prefixes[] = {"E06", "E07", "E08", "E09", "E10", "W06"};
        if (n != 9 || !digits(s + 3, 6, &v))
            return 0;
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
            if (memcmp(s, prefixes[i], 3) == 0)
                return 1;
        return 0;
    }
    if (strcmp(col, "region_gss") == 0)
        return n == 9 && memcmp(s, "E1200000", 8) == 0 && s[8] >= '1' && s[8] <= '9';
    if (strcmp(col, "dfe_la_code") == 0)
        return n == 3 && digits(s, 3, &v);
    return -1;
}

static int oracle_enum(int t, size_t c, const char *s)
{
    for (size_t i = 0; i < peerreview_column_enum_count(t, c); i++)
        if (strcmp(s, peerreview_column_enum_value(t, c, i)) == 0)
            return 1;
    FZ_CHECK(peerreview_column_enum_value(t, c, peerreview_column_enum_count(t, c)) == NULL);
    return 0;
}

/* Length of an http:// or https:// prefix in any case, or 0. */
static size_t url_scheme(const char *s, size_t n)
{
    static const char *const schemes[] = {"http://", "https://"};
    for (size_t k = 0; k < 2; k++) {
        size_t l = strlen(schemes[k]);
        size_t i = 0;
        while (i < l && i < n && (s[i] | 0x20) == schemes[k][i])
            i++;
        if (i == l)
            return l;
    }
    return 0;
}

/* 1 valid, 0 invalid, -1 the oracle cannot tell. */
static int oracle_url(const char *s, size_t n)
{
    size_t scheme = url_scheme(s, n);
    if (!scheme || !fz_utf8_valid(s, n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7F || strchr("\"<>\\", c))
            return 0;
    }
    /* certainly good: a lower-case host, then a plain path */
    size_t i = scheme, host = i;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]) || s[i] == '.'))
        i++;
    if (i == host || (s[host] == '.'))
        return n == scheme ? 0 : -1;
    if (i == n)
        return 1;
    if (s[i] != '/')
        return -1;
    for (; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || is_digit(s[i]) ||
              strchr("/._~-", s[i])))
            return -1;
    return 1;
}

/* What the value rules say about s in table t, column c: 1, 0, or -1 unknown. */
static int oracle(int t, size_t c, const char *s, size_t n)
{
    const char *col = peerreview_column_name(t, c);
    switch (peerreview_column_type(t, c)) {
    case PEERREVIEW_TYPE_TEXT:
        return fz_utf8_valid(s, n);
    case PEERREVIEW_TYPE_DATE:
        return oracle_date(s, n) > 0;
    case PEERREVIEW_TYPE_INTEGER:
        return oracle_int(s, n, int_min(col));
    case PEERREVIEW_TYPE_ENUM:
        return oracle_enum(t, c, s);
    case PEERREVIEW_TYPE_CODE:
        return oracle_code(col, s, n);
    case PEERREVIEW_TYPE_URL:
        return oracle_url(s, n);
    }
    return -1;
}

static void check_column(int t, size_t c, const char *s, size_t n, peerreview_diag *d)
{
    peerreview_diag_clear(d);
    int rc = peerreview_check_value(t, c, s, d);
    int want = n == 0 ? 1 : oracle(t, c, s, n); /* "" is always valid: unknown */
    const char *col = peerreview_column_name(t, c);
    if (rc == PEERREVIEW_OK) {
        FZ_CHECK(peerreview_diag_count(d) == 0);
        if (want == 0)
            fz_fail(__FILE__, __LINE__, "%s.%s accepts \"%s\"", peerreview_table_name(t), col, s);
    } else {
        FZ_CHECK(rc == PEERREVIEW_EDATA);
        if (want == 1)
            fz_fail(__FILE__, __LINE__, "%s.%s rejects \"%s\"", peerreview_table_name(t), col, s);
        /* one problem about this field */
        fz_check_diag(d, 100);
        FZ_CHECK(peerreview_diag_count(d) == 1 && peerreview_diag_errors(d) == 1);
        const peerreview_problem *p = peerreview_diag_get(d, 0);
        FZ_CHECK(peerreview_problem_severity(p) == PEERREVIEW_SEVERITY_ERROR);
        const char *field = peerreview_problem_field(p);
        FZ_CHECK(field != NULL && strcmp(field, col) == 0);
    }
    if (peerreview_column_type(t, c) == PEERREVIEW_TYPE_DATE)
        FZ_CHECK((rc == PEERREVIEW_OK) ==
                 (n == 0 || peerreview_date_parse(s, &(peerreview_date){0}) == PEERREVIEW_OK));
    /* without a diag, the same answer */
    FZ_CHECK(peerreview_check_value(t, c, s, NULL) == rc);
}

/* Names: lookups of the value agree with the schema's names. */
static void check_names(const char *s)
{
    int t = peerreview_table_lookup(s);
    if (t >= 0)
        FZ_CHECK(strcmp(peerreview_table_name(t), s) == 0 ||
                 strcmp(peerreview_table_file(t), s) == 0);
    for (t = 0; t < (int)peerreview_table_count(); t++) {
        int c = peerreview_column_index(t, s);
        FZ_CHECK(c < 0 ? c == -1 : strcmp(peerreview_column_name(t, (size_t)c), s) == 0);
    }
    int code = peerreview_code_lookup(s);
    FZ_CHECK(code < 0 ? code == -1 : strcmp(peerreview_code_name(code), s) == 0);
}

/* Set the value on a new review or child row: as the check says, and it reads back. */
static void check_set(int t, size_t c, const char *s, peerreview_diag *d)
{
    int valid = peerreview_check_value(t, c, s, NULL) == PEERREVIEW_OK;
    peerreview_review *r = peerreview_review_new();
    FZ_CHECK(r != NULL);
    peerreview_diag_clear(d);
    const char *got;
    int rc;
    if (t == PEERREVIEW_REVIEWS) {
        rc = peerreview_review_set_byindex(r, c, s, d);
        got = fz_review_str_at(r, c);
    } else {
        peerreview_row *row;
        FZ_CHECK(peerreview_review_add_child(r, t, &row) == PEERREVIEW_OK);
        rc = peerreview_row_set_byindex(row, c, s, d);
        got = c == 0 ? NULL : fz_row_str_at(row, c);
        if (c == 0) { /* review_id is the review's */
            FZ_CHECK(rc == PEERREVIEW_EINVAL);
            peerreview_review_free(r);
            return;
        }
        if (*s == '\0' && strcmp(peerreview_column_name(t, c), "seq") == 0) {
            FZ_CHECK(rc == PEERREVIEW_OK && got != NULL); /* the library chose one */
            peerreview_review_free(r);
            return;
        }
    }
    fz_check_diag(d, 100);
    if (valid) {
        FZ_CHECK(rc == PEERREVIEW_OK);
        FZ_CHECK(*s ? got && strcmp(got, s) == 0 : got == NULL);
    } else {
        FZ_CHECK(rc == PEERREVIEW_EDATA && peerreview_diag_errors(d) == 1);
    }

    /* a review holding the value renders (the CSV writer quotes what it must) */
    if (t == PEERREVIEW_REVIEWS && valid) {
        char *out;
        size_t len;
        peerreview_dataset *ds = peerreview_dataset_new();
        FZ_CHECK(ds != NULL);
        if (!fz_review_str_at(r, 0))
            FZ_CHECK(peerreview_review_set_byindex(r, 0, "fuzz-review", NULL) == PEERREVIEW_OK);
        FZ_CHECK(peerreview_dataset_add(ds, r, NULL) == PEERREVIEW_OK);
        for (int k = -1; k < (int)peerreview_table_count(); k++) {
            rc = peerreview_render(ds, k, NULL, NULL, &out, &len);
            FZ_CHECK(rc == PEERREVIEW_OK || (k < 0 && rc == PEERREVIEW_EUNSUPPORTED));
            if (rc == PEERREVIEW_OK)
                FZ_CHECK(fz_utf8_valid(out, len));
            peerreview_free(out);
        }
        peerreview_dataset_free(ds);
        return;
    }
    peerreview_review_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    int8_t tsel = (int8_t)fz_byte(&in);
    uint8_t csel = fz_byte(&in);
    char *s = malloc(in.n + 1);
    FZ_CHECK(s != NULL);
    memcpy(s, in.p, in.n);
    s[in.n] = '\0';
    size_t n = strlen(s);

    peerreview_diag *d = peerreview_diag_new();
    FZ_CHECK(d != NULL);
    check_parse_date(s, n);
    for (int t = 0; t < (int)peerreview_table_count(); t++) {
        size_t ncols = peerreview_column_count(t);
        for (size_t c = 0; c < ncols; c++)
            check_column(t, c, s, n, d);
        FZ_CHECK(peerreview_check_value(t, ncols, s, NULL) == PEERREVIEW_EINVAL);
        FZ_CHECK(peerreview_column_name(t, ncols) == NULL);
    }
    check_names(s);

    /* the selected column: out of range is refused, in range is set */
    int t = tsel;
    size_t c = csel;
    if (t < 0 || t >= (int)peerreview_table_count() || c >= peerreview_column_count(t)) {
        FZ_CHECK(peerreview_check_value(t, c, s, d) == PEERREVIEW_EINVAL);
        FZ_CHECK(peerreview_column_type(t, c) == PEERREVIEW_TYPE_TEXT);
        FZ_CHECK(peerreview_column_name(t, c) == NULL);
        t = (tsel & 0x7F) % (int)peerreview_table_count();
        c %= peerreview_column_count(t);
    }
    check_set(t, c, s, d);

    peerreview_diag_free(d);
    free(s);
    return 0;
}
