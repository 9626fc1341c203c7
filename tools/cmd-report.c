/* peerreview report: the register as one self-contained HTML page with charts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "cli.h"
#include "html.h"
#include "output.h"
#include "stats.h"

const char cmd_report_usage[] =
    "Usage: " PROG " report [OPTION]... [PATH] [-o FILE]\n"
    "\n"
    "Write the dataset PATH ('-': a flat file on standard input) as one HTML\n"
    "page: its name, numbers of reviews, councils and items, the span of its\n"
    "dates and the problems 'validate' reports; charts of the reviews per year\n"
    "and review type, by region, by authority type, the items by kind and a\n"
    "timeline of the councils reviewed more than once; a table of all reviews;\n"
    "and one section per review with its scope, findings, team, committee\n"
    "meetings and sources. Without PATH, use the sample dataset installed\n"
    "with the package:\n"
    "  " SAMPLE_DIR_TEXT "\n"
    "(before 'make install', the one of the build tree).\n"
    "\n"
    "  -o, --output=FILE         write the page to FILE (atomically: FILE is\n"
    "                            its old content or the whole page, never a\n"
    "                            part) instead of standard output ('-')\n"
    "  --ignore-unknown-columns  skip columns the format does not know\n" READ_OPTIONS_HELP
    "  -h, --help                print this help and exit\n"
    "\n"
    "The page works offline, opened from disk: its charts are inline SVG, its\n"
    "style and its one script (sorting the table of reviews; the page reads\n"
    "in full without it) are in the page, and it loads nothing; its only\n"
    "links out are the sources' own addresses. The same dataset gives the same\n"
    "bytes. The figures are those of 'stats' (see '" PROG " stats --help').\n"
    "\n"
    "A dataset with errors still gets a page, with the problems listed first\n"
    "(they are printed on stderr too). As such a dataset does not load, the\n"
    "page shows the rows of a package that are valid on their own (rules\n"
    "across rows and tables not checked); of a flat file with errors, none.\n"
    "\n"
    "Exit status: 0 success, 1 PATH has errors (the page is written), 2 usage\n"
    "error, I/O error or out of memory.\n";

/* Everything the page is made of. */
struct report {
    const peerreview_dataset *ds;
    const peerreview_diag *diag; /* the load's problems: what validate reports */
    const struct stats *st;
    const char *name; /* the dataset's name: its folder's or file's name */
    const char *path; /* as given (or the sample's) */
    int partial;      /* the load failed: ds holds the rows valid on their own */
    int package;      /* ... of a package (else: of a flat file, none) */
};

/* ------------------------------------------------------------------------ */
/* Words                                                                     */
/* ------------------------------------------------------------------------ */

/*
 * An enum value as words for people: "non_metropolitan_district" as
 * "Non-metropolitan district", "childrens_services" as "Children's services".
 */
static const char *words_of(const char *value, char *buf, size_t size)
{
    static const struct {
        const char *from, *to;
    } fixes[] = {{"childrens ", "children's "}, {"non ", "non-"}};
    size_t len = 0;
    buf[0] = '\0';
    for (const char *p = value; *p && len + 3 < size;) {
        size_t i = 0;
        char word[16];
        snprintf(word, sizeof word, "%.*s", (int)strcspn(p, "_"), p);
        for (; i < sizeof fixes / sizeof fixes[0]; i++) {
            size_t n = strlen(fixes[i].from) - 1;
            if (strlen(word) == n && strncmp(word, fixes[i].from, n) == 0 && p[n] == '_')
                break;
        }
        if (i < sizeof fixes / sizeof fixes[0] && len + strlen(fixes[i].to) < size) {
            len += (size_t)snprintf(buf + len, size - len, "%s", fixes[i].to);
            p += strlen(fixes[i].from);
            continue;
        }
        buf[len++] = *p == '_' ? ' ' : *p;
        buf[len] = '\0';
        p++;
    }
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
    return buf;
}

/* The name of the dataset: the folder's name, or the file's (a flat file). */
static const char *dataset_name(const char *path, char *buf, size_t size)
{
    if (is_stdio(path))
        return STDIN_NAME;
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    const char *p = path;
    size_t n = len;
    for (size_t i = 0; i < len; i++)
        if (path[i] == '/') {
            p = path + i + 1;
            n = len - i - 1;
        }
    /* a package given by its datapackage.json or a table file: the folder's name */
    for (size_t t = 0; t < peerreview_table_count() + 1; t++) {
        const char *file =
            t < peerreview_table_count() ? peerreview_table_file((int)t) : "datapackage.json";
        if (n == strlen(file) && strncmp(p, file, n) == 0 && p > path + 1) {
            const char *end = p - 1, *start = end;
            while (start > path && start[-1] != '/')
                start--;
            p = start;
            n = (size_t)(end - start);
            break;
        }
    }
    snprintf(buf, size, "%.*s", (int)n, p);
    return buf;
}

