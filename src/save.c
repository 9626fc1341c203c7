/* Export: canonical package bytes (doc/format.md §8) written atomically. */
#include "config.h"

#include <csv.h>
#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "csvout.h"
#include "descriptor-write.h"
#include "flat-write.h"
#include "io.h"
#include "options.h"
#include "outset.h"
#include "path.h"
#include "rules.h"
#include "schema.h"
#include "table-write.h"

/* ---- saving ---- */

static int save_package(const peerreview_dataset *ds, const char *dir, const peerreview_options *o,
                        pr_sink *sink, pr_outset *set)
{
    const char *files[PEERREVIEW_TABLE_COUNT + 1];
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++)
        files[t] = pr_tables[t].file;
    files[PEERREVIEW_TABLE_COUNT] = "datapackage.json";
    int rc = pr_outset_package(set, dir, files, PEERREVIEW_TABLE_COUNT + 1, sink);
    if (rc)
        return rc;
    pr_buf b = PR_BUF_INIT;
    for (int t = 0; t <= PEERREVIEW_TABLE_COUNT && !rc; t++) {
        pr_buf_reset(&b);
        const char *file = t < PEERREVIEW_TABLE_COUNT ? pr_tables[t].file : "datapackage.json";
        int fail = t < PEERREVIEW_TABLE_COUNT ? pr_render_table(ds, t, o->spreadsheet_safe, &b)
                                              : pr_render_descriptor(ds, o->spreadsheet_safe, &b);
        char *path = fail ? NULL : pr_path_join(dir, file);
        if (!path) {
            pr_report_oom(sink, dir);
            rc = PEERREVIEW_ENOMEM;
            break;
        }
        rc = pr_outset_add(set, path, b.data ? b.data : "", b.len, sink);
        pr_free(path);
    }
    pr_buf_free(&b);
    return rc;
}

static int save_flat(const peerreview_dataset *ds, const char *path, const peerreview_options *o,
                     pr_sink *sink, pr_outset *set)
{
    pr_buf b = PR_BUF_INIT;
    int rc = pr_flat_render(ds, o, sink, &b);
    if (!rc)
        rc = pr_outset_add(set, path, b.data ? b.data : "", b.len, sink);
    pr_buf_free(&b);
    return rc;
}

PEERREVIEW_API peerreview_status peerreview_render(const peerreview_dataset *ds, int table,
                                                   const peerreview_options *opts,
                                                   peerreview_diag *diag, char **out, size_t *len)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!ds || !out || table < -1 || table >= PEERREVIEW_TABLE_COUNT)
        return PEERREVIEW_EINVAL;
    const peerreview_options *o = pr_options(opts);
    pr_sink sink;
    pr_sink_init(&sink, diag, o->max_problems);
    pr_buf b = PR_BUF_INIT;
    int rc = table < 0 ? pr_flat_render(ds, o, &sink, &b)
             : pr_render_table(ds, table, o->spreadsheet_safe, &b) ? PEERREVIEW_ENOMEM
                                                                   : 0;
    if (!rc && !b.data && pr_buf_add(&b, "", 0))
        rc = PEERREVIEW_ENOMEM;
    if (rc) {
        if (rc == PEERREVIEW_ENOMEM && !sink.oom)
            pr_report_oom(&sink, NULL);
        pr_buf_free(&b);
        return rc;
    }
    *out = b.data;
    if (len)
        *len = b.len;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_render_callback(const peerreview_dataset *ds, int table,
                                                            const peerreview_options *opts,
                                                            peerreview_diag *diag,
                                                            peerreview_write_fn write, void *ctx)
{
    if (!ds || !write || table < -1 || table >= PEERREVIEW_TABLE_COUNT)
        return PEERREVIEW_EINVAL;
    const peerreview_options *o = pr_options(opts);
    pr_sink sink;
    pr_sink_init(&sink, diag, o->max_problems);
    pr_buf b = PR_BUF_INIT;
    pr_out out = {&b, write, ctx, 0, 0, 0, 0};
    int rc;
    if (table < 0) {
        /* nothing is written of a dataset the flat form cannot hold */
        pr_out dry = {&b, NULL, NULL, 1, 0, 0, 0};
        rc = pr_flat_render_out(ds, o, &sink, &dry);
        pr_buf_reset(&b);
        if (!rc)
            rc = pr_flat_render_out(ds, o, &sink, &out);
    } else {
        rc = pr_render_table_out(ds, table, o->spreadsheet_safe, &out) ? PEERREVIEW_ENOMEM : 0;
    }
    if (!rc && pr_out_flush(&out))
        rc = PEERREVIEW_EIO;
    if (out.failed) {
        pr_where w = PR_WHERE_NONE;
        rc = PEERREVIEW_EIO;
        pr_report(&sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_IO_ERROR, &w,
                  "write failed after %llu bytes: %s; the output is incomplete", out.sent,
                  out.err ? strerror(out.err) : "the write callback failed");
    } else if (rc == PEERREVIEW_ENOMEM && !sink.oom) {
        pr_report_oom(&sink, NULL);
    }
    pr_buf_free(&b);
    return rc;
}

