/* peerreview validate: check datasets and report every problem found. */
#include <stdio.h>

#include "cli.h"
#include "output.h"

const char cmd_validate_usage[] =
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

struct validate_totals {
    size_t files;
    size_t errors;
    size_t warnings;
    size_t hidden; /* found but not stored because of the cap */
    int data_error;
    int trouble; /* I/O error or invalid argument */
};

/* 1 if diag holds a problem with this code. */
static int diag_has_code(const peerreview_diag *diag, peerreview_code code)
{
    size_t n = peerreview_diag_count(diag);
    for (size_t i = 0; i < n; i++)
        if (peerreview_problem_code(peerreview_diag_get(diag, i)) == code)
            return 1;
    return 0;
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
    struct json j;
    json_init(&j, stdout);
    json_object(&j, JSON_COMPACT);
    json_key(&j, "summary");
    json_bool(&j, 1);
    json_key(&j, "files");
    json_uint(&j, t->files);
    json_key(&j, "errors");
    json_uint(&j, t->errors);
    json_key(&j, "warnings");
    json_uint(&j, t->warnings);
    json_end(&j);
    putchar('\n');
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
        for (size_t i = 0; i < stored; i++) {
            struct json j; /* JSON Lines: one object a line */
            json_init(&j, stdout);
            json_problem(&j, peerreview_diag_get(diag, i), path);
            putchar('\n');
        }
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

int cmd_validate(const struct settings *s, int argc, char **argv)
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
