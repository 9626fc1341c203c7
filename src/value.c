/* Value rules: text, date, integer, enum, code and url (doc/format.md §3). */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "schema.h"
#include "value.h"

int pr_utf8_valid(const char *str, size_t len)
{
    return pr_utf8_prefix(str, len) == len;
}

size_t pr_utf8_prefix(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else
            return i;
        if (len - i - 1 < n)
            return i;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        i += n + 1;
    }
    return len;
}

int pr_formula_char(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int pr_date_parse(const char *s, size_t len, int *y, int *m, int *d)
{
    int yy = 0, mm = 0, dd = 0, prec;
    if (len != 4 && len != 7 && len != 10)
        return -1;
    if (digits(s, 4, &yy))
        return -1;
    prec = 1;
    if (len >= 7) {
        if (s[4] != '-' || digits(s + 5, 2, &mm) || mm < 1 || mm > 12)
            return -1;
        prec = 2;
    }
    if (len == 10) {
        if (s[7] != '-' || digits(s + 8, 2, &dd) || dd < 1 || dd > days_in_month(yy, mm))
            return -1;
        prec = 3;
    }
    if (y)
        *y = yy;
    if (m)
        *m = mm;
    if (d)
        *d = dd;
    return prec;
}

/* Days since 0000-03-01 style civil count (proleptic Gregorian). */
static long day_number(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe;
}

int pr_date_interval(const char *s, long *lo, long *hi)
{
    int y, m, d;
    int prec = pr_date_parse(s, strlen(s), &y, &m, &d);
    if (prec < 0)
        return -1;
    if (prec == 1) {
        *lo = day_number(y, 1, 1);
        *hi = day_number(y, 12, 31);
    } else if (prec == 2) {
        *lo = day_number(y, m, 1);
        *hi = day_number(y, m, days_in_month(y, m));
    } else {
        *lo = *hi = day_number(y, m, d);
    }
    return 0;
}

PEERREVIEW_API int peerreview_parse_date(const char *text, int *year, int *month, int *day)
{
    if (year)
        *year = 0;
    if (month)
        *month = 0;
    if (day)
        *day = 0;
    if (!text)
        return PEERREVIEW_EINVAL;
    int p = pr_date_parse(text, strlen(text), year, month, day);
    return p < 0 ? PEERREVIEW_EINVAL : p;
}

int pr_date_fill(const char *s, size_t len, peerreview_date *out)
{
    int y, m, d;
    memset(out, 0, sizeof *out);
    int prec = pr_date_parse(s, len, &y, &m, &d);
    if (prec < 0)
        return -1;
    /* day_number counts from 0000-03-01; 1970-01-01 is day 0 of the result */
    long epoch = day_number(1970, 1, 1), lo, hi;
    if (prec == 1) {
        lo = day_number(y, 1, 1);
        hi = day_number(y, 12, 31);
    } else if (prec == 2) {
        lo = day_number(y, m, 1);
        hi = day_number(y, m, days_in_month(y, m));
    } else {
        lo = hi = day_number(y, m, d);
    }
    out->year = y;
    out->month = m;
    out->day = d;
    out->precision = (peerreview_date_precision)prec;
    out->first_day = (int64_t)lo - epoch;
    out->last_day = (int64_t)hi - epoch;
    return 0;
}

PEERREVIEW_API peerreview_status peerreview_date_parse(const char *text, peerreview_date *out)
{
    if (!out)
        return PEERREVIEW_EINVAL;
    if (!text) {
        memset(out, 0, sizeof *out);
        return PEERREVIEW_EINVAL;
    }
    return pr_date_fill(text, strlen(text), out) ? PEERREVIEW_EINVAL : PEERREVIEW_OK;
}

int pr_int_parse(const char *s, size_t len, int64_t *out)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned dgt = (unsigned)(s[i] - '0');
        if (v > ((uint64_t)INT64_MAX - dgt) / 10)
            return -1;
        v = v * 10 + dgt;
    }
    *out = (int64_t)v;
    return 0;
}

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

