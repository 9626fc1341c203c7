/*
 * peerreview command line: what the commands share.
 *
 *   main.c         the command table, option parsing, --help and --version
 *   cmd-<name>.c   one command each: its usage text and what it does
 *   input.c        reading datasets: options, progress, '-', the sample
 *   output.c/.h    messages, problems, aligned text, CSV and JSON
 *   stats.c/.h     the figures of a dataset (stats and report)
 *   html.c/.h      HTML and SVG: the one escaping function, element writers
 *   chart.c/.h     the report's charts as inline SVG
 *
 * Calls go one way: main.c -> cmd-<name>.c -> stats.c, chart.c, html.c,
 * input.c -> output.c -> the library, which does the work (reading,
 * checking, copying, comparing keys, dates, CSV): this program only chooses
 * and prints. Uses the public API
 * (<peerreview.h>) only.
 */
#ifndef PEERREVIEW_CLI_H
#define PEERREVIEW_CLI_H

#include <stddef.h>

#include <peerreview.h>

#define PROG "peerreview"

/* The sample dataset installed with the package (set by the build). */
#ifdef PEERREVIEW_SAMPLE_DIR
#define SAMPLE_DIR_TEXT PEERREVIEW_SAMPLE_DIR
#else
#define SAMPLE_DIR_TEXT "(none in this build)"
#endif

enum exit_status { EXIT_OK = 0, EXIT_DATA = 1, EXIT_TROUBLE = 2 };

/* Output formats; a command accepts a set of them (see main.c). */
enum output_format { FORMAT_TEXT, FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV };

/* What the command line asked for. */
struct settings {
    int help;
    int version;
    int verbose;
    unsigned formats; /* bits (1 << format) of the formats the command accepts */
    enum output_format format;
    int max_problems_set;
    size_t max_problems;
    size_t max_records; /* --max-records, 0 = the library's default */
    int ignore_unknown;
    int has_delimiter;    /* --delimiter given */
    char delimiter;       /* its character, accepted by the library */
    const char *encoding; /* --encoding, accepted by the library, or NULL */
    peerreview_form form; /* output form of convert */
    int spreadsheet_safe;
    /* query filters (NULL or 0: not given) */
    const char *council;
    char council_gss[16]; /* --council as a GSS code in capitals, or "" for a name */
    const char *type;
    const char *stage;
    int has_since;
    peerreview_date since; /* the days it covers: first_day to last_day */
    const char *since_text;
    int has_until;
    peerreview_date until;
    const char *until_text;
    const char *text;
    const char *output; /* -o FILE (report), or NULL: standard output */
};

/* What separates the words of --text. */
#define WORD_SEPARATORS " \t\r\n\f\v"

/* ---- the commands (cmd-<name>.c): usage text and entry point ---- */

/* Run a command on its operands argv[0..argc); returns the exit status. */
typedef int cmd_fn(const struct settings *s, int argc, char **argv);

extern const char cmd_validate_usage[];
cmd_fn cmd_validate;
extern const char cmd_convert_usage[];
cmd_fn cmd_convert;
extern const char cmd_stats_usage[];
cmd_fn cmd_stats;
extern const char cmd_query_usage[];
cmd_fn cmd_query;
extern const char cmd_diff_usage[];
cmd_fn cmd_diff;
extern const char cmd_report_usage[];
cmd_fn cmd_report;

/* The lines of --delimiter, --encoding and --max-records in every reading command's help. */
#define READ_OPTIONS_HELP                                                                          \
    "  --delimiter=CHAR          read values separated by CHAR instead of ',':\n"                  \
    "                            ';', ',', a TAB, or the words 'semicolon',\n"                     \
    "                            'comma' or 'tab' (any punctuation but '\"')\n"                    \
    "  --encoding=NAME           read files in the encoding NAME instead of\n"                     \
    "                            UTF-8, e.g. windows-1252 or iso-8859-1\n"                         \
    "  --max-records=N           stop reading at more than N records, all the\n"                   \
    "                            tables of a package together (default 1000000;\n"                 \
    "                            a record takes about 150 bytes of memory)\n"

