/* peerreview command line: the figures of a dataset (see stats.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "stats.h"

#define YEAR_SLOTS 10000 /* years 0000 to 9999 */

void stats_free(struct stats *st)
{
    for (int i = 0; i < T_COUNT; i++)
        free(st->t[i].e);
    free(st->occ);
    free(st->years);
    free(st->year_type);
    if (st->repeats)
        for (size_t i = 0; i < st->t[T_REPEATED].n; i++)
            free(st->repeats[i].v);
    free(st->repeats);
}

/* A tally with one entry per allowed value of an enum column, then "unknown". */
static int tally_enum(struct tally *t, int table, const char *column)
{
    int c = peerreview_column_index(table, column);
    size_t n = c < 0 ? 0 : peerreview_column_enum_count(table, (size_t)c);
    t->e = calloc(n + 1, sizeof *t->e);
    if (!t->e)
        return -1;
    for (size_t i = 0; i < n; i++)
        t->e[i].value = peerreview_column_enum_value(table, (size_t)c, i);
    t->e[n].value = "unknown";
    t->n = n + 1;
    return 0;
}

/* Count value (NULL or not allowed: "unknown", the last entry); returns its entry's index. */
static size_t tally_add(struct tally *t, const char *value)
{
    size_t i = 0;
    if (value)
        while (i + 1 < t->n && strcmp(t->e[i].value, value) != 0)
            i++;
    else
        i = t->n - 1;
    t->e[i].count++;
    return i;
}

/* Drop the "unknown" entry when it counted nothing. */
static void tally_trim(struct tally *t)
{
    if (t->n > 0 && t->e[t->n - 1].count == 0)
        t->n--;
}

static int occ_by_key(const void *a, const void *b)
{
    const struct council_occ *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->review < y->review ? -1 : x->review > y->review;
}

static int entry_by_count(const void *a, const void *b)
{
    const struct tally_entry *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->value, y->value);
}

/*
 * The first known date of r (stats.h: onsite_start, onsite_end, report_date,
 * published_date) into *d and its text into *text; 0 when it has none.
 */
static int review_first_date(const peerreview_review *r, peerreview_date *d, const char **text)
{
    for (size_t i = 0; i < REVIEW_DATE_COUNT; i++) {
        if (review_date(r, review_dates[i], d)) {
            *text = review_text(r, review_dates[i]);
            return 1;
        }
    }
    memset(d, 0, sizeof *d);
    *text = NULL;
    return 0;
}

/* Councils: occurrences per review, distinct councils, repeated ones. */
static int stats_councils(struct stats *st, const peerreview_dataset *ds)
{
    size_t n = peerreview_dataset_count(ds);
    size_t cap = 0;
    for (size_t i = 0; i < n; i++)
        cap += peerreview_review_child_count(peerreview_dataset_review_byindex(ds, i),
                                             PEERREVIEW_REVIEW_COUNCILS);
    st->occ = calloc(cap ? cap : 1, sizeof *st->occ);
    if (!st->occ)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        size_t rows = peerreview_review_child_count(r, PEERREVIEW_REVIEW_COUNCILS);
        size_t start = st->nocc;
        for (size_t j = 0; j < rows; j++) {
            const peerreview_row *row =
                peerreview_review_child_byindex(r, PEERREVIEW_REVIEW_COUNCILS, j);
            struct council_occ o;
            o.gss_code = row_text(row, "gss_code");
            o.council_name = row_text(row, "council_name");
            o.key = o.gss_code ? o.gss_code : o.council_name;
            o.review = i;
            o.review_id = review_id_of(r);
            size_t k = start;
            while (o.key && k < st->nocc && strcmp(st->occ[k].key, o.key) != 0)
                k++;
            /* a council listed twice in one review counts once everywhere */
            if (!o.key || k == st->nocc) {
                tally_add(&st->t[T_AUTHORITY], row_text(row, "authority_type"));
                tally_add(&st->t[T_REGION], row_text(row, "region_name"));
                st->council_reviews++;
            }
            if (!o.key)
                continue;
            if (k == st->nocc) /* a council listed twice in one review counts once */
                st->occ[st->nocc++] = o;
        }
    }
    if (st->nocc > 1)
        qsort(st->occ, st->nocc, sizeof *st->occ, occ_by_key);

    struct tally *rep = &st->t[T_REPEATED];
    rep->e = calloc(st->nocc ? st->nocc : 1, sizeof *rep->e);
    if (!rep->e)
        return -1;
    for (size_t i = 0; i < st->nocc;) {
        size_t j = i + 1;
        while (j < st->nocc && strcmp(st->occ[j].key, st->occ[i].key) == 0)
            j++;
        st->councils++;
        if (j - i > 1) {
            struct tally_entry *e = &rep->e[rep->n++];
            e->value = st->occ[i].key;
            e->label = st->occ[i].gss_code ? st->occ[i].council_name : NULL;
            e->count = j - i;
            e->first = i;
        }
        i = j;
    }
    if (rep->n > 1)
        qsort(rep->e, rep->n, sizeof *rep->e, entry_by_count);
    return 0;
}