PEERREVIEW_API void peerreview_free(void *p)
{
    pr_free(p);
}

PEERREVIEW_API peerreview_status peerreview_save(const peerreview_dataset *ds, const char *path,
                                                 const peerreview_options *opts,
                                                 peerreview_diag *diag)
{
    if (!ds || !path || !*path)
        return PEERREVIEW_EINVAL;
    const peerreview_options *o = pr_options(opts);
    pr_sink sink;
    pr_sink_init(&sink, diag, o->max_problems);
    sink.errors_only = 1; /* warnings are for validate; a save reports why it failed */
    /* a dataset as a load without errors left it, saved with its limit or a
       larger one, passes (model.h: checked): it is not checked again */
    int unchanged = ds->checked && ds->generation == ds->checked_generation && ds->usededits == 0 &&
                    o->max_field_size >= ds->checked_max_field;
    int rc = unchanged ? 0 : pr_validate(ds, o, &sink);
    if (rc)
        return rc;
    peerreview_form form = o->form;
    if (form == PEERREVIEW_FORM_AUTO) {
        /* as the loader reads it: a .csv name or an existing file is flat */
        int isdir = pr_io_is_dir(path);
        form = pr_path_is_csv(path) || isdir == 0 ? PEERREVIEW_FORM_FLAT : PEERREVIEW_FORM_PACKAGE;
        int t = peerreview_table_lookup(pr_base_name(path));
        int in_package = form == PEERREVIEW_FORM_FLAT && t >= 0 &&
                                 strcmp(pr_base_name(path), pr_tables[t].file) == 0
                             ? pr_in_package(path)
                             : 0;
        if (in_package < 0) {
            pr_report_oom(&sink, path);
            return PEERREVIEW_ENOMEM;
        }
        if (in_package) {
            /* a flat file written over a package's table would break the package */
            pr_where w = PR_WHERE_NONE;
            w.file = path;
            pr_report(&sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_IO_ERROR, &w,
                      "%s is one table of a package; save to the package folder, or choose "
                      "the flat form explicitly to replace the file (nothing was changed)",
                      pr_base_name(path));
            return PEERREVIEW_EINVAL;
        }
    }
    pr_outset *set;
    if (pr_outset_new(&set)) {
        pr_report_oom(&sink, path);
        return PEERREVIEW_ENOMEM;
    }
    rc = form == PEERREVIEW_FORM_FLAT ? save_flat(ds, path, o, &sink, set)
                                      : save_package(ds, path, o, &sink, set);
    if (!rc)
        rc = pr_outset_commit(set, &sink);
    pr_outset_free(set);
    return rc;
}