/* The labels of the item kinds: the headings of a review's section. */
static const char *kind_heading(const char *kind)
{
    static const struct {
        const char *kind, *heading;
    } headings[] = {
        {"focus", "Scope and focus questions"},
        {"strength", "Strengths"},
        {"area_for_consideration", "Areas for consideration"},
        {"recommendation", "Recommendations"},
        {"council_priority", "The council's priorities"},
        {"other", "Other points"},
    };
    for (size_t i = 0; i < sizeof headings / sizeof headings[0]; i++)
        if (strcmp(headings[i].kind, kind) == 0)
            return headings[i].heading;
    return NULL;
}

/* Findings: strengths, areas for consideration and recommendations. */
static size_t findings_of(const peerreview_review *r)
{
    size_t n = 0, items = peerreview_review_child_count(r, PEERREVIEW_ITEMS);
    for (size_t i = 0; i < items; i++) {
        const char *kind =
            row_text(peerreview_review_child_byindex(r, PEERREVIEW_ITEMS, i), "kind");
        n +=
            kind && (strcmp(kind, "strength") == 0 || strcmp(kind, "area_for_consideration") == 0 ||
                     strcmp(kind, "recommendation") == 0);
    }
    return n;
}

/* #review-ID into buf. */
static const char *review_href(const char *id, char *buf, size_t size)
{
    snprintf(buf, size, "#review-%s", id ? id : "");
    return buf;
}

/* The councils of a review as "A; B" (NULL: none listed). */
static void write_councils(FILE *out, const peerreview_review *r)
{
    size_t n = peerreview_review_child_count(r, PEERREVIEW_REVIEW_COUNCILS);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            html_raw(out, "; ");
        html_escape(out, row_text(peerreview_review_child_byindex(r, PEERREVIEW_REVIEW_COUNCILS, i),
                                  "council_name"));
    }
    if (n == 0)
        html_raw(out, "(no council listed)");
}

/* The review's type as its source names it, else the type in words ("Finance peer review"). */
static const char *type_label(const peerreview_review *r, char *buf, size_t size)
{
    const char *label = review_text(r, "review_type_label");
    const char *type = review_text(r, "review_type");
    if (label || !type)
        return label ? label : "Peer review";
    char words[96];
    snprintf(buf, size, "%s peer review", words_of(type, words, sizeof words));
    return buf;
}

/* "an" before a vowel letter, else "a". */
static const char *article_of(const char *word)
{
    return strchr("AEIOaeio", word[0]) && word[0] ? "an" : "a";
}

/* ------------------------------------------------------------------------ */
/* The page: head, header, problems                                          */
/* ------------------------------------------------------------------------ */

static const char style[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0;color:#1b1b1b;background:#fff;font:16px/1.5 system-ui,-apple-system,"
    "\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}\n"
    "header.page,main{max-width:72rem;margin:0 auto;padding:0 1rem;overflow-wrap:break-word}\n"
    "section.review a,header.page code{overflow-wrap:anywhere}\n"
    "header.page{padding-top:1rem;border-bottom:3px solid #0072B2}\n"
    "h1{font-size:1.8rem;margin:.5rem 0}h2{margin-top:2rem}h3{margin:.25rem 0}\n"
    "a{color:#005a8c}\n"
    "dl.totals{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;margin:.5rem 0 1rem}\n"
    "dl.totals div{min-width:7rem}dl.totals dt{font-size:.85rem;color:#555}\n"
    "dl.totals dd{margin:0;font-size:1.4rem;font-weight:600}\n"
    "#problems ol{padding-left:1.5rem}#problems li{overflow-wrap:anywhere}\n"
    ".error{color:#a33b00;font-weight:600}.warning{color:#6b5800;font-weight:600}\n"
    ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,28rem),1fr));"
    "gap:1.5rem}\n"
    "figure.chart{margin:0;padding:.75rem;border:1px solid #d0d0d0;border-radius:6px;"
    "min-width:0}\n"
    "figure.chart figcaption{font-weight:600;margin-bottom:.5rem}\n"
    "#chart-repeat-councils{grid-column:1/-1}\n"
    "figure.chart svg{display:block;width:100%;height:auto;max-width:36rem;overflow:visible}\n"
    "svg text{font-size:13px}svg .tick,svg .gap{font-size:12px}\n"
    "svg .part-label{font-size:12px;font-weight:600}svg .value{font-weight:600}\n"
    "svg .band{opacity:.3}svg .link{stroke:#555;stroke-width:2}\n"
    "svg .grid{stroke:#e0e0e0}svg .axis{stroke:#777}svg .marker{stroke:#fff;stroke-width:1.5}\n"
    ".table-wrap{overflow-x:auto;max-width:100%}\n"
    "table{border-collapse:collapse;margin:.5rem 0}\n"
    "caption{text-align:left;font-size:.85rem;color:#555}\n"
    "th,td{padding:.25rem .5rem;border-bottom:1px solid #e3e3e3;text-align:left;"
    "vertical-align:top}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "#reviews td:first-child{white-space:nowrap}\n"
    ".note{font-size:.9rem;color:#555}\n"
    "button.sort{font:inherit;font-weight:600;border:0;background:none;padding:0;"
    "cursor:pointer;color:inherit}\n"
    "th[aria-sort=ascending] button.sort::after{content:\" \\25B2\"}\n"
    "th[aria-sort=descending] button.sort::after{content:\" \\25BC\"}\n"
    ".text{white-space:pre-line}\n"
    "section.review{border-top:2px solid #0072B2;margin-top:2.5rem;padding-top:.5rem}\n"
    "section.review .kicker{color:#555;font-size:.9rem;margin:0}\n"
    "section.review .lede{font-size:1.05rem}\n"
    "dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.1rem 1rem;"
    "margin:.5rem 0}\n"
    "dl.facts dt{font-weight:600}dl.facts dd{margin:0}\n"
    "@media (max-width:30rem){dl.facts{grid-template-columns:1fr}dl.facts "
    "dd{margin-bottom:.4rem}}\n"
    "@media print{\n"
    "body{font-size:10.5pt}header.page,main{max-width:none;padding:0}\n"
    ".charts{display:block}figure.chart{margin:0 0 1rem}\n"
    "figure.chart,section.review,tr,li{break-inside:avoid;page-break-inside:avoid}\n"
    "figure.chart svg{max-width:16cm}\n"
    "h2,h3,h4{break-after:avoid;page-break-after:avoid}\n"
    "a{color:inherit}section.review a[href^=\"http\"]::after{content:\" (\" attr(href) \")\";"
    "overflow-wrap:anywhere;font-size:90%}\n"
    "nav.toc,p.back{display:none}\n"
    "}\n";

