/* peerreview command line: reading datasets (see cli.h). */
#define _XOPEN_SOURCE 700 /* POSIX 2008 with realpath */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"

const char *program_path;

/* ------------------------------------------------------------------------ */
/* Standard input and output ('-')                                           */
/* ------------------------------------------------------------------------ */

int is_stdio(const char *path)
{
    return strcmp(path, "-") == 0;
}

const char *shown_path(const char *path, int output, char *buf, size_t size)
{
    if (is_stdio(path))
        return output ? "standard output" : "standard input";
    snprintf(buf, size, "'%s'", path);
    return buf;
}

int stdin_once(const char *command, int n, char **operands)
{
    int seen = 0;
    for (int i = 0; i < n; i++)
        if (is_stdio(operands[i]) && seen++)
            return usage_error(command, "standard input ('-') can be read only once");
    return 0;
}

/* peerreview_read_fn over standard input. */
static ptrdiff_t read_stdin(void *ctx, void *buf, size_t size)
{
    (void)ctx;
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, size);
        if (n >= 0 || errno != EINTR)
            return n;
    }
}

int load_path(const char *path, const peerreview_options *opts, peerreview_diag *diag,
              peerreview_dataset **out)
{
    if (is_stdio(path))
        return peerreview_load_callback(read_stdin, NULL, -1, STDIN_NAME, opts, diag, out);
    return peerreview_load(path, opts, diag, out);
}

/* ------------------------------------------------------------------------ */
/* Library options and progress                                              */
/* ------------------------------------------------------------------------ */

#define PROGRESS_MIN_BYTES (50ull * 1000 * 1000)

/* Show the percentage read; never cancels (0). */
static int progress_show(unsigned long long done, unsigned long long total, void *ctx)
{
    struct progress *pr = ctx;
    if (total < PROGRESS_MIN_BYTES)
        return 0;
    int percent = done >= total ? 100 : (int)(done / (total / 100 + 1));
    if (percent > 100)
        percent = 100;
    if (percent == pr->percent)
        return 0;
    pr->percent = percent;
    fprintf(stderr, "\r" PROG ": reading %s: %3d%%", pr->path ? pr->path : "", percent);
    fflush(stderr);
    return 0;
}

void progress_begin(struct progress *pr, const char *path)
{
    pr->path = path;
    pr->percent = -1;
}

void progress_end(struct progress *pr)
{
    if (pr->percent >= 0)
        fputs("\r\033[K", stderr);
    pr->percent = -1;
}

peerreview_options *input_options(const struct settings *s, struct progress *pr)
{
    peerreview_options *opts = peerreview_options_new();
    if (!opts)
        return NULL;
    if ((s->max_problems_set &&
         peerreview_options_set_max_problems(opts, s->max_problems) != PEERREVIEW_OK) ||
        peerreview_options_set_ignore_unknown_columns(opts, s->ignore_unknown) != PEERREVIEW_OK ||
        (s->has_delimiter &&
         peerreview_options_set_delimiter(opts, s->delimiter) != PEERREVIEW_OK) ||
        (s->encoding && peerreview_options_set_encoding(opts, s->encoding) != PEERREVIEW_OK) ||
        (s->max_records &&
         peerreview_options_set_max_records(opts, s->max_records) != PEERREVIEW_OK) ||
        (pr && isatty(STDERR_FILENO) &&
         peerreview_options_set_progress_cb(opts, progress_show, pr) != PEERREVIEW_OK)) {
        peerreview_options_free(opts);
        return NULL;
    }
    return opts;
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                   */
/* ------------------------------------------------------------------------ */

int failure_status(int rc)
{
    return rc == PEERREVIEW_EDATA || rc == PEERREVIEW_EUNSUPPORTED ? EXIT_DATA : EXIT_TROUBLE;
}

int load_dataset(const struct settings *s, const char *path, int data_status,
                 peerreview_dataset **out)
{
    *out = NULL;
    struct progress pr = {NULL, -1};
    peerreview_options *opts = input_options(s, &pr);
    peerreview_diag *diag = peerreview_diag_new();
    if (!opts || !diag) {
        peerreview_diag_free(diag);
        peerreview_options_free(opts);
        return out_of_memory();
    }
    progress_begin(&pr, path);
    int rc = load_path(path, opts, diag, out);
    progress_end(&pr);
    int status = report_problems(diag);
    peerreview_diag_free(diag);
    peerreview_options_free(opts);
    if (status == EXIT_OK && rc != PEERREVIEW_OK) {
        char shown[4200];
        errorf("cannot load %s: %s", shown_path(path, 0, shown, sizeof shown),
               peerreview_strerror(rc));
        status = rc == PEERREVIEW_EDATA ? data_status : EXIT_TROUBLE;
    }
    if (status != EXIT_OK) {
        peerreview_dataset_free(*out);
        *out = NULL;
    }
    return status;
}

/*
 * The sample of the build tree, when the program runs from it (as
 * tools/peerreview, or tools/.libs/peerreview behind the libtool wrapper)
 * before `make install`: data/lga-sample beside tools/. Returns a path in
 * buf, or NULL.
 */
static const char *build_tree_sample(char *buf, size_t size)
{
    static const char *const up[] = {"/../data/lga-sample", "/../../data/lga-sample"};
    const char *slash = program_path ? strrchr(program_path, '/') : NULL;
    if (!slash)
        return NULL;
    int dir_len = (int)(slash - program_path);
    for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
        struct stat st;
        char reviews[4200];
        if ((size_t)snprintf(buf, size, "%.*s%s", dir_len, program_path, up[i]) >= size ||
            (size_t)snprintf(reviews, sizeof reviews, "%s/reviews.csv", buf) >= sizeof reviews)
            return NULL;
        if (stat(reviews, &st) == 0 && S_ISREG(st.st_mode)) {
            char *clean = realpath(buf, NULL); /* without the "/.." */
            if (clean && strlen(clean) < size)
                strcpy(buf, clean);
            free(clean);
            return buf;
        }
    }
    return NULL;
}