/* Twice the middle day of the days a date covers (exact in integers). */
static int64_t date_mid2(const peerreview_date *d)
{
    return d->first_day + d->last_day;
}

/* Visits in date order: dated ones by the middle of their dates, then the undated ones. */
static int visit_by_date(const void *a, const void *b)
{
    const struct repeat_visit *x = a, *y = b;
    int xd = x->date_text != NULL, yd = y->date_text != NULL;
    if (xd != yd)
        return xd ? -1 : 1;
    if (xd && date_mid2(&x->date) != date_mid2(&y->date))
        return date_mid2(&x->date) < date_mid2(&y->date) ? -1 : 1;
    return strcmp(x->review_id, y->review_id);
}

/* Average days of a month in the Gregorian calendar, times 10^6: 30.436875. */
#define MONTH_DAYS_E6 30436875LL

/*
 * Months from the date of a to that of b: calendar months when both give a
 * month, else (approximate) the days between the middles of the two dates in
 * average months, rounded.
 */
static void visit_gap(const struct repeat_visit *a, struct repeat_visit *b)
{
    b->has_gap = 1;
    if (a->date.precision >= PEERREVIEW_DATE_MONTH && b->date.precision >= PEERREVIEW_DATE_MONTH) {
        b->months = (long)((b->date.year - a->date.year) * 12 + (b->date.month - a->date.month));
        b->approximate = 0;
        return;
    }
    int64_t half_days = date_mid2(&b->date) - date_mid2(&a->date); /* in half days */
    int64_t e6 = half_days * 1000000;
    int64_t unit = 2 * MONTH_DAYS_E6;
    b->months = (long)((e6 + (e6 < 0 ? -unit / 2 : unit / 2)) / unit);
    b->approximate = 1;
}

/* Each repeated council's reviews in date order, with the months between them. */
static int stats_repeats(struct stats *st, const peerreview_dataset *ds)
{
    const struct tally *rep = &st->t[T_REPEATED];
    st->repeats = calloc(rep->n ? rep->n : 1, sizeof *st->repeats);
    if (!st->repeats)
        return -1;
    for (size_t i = 0; i < rep->n; i++) {
        struct repeat_council *rc = &st->repeats[i];
        const struct council_occ *o = &st->occ[rep->e[i].first];
        rc->entry = &rep->e[i];
        rc->gss_code = o->gss_code;
        rc->council_name = o->council_name;
        rc->n = rep->e[i].count;
        rc->v = calloc(rc->n, sizeof *rc->v);
        if (!rc->v)
            return -1;
        for (size_t k = 0; k < rc->n; k++) {
            struct repeat_visit *v = &rc->v[k];
            v->review = peerreview_dataset_review_byindex(ds, o[k].review);
            v->review_id = o[k].review_id;
            v->stage = review_text(v->review, "stage");
            review_first_date(v->review, &v->date, &v->date_text);
        }
        qsort(rc->v, rc->n, sizeof *rc->v, visit_by_date);
        for (size_t k = 1; k < rc->n && rc->v[k].date_text; k++)
            visit_gap(&rc->v[k - 1], &rc->v[k]);
    }
    return 0;
}

/* The earliest and latest of every date of r into the span of st. */
static void span_add(struct stats *st, const peerreview_review *r, int64_t *first, int64_t *last)
{
    for (size_t i = 0; i < REVIEW_DATE_COUNT; i++) {
        peerreview_date d;
        if (!review_date(r, review_dates[i], &d))
            continue;
        if (!st->span_first || d.first_day < *first) {
            *first = d.first_day;
            st->span_first = review_text(r, review_dates[i]);
        }
        if (!st->span_last || d.last_day > *last) {
            *last = d.last_day;
            st->span_last = review_text(r, review_dates[i]);
        }
    }
}

/* The year tally (one entry per year with reviews, then "unknown") from the count per year. */
static int stats_years(struct stats *st, const size_t *per_year, size_t undated)
{
    size_t years = 0;
    for (int y = 0; y < YEAR_SLOTS; y++)
        years += per_year[y] > 0;
    struct tally *ty = &st->t[T_YEAR];
    st->years = calloc(years ? years : 1, sizeof *st->years);
    ty->e = calloc(years + 1, sizeof *ty->e);
    if (!st->years || !ty->e)
        return -1;
    for (int y = 0; y < YEAR_SLOTS; y++) {
        if (per_year[y] == 0)
            continue;
        snprintf(st->years[ty->n], sizeof st->years[ty->n], "%04d", y);
        ty->e[ty->n].value = st->years[ty->n];
        ty->e[ty->n].count = per_year[y];
        ty->n++;
    }
    ty->e[ty->n].value = "unknown"; /* always shown: reviews without any date */
    ty->e[ty->n].count = undated;
    ty->n++;
    return 0;
}

