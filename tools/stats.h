/*
 * peerreview command line: the figures of a dataset, computed once for
 * `stats` (text, JSON, CSV) and `report` (HTML), so that the two always
 * agree. Counts by review type, stage, year, authority type, region and item
 * kind; the councils reviewed more than once; and, for the report, reviews
 * per year and review type, the span of the dates and each repeated
 * council's reviews in date order with the months between them. Dates come
 * from the library's date getters (peerreview_review_get_date_byname).
 */
#ifndef PEERREVIEW_STATS_H
#define PEERREVIEW_STATS_H

#include <stddef.h>
#include <stdint.h>

#include <peerreview.h>

/* One line of a tally: a value and how many times it was counted. */
struct tally_entry {
    const char *value; /* borrowed (schema, dataset or struct stats) */
    const char *label; /* council name for councils, else NULL */
    size_t count;
    size_t first; /* councils: index of the first occurrence */
};

/* Counts by one property. */
struct tally {
    const char *key;   /* category in JSON and CSV */
    const char *title; /* heading in the table */
    const char *unit;  /* what is counted */
    size_t n;
    struct tally_entry *e;
};

/* One council covered by one review. */
struct council_occ {
    const char *key; /* gss_code, else council_name */
    const char *gss_code;
    const char *council_name;
    size_t review; /* index in the dataset */
    const char *review_id;
};

/* The tallies, in the order stats prints them. */
enum { T_TYPE, T_STAGE, T_YEAR, T_AUTHORITY, T_REGION, T_KIND, T_REPEATED, T_COUNT };

/* One review of a council reviewed more than once, in date order. */
struct repeat_visit {
    const peerreview_review *review; /* borrowed from the dataset */
    const char *review_id;
    const char *stage;     /* NULL when unknown */
    const char *date_text; /* its first known date as written, NULL when none */
    peerreview_date date;  /* that date (all zero when none) */
    int has_gap;           /* 1 when it and the one before both have a date */
    long months;           /* months since the one before (when has_gap) */
    int approximate;       /* 1 when a date of the two is a year alone */
};

/* A council reviewed more than once: its entry of T_REPEATED and its visits. */
struct repeat_council {
    const struct tally_entry *entry;
    const char *gss_code;
    const char *council_name;
    size_t n;
    struct repeat_visit *v; /* dated ones first, by date; then the undated ones */
};

struct stats {
    size_t reviews;
    size_t councils;        /* distinct councils */
    size_t council_reviews; /* review-council pairs: a joint review counts once per council */
    size_t items;
    struct tally t[T_COUNT];
    struct council_occ *occ;
    size_t nocc;
    char (*years)[5]; /* text of the years with a count */
    /* reviews of year row y (of t[T_YEAR]) and type column c (of t[T_TYPE]):
       year_type[y * t[T_TYPE].n + c]; rows and columns add up to those tallies */
    size_t *year_type;
    /* earliest and latest date of any review (onsite_start, onsite_end,
       report_date, published_date), as written; NULL when no review has one */
    const char *span_first;
    const char *span_last;
    struct repeat_council *repeats; /* one per entry of t[T_REPEATED], in its order */
};

/*
 * Every figure of the dataset into st (zeroed by it first); 0, or -1 when out
 * of memory. st borrows strings from ds: free st before ds.
 */
int stats_compute(struct stats *st, const peerreview_dataset *ds);

/* Free what stats_compute allocated. */
void stats_free(struct stats *st);

#endif