/* Sorting the table of reviews by a column: buttons added by the script, so that without it
   nothing on the page does not work. Cells sort by data-sort, else by their text. */
static const char script[] =
    "(function(){var t=document.getElementById('reviews');if(!t||!t.tHead)return;\n"
    "var hs=t.tHead.rows[0].cells;\n"
    "function key(row,i){var c=row.cells[i];return c.getAttribute('data-sort')||c.textContent;}\n"
    "function cmp(x,y){var a=Number(x),b=Number(y);\n"
    "if(x!==''&&y!==''&&!isNaN(a)&&!isNaN(b))return a-b;return x<y?-1:x>y?1:0;}\n"
    "Array.prototype.forEach.call(hs,function(th,i){var b=document.createElement('button');\n"
    "b.type='button';b.className='sort';b.textContent=th.textContent;th.textContent='';\n"
    "th.appendChild(b);b.addEventListener('click',function(){\n"
    "var up=th.getAttribute('aria-sort')!=='ascending';var body=t.tBodies[0];\n"
    "var rows=Array.prototype.slice.call(body.rows);\n"
    "rows.sort(function(r,s){var c=cmp(key(r,i),key(s,i));return up?c:-c;});\n"
    "rows.forEach(function(r){body.appendChild(r);});\n"
    "Array.prototype.forEach.call(hs,function(h){h.removeAttribute('aria-sort');});\n"
    "th.setAttribute('aria-sort',up?'ascending':'descending');});});})();\n";

static void write_head(FILE *out, const struct report *r)
{
    html_raw(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                  "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
                  "<meta name=\"generator\" content=\"" PROG " report\">\n");
    html_open(out, "title", NULL);
    html_escape(out, r->name);
    html_raw(out, ": peer reviews</title>\n<style>\n");
    html_raw(out, style);
    html_raw(out, "</style>\n</head>\n<body>\n");
}

/* One figure of the header: what it counts and the number (data-total: its key in stats). */
static void write_total(FILE *out, const char *key, const char *what, unsigned long long n)
{
    html_raw(out, "<div><dt>");
    html_escape(out, what);
    html_raw(out, "</dt>");
    html_tag(out, "dd");
    html_attr(out, "data-total", key);
    html_tag_end(out);
    html_uint(out, n);
    html_raw(out, "</dd></div>");
}

static void write_header(FILE *out, const struct report *r)
{
    const struct stats *st = r->st;
    html_open(out, "header", "page");
    html_element(out, "h1", NULL, r->name);
    html_open(out, "p", "lede");
    html_raw(out, "Records of LGA peer reviews (peer challenges) of English councils, from ");
    html_tag(out, "code");
    html_tag_end(out);
    html_escape(out, r->path);
    html_raw(out, "</code>");
    if (st->span_first) {
        html_raw(out, ", dated from ");
        html_escape(out, st->span_first);
        html_raw(out, " to ");
        html_escape(out, st->span_last);
    } else {
        html_raw(out, ", without any dates");
    }
    html_raw(out, ".</p>\n<dl class=\"totals\">");
    write_total(out, "reviews", "Reviews", st->reviews);
    write_total(out, "councils", "Councils", st->councils);
    write_total(out, "council_reviews", "Council reviews", st->council_reviews);
    write_total(out, "items", "Items", st->items);
    write_total(out, "errors", "Errors", peerreview_diag_errors(r->diag));
    write_total(out, "warnings", "Warnings", peerreview_diag_warnings(r->diag));
    html_raw(out, "</dl>\n");
    html_raw(out, "<nav class=\"toc\"><a href=\"#problems\">Problems</a> &middot; "
                  "<a href=\"#figures\">Figures</a> &middot; <a href=\"#all-reviews\">All "
                  "reviews</a></nav>\n</header>\n<main>\n");
}

