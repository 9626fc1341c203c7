/* Import: package folder -> validated dataset, all or nothing. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "buf.h"
#include "io.h"
#include "load.h"
#include "pkgtx.h"
#include "rules.h"
#include "schema.h"
#include "value.h"

#define ERR  PEERREVIEW_SEVERITY_ERROR
#define WARN PEERREVIEW_SEVERITY_WARNING

char *pr_path_join(const char *dir, const char *file)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    pr_buf b = PR_BUF_INIT;
    if (pr_buf_add(&b, dir, dl) || (dl && dir[dl - 1] != '/' && pr_buf_addc(&b, '/')) ||
        pr_buf_adds(&b, file)) {
        pr_buf_free(&b);
        return NULL;
    }
    return b.data;
}

void pr_report_empty(pr_sink *sink, const char *file)
{
    pr_where w = PR_WHERE_NONE;
    w.file = file;
    pr_report(sink, ERR, PEERREVIEW_P_EMPTY_FILE, &w,
              "the file is empty; it needs at least the header row (the column names)");
}

int pr_next_record(pr_csvin *in, const char *file, size_t *count, size_t max, int package,
                   pr_sink *sink, pr_record **rec)
{
    int rc = pr_csvin_next(in, rec);
    if (rc == 1 && ++*count > max) {
        pr_where w = PR_WHERE_NONE;
        w.file = file;
        w.line = (*rec)->line;
        w.record = (*rec)->number;
        pr_report(sink, ERR, PEERREVIEW_P_TOO_MANY_RECORDS, &w,
                  "more than %zu records%s; stopped here, as the record limit bounds the "
                  "memory a load takes: raise the limit if the data is right",
                  max, package ? " in all the package's tables" : "");
        return PEERREVIEW_EDATA;
    }
    return rc;
}

int pr_insert_loaded(peerreview_dataset *ds, peerreview_review *r, pr_sink *sink,
                     const pr_strmap *rejected)
{
    const char *id = r->row->v[PR_R_REVIEW_ID];
    const peerreview_review *first = peerreview_dataset_review_byid(ds, id);
    const size_t *rej = !first && rejected ? pr_strmap_get(rejected, id, strlen(id)) : NULL;
    if (first || rej) {
        pr_where w = pr_row_where(ds, r->row, PR_R_REVIEW_ID);
        char cell[32];
        pr_cell_name(pr_src_column(ds, PEERREVIEW_REVIEWS, PR_R_REVIEW_ID),
                     first ? first->row->src.record : (unsigned long)*rej, cell);
        return pr_report(sink, ERR, PEERREVIEW_P_DUPLICATE_KEY, &w,
                         "review_id \"%s\" is used again (first in cell %s); every review "
                         "needs its own id",
                         id, cell)
                   ? -1
                   : 1;
    }
    r->ds = NULL;
    if (pr_dataset_insert(ds, r) != PEERREVIEW_OK) {
        r->ds = ds;
        pr_report_oom(sink, NULL);
        return -1;
    }
    return 0;
}

static pr_where field_where(const char *file, const pr_record *rec, size_t i, const char *name)
{
    pr_where w = PR_WHERE_NONE;
    w.file = file;
    w.line = rec->f[i].line;
    w.offset = rec->f[i].offset;
    w.column = (unsigned long)i + 1;
    w.record = rec->number;
    w.field = name;
    return w;
}

/* A close match for an unknown column name: trimmed or different case. */
static const char *suggest(int table, const char *s, size_t len, const char *const *extra,
                           size_t nextra)
{
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    const pr_table *t = &pr_tables[table];
    for (size_t c = 0; c < t->ncols + nextra; c++) {
        const char *name = c < t->ncols ? t->cols[c].name : extra[c - t->ncols];
        if (strlen(name) != len)
            continue;
        size_t k = 0;
        for (; k < len; k++) {
            char a = s[k], b = name[k];
            if (a >= 'A' && a <= 'Z')
                a = (char)(a - 'A' + 'a');
            if (a == ' ')
                a = '_';
            if (a != b)
                break;
        }
        if (k == len)
            return name;
    }
    return NULL;
}

void pr_header_free(pr_header *h)
{
    pr_free(h->file_to_col);
    pr_free(h->col_to_file);
    pr_free(h->unnamed);
    memset(h, 0, sizeof *h);
}

