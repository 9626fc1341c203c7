/* peerreview command line: the charts of report as inline SVG (see chart.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "html.h"
#include "output.h"

/* Width of every chart in SVG units; heights follow from the rows. */
#define W 400
/* Font sizes in SVG units (set in the style sheet as classes). */
#define CHAR_W 7 /* a generous width of one character at the labels' size */

/* The Okabe-Ito palette, and the colour of text written on each. */
static const struct {
    const char *fill;
    const char *ink;
} palette[] = {
    {"#0072B2", "#ffffff"}, /* blue */
    {"#E69F00", "#000000"}, /* orange */
    {"#009E73", "#000000"}, /* bluish green */
    {"#CC79A7", "#000000"}, /* reddish purple */
    {"#56B4E9", "#000000"}, /* sky blue */
    {"#D55E00", "#000000"}, /* vermillion */
    {"#F0E442", "#000000"}, /* yellow */
    {"#000000", "#ffffff"}, /* black */
    {"#999999", "#000000"}, /* grey */
};
#define PALETTE_SIZE (sizeof palette / sizeof palette[0])

/* ---- SVG pieces ---- */

static void svg_text(FILE *out, long long x, long long y, const char *anchor, const char *cls,
                     const char *fill, const char *text)
{
    html_tag(out, "text");
    html_attr_int(out, "x", x);
    html_attr_int(out, "y", y);
    html_attr(out, "text-anchor", anchor);
    html_attr(out, "class", cls);
    html_attr(out, "fill", fill);
    html_tag_end(out);
    html_escape(out, text);
    html_close(out, "text");
}

static void svg_rect(FILE *out, long long x, long long y, long long w, long long h,
                     const char *fill, const char *cls)
{
    html_tag(out, "rect");
    html_attr_int(out, "x", x);
    html_attr_int(out, "y", y);
    html_attr_int(out, "width", w < 0 ? 0 : w);
    html_attr_int(out, "height", h < 0 ? 0 : h);
    html_attr(out, "fill", fill);
    html_attr(out, "class", cls);
    html_tag_empty(out);
}

static void svg_line(FILE *out, long long x1, long long y1, long long x2, long long y2,
                     const char *cls)
{
    html_tag(out, "line");
    html_attr_int(out, "x1", x1);
    html_attr_int(out, "y1", y1);
    html_attr_int(out, "x2", x2);
    html_attr_int(out, "y2", y2);
    html_attr(out, "class", cls);
    html_tag_empty(out);
}

/* <g> with a <title> (a tooltip naming what the group shows); close with html_close "g". */
static void svg_group(FILE *out, const char *title)
{
    html_open(out, "g", NULL);
    html_element(out, "title", NULL, title);
}

/* A number as text into buf. */
static const char *num(unsigned long long v, char *buf, size_t size)
{
    snprintf(buf, size, "%llu", v);
    return buf;
}

/* The figure, its caption and the start of the SVG of height h, with <title> and <desc>. */
static void chart_begin(FILE *out, const struct chart_info *info, long long h)
{
    char id[96], viewbox[64];
    snprintf(id, sizeof id, "chart-%s", info->name);
    snprintf(viewbox, sizeof viewbox, "0 0 %d %lld", W, h);
    html_tag(out, "figure");
    html_attr(out, "class", "chart");
    html_attr(out, "id", id);
    html_tag_end(out);
    html_raw(out, "\n");
    html_element(out, "figcaption", NULL, info->title);
    html_raw(out, "\n");
    char labels[256], title_id[112], desc_id[112];
    snprintf(title_id, sizeof title_id, "%s-title", id);
    snprintf(desc_id, sizeof desc_id, "%s-desc", id);
    snprintf(labels, sizeof labels, "%s %s", title_id, desc_id);
    html_tag(out, "svg");
    html_attr(out, "role", "img");
    html_attr(out, "viewBox", viewbox);
    html_attr(out, "width", "100%");
    html_attr(out, "preserveAspectRatio", "xMinYMin meet");
    html_attr(out, "aria-labelledby", labels);
    html_tag_end(out);
    html_tag(out, "title");
    html_attr(out, "id", title_id);
    html_tag_end(out);
    html_escape(out, info->title);
    html_close(out, "title");
    html_tag(out, "desc");
    html_attr(out, "id", desc_id);
    html_tag_end(out);
    html_escape(out, info->desc);
    html_close(out, "desc");
    html_raw(out, "\n");
}

