/* Export: canonical package bytes (SPEC §3) written atomically. */
#include "config.h"

#include <csv.h>
#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "export.h"
#include "io.h"
#include "outset.h"
#include "load.h"
#include "options.h"
#include "rules.h"
#include "schema.h"
#include "value.h"

#define UTF8_BOM "\xEF\xBB\xBF"

int pr_csv_field(pr_buf *b, const char *s, size_t len)
{
    if (!s || !len)
        return 0;
    if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\r', len) &&
        !memchr(s, '\n', len))
        return pr_buf_add(b, s, len);
    /* quoted: libcsv writes the quotes and doubles the ones inside */
    size_t max;
    if (pr_mul_size(len, 2, &max) || pr_add_size(max, 2, &max) || pr_buf_reserve(b, max))
        return -1;
    size_t n = csv_write(b->data + b->len, max, s, len);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int pr_csv_cell(pr_buf *b, const char *s, int is_text, int safe)
{
    if (!s)
        return 0;
    size_t len = strlen(s);
    if (safe && is_text && len && pr_formula_char(s[0])) {
        pr_buf tmp = PR_BUF_INIT;
        int r = pr_buf_addc(&tmp, '\'') || pr_buf_add(&tmp, s, len) ||
                pr_csv_field(b, tmp.data, tmp.len);
        pr_buf_free(&tmp);
        return r ? -1 : 0;
    }
    return pr_csv_field(b, s, len);
}

static int render_row(pr_buf *out, const peerreview_row *row, int safe)
{
    const pr_table *t = &pr_tables[row->table];
    for (size_t c = 0; c < t->ncols; c++) {
        if ((c && pr_buf_addc(out, ',')) ||
            pr_csv_cell(out, pr_row_value(row, c), t->cols[c].type == PEERREVIEW_TYPE_TEXT, safe))
            return -1;
    }
    return pr_buf_add(out, "\r\n", 2);
}

int pr_out_flush(pr_out *o)
{
    if (o->failed)
        return -1;
    if (o->b->len && !o->discard && o->write) {
        errno = 0;
        if (o->write(o->ctx, o->b->data, o->b->len)) {
            o->failed = 1;
            o->err = errno;
            return -1;
        }
        o->sent += o->b->len;
    }
    if (o->discard || o->write)
        pr_buf_reset(o->b);
    return 0;
}

int pr_out_row(pr_out *o)
{
    return o->b->len >= PR_OUT_CHUNK || o->discard ? pr_out_flush(o) : 0;
}

int pr_render_table_out(const peerreview_dataset *ds, int table, int safe, pr_out *o)
{
    pr_buf *out = o->b;
    const pr_table *t = &pr_tables[table];
    if (safe && pr_buf_adds(out, UTF8_BOM))
        return -1;
    for (size_t c = 0; c < t->ncols; c++)
        if ((c && pr_buf_addc(out, ',')) ||
            pr_csv_field(out, t->cols[c].name, strlen(t->cols[c].name)))
            return -1;
    if (pr_buf_add(out, "\r\n", 2))
        return -1;
    for (size_t i = 0; i < ds->n; i++) {
        const peerreview_review *r = ds->v[i];
        if (table == PEERREVIEW_REVIEWS) {
            if (render_row(out, r->row, safe) || pr_out_row(o))
                return -1;
            continue;
        }
        size_t *idx = pr_sorted_children(r, table);
        if (!idx)
            return -1;
        for (size_t k = 0; k < r->kids[table].n; k++) {
            if (render_row(out, r->kids[table].v[idx[k]], safe) || pr_out_row(o)) {
                pr_free(idx);
                return -1;
            }
        }
        pr_free(idx);
    }
    return 0;
}

int pr_render_table(const peerreview_dataset *ds, int table, int safe, pr_buf *out)
{
    pr_out o = {out, NULL, NULL, 0, 0, 0, 0};
    return pr_render_table_out(ds, table, safe, &o);
}

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
    int rc = pr_validate(ds, o, &sink);
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