int pr_header_read(pr_header *h, int table, const pr_record *rec, const char *file,
                   const peerreview_options *o, pr_sink *sink, const char *const *extra,
                   size_t nextra)
{
    const pr_table *t = &pr_tables[table];
    size_t ncols = t->ncols + nextra;
    memset(h, 0, sizeof *h);
    h->table = table;
    h->nfields = rec->n;
    h->file_to_col = pr_calloc(rec->n, sizeof *h->file_to_col);
    h->col_to_file = pr_calloc(ncols, sizeof *h->col_to_file);
    h->unnamed = pr_calloc(rec->n, 1);
    if (!h->file_to_col || !h->col_to_file || !h->unnamed) {
        pr_report_oom(sink, file);
        return -1;
    }
    h->usable = !rec->bad;
    /* the flat form's format mark comes first: a newer format is one problem */
    for (size_t i = 0; nextra && i < rec->n && !rec->bad; i++) {
        int format = pr_flat_mark(rec->f[i].p, rec->f[i].len);
        if (format > h->format)
            h->format = format;
    }
    if (h->format > PEERREVIEW_FORMAT_VERSION) {
        h->usable = 0;
        for (size_t i = 0; i < rec->n; i++)
            if (pr_flat_mark(rec->f[i].p, rec->f[i].len) == h->format) {
                pr_where w = field_where(file, rec, i, NULL);
                size_t skip = sizeof PR_FORMAT_KEY; /* the name and '=' */
                return pr_report_newer_format(sink, &w, rec->f[i].p + skip, rec->f[i].len - skip);
            }
    }
    for (size_t i = 0; i < rec->n && !rec->bad; i++) {
        const pr_field *f = &rec->f[i];
        int mark = nextra ? pr_flat_mark(f->p, f->len) : -2;
        if (mark != -2) {
            /* a format this library reads: the column is the mark, not data */
            h->file_to_col[i] = -1;
            if (mark > 0)
                continue;
            pr_where w = field_where(file, rec, i, NULL);
            h->usable = 0;
            if (pr_report(sink, ERR, PEERREVIEW_P_BAD_DESCRIPTOR, &w,
                          "a format mark must be \"%s=N\" with N the format version, a "
                          "whole number such as 2",
                          PR_FORMAT_KEY))
                return -1;
            continue;
        }
        int col = pr_col_index(table, f->p, f->len);
        for (size_t k = 0; col < 0 && k < nextra; k++)
            if (strlen(extra[k]) == f->len && memcmp(extra[k], f->p, f->len) == 0)
                col = (int)(t->ncols + k);
        h->file_to_col[i] = col;
        if (f->len == 0) {
            /* a spreadsheet's leftover column, if no row has a value in it */
            h->unnamed[i] = 1;
            continue;
        }
        pr_buf q = PR_BUF_INIT;
        if (pr_buf_quote(&q, f->p, f->len)) {
            pr_report_oom(sink, file);
            return -1;
        }
        pr_where w = field_where(file, rec, i, NULL);
        int r = 0;
        if (col < 0) {
            const char *hint = suggest(table, f->p, f->len, extra, nextra);
            if (hint)
                r = pr_report(sink, o->ignore_unknown_columns ? WARN : ERR,
                              PEERREVIEW_P_UNKNOWN_COLUMN, &w,
                              "unknown column %s; did you mean \"%s\"? Names are exact "
                              "(lower case, no spaces around them)",
                              pr_buf_str(&q), hint);
            else if (!o->ignore_unknown_columns)
                r = pr_report(sink, ERR, PEERREVIEW_P_UNKNOWN_COLUMN, &w,
                              "unknown column %s in %s; remove it, rename it to a column of "
                              "the schema, or ask to ignore unknown columns",
                              pr_buf_str(&q), file);
            if (!o->ignore_unknown_columns)
                h->usable = 0;
        } else if (h->col_to_file[col]) {
            w.field = (size_t)col < t->ncols ? t->cols[col].name : extra[(size_t)col - t->ncols];
            r = pr_report(sink, ERR, PEERREVIEW_P_DUPLICATE_COLUMN, &w,
                          "column %s appears twice (also column %u); delete one of them",
                          pr_buf_str(&q), (unsigned)h->col_to_file[col]);
            h->file_to_col[i] = -1;
            h->usable = 0;
        } else {
            h->col_to_file[col] = (uint16_t)(i + 1 > 65535 ? 65535 : i + 1);
        }
        pr_buf_free(&q);
        if (r) {
            return -1;
        }
    }
    if (!h->usable)
        return 0;
    for (size_t c = 0; c < ncols; c++) {
        if (h->col_to_file[c])
            continue;
        const char *name = c < t->ncols ? t->cols[c].name : extra[c - t->ncols];
        int required = c < t->ncols && (t->cols[c].flags & PR_REQUIRED);
        pr_where w = PR_WHERE_NONE;
        w.file = file;
        w.line = rec->line;
        w.record = rec->number;
        w.offset = rec->offset;
        w.field = name;
        int r = pr_report(sink, required ? ERR : WARN, PEERREVIEW_P_MISSING_COLUMN, &w,
                          required ? "the header has no column \"%s\", which is required; "
                                     "add it"
                                   : "the header has no column \"%s\"; its values are taken "
                                     "as unknown (add the column to silence this)",
                          name);
        if (r)
            return -1;
        if (required)
            h->usable = 0;
    }
    return 0;
}

