/*
 * The HTML writing of peerreview report (issue 13): the one escaping
 * function (tools/html.c) and the chart writers (tools/chart.c), written to
 * memory and checked byte for byte or for what must never appear: raw
 * markup from data, invalid UTF-8, NaN or negative sizes.
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

#include "../tools/chart.h"
#include "../tools/html.h"

#define FFFD "\xEF\xBF\xBD"

/* A stream in memory: open, write, then read the text with mem_text. */
struct mem {
    char *text;
    size_t len;
    FILE *f;
};

static FILE *mem_open(struct mem *m)
{
    m->text = NULL;
    m->len = 0;
    m->f = open_memstream(&m->text, &m->len);
    assert_non_null(m->f);
    return m->f;
}

static const char *mem_text(struct mem *m)
{
    assert_int_equal(fclose(m->f), 0);
    m->f = NULL;
    return m->text;
}

/* html_escape of s as a string (freed by the caller). */
static char *escaped(const char *s)
{
    struct mem m;
    html_escape(mem_open(&m), s);
    mem_text(&m);
    return m.text;
}

static void assert_escapes_to(const char *s, const char *want)
{
    char *got = escaped(s);
    assert_string_equal(got, want);
    free(got);
}

/* 1 if s is valid UTF-8 (the decoder of RFC 3629: no overlong forms, surrogates or > U+10FFFF). */
static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t n = c < 0x80             ? 1
                   : (c & 0xE0) == 0xC0 ? 2
                   : (c & 0xF0) == 0xE0 ? 3
                   : (c & 0xF8) == 0xF0 ? 4
                                        : 0;
        if (n == 0 || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4))
            return 0;
        unsigned long cp = n == 1 ? c : c & (0x7Fu >> n);
        for (size_t i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3Fu);
        }
        if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        p += n;
    }
    return 1;
}

/* ---- the escaping function ---- */

static void test_escape_markup(void **state)
{
    (void)state;
    assert_escapes_to("<script>alert(\"x\")</script>",
                      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    assert_escapes_to("Tom & Jerry's", "Tom &amp; Jerry&#39;s");
    assert_escapes_to("&amp;", "&amp;amp;"); /* a reference in the data stays text */
    assert_escapes_to("a=\"1\" b='2'", "a=&quot;1&quot; b=&#39;2&#39;");
}

static void test_escape_line_breaks(void **state)
{
    (void)state;
    /* kept as they are: the style sheet shows them (white-space: pre-line) */
    assert_escapes_to("line 1\nline 2\r\nline 3\ttab", "line 1\nline 2\r\nline 3\ttab");
}

static void test_escape_non_ascii(void **state)
{
    (void)state;
    const char *s = "Caf\xC3\xA9 \xE2\x80\x93 \xE2\x80\x9Cquoted\xE2\x80\x9D \xF0\x9F\x99\x82 "
                    "\xE6\x97\xA5\xE6\x9C\xAC";
    assert_escapes_to(s, s);
}

static void test_escape_invalid_bytes(void **state)
{
    (void)state;
    assert_escapes_to("a\xFF"
                      "b",
                      "a" FFFD "b");
    assert_escapes_to("\xC3", FFFD);                                 /* cut short */
    assert_escapes_to("\xC0\xAF", FFFD FFFD);                        /* overlong '/' */
    assert_escapes_to("\xED\xA0\x80", FFFD FFFD FFFD);               /* a surrogate */
    assert_escapes_to("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD);      /* above U+10FFFF */
    assert_escapes_to("\x01x\x1B[2J\x7F", FFFD "x" FFFD "[2J" FFFD); /* control characters */
    assert_escapes_to("\xC2\x85", FFFD);                             /* C1 control U+0085 */
    assert_escapes_to("\xC2\xA0", "\xC2\xA0");                       /* U+00A0 is not one */

    /* any bytes at all: valid UTF-8 out, and no markup character unescaped */
    char bytes[4097];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof bytes - 1; i++) {
        x = x * 1103515245u + 12345u;
        bytes[i] = (char)((x >> 16) % 255 + 1);
    }
    bytes[sizeof bytes - 1] = '\0';
    char *out = escaped(bytes);
    assert_true(valid_utf8(out));
    assert_null(strpbrk(out, "<>\"'"));
    for (const char *p = strchr(out, '&'); p; p = strchr(p + 1, '&'))
        assert_true(strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4) == 0 ||
                    strncmp(p, "&gt;", 4) == 0 || strncmp(p, "&quot;", 6) == 0 ||
                    strncmp(p, "&#39;", 5) == 0);
    free(out);
}

