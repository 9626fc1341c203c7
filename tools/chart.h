/*
 * peerreview command line: the charts of `report`, as inline SVG written
 * through html.h. Each chart is one <figure class="chart" id="chart-NAME">
 * holding a caption, an <svg role="img"> whose first child is its <title>
 * (then a <desc>), and a <table> of the values it shows, whose rows carry
 * the values as data-* attributes for programs. The SVG has a viewBox and
 * no fixed size: the page's style sheet makes it as wide as its column.
 * Colours come from the Okabe-Ito palette (told apart with the common kinds
 * of colour blindness), and never alone: every value is written as text too.
 */
#ifndef PEERREVIEW_CHART_H
#define PEERREVIEW_CHART_H

#include <stddef.h>
#include <stdio.h>

#include <peerreview.h>

/* What a chart is and says. */
struct chart_info {
    const char *name;     /* the figure's id is chart-NAME */
    const char *title;    /* caption and SVG <title> */
    const char *desc;     /* SVG <desc>: how to read it */
    const char *category; /* data-category of the table rows (a stats key) */
    const char *head;     /* heading of the table's first column */
    const char *unit;     /* heading of the count column: what is counted */
};

/* One bar: a value (key, as in stats), how it is shown (label) and its count. */
struct chart_bar {
    const char *key;
    const char *label;
    size_t count;
};

/* A horizontal bar chart of n bars, each with its label and count as text. */
void chart_bars(FILE *out, const struct chart_info *info, const struct chart_bar *bars, size_t n);

/* Counts of rows (e.g. years) split by series (e.g. review types; at most CHART_MAX_SERIES). */
#define CHART_MAX_SERIES 32
struct chart_stack {
    size_t rows;
    size_t series;
    const char *const *row_keys;      /* rows: key, also the label */
    const char *const *series_keys;   /* series: key (data-series) */
    const char *const *series_labels; /* and label */
    const size_t *counts;             /* count of row r, series s: counts[r * series + s] */
    const char *series_attr;          /* data-* name of the series in the table, e.g. "type" */
    const char *row_attr;             /* data-* name of the row, e.g. "year" */
};

/*
 * One horizontal bar per row, stacked by series in legend order; each
 * series has a colour and a letter (A, B, ...) from its place among the
 * series, not among those shown, so that a series (a review type: the
 * series are the enum's values) looks the same in every dataset's chart;
 * each part has a label
 * "letter count" where it fits, the row's total at its end, a legend, and
 * the whole table of counts. Series that count nothing are left out of the
 * legend and the table and named below it.
 */
void chart_stacked(FILE *out, const struct chart_info *info, const struct chart_stack *st);

/* One review on a timeline. */
struct chart_event {
    const char *id;        /* review id: links to #review-ID */
    const char *stage;     /* "initial", "progress" or NULL */
    const char *date_text; /* as written; NULL: no date (listed in the table only) */
    peerreview_date date;  /* the days it covers */
    int has_gap;           /* months since the one before are known */
    long months;
    int approximate; /* the months are rounded from a year-only date */
};

/* The reviews of one council in date order (dated ones first). */
struct chart_track {
    const char *key;   /* council key (GSS code, else name) */
    const char *label; /* council name */
    size_t n;
    const struct chart_event *e;
};

/*
 * A timeline of tracks on one shared time axis (years): each review a
 * marker (circle: initial review, diamond: progress review; a band behind
 * it when its date is only a year or a month), consecutive reviews joined,
 * each gap labelled with the months between.
 */
void chart_timeline(FILE *out, const struct chart_info *info, const struct chart_track *tracks,
                    size_t n);

/* "N month(s)", "about N months" when approximate, into buf. */
const char *chart_months_text(long months, int approximate, char *buf, size_t size);

#endif