int pr_header_next(pr_csvin *in, pr_header *h, int table, const char *file,
                   const peerreview_options *o, pr_sink *sink, const char *const *extra,
                   size_t nextra)
{
    memset(h, 0, sizeof *h);
    pr_record *rec;
    int rc = pr_csvin_next(in, &rec);
    if (rc == 0) {
        pr_report_empty(sink, file);
        return PEERREVIEW_EDATA;
    }
    if (rc < 0)
        return rc;
    if (pr_header_read(h, table, rec, file, o, sink, extra, nextra))
        return PEERREVIEW_ENOMEM;
    if (!h->usable)
        return PEERREVIEW_EDATA;
    /* a record wider than the header keeps only the header's fields' data */
    pr_csvin_keep_fields(in, h->nfields);
    return 0;
}

/* A record of nothing but separators: note it for pr_header_finish. */
static int empty_record(pr_header *h, const pr_record *rec)
{
    for (size_t i = 0; i < rec->n; i++)
        if (rec->f[i].len)
            return 0;
    if (!h->empty_rows.count) {
        h->empty_line = rec->line;
        h->empty_record = rec->number;
        h->empty_offset = rec->offset;
    }
    pr_ranges_add(&h->empty_rows, rec->number);
    return 1;
}

/* A value in a column whose header is empty: reported once per column. */
static int unnamed_values(pr_header *h, const pr_record *rec, const char *file, pr_sink *sink)
{
    for (size_t i = 0; i < rec->n && i < h->nfields; i++) {
        if (h->unnamed[i] != 1 || !rec->f[i].len)
            continue;
        h->unnamed[i] = 2;
        char letters[8];
        pr_column_letters((unsigned long)i + 1, letters);
        pr_buf q = PR_BUF_INIT;
        pr_where w = field_where(file, rec, i, NULL);
        int r = pr_buf_quote(&q, rec->f[i].p, rec->f[i].len) ||
                pr_report(sink, ERR, PEERREVIEW_P_UNKNOWN_COLUMN, &w,
                          "column %s has no name in the header but holds %s here; give the "
                          "column its name in row 1, or delete the column",
                          letters, pr_buf_str(&q));
        pr_buf_free(&q);
        if (r) {
            pr_report_oom(sink, file);
            return -1;
        }
    }
    return 0;
}

/* One empty-column warning for the unnamed columns that held no value. */
static int report_empty_columns(pr_header *h, const char *file, pr_sink *sink)
{
    pr_buf m = PR_BUF_INIT;
    size_t n = 0, first = 0;
    int fail = 0;
    for (size_t i = 0; !fail && h->unnamed && i < h->nfields; i++) {
        if (h->unnamed[i] != 1)
            continue;
        char letters[8];
        pr_column_letters((unsigned long)i + 1, letters);
        fail = (n && pr_buf_adds(&m, ", ")) || pr_buf_adds(&m, letters);
        if (!n++)
            first = i;
    }
    if (!fail && n) {
        pr_where w = PR_WHERE_NONE;
        w.file = file;
        w.line = 1;
        w.record = 1;
        w.column = (unsigned long)first + 1;
        fail = pr_report(sink, WARN, PEERREVIEW_P_EMPTY_COLUMN, &w,
                         n == 1 ? "column %s has no name and no values; it is skipped (delete "
                                  "it to silence this)"
                                : "columns %s have no name and no values; they are skipped "
                                  "(delete them to silence this)",
                         pr_buf_str(&m));
    }
    pr_buf_free(&m);
    return fail;
}

/* One empty-row warning for the rows of nothing but separators. */
static int report_empty_rows(pr_header *h, const char *file, pr_sink *sink)
{
    if (!h->empty_rows.count)
        return 0;
    pr_buf m = PR_BUF_INIT;
    pr_where w = PR_WHERE_NONE;
    w.file = file;
    w.line = h->empty_line;
    w.record = h->empty_record;
    w.offset = h->empty_offset;
    int fail = pr_ranges_format(&h->empty_rows, &m);
    if (!fail && h->empty_rows.count == 1)
        fail = pr_report(sink, WARN, PEERREVIEW_P_EMPTY_ROW, &w,
                         "row %s holds nothing but separators; it is skipped (delete it to "
                         "silence this)",
                         pr_buf_str(&m));
    else if (!fail)
        fail = pr_report(sink, WARN, PEERREVIEW_P_EMPTY_ROW, &w,
                         "%lu rows hold nothing but separators (rows %s); they are skipped "
                         "(delete them to silence this)",
                         h->empty_rows.count, pr_buf_str(&m));
    pr_buf_free(&m);
    return fail;
}

