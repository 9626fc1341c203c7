/* peerreview stats: count reviews by type, stage, year, council and region. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

const char cmd_stats_usage[] =
    "Usage: " PROG " stats [OPTION]... [PATH]\n"
    "\n"
    "Count the reviews of the dataset PATH ('-': a flat file on standard\n"
    "input) by review type, stage and year, the council reviews by authority\n"
    "type and region, and the items by kind; list the councils reviewed more\n"
    "than once. Without PATH, use the sample\n"
    "dataset installed with the package:\n"
    "  " SAMPLE_DIR_TEXT "\n"
    "(before 'make install', the one of the build tree).\n"
    "\n"
    "  --format=FORMAT           'table' (default, aligned columns), 'json' or\n"
    "                            'csv' (columns category,value,label,count)\n"
    "  --ignore-unknown-columns  skip columns the format does not know\n" READ_OPTIONS_HELP
    "  -h, --help                print this help and exit\n"
    "\n"
    "The year of a review is the year of its first known date among\n"
    "onsite_start, onsite_end, report_date and published_date; reviews with\n"
    "none of them are counted as 'unknown'. Authority types and regions count\n"
    "council reviews, not councils: a joint review counts once for each council\n"
    "it covers (a council listed twice in one review, once), so they add up to\n"
    "the council reviews of the totals. A council is identified by its\n"
    "gss_code, or by its council_name when it has none.\n"
    "\n"
    "Totals: reviews, distinct councils, council reviews and items. JSON keys\n"
    "and CSV categories: reviews, councils, council_reviews, items, then\n"
    "review_type, stage, year (reviews), authority_type, region (council\n"
    "reviews), item_kind (items) and councils_reviewed_more_than_once (reviews\n"
    "of each such council).\n"
    "\n"
    "Exit status: 0 success, 1 PATH has errors, 2 usage error, I/O error or\n"
    "out of memory.\n";

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

enum { T_TYPE, T_STAGE, T_YEAR, T_AUTHORITY, T_REGION, T_KIND, T_REPEATED, T_COUNT };

#define YEAR_SLOTS 10000 /* years 0000 to 9999 */

struct stats {
    size_t reviews;
    size_t councils;        /* distinct councils */
    size_t council_reviews; /* review-council pairs: a joint review counts once per council */
    size_t items;
    struct tally t[T_COUNT];
    struct council_occ *occ;
    size_t nocc;
    char (*years)[5]; /* text of the years with a count */
};

