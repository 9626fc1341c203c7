/* peerreview query: list the reviews that match filters. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "cli.h"
#include "output.h"

const char cmd_query_usage[] =
    "Usage: " PROG " query [OPTION]... PATH\n"
    "\n"
    "Print the reviews of the dataset PATH ('-': a flat file on standard input)\n"
    "that match every filter given (all reviews when none is given), in dataset\n"
    "order.\n"
    "\n"
    "  --council=CODE|NAME       a council the review covers: a GSS code such as\n"
    "                            E10000034 (any case) matches gss_code, anything\n"
    "                            else is a case-insensitive part of council_name\n"
    "  --type=TYPE               review_type, e.g. corporate (see 'man " PROG "')\n"
    "  --stage=STAGE             'initial' or 'progress'\n"
    "  --since=DATE              a date of the review is on or after DATE\n"
    "  --until=DATE              a date of the review is on or before DATE\n"
    "  --text=WORDS              every word occurs in the review's notes or item\n"
    "                            texts (case-insensitive)\n"
    "  --format=FORMAT           'table' (default), 'csv' (the flat form) or\n"
    "                            'json' (an array of reviews with their rows)\n"
    "  --ignore-unknown-columns  skip columns the format does not know\n" READ_OPTIONS_HELP
    "  -h, --help                print this help and exit\n"
    "\n"
    "DATE is YYYY, YYYY-MM or YYYY-MM-DD and stands for every day it covers, as\n"
    "do the review's dates (onsite_start, onsite_end, report_date and\n"
    "published_date): --since 2015 keeps a review dated 2015-04, and so does\n"
    "--until 2015-04-10. A review with none of these dates matches no date\n"
    "filter. Table columns: review_id, type, stage, first known date, councils.\n"
    "No match is not an error: the result is empty (a header line for table\n"
    "and csv, [] for json).\n"
    "\n"
    "Exit status: 0 success (also when nothing matches), 1 PATH has errors or\n"
    "the flat form cannot hold the result, 2 usage error, I/O error or out of\n"
    "memory.\n";

/* Next code point of s, advancing *s; a byte that starts no UTF-8 sequence is itself. */
static uint32_t next_code_point(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    size_t n = c >= 0xF0 && c < 0xF8 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (c >= 0xF8)
        n = 0;
    uint32_t cp = n == 3 ? c & 0x07 : n == 2 ? c & 0x0F : n == 1 ? c & 0x1F : c;
    for (size_t i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *s += 1;
            return c;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    *s += n + 1;
    return cp;
}

/* Lower case of a code point (Unicode-wide in a UTF-8 locale, see main). */
static uint32_t fold_case(uint32_t c)
{
    return c < 0x80 ? (uint32_t)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c)
                    : (uint32_t)towlower((wint_t)c);
}

/* 1 if h starts with needle[0..nend), ignoring case. */
static int starts_with_nocase(const char *h, const char *needle, const char *nend)
{
    while (needle < nend) {
        if (!*h || fold_case(next_code_point(&h)) != fold_case(next_code_point(&needle)))
            return 0;
    }
    return 1;
}

/* 1 if needle (len bytes) occurs in haystack, ignoring case (Ü matches ü). */
static int contains_nocase(const char *haystack, const char *needle, size_t len)
{
    if (len == 0)
        return 1;
    for (const char *h = haystack; *h; next_code_point(&h))
        if (starts_with_nocase(h, needle, needle + len))
            return 1;
    return 0;
}

/* A growable string. */
struct sbuf {
    char *p;
    size_t len;
    size_t cap;
};