int pr_header_finish(pr_header *h, const char *file, pr_sink *sink)
{
    if (report_empty_columns(h, file, sink) || report_empty_rows(h, file, sink)) {
        pr_report_oom(sink, file);
        return -1;
    }
    return 0;
}

int pr_record_to_row(pr_header *h, const pr_record *rec, const char *file, pr_arena *a,
                     peerreview_row *row, pr_sink *sink)
{
    const pr_table *t = &pr_tables[h->table];
    if (empty_record(h, rec))
        return 2;
    if (rec->n != h->nfields) {
        pr_where w = PR_WHERE_NONE;
        w.file = file;
        w.line = rec->line;
        w.offset = rec->offset;
        w.record = rec->number;
        int r;
        if (rec->n > h->nfields) {
            w.column = (unsigned long)h->nfields + 1;
            w.field = NULL; /* beyond the header: the column has no name */
            w.line = rec->f[h->nfields].line;
            w.offset = rec->f[h->nfields].offset;
            r = pr_report(sink, ERR, PEERREVIEW_P_TOO_MANY_FIELDS, &w,
                          "the record has %zu fields but the header has %zu; a comma in a "
                          "value needs the value in quotes",
                          rec->n, h->nfields);
        } else {
            /* the first missing field; the record ends on its last line */
            w.column = (unsigned long)rec->n + 1;
            w.line = rec->n ? rec->f[rec->n - 1].line : rec->line;
            int col = h->file_to_col[rec->n];
            w.field = col >= 0 && (size_t)col < t->ncols ? t->cols[col].name : NULL;
            r = pr_report(sink, ERR, PEERREVIEW_P_MISSING_FIELDS, &w,
                          "the record has %zu fields but the header has %zu; add the missing "
                          "commas (empty values are fine)",
                          rec->n, h->nfields);
        }
        return r ? -1 : 1;
    }
    if (unnamed_values(h, rec, file, sink))
        return -1;
    row->src.line = rec->line > UINT32_MAX ? UINT32_MAX : (uint32_t)rec->line;
    row->src.record = rec->number > UINT32_MAX ? UINT32_MAX : (uint32_t)rec->number;
    row->src.offset = (uint64_t)rec->offset;
    pr_buf msg = PR_BUF_INIT;
    for (size_t i = 0; i < rec->n; i++) {
        int col = h->file_to_col[i];
        if (col < 0 || (size_t)col >= t->ncols)
            continue;
        const pr_field *f = &rec->f[i];
        if (f->len == 0)
            continue;
        pr_buf_reset(&msg);
        int code = pr_check_cell(h->table, (size_t)col, f->p, f->len, &msg);
        if (code == -2) {
            pr_buf_free(&msg);
            pr_report_oom(sink, file);
            return -1;
        }
        if (code >= 0) {
            pr_where w = field_where(file, rec, i, t->cols[col].name);
            if (pr_report(sink, ERR, (peerreview_code)code, &w, "%s", pr_buf_str(&msg))) {
                pr_buf_free(&msg);
                return -1;
            }
            /* leave it unknown; the required check must not report it again */
            continue;
        }
        if (pr_row_store(a, row, (size_t)col, f->p, f->len)) {
            pr_buf_free(&msg);
            pr_report_oom(sink, file);
            return -1;
        }
    }
    pr_buf_free(&msg);
    return 0;
}

/* ---- package loading ---- */

/* Child rows of one table that name a review reviews.csv does not have. */
typedef struct orphan {
    char *id;
    pr_where first; /* the first such row's review_id cell */
    pr_ranges lines;
} orphan;

typedef struct loader {
    const peerreview_options *o;
    pr_sink *sink;
    peerreview_dataset *ds;
    int io_failed;
    pr_progress progress;
    /* review_id -> spreadsheet row of reviews.csv rows rejected whole (wrong
       field count or encoding): they exist, so nothing referring to them is
       a foreign-key error */
    pr_strmap rejected;
    int reviews_partial; /* reviews.csv was not read to its end */
    int reviews_missing; /* there is no reviews.csv */
    int have_descriptor;
    unsigned listed; /* tables datapackage.json lists, bit per table */
    /* orphaned rows of the table being read: review_id -> index in orphans */
    pr_strmap orphan_ids;
    orphan *orphans;
    size_t norphans, caporphans;
    pr_txread tx;   /* the folder's lock, and files to read instead of the tables */
    size_t records; /* data records read so far, all tables */
    int alone;      /* one table read on its own, not a package */
} loader;