static void stats_free(struct stats *st)
{
    for (int i = 0; i < T_COUNT; i++)
        free(st->t[i].e);
    free(st->occ);
    free(st->years);
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

/* Count value (NULL or not allowed: "unknown", the last entry). */
static void tally_add(struct tally *t, const char *value)
{
    size_t i = 0;
    if (value)
        while (i + 1 < t->n && strcmp(t->e[i].value, value) != 0)
            i++;
    else
        i = t->n - 1;
    t->e[i].count++;
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

/* Every count of the dataset into st; 0, or -1 when out of memory. */
static int stats_compute(struct stats *st, const peerreview_dataset *ds)
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

    size_t *per_year = calloc(YEAR_SLOTS, sizeof *per_year);
    if (!per_year)
        return -1;
    size_t undated = 0;
    size_t n = peerreview_dataset_count(ds);
    st->reviews = n;
    for (size_t i = 0; i < n; i++) {
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        tally_add(&st->t[T_TYPE], review_text(r, "review_type"));
        tally_add(&st->t[T_STAGE], review_text(r, "stage"));
        peerreview_date d;
        const char *date = first_date(r);
        if (date && peerreview_date_parse(date, &d) == PEERREVIEW_OK && d.year >= 0 &&
            d.year < YEAR_SLOTS)
            per_year[d.year]++;
        else
            undated++;
        size_t items = peerreview_review_child_count(r, PEERREVIEW_ITEMS);
        st->items += items;
        for (size_t j = 0; j < items; j++)
            tally_add(&st->t[T_KIND],
                      row_text(peerreview_review_child_byindex(r, PEERREVIEW_ITEMS, j), "kind"));
    }

    size_t years = 0;
    for (int y = 0; y < YEAR_SLOTS; y++)
        years += per_year[y] > 0;
    struct tally *ty = &st->t[T_YEAR];
    st->years = calloc(years ? years : 1, sizeof *st->years);
    ty->e = calloc(years + 1, sizeof *ty->e);
    if (!st->years || !ty->e) {
        free(per_year);
        return -1;
    }
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
    free(per_year);

    if (stats_councils(st, ds) != 0)
        return -1;
    tally_trim(&st->t[T_TYPE]);
    tally_trim(&st->t[T_STAGE]);
    tally_trim(&st->t[T_AUTHORITY]);
    tally_trim(&st->t[T_REGION]);
    tally_trim(&st->t[T_KIND]);
    return 0;
}

/* Text of an entry in the table: "CODE Name" for councils. */
static void print_entry_label(FILE *out, const struct tally_entry *e, size_t width)
{
    if (!e->label) {
        print_padded(out, e->value, width);
        return;
    }
    size_t w = print_text(out, e->value) + 1;
    fputc(' ', out);
    for (w += print_text(out, e->label); w < width; w++)
        fputc(' ', out);
}

static size_t entry_label_width(const struct tally_entry *e)
{
    return text_width(e->value) + (e->label ? 1 + text_width(e->label) : 0);
}

static void print_stats_table(FILE *out, const struct stats *st, const char *path)
{
    size_t lw = 0, cw = 0;
    char num[32];
    for (int i = 0; i < T_COUNT; i++) {
        const struct tally *t = &st->t[i];
        if (text_width(t->title) > lw)
            lw = text_width(t->title);
        if (strlen(t->unit) > cw)
            cw = strlen(t->unit);
        for (size_t j = 0; j < t->n; j++) {
            if (2 + entry_label_width(&t->e[j]) > lw)
                lw = 2 + entry_label_width(&t->e[j]);
            size_t d = (size_t)snprintf(num, sizeof num, "%zu", t->e[j].count);
            if (d > cw)
                cw = d;
        }
    }
    fprintf(out, "%s: %zu %s of %zu %s (%zu council %s), %zu %s\n", path, st->reviews,
            plural(st->reviews, "review", "reviews"), st->councils,
            plural(st->councils, "council", "councils"), st->council_reviews,
            plural(st->council_reviews, "review", "reviews"), st->items,
            plural(st->items, "item", "items"));
    for (int i = 0; i < T_COUNT; i++) {
        const struct tally *t = &st->t[i];
        fputc('\n', out);
        print_padded(out, t->title, lw);
        fprintf(out, "  %*s\n", (int)cw, t->unit);
        if (t->n == 0)
            fputs("  (none)\n", out);
        for (size_t j = 0; j < t->n; j++) {
            fputs("  ", out);
            print_entry_label(out, &t->e[j], lw - 2);
            fprintf(out, "  %*zu\n", (int)cw, t->e[j].count);
        }
    }
}

static void print_stats_json(FILE *out, const struct stats *st, const char *path)
{
    struct json j;
    json_init(&j, out);
    json_object(&j, JSON_INDENTED);
    json_key(&j, "path");
    json_string(&j, path);
    json_key(&j, "reviews");
    json_uint(&j, st->reviews);
    json_key(&j, "councils");
    json_uint(&j, st->councils);
    json_key(&j, "council_reviews");
    json_uint(&j, st->council_reviews);
    json_key(&j, "items");
    json_uint(&j, st->items);
    for (int i = 0; i < T_REPEATED; i++) {
        const struct tally *t = &st->t[i];
        json_key(&j, t->key);
        json_object(&j, JSON_SPACED);
        for (size_t k = 0; k < t->n; k++) {
            json_key(&j, t->e[k].value);
            json_uint(&j, t->e[k].count);
        }
        json_end(&j);
    }
    const struct tally *rep = &st->t[T_REPEATED];
    json_key(&j, rep->key);
    json_array(&j, JSON_INDENTED);
    for (size_t k = 0; k < rep->n; k++) {
        const struct tally_entry *e = &rep->e[k];
        const struct council_occ *o = &st->occ[e->first];
        json_object(&j, JSON_SPACED);
        json_key(&j, "gss_code");
        json_string(&j, o->gss_code);
        json_key(&j, "council_name");
        json_string(&j, o->council_name);
        json_key(&j, "reviews");
        json_uint(&j, e->count);
        json_key(&j, "review_ids");
        json_array(&j, JSON_SPACED);
        for (size_t r = 0; r < e->count; r++)
            json_string(&j, o[r].review_id);
        json_end(&j);
        json_end(&j);
    }
    json_end(&j);
    json_end(&j);
    fputc('\n', out);
}

/* The counts as CSV records category,value,label,count; a peerreview status. */
static int print_stats_csv(FILE *out, const struct stats *st)
{
    static const char *const head[] = {"category", "value", "label", "count"};
    const struct {
        const char *category;
        size_t count;
    } totals[] = {{"reviews", st->reviews},
                  {"councils", st->councils},
                  {"council_reviews", st->council_reviews},
                  {"items", st->items}};
    char count[32];
    int rc = csv_record(out, head, 4);
    for (size_t i = 0; i < sizeof totals / sizeof totals[0] && rc == PEERREVIEW_OK; i++) {
        snprintf(count, sizeof count, "%zu", totals[i].count);
        const char *fields[] = {totals[i].category, NULL, NULL, count};
        rc = csv_record(out, fields, 4);
    }
    for (int i = 0; i < T_COUNT && rc == PEERREVIEW_OK; i++) {
        const struct tally *t = &st->t[i];
        for (size_t k = 0; k < t->n && rc == PEERREVIEW_OK; k++) {
            snprintf(count, sizeof count, "%zu", t->e[k].count);
            const char *fields[] = {t->key, t->e[k].value, t->e[k].label, count};
            rc = csv_record(out, fields, 4);
        }
    }
    return rc;
}

int cmd_stats(const struct settings *s, int argc, char **argv)
{
    char buf[4096];
    const char *shown = NULL;
    peerreview_dataset *ds = NULL;
    int status = load_input(s, argc > 0 ? argv[0] : NULL, &ds, buf, sizeof buf, &shown);
    if (status != EXIT_OK)
        return status;
    struct stats st;
    memset(&st, 0, sizeof st);
    if (stats_compute(&st, ds) != 0) {
        status = out_of_memory();
    } else if (s->format == FORMAT_JSON) {
        print_stats_json(stdout, &st, shown);
    } else if (s->format == FORMAT_CSV) {
        /* a write error is reported when standard output is closed */
        int rc = print_stats_csv(stdout, &st);
        if (rc == PEERREVIEW_ENOMEM)
            status = out_of_memory();
        else if (rc != PEERREVIEW_OK)
            status = EXIT_TROUBLE;
    } else {
        print_stats_table(stdout, &st, shown);
    }
    stats_free(&st);
    peerreview_dataset_free(ds);
    return status;
}