/* Messages: all start with the quoted value. */
#define QUOTE()                                                                                    \
    do {                                                                                           \
        if (msg && pr_buf_quote(msg, s, len))                                                      \
            return -2;                                                                             \
    } while (0)
#define SAY(...)                                                                                   \
    do {                                                                                           \
        if (msg && pr_buf_printf(msg, __VA_ARGS__))                                                \
            return -2;                                                                             \
    } while (0)

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int check_date(const char *s, size_t len, pr_buf *msg)
{
    int y, m, d;
    if (pr_date_parse(s, len, &y, &m, &d) >= 0)
        return -1;
    /* say what is wrong as precisely as we can */
    if ((len == 7 || len == 10) && digits(s, 4, &y) == 0 && s[4] == '-' &&
        digits(s + 5, 2, &m) == 0 && m >= 1 && m <= 12 && len == 10 && s[7] == '-' &&
        digits(s + 8, 2, &d) == 0) {
        QUOTE();
        SAY(" is not a real date: %s %d has %d days; correct the day", month_names[m - 1], y,
            days_in_month(y, m));
        return PEERREVIEW_P_BAD_DATE;
    }
    if ((len == 7 || len == 10) && digits(s, 4, &y) == 0 && s[4] == '-' &&
        digits(s + 5, 2, &m) == 0 && (m < 1 || m > 12)) {
        QUOTE();
        SAY(" has month %02d, which does not exist; write YYYY-MM-DD with a month 01 to 12", m);
        return PEERREVIEW_P_BAD_DATE;
    }
    QUOTE();
    SAY(" is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601, e.g. 2015-04 or "
        "2015-04-17), leaving the parts you do not know out");
    return PEERREVIEW_P_BAD_DATE;
}

static int check_int(const pr_column *c, const char *s, size_t len, pr_buf *msg)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            QUOTE();
            SAY(" is not a whole number; write digits only, with no sign, spaces, "
                "separators or decimals (e.g. 12)");
            return PEERREVIEW_P_BAD_INTEGER;
        }
    }
    if (len > 1 && s[0] == '0') {
        QUOTE();
        SAY(" has a leading zero; write the number without it");
        return PEERREVIEW_P_BAD_INTEGER;
    }
    int64_t v;
    if (pr_int_parse(s, len, &v)) {
        QUOTE();
        SAY(" is too large; the largest allowed is %lld", (long long)INT64_MAX);
        return PEERREVIEW_P_BAD_INTEGER;
    }
    if (v < c->min) {
        QUOTE();
        SAY(" is below the minimum of %lld for %s", (long long)c->min, c->name);
        return PEERREVIEW_P_BAD_INTEGER;
    }
    if (v > c->max) {
        QUOTE();
        SAY(" is above the maximum of %lld for %s", (long long)c->max, c->name);
        return PEERREVIEW_P_BAD_INTEGER;
    }
    return -1;
}

static int ascii_casecmp_n(const char *a, const char *b, size_t len)
{
    if (strlen(b) != len)
        return 1;
    for (size_t i = 0; i < len; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x == ' ')
            x = '_';
        if (y == ' ')
            y = '_';
        if (x != y)
            return 1;
    }
    return 0;
}

static int check_enum(const pr_column *c, const char *s, size_t len, pr_buf *msg)
{
    if (pr_enum_index(c->enums, s, len) >= 0)
        return -1;
    QUOTE();
    for (size_t i = 0; c->enums[i]; i++) {
        if (ascii_casecmp_n(s, c->enums[i], len) == 0) {
            SAY(" is not an allowed value (values are case-sensitive); write \"%s\"", c->enums[i]);
            return PEERREVIEW_P_BAD_ENUM;
        }
    }
    SAY(" is not an allowed value; use one of: ");
    for (size_t i = 0; c->enums[i]; i++)
        SAY("%s%s", i ? ", " : "", c->enums[i]);
    return PEERREVIEW_P_BAD_ENUM;
}