static int read_table(loader *L, pr_csvin *in, int table);

static void remember_rejected(loader *L, const pr_header *h, const pr_record *rec)
{
    unsigned f = h->col_to_file[PR_R_REVIEW_ID];
    if (!f || f > rec->n || rec->f[f - 1].len == 0)
        return;
    if (pr_strmap_put(&L->rejected, rec->f[f - 1].p, rec->f[f - 1].len, rec->number, NULL) < 0)
        pr_report_oom(L->sink, NULL);
}

/* 1 if the record's field for col was non-empty (so a missing value was already reported). */
static int had_value(const pr_header *h, const pr_record *rec, size_t col)
{
    unsigned f = h->col_to_file[col];
    return f && f <= rec->n && rec->f[f - 1].len > 0;
}

static int check_row(loader *L, const pr_header *h, const pr_record *rec, peerreview_row *row,
                     const char *id)
{
    /* a required cell that held an invalid value was reported already */
    uint8_t reported[PR_MAX_COLS];
    for (size_t c = 0; c < pr_tables[h->table].ncols; c++)
        reported[c] = !row->v[c] && had_value(h, rec, c);
    return pr_rules_row(L->sink, L->ds, row, id, reported, 1);
}

const char *pr_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Note a child row whose review is not in reviews.csv (reported per review by flush_orphans). */
static int add_orphan(loader *L, const char *path, const pr_record *rec, unsigned idf)
{
    const pr_field *f = &rec->f[idf - 1];
    size_t *slot;
    int added = pr_strmap_put(&L->orphan_ids, f->p, f->len, L->norphans, &slot);
    if (added < 0)
        return -1;
    if (added) {
        char *id = pr_strndup(f->p, f->len);
        if (!id ||
            pr_grow((void **)&L->orphans, &L->caporphans, L->norphans + 1, sizeof *L->orphans)) {
            pr_free(id);
            return -1;
        }
        orphan *o = &L->orphans[L->norphans++];
        memset(o, 0, sizeof *o);
        o->id = id;
        o->first = field_where(path, rec, idf - 1, "review_id");
    }
    pr_ranges_add(&L->orphans[*slot].lines, rec->line);
    return 0;
}

/* One cause, one problem: one foreign-key error per missing review and table. */
static void flush_orphans(loader *L, const char *path)
{
    pr_buf q = PR_BUF_INIT, lines = PR_BUF_INIT;
    for (size_t i = 0; i < L->norphans; i++) {
        orphan *o = &L->orphans[i];
        pr_buf_reset(&q);
        pr_buf_reset(&lines);
        int fail = pr_buf_quote(&q, o->id, strlen(o->id)) || pr_ranges_format(&o->lines, &lines);
        if (!fail && o->lines.count == 1)
            fail = pr_report(L->sink, ERR, PEERREVIEW_P_FOREIGN_KEY, &o->first,
                             "review_id %s is not in reviews.csv; add the review there or "
                             "correct the id",
                             pr_buf_str(&q));
        else if (!fail)
            fail =
                pr_report(L->sink, ERR, PEERREVIEW_P_FOREIGN_KEY, &o->first,
                          "%lu rows refer to review_id %s, which is not in reviews.csv: %s "
                          "lines %s; add the review there or correct the ids",
                          o->lines.count, pr_buf_str(&q), pr_base_name(path), pr_buf_str(&lines));
        if (fail)
            pr_report_oom(L->sink, path);
        pr_free(o->id);
    }
    pr_buf_free(&q);
    pr_buf_free(&lines);
    L->norphans = 0;
    pr_strmap_free(&L->orphan_ids);
}

/* A table file that is not there. */
static void report_missing(loader *L, const char *path, int table)
{
    pr_where w = PR_WHERE_NONE;
    w.file = path;
    const char *file = pr_tables[table].file;
    if (table == PEERREVIEW_REVIEWS)
        pr_report(L->sink, ERR, PEERREVIEW_P_MISSING_TABLE, &w,
                  "the package has no %s, the table every package needs; check that this is "
                  "the package folder, or restore the file",
                  file);
    else if (L->have_descriptor && (L->listed & (1u << table)))
        pr_report(L->sink, ERR, PEERREVIEW_P_MISSING_TABLE, &w,
                  "%s is missing, but datapackage.json lists it; restore the file (a table "
                  "with no rows is just its header line)",
                  file);
    else
        pr_report(L->sink, WARN, PEERREVIEW_P_MISSING_TABLE, &w,
                  "%s is missing; it is read as a table with no rows (a saved package always "
                  "has it)",
                  file);
}

