/* Loading: a package folder or a flat file -> validated dataset, all or nothing. */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "csvin.h"
#include "flat-read.h"
#include "io.h"
#include "options.h"
#include "package-read.h"
#include "path.h"
#include "schema.h"

#define ERR PEERREVIEW_SEVERITY_ERROR

/* A load under way: the dataset it fills, its progress, whether a file could not be read. */
typedef struct loader {
    peerreview_dataset *ds;
    pr_progress progress;
    int io_failed;
} loader;

/*
 * The package folder path names, or NULL when it names something else: the
 * folder itself, its datapackage.json, or one of its table files when a
 * datapackage.json stands beside it (or, with no descriptor, reviews.csv
 * beside a child table, or a child table beside reviews.csv). *lone is set
 * for a child table with neither beside it: one table of a package, given
 * alone. *oom is set when memory ran out.
 */
static char *package_dir(const char *path, int isdir, int *lone, int *oom)
{
    *oom = *lone = 0;
    if (isdir == 1) {
        char *d = pr_strdup(path);
        *oom = !d;
        return d;
    }
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char *dir = slash ? pr_strndup(path, (size_t)(slash - path + (slash == path))) : pr_strdup(".");
    if (!dir) {
        *oom = 1;
        return NULL;
    }
    if (strcmp(base, "datapackage.json") == 0)
        return dir;
    int t = peerreview_table_lookup(base);
    if (t >= 0 && strcmp(base, pr_tables[t].file) == 0) {
        int found = pr_file_beside(dir, "datapackage.json");
        /* a reviews.csv alone may well be a flat file someone named so */
        for (int k = 0; found == 0 && k < PEERREVIEW_TABLE_COUNT; k++)
            if ((t == PEERREVIEW_REVIEWS) != (k == PEERREVIEW_REVIEWS))
                found = pr_file_beside(dir, pr_tables[k].file);
        if (found < 0)
            *oom = 1;
        else if (found)
            return dir;
        else if (t != PEERREVIEW_REVIEWS)
            *lone = 1;
    }
    pr_free(dir);
    return NULL;
}

/* A dataset loaded without an error, as the load left it: checked (see model.h). */
static void loaded(peerreview_dataset *ds, const peerreview_options *o)
{
    ds->checked = 1;
    ds->checked_generation = ds->generation;
    ds->checked_max_field = o->max_field_size;
}

/* A loader with an empty dataset to fill; -1 (reported) when out of memory. */
static int loader_init(loader *L, const peerreview_options *o, pr_sink *sink, const char *name)
{
    memset(L, 0, sizeof *L);
    L->progress.fn = o->progress;
    L->progress.ctx = o->progress_ctx;
    L->ds = peerreview_dataset_new();
    if (!L->ds) {
        pr_report_oom(sink, name);
        return -1;
    }
    return 0;
}

