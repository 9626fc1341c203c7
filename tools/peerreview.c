/*
 * peerreview — command-line tool for libpeerreview.
 *
 *   peerreview validate [OPTION]... PATH...
 *   peerreview convert [OPTION]... IN OUT
 *   peerreview stats [OPTION]... [PATH]
 *   peerreview query [OPTION]... PATH
 *   peerreview diff [OPTION]... OLD NEW
 *   peerreview --help | --version
 *
 * Uses the public API (<peerreview.h>) only. Exit status: 0 success,
 * 1 the data has errors (diff: the datasets differ), 2 usage error, I/O
 * error or out of memory.
 */
#define _XOPEN_SOURCE 700 /* POSIX 2008 with realpath */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>
#include <sys/stat.h>
#include <unistd.h>

#include <peerreview.h>

#define PROG "peerreview"

/* The sample dataset installed with the package (set by the build). */
#ifdef PEERREVIEW_SAMPLE_DIR
#define SAMPLE_DIR_TEXT PEERREVIEW_SAMPLE_DIR
#else
#define SAMPLE_DIR_TEXT "(none in this build)"
#endif

enum exit_status { EXIT_OK = 0, EXIT_DATA = 1, EXIT_TROUBLE = 2 };

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

/* Every option any command accepts, as one bit each. */
enum {
    F_HELP = 1u << 0,
    F_VERSION = 1u << 1,
    F_VERBOSE = 1u << 2,
    F_FORMAT = 1u << 3,
    F_MAX_PROBLEMS = 1u << 4,
    F_IGNORE_UNKNOWN = 1u << 5,
    F_FLAT = 1u << 6,
    F_PACKAGE = 1u << 7,
    F_SPREADSHEET_SAFE = 1u << 8,
    F_COUNCIL = 1u << 9,
    F_TYPE = 1u << 10,
    F_STAGE = 1u << 11,
    F_SINCE = 1u << 12,
    F_UNTIL = 1u << 13,
    F_TEXT = 1u << 14,
    F_DELIMITER = 1u << 15,
    F_ENCODING = 1u << 16,
    F_MAX_RECORDS = 1u << 17
};

/* The options of every command that reads datasets. */
#define F_INPUT (F_IGNORE_UNKNOWN | F_DELIMITER | F_ENCODING | F_MAX_RECORDS)

/* getopt values of the options without a short form. */
enum {
    O_FORMAT = 256,
    O_MAX_PROBLEMS,
    O_IGNORE_UNKNOWN,
    O_FLAT,
    O_PACKAGE,
    O_SPREADSHEET_SAFE,
    O_COUNCIL,
    O_TYPE,
    O_STAGE,
    O_SINCE,
    O_UNTIL,
    O_TEXT,
    O_DELIMITER,
    O_ENCODING,
    O_MAX_RECORDS
};

struct opt_def {
    unsigned bit;
    struct option lo;
};

static const struct opt_def opt_defs[] = {
    {F_HELP, {"help", no_argument, NULL, 'h'}},
    {F_VERSION, {"version", no_argument, NULL, 'V'}},
    {F_VERBOSE, {"verbose", no_argument, NULL, 'v'}},
    {F_FORMAT, {"format", required_argument, NULL, O_FORMAT}},
    {F_MAX_PROBLEMS, {"max-problems", required_argument, NULL, O_MAX_PROBLEMS}},
    {F_IGNORE_UNKNOWN, {"ignore-unknown-columns", no_argument, NULL, O_IGNORE_UNKNOWN}},
    {F_FLAT, {"flat", no_argument, NULL, O_FLAT}},
    {F_PACKAGE, {"package", no_argument, NULL, O_PACKAGE}},
    {F_SPREADSHEET_SAFE, {"spreadsheet-safe", no_argument, NULL, O_SPREADSHEET_SAFE}},
    {F_COUNCIL, {"council", required_argument, NULL, O_COUNCIL}},
    {F_TYPE, {"type", required_argument, NULL, O_TYPE}},
    {F_STAGE, {"stage", required_argument, NULL, O_STAGE}},
    {F_SINCE, {"since", required_argument, NULL, O_SINCE}},
    {F_UNTIL, {"until", required_argument, NULL, O_UNTIL}},
    {F_TEXT, {"text", required_argument, NULL, O_TEXT}},
    {F_DELIMITER, {"delimiter", required_argument, NULL, O_DELIMITER}},
    {F_ENCODING, {"encoding", required_argument, NULL, O_ENCODING}},
    {F_MAX_RECORDS, {"max-records", required_argument, NULL, O_MAX_RECORDS}},
};

#define OPT_DEF_COUNT (sizeof opt_defs / sizeof opt_defs[0])

/* Output formats; a command accepts a set of them (FMT_* bits). */
enum output_format { FORMAT_TEXT, FORMAT_TABLE, FORMAT_JSON, FORMAT_CSV };

static const char *const format_names[] = {"text", "table", "json", "csv"};

#define FORMAT_COUNT (sizeof format_names / sizeof format_names[0])
#define FMT(f)       (1u << (f))

/* A date as the interval of days it covers (days since 1970-01-01, inclusive). */
struct interval {
    int64_t start;
    int64_t end;
};

/* What the command line asked for. */
struct settings {
    int help;
    int version;
    int verbose;
    unsigned formats; /* FMT() bits the command accepts */
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
    struct interval since;
    const char *since_text;
    int has_until;
    struct interval until;
    const char *until_text;
    const char *text;
};

/* ------------------------------------------------------------------------ */
/* Messages                                                                  */
/* ------------------------------------------------------------------------ */

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static void errorf(const char *fmt, ...) PRINTF_LIKE(1, 2);
static int usage_error(const char *command, const char *fmt, ...) PRINTF_LIKE(2, 3);

/*
 * Print a formatted message on stderr on one line: control characters that
 * a file name may hold (a line break could fake a second message, an escape
 * sequence could redraw the terminal) are written as \n, \t or \xNN.
 */
static void vprint_line(const char *fmt, va_list ap) PRINTF_LIKE(1, 0);
static void vprint_line(const char *fmt, va_list ap)
{
    char small[512];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    char *text = small;
    if (n >= (int)sizeof small && (text = malloc((size_t)n + 1)) != NULL)
        vsnprintf(text, (size_t)n + 1, fmt, ap);
    if (!text)
        text = small; /* out of memory: the message cut short */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\n')
            fputs("\\n", stderr);
        else if (*p == '\t')
            fputs("\\t", stderr);
        else if (*p < 0x20 || *p == 0x7F)
            fprintf(stderr, "\\x%02X", *p);
        else
            fputc(*p, stderr);
    }
    if (text != small)
        free(text);
    fputc('\n', stderr);
}

/* "peerreview: <message>" on stderr. */
static void errorf(const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vprint_line(fmt, ap);
    va_end(ap);
}

/*
 * Report a usage error of command (NULL: of the global command line) as
 * "peerreview COMMAND: <message>" and point at that command's help.
 * Returns EXIT_TROUBLE.
 */
static int usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    const char *space = command ? " " : "";
    if (!command)
        command = "";
    fprintf(stderr, PROG "%s%s: ", space, command);
    va_start(ap, fmt);
    vprint_line(fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '" PROG "%s%s --help'.\n", space, command);
    return EXIT_TROUBLE;
}

static int out_of_memory(void)
{
    errorf("out of memory");
    return EXIT_TROUBLE;
}

/* ------------------------------------------------------------------------ */
/* Usage texts                                                               */
/* ------------------------------------------------------------------------ */

/* The lines of --delimiter and --encoding in every reading command's help. */
#define READ_OPTIONS_HELP                                                                          \
    "  --delimiter=CHAR          read values separated by CHAR instead of ',':\n"                  \
    "                            ';', ',', a TAB, or the words 'semicolon',\n"                     \
    "                            'comma' or 'tab' (any punctuation but '\"')\n"                    \
    "  --encoding=NAME           read files in the encoding NAME instead of\n"                     \
    "                            UTF-8, e.g. windows-1252 or iso-8859-1\n"                         \
    "  --max-records=N           stop reading at more than N records, all the\n"                   \
    "                            tables of a package together (default 1000000;\n"                 \
    "                            a record takes about 150 bytes of memory)\n"