static void chart_svg_end(FILE *out)
{
    html_close(out, "svg");
    html_raw(out, "\n");
}

/* <table class="data"> with a caption and the header cells heads[0..n). */
static void table_begin(FILE *out, const char *caption, const char *const *heads, size_t n)
{
    html_open(out, "div", "table-wrap");
    html_open(out, "table", "data");
    html_element(out, "caption", NULL, caption);
    html_raw(out, "<thead><tr>");
    for (size_t i = 0; i < n; i++) {
        html_tag(out, "th");
        html_attr(out, "scope", "col");
        html_tag_end(out);
        html_escape(out, heads[i]);
        html_close(out, "th");
    }
    html_raw(out, "</tr></thead>\n<tbody>\n");
}

/*
 * The end of the table begun by table_begin with cols columns, after rows
 * rows: a table with none says so in a row of its own (a table of values
 * with no cell would read as a fault, to people and to the browser test).
 */
static void table_end(FILE *out, size_t rows, size_t cols, const char *none)
{
    if (rows == 0) {
        html_tag(out, "tr");
        html_tag_end(out);
        html_tag(out, "td");
        html_attr_int(out, "colspan", (long long)cols);
        html_attr(out, "class", "none");
        html_tag_end(out);
        html_escape(out, none);
        html_raw(out, "</td></tr>\n");
    }
    html_raw(out, "</tbody></table></div>\n");
}

/* ---- bars ---- */

#define BAR_ROW 34 /* label line, then the bar */
#define BAR_TOP 4
#define BAR_H   13
#define BAR_MAX (W - 60) /* longest bar; its count is written after it */

void chart_bars(FILE *out, const struct chart_info *info, const struct chart_bar *bars, size_t n)
{
    size_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (bars[i].count > max)
            max = bars[i].count;
    long long h = BAR_TOP + (long long)(n ? n : 1) * BAR_ROW + 4;
    chart_begin(out, info, h);
    char buf[32], title[512];
    if (n == 0)
        svg_text(out, 0, BAR_TOP + 18, "start", "label", NULL, "(nothing to show)");
    for (size_t i = 0; i < n; i++) {
        long long y = BAR_TOP + (long long)i * BAR_ROW;
        long long w = max ? (long long)(bars[i].count * (unsigned long long)BAR_MAX / max) : 0;
        if (bars[i].count > 0 && w < 1)
            w = 1; /* a count is never invisible */
        snprintf(title, sizeof title, "%s: %zu %s", bars[i].label, bars[i].count, info->unit);
        svg_group(out, title);
        svg_text(out, 0, y + 12, "start", "label", NULL, bars[i].label);
        svg_rect(out, 0, y + 16, w, BAR_H, palette[0].fill, "bar");
        svg_text(out, w + 4, y + 16 + BAR_H - 2, "start", "value", NULL,
                 num(bars[i].count, buf, sizeof buf));
        html_close(out, "g");
        html_raw(out, "\n");
    }
    chart_svg_end(out);

    const char *heads[] = {info->head, info->unit};
    table_begin(out, info->title, heads, 2);
    for (size_t i = 0; i < n; i++) {
        html_tag(out, "tr");
        html_attr(out, "data-category", info->category);
        html_attr(out, "data-key", bars[i].key);
        html_attr(out, "data-count", num(bars[i].count, buf, sizeof buf));
        html_tag_end(out);
        html_tag(out, "th");
        html_attr(out, "scope", "row");
        html_tag_end(out);
        html_escape(out, bars[i].label);
        html_close(out, "th");
        html_element_uint(out, "td", "num", bars[i].count);
        html_raw(out, "</tr>\n");
    }
    table_end(out, n, 2, "Nothing to show.");
    html_raw(out, "</figure>\n");
}

