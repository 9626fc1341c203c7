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

int load_input(const struct settings *s, const char *path, peerreview_dataset **out, char *buf,
               size_t size, const char **shown)
{
    *out = NULL;
    if (!path) {
#ifdef PEERREVIEW_SAMPLE_DIR
        struct stat st;
        path = PEERREVIEW_SAMPLE_DIR;
        if (stat(path, &st) != 0) {
            int err = errno;
            path = build_tree_sample(buf, size);
            if (!path) {
                errorf("no PATH given and the installed sample dataset '%s' is missing: %s",
                       PEERREVIEW_SAMPLE_DIR, strerror(err));
                return EXIT_TROUBLE;
            }
        }
#else
        path = build_tree_sample(buf, size);
        if (!path) {
            errorf("no PATH given and this build has no installed sample dataset");
            return EXIT_TROUBLE;
        }
#endif
    }
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