/* Append n bytes of s; 0, or -1 when out of memory. */
static int sbuf_addn(struct sbuf *b, const char *s, size_t n)
{
    if (n >= SIZE_MAX / 2 - b->len)
        return -1;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static int sbuf_add(struct sbuf *b, const char *s)
{
    return sbuf_addn(b, s, strlen(s));
}

/*
 * 1 if r covers the council of --council: its gss_code when the option is
 * a GSS code (any case; the data holds them in capitals, as the format
 * requires), else a part of its council_name, ignoring case.
 */
static int council_matches(const peerreview_review *r, const struct settings *s)
{
    int by_code = s->council_gss[0] != '\0';
    size_t rows = peerreview_review_child_count(r, PEERREVIEW_REVIEW_COUNCILS);
    for (size_t i = 0; i < rows; i++) {
        const peerreview_row *row =
            peerreview_review_child_byindex(r, PEERREVIEW_REVIEW_COUNCILS, i);
        const char *v = row_text(row, by_code ? "gss_code" : "council_name");
        if (v && (by_code ? strcmp(v, s->council_gss) == 0
                          : contains_nocase(v, s->council, strlen(s->council))))
            return 1;
    }
    return 0;
}

/* 1 if the dates of r fit --since and --until (each by any of its dates). */
static int dates_match(const peerreview_review *r, const struct settings *s)
{
    int since_ok = !s->has_since, until_ok = !s->has_until;
    for (size_t i = 0; i < REVIEW_DATE_COUNT; i++) {
        peerreview_date d; /* the days it covers: first_day to last_day */
        if (!review_date(r, review_dates[i], &d))
            continue;
        if (s->has_since && d.last_day >= s->since.first_day)
            since_ok = 1;
        if (s->has_until && d.first_day <= s->until.last_day)
            until_ok = 1;
    }
    return since_ok && until_ok;
}

/* 1 if the word (len bytes) is in the notes or an item text of r. */
static int word_in_review(const peerreview_review *r, const char *word, size_t len)
{
    const char *notes = review_text(r, "notes");
    if (notes && contains_nocase(notes, word, len))
        return 1;
    size_t rows = peerreview_review_child_count(r, PEERREVIEW_ITEMS);
    for (size_t i = 0; i < rows; i++) {
        const char *t = row_text(peerreview_review_child_byindex(r, PEERREVIEW_ITEMS, i), "text");
        if (t && contains_nocase(t, word, len))
            return 1;
    }
    return 0;
}

/* 1 if every word of text is in r. */
static int text_matches(const peerreview_review *r, const char *text)
{
    for (const char *p = text + strspn(text, WORD_SEPARATORS); *p;) {
        size_t len = strcspn(p, WORD_SEPARATORS);
        if (!word_in_review(r, p, len))
            return 0;
        p += len;
        p += strspn(p, WORD_SEPARATORS);
    }
    return 1;
}

static int review_matches(const peerreview_review *r, const struct settings *s)
{
    return (!s->type || same_value(review_text(r, "review_type"), s->type)) &&
           (!s->stage || same_value(review_text(r, "stage"), s->stage)) &&
           (!s->council || council_matches(r, s)) &&
           ((!s->has_since && !s->has_until) || dates_match(r, s)) &&
           (!s->text || text_matches(r, s->text));
}

/* The council names of r joined by "; " into b. */
static int council_names(const peerreview_review *r, struct sbuf *b)
{
    size_t rows = peerreview_review_child_count(r, PEERREVIEW_REVIEW_COUNCILS);
    b->len = 0;
    if (sbuf_add(b, "") != 0)
        return -1;
    for (size_t i = 0; i < rows; i++) {
        const peerreview_row *row =
            peerreview_review_child_byindex(r, PEERREVIEW_REVIEW_COUNCILS, i);
        const char *name = row_text(row, "council_name");
        if (!name)
            name = row_text(row, "gss_code");
        if ((i && sbuf_add(b, "; ") != 0) || sbuf_add(b, name ? name : "?") != 0)
            return -1;
    }
    return 0;
}

/* The table: review_id, type, stage, first known date, councils. */
#define QUERY_COLUMNS 5

static int print_query_table(FILE *out, const peerreview_review *const *m, size_t n)
{
    static const char *const heads[QUERY_COLUMNS] = {"review_id", "type", "stage", "first date",
                                                     "councils"};
    size_t width[QUERY_COLUMNS];
    struct sbuf b = {NULL, 0, 0};
    for (int c = 0; c < QUERY_COLUMNS; c++)
        width[c] = text_width(heads[c]);
    /* two passes: measure, then print */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            for (int c = 0; c < QUERY_COLUMNS; c++)
                print_padded(out, heads[c], c + 1 < QUERY_COLUMNS ? width[c] + 2 : 0);
            fputc('\n', out);
        }
        for (size_t i = 0; i < n; i++) {
            const char *date = first_date(m[i]);
            if (council_names(m[i], &b) != 0) {
                free(b.p);
                return -1;
            }
            const char *cells[QUERY_COLUMNS] = {review_id_of(m[i]),
                                                review_text(m[i], "review_type"),
                                                review_text(m[i], "stage"), date ? date : "-", b.p};
            for (int c = 0; c < QUERY_COLUMNS; c++) {
                const char *v = cells[c] ? cells[c] : "-";
                if (pass == 0 && text_width(v) > width[c])
                    width[c] = text_width(v);
                if (pass == 1)
                    print_padded(out, v, c + 1 < QUERY_COLUMNS ? width[c] + 2 : 0);
            }
            if (pass == 1)
                fputc('\n', out);
        }
    }
    free(b.p);
    return 0;
}