/* One problem as validate prints it: FILE:LINE:COLUMN: SEVERITY: FIELD: MESSAGE [CODE]. */
static void write_problem(FILE *out, const peerreview_problem *p)
{
    char small[1024];
    char *text = small;
    size_t need = peerreview_problem_format(p, small, sizeof small);
    if (need >= sizeof small && need != (size_t)-1 && (text = malloc(need + 1)) != NULL)
        peerreview_problem_format(p, text, need + 1);
    if (!text)
        text = small; /* out of memory: the message cut short */
    int error = peerreview_problem_severity(p) == PEERREVIEW_SEVERITY_ERROR;
    html_open(out, "li", error ? "problem error-row" : "problem warning-row");
    html_element(out, "span", error ? "error" : "warning", error ? "error" : "warning");
    html_raw(out, " ");
    html_element(out, "code", "text", text);
    html_raw(out, "</li>\n");
    if (text != small)
        free(text);
}

static void write_problems(FILE *out, const struct report *r)
{
    size_t stored = peerreview_diag_count(r->diag);
    size_t errors = peerreview_diag_errors(r->diag), warnings = peerreview_diag_warnings(r->diag);
    char buf[256];
    html_raw(out, "<section id=\"problems\">\n<h2>Problems</h2>\n");
    if (errors + warnings == 0) {
        html_raw(out, "<p>None: <code>" PROG " validate</code> reports no problem.</p>\n");
        html_raw(out, "</section>\n");
        return;
    }
    snprintf(buf, sizeof buf, "%s validate reports %zu %s and %zu %s.", PROG, errors,
             plural(errors, "error", "errors"), warnings, plural(warnings, "warning", "warnings"));
    html_element(out, "p", NULL, buf);
    if (r->partial)
        html_element(out, "p", NULL,
                     r->package ? "The dataset does not load as it is: what follows shows the "
                                  "rows of its tables that are valid on their own (rules across "
                                  "rows and tables not checked). Fix the problems above to see "
                                  "all of it."
                                : "The dataset does not load as it is, and a flat file cannot "
                                  "be read in part: no review is shown. Fix the problems above "
                                  "to see its reviews.");
    html_raw(out, "<ol>\n");
    for (size_t i = 0; i < stored; i++)
        write_problem(out, peerreview_diag_get(r->diag, i));
    html_raw(out, "</ol>\n");
    if (errors + warnings > stored) {
        snprintf(buf, sizeof buf,
                 "%zu more %s not shown (run " PROG " validate --max-problems=N to see them).",
                 errors + warnings - stored,
                 plural(errors + warnings - stored, "problem", "problems"));
        html_element(out, "p", "note", buf);
    }
    html_raw(out, "</section>\n");
}

/* ------------------------------------------------------------------------ */
/* Figures                                                                   */
/* ------------------------------------------------------------------------ */

/* Words of each value of a tally (labels of the charts), in one block; NULL when out of memory. */
static char *tally_words(const struct tally *t, const char **labels, int words)
{
    char *block = malloc(t->n * 64 + 1);
    if (!block)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        labels[i] = words ? words_of(t->e[i].value, block + i * 64, 64) : t->e[i].value;
    return block;
}

/* A bar chart of one tally of stats. */
static int write_tally_chart(FILE *out, const struct tally *t, const char *name, const char *title,
                             const char *desc, const char *head, int words)
{
    struct chart_bar *bars = calloc(t->n ? t->n : 1, sizeof *bars);
    const char **labels = calloc(t->n ? t->n : 1, sizeof *labels);
    char *block = labels ? tally_words(t, labels, words) : NULL;
    if (!bars || !block) {
        free(bars);
        free(labels);
        return -1;
    }
    for (size_t i = 0; i < t->n; i++) {
        bars[i].key = t->e[i].value;
        bars[i].label = labels[i];
        bars[i].count = t->e[i].count;
    }
    struct chart_info info = {name, title, desc, t->key, head, t->unit};
    chart_bars(out, &info, bars, t->n);
    free(block);
    free(labels);
    free(bars);
    return 0;
}