/* ---- stacked bars ---- */

#define STACK_LEFT   68 /* row labels before it */
#define STACK_MAX    (W - STACK_LEFT - 40)
#define STACK_ROW    24
#define STACK_H      17
#define LEGEND_ROW   18
#define LEGEND_COL_W (W / 2)

/* Letter of series i: A, B, ..., Z, then AA, AB, ... */
static const char *series_letter(size_t i, char *buf, size_t size)
{
    if (i < 26)
        snprintf(buf, size, "%c", (char)('A' + i));
    else
        snprintf(buf, size, "%c%c", (char)('A' + (i / 26 - 1) % 26), (char)('A' + i % 26));
    return buf;
}

/* The total of each series (at most CHART_MAX_SERIES) and of each row; the largest row total. */
static size_t stack_totals(const struct chart_stack *st, size_t *series_total, size_t *shown)
{
    size_t max = 0;
    *shown = 0;
    for (size_t s = 0; s < st->series; s++) {
        series_total[s] = 0;
        for (size_t r = 0; r < st->rows; r++)
            series_total[s] += st->counts[r * st->series + s];
        *shown += series_total[s] > 0;
    }
    for (size_t r = 0; r < st->rows; r++) {
        size_t total = 0;
        for (size_t s = 0; s < st->series; s++)
            total += st->counts[r * st->series + s];
        if (total > max)
            max = total;
    }
    return max;
}

/* The legend: a swatch, the letter and the label of each series shown, two a line. */
static void stack_legend(FILE *out, const struct chart_stack *st, const size_t *series_total)
{
    char letter[8], text[512];
    for (size_t s = 0, k = 0; s < st->series; s++) {
        if (series_total[s] == 0)
            continue;
        long long x = (long long)(k % 2) * LEGEND_COL_W;
        long long y = (long long)(k / 2) * LEGEND_ROW;
        svg_rect(out, x, y + 2, 13, 13, palette[s % PALETTE_SIZE].fill, "swatch");
        snprintf(text, sizeof text, "%s %s", series_letter(s, letter, sizeof letter),
                 st->series_labels[s]);
        svg_text(out, x + 18, y + 13, "start", "legend", NULL, text);
        k++;
    }
}

/* Row r's bar at y: its parts in legend order, each labelled where it fits, then its total. */
static void stack_row(FILE *out, const struct chart_stack *st, const size_t *series_total,
                      size_t max, size_t r, long long y)
{
    char buf[32], letter[8], text[512];
    size_t total = 0;
    long long x = STACK_LEFT;
    svg_text(out, 0, y + STACK_H - 3, "start", "label", NULL, st->row_keys[r]);
    for (size_t s = 0; s < st->series; s++) {
        if (series_total[s] == 0)
            continue;
        size_t c = st->counts[r * st->series + s];
        /* the ends of the part from the running total: the parts always add up */
        long long x0 = STACK_LEFT + (long long)(total * (unsigned long long)STACK_MAX / max);
        long long x1 = STACK_LEFT + (long long)((total + c) * (unsigned long long)STACK_MAX / max);
        total += c;
        if (c > 0) {
            snprintf(text, sizeof text, "%s: %s %zu", st->row_keys[r], st->series_labels[s], c);
            svg_group(out, text);
            svg_rect(out, x0, y, x1 - x0, STACK_H, palette[s % PALETTE_SIZE].fill, "part");
            snprintf(text, sizeof text, "%s %zu", series_letter(s, letter, sizeof letter), c);
            if (x1 - x0 >= (long long)strlen(text) * CHAR_W + 4)
                svg_text(out, (x0 + x1) / 2, y + STACK_H - 4, "middle", "part-label",
                         palette[s % PALETTE_SIZE].ink, text);
            html_close(out, "g");
            x = x1;
        }
    }
    svg_text(out, x + 4, y + STACK_H - 3, "start", "value", NULL, num(total, buf, sizeof buf));
    html_raw(out, "\n");
}