static void test_escape_100kb(void **state)
{
    (void)state;
    size_t n = 100 * 1024;
    char *s = malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        s[i] = i % 2 ? '&' : '<';
    s[n] = '\0';
    char *out = escaped(s);
    assert_int_equal(strlen(out), n / 2 * (strlen("&lt;") + strlen("&amp;")));
    assert_memory_equal(out, "&lt;&amp;", 9);
    assert_string_equal(out + strlen(out) - 9, "&lt;&amp;");
    free(out);
    memset(s, 'x', n); /* plain text: as it is, whole */
    out = escaped(s);
    assert_string_equal(out, s);
    free(out);
    free(s);
}

static void test_escape_empty(void **state)
{
    (void)state;
    assert_escapes_to("", "");
    assert_escapes_to(NULL, "");
}

static void test_attributes_and_links(void **state)
{
    (void)state;
    struct mem m;
    FILE *f = mem_open(&m);
    html_tag(f, "td");
    html_attr(f, "data-key", "a\"b<c>&'d'");
    html_attr(f, "title", NULL); /* left out */
    html_attr_int(f, "x", -3);
    html_tag_end(f);
    html_element(f, "p", "text", "1 < 2");
    html_link(f, "https://example.org/?a=1&b=\"2\"", "Report & <b>");
    html_link(f, "javascript:alert(1)", "js");
    html_link(f, "HTTP://EXAMPLE.ORG/", NULL);
    assert_string_equal(mem_text(&m), "<td data-key=\"a&quot;b&lt;c&gt;&amp;&#39;d&#39;\" x=\"-3\">"
                                      "<p class=\"text\">1 &lt; 2</p>"
                                      "<a href=\"https://example.org/?a=1&amp;b=&quot;2&quot;\">"
                                      "Report &amp; &lt;b&gt;</a>js"
                                      "<a href=\"HTTP://EXAMPLE.ORG/\">HTTP://EXAMPLE.ORG/</a>");
    free(m.text);
}

/* ---- the charts ---- */

/* Every number of the attributes named name in text: none negative, none NaN or infinite. */
static void assert_sizes_sane(const char *text)
{
    static const char *const names[] = {" width=\"", " height=\"", " x=\"", " y=\"",
                                        " cx=\"",    " cy=\"",     " r=\""};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        for (const char *p = strstr(text, names[i]); p; p = strstr(p + 1, names[i])) {
            const char *v = p + strlen(names[i]);
            if (strncmp(v, "100%", 4) == 0)
                continue;
            assert_true(*v >= '0' && *v <= '9');
        }
    }
    /* what printf writes for them, as a value or a label */
    static const char *const bad[] = {"\"nan", "\"-nan", "\"inf", "\"-inf",
                                      ">nan<", ">-nan<", ">inf<", "NaN"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(strstr(text, bad[i]));
}

/* The chart's SVG starts with <title> as its first child. */
static void assert_svg_titled(const char *text)
{
    const char *svg = strstr(text, "<svg role=\"img\"");
    assert_non_null(svg);
    const char *end = strchr(svg, '>');
    assert_non_null(end);
    assert_memory_equal(end + 1, "<title", 6);
    assert_non_null(strstr(text, "</svg>"));
    assert_non_null(strstr(text, "<table"));
}