static int write_years_chart(FILE *out, const struct stats *st)
{
    const struct tally *ty = &st->t[T_YEAR], *tt = &st->t[T_TYPE];
    const char **rows = calloc(ty->n ? ty->n : 1, sizeof *rows);
    const char **keys = calloc(tt->n ? tt->n : 1, sizeof *keys);
    const char **labels = calloc(tt->n ? tt->n : 1, sizeof *labels);
    char *block = labels ? tally_words(tt, labels, 1) : NULL;
    int rc = -1;
    if (rows && keys && block) {
        for (size_t i = 0; i < ty->n; i++)
            rows[i] = ty->e[i].value;
        for (size_t i = 0; i < tt->n; i++)
            keys[i] = tt->e[i].value;
        struct chart_stack stack = {ty->n,  tt->n,         rows,   keys,
                                    labels, st->year_type, "type", "year"};
        struct chart_info info = {
            "years",
            "Reviews per year, by review type",
            "One bar per year (the year of a review's first known date; 'unknown': none), made "
            "of one part per review type in the order of the legend; each part is labelled with "
            "its letter and its number of reviews, and the bar with the year's total.",
            "year",
            "Year",
            "reviews"};
        chart_stacked(out, &info, &stack);
        rc = 0;
    }
    free(block);
    free(labels);
    free(keys);
    free(rows);
    return rc;
}

static int write_timeline_chart(FILE *out, const struct stats *st)
{
    size_t n = st->t[T_REPEATED].n, visits = 0;
    for (size_t i = 0; i < n; i++)
        visits += st->repeats[i].n;
    struct chart_track *tracks = calloc(n ? n : 1, sizeof *tracks);
    struct chart_event *events = calloc(visits ? visits : 1, sizeof *events);
    if (!tracks || !events) {
        free(tracks);
        free(events);
        return -1;
    }
    for (size_t i = 0, k = 0; i < n; i++) {
        const struct repeat_council *rc = &st->repeats[i];
        tracks[i].key = rc->entry->value;
        tracks[i].label = rc->council_name ? rc->council_name : rc->entry->value;
        tracks[i].n = rc->n;
        tracks[i].e = &events[k];
        for (size_t j = 0; j < rc->n; j++, k++) {
            const struct repeat_visit *v = &rc->v[j];
            struct chart_event *e = &events[k];
            e->id = v->review_id;
            e->stage = v->stage;
            e->date_text = v->date_text;
            e->date = v->date;
            e->has_gap = v->has_gap;
            e->months = v->months;
            e->approximate = v->approximate;
        }
    }
    struct chart_info info = {
        "repeat-councils",
        "Councils reviewed more than once",
        "One line per council reviewed more than once, on a shared time axis in years: each "
        "review is a marker at its first known date (circle: initial review, diamond: progress "
        "review; a band shows the whole year or month when the date gives no day), and each gap "
        "between two reviews is labelled with the months between them.",
        "councils_reviewed_more_than_once",
        "Council",
        "reviews"};
    chart_timeline(out, &info, tracks, n);
    free(events);
    free(tracks);
    return 0;
}

static int write_figures(FILE *out, const struct report *r)
{
    const struct stats *st = r->st;
    html_raw(out, "<section id=\"figures\">\n<h2>Figures</h2>\n<p class=\"note\">Each chart "
                  "has a table of its values below it. Authority types and regions count council "
                  "reviews: a joint review counts once for each council it covers.</p>\n"
                  "<div class=\"charts\">\n");
    int rc = write_years_chart(out, st);
    if (rc == 0)
        rc = write_tally_chart(out, &st->t[T_REGION], "regions", "Council reviews by region",
                               "One bar per region with its number of council reviews, written "
                               "after the bar.",
                               "Region", 0);
    if (rc == 0)
        rc = write_tally_chart(out, &st->t[T_AUTHORITY], "authority-types",
                               "Council reviews by authority type",
                               "One bar per type of authority with its number of council "
                               "reviews, written after the bar.",
                               "Authority type", 1);
    if (rc == 0)
        rc = write_tally_chart(out, &st->t[T_KIND], "item-kinds", "Items by kind",
                               "One bar per kind of item (focus questions, strengths, areas for "
                               "consideration, recommendations, council priorities, other) with "
                               "its number of items, written after the bar.",
                               "Kind", 1);
    if (rc == 0)
        rc = write_timeline_chart(out, st);
    html_raw(out, "</div>\n</section>\n");
    return rc;
}

/* ------------------------------------------------------------------------ */
/* The reviews                                                               */
/* ------------------------------------------------------------------------ */

/* The dates of a review in short: "on site X to Y; published Z". */
static void write_dates_short(FILE *out, const peerreview_review *r)
{
    static const struct {
        const char *column, *words;
    } dates[] = {{"onsite_start", "on site "},
                 {"onsite_end", " to "},
                 {"report_date", "report "},
                 {"published_date", "published "}};
    int any = 0;
    const char *start = review_text(r, "onsite_start");
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        const char *v = review_text(r, dates[i].column);
        if (!v)
            continue;
        if (i == 1 && !start)
            html_raw(out, "on site until ");
        else if (i == 1)
            html_raw(out, dates[i].words);
        else {
            if (any)
                html_raw(out, "; ");
            html_raw(out, dates[i].words);
        }
        html_escape(out, v);
        any = 1;
    }
    if (!any)
        html_raw(out, "no date known");
}

