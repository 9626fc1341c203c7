/*
 * peerreview — command-line tool for libpeerreview.
 *
 *   peerreview validate [OPTION]... PATH...
 *   peerreview convert [OPTION]... IN OUT
 *   peerreview stats [OPTION]... [PATH]
 *   peerreview query [OPTION]... PATH
 *   peerreview diff [OPTION]... OLD NEW
 *   peerreview report [OPTION]... [PATH] [-o FILE]
 *   peerreview --help | --version
 *
 * This file: the command table, the options every command shares, --help
 * and --version. Each command is in cmd-<name>.c (see cli.h). Exit status:
 * 0 success, 1 the data has errors (diff: the datasets differ), 2 usage
 * error, I/O error or out of memory.
 */
#define _XOPEN_SOURCE 700 /* POSIX 2008 */

#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

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
    F_MAX_RECORDS = 1u << 17,
    F_OUTPUT = 1u << 18
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
    {F_OUTPUT, {"output", required_argument, NULL, 'o'}},
};

#define OPT_DEF_COUNT (sizeof opt_defs / sizeof opt_defs[0])

/* Names of the output formats (enum output_format); a command accepts a set of them (FMT bits). */
static const char *const format_names[] = {"text", "table", "json", "csv"};

#define FORMAT_COUNT (sizeof format_names / sizeof format_names[0])
#define FMT(f)       (1u << (f))

/* ------------------------------------------------------------------------ */
/* Usage                                                                     */
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
    "  stats      count reviews by type, stage, year, council and region\n"
    "  query      list the reviews that match filters\n"
    "  diff       compare two versions of a dataset\n"
    "  report     write the register as one HTML page with charts\n"
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

/* 1 if value is one of the allowed values of an enum column (the library checks it). */
static int enum_allows(int table, const char *column, const char *value)
{
    int c = peerreview_column_index(table, column);
    return c >= 0 && *value &&
           peerreview_check_value(table, (size_t)c, value, NULL) == PEERREVIEW_OK;
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
    cmd_fn *run;
    unsigned formats;                  /* FMT() bits accepted by --format */
    enum output_format default_format; /* without --format */
};

#define QUERY_OPTIONS (F_COUNCIL | F_TYPE | F_STAGE | F_SINCE | F_UNTIL | F_TEXT)

static const struct command commands[] = {
    {"validate", F_HELP | F_FORMAT | F_MAX_PROBLEMS | F_INPUT, 1, -1, "PATH", NULL,
     "one or more PATHs", cmd_validate_usage, cmd_validate, FMT(FORMAT_TEXT) | FMT(FORMAT_JSON),
     FORMAT_TEXT},
    {"convert", F_HELP | F_VERBOSE | F_FLAT | F_PACKAGE | F_SPREADSHEET_SAFE | F_INPUT, 2, 2, "IN",
     "OUT", "IN and OUT", cmd_convert_usage, cmd_convert, 0, FORMAT_TEXT},
    {"stats", F_HELP | F_FORMAT | F_INPUT, 0, 1, "PATH", NULL, "at most one PATH", cmd_stats_usage,
     cmd_stats, FMT(FORMAT_TABLE) | FMT(FORMAT_JSON) | FMT(FORMAT_CSV), FORMAT_TABLE},
    {"query", F_HELP | F_FORMAT | F_INPUT | QUERY_OPTIONS, 1, 1, "PATH", NULL, "one PATH",
     cmd_query_usage, cmd_query, FMT(FORMAT_TABLE) | FMT(FORMAT_CSV) | FMT(FORMAT_JSON),
     FORMAT_TABLE},
    {"diff", F_HELP | F_FORMAT | F_INPUT, 2, 2, "OLD", "NEW", "OLD and NEW", cmd_diff_usage,
     cmd_diff, FMT(FORMAT_TEXT) | FMT(FORMAT_JSON), FORMAT_TEXT},
    {"report", F_HELP | F_INPUT | F_OUTPUT, 0, 1, "PATH", NULL, "at most one PATH",
     cmd_report_usage, cmd_report, 0, FORMAT_TEXT},
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
    case 'o':
        if (!arg[0])
            return usage_error(command, "-o needs a file name (or '-' for standard output)");
        s->output = arg;
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
        peerreview_date d; /* the days it covers: first_day to last_day */
        const char *name = c == O_SINCE ? "since" : "until";
        if (peerreview_date_parse(arg, &d) != PEERREVIEW_OK)
            return usage_error(command,
                               "invalid --%s '%s' (expected a date YYYY, YYYY-MM or "
                               "YYYY-MM-DD that exists)",
                               name, arg);
        if (c == O_SINCE) {
            s->has_since = 1;
            s->since = d;
            s->since_text = arg;
        } else {
            s->has_until = 1;
            s->until = d;
            s->until_text = arg;
        }
        return 0;
    }
    case O_TEXT:
        if (!arg[strspn(arg, WORD_SEPARATORS)])
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
    if (s.has_since && s.has_until && s.since.first_day > s.until.last_day)
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
        return usage_error(NULL,
                           "missing command (validate, convert, stats, query, diff or report)");
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