/* The table of a stacked chart: a row per row key, a column per series shown, the total. */
static void stack_table(FILE *out, const struct chart_info *info, const struct chart_stack *st,
                        const size_t *series_total)
{
    const char *heads[CHART_MAX_SERIES + 2];
    size_t nh = 0;
    char buf[32], attr_row[64], attr_series[64];
    heads[nh++] = info->head;
    for (size_t s = 0; s < st->series; s++)
        if (series_total[s] > 0)
            heads[nh++] = st->series_labels[s];
    heads[nh++] = "Total";
    table_begin(out, info->title, heads, nh);
    snprintf(attr_row, sizeof attr_row, "data-%s", st->row_attr);
    snprintf(attr_series, sizeof attr_series, "data-%s", st->series_attr);
    for (size_t r = 0; r < st->rows; r++) {
        html_tag(out, "tr");
        html_attr(out, attr_row, st->row_keys[r]);
        html_tag_end(out);
        html_tag(out, "th");
        html_attr(out, "scope", "row");
        html_tag_end(out);
        html_escape(out, st->row_keys[r]);
        html_close(out, "th");
        size_t total = 0;
        for (size_t s = 0; s < st->series; s++) {
            if (series_total[s] == 0)
                continue;
            size_t c = st->counts[r * st->series + s];
            total += c;
            html_tag(out, "td");
            html_attr(out, "class", "num");
            html_attr(out, attr_row, st->row_keys[r]);
            html_attr(out, attr_series, st->series_keys[s]);
            html_attr(out, "data-count", num(c, buf, sizeof buf));
            html_tag_end(out);
            html_uint(out, c);
            html_close(out, "td");
        }
        html_element_uint(out, "td", "num total", total);
        html_raw(out, "</tr>\n");
    }
    table_end(out, st->rows, nh, "Nothing to show.");
}

void chart_stacked(FILE *out, const struct chart_info *info, const struct chart_stack *in)
{
    struct chart_stack st = *in;
    if (st.series > CHART_MAX_SERIES)
        st.series = CHART_MAX_SERIES;
    size_t series_total[CHART_MAX_SERIES], shown;
    size_t max = stack_totals(&st, series_total, &shown);
    long long legend_h = (long long)((shown + 1) / 2) * LEGEND_ROW + 8;
    chart_begin(out, info, legend_h + (long long)(st.rows ? st.rows : 1) * STACK_ROW + 4);
    stack_legend(out, &st, series_total);
    if (st.rows == 0 || max == 0)
        svg_text(out, 0, legend_h + 16, "start", "label", NULL, "(nothing to show)");
    for (size_t r = 0; r < st.rows && max > 0; r++)
        stack_row(out, &st, series_total, max, r, legend_h + (long long)r * STACK_ROW);
    chart_svg_end(out);
    stack_table(out, info, &st, series_total);
    if (shown <
        st.series) { /* the series that count nothing: a reader knows they were looked for */
        html_open(out, "p", "note");
        html_raw(out, "None of: ");
        for (size_t s = 0, i = 0; s < st.series; s++) {
            if (series_total[s] > 0)
                continue;
            if (i++ > 0)
                html_raw(out, ", ");
            html_escape(out, st.series_labels[s]);
        }
        html_raw(out, ".</p>\n");
    }
    html_raw(out, "</figure>\n");
}

/* ---- timeline ---- */

#define TL_LEGEND_H 26
#define TL_TRACK_H  66
#define TL_AXIS_H   26
#define TL_X0       10
#define TL_X1       (W - 10)
#define TL_MARK     6 /* half the size of a marker */

const char *chart_months_text(long months, int approximate, char *buf, size_t size)
{
    snprintf(buf, size, "%s%ld %s", approximate ? "about " : "", months,
             months == 1 || months == -1 ? "month" : "months");
    return buf;
}

