/*
 * peerreview — command-line tool for libpeerreview.
 *
 *   peerreview validate [OPTION]... PATH...
 *   peerreview convert [OPTION]... IN OUT
 *   peerreview --help | --version
 *
 * Uses the public API (<peerreview.h>) only. Exit status: 0 success,
 * 1 the data has errors, 2 usage error, I/O error or out of memory.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <peerreview.h>

#define PROG "peerreview"

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
    F_SPREADSHEET_SAFE = 1u << 8
};

/* getopt values of the options without a short form. */
enum {
    O_FORMAT = 256,
    O_MAX_PROBLEMS,
    O_IGNORE_UNKNOWN,
    O_FLAT,
    O_PACKAGE,
    O_SPREADSHEET_SAFE
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
};

#define OPT_DEF_COUNT (sizeof opt_defs / sizeof opt_defs[0])

enum output_format { FORMAT_TEXT, FORMAT_JSON };

/* What the command line asked for. */
struct settings {
    int help;
    int version;
    int verbose;
    enum output_format format;
    int max_problems_set;
    size_t max_problems;
    int ignore_unknown;
    peerreview_form form; /* output form of convert */
    int spreadsheet_safe;
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
static int usage_error(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* "peerreview: <message>" on stderr. */
static void errorf(const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Report a usage error; returns EXIT_TROUBLE. */
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry '" PROG " --help'.\n", stderr);
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
    "\n"
    "Options:\n"
    "  -h, --help     print this help and exit\n"
    "  -V, --version  print version information and exit\n"
    "\n"
    "A dataset PATH is a package folder, its datapackage.json, or a flat .csv\n"
    "file. Options may come before or after the arguments; '--' ends them.\n"
    "\n"
    "Exit status: 0 success (warnings allowed), 1 the data has errors,\n"
    "2 usage error, I/O error or out of memory.\n";

static const char usage_validate[] =
    "Usage: " PROG " validate [OPTION]... PATH...\n"
    "\n"
    "Check each dataset PATH against every rule of the format and report the\n"
    "problems found (errors and warnings).\n"
    "\n"
    "  --format=FORMAT           'text' (default) or 'json'\n"
    "  --max-problems=N          report at most N problems per PATH (default\n"
    "                            100; 0 stops at the first error)\n"
    "  --ignore-unknown-columns  skip columns the format does not know instead\n"
    "                            of reporting them as errors\n"
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
    "Load the dataset IN (package folder, datapackage.json or flat .csv file)\n"
    "and save it as OUT in canonical form. OUT is written atomically: a flat\n"
    "file when it ends in '.csv', else a package folder (created if absent).\n"
    "\n"
    "  --flat                    write OUT as one flat CSV file\n"
    "  --package                 write OUT as a package folder\n"
    "  --spreadsheet-safe        neutralise formula triggers in text cells and\n"
    "                            write a UTF-8 BOM, for Excel (lossy)\n"
    "  --ignore-unknown-columns  skip columns of IN the format does not know\n"
    "  -v, --verbose             say what was written (on stderr)\n"
    "  -h, --help                print this help and exit\n"
    "\n"
    "Problems are printed on stderr as FILE:LINE:COLUMN: SEVERITY: FIELD:\n"
    "MESSAGE [CODE]. Warnings do not stop the conversion.\n"
    "\n"
    "Exit status: 0 converted, 1 IN has errors or OUT's form cannot hold the\n"
    "data, 2 usage error, I/O error or out of memory.\n";

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
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
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
    print_json_string(out, peerreview_problem_severity(p) == PEERREVIEW_SEVERITY_ERROR
                               ? "error"
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

/* Options for loading/validating from the settings, or NULL (out of memory). */
static peerreview_options *input_options(const struct settings *s)
{
    peerreview_options *opts = peerreview_options_new();
    if (!opts)
        return NULL;
    if ((s->max_problems_set &&
         peerreview_options_set_max_problems(opts, s->max_problems) != PEERREVIEW_OK) ||
        peerreview_options_set_ignore_unknown_columns(opts, s->ignore_unknown) !=
            PEERREVIEW_OK) {
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
        peerreview_options_set_spreadsheet_safe(opts, s->spreadsheet_safe) !=
            PEERREVIEW_OK) {
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
static int validate_one(const char *path, const peerreview_options *opts,
                        const struct settings *s, struct validate_totals *t)
{
    peerreview_diag *diag = peerreview_diag_new();
    if (!diag)
        return -1;
    int rc = peerreview_validate_path(path, opts, diag);
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
    struct validate_totals totals = {0, 0, 0, 0, 0, 0};
    peerreview_options *opts = input_options(s);
    if (!opts)
        return out_of_memory();
    for (int i = 0; i < argc; i++) {
        if (validate_one(argv[i], opts, s, &totals) != 0) {
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

static const char *form_name(peerreview_form form, const char *path)
{
    if (form == PEERREVIEW_FORM_AUTO) {
        size_t n = strlen(path);
        form = n >= 4 && strcmp(path + n - 4, ".csv") == 0 ? PEERREVIEW_FORM_FLAT
                                                            : PEERREVIEW_FORM_PACKAGE;
    }
    return form == PEERREVIEW_FORM_FLAT ? "flat file" : "package";
}

static int convert(const struct settings *s, const char *in, const char *out,
                   peerreview_options *load_opts, peerreview_options *save_opts,
                   peerreview_diag *diag)
{
    peerreview_dataset *ds = NULL;
    int rc = peerreview_load(in, load_opts, diag, &ds);
    if (report_problems(diag) != EXIT_OK) {
        peerreview_dataset_free(ds);
        return EXIT_TROUBLE;
    }
    if (rc != PEERREVIEW_OK) {
        errorf("cannot load '%s': %s", in, peerreview_strerror(rc));
        return failure_status(rc);
    }
    peerreview_diag_clear(diag);
    rc = peerreview_save(ds, out, save_opts, diag);
    size_t reviews = peerreview_dataset_count(ds);
    peerreview_dataset_free(ds);
    if (report_problems(diag) != EXIT_OK)
        return EXIT_TROUBLE;
    if (rc != PEERREVIEW_OK) {
        errorf("cannot save '%s': %s", out, peerreview_strerror(rc));
        return failure_status(rc);
    }
    if (s->verbose)
        errorf("converted '%s' to %s '%s' (%zu %s)", in, form_name(s->form, out), out, reviews,
               plural(reviews, "review", "reviews"));
    return EXIT_OK;
}

static int run_convert(const struct settings *s, int argc, char **argv)
{
    (void)argc;
    peerreview_options *load_opts = input_options(s);
    peerreview_options *save_opts = output_options(s);
    peerreview_diag *diag = peerreview_diag_new();
    int status;
    if (!load_opts || !save_opts || !diag)
        status = out_of_memory();
    else
        status = convert(s, argv[0], argv[1], load_opts, save_opts, diag);
    peerreview_diag_free(diag);
    peerreview_options_free(save_opts);
    peerreview_options_free(load_opts);
    return status;
}

/* ------------------------------------------------------------------------ */
/* Command table and option parsing                                          */
/* ------------------------------------------------------------------------ */

struct command {
    const char *name;
    unsigned options; /* F_* bits accepted */
    int min_args;
    int max_args; /* -1: no limit */
    const char *args; /* what the arguments are, for messages */
    const char *usage;
    int (*run)(const struct settings *s, int argc, char **argv);
};

static const struct command commands[] = {
    {"validate", F_HELP | F_FORMAT | F_MAX_PROBLEMS | F_IGNORE_UNKNOWN, 1, -1, "PATH",
     usage_validate, run_validate},
    {"convert",
     F_HELP | F_VERBOSE | F_FLAT | F_PACKAGE | F_SPREADSHEET_SAFE | F_IGNORE_UNKNOWN, 2, 2,
     "IN and OUT", usage_convert, run_convert},
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

/* Apply one option (getopt value c, argument arg). Returns 0 or EXIT_TROUBLE. */
static int apply_option(struct settings *s, int c, const char *arg, const char *context)
{
    switch (c) {
    case 'h': s->help = 1; return 0;
    case 'V': s->version = 1; return 0;
    case 'v': s->verbose = 1; return 0;
    case O_IGNORE_UNKNOWN: s->ignore_unknown = 1; return 0;
    case O_SPREADSHEET_SAFE: s->spreadsheet_safe = 1; return 0;
    case O_FORMAT:
        if (strcmp(arg, "text") == 0)
            s->format = FORMAT_TEXT;
        else if (strcmp(arg, "json") == 0)
            s->format = FORMAT_JSON;
        else
            return usage_error("%sinvalid --format '%s' (expected 'text' or 'json')", context,
                               arg);
        return 0;
    case O_MAX_PROBLEMS:
        if (parse_count(arg, &s->max_problems) != 0)
            return usage_error("%sinvalid --max-problems '%s' (expected a number, 0 or more)",
                               context, arg);
        s->max_problems_set = 1;
        return 0;
    case O_FLAT:
    case O_PACKAGE: {
        peerreview_form form = c == O_FLAT ? PEERREVIEW_FORM_FLAT : PEERREVIEW_FORM_PACKAGE;
        if (s->form != PEERREVIEW_FORM_AUTO && s->form != form)
            return usage_error("%s--flat and --package cannot be used together", context);
        s->form = form;
        return 0;
    }
    default: return usage_error("%sinternal error: unhandled option %d", context, c);
    }
}

/* Report what getopt_long found wrong (c is '?' or ':'). */
static int getopt_error(int c, int argc, char **argv, const char *context)
{
    const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    int is_long = strncmp(arg, "--", 2) == 0;
    int name_len = (int)strcspn(arg, "=");
    if (c == ':') {
        if (!is_long && optopt > 0 && optopt < 256)
            return usage_error("%soption '-%c' requires an argument", context, optopt);
        return usage_error("%soption '%s' requires an argument", context, arg);
    }
    if (optopt == 0)
        return usage_error("%sunknown or ambiguous option '%s'", context, arg);
    if (optopt >= 256 || (is_long && arg[name_len] == '='))
        return usage_error("%soption '%.*s' does not take an argument", context, name_len, arg);
    return usage_error("%sunknown option '-%c'", context, optopt);
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
static int parse_options(int argc, char **argv, unsigned allowed, int posix,
                         const char *context, struct settings *s, int *first)
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
        int rc = (c == '?' || c == ':') ? getopt_error(c, argc, argv, context)
                                        : apply_option(s, c, optarg, context);
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
    s.format = FORMAT_TEXT;
    s.form = PEERREVIEW_FORM_AUTO;

    char context[64];
    snprintf(context, sizeof context, "%s: ", cmd->name);
    int first;
    int rc = parse_options(argc, argv, cmd->options, 0, context, &s, &first);
    if (rc != 0)
        return rc;
    if (s.help) {
        fputs(cmd->usage, stdout);
        return EXIT_OK;
    }
    int n = argc - first;
    if (n < cmd->min_args)
        return usage_error("%s: missing %s", cmd->name, cmd->args);
    if (cmd->max_args >= 0 && n > cmd->max_args)
        return usage_error("%s: too many arguments (expected %s)", cmd->name, cmd->args);
    return cmd->run(&s, n, argv + first);
}

static int run(int argc, char **argv)
{
    struct settings s;
    memset(&s, 0, sizeof s);
    int first;
    int rc = parse_options(argc, argv, F_HELP | F_VERSION, 1, "", &s, &first);
    if (rc != 0)
        return rc;
    if (s.help)
        return print_main_help();
    if (s.version)
        return print_version();
    if (first >= argc)
        return usage_error("missing command (validate or convert)");
    const struct command *cmd = find_command(argv[first]);
    if (!cmd)
        return usage_error("unknown command '%s'", argv[first]);
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
    return close_stdout(run(argc, argv));
}