static int load_table(loader *L, const char *dir, int table)
{
    peerreview_dataset *ds = L->ds;
    pr_sink *sink = L->sink;
    char *path = pr_path_join(dir, pr_tables[table].file);
    if (!path) {
        pr_report_oom(sink, NULL);
        return -1;
    }
    pr_csvin *in;
    const char *from = L->tx.from && L->tx.from[table] ? L->tx.from[table] : path;
    int rc = pr_csvin_open(from, path, L->o->max_field_size, sink, 1, &in);
    if (rc == 0 && pr_csvin_set_dialect(in, L->o)) {
        pr_csvin_free(in);
        rc = PEERREVIEW_ENOMEM;
        pr_report_oom(sink, path);
    }
    if (rc) {
        /* without reviews.csv this is hardly a package: that one error says it */
        if (rc == PEERREVIEW_ENOTFOUND && (table == PEERREVIEW_REVIEWS || !L->reviews_missing))
            report_missing(L, path, table);
        if (rc == PEERREVIEW_ENOTFOUND && table == PEERREVIEW_REVIEWS)
            L->reviews_missing = 1;
        if (rc == PEERREVIEW_EIO)
            L->io_failed = 1;
        if (table == PEERREVIEW_REVIEWS)
            L->reviews_partial = 1;
        pr_free(path);
        return rc == PEERREVIEW_ENOMEM ? -1 : 0;
    }
    ds->src_file[table] = path;
    pr_csvin_set_progress(in, &L->progress);
    return read_table(L, in, table);
}

/* Read the rows of table from in (freed here) into L->ds, whose src_file[table] names it. */
static int read_table(loader *L, pr_csvin *in, int table)
{
    peerreview_dataset *ds = L->ds;
    pr_sink *sink = L->sink;
    const char *path = ds->src_file[table];
    int rc;
    pr_header h;
    rc = pr_header_next(in, &h, table, path, L->o, sink, NULL, 0);
    if (rc == PEERREVIEW_ENOMEM) {
        pr_header_free(&h);
        pr_csvin_free(in);
        return -1;
    }
    if (h.col_to_file)
        ds->src_col[table] = h.col_to_file; /* shared with h; the dataset frees it */
    pr_record *rec;
    rc = rc == 0 ? 1 : rc;
    while (rc == 1 && !sink->stop) {
        /* the limit counts the records of every table together */
        rc = pr_next_record(in, path, &L->records, L->o->max_records, !L->alone, sink, &rec);
        if (rc != 1)
            break;
        if (rec->bad) {
            if (table == PEERREVIEW_REVIEWS)
                remember_rejected(L, &h, rec);
            continue;
        }
        peerreview_review *r = NULL;
        peerreview_row *row;
        if (table == PEERREVIEW_REVIEWS) {
            r = peerreview_review_new();
            if (!r) {
                pr_report_oom(sink, path);
                break;
            }
            r->ds = ds; /* strings go straight to the dataset's arena */
            row = r->row;
        } else {
            row = pr_row_alloc(table);
            if (!row) {
                pr_report_oom(sink, path);
                break;
            }
        }
        int cr = pr_record_to_row(&h, rec, path, &ds->arena, row, sink);
        if (cr != 0) {
            if (r) {
                r->ds = NULL;
                peerreview_review_free(r);
                if (cr == 1)
                    remember_rejected(L, &h, rec);
            } else
                pr_row_free(row);
            if (cr < 0)
                break;
            continue;
        }
        if (table == PEERREVIEW_REVIEWS) {
            const char *id = row->v[PR_R_REVIEW_ID];
            if (check_row(L, &h, rec, row, id) == 0 && id &&
                pr_insert_loaded(ds, r, sink, &L->rejected) == 0)
                r = NULL; /* the dataset has it */
            if (r) {
                r->ds = NULL;
                peerreview_review_free(r);
            }
            continue;
        }
        /* child row: attach to its review */
        unsigned idf = h.col_to_file[0];
        const char *id = rec->f[idf - 1].p;
        size_t idlen = rec->f[idf - 1].len;
        peerreview_review *parent = idlen ? peerreview_dataset_review_byid_mut(ds, id) : NULL;
        if (!parent) {
            if (!idlen) {
                pr_where w = field_where(path, rec, idf - 1, "review_id");
                pr_report(sink, ERR, PEERREVIEW_P_MISSING_VALUE, &w,
                          "review_id is required but empty; give the review this row "
                          "belongs to");
            } else if (pr_check_cell(table, 0, id, idlen, NULL) < 0 && !L->reviews_partial &&
                       !pr_strmap_get(&L->rejected, id, idlen) && add_orphan(L, path, rec, idf)) {
                pr_row_free(row);
                pr_report_oom(sink, path);
                break;
            }
            pr_row_free(row);
            continue;
        }
        row->review = parent;
        if (check_row(L, &h, rec, row, id) || pr_review_append(parent, table, row)) {
            pr_row_free(row);
            pr_report_oom(sink, path);
            break;
        }
    }
    if (rc == 0 && !sink->stop)
        pr_header_finish(&h, path, sink);
    else if (table == PEERREVIEW_REVIEWS)
        L->reviews_partial = 1; /* stopped early: what follows was not seen */
    if (!sink->stop)
        flush_orphans(L, path);
    else
        for (size_t i = 0; i < L->norphans; i++)
            pr_free(L->orphans[i].id);
    L->norphans = 0;
    pr_strmap_free(&L->orphan_ids);
    if (h.col_to_file == ds->src_col[table])
        h.col_to_file = NULL;
    pr_header_free(&h);
    if (rc == PEERREVIEW_EIO)
        L->io_failed = 1;
    pr_csvin_free(in);
    return sink->oom ? -1 : 0;
}