/* The shared time axis: from 1 January of the first year to 1 January after the last. */
struct axis {
    int first_year, last_year;
    int64_t d0, d1; /* days since 1970-01-01: d0 < d1 */
};

/* Day of 1 January of year (0 to 9999) from the library's date parser. */
static int64_t year_start(int year)
{
    char text[8];
    peerreview_date d;
    snprintf(text, sizeof text, "%04d", year);
    if (peerreview_date_parse(text, &d) != PEERREVIEW_OK)
        return 0;
    return d.first_day;
}

/* The axis of the dated events of the tracks; 0 when no event has a date. */
static int axis_of(const struct chart_track *tracks, size_t n, struct axis *a)
{
    int any = 0;
    for (size_t t = 0; t < n; t++) {
        for (size_t i = 0; i < tracks[t].n; i++) {
            const struct chart_event *e = &tracks[t].e[i];
            if (!e->date_text)
                continue;
            if (!any || e->date.year < a->first_year)
                a->first_year = e->date.year;
            if (!any || e->date.year > a->last_year)
                a->last_year = e->date.year;
            any = 1;
        }
    }
    if (!any)
        return 0;
    a->d0 = year_start(a->first_year);
    /* the day after the last year: 31 December's last_day + 1 (9999 has no next year) */
    char text[8];
    peerreview_date d;
    snprintf(text, sizeof text, "%04d", a->last_year);
    a->d1 = peerreview_date_parse(text, &d) == PEERREVIEW_OK ? d.last_day + 1 : a->d0 + 366;
    if (a->d1 <= a->d0)
        a->d1 = a->d0 + 366;
    return 1;
}

/* x of twice a day (half days count: the middle of a date may fall between two days). */
static long long axis_x2(const struct axis *a, int64_t day2)
{
    return TL_X0 + (long long)((day2 - 2 * a->d0) * (TL_X1 - TL_X0) / (2 * (a->d1 - a->d0)));
}

static long long axis_x(const struct axis *a, int64_t day)
{
    return axis_x2(a, 2 * day);
}

/* Years between labels on the axis: labels at least 36 units apart. */
static int axis_step(const struct axis *a)
{
    static const int steps[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};
    int years = a->last_year - a->first_year + 1;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if ((long long)(TL_X1 - TL_X0) * steps[i] >= 36LL * years)
            return steps[i];
    return 10000;
}

/* The axis at y (grid lines up to top): a tick and a label every step years. */
static void axis_draw(FILE *out, const struct axis *a, long long top, long long y)
{
    char buf[16];
    int step = axis_step(a);
    svg_line(out, TL_X0, y, TL_X1, y, "axis");
    for (int year = a->first_year; year <= a->last_year + 1; year++) {
        if (year % step != 0 && year != a->first_year)
            continue;
        long long x = year <= a->last_year ? axis_x(a, year_start(year)) : TL_X1;
        svg_line(out, x, top, x, y + 4, "grid");
        if (year <= a->last_year && x + 14 <= TL_X1) {
            snprintf(buf, sizeof buf, "%d", year);
            svg_text(out, x, y + 17, "middle", "tick", NULL, buf);
        }
    }
}

/* A marker for a review at x, y: circle (initial), diamond (progress), square (other). */
static void timeline_marker(FILE *out, const char *stage, long long x, long long y)
{
    if (stage && strcmp(stage, "initial") == 0) {
        html_tag(out, "circle");
        html_attr_int(out, "cx", x);
        html_attr_int(out, "cy", y);
        html_attr_int(out, "r", TL_MARK);
        html_attr(out, "fill", palette[0].fill);
        html_attr(out, "class", "marker");
        html_tag_empty(out);
    } else if (stage && strcmp(stage, "progress") == 0) {
        char points[192];
        const int m = TL_MARK + 1;
        snprintf(points, sizeof points, "%lld,%lld %lld,%lld %lld,%lld %lld,%lld", x, y - m, x + m,
                 y, x, y + m, x - m, y);
        html_tag(out, "polygon");
        html_attr(out, "points", points);
        html_attr(out, "fill", palette[5].fill);
        html_attr(out, "class", "marker");
        html_tag_empty(out);
    } else {
        svg_rect(out, x - TL_MARK + 1, y - TL_MARK + 1, 2 * TL_MARK - 2, 2 * TL_MARK - 2,
                 palette[8].fill, "marker");
    }
}