static void print_query_json(FILE *out, const peerreview_review *const *m, size_t n)
{
    struct json j;
    json_init(&j, out);
    json_array(&j, JSON_INDENTED);
    for (size_t i = 0; i < n; i++)
        json_review(&j, m[i]);
    json_end(&j);
    fputc('\n', out);
}

/*
 * The matching reviews in the flat form on out, streamed as the library
 * renders them: a dataset of copies of the matching reviews (a selection may
 * name parent reviews it does not hold: render, don't save).
 */
static int print_query_csv(FILE *out, const peerreview_dataset *ds, const char *matched)
{
    size_t total = peerreview_dataset_count(ds);
    peerreview_dataset *sub = peerreview_dataset_new();
    peerreview_diag *diag = peerreview_diag_new();
    int status = EXIT_OK, rc;

    if (!sub || !diag) {
        status = out_of_memory();
        goto done;
    }
    for (size_t i = 0; i < total && status == EXIT_OK; i++) {
        if (!matched[i])
            continue;
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        peerreview_review *copy = NULL;
        rc = peerreview_review_copy(r, &copy);
        if (rc == PEERREVIEW_OK) {
            rc = peerreview_dataset_add(sub, copy, diag);
            if (rc != PEERREVIEW_OK)
                peerreview_review_free(copy);
        }
        if (rc != PEERREVIEW_OK) {
            report_problems(diag);
            errorf("cannot copy review '%s': %s", review_id_of(r), peerreview_strerror(rc));
            status = rc == PEERREVIEW_ENOMEM ? EXIT_TROUBLE : EXIT_DATA;
        }
    }
    if (status != EXIT_OK)
        goto done;
    rc = peerreview_render_callback(sub, -1, NULL, diag, write_file, out);
    if (rc == PEERREVIEW_EIO && ferror(out)) {
        status = EXIT_TROUBLE; /* reported when standard output is closed */
    } else if (rc != PEERREVIEW_OK) {
        status = report_problems(diag);
        errorf("cannot write the result in the flat form: %s", peerreview_strerror(rc));
        if (status == EXIT_OK)
            status = failure_status(rc);
    }

done:
    peerreview_diag_free(diag);
    peerreview_dataset_free(sub);
    return status;
}

int cmd_query(const struct settings *s, int argc, char **argv)
{
    (void)argc;
    peerreview_dataset *ds = NULL;
    int status = load_dataset(s, argv[0], EXIT_DATA, &ds);
    if (status != EXIT_OK)
        return status;
    size_t total = peerreview_dataset_count(ds);
    char *matched = calloc(total ? total : 1, 1);
    const peerreview_review **m = calloc(total ? total : 1, sizeof *m);
    size_t n = 0;
    if (!matched || !m) {
        status = out_of_memory();
    } else {
        for (size_t i = 0; i < total; i++) {
            const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
            if (review_matches(r, s)) {
                matched[i] = 1;
                m[n++] = r;
            }
        }
        if (s->format == FORMAT_JSON)
            print_query_json(stdout, m, n);
        else if (s->format == FORMAT_CSV)
            status = print_query_csv(stdout, ds, matched);
        else if (print_query_table(stdout, m, n) != 0)
            status = out_of_memory();
    }
    free(m);
    free(matched);
    peerreview_dataset_free(ds);
    return status;
}