static void write_review_row(FILE *out, const peerreview_review *r)
{
    char href[128], buf[128];
    const char *id = review_id_of(r);
    const char *first = first_date(r);
    html_raw(out, "<tr><td>");
    html_tag(out, "a");
    html_attr(out, "href", review_href(id, href, sizeof href));
    html_tag_end(out);
    html_escape(out, id);
    html_raw(out, "</a></td><td>");
    write_councils(out, r);
    html_raw(out, "</td>");
    html_element(out, "td", NULL, type_label(r, buf, sizeof buf));
    html_element(out, "td", NULL, review_text(r, "stage"));
    html_tag(out, "td");
    html_attr(out, "data-sort", first ? first : "");
    html_tag_end(out);
    write_dates_short(out, r);
    html_raw(out, "</td>");
    html_element_uint(out, "td", "num", findings_of(r));
    html_raw(out, "</tr>\n");
}

static void write_review_table(FILE *out, const struct report *r)
{
    size_t n = peerreview_dataset_count(r->ds);
    html_raw(out, "<section id=\"all-reviews\">\n<h2>All reviews</h2>\n");
    html_raw(out, "<p class=\"note\">Findings: strengths, areas for consideration and "
                  "recommendations. Each review links to its section below.</p>\n");
    html_raw(out, "<div class=\"table-wrap\"><table id=\"reviews\">\n<thead><tr>"
                  "<th scope=\"col\">Review</th><th scope=\"col\">Council(s)</th>"
                  "<th scope=\"col\">Type</th><th scope=\"col\">Stage</th>"
                  "<th scope=\"col\">Dates</th><th scope=\"col\">Findings</th></tr></thead>\n"
                  "<tbody>\n");
    for (size_t i = 0; i < n; i++)
        write_review_row(out, peerreview_dataset_review_byindex(r->ds, i));
    html_raw(out, "</tbody></table></div>\n");
    if (n == 0)
        html_raw(out, "<p>No review to show.</p>\n");
    html_raw(out, "</section>\n");
}

/* <dt>term</dt><dd>value</dd> when value is known. */
static void write_fact(FILE *out, const char *term, const char *value)
{
    if (!value)
        return;
    html_element(out, "dt", NULL, term);
    html_element(out, "dd", "text", value);
}

static void write_facts(FILE *out, const peerreview_review *r)
{
    static const struct {
        const char *column, *term;
    } facts[] = {
        {"provider", "Provider"},
        {"onsite_start", "On site from"},
        {"onsite_end", "On site until"},
        {"onsite_mode", "On site or virtual"},
        {"report_date", "Report dated"},
        {"published_date", "Published"},
        {"action_plan_due", "Action plan due"},
        {"progress_review_planned", "Progress review planned"},
        {"recommendation_count", "Recommendations (as the source states)"},
        {"team_size", "Team size"},
        {"people_engaged", "People engaged"},
        {"meetings_held", "Meetings held"},
    };
    char buf[128], href[128];
    html_raw(out, "<dl class=\"facts\">\n");
    const char *type = review_text(r, "review_type");
    write_fact(out, "Review type", type ? words_of(type, buf, sizeof buf) : NULL);
    write_fact(out, "Stage", review_text(r, "stage"));
    const char *parent = review_text(r, "parent_review_id");
    if (parent) {
        html_raw(out, "<dt>Follows up</dt><dd>");
        html_tag(out, "a");
        html_attr(out, "href", review_href(parent, href, sizeof href));
        html_tag_end(out);
        html_escape(out, parent);
        html_raw(out, "</a></dd>\n");
    }
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
        write_fact(out, facts[i].term, review_text(r, facts[i].column));
    const char *url = review_text(r, "report_url");
    if (url) {
        html_raw(out, "<dt>The report</dt><dd>");
        html_link(out, url, NULL);
        html_raw(out, "</dd>\n");
    }
    html_raw(out, "</dl>\n");
}

/* before, text, after when text is known (before and after: markup of this program). */
static void write_part(FILE *out, const char *before, const char *text, const char *after)
{
    if (!text)
        return;
    html_raw(out, before);
    html_escape(out, text);
    html_raw(out, after);
}

/* The sentence that opens a review's section. */
static void write_lede(FILE *out, const peerreview_review *r)
{
    char buf[128];
    const char *stage = review_text(r, "stage");
    const char *provider = review_text(r, "provider");
    html_open(out, "p", "lede");
    write_councils(out, r);
    const char *type = type_label(r, buf, sizeof buf);
    html_raw(out, " had ");
    if (stage && strcmp(stage, "progress") == 0)
        html_raw(out, "a progress review, ");
    else
        write_part(out, "", article_of(type), " ");
    html_escape(out, type);
    write_part(out, ", by ", provider, "");
    html_raw(out, ": ");
    write_dates_short(out, r);
    html_raw(out, ".</p>\n");
}