/* The legend of the markers and the bands. */
static void timeline_legend(FILE *out)
{
    timeline_marker(out, "initial", 8, 12);
    svg_text(out, 20, 17, "start", "legend", NULL, "initial review");
    timeline_marker(out, "progress", 128, 12);
    svg_text(out, 140, 17, "start", "legend", NULL, "progress review");
    svg_rect(out, 256, 7, 20, 10, palette[0].fill, "band");
    svg_text(out, 280, 17, "start", "legend", NULL, "date: year/month");
}

/* Characters of s (UTF-8; a byte that is not part of a sequence counts as one). */
static size_t text_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0, k; i < len; i += k ? k : 1, n++)
        k = utf8_sequence((const unsigned char *)s + i, len - i);
    return n;
}

/*
 * The track's label, the council's name then what (e.g. " (3 reviews)"), into
 * buf: a name too long for the chart's width is cut short with an ellipsis
 * (the whole name is in the tooltip and the table). 1 when it was cut.
 */
static int track_label(const char *name, const char *what, char *buf, size_t size)
{
    const size_t max = W / CHAR_W, tail = text_chars(what, strlen(what));
    size_t len = strlen(name), keep = len;
    if (text_chars(name, len) + tail > max) {
        size_t room = max > tail + 1 ? max - tail - 1 : 1, i = 0, k;
        for (size_t n = 0; n < room && i < len; i += k ? k : 1, n++)
            k = utf8_sequence((const unsigned char *)name + i, len - i);
        while (i > 0 && name[i - 1] == ' ')
            i--; /* no space before the ellipsis */
        keep = i;
    }
    snprintf(buf, size, "%.*s%s%s", (int)keep, name, keep < len ? "\xE2\x80\xA6" : "", what);
    return keep < len;
}

/* One track at y: the council, its reviews joined in date order, the gaps labelled. */
static void timeline_track(FILE *out, const struct axis *a, const struct chart_track *t,
                           long long y)
{
    char text[512], what[96], months[64];
    size_t undated = 0;
    for (size_t i = 0; i < t->n; i++)
        undated += t->e[i].date_text == NULL;
    if (undated > 0)
        snprintf(what, sizeof what, " (%zu reviews, %zu without a date)", t->n, undated);
    else
        snprintf(what, sizeof what, " (%zu reviews)", t->n);
    if (track_label(t->label, what, text, sizeof text)) {
        svg_group(out, t->label);
        svg_text(out, 0, y + 12, "start", "label", NULL, text);
        html_close(out, "g");
    } else {
        svg_text(out, 0, y + 12, "start", "label", NULL, text);
    }
    long long ty = y + 38, prev_x = 0;
    size_t gaps = 0;
    for (size_t i = 0; i < t->n; i++) { /* the joins and their labels, under the markers */
        const struct chart_event *e = &t->e[i];
        if (!e->date_text)
            continue;
        long long x = axis_x2(a, e->date.first_day + e->date.last_day);
        if (i > 0 && t->e[i - 1].date_text) {
            svg_line(out, prev_x, ty, x, ty, "link");
            if (e->has_gap) {
                long long half = (long long)strlen(chart_months_text(e->months, e->approximate,
                                                                     months, sizeof months)) *
                                 CHAR_W / 2;
                long long mx = (prev_x + x) / 2;
                if (mx - half < TL_X0)
                    mx = TL_X0 + half;
                if (mx + half > TL_X1)
                    mx = TL_X1 - half;
                svg_text(out, mx, gaps % 2 == 0 ? ty - 11 : ty + 21, "middle", "gap", NULL, months);
                gaps++;
            }
        }
        prev_x = x;
    }
    for (size_t i = 0; i < t->n; i++) {
        const struct chart_event *e = &t->e[i];
        if (!e->date_text)
            continue;
        long long x = axis_x2(a, e->date.first_day + e->date.last_day);
        snprintf(text, sizeof text, "%s: %s review, %s", e->id, e->stage ? e->stage : "unknown",
                 e->date_text);
        svg_group(out, text); /* the table below links to the review */
        if (e->date.precision != PEERREVIEW_DATE_DAY)
            svg_rect(out, axis_x(a, e->date.first_day), ty - 5,
                     axis_x(a, e->date.last_day + 1) - axis_x(a, e->date.first_day), 10,
                     palette[0].fill, "band");
        timeline_marker(out, e->stage, x, ty);
        html_close(out, "g");
    }
    html_raw(out, "\n");
}