PEERREVIEW_API peerreview_status peerreview_load(const char *path, const peerreview_options *opts,
                                                 peerreview_diag *diag, peerreview_dataset **out)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return PEERREVIEW_EINVAL;
    const peerreview_options *o = pr_options(opts);
    pr_sink sink;
    pr_sink_init(&sink, diag, o->max_problems);
    loader L;
    if (loader_init(&L, o, &sink, path))
        return PEERREVIEW_ENOMEM;
    int isdir = pr_io_is_dir(path), oom, lone;
    char *dir = o->form == PEERREVIEW_FORM_FLAT ? NULL : package_dir(path, isdir, &lone, &oom);
    pr_where w = PR_WHERE_NONE;
    w.file = path;
    if (o->form != PEERREVIEW_FORM_FLAT && oom) {
        pr_report_oom(&sink, path);
    } else if (dir) {
        if (pr_package_load(dir, o, &sink, L.ds, &L.progress) == PEERREVIEW_EIO)
            L.io_failed = 1;
    } else if (o->form == PEERREVIEW_FORM_AUTO && lone) {
        pr_report(&sink, ERR, PEERREVIEW_P_IO_ERROR, &w,
                  "%s is one table of a package; give the package folder (the folder with "
                  "reviews.csv and datapackage.json)",
                  pr_base_name(path));
        L.io_failed = 1;
    } else if (o->form == PEERREVIEW_FORM_PACKAGE ||
               (o->form == PEERREVIEW_FORM_AUTO && isdir < 0 && !pr_path_is_csv(path))) {
        pr_report(&sink, ERR, PEERREVIEW_P_IO_ERROR, &w,
                  "%s; give a package folder or its datapackage.json",
                  isdir < 0 ? "no such folder" : "not a package folder");
        L.io_failed = 1;
    } else {
        pr_source src = {path, NULL, 0, NULL, NULL};
        if (pr_flat_load(&src, path, o, &sink, L.ds, &L.progress) == PEERREVIEW_EIO)
            L.io_failed = 1;
    }
    pr_free(dir);
    if (L.progress.canceled) {
        /* the caller asked to stop: no problem of its own, nothing kept */
        peerreview_dataset_free(L.ds);
        return PEERREVIEW_ECANCELED;
    }
    if (sink.oom || sink.errors) {
        peerreview_dataset_free(L.ds);
        return sink.oom ? PEERREVIEW_ENOMEM : L.io_failed ? PEERREVIEW_EIO : PEERREVIEW_EDATA;
    }
    loaded(L.ds, o);
    *out = L.ds;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_validate_path(const char *path,
                                                          const peerreview_options *opts,
                                                          peerreview_diag *diag)
{
    peerreview_dataset *ds = NULL;
    int rc = peerreview_load(path, opts, diag, &ds);
    peerreview_dataset_free(ds);
    return rc;
}

/* ---- one table or the flat form from memory or a callback ---- */

/* peerreview_load for the flat form (table -1) or the reviews table read from src. */
static peerreview_status load_source(const pr_source *src, int table, const char *name,
                                     const peerreview_options *opts, peerreview_diag *diag,
                                     peerreview_dataset **out)
{
    const peerreview_options *o = pr_options(opts);
    pr_sink sink;
    pr_sink_init(&sink, diag, o->max_problems);
    loader L;
    if (loader_init(&L, o, &sink, name))
        return PEERREVIEW_ENOMEM;
    if (table == PEERREVIEW_REVIEWS)
        L.io_failed = pr_reviews_load(src, name, o, &sink, L.ds, &L.progress) == PEERREVIEW_EIO;
    else if (pr_flat_load(src, name, o, &sink, L.ds, &L.progress) == PEERREVIEW_EIO)
        L.io_failed = 1;
    if (sink.oom || sink.errors) {
        peerreview_dataset_free(L.ds);
        return sink.oom ? PEERREVIEW_ENOMEM : L.io_failed ? PEERREVIEW_EIO : PEERREVIEW_EDATA;
    }
    loaded(L.ds, o);
    *out = L.ds;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_load_buffer(const void *data, size_t len, int table,
                                                        const char *name,
                                                        const peerreview_options *opts,
                                                        peerreview_diag *diag,
                                                        peerreview_dataset **out)
{
    if (out)
        *out = NULL;
    if (!out || (!data && len) || (table != -1 && table != PEERREVIEW_REVIEWS))
        return PEERREVIEW_EINVAL;
    pr_source src = {NULL, data, len, NULL, NULL};
    return load_source(&src, table, name ? name : PR_BUFFER_NAME, opts, diag, out);
}

PEERREVIEW_API peerreview_status peerreview_load_callback(peerreview_read_fn read, void *ctx,
                                                          int table, const char *name,
                                                          const peerreview_options *opts,
                                                          peerreview_diag *diag,
                                                          peerreview_dataset **out)
{
    if (out)
        *out = NULL;
    if (!out || !read || (table != -1 && table != PEERREVIEW_REVIEWS))
        return PEERREVIEW_EINVAL;
    pr_source src = {NULL, NULL, 0, read, ctx};
    return load_source(&src, table, name ? name : PR_STREAM_NAME, opts, diag, out);
}