/* ---- reading datasets (input.c) ---- */

/* What problems call standard input. */
#define STDIN_NAME "<stdin>"

/* argv[0], to find the sample of the build tree when running uninstalled. */
extern const char *program_path;

/* 1 if path is '-': standard input or output where one file is meant. */
int is_stdio(const char *path);

/* How messages name an input or output path: 'PATH', or standard input or output. */
const char *shown_path(const char *path, int output, char *buf, size_t size);

/*
 * A usage error if '-' is given more than once among the n operands (standard
 * input can be read once), else 0.
 */
int stdin_once(const char *command, int n, char **operands);

/*
 * Progress of a load on stderr: only for inputs of at least 50 MB and only
 * when stderr is a terminal (see input_options).
 */
struct progress {
    const char *path; /* what is being read, set before each load */
    int percent;      /* last percentage shown, -1: none yet */
};

/* Start reporting the progress of reading path. */
void progress_begin(struct progress *pr, const char *path);
/* Erase the progress line, if one was shown. */
void progress_end(struct progress *pr);

/*
 * Options for loading/validating from the settings, or NULL (out of memory).
 * pr (may be NULL) receives the progress when stderr is a terminal.
 */
peerreview_options *input_options(const struct settings *s, struct progress *pr);

/*
 * peerreview_load of path, or of standard input in the flat form for '-'
 * (problems name it <stdin>).
 */
int load_path(const char *path, const peerreview_options *opts, peerreview_diag *diag,
              peerreview_dataset **out);

/* Exit status for a failed load or save. */
int failure_status(int rc);

/*
 * Load the dataset at path with the settings' input options, printing its
 * problems (warnings too) on stderr. Returns EXIT_OK with *out owned by the
 * caller, or the exit status (EXIT_DATA for data errors when data_status
 * says so, else EXIT_TROUBLE) with *out NULL.
 */
int load_dataset(const struct settings *s, const char *path, int data_status,
                 peerreview_dataset **out);

/*
 * The path of a command's dataset: path, or the sample when path is NULL (the
 * installed one; from the build tree if it is not installed), in buf; NULL
 * (reported) when there is no sample.
 */
const char *input_path(const char *path, char *buf, size_t size);

/*
 * The dataset of a command: PATH, or the sample when path is NULL (the
 * installed one; from the build tree if it is not installed). Returns
 * EXIT_OK with *out owned by the caller, or an exit status; *shown is the
 * path used.
 */
int load_input(const struct settings *s, const char *path, peerreview_dataset **out, char *buf,
               size_t size, const char **shown);

/*
 * For a report of a dataset with errors (which peerreview_load does not
 * load): a new dataset in *out of the rows of the package at path that are
 * valid on their own, read with the streaming reader: each table's rows that
 * break no value or row rule, reviews whose review_id is not taken yet,
 * child rows whose review is there. Rules across rows and tables are not
 * checked. Anything but a package (a flat file, standard input) gives an
 * empty dataset: its rows cannot be read one table at a time. *package
 * says whether path was read as a package. Returns EXIT_OK, or EXIT_TROUBLE
 * when out of memory (*out NULL).
 */
int load_valid_rows(const struct settings *s, const char *path, peerreview_dataset **out,
                    int *package);

/* A date column of r parsed into *d: 1, or 0 when it is empty. */
int review_date(const peerreview_review *r, const char *column, peerreview_date *d);

/* 1 if a and b are the same value (NULL = unknown). */
int same_value(const char *a, const char *b);

/* The review_id of a review: its table's (only) key column. */
const char *review_id_of(const peerreview_review *r);

/* Dates of a review, in the order that decides its first known date. */
extern const char *const review_dates[];
#define REVIEW_DATE_COUNT 4

/* First known date of a review (borrowed), or NULL when it has none. */
const char *first_date(const peerreview_review *r);

#endif