/* The table of a timeline: council, review, stage, date and months since the one before. */
static void timeline_table(FILE *out, const struct chart_info *info,
                           const struct chart_track *tracks, size_t n)
{
    static const char *const heads[] = {"Council", "Review", "Stage", "Date",
                                        "Months since the one before"};
    char buf[64], href[128];
    table_begin(out, info->title, heads, 5);
    for (size_t t = 0; t < n; t++) {
        for (size_t i = 0; i < tracks[t].n; i++) {
            const struct chart_event *e = &tracks[t].e[i];
            html_tag(out, "tr");
            html_attr(out, "data-council", tracks[t].key);
            html_attr(out, "data-review", e->id);
            if (e->has_gap) {
                snprintf(buf, sizeof buf, "%ld", e->months);
                html_attr(out, "data-months", buf);
                html_attr(out, "data-approximate", e->approximate ? "1" : "0");
            }
            html_tag_end(out);
            if (i == 0) {
                html_tag(out, "th");
                html_attr(out, "scope", "row");
                html_attr_int(out, "rowspan", (long long)tracks[t].n);
                html_tag_end(out);
                html_escape(out, tracks[t].label);
                html_close(out, "th");
            }
            snprintf(href, sizeof href, "#review-%s", e->id);
            html_open(out, "td", NULL);
            html_tag(out, "a");
            html_attr(out, "href", href);
            html_tag_end(out);
            html_escape(out, e->id);
            html_raw(out, "</a></td>");
            html_element(out, "td", NULL, e->stage ? e->stage : "unknown");
            html_element(out, "td", NULL, e->date_text ? e->date_text : "unknown");
            html_element(out, "td", "num",
                         e->has_gap ? chart_months_text(e->months, e->approximate, buf, sizeof buf)
                                    : "");
            html_raw(out, "</tr>\n");
        }
    }
    table_end(out, n, 5, "No council was reviewed more than once.");
}

void chart_timeline(FILE *out, const struct chart_info *info, const struct chart_track *tracks,
                    size_t n)
{
    struct axis a;
    memset(&a, 0, sizeof a);
    int dated = axis_of(tracks, n, &a);
    long long tracks_h = (long long)(n ? n : 1) * TL_TRACK_H;
    chart_begin(out, info, TL_LEGEND_H + tracks_h + TL_AXIS_H);
    timeline_legend(out);
    if (!dated)
        svg_text(out, 0, TL_LEGEND_H + 20, "start", "label", NULL,
                 n ? "(no dates to show)" : "(no council was reviewed more than once)");
    else
        axis_draw(out, &a, TL_LEGEND_H, TL_LEGEND_H + tracks_h);
    for (size_t t = 0; t < n && dated; t++)
        timeline_track(out, &a, &tracks[t], TL_LEGEND_H + (long long)t * TL_TRACK_H);
    chart_svg_end(out);
    timeline_table(out, info, tracks, n);
    html_raw(out, "</figure>\n");
}