/*
 * Reviews per year row and type column, from each review's year (-1: none)
 * and type index.
 */
static int stats_year_type(struct stats *st, const int *year, const size_t *type, size_t n)
{
    const struct tally *ty = &st->t[T_YEAR], *tt = &st->t[T_TYPE];
    st->year_type = calloc(ty->n * tt->n, sizeof *st->year_type);
    if (!st->year_type)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t row = ty->n - 1; /* "unknown" */
        for (size_t k = 0; year[i] >= 0 && k + 1 < ty->n; k++)
            if (atoi(ty->e[k].value) == year[i])
                row = k;
        st->year_type[row * tt->n + type[i]]++;
    }
    return 0;
}

/*
 * The tallies of reviews, items and years (stats_compute without the
 * councils); each review's year (-1: none) into year[i] and its type's entry
 * into type[i] (arrays of the dataset's count, made here, freed by the caller).
 */
static int stats_reviews(struct stats *st, const peerreview_dataset *ds, int **year, size_t **type)
{
    size_t n = peerreview_dataset_count(ds);
    size_t *per_year = calloc(YEAR_SLOTS, sizeof *per_year);
    *year = calloc(n ? n : 1, sizeof **year);
    *type = calloc(n ? n : 1, sizeof **type);
    if (!per_year || !*year || !*type) {
        free(per_year);
        return -1;
    }
    size_t undated = 0;
    int64_t first = 0, last = 0;
    st->reviews = n;
    for (size_t i = 0; i < n; i++) {
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        (*type)[i] = tally_add(&st->t[T_TYPE], review_text(r, "review_type"));
        tally_add(&st->t[T_STAGE], review_text(r, "stage"));
        peerreview_date d;
        const char *text;
        (*year)[i] = -1;
        if (review_first_date(r, &d, &text) && d.year >= 0 && d.year < YEAR_SLOTS) {
            per_year[d.year]++;
            (*year)[i] = d.year;
        } else {
            undated++;
        }
        span_add(st, r, &first, &last);
        size_t items = peerreview_review_child_count(r, PEERREVIEW_ITEMS);
        st->items += items;
        for (size_t j = 0; j < items; j++)
            tally_add(&st->t[T_KIND],
                      row_text(peerreview_review_child_byindex(r, PEERREVIEW_ITEMS, j), "kind"));
    }
    int rc = stats_years(st, per_year, undated);
    free(per_year);
    return rc;
}

int stats_compute(struct stats *st, const peerreview_dataset *ds)
{
    static const struct {
        const char *key, *title, *unit;
    } names[T_COUNT] = {
        {"review_type", "Review type", "reviews"},
        {"stage", "Stage", "reviews"},
        {"year", "Year (first known date)", "reviews"},
        /* these count review-council pairs, not councils (see council_reviews) */
        {"authority_type", "Authority type (a joint review counts once per council)",
         "council reviews"},
        {"region", "Region (a joint review counts once per council)", "council reviews"},
        {"item_kind", "Item kind", "items"},
        {"councils_reviewed_more_than_once", "Councils reviewed more than once", "reviews"},
    };
    memset(st, 0, sizeof *st);
    for (int i = 0; i < T_COUNT; i++) {
        st->t[i].key = names[i].key;
        st->t[i].title = names[i].title;
        st->t[i].unit = names[i].unit;
    }
    if (tally_enum(&st->t[T_TYPE], PEERREVIEW_REVIEWS, "review_type") != 0 ||
        tally_enum(&st->t[T_STAGE], PEERREVIEW_REVIEWS, "stage") != 0 ||
        tally_enum(&st->t[T_AUTHORITY], PEERREVIEW_REVIEW_COUNCILS, "authority_type") != 0 ||
        tally_enum(&st->t[T_REGION], PEERREVIEW_REVIEW_COUNCILS, "region_name") != 0 ||
        tally_enum(&st->t[T_KIND], PEERREVIEW_ITEMS, "kind") != 0)
        return -1;
    int *year = NULL;
    size_t *type = NULL;
    int rc = stats_reviews(st, ds, &year, &type);
    if (rc == 0)
        rc = stats_councils(st, ds);
    if (rc == 0) {
        tally_trim(&st->t[T_TYPE]);
        tally_trim(&st->t[T_STAGE]);
        tally_trim(&st->t[T_AUTHORITY]);
        tally_trim(&st->t[T_REGION]);
        tally_trim(&st->t[T_KIND]);
        /* a review's type is its entry of the tally: trimming only drops an
           "unknown" that no review has */
        rc = stats_year_type(st, year, type, st->reviews);
    }
    free(year);
    free(type);
    return rc == 0 ? stats_repeats(st, ds) : -1;
}