static const char usage_main[] =
    "Usage: " PROG " COMMAND [OPTION]... [ARGUMENT]...\n"
    "       " PROG " --help | --version\n"
    "\n"
    "Check and convert records of LGA peer reviews of English councils\n"
    "(data format version 1).\n"
    "\n"
    "Commands:\n"
    "  validate   check datasets and report every problem found\n"
    "  convert    convert a dataset between package and flat form\n"
    "  stats      count reviews by type, stage, year, council and region\n"
    "  query      list the reviews that match filters\n"
    "  diff       compare two versions of a dataset\n"
    "\n"
    "Options:\n"
    "  -h, --help     print this help and exit\n"
    "  -V, --version  print version information and exit\n"
    "\n"
    "A dataset PATH is a package folder, its datapackage.json, or a flat .csv\n"
    "file; '-' reads a flat file from standard input (problems name it\n"
    "<stdin>), and convert's OUT '-' writes the flat form to standard output.\n"
    "Every command that reads datasets takes --delimiter and --encoding\n"
    "for CSV files saved with another separator or in another encoding.\n"
    "Options may come before or after the arguments; '--' ends them.\n"
    "While reading more than 50 MB, progress is shown on stderr when it is a\n"
    "terminal.\n"
    "\n"
    "Exit status: 0 success (warnings allowed), 1 the data has errors (diff:\n"
    "the datasets differ), 2 usage error, I/O error or out of memory.\n"
    "'" PROG " COMMAND --help' describes one command; 'man " PROG "' all of them.\n";

static const char usage_validate[] =
    "Usage: " PROG " validate [OPTION]... PATH...\n"
    "\n"
    "Check each dataset PATH against every rule of the format and report the\n"
    "problems found (errors and warnings). PATH '-' (once) reads a flat file\n"
    "from standard input; its problems name it <stdin>.\n"
    "\n"
    "  --format=FORMAT           'text' (default) or 'json'\n"
    "  --max-problems=N          report at most N problems per PATH (default\n"
    "                            100; 0 stops at the first error)\n"
    "  --ignore-unknown-columns  skip columns the format does not know instead\n"
    "                            of reporting them as errors\n" READ_OPTIONS_HELP
    "  -h, --help                print this help and exit\n"
    "\n"
    "Text output: one line per problem,\n"
    "  FILE:LINE:COLUMN: SEVERITY: FIELD: MESSAGE [CODE]\n"
    "(parts that do not apply are left out; COLUMN is the 1-based field number\n"
    "and the message names the spreadsheet cell), then one summary line:\n"
    "  checked N paths: E errors, W warnings (RESULT)\n"
    "where RESULT is 'valid', 'invalid' or 'I/O error'. When more problems\n"
    "were found than the cap allows, the summary line ends with\n"
    "  '; K problems not shown (raise --max-problems to see them)'.\n"
    "\n"
    "JSON output: JSON Lines, one object per problem,\n"
    "  {\"path\":\"...\",\"severity\":\"error\"|\"warning\",\"code\":\"...\",\"line\":N,\n"
    "   \"column\":N,\"record\":N,\"field\":\"...\",\"offset\":N,\"message\":\"...\"}\n"
    "(null where a part does not apply), then one summary object,\n"
    "  {\"summary\":true,\"files\":N,\"errors\":N,\"warnings\":N}\n"
    "and, on stderr, the number of problems not shown.\n"
    "\n"
    "Exit status: 0 every PATH is valid (warnings allowed), 1 errors were\n"
    "found, 2 usage error, I/O error or out of memory.\n";

static const char usage_convert[] =
    "Usage: " PROG " convert [OPTION]... IN OUT\n"
    "\n"
    "Load the dataset IN (package folder, datapackage.json or flat .csv file;\n"
    "'-': a flat file on standard input) and save it as OUT in canonical form.\n"
    "OUT is written atomically: a flat file when it ends in '.csv', else a\n"
    "package folder (created if absent). OUT '-' writes the flat form to\n"
    "standard output as it is made (nothing when the flat form cannot hold\n"
    "the data; a write error there is an I/O error, exit status 2).\n"
    "\n"
    "  --flat                    write OUT as one flat CSV file\n"
    "  --package                 write OUT as a package folder\n"
    "  --spreadsheet-safe        neutralise formula triggers in text cells and\n"
    "                            write a UTF-8 BOM, for Excel (lossy)\n"
    "  --ignore-unknown-columns  skip columns of IN the format does not know\n" READ_OPTIONS_HELP
    "  -v, --verbose             say what was written (on stderr)\n"
    "  -h, --help                print this help and exit\n"
    "\n"
    "Problems are printed on stderr as FILE:LINE:COLUMN: SEVERITY: FIELD:\n"
    "MESSAGE [CODE]. Warnings do not stop the conversion. OUT is always\n"
    "written in UTF-8 with ',' between values, whatever --delimiter and\n"
    "--encoding say about IN.\n"
    "\n"
    "Exit status: 0 converted, 1 IN has errors or OUT's form cannot hold the\n"
    "data, 2 usage error, I/O error or out of memory.\n";

static const char usage_stats[] =
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

static const char usage_query[] =
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

static const char usage_diff[] =
    "Usage: " PROG " diff [OPTION]... OLD NEW\n"
    "\n"
    "Compare two versions of a dataset: reviews added, removed and changed\n"
    "(matched by review_id) and, for each changed review, every field and\n"
    "child row that differs (rows matched by seq, items by kind and seq).\n"
    "The order of the reviews is not compared. --delimiter and --encoding\n"
    "apply to both OLD and NEW. One of them may be '-', a flat file on\n"
    "standard input.\n"
    "\n"
    "  --format=FORMAT           'text' (default) or 'json'\n"
    "  --ignore-unknown-columns  skip columns the format does not know\n" READ_OPTIONS_HELP
    "  -h, --help                print this help and exit\n"
    "\n"
    "Text output: nothing when the datasets are equal, else the reviews\n"
    "added, removed and changed (in NEW's order), then a summary line:\n"
    "  added: REVIEW_ID\n"
    "  removed: REVIEW_ID\n"
    "  changed: REVIEW_ID\n"
    "    FIELD: \"OLD\" -> \"NEW\"\n"
    "    TABLE[KEY].FIELD: \"OLD\" -> \"NEW\"\n"
    "    TABLE[KEY]: added {\"FIELD\":\"VALUE\",...}\n"
    "    TABLE[KEY]: removed {\"FIELD\":\"VALUE\",...}\n"
    "  reviews: N added, N removed, N changed, N unchanged\n"
    "where KEY is seq=N (kind=KIND,seq=N for items), values are quoted with\n"
    "JSON escapes and an empty value is shown as (empty).\n"
    "JSON output: one object with the keys old, new, added, removed, changed\n"
    "and unchanged; see 'man " PROG "'.\n"
    "\n"
    "Exit status: 0 the datasets are equal, 1 they differ, 2 usage error,\n"
    "either dataset cannot be loaded (problems on stderr), I/O error or out\n"
    "of memory.\n";

/* ------------------------------------------------------------------------ */
/* Printing problems                                                         */
/* ------------------------------------------------------------------------ */

/* One problem as FILE:LINE:COLUMN: SEVERITY: FIELD: MESSAGE [CODE]. */
static int print_problem_text(FILE *out, const peerreview_problem *p)
{
    char small[1024];
    size_t need = peerreview_problem_format(p, small, sizeof small);
    if (need < sizeof small) {
        fprintf(out, "%s\n", small);
        return 0;
    }
    if (need == SIZE_MAX)
        return -1;
    char *big = malloc(need + 1);
    if (!big)
        return -1;
    peerreview_problem_format(p, big, need + 1);
    fprintf(out, "%s\n", big);
    free(big);
    return 0;
}

/* Every stored problem of diag, in text form. */
static int print_diag_text(FILE *out, const peerreview_diag *diag)
{
    size_t n = peerreview_diag_count(diag);
    for (size_t i = 0; i < n; i++)
        if (print_problem_text(out, peerreview_diag_get(diag, i)) != 0)
            return -1;
    return 0;
}

/* Length of the valid UTF-8 sequence at s (at most len bytes), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t len)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n > len)
        return 0;
    unsigned long cp = c & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/*
 * s as a JSON string (quoted), or null when s is NULL. Control characters
 * are escaped, valid UTF-8 is passed through and any invalid byte becomes
 * U+FFFD so that the output is always valid JSON.
 */