const char *input_path(const char *path, char *buf, size_t size)
{
    if (path)
        return path;
#ifdef PEERREVIEW_SAMPLE_DIR
    struct stat st;
    path = PEERREVIEW_SAMPLE_DIR;
    if (stat(path, &st) != 0) {
        int err = errno;
        path = build_tree_sample(buf, size);
        if (!path)
            errorf("no PATH given and the installed sample dataset '%s' is missing: %s",
                   PEERREVIEW_SAMPLE_DIR, strerror(err));
    }
#else
    path = build_tree_sample(buf, size);
    if (!path)
        errorf("no PATH given and this build has no installed sample dataset");
#endif
    return path;
}

int load_input(const struct settings *s, const char *path, peerreview_dataset **out, char *buf,
               size_t size, const char **shown)
{
    *out = NULL;
    path = input_path(path, buf, size);
    if (!path)
        return EXIT_TROUBLE;
    *shown = is_stdio(path) ? STDIN_NAME : path;
    return load_dataset(s, path, EXIT_DATA, out);
}

/* ------------------------------------------------------------------------ */
/* Values                                                                    */
/* ------------------------------------------------------------------------ */

int review_date(const peerreview_review *r, const char *column, peerreview_date *d)
{
    int rc = peerreview_review_get_date_byname(r, column, d);
    if (rc != PEERREVIEW_OK)
        checked_value(rc, column);
    return rc == PEERREVIEW_OK;
}