static void write_council_list(FILE *out, const peerreview_review *r)
{
    size_t n = peerreview_review_child_count(r, PEERREVIEW_REVIEW_COUNCILS);
    char buf[128];
    if (n == 0)
        return;
    html_raw(out, "<h4>Councils</h4>\n<ul>\n");
    for (size_t i = 0; i < n; i++) {
        const peerreview_row *c = peerreview_review_child_byindex(r, PEERREVIEW_REVIEW_COUNCILS, i);
        const char *gss = row_text(c, "gss_code"), *type = row_text(c, "authority_type");
        const char *region = row_text(c, "region_name");
        html_raw(out, "<li>");
        html_escape(out, row_text(c, "council_name"));
        write_part(out, " (", gss, ")");
        write_part(out, ", ", type ? words_of(type, buf, sizeof buf) : NULL, "");
        write_part(out, ", ", region, "");
        html_raw(out, "</li>\n");
    }
    html_raw(out, "</ul>\n");
}

/* The items of one kind, as a list under its heading. */
static void write_items(FILE *out, const peerreview_review *r, const char *kind)
{
    size_t n = peerreview_review_child_count(r, PEERREVIEW_ITEMS), shown = 0;
    char buf[128];
    for (size_t i = 0; i < n; i++) {
        const peerreview_row *item = peerreview_review_child_byindex(r, PEERREVIEW_ITEMS, i);
        if (!same_value(row_text(item, "kind"), kind))
            continue;
        if (shown++ == 0) {
            const char *heading = kind_heading(kind);
            html_element(out, "h4", NULL, heading ? heading : words_of(kind, buf, sizeof buf));
            html_raw(out, "<ul class=\"items\">\n");
        }
        html_element(out, "li", "text", row_text(item, "text"));
        html_raw(out, "\n");
    }
    if (shown)
        html_raw(out, "</ul>\n");
}

static void write_team(FILE *out, const peerreview_review *r)
{
    size_t n = peerreview_review_child_count(r, PEERREVIEW_TEAM_MEMBERS);
    char buf[128];
    if (n == 0)
        return;
    html_raw(out, "<h4>The peer team</h4>\n<ul>\n");
    for (size_t i = 0; i < n; i++) {
        const peerreview_row *m = peerreview_review_child_byindex(r, PEERREVIEW_TEAM_MEMBERS, i);
        const char *name = row_text(m, "name"), *role = row_text(m, "role_label");
        const char *role_code = row_text(m, "role");
        if (!role && role_code)
            role = words_of(role_code, buf, sizeof buf);
        html_raw(out, "<li>");
        html_escape(out, name ? name : "(name not given)");
        write_part(out, ", ", role, "");
        write_part(out, ", ", row_text(m, "job_title"), "");
        write_part(out, ", ", row_text(m, "organisation"), "");
        write_part(out, " (", row_text(m, "member_party"), ")");
        html_raw(out, "</li>\n");
    }
    html_raw(out, "</ul>\n");
}

static void write_considerations(FILE *out, const peerreview_review *r)
{
    size_t n = peerreview_review_child_count(r, PEERREVIEW_CONSIDERATIONS);
    if (n == 0)
        return;
    html_raw(out, "<h4>Committee meetings that considered it</h4>\n<ul>\n");
    for (size_t i = 0; i < n; i++) {
        const peerreview_row *c = peerreview_review_child_byindex(r, PEERREVIEW_CONSIDERATIONS, i);
        const char *date = row_text(c, "date"), *body = row_text(c, "body");
        html_raw(out, "<li class=\"text\">");
        html_escape(out, date ? date : "date unknown");
        html_raw(out, ": ");
        html_escape(out, body ? body : "(meeting not named)");
        write_part(out, ". ", row_text(c, "outcome"), "");
        html_raw(out, "</li>\n");
    }
    html_raw(out, "</ul>\n");
}

static void write_sources(FILE *out, const peerreview_review *r)
{
    size_t n = peerreview_review_child_count(r, PEERREVIEW_SOURCES);
    if (n == 0)
        return;
    html_raw(out, "<h4>Sources</h4>\n<ol class=\"sources\">\n");
    for (size_t i = 0; i < n; i++) {
        const peerreview_row *s = peerreview_review_child_byindex(r, PEERREVIEW_SOURCES, i);
        const char *url = row_text(s, "url"), *desc = row_text(s, "description");
        html_raw(out, "<li>");
        html_link(out, url, desc ? desc : url);
        if (desc && !html_is_web_url(url))
            write_part(out, ": ", url, ""); /* not a link: the address as text */
        html_raw(out, "</li>\n");
    }
    html_raw(out, "</ol>\n");
}