/* Levenshtein distance of two short names, capped at 3. */
static int distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 3;
    int row[41];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] > 3 ? 3 : row[lb];
}

/* Every .csv in the folder that is not one of the tables: unknown-file. */
static int check_folder(loader *L, const char *dir)
{
    char **names;
    size_t n;
    if (pr_io_list_dir(dir, &names, &n)) {
        if (errno != ENOMEM)
            return 0; /* unreadable folder: the table files say why */
        pr_report_oom(L->sink, dir);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *name = names[i];
        size_t len = strlen(name);
        char lower[256];
        if (len < 4 || len >= sizeof lower || name[0] == '.')
            continue;
        for (size_t k = 0; k <= len; k++)
            lower[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] - 'A' + 'a' : name[k]);
        if (strcmp(lower + len - 4, ".csv") != 0)
            continue;
        const char *hint = NULL;
        int exact = 0;
        for (int t = 0; t < PEERREVIEW_TABLE_COUNT && !exact; t++) {
            if (strcmp(name, pr_tables[t].file) == 0)
                exact = 1;
            else if (!hint && distance(lower, pr_tables[t].file) <= 2)
                hint = pr_tables[t].file;
        }
        if (exact)
            continue;
        char *path = pr_path_join(dir, name);
        if (!path) {
            pr_report_oom(L->sink, dir);
            rc = -1;
            break;
        }
        pr_where w = PR_WHERE_NONE;
        w.file = path;
        if (hint)
            rc = pr_report(L->sink, WARN, PEERREVIEW_P_UNKNOWN_FILE, &w,
                           "%s is not part of this package; did you mean %s? (table file "
                           "names are exact and lower case)",
                           name, hint);
        else
            rc = pr_report(L->sink, WARN, PEERREVIEW_P_UNKNOWN_FILE, &w,
                           "%s is not part of this package and is not read (the tables are "
                           "reviews.csv, review_councils.csv, team_members.csv, items.csv, "
                           "considerations.csv and sources.csv); move it out of the folder "
                           "to silence this",
                           name);
        pr_free(path);
    }
    for (size_t i = 0; i < n; i++)
        pr_free(names[i]);
    pr_free(names);
    return rc;
}

static int load_package(loader *L, const char *dir)
{
    if (pr_io_is_dir(dir) != 1) {
        pr_where w = PR_WHERE_NONE;
        w.file = dir;
        L->io_failed = 1;
        return pr_report(L->sink, ERR, PEERREVIEW_P_IO_ERROR, &w,
                         "no such folder; give a package folder or its datapackage.json");
    }
    const char *files[PEERREVIEW_TABLE_COUNT + 1];
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++)
        files[t] = pr_tables[t].file;
    files[PEERREVIEW_TABLE_COUNT] = "datapackage.json";
    /* under the folder's shared lock; a save that was interrupted after its
       commit point is completed first (or read as completed) */
    int rc = pr_tx_read_begin(&L->tx, dir, files, PEERREVIEW_TABLE_COUNT + 1, L->sink);
    if (rc) {
        L->io_failed = rc != PEERREVIEW_ENOMEM; /* the folder, not the data */
        return rc == PEERREVIEW_ENOMEM ? -1 : 0;
    }
    char *desc = pr_path_join(dir, "datapackage.json");
    if (!desc) {
        pr_report_oom(L->sink, NULL);
        return -1;
    }
    const char *dfrom = L->tx.from[PEERREVIEW_TABLE_COUNT];
    rc = pr_descriptor_read(dfrom ? dfrom : desc, desc, L->ds, L->sink, &L->have_descriptor,
                            &L->listed);
    pr_free(desc);
    if (rc == PEERREVIEW_EIO) {
        L->io_failed = 1;
        return 0;
    }
    if (rc < 0 || check_folder(L, dir))
        return -1;
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT && L->o->progress; t++) {
        char *path = pr_path_join(dir, pr_tables[t].file);
        if (!path) {
            pr_report_oom(L->sink, NULL);
            return -1;
        }
        L->progress.total += pr_io_file_size(path);
        pr_free(path);
    }
    /* past the record limit nothing more is read: one problem, bounded memory */
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT && !L->sink->stop && L->records <= L->o->max_records;
         t++)
        if (load_table(L, dir, t))
            return -1;
    pr_loadinfo info = {&L->rejected, L->reviews_partial};
    if (!L->sink->stop && !L->sink->oom && L->records <= L->o->max_records &&
        pr_rules_dataset(L->sink, L->ds, &info))
        pr_report_oom(L->sink, NULL);
    return 0;
}

