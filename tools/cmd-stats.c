/* peerreview stats: count reviews by type, stage, year, council and region. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "stats.h"

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