int same_value(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

const char *review_id_of(const peerreview_review *r)
{
    return review_cell(r, (size_t)peerreview_table_key_column(PEERREVIEW_REVIEWS, 0));
}

const char *const review_dates[REVIEW_DATE_COUNT] = {"onsite_start", "onsite_end", "report_date",
                                                     "published_date"};

const char *first_date(const peerreview_review *r)
{
    for (size_t i = 0; i < REVIEW_DATE_COUNT; i++) {
        const char *d = review_text(r, review_dates[i]);
        if (d)
            return d;
    }
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* The valid rows of a package with errors (report)                          */
/* ------------------------------------------------------------------------ */

/* 1 if the file name (the part after the last '/') of path is name. */
static int file_name_is(const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    return strcmp(slash ? slash + 1 : path, name) == 0;
}

/*
 * The folder of the package at path into buf (doc/format.md §6.3: a folder,
 * its datapackage.json, or one of its table files with datapackage.json
 * beside it), or NULL when path is not read as a package.
 */
static const char *package_folder(const char *path, char *buf, size_t size)
{
    struct stat st;
    if (is_stdio(path) || stat(path, &st) != 0)
        return NULL;
    if (S_ISDIR(st.st_mode))
        return (size_t)snprintf(buf, size, "%s", path) < size ? buf : NULL;
    const char *slash = strrchr(path, '/');
    int dir_len = slash ? (int)(slash - path) : 1;
    const char *dir = slash ? path : ".";
    if (!file_name_is(path, "datapackage.json")) {
        int table_file = 0;
        for (size_t t = 0; t < peerreview_table_count(); t++)
            table_file |= file_name_is(path, peerreview_table_file((int)t));
        char descriptor[4200];
        if (!table_file ||
            (size_t)snprintf(descriptor, sizeof descriptor, "%.*s/datapackage.json", dir_len,
                             dir) >= sizeof descriptor ||
            stat(descriptor, &st) != 0)
            return NULL;
    }
    return (size_t)snprintf(buf, size, "%.*s", dir_len, dir) < size ? buf : NULL;
}

/* Set every column of the reader's row on the review or row (value rules checked again). */
static int copy_reader_row(const peerreview_reader *rd, peerreview_review *review,
                           peerreview_row *row)
{
    int table = peerreview_reader_table(rd);
    size_t id_column = review_id_column(table);
    for (size_t c = 0; c < peerreview_column_count(table); c++) {
        const char *v = NULL;
        if (peerreview_reader_get_byindex(rd, c, &v) != PEERREVIEW_OK || (row && c == id_column))
            continue;
        int rc = row ? peerreview_row_set_byindex(row, c, v, NULL)
                     : peerreview_review_set_byindex(review, c, v, NULL);
        if (rc == PEERREVIEW_ENOMEM)
            return -1;
        if (rc != PEERREVIEW_OK)
            return 1; /* not valid after all: left out */
    }
    return 0;
}

/* The valid rows of one table file of the folder into ds; 0, or -1 when out of memory. */
static int read_valid_rows(const char *folder, int table, const peerreview_options *opts,
                           peerreview_dataset *ds)
{
    char path[4200];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", folder, peerreview_table_file(table)) >=
        sizeof path)
        return 0;
    peerreview_reader *rd = NULL;
    if (peerreview_reader_open(path, table, opts, NULL, &rd) != PEERREVIEW_OK)
        return 0; /* missing or unreadable: its problems are in the load's */
    int rc = 0, next;
    while (rc == 0 && (next = peerreview_reader_next(rd, NULL)) != 0) {
        if (next < 0) {
            if (next == PEERREVIEW_EDATA)
                continue; /* this row broke a rule: left out */
            rc = next == PEERREVIEW_ENOMEM ? -1 : 0;
            break;
        }
        const char *id = NULL;
        peerreview_reader_get_byindex(rd, review_id_column(table), &id);
        if (table == PEERREVIEW_REVIEWS) {
            peerreview_review *review = peerreview_review_new();
            int added = PEERREVIEW_OK;
            if (!review)
                rc = -1;
            else if ((rc = copy_reader_row(rd, review, NULL)) != 0 ||
                     (added = peerreview_dataset_add(ds, review, NULL)) != PEERREVIEW_OK)
                peerreview_review_free(review); /* invalid, or its id is taken: left out */
            rc = rc < 0 || added == PEERREVIEW_ENOMEM ? -1 : 0;
            continue;
        }
        peerreview_review *review = id ? peerreview_dataset_review_byid_mut(ds, id) : NULL;
        peerreview_row *row = NULL;
        if (!review)
            continue; /* its review was left out */
        if (peerreview_review_add_child(review, table, &row) != PEERREVIEW_OK) {
            rc = -1;
            break;
        }
        rc = copy_reader_row(rd, NULL, row);
        if (rc != 0) /* not valid: left out */
            peerreview_review_remove_child(review, table,
                                           peerreview_review_child_count(review, table) - 1);
        rc = rc < 0 ? -1 : 0;
    }
    peerreview_reader_free(rd);
    return rc;
}

int load_valid_rows(const struct settings *s, const char *path, peerreview_dataset **out,
                    int *package)
{
    *out = peerreview_dataset_new();
    peerreview_options *opts = input_options(s, NULL);
    if (!*out || !opts) {
        peerreview_options_free(opts);
        return out_of_memory();
    }
    char folder[4200];
    int rc = 0;
    *package = package_folder(path, folder, sizeof folder) != NULL;
    if (*package)
        for (size_t t = 0; t < peerreview_table_count() && rc == 0; t++)
            rc = read_valid_rows(folder, (int)t, opts, *out);
    peerreview_options_free(opts);
    if (rc != 0) {
        peerreview_dataset_free(*out);
        *out = NULL;
        return out_of_memory();
    }
    return EXIT_OK;
}