static void write_review(FILE *out, const peerreview_review *r)
{
    char id[128], heading_id[140], buf[128];
    const char *review_id = review_id_of(r);
    snprintf(id, sizeof id, "review-%s", review_id ? review_id : "");
    snprintf(heading_id, sizeof heading_id, "%s-heading", id);
    html_tag(out, "section");
    html_attr(out, "class", "review");
    html_attr(out, "id", id);
    html_attr(out, "aria-labelledby", heading_id);
    html_tag_end(out);
    html_raw(out, "\n");
    html_tag(out, "h3");
    html_attr(out, "id", heading_id);
    html_tag_end(out);
    write_councils(out, r);
    html_raw(out, ": ");
    html_escape(out, type_label(r, buf, sizeof buf));
    html_raw(out, "</h3>\n");
    html_element(out, "p", "kicker", review_id);
    write_lede(out, r);
    write_facts(out, r);
    write_council_list(out, r);
    const char *notes = review_text(r, "notes");
    if (notes) {
        html_raw(out, "<h4>Notes</h4>\n");
        html_element(out, "p", "text", notes);
        html_raw(out, "\n");
    }
    int kind = peerreview_column_index(PEERREVIEW_ITEMS, "kind");
    size_t kinds = kind < 0 ? 0 : peerreview_column_enum_count(PEERREVIEW_ITEMS, (size_t)kind);
    for (size_t k = 0; k < kinds; k++)
        write_items(out, r, peerreview_column_enum_value(PEERREVIEW_ITEMS, (size_t)kind, k));
    write_team(out, r);
    write_considerations(out, r);
    write_sources(out, r);
    html_raw(out, "<p class=\"back\"><a href=\"#all-reviews\">Back to all reviews</a></p>\n"
                  "</section>\n");
}

/* ------------------------------------------------------------------------ */
/* The command                                                               */
/* ------------------------------------------------------------------------ */

/* The whole page on out: 0, or -1 when memory ran out (reported). */
static int write_page(FILE *out, void *ctx)
{
    const struct report *r = ctx;
    write_head(out, r);
    write_header(out, r);
    write_problems(out, r);
    if (write_figures(out, r) != 0) {
        out_of_memory();
        return -1;
    }
    write_review_table(out, r);
    size_t n = peerreview_dataset_count(r->ds);
    if (n > 0)
        html_raw(out, "<section id=\"review-sections\">\n<h2>The reviews</h2>\n");
    for (size_t i = 0; i < n; i++)
        write_review(out, peerreview_dataset_review_byindex(r->ds, i));
    if (n > 0)
        html_raw(out, "</section>\n");
    html_raw(out, "</main>\n<script>\n");
    html_raw(out, script);
    html_raw(out, "</script>\n</body>\n</html>\n");
    return 0;
}

/*
 * Load path into *ds with its problems in diag (printed on stderr too). A
 * dataset with errors gives its valid rows (load_valid_rows) and *partial.
 * Returns EXIT_OK, EXIT_DATA (errors: a dataset all the same) or an exit
 * status without one (reported).
 */
static int load_report_input(const struct settings *s, const char *path, peerreview_diag *diag,
                             peerreview_dataset **ds, struct report *r)
{
    struct progress pr = {NULL, -1};
    peerreview_options *opts = input_options(s, &pr);
    if (!opts)
        return out_of_memory();
    progress_begin(&pr, path);
    int rc = load_path(path, opts, diag, ds);
    progress_end(&pr);
    peerreview_options_free(opts);
    if (report_problems(diag) != EXIT_OK)
        return EXIT_TROUBLE;
    if (rc == PEERREVIEW_OK)
        return EXIT_OK;
    char shown[4200];
    if (rc != PEERREVIEW_EDATA) {
        errorf("cannot load %s: %s", shown_path(path, 0, shown, sizeof shown),
               peerreview_strerror(rc));
        return failure_status(rc);
    }
    r->partial = 1;
    int status = load_valid_rows(s, path, ds, &r->package);
    return status == EXIT_OK ? EXIT_DATA : status;
}

int cmd_report(const struct settings *s, int argc, char **argv)
{
    char buf[4096], name[4096];
    const char *path = input_path(argc > 0 ? argv[0] : NULL, buf, sizeof buf);
    if (!path)
        return EXIT_TROUBLE;
    peerreview_diag *diag = peerreview_diag_new();
    if (!diag)
        return out_of_memory();
    peerreview_dataset *ds = NULL;
    struct report r;
    memset(&r, 0, sizeof r);
    int status = load_report_input(s, path, diag, &ds, &r);
    if (status != EXIT_OK && status != EXIT_DATA) {
        peerreview_diag_free(diag);
        return status;
    }
    struct stats st;
    if (stats_compute(&st, ds) != 0) {
        status = out_of_memory();
    } else {
        r.ds = ds;
        r.diag = diag;
        r.st = &st;
        r.name = dataset_name(path, name, sizeof name);
        r.path = is_stdio(path) ? STDIN_NAME : path;
        /* standard output: a write error is reported when it is closed */
        int written = !s->output || is_stdio(s->output)
                          ? (write_page(stdout, &r) == 0 ? EXIT_OK : EXIT_TROUBLE)
                          : write_file_atomic(s->output, write_page, &r);
        if (written != EXIT_OK)
            status = written;
    }
    stats_free(&st);
    peerreview_dataset_free(ds);
    peerreview_diag_free(diag);
    return status;
}
