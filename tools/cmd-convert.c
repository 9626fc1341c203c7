/* peerreview convert: convert a dataset between package and flat form. */
#define _XOPEN_SOURCE 700 /* POSIX 2008 */

#include <sys/stat.h>

#include "cli.h"
#include "output.h"

const char cmd_convert_usage[] =
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

/*
 * The form the library saved path in: the library chooses it (from the
 * options, else from the path), so look at what it wrote: a package is a
 * folder.
 */
static const char *saved_form(const char *path)
{
    struct stat st;
    if (is_stdio(path))
        return "flat file";
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? "package" : "flat file";
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
               saved_form(out), shown_path(out, 1, to, sizeof to), reviews,
               plural(reviews, "review", "reviews"));
    return EXIT_OK;
}

int cmd_convert(const struct settings *s, int argc, char **argv)
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