static void print_json_string(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    fputc('"', out);
    while (len > 0) {
        unsigned c = *p;
        size_t n = 1;
        switch (c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\b':
            fputs("\\b", out);
            break;
        case '\f':
            fputs("\\f", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (c < 0x20) {
                fprintf(out, "\\u%04x", c);
            } else if (c < 0x80) {
                fputc((int)c, out);
            } else if ((n = utf8_sequence(p, len)) > 0) {
                fwrite(p, 1, n, out);
            } else {
                fputs("\\ufffd", out);
                n = 1;
            }
        }
        p += n;
        len -= n;
    }
    fputc('"', out);
}

/* A number, or null when it is the "none" value. */
static void print_json_number(FILE *out, unsigned long long v, int none)
{
    if (none)
        fputs("null", out);
    else
        fprintf(out, "%llu", v);
}

/* One problem as a JSON object on one line; path is used when it has no file. */
static void print_problem_json(FILE *out, const peerreview_problem *p, const char *path)
{
    const char *file = peerreview_problem_file(p);
    peerreview_code code_number = peerreview_problem_code(p);
    const char *code = peerreview_code_name((int)code_number);
    unsigned long line = peerreview_problem_line(p);
    unsigned long column = peerreview_problem_column(p);
    unsigned long record = peerreview_problem_record(p);
    long long offset = peerreview_problem_offset(p);

    fputs("{\"path\":", out);
    print_json_string(out, file ? file : path);
    fputs(",\"severity\":", out);
    print_json_string(out, peerreview_problem_severity(p) == PEERREVIEW_SEVERITY_ERROR ? "error"
                                                                                       : "warning");
    fputs(",\"code\":", out);
    print_json_string(out, code ? code : "unknown");
    fputs(",\"line\":", out);
    print_json_number(out, line, line == 0);
    fputs(",\"column\":", out);
    print_json_number(out, column, column == 0);
    fputs(",\"record\":", out);
    print_json_number(out, record, record == 0);
    fputs(",\"field\":", out);
    print_json_string(out, peerreview_problem_field(p));
    fputs(",\"offset\":", out);
    print_json_number(out, (unsigned long long)offset, offset < 0);
    fputs(",\"message\":", out);
    print_json_string(out, peerreview_problem_message(p));
    fputs("}\n", out);
}

/* ------------------------------------------------------------------------ */
/* Library options                                                           */
/* ------------------------------------------------------------------------ */

/*
 * Progress of a load on stderr: only for inputs of at least PROGRESS_MIN_BYTES
 * and only when stderr is a terminal (see input_options).
 */
#define PROGRESS_MIN_BYTES (50ull * 1000 * 1000)

struct progress {
    const char *path; /* what is being read, set before each load */
    int percent;      /* last percentage shown, -1: none yet */
};

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

/* Start reporting the progress of reading path. */
static void progress_begin(struct progress *pr, const char *path)
{
    pr->path = path;
    pr->percent = -1;
}

/* Erase the progress line, if one was shown. */
static void progress_end(struct progress *pr)
{
    if (pr->percent >= 0)
        fputs("\r\033[K", stderr);
    pr->percent = -1;
}

/*
 * Options for loading/validating from the settings, or NULL (out of memory).
 * pr (may be NULL) receives the progress when stderr is a terminal.
 */
static peerreview_options *input_options(const struct settings *s, struct progress *pr)
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

/* Options for saving from the settings, or NULL (out of memory). */
static peerreview_options *output_options(const struct settings *s)
{
    peerreview_options *opts = peerreview_options_new();
    if (!opts)
        return NULL;
    if (peerreview_options_set_form(opts, s->form) != PEERREVIEW_OK ||
        peerreview_options_set_spreadsheet_safe(opts, s->spreadsheet_safe) != PEERREVIEW_OK) {
        peerreview_options_free(opts);
        return NULL;
    }
    return opts;
}

/* 1 if diag holds a problem with this code. */
static int diag_has_code(const peerreview_diag *diag, peerreview_code code)
{
    size_t n = peerreview_diag_count(diag);
    for (size_t i = 0; i < n; i++)
        if (peerreview_problem_code(peerreview_diag_get(diag, i)) == code)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Standard input and output ('-')                                           */
/* ------------------------------------------------------------------------ */

/* What problems call standard input. */
#define STDIN_NAME "<stdin>"

/* 1 if path is '-': standard input or output where one file is meant. */
static int is_stdio(const char *path)
{
    return strcmp(path, "-") == 0;
}

/* How messages name an input or output path: 'PATH', or standard input or output. */
static const char *shown_path(const char *path, int output, char *buf, size_t size)
{
    if (is_stdio(path))
        return output ? "standard output" : "standard input";
    snprintf(buf, size, "'%s'", path);
    return buf;
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

/* peerreview_write_fn over standard output: every byte, or -1 with errno. */
static int write_stdout(void *ctx, const void *buf, size_t size)
{
    (void)ctx;
    const char *p = buf;
    while (size > 0) {
        ssize_t n = write(STDOUT_FILENO, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

/*
 * peerreview_load of path, or of standard input in the flat form for '-'
 * (problems name it <stdin>).
 */
static int load_path(const char *path, const peerreview_options *opts, peerreview_diag *diag,
                     peerreview_dataset **out)
{
    if (is_stdio(path))
        return peerreview_load_callback(read_stdin, NULL, -1, STDIN_NAME, opts, diag, out);
    return peerreview_load(path, opts, diag, out);
}

/*
 * A usage error if '-' is given more than once among the n operands (standard
 * input can be read once), else 0.
 */
static int stdin_once(const char *command, int n, char **operands)
{
    int seen = 0;
    for (int i = 0; i < n; i++)
        if (is_stdio(operands[i]) && seen++)
            return usage_error(command, "standard input ('-') can be read only once");
    return 0;
}

/* ------------------------------------------------------------------------ */
/* validate                                                                  */
/* ------------------------------------------------------------------------ */

struct validate_totals {
    size_t files;
    size_t errors;
    size_t warnings;
    size_t hidden; /* found but not stored because of the cap */
    int data_error;
    int trouble; /* I/O error or invalid argument */
};

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void print_summary_text(const struct validate_totals *t)
{
    const char *result = t->trouble ? "I/O error" : t->data_error ? "invalid" : "valid";
    printf("checked %zu %s: %zu %s, %zu %s (%s)", t->files, plural(t->files, "path", "paths"),
           t->errors, plural(t->errors, "error", "errors"), t->warnings,
           plural(t->warnings, "warning", "warnings"), result);
    if (t->hidden > 0)
        printf("; %zu %s not shown (raise --max-problems to see them)", t->hidden,
               plural(t->hidden, "problem", "problems"));
    putchar('\n');
}

static void print_summary_json(const struct validate_totals *t)
{
    printf("{\"summary\":true,\"files\":%zu,\"errors\":%zu,\"warnings\":%zu}\n", t->files,
           t->errors, t->warnings);
    if (t->hidden > 0)
        errorf("%zu %s not shown (raise --max-problems to see them)", t->hidden,
               plural(t->hidden, "problem", "problems"));
}

/*
 * Validate one path, print its problems and add them to t. Returns 0, or -1
 * when memory ran out (for the caller to report).
 */
static int validate_one(const char *path, const peerreview_options *opts, const struct settings *s,
                        struct validate_totals *t, struct progress *pr)
{
    peerreview_diag *diag = peerreview_diag_new();
    if (!diag)
        return -1;
    progress_begin(pr, path);
    peerreview_dataset *ds = NULL;
    int rc = is_stdio(path) ? load_path(path, opts, diag, &ds)
                            : peerreview_validate_path(path, opts, diag);
    peerreview_dataset_free(ds);
    progress_end(pr);
    size_t stored = peerreview_diag_count(diag);
    size_t errors = peerreview_diag_errors(diag);
    size_t warnings = peerreview_diag_warnings(diag);
    int failed = 0;

    if (s->format == FORMAT_JSON) {
        for (size_t i = 0; i < stored; i++)
            print_problem_json(stdout, peerreview_diag_get(diag, i), path);
    } else if (print_diag_text(stdout, diag) != 0) {
        failed = 1;
    }
    t->files++;
    t->errors += errors;
    t->warnings += warnings;
    if (errors + warnings > stored)
        t->hidden += errors + warnings - stored;

    if (rc == PEERREVIEW_ENOMEM || diag_has_code(diag, PEERREVIEW_P_OUT_OF_MEMORY)) {
        failed = 1;
    } else if (rc == PEERREVIEW_EIO || diag_has_code(diag, PEERREVIEW_P_IO_ERROR)) {
        t->trouble = 1;
        if (stored == 0)
            errorf("%s: %s", path, peerreview_strerror(rc));
    } else if (rc == PEERREVIEW_EDATA || errors > 0) {
        t->data_error = 1;
    } else if (rc != PEERREVIEW_OK) {
        t->trouble = 1;
        errorf("%s: %s", path, peerreview_strerror(rc));
    }
    peerreview_diag_free(diag);
    return failed ? -1 : 0;
}

static int run_validate(const struct settings *s, int argc, char **argv)
{
    int rc = stdin_once("validate", argc, argv);
    if (rc != 0)
        return rc;
    struct validate_totals totals = {0, 0, 0, 0, 0, 0};
    struct progress pr = {NULL, -1};
    peerreview_options *opts = input_options(s, &pr);
    if (!opts)
        return out_of_memory();
    for (int i = 0; i < argc; i++) {
        if (validate_one(argv[i], opts, s, &totals, &pr) != 0) {
            peerreview_options_free(opts);
            return out_of_memory();
        }
    }
    peerreview_options_free(opts);
    if (s->format == FORMAT_JSON)
        print_summary_json(&totals);
    else
        print_summary_text(&totals);
    if (totals.trouble)
        return EXIT_TROUBLE;
    return totals.data_error ? EXIT_DATA : EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* convert                                                                   */
/* ------------------------------------------------------------------------ */

/* Exit status for a failed load or save. */
static int failure_status(int rc)
{
    return rc == PEERREVIEW_EDATA || rc == PEERREVIEW_EUNSUPPORTED ? EXIT_DATA : EXIT_TROUBLE;
}

/* Print diag on stderr and return EXIT_TROUBLE if that ran out of memory. */
static int report_problems(const peerreview_diag *diag)
{
    return print_diag_text(stderr, diag) == 0 ? EXIT_OK : out_of_memory();
}

/*
 * Load the dataset at path with the settings' input options, printing its
 * problems (warnings too) on stderr. Returns EXIT_OK with *out owned by the
 * caller, or the exit status (EXIT_DATA for data errors when data_status
 * says so, else EXIT_TROUBLE) with *out NULL.
 */
static int load_dataset(const struct settings *s, const char *path, int data_status,
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

static const char *form_name(peerreview_form form, const char *path)
{
    if (is_stdio(path))
        return "flat file";
    if (form == PEERREVIEW_FORM_AUTO) {
        size_t n = strlen(path);
        form = n >= 4 && strcmp(path + n - 4, ".csv") == 0 ? PEERREVIEW_FORM_FLAT
                                                           : PEERREVIEW_FORM_PACKAGE;
    }
    return form == PEERREVIEW_FORM_FLAT ? "flat file" : "package";
}

static int convert(const struct settings *s, const char *in, const char *out,
                   peerreview_options *save_opts, peerreview_diag *diag)
{
    peerreview_dataset *ds = NULL;
    int status = load_dataset(s, in, EXIT_DATA, &ds);
    if (status != EXIT_OK)
        return status;
    /* '-': the flat form on standard output, written as it is made (nothing
       is written of a dataset the flat form cannot hold) */
    int rc = is_stdio(out) ? peerreview_render_callback(ds, -1, save_opts, diag, write_stdout, NULL)
                           : peerreview_save(ds, out, save_opts, diag);
    size_t reviews = peerreview_dataset_count(ds);
    peerreview_dataset_free(ds);
    if (report_problems(diag) != EXIT_OK)
        return EXIT_TROUBLE;
    if (rc != PEERREVIEW_OK) {
        if (is_stdio(out))
            errorf("cannot write to standard output: %s", peerreview_strerror(rc));
        else
            errorf("cannot save '%s': %s", out, peerreview_strerror(rc));
        return failure_status(rc);
    }
    char from[4200], to[4200];
    if (s->verbose)
        errorf("converted %s to %s %s (%zu %s)", shown_path(in, 0, from, sizeof from),
               form_name(s->form, out), shown_path(out, 1, to, sizeof to), reviews,
               plural(reviews, "review", "reviews"));
    return EXIT_OK;
}

static int run_convert(const struct settings *s, int argc, char **argv)
{
    (void)argc;
    if (is_stdio(argv[1]) && s->form == PEERREVIEW_FORM_PACKAGE)
        return usage_error("convert", "a package folder cannot be written to standard output "
                                      "('-'); give a folder, or write the flat form (--flat)");
    peerreview_options *save_opts = output_options(s);
    peerreview_diag *diag = peerreview_diag_new();
    int status;
    if (!save_opts || !diag)
        status = out_of_memory();
    else
        status = convert(s, argv[0], argv[1], save_opts, diag);
    peerreview_diag_free(diag);
    peerreview_options_free(save_opts);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Helpers for stats, query and diff                                         */
/* ------------------------------------------------------------------------ */

/*
 * Values through the checked getters. Column names here are the schema's; a
 * name the library does not know is a bug in this program, not in the data.
 */
static const char *checked_value(int rc, const char *column)
{
    if (rc == PEERREVIEW_EINVAL) {
        fprintf(stderr, "peerreview: internal error: no column '%s'\n", column);
        abort();
    }
    return NULL;
}

/* Value of a reviews column by name (borrowed), NULL when empty. */
static const char *review_text(const peerreview_review *r, const char *column)
{
    const char *v = NULL;
    int rc = peerreview_review_get_byname(r, column, &v);
    return rc == PEERREVIEW_OK ? v : checked_value(rc, column);
}

/* Value of a child row's column by name (borrowed), NULL when empty. */
static const char *row_text(const peerreview_row *row, const char *column)
{
    const char *v = NULL;
    int rc = peerreview_row_get_byname(row, column, &v);
    return rc == PEERREVIEW_OK ? v : checked_value(rc, column);
}

/* Value of a reviews column by index (borrowed), NULL when empty. */
static const char *review_cell(const peerreview_review *r, size_t column)
{
    const char *v = NULL;
    int rc = peerreview_review_get_byindex(r, column, &v);
    return rc == PEERREVIEW_OK
               ? v
               : checked_value(rc, peerreview_column_name(PEERREVIEW_REVIEWS, column));
}

/* Value of a row's column by index (borrowed), NULL when empty. */
static const char *row_cell(const peerreview_row *row, size_t column)
{
    const char *v = NULL;
    int rc = peerreview_row_get_byindex(row, column, &v);
    return rc == PEERREVIEW_OK
               ? v
               : checked_value(rc, peerreview_column_name(peerreview_row_table(row), column));
}

/* The review_id of a review: its table's (only) key column. */
static const char *review_id_of(const peerreview_review *r)
{
    return review_cell(r, (size_t)peerreview_table_key_column(PEERREVIEW_REVIEWS, 0));
}

/* Dates of a review, in the order that decides its first known date. */
static const char *const review_dates[] = {"onsite_start", "onsite_end", "report_date",
                                           "published_date"};

#define REVIEW_DATE_COUNT (sizeof review_dates / sizeof review_dates[0])

/* First known date of a review (borrowed), or NULL when it has none. */
static const char *first_date(const peerreview_review *r)
{
    for (size_t i = 0; i < REVIEW_DATE_COUNT; i++) {
        const char *d = review_text(r, review_dates[i]);
        if (d)
            return d;
    }
    return NULL;
}

/* The days a reduced-precision date covers; 0, or -1 if it is not a date. */
static int date_interval(const char *text, struct interval *iv)
{
    peerreview_date d;
    if (peerreview_date_parse(text, &d) != PEERREVIEW_OK)
        return -1;
    iv->start = d.first_day;
    iv->end = d.last_day;
    return 0;
}

/* 1 if value is one of the allowed values of an enum column. */
static int enum_allows(int table, const char *column, const char *value)
{
    int c = peerreview_column_index(table, column);
    if (c < 0)
        return 0;
    size_t n = peerreview_column_enum_count(table, (size_t)c);
    for (size_t i = 0; i < n; i++)
        if (strcmp(peerreview_column_enum_value(table, (size_t)c, i), value) == 0)
            return 1;
    return 0;
}

/* The allowed values of an enum column as "a, b, c" into buf. */
static const char *enum_list(int table, const char *column, char *buf, size_t size)
{
    int c = peerreview_column_index(table, column);
    size_t n = c < 0 ? 0 : peerreview_column_enum_count(table, (size_t)c);
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && len < size; i++) {
        int w = snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
                         peerreview_column_enum_value(table, (size_t)c, i));
        if (w < 0)
            break;
        len += (size_t)w;
    }
    return buf;
}

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

/* 1 if a and b are the same value (NULL = unknown). */
static int same_value(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Display width of a UTF-8 string: one column per code point. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

/* s then spaces up to width columns. */
/*
 * Text for a terminal table: control characters (line breaks, tabs, escape
 * sequences a file could smuggle in) print as spaces. Returns the width.
 */
static size_t print_text(FILE *out, const char *s)
{
    size_t w = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        fputc(c < 0x20 || c == 0x7f ? ' ' : c, out);
        w += (c & 0xC0) != 0x80;
    }
    return w;
}

static void print_padded(FILE *out, const char *s, size_t width)
{
    for (size_t w = print_text(out, s); w < width; w++)
        fputc(' ', out);
}

/* A CSV field, quoted only when it needs it; NULL is an empty field. */
static void print_csv_field(FILE *out, const char *s)
{
    if (!s)
        return;
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
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
 * Name of a child table's list in JSON (as in the Python API): the library's
 * list name, or for items (whose flat-form lists are per kind) the table name.
 */
static const char *child_list_name(int table)
{
    const char *name = peerreview_table_list_name(table);
    return name ? name : peerreview_table_name(table);
}

/* A value of a column as JSON: integers as numbers, unknown as null. */
static void print_json_value(FILE *out, int table, size_t column, const char *value)
{
    if (value && peerreview_column_type(table, column) == PEERREVIEW_TYPE_INTEGER)
        fputs(value, out);
    else
        print_json_string(out, value);
}

/* 1 if column is part of a table's primary key. */
static int is_key_column(int table, size_t column)
{
    for (size_t i = 0; i < peerreview_table_key_count(table); i++)
        if (peerreview_table_key_column(table, i) == (int)column)
            return 1;
    return 0;
}

/*
 * A child row as a JSON object of its columns without review_id; with
 * skip_empty also without the key columns and the unknown values.
 */
static void print_row_json(FILE *out, const peerreview_row *row, int skip_empty)
{
    int table = peerreview_row_table(row);
    size_t n = peerreview_column_count(table);
    int first = 1;
    fputc('{', out);
    for (size_t c = 1; c < n; c++) {
        const char *name = peerreview_column_name(table, c);
        const char *v = row_cell(row, c);
        if (skip_empty && (!v || is_key_column(table, c)))
            continue;
        if (!first)
            fputc(',', out);
        first = 0;
        print_json_string(out, name);
        fputc(':', out);
        print_json_value(out, table, c, v);
    }
    fputc('}', out);
}

/* A review as a JSON object: every field, then its five child lists. */
static void print_review_json(FILE *out, const peerreview_review *r)
{
    size_t n = peerreview_column_count(PEERREVIEW_REVIEWS);
    fputc('{', out);
    for (size_t c = 0; c < n; c++) {
        if (c)
            fputc(',', out);
        print_json_string(out, peerreview_column_name(PEERREVIEW_REVIEWS, c));
        fputc(':', out);
        print_json_value(out, PEERREVIEW_REVIEWS, c, review_cell(r, c));
    }
    for (int t = PEERREVIEW_REVIEW_COUNCILS; t <= PEERREVIEW_SOURCES; t++) {
        fprintf(out, ",\"%s\":[", child_list_name(t));
        size_t rows = peerreview_review_child_count(r, t);
        for (size_t i = 0; i < rows; i++) {
            if (i)
                fputc(',', out);
            print_row_json(out, peerreview_review_child_byindex(r, t, i), 0);
        }
        fputc(']', out);
    }
    fputc('}', out);
}

/* argv[0], to find the sample of the build tree when running uninstalled. */
static const char *program_path;

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

/*
 * The dataset of a command: PATH, or the sample when path is NULL (the
 * installed one; from the build tree if it is not installed). Returns
 * EXIT_OK with *out owned by the caller, or an exit status; *shown is the
 * path used.
 */
static int load_input(const struct settings *s, const char *path, peerreview_dataset **out,
                      char *buf, size_t size, const char **shown)
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
/* stats                                                                     */
/* ------------------------------------------------------------------------ */

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
    fputs("{\n  \"path\": ", out);
    print_json_string(out, path);
    fprintf(out,
            ",\n  \"reviews\": %zu,\n  \"councils\": %zu,\n  \"council_reviews\": %zu,\n"
            "  \"items\": %zu",
            st->reviews, st->councils, st->council_reviews, st->items);
    for (int i = 0; i < T_REPEATED; i++) {
        const struct tally *t = &st->t[i];
        fprintf(out, ",\n  \"%s\": {", t->key);
        for (size_t j = 0; j < t->n; j++) {
            fputs(j ? ", " : "", out);
            print_json_string(out, t->e[j].value);
            fprintf(out, ": %zu", t->e[j].count);
        }
        fputc('}', out);
    }
    const struct tally *rep = &st->t[T_REPEATED];
    fprintf(out, ",\n  \"%s\": [", rep->key);
    for (size_t j = 0; j < rep->n; j++) {
        const struct tally_entry *e = &rep->e[j];
        const struct council_occ *o = &st->occ[e->first];
        fputs(j ? ",\n    " : "\n    ", out);
        fputs("{\"gss_code\": ", out);
        print_json_string(out, o->gss_code);
        fputs(", \"council_name\": ", out);
        print_json_string(out, o->council_name);
        fprintf(out, ", \"reviews\": %zu, \"review_ids\": [", e->count);
        for (size_t k = 0; k < e->count; k++) {
            fputs(k ? ", " : "", out);
            print_json_string(out, o[k].review_id);
        }
        fputs("]}", out);
    }
    fputs(rep->n ? "\n  ]\n}\n" : "]\n}\n", out);
}

static void print_stats_csv(FILE *out, const struct stats *st)
{
    fputs("category,value,label,count\r\n", out);
    fprintf(out, "reviews,,,%zu\r\ncouncils,,,%zu\r\ncouncil_reviews,,,%zu\r\nitems,,,%zu\r\n",
            st->reviews, st->councils, st->council_reviews, st->items);
    for (int i = 0; i < T_COUNT; i++) {
        const struct tally *t = &st->t[i];
        for (size_t j = 0; j < t->n; j++) {
            fprintf(out, "%s,", t->key);
            print_csv_field(out, t->e[j].value);
            fputc(',', out);
            print_csv_field(out, t->e[j].label);
            fprintf(out, ",%zu\r\n", t->e[j].count);
        }
    }
}

static int run_stats(const struct settings *s, int argc, char **argv)
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
    } else {
        if (s->format == FORMAT_JSON)
            print_stats_json(stdout, &st, shown);
        else if (s->format == FORMAT_CSV)
            print_stats_csv(stdout, &st);
        else
            print_stats_table(stdout, &st, shown);
    }
    stats_free(&st);
    peerreview_dataset_free(ds);
    return status;
}

/* ------------------------------------------------------------------------ */
/* query                                                                     */
/* ------------------------------------------------------------------------ */

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
        struct interval iv;
        const char *d = review_text(r, review_dates[i]);
        if (!d || date_interval(d, &iv) != 0)
            continue;
        if (s->has_since && iv.end >= s->since.start)
            since_ok = 1;
        if (s->has_until && iv.start <= s->until.end)
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

static const char word_separators[] = " \t\r\n\f\v";

/* 1 if every word of text is in r. */
static int text_matches(const peerreview_review *r, const char *text)
{
    for (const char *p = text + strspn(text, word_separators); *p;) {
        size_t len = strcspn(p, word_separators);
        if (!word_in_review(r, p, len))
            return 0;
        p += len;
        p += strspn(p, word_separators);
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

/* A table cell: the text with line breaks and tabs shown as spaces. */
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
    if (n == 0) {
        fputs("[]\n", out);
        return;
    }
    fputs("[\n", out);
    for (size_t i = 0; i < n; i++) {
        fputs("  ", out);
        print_review_json(out, m[i]);
        fputs(i + 1 < n ? ",\n" : "\n", out);
    }
    fputs("]\n", out);
}

/*
 * A copy of review r (not in any dataset) into *out. Returns PEERREVIEW_OK
 * or the failing status.
 */
static int copy_review(const peerreview_review *r, peerreview_diag *diag, peerreview_review **out)
{
    peerreview_review *c = peerreview_review_new();
    *out = NULL;
    if (!c)
        return PEERREVIEW_ENOMEM;
    int rc = PEERREVIEW_OK;
    size_t n = peerreview_column_count(PEERREVIEW_REVIEWS);
    for (size_t k = 0; k < n && rc == PEERREVIEW_OK; k++)
        rc = peerreview_review_set_byindex(c, k, review_cell(r, k), diag);
    for (int t = PEERREVIEW_REVIEW_COUNCILS; t <= PEERREVIEW_SOURCES && rc == PEERREVIEW_OK; t++) {
        size_t rows = peerreview_review_child_count(r, t);
        size_t cols = peerreview_column_count(t);
        for (size_t i = 0; i < rows && rc == PEERREVIEW_OK; i++) {
            const peerreview_row *from = peerreview_review_child_byindex(r, t, i);
            peerreview_row *to = NULL;
            rc = peerreview_review_add_child(c, t, &to);
            /* the first key column is review_id, the parent's; items set kind before seq */
            size_t parent = (size_t)peerreview_table_key_column(t, 0);
            for (size_t k = 0; k < cols && rc == PEERREVIEW_OK; k++)
                if (k != parent)
                    rc = peerreview_row_set_byindex(to, k, row_cell(from, k), diag);
        }
    }
    if (rc != PEERREVIEW_OK) {
        peerreview_review_free(c);
        return rc;
    }
    *out = c;
    return PEERREVIEW_OK;
}

/* The matching reviews in the flat form on out. */
static int print_query_csv(FILE *out, const peerreview_dataset *ds, const char *matched)
{
    size_t total = peerreview_dataset_count(ds);
    peerreview_dataset *sub = peerreview_dataset_new();
    peerreview_diag *diag = peerreview_diag_new();
    int status = EXIT_OK, rc;
    char *text = NULL;
    size_t len = 0;

    if (!sub || !diag) {
        status = out_of_memory();
        goto done;
    }
    for (size_t i = 0; i < total && status == EXIT_OK; i++) {
        if (!matched[i])
            continue;
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        peerreview_review *copy = NULL;
        rc = copy_review(r, diag, &copy);
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
    /* a selection may name parent reviews it does not hold: render, don't save */
    rc = peerreview_render(sub, -1, NULL, diag, &text, &len);
    if (rc != PEERREVIEW_OK) {
        status = report_problems(diag);
        errorf("cannot write the result in the flat form: %s", peerreview_strerror(rc));
        if (status == EXIT_OK)
            status = failure_status(rc);
        goto done;
    }
    fwrite(text, 1, len, out);

done:
    peerreview_free(text);
    peerreview_diag_free(diag);
    peerreview_dataset_free(sub);
    return status;
}

static int run_query(const struct settings *s, int argc, char **argv)
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

/* ------------------------------------------------------------------------ */
/* diff                                                                      */
/* ------------------------------------------------------------------------ */

enum change_kind { CH_FIELD, CH_ROW_ADDED, CH_ROW_REMOVED, CH_ROW_FIELD };

/* One difference inside a review present in both datasets. */
struct change {
    enum change_kind kind;
    int table;                 /* PEERREVIEW_REVIEWS for CH_FIELD */
    const peerreview_row *row; /* the row (old one unless added) */
    size_t column;             /* CH_FIELD, CH_ROW_FIELD */
    const char *old_value, *new_value;
};

struct changes {
    struct change *c;
    size_t n, cap;
};

static int changes_add(struct changes *ch, enum change_kind kind, int table,
                       const peerreview_row *row, size_t column, const char *a, const char *b)
{
    if (ch->n == ch->cap) {
        size_t cap = ch->cap ? 2 * ch->cap : 16;
        struct change *c = realloc(ch->c, cap * sizeof *c);
        if (!c)
            return -1;
        ch->c = c;
        ch->cap = cap;
    }
    struct change *c = &ch->c[ch->n++];
    c->kind = kind;
    c->table = table;
    c->row = row;
    c->column = column;
    c->old_value = a;
    c->new_value = b;
    return 0;
}

/* 1 if two rows of one table have the same primary key. */
static int same_key(const peerreview_row *a, const peerreview_row *b)
{
    int table = peerreview_row_table(a);
    for (size_t i = 0; i < peerreview_table_key_count(table); i++) {
        size_t c = (size_t)peerreview_table_key_column(table, i);
        if (!same_value(row_cell(a, c), row_cell(b, c)))
            return 0;
    }
    return 1;
}

/* The row of r's child list table with the key of row, or NULL. */
static const peerreview_row *find_row(const peerreview_review *r, int table,
                                      const peerreview_row *row)
{
    size_t n = peerreview_review_child_count(r, table);
    for (size_t i = 0; i < n; i++) {
        const peerreview_row *x = peerreview_review_child_byindex(r, table, i);
        if (same_key(x, row))
            return x;
    }
    return NULL;
}

/* Every difference between two reviews with the same review_id into ch. */
static int diff_review(const peerreview_review *old, const peerreview_review *new,
                       struct changes *ch)
{
    ch->n = 0;
    size_t n = peerreview_column_count(PEERREVIEW_REVIEWS);
    for (size_t c = 0; c < n; c++) {
        const char *a = review_cell(old, c), *b = review_cell(new, c);
        if (!same_value(a, b) && changes_add(ch, CH_FIELD, PEERREVIEW_REVIEWS, NULL, c, a, b))
            return -1;
    }
    for (int t = PEERREVIEW_REVIEW_COUNCILS; t <= PEERREVIEW_SOURCES; t++) {
        size_t cols = peerreview_column_count(t);
        size_t no = peerreview_review_child_count(old, t);
        size_t nn = peerreview_review_child_count(new, t);
        for (size_t i = 0; i < no; i++) {
            const peerreview_row *a = peerreview_review_child_byindex(old, t, i);
            const peerreview_row *b = find_row(new, t, a);
            if (!b) {
                if (changes_add(ch, CH_ROW_REMOVED, t, a, 0, NULL, NULL))
                    return -1;
                continue;
            }
            for (size_t c = 1; c < cols; c++) {
                const char *x = row_cell(a, c), *y = row_cell(b, c);
                if (!same_value(x, y) && changes_add(ch, CH_ROW_FIELD, t, a, c, x, y))
                    return -1;
            }
        }
        for (size_t i = 0; i < nn; i++) {
            const peerreview_row *b = peerreview_review_child_byindex(new, t, i);
            if (!find_row(old, t, b) && changes_add(ch, CH_ROW_ADDED, t, b, 0, NULL, NULL))
                return -1;
        }
    }
    return 0;
}

/* A value in the text output: quoted with JSON escapes, or (empty). */
static void print_text_value(FILE *out, const char *v)
{
    if (v)
        print_json_string(out, v);
    else
        fputs("(empty)", out);
}

/*
 * The key of a child row within its review (its key columns after review_id):
 * "seq=N" or "kind=K,seq=N"; JSON: an object.
 */
static void print_row_key(FILE *out, const peerreview_row *row, int json)
{
    int table = peerreview_row_table(row);
    size_t n = peerreview_table_key_count(table);
    if (json)
        fputc('{', out);
    for (size_t i = 1; i < n; i++) {
        size_t c = (size_t)peerreview_table_key_column(table, i);
        const char *name = peerreview_column_name(table, c);
        const char *v = row_cell(row, c);
        if (json) {
            if (i > 1)
                fputc(',', out);
            print_json_string(out, name);
            fputc(':', out);
            print_json_value(out, table, c, v);
        } else {
            fprintf(out, "%s%s=%s", i > 1 ? "," : "", name, v ? v : "");
        }
    }
    if (json)
        fputc('}', out);
}

static void print_changes_text(FILE *out, const char *review_id, const struct changes *ch)
{
    fprintf(out, "changed: %s\n", review_id);
    for (size_t i = 0; i < ch->n; i++) {
        const struct change *c = &ch->c[i];
        fputs("  ", out);
        if (c->kind != CH_FIELD) {
            fprintf(out, "%s[", peerreview_table_name(c->table));
            print_row_key(out, c->row, 0);
            fputc(']', out);
        }
        if (c->kind == CH_ROW_ADDED || c->kind == CH_ROW_REMOVED) {
            fputs(c->kind == CH_ROW_ADDED ? ": added " : ": removed ", out);
            print_row_json(out, c->row, 1);
        } else {
            fprintf(out, "%s%s: ", c->kind == CH_ROW_FIELD ? "." : "",
                    peerreview_column_name(c->table, c->column));
            print_text_value(out, c->old_value);
            fputs(" -> ", out);
            print_text_value(out, c->new_value);
        }
        fputc('\n', out);
    }
}

static void print_field_change_json(FILE *out, const struct change *c)
{
    fputs("{\"field\":", out);
    print_json_string(out, peerreview_column_name(c->table, c->column));
    fputs(",\"old\":", out);
    print_json_value(out, c->table, c->column, c->old_value);
    fputs(",\"new\":", out);
    print_json_value(out, c->table, c->column, c->new_value);
    fputc('}', out);
}

static void print_changes_json(FILE *out, const char *review_id, const struct changes *ch)
{
    fputs("{\"review_id\":", out);
    print_json_string(out, review_id);
    fputs(",\"fields\":[", out);
    size_t i = 0, listed = 0;
    for (; i < ch->n && ch->c[i].kind == CH_FIELD; i++) {
        fputs(i ? "," : "", out);
        print_field_change_json(out, &ch->c[i]);
    }
    fputs("],\"rows\":[", out);
    while (i < ch->n) {
        const struct change *c = &ch->c[i];
        fprintf(out, "%s{\"table\":\"%s\",\"key\":", listed++ ? "," : "",
                peerreview_table_name(c->table));
        print_row_key(out, c->row, 1);
        if (c->kind == CH_ROW_FIELD) {
            fputs(",\"change\":\"changed\",\"fields\":[", out);
            const peerreview_row *row = c->row;
            for (size_t k = 0; i < ch->n && ch->c[i].kind == CH_ROW_FIELD && ch->c[i].row == row;
                 i++, k++) {
                fputs(k ? "," : "", out);
                print_field_change_json(out, &ch->c[i]);
            }
            fputs("]}", out);
        } else {
            int added = c->kind == CH_ROW_ADDED;
            fprintf(out, ",\"change\":\"%s\",\"%s\":", added ? "added" : "removed",
                    added ? "new" : "old");
            print_row_json(out, c->row, 0);
            fputc('}', out);
            i++;
        }
    }
    fputs("]}", out);
}

/* The reviews of from that are not in other, as lines or a JSON list. */
static size_t print_missing(FILE *out, const peerreview_dataset *from,
                            const peerreview_dataset *other, const char *what, int json)
{
    size_t n = peerreview_dataset_count(from), listed = 0;
    if (json)
        fprintf(out, ",\"%s\":[", what);
    for (size_t i = 0; i < n; i++) {
        const char *id = review_id_of(peerreview_dataset_review_byindex(from, i));
        if (peerreview_dataset_review_byid(other, id))
            continue;
        if (json) {
            fputs(listed ? "," : "", out);
            print_json_string(out, id);
        } else {
            fprintf(out, "%s: %s\n", what, id);
        }
        listed++;
    }
    if (json)
        fputc(']', out);
    return listed;
}

static int run_diff(const struct settings *s, int argc, char **argv)
{
    int status = stdin_once("diff", argc, argv);
    if (status != 0)
        return status;
    peerreview_dataset *old = NULL, *new = NULL;
    /* exit 1 means "different": unloadable inputs are trouble (2) */
    status = load_dataset(s, argv[0], EXIT_TROUBLE, &old);
    if (status == EXIT_OK)
        status = load_dataset(s, argv[1], EXIT_TROUBLE, &new);
    if (status != EXIT_OK) {
        peerreview_dataset_free(old);
        return status;
    }
    FILE *out = stdout;
    int json = s->format == FORMAT_JSON;
    struct changes ch = {NULL, 0, 0};
    size_t changed = 0, unchanged = 0;

    if (json) {
        fputs("{\"old\":", out);
        print_json_string(out, argv[0]);
        fputs(",\"new\":", out);
        print_json_string(out, argv[1]);
    }
    size_t added = print_missing(out, new, old, "added", json);
    size_t removed = print_missing(out, old, new, "removed", json);
    if (json)
        fputs(",\"changed\":[", out);
    size_t n = peerreview_dataset_count(new);
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        const peerreview_review *b = peerreview_dataset_review_byindex(new, i);
        const char *id = review_id_of(b);
        const peerreview_review *a = peerreview_dataset_review_byid(old, id);
        if (!a)
            continue;
        if (diff_review(a, b, &ch) != 0) {
            status = out_of_memory();
        } else if (ch.n == 0) {
            unchanged++;
        } else if (json) {
            fputs(changed++ ? "," : "", out);
            print_changes_json(out, id, &ch);
        } else {
            changed++;
            print_changes_text(out, id, &ch);
        }
    }
    free(ch.c);
    peerreview_dataset_free(new);
    peerreview_dataset_free(old);
    if (status != EXIT_OK)
        return status;
    if (json)
        fprintf(out, "],\"unchanged\":%zu}\n", unchanged);
    else if (added + removed + changed > 0)
        fprintf(out, "reviews: %zu added, %zu removed, %zu changed, %zu unchanged\n", added,
                removed, changed, unchanged);
    return added + removed + changed > 0 ? EXIT_DATA : EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Command table and option parsing                                          */
/* ------------------------------------------------------------------------ */

struct command {
    const char *name;
    unsigned options; /* F_* bits accepted */
    int min_args;
    int max_args;         /* -1: no limit */
    const char *operand1; /* names of the first two operands, for "missing ..." */
    const char *operand2;
    const char *expected; /* what the operands are, for "extra operand" */
    const char *usage;
    int (*run)(const struct settings *s, int argc, char **argv);
    unsigned formats;                  /* FMT() bits accepted by --format */
    enum output_format default_format; /* without --format */
};

#define QUERY_OPTIONS (F_COUNCIL | F_TYPE | F_STAGE | F_SINCE | F_UNTIL | F_TEXT)

static const struct command commands[] = {
    {"validate", F_HELP | F_FORMAT | F_MAX_PROBLEMS | F_INPUT, 1, -1, "PATH", NULL,
     "one or more PATHs", usage_validate, run_validate, FMT(FORMAT_TEXT) | FMT(FORMAT_JSON),
     FORMAT_TEXT},
    {"convert", F_HELP | F_VERBOSE | F_FLAT | F_PACKAGE | F_SPREADSHEET_SAFE | F_INPUT, 2, 2, "IN",
     "OUT", "IN and OUT", usage_convert, run_convert, 0, FORMAT_TEXT},
    {"stats", F_HELP | F_FORMAT | F_INPUT, 0, 1, "PATH", NULL, "at most one PATH", usage_stats,
     run_stats, FMT(FORMAT_TABLE) | FMT(FORMAT_JSON) | FMT(FORMAT_CSV), FORMAT_TABLE},
    {"query", F_HELP | F_FORMAT | F_INPUT | QUERY_OPTIONS, 1, 1, "PATH", NULL, "one PATH",
     usage_query, run_query, FMT(FORMAT_TABLE) | FMT(FORMAT_CSV) | FMT(FORMAT_JSON), FORMAT_TABLE},
    {"diff", F_HELP | F_FORMAT | F_INPUT, 2, 2, "OLD", "NEW", "OLD and NEW", usage_diff, run_diff,
     FMT(FORMAT_TEXT) | FMT(FORMAT_JSON), FORMAT_TEXT},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Parse a non-negative decimal count; 0 on success, -1 if not one. */
static int parse_count(const char *text, size_t *out)
{
    if (text[0] < '0' || text[0] > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE || v > SIZE_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

/*
 * The character --delimiter names: one character, or one of the words
 * "tab", "semicolon" and "comma" (any case). 0, or -1 if it names none;
 * whether the library reads that character is checked by the caller.
 */
static int delimiter_char(const char *arg, char *out)
{
    static const struct {
        const char *word;
        char c;
    } words[] = {{"tab", '\t'}, {"semicolon", ';'}, {"comma", ','}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const char *a = arg, *w = words[i].word;
        while (*a && *w && (*a == *w || *a - 'A' + 'a' == *w)) {
            a++;
            w++;
        }
        if (!*a && !*w) {
            *out = words[i].c;
            return 0;
        }
    }
    if (arg[0] == '\0' || arg[1] != '\0')
        return -1;
    *out = arg[0];
    return 0;
}

/* text for a message: at most size - 1 bytes, control characters as \xHH. */
static const char *shown(const char *text, char *buf, size_t size)
{
    size_t len = 0;
    for (; *text && len + 5 < size; text++) {
        unsigned char c = (unsigned char)*text;
        if (c < 0x20 || c == 0x7f)
            len += (size_t)snprintf(buf + len, size - len, "\\x%02x", c);
        else
            buf[len++] = (char)c;
    }
    buf[len] = '\0';
    return buf;
}

/*
 * Try --delimiter (delimiter >= 0) or --encoding on a scratch options object,
 * so that a value the library refuses is a usage error now, before any file
 * is read. Returns the library's status.
 */
static int library_accepts(int delimiter, const char *encoding)
{
    peerreview_options *probe = peerreview_options_new();
    if (!probe)
        return PEERREVIEW_ENOMEM;
    int rc = delimiter >= 0 ? peerreview_options_set_delimiter(probe, (char)delimiter)
                            : peerreview_options_set_encoding(probe, encoding);
    peerreview_options_free(probe);
    return rc;
}

/* Apply one option (getopt value c, argument arg). Returns 0 or EXIT_TROUBLE. */
static int apply_option(struct settings *s, int c, const char *arg, const char *command)
{
    switch (c) {
    case 'h':
        s->help = 1;
        return 0;
    case 'V':
        s->version = 1;
        return 0;
    case 'v':
        s->verbose = 1;
        return 0;
    case O_IGNORE_UNKNOWN:
        s->ignore_unknown = 1;
        return 0;
    case O_SPREADSHEET_SAFE:
        s->spreadsheet_safe = 1;
        return 0;
    case O_FORMAT: {
        for (size_t f = 0; f < FORMAT_COUNT; f++) {
            if ((s->formats & FMT(f)) && strcmp(arg, format_names[f]) == 0) {
                s->format = (enum output_format)f;
                return 0;
            }
        }
        char expected[64] = "";
        size_t len = 0, left = 0;
        for (size_t f = 0; f < FORMAT_COUNT; f++)
            left += (s->formats & FMT(f)) != 0;
        for (size_t f = 0; f < FORMAT_COUNT; f++) {
            if (!(s->formats & FMT(f)))
                continue;
            left--;
            int w = snprintf(expected + len, sizeof expected - len, "'%s'%s", format_names[f],
                             left > 1    ? ", "
                             : left == 1 ? " or "
                                         : "");
            if (w > 0 && (size_t)w < sizeof expected - len)
                len += (size_t)w;
        }
        return usage_error(command, "invalid --format '%s' (expected %s)", arg, expected);
    }
    case O_COUNCIL: {
        if (!arg[0])
            return usage_error(command, "--council needs a GSS code or a part of a council name");
        s->council = arg;
        /* a GSS code in any case: e10000034 is E10000034 (the library
           decides what a GSS code is) */
        size_t n = strlen(arg);
        int col = peerreview_column_index(PEERREVIEW_REVIEW_COUNCILS, "gss_code");
        s->council_gss[0] = '\0';
        if (col >= 0 && n < sizeof s->council_gss) {
            for (size_t i = 0; i <= n; i++)
                s->council_gss[i] =
                    (char)(arg[i] >= 'a' && arg[i] <= 'z' ? arg[i] - 'a' + 'A' : arg[i]);
            if (peerreview_check_value(PEERREVIEW_REVIEW_COUNCILS, (size_t)col, s->council_gss,
                                       NULL) != PEERREVIEW_OK)
                s->council_gss[0] = '\0';
        }
        return 0;
    }
    case O_TYPE:
    case O_STAGE: {
        const char *column = c == O_TYPE ? "review_type" : "stage";
        if (!enum_allows(PEERREVIEW_REVIEWS, column, arg)) {
            char list[512];
            return usage_error(command, "invalid --%s '%s' (expected one of: %s)",
                               c == O_TYPE ? "type" : "stage", arg,
                               enum_list(PEERREVIEW_REVIEWS, column, list, sizeof list));
        }
        if (c == O_TYPE)
            s->type = arg;
        else
            s->stage = arg;
        return 0;
    }
    case O_SINCE:
    case O_UNTIL: {
        struct interval iv;
        const char *name = c == O_SINCE ? "since" : "until";
        if (date_interval(arg, &iv) != 0)
            return usage_error(command,
                               "invalid --%s '%s' (expected a date YYYY, YYYY-MM or "
                               "YYYY-MM-DD that exists)",
                               name, arg);
        if (c == O_SINCE) {
            s->has_since = 1;
            s->since = iv;
            s->since_text = arg;
        } else {
            s->has_until = 1;
            s->until = iv;
            s->until_text = arg;
        }
        return 0;
    }
    case O_TEXT:
        if (!arg[strspn(arg, word_separators)])
            return usage_error(command, "--text needs at least one word");
        s->text = arg;
        return 0;
    case O_DELIMITER: {
        char d, buf[64];
        int rc = delimiter_char(arg, &d) == 0 ? library_accepts((unsigned char)d, NULL)
                                              : PEERREVIEW_EINVAL;
        if (rc == PEERREVIEW_ENOMEM)
            return out_of_memory();
        if (rc != PEERREVIEW_OK)
            return usage_error(command,
                               "invalid --delimiter '%s' (expected one punctuation character "
                               "such as ';' or ',', a TAB, or the word 'semicolon', 'comma' "
                               "or 'tab')",
                               shown(arg, buf, sizeof buf));
        s->has_delimiter = 1;
        s->delimiter = d;
        return 0;
    }
    case O_ENCODING: {
        char buf[64];
        int rc = arg[0] ? library_accepts(-1, arg) : PEERREVIEW_EINVAL;
        if (rc == PEERREVIEW_ENOMEM)
            return out_of_memory();
        if (rc != PEERREVIEW_OK)
            return usage_error(command,
                               "invalid --encoding '%s' (expected UTF-8 or a single-byte "
                               "encoding that keeps ASCII, such as windows-1252 or "
                               "iso-8859-1)",
                               shown(arg, buf, sizeof buf));
        s->encoding = arg;
        return 0;
    }
    case O_MAX_RECORDS:
        if (parse_count(arg, &s->max_records) != 0 || s->max_records == 0)
            return usage_error(command, "invalid --max-records '%s' (expected a number, 1 or more)",
                               arg);
        return 0;
    case O_MAX_PROBLEMS:
        if (parse_count(arg, &s->max_problems) != 0)
            return usage_error(command,
                               "invalid --max-problems '%s' (expected a number, 0 or more)", arg);
        s->max_problems_set = 1;
        return 0;
    case O_FLAT:
    case O_PACKAGE: {
        peerreview_form form = c == O_FLAT ? PEERREVIEW_FORM_FLAT : PEERREVIEW_FORM_PACKAGE;
        if (s->form != PEERREVIEW_FORM_AUTO && s->form != form)
            return usage_error(command, "--flat and --package cannot be used together");
        s->form = form;
        return 0;
    }
    default:
        return usage_error(command, "internal error: unhandled option %d", c);
    }
}

/* Report what getopt_long found wrong (c is '?' or ':'). */
static int getopt_error(int c, int argc, char **argv, const char *command)
{
    const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    int is_long = strncmp(arg, "--", 2) == 0;
    int name_len = (int)strcspn(arg, "=");
    if (c == ':') {
        if (!is_long && optopt > 0 && optopt < 256)
            return usage_error(command, "option '-%c' requires an argument", optopt);
        return usage_error(command, "option '%s' requires an argument", arg);
    }
    if (optopt == 0)
        return usage_error(command, "unknown or ambiguous option '%s'", arg);
    if (optopt >= 256 || (is_long && arg[name_len] == '='))
        return usage_error(command, "option '%.*s' does not take an argument", name_len, arg);
    return usage_error(command, "unknown option '-%c'", optopt);
}

/* Restart getopt for a new argument vector. */
static void getopt_restart(void)
{
#ifdef __GLIBC__
    optind = 0; /* glibc: full reinitialisation */
#else
    optind = 1;
#endif
}

/*
 * Parse the options in argv[1..argc) that the F_* bits in allowed select.
 * "posix" stops at the first non-option (for the global options). On
 * success returns 0 and sets *first to the index of the first argument.
 */
static int parse_options(int argc, char **argv, unsigned allowed, int posix, const char *command,
                         struct settings *s, int *first)
{
    struct option longopts[OPT_DEF_COUNT + 1];
    char shortopts[2 * OPT_DEF_COUNT + 3];
    size_t nl = 0, ns = 0;

    shortopts[ns++] = posix ? '+' : ':';
    if (posix)
        shortopts[ns++] = ':';
    for (size_t i = 0; i < OPT_DEF_COUNT; i++) {
        if (!(opt_defs[i].bit & allowed))
            continue;
        longopts[nl++] = opt_defs[i].lo;
        if (opt_defs[i].lo.val < 256) {
            shortopts[ns++] = (char)opt_defs[i].lo.val;
            if (opt_defs[i].lo.has_arg == required_argument)
                shortopts[ns++] = ':';
        }
    }
    memset(&longopts[nl], 0, sizeof longopts[nl]);
    shortopts[ns] = '\0';

    opterr = 0;
    getopt_restart();
    int c;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int rc = (c == '?' || c == ':') ? getopt_error(c, argc, argv, command)
                                        : apply_option(s, c, optarg, command);
        if (rc != 0)
            return rc;
    }
    *first = optind;
    return 0;
}

static int print_version(void)
{
    printf(PROG " %s (libpeerreview %s)\n", PEERREVIEW_VERSION, peerreview_version());
    return EXIT_OK;
}

static int print_main_help(void)
{
    fputs(usage_main, stdout);
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        putchar('\n');
        fputs(commands[i].usage, stdout);
    }
    return EXIT_OK;
}

static int run_command(const struct command *cmd, int argc, char **argv)
{
    struct settings s;
    memset(&s, 0, sizeof s);
    s.formats = cmd->formats;
    s.format = cmd->default_format;
    s.form = PEERREVIEW_FORM_AUTO;

    int first;
    int rc = parse_options(argc, argv, cmd->options, 0, cmd->name, &s, &first);
    if (rc != 0)
        return rc;
    if (s.help) {
        fputs(cmd->usage, stdout);
        return EXIT_OK;
    }
    int n = argc - first;
    if (n < cmd->min_args) { /* name what is missing: "missing OUT", "missing OLD and NEW" */
        int both = n == 0 && cmd->min_args == 2;
        return usage_error(cmd->name, "missing %s%s%s", n == 0 ? cmd->operand1 : cmd->operand2,
                           both ? " and " : "", both ? cmd->operand2 : "");
    }
    if (cmd->max_args >= 0 && n > cmd->max_args)
        return usage_error(cmd->name, "extra operand '%s' (expected %s)",
                           argv[first + cmd->max_args], cmd->expected);
    if (s.has_since && s.has_until && s.since.start > s.until.end)
        return usage_error(cmd->name, "--since %s is after --until %s", s.since_text, s.until_text);
    return cmd->run(&s, n, argv + first);
}

static int run(int argc, char **argv)
{
    struct settings s;
    memset(&s, 0, sizeof s);
    int first;
    int rc = parse_options(argc, argv, F_HELP | F_VERSION, 1, NULL, &s, &first);
    if (rc != 0)
        return rc;
    if (s.help)
        return print_main_help();
    if (s.version)
        return print_version();
    if (first >= argc)
        return usage_error(NULL, "missing command (validate, convert, stats, query or diff)");
    const struct command *cmd = find_command(argv[first]);
    if (!cmd)
        return usage_error(NULL, "unknown command '%s'", argv[first]);
    /* the command's own argument vector starts with its name */
    return run_command(cmd, argc - first, argv + first);
}

/* Flush and close stdout; a failed write there is an error (exit 2). */
static int close_stdout(int status)
{
    int had_error = ferror(stdout);
    errno = 0;
    if (fclose(stdout) != 0 || had_error) {
        errorf("error writing to standard output%s%s", errno ? ": " : "",
               errno ? strerror(errno) : "");
        return EXIT_TROUBLE;
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 1 || !argv[0])
        return EXIT_TROUBLE;
    program_path = argv[0];
    /* case-insensitive matching of non-ASCII letters (towlower) needs a UTF-8
       character type; only LC_CTYPE, so numbers and messages stay as they are */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "");
    return close_stdout(run(argc, argv));
}