int pr_path_is_csv(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && strcasecmp(path + n - 4, ".csv") == 0;
}

/* 1 if file exists (as anything but a folder) in dir; -1 when out of memory. */
static int file_beside(const char *dir, const char *file)
{
    char *p = pr_path_join(dir, file);
    if (!p)
        return -1;
    int found = pr_io_is_dir(p) == 0;
    pr_free(p);
    return found;
}

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
        int found = file_beside(dir, "datapackage.json");
        /* a reviews.csv alone may well be a flat file someone named so */
        for (int k = 0; found == 0 && k < PEERREVIEW_TABLE_COUNT; k++)
            if ((t == PEERREVIEW_REVIEWS) != (k == PEERREVIEW_REVIEWS))
                found = file_beside(dir, pr_tables[k].file);
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

int pr_in_package(const char *path)
{
    const char *base = pr_base_name(path);
    char *dir = base > path ? pr_strndup(path, (size_t)(base - path)) : pr_strdup(".");
    int found = dir ? file_beside(dir, "datapackage.json") : -1;
    pr_free(dir);
    return found;
}

/* A loader with an empty dataset to fill; -1 (reported) when out of memory. */
static int loader_init(loader *L, const peerreview_options *o, pr_sink *sink, const char *name)
{
    memset(L, 0, sizeof *L);
    L->tx.lockfd = -1;
    L->o = o;
    L->sink = sink;
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
        load_package(&L, dir);
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
    pr_tx_read_end(&L.tx);
    pr_strmap_free(&L.rejected);
    pr_free(L.orphans);
    if (L.progress.canceled) {
        /* the caller asked to stop: no problem of its own, nothing kept */
        peerreview_dataset_free(L.ds);
        return PEERREVIEW_ECANCELED;
    }
    if (sink.oom || sink.errors) {
        peerreview_dataset_free(L.ds);
        return sink.oom ? PEERREVIEW_ENOMEM : L.io_failed ? PEERREVIEW_EIO : PEERREVIEW_EDATA;
    }
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

/* The reviews table on its own, from src: a dataset without child rows. */
static int load_reviews_alone(loader *L, const pr_source *src, const char *name)
{
    L->alone = 1;
    pr_csvin *in;
    int rc = pr_csvin_open_source(src, name, L->o->max_field_size, L->sink, 0, &in);
    if (rc == 0 && pr_csvin_set_dialect(in, L->o)) {
        pr_csvin_free(in);
        rc = PEERREVIEW_ENOMEM;
        pr_report_oom(L->sink, name);
    }
    if (rc) {
        L->io_failed = rc == PEERREVIEW_EIO;
        return rc == PEERREVIEW_ENOMEM ? -1 : 0;
    }
    L->ds->src_file[PEERREVIEW_REVIEWS] = pr_strdup(name);
    if (!L->ds->src_file[PEERREVIEW_REVIEWS]) {
        pr_csvin_free(in);
        pr_report_oom(L->sink, name);
        return -1;
    }
    L->progress.total = pr_source_size(src);
    pr_csvin_set_progress(in, &L->progress);
    if (read_table(L, in, PEERREVIEW_REVIEWS))
        return -1;
    pr_loadinfo info = {&L->rejected, L->reviews_partial};
    if (!L->sink->stop && !L->sink->oom && L->records <= L->o->max_records &&
        pr_rules_dataset(L->sink, L->ds, &info))
        pr_report_oom(L->sink, NULL);
    return 0;
}

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
        load_reviews_alone(&L, src, name);
    else if (pr_flat_load(src, name, o, &sink, L.ds, &L.progress) == PEERREVIEW_EIO)
        L.io_failed = 1;
    pr_strmap_free(&L.rejected);
    pr_free(L.orphans);
    if (sink.oom || sink.errors) {
        peerreview_dataset_free(L.ds);
        return sink.oom ? PEERREVIEW_ENOMEM : L.io_failed ? PEERREVIEW_EIO : PEERREVIEW_EDATA;
    }
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