static size_t count_of(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

static const struct chart_info bar_info = {"regions",       "Council <reviews> & \"regions\"",
                                           "desc 'quoted'", "region",
                                           "Region",        "council reviews"};

static void test_bars_escaped(void **state)
{
    (void)state;
    struct chart_bar bars[] = {{"k<1>", "<script>alert('x')</script> & co", 3},
                               {"k2", "Line\nbreak", 0}};
    struct mem m;
    chart_bars(mem_open(&m), &bar_info, bars, 2);
    const char *text = mem_text(&m);
    assert_null(strstr(text, "<script"));
    assert_null(strstr(text, "<reviews>"));
    assert_non_null(strstr(text, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    assert_non_null(strstr(text, "data-key=\"k&lt;1&gt;\""));
    assert_non_null(strstr(text, "<figure class=\"chart\" id=\"chart-regions\">"));
    assert_int_equal(count_of(text, "<tr data-category=\"region\""), 2);
    assert_non_null(strstr(text, "data-count=\"3\""));
    assert_non_null(strstr(text, "data-count=\"0\""));
    assert_svg_titled(text);
    assert_sizes_sane(text);
    assert_true(valid_utf8(text));
    free(m.text);
}

static void test_bars_zero_one_many(void **state)
{
    (void)state;
    struct mem m;
    /* none */
    chart_bars(mem_open(&m), &bar_info, NULL, 0);
    const char *text = mem_text(&m);
    assert_svg_titled(text);
    assert_sizes_sane(text);
    assert_non_null(strstr(text, "(nothing to show)"));
    /* its table says so in a cell of its own, across both columns */
    assert_non_null(strstr(text, "<td colspan=\"2\" class=\"none\">Nothing to show.</td>"));
    free(m.text);
    /* all zero: no division by zero, empty bars */
    struct chart_bar zero[] = {{"a", "A", 0}, {"b", "B", 0}};
    chart_bars(mem_open(&m), &bar_info, zero, 2);
    text = mem_text(&m);
    assert_sizes_sane(text);
    assert_int_equal(count_of(text, "class=\"bar\""), 2);
    assert_int_equal(count_of(text, "width=\"0\""), 2);
    free(m.text);
    /* one */
    struct chart_bar one[] = {{"a", "A", 7}};
    chart_bars(mem_open(&m), &bar_info, one, 1);
    text = mem_text(&m);
    assert_sizes_sane(text);
    assert_int_equal(count_of(text, "class=\"bar\""), 1);
    assert_non_null(strstr(text, ">7</text>"));
    free(m.text);
    /* many, of very different sizes: every bar is drawn, a small count visibly */
    struct chart_bar many[200];
    char keys[200][8];
    for (size_t i = 0; i < 200; i++) {
        snprintf(keys[i], sizeof keys[i], "k%zu", i);
        many[i].key = keys[i];
        many[i].label = keys[i];
        many[i].count = i == 0 ? 1000000 : i;
    }
    chart_bars(mem_open(&m), &bar_info, many, 200);
    text = mem_text(&m);
    assert_sizes_sane(text);
    assert_int_equal(count_of(text, "class=\"bar\""), 200);
    assert_int_equal(count_of(text, "width=\"0\""), 0);
    assert_int_equal(count_of(text, "<tr data-category"), 200);
    free(m.text);
}

static void test_stacked(void **state)
{
    (void)state;
    const char *rows[] = {"2015", "2016", "unknown"};
    const char *keys[] = {"corporate", "finance", "other"};
    const char *labels[] = {"Corporate & <co>", "Finance", "Other"};
    const size_t counts[] = {2, 1, 0, /* 2015 */
                             0, 0, 0, /* 2016: none */
                             1, 0, 0};
    struct chart_stack st = {3, 3, rows, keys, labels, counts, "type", "year"};
    struct chart_info info = {"years", "Reviews per year", "desc", "year", "Year", "reviews"};
    struct mem m;
    chart_stacked(mem_open(&m), &info, &st);
    const char *text = mem_text(&m);
    assert_svg_titled(text);
    assert_sizes_sane(text);
    assert_null(strstr(text, "<co>"));
    assert_non_null(strstr(text, "Corporate &amp; &lt;co&gt;"));
    /* a cell per row and series that counts something (other counts nothing: named below) */
    assert_int_equal(count_of(text, "data-type=\"corporate\""), 3);
    assert_int_equal(count_of(text, "data-type=\"finance\""), 3);
    assert_int_equal(count_of(text, "data-type=\"other\""), 0);
    assert_non_null(strstr(text, "None of: Other."));
    assert_non_null(strstr(text, "data-year=\"2015\" data-type=\"corporate\" data-count=\"2\""));
    assert_int_equal(count_of(text, "class=\"part\""), 3); /* parts with a count only */

    /* a series keeps its letter and colour when the ones before it count nothing */
    free(m.text);
    const size_t finance_only[] = {0, 2, 0, 0, 0, 0, 0, 1, 0};
    st.counts = finance_only;
    chart_stacked(mem_open(&m), &info, &st);
    text = mem_text(&m);
    assert_non_null(strstr(text, ">B Finance</text>"));
    assert_non_null(strstr(text, "fill=\"#E69F00\" class=\"swatch\""));
    assert_non_null(strstr(text, ">B 2</text>"));
    assert_null(strstr(text, "#0072B2"));
    assert_null(strstr(text, ">A "));

    /* nothing at all */
    free(m.text);
    const size_t none[] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    st.counts = none;
    chart_stacked(mem_open(&m), &info, &st);
    text = mem_text(&m);
    assert_svg_titled(text);
    assert_sizes_sane(text);
    assert_int_equal(count_of(text, "class=\"part\""), 0);
    assert_null(strstr(text, "class=\"none\"")); /* its rows are there, all 0 */
    free(m.text);
    st.rows = 0;
    chart_stacked(mem_open(&m), &info, &st);
    text = mem_text(&m);
    assert_svg_titled(text);
    assert_sizes_sane(text);
    assert_int_equal(count_of(text, "class=\"none\">Nothing to show.</td>"), 1);
    free(m.text);
}

static struct chart_event event(const char *id, const char *stage, const char *date)
{
    struct chart_event e;
    memset(&e, 0, sizeof e);
    e.id = id;
    e.stage = stage;
    e.date_text = date;
    if (date)
        assert_int_equal(peerreview_date_parse(date, &e.date), PEERREVIEW_OK);
    return e;
}

static void test_timeline(void **state)
{
    (void)state;
    struct chart_info info = {"repeat-councils", "Councils", "desc",
                              "councils",        "Council",  "reviews"};
    struct mem m;
    chart_timeline(mem_open(&m), &info, NULL, 0);
    const char *text = mem_text(&m);
    assert_svg_titled(text);
    assert_sizes_sane(text);
    assert_non_null(strstr(text, "no council was reviewed more than once"));
    assert_non_null(strstr(text, "<td colspan=\"5\" class=\"none\">No council was reviewed more "
                                 "than once.</td>"));
    free(m.text);

    struct chart_event a[3] = {event("x-2015", "initial", "2015-03"),
                               event("x-2016", "progress", "2016-01-20"),
                               event("x-nd", NULL, NULL)};
    a[1].has_gap = 1;
    a[1].months = 10;
    struct chart_event b[2] = {event("y-2012", "initial", "2012"),
                               event("y-2012b", "progress", "2012")};
    b[1].has_gap = 1;
    b[1].months = 0;
    b[1].approximate = 1;
    struct chart_track tracks[] = {{"E1", "Council <One> & Co", 3, a}, {"E2", "Two", 2, b}};
    chart_timeline(mem_open(&m), &info, tracks, 2);
    text = mem_text(&m);
    assert_svg_titled(text);
    assert_sizes_sane(text);
    assert_null(strstr(text, "<One>"));
    assert_non_null(strstr(text, "Council &lt;One&gt; &amp; Co (3 reviews, 1 without a date)"));
    assert_non_null(strstr(text, ">10 months</text>"));
    assert_non_null(strstr(text, ">about 0 months</text>"));
    assert_int_equal(count_of(text, "<circle"), 2 + 1); /* two initial reviews and the legend */
    assert_int_equal(count_of(text, "<polygon"), 2 + 1);
    assert_int_equal(count_of(text, "<tr data-council"), 5); /* the undated one too */
    assert_non_null(strstr(text, "data-review=\"x-2016\" data-months=\"10\""));
    assert_non_null(strstr(text, "<a href=\"#review-x-2015\">x-2015</a>"));
    free(m.text);

    /* a name too long for the chart's width is cut short there, whole in its tooltip and table */
    char name[400] = "";
    for (int i = 0; i < 20; i++)
        strcat(name, "Council\xC3\xA9 name "); /* 18 characters, 19 bytes each */
    struct chart_track long_one[] = {{"E3", name, 3, a}};
    chart_timeline(mem_open(&m), &info, long_one, 1);
    text = mem_text(&m);
    assert_sizes_sane(text);
    const char *label = strstr(text, "class=\"label\">Council");
    assert_non_null(label);
    label = strchr(label, '>') + 1;
    /* 400 / 7 characters at most, an ellipsis among them (3 bytes, 1 character) */
    size_t label_bytes = (size_t)(strstr(label, "</text>") - label), accents = 0;
    for (const char *p = label; p < label + label_bytes; p++)
        accents += (unsigned char)*p == 0xC3;
    assert_true(label_bytes - accents - 2 <= 57);
    assert_non_null(strstr(label, "\xE2\x80\xA6 (3 reviews, 1 without a date)</text>"));
    assert_int_equal(count_of(text, name), 2); /* the tooltip and the table */
    free(m.text);

    char buf[32];
    assert_string_equal(chart_months_text(1, 0, buf, sizeof buf), "1 month");
    assert_string_equal(chart_months_text(27, 1, buf, sizeof buf), "about 27 months");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_markup),
        cmocka_unit_test(test_escape_line_breaks),
        cmocka_unit_test(test_escape_non_ascii),
        cmocka_unit_test(test_escape_invalid_bytes),
        cmocka_unit_test(test_escape_100kb),
        cmocka_unit_test(test_escape_empty),
        cmocka_unit_test(test_attributes_and_links),
        cmocka_unit_test(test_bars_escaped),
        cmocka_unit_test(test_bars_zero_one_many),
        cmocka_unit_test(test_stacked),
        cmocka_unit_test(test_timeline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