static int check_url(const char *s, size_t len, pr_buf *msg)
{
    size_t skip = 0;
    if (len >= 7 && ascii_casecmp_n(s, "http://", 7) == 0)
        skip = 7;
    else if (len >= 8 && ascii_casecmp_n(s, "https://", 8) == 0)
        skip = 8;
    if (!skip) {
        QUOTE();
        SAY(" is not an absolute web address; it must start with http:// or https://");
        return PEERREVIEW_P_BAD_URL;
    }
    /* the authority runs to the first / ? or #; its host follows any user@ */
    size_t end = skip;
    while (end < len && s[end] != '/' && s[end] != '?' && s[end] != '#')
        end++;
    size_t host = skip;
    for (size_t k = skip; k < end; k++)
        if (s[k] == '@')
            host = k + 1;
    if (host == end || s[host] == ':') {
        QUOTE();
        SAY(" has no host name after the scheme; write e.g. https://www.example.gov.uk/page");
        return PEERREVIEW_P_BAD_URL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch <= 0x20 || ch == 0x7f || ch == '"' || ch == '<' || ch == '>' || ch == '\\') {
            QUOTE();
            SAY(" contains a character not allowed in a URL at position %zu; encode it "
                "(a space is %%20)",
                i + 1);
            return PEERREVIEW_P_BAD_URL;
        }
    }
    return -1;
}

/* The rules of column c after the encoding's: type, pattern, range. */
static int check_value(const pr_column *c, const char *s, size_t len, pr_buf *msg)
{
    if (c->type == PEERREVIEW_TYPE_TEXT) {
        if ((c->flags & PR_NONEMPTY) && len == 0) {
            SAY("the value is empty; %s needs at least one character", c->name);
            return PEERREVIEW_P_MISSING_VALUE;
        }
        return -1;
    }
    if (len > 0 && (is_ws((unsigned char)s[0]) || is_ws((unsigned char)s[len - 1]))) {
        QUOTE();
        SAY(" has %s white space; remove it (only text columns keep spaces)",
            is_ws((unsigned char)s[0]) ? "leading" : "trailing");
        return PEERREVIEW_P_WHITESPACE;
    }
    switch (c->type) {
    case PEERREVIEW_TYPE_DATE:
        return check_date(s, len, msg);
    case PEERREVIEW_TYPE_INTEGER:
        return check_int(c, s, len, msg);
    case PEERREVIEW_TYPE_ENUM:
        return check_enum(c, s, len, msg);
    case PEERREVIEW_TYPE_URL:
        return check_url(s, len, msg);
    case PEERREVIEW_TYPE_CODE:
        if (c->pattern->match(s, len))
            return -1;
        QUOTE();
        SAY(" does not match the pattern for %s: %s", c->name, c->pattern->hint);
        return PEERREVIEW_P_BAD_PATTERN;
    default:
        return -1;
    }
}

int pr_check_cell(int table, size_t col, const char *s, size_t len, pr_buf *msg)
{
    const pr_column *c = pr_col(table, col);
    if (!c)
        return -1;
    if (!pr_utf8_valid(s, len)) {
        SAY("the value is not valid UTF-8; save the file as UTF-8");
        return PEERREVIEW_P_INVALID_UTF8;
    }
    if (memchr(s, '\0', len)) {
        SAY("the value contains a NUL byte, which text cannot hold");
        return PEERREVIEW_P_NUL_BYTE;
    }
    return check_value(c, s, len, msg);
}

int pr_check_read(int table, size_t col, const char *s, size_t len, pr_buf *msg)
{
    const pr_column *c = pr_col(table, col);
    return c ? check_value(c, s, len, msg) : -1;
}
