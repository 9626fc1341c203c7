/* Reading a package folder: datapackage.json and the six tables -> a checked dataset. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "descriptor-read.h"
#include "io.h"
#include "package-read.h"
#include "path.h"
#include "pkgtx.h"
#include "rules.h"
#include "schema.h"
#include "table-read.h"
#include "value.h"

#define ERR  PEERREVIEW_SEVERITY_ERROR
#define WARN PEERREVIEW_SEVERITY_WARNING

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
    pr_progress *progress; /* the load's */
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
        reported[c] = !pr_row_v(row, c) && had_value(h, rec, c);
    return pr_rules_row(L->sink, &L->ds->src, row, id, reported, 1);
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
        o->first = pr_field_where(path, rec, idf - 1, "review_id");
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
    ds->src.file[table] = path;
    pr_csvin_set_progress(in, L->progress);
    return read_table(L, in, table);
}

/* 1 if review r (may be NULL) has the review_id id[0..len) (no NUL in it). */
static int same_id(const peerreview_review *r, const char *id, size_t len)
{
    const char *rid = r ? pr_row_v(r->row, PR_R_REVIEW_ID) : NULL;
    return rid && strncmp(rid, id, len) == 0 && rid[len] == '\0';
}

/* Read the rows of table from in (freed here) into L->ds, whose src.file[table] names it. */
static int read_table(loader *L, pr_csvin *in, int table)
{
    peerreview_dataset *ds = L->ds;
    pr_sink *sink = L->sink;
    const char *path = ds->src.file[table];
    int rc;
    pr_header h;
    rc = pr_header_next(in, &h, table, path, L->o, sink, NULL, 0);
    if (rc == PEERREVIEW_ENOMEM) {
        pr_header_free(&h);
        pr_csvin_free(in);
        return -1;
    }
    if (h.col_to_file)
        ds->src.col[table] = h.col_to_file; /* shared with h; the dataset frees it */
    pr_record *rec;
    peerreview_review *last = NULL; /* the review of the last child row */
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
        /* a child row's review: files list a review's rows together and the
           reviews in reviews.csv's order, so it is most often the last row's
           review or the one after it in the dataset, else looked up; its id
           passed the review_id rules, so the row's is not checked again */
        peerreview_review *parent = NULL;
        unsigned idf = table == PEERREVIEW_REVIEWS ? 0 : h.col_to_file[0];
        const char *id = idf && idf <= rec->n ? rec->f[idf - 1].p : NULL;
        size_t idlen = id ? rec->f[idf - 1].len : 0;
        if (idlen) {
            peerreview_review *next = last && last->pos + 1 < ds->n ? ds->v[last->pos + 1] : NULL;
            parent = same_id(last, id, idlen)   ? last
                     : same_id(next, id, idlen) ? next
                                                : peerreview_dataset_review_byid_mut(ds, id);
        }
        h.valid_id = parent ? pr_row_v(parent->row, PR_R_REVIEW_ID) : NULL;
        peerreview_review *r = NULL;
        peerreview_row *row;
        if (table == PEERREVIEW_REVIEWS) {
            r = pr_review_new_in(ds, pr_record_bytes(rec)); /* packed in the dataset's arena */
            if (!r) {
                pr_report_oom(sink, path);
                break;
            }
            row = r->row;
        } else {
            row = pr_row_alloc_in(&ds->arena, table, pr_record_bytes(rec));
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
            const char *rid = pr_row_v(row, PR_R_REVIEW_ID);
            if (check_row(L, &h, rec, row, rid) == 0 && rid &&
                pr_insert_loaded(ds, r, sink, &L->rejected) == 0)
                r = NULL; /* the dataset has it */
            if (r) {
                r->ds = NULL;
                peerreview_review_free(r);
            }
            continue;
        }
        /* child row: attach to its review */
        if (!parent) {
            if (!idlen) {
                pr_where w = pr_field_where(path, rec, idf - 1, "review_id");
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
        last = parent;
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
    if (h.col_to_file == ds->src.col[table])
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
        L->progress->total += pr_io_file_size(path);
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
    L->ds->src.file[PEERREVIEW_REVIEWS] = pr_strdup(name);
    if (!L->ds->src.file[PEERREVIEW_REVIEWS]) {
        pr_csvin_free(in);
        pr_report_oom(L->sink, name);
        return -1;
    }
    L->progress->total = pr_source_size(src);
    pr_csvin_set_progress(in, L->progress);
    if (read_table(L, in, PEERREVIEW_REVIEWS))
        return -1;
    pr_loadinfo info = {&L->rejected, L->reviews_partial};
    if (!L->sink->stop && !L->sink->oom && L->records <= L->o->max_records &&
        pr_rules_dataset(L->sink, L->ds, &info))
        pr_report_oom(L->sink, NULL);
    return 0;
}

static void loader_start(loader *L, const peerreview_options *o, pr_sink *sink,
                         peerreview_dataset *ds, pr_progress *progress)
{
    memset(L, 0, sizeof *L);
    L->tx.lockfd = -1;
    L->o = o;
    L->sink = sink;
    L->ds = ds;
    L->progress = progress;
}

/* What a loader holds beyond the dataset, freed; PEERREVIEW_EIO if a file could not be read. */
static int loader_end(loader *L)
{
    pr_strmap_free(&L->rejected);
    pr_free(L->orphans);
    return L->io_failed ? PEERREVIEW_EIO : 0;
}

int pr_package_load(const char *dir, const peerreview_options *o, pr_sink *sink,
                    peerreview_dataset *ds, pr_progress *progress)
{
    loader L;
    loader_start(&L, o, sink, ds, progress);
    load_package(&L, dir);
    pr_tx_read_end(&L.tx);
    return loader_end(&L);
}

int pr_reviews_load(const pr_source *src, const char *name, const peerreview_options *o,
                    pr_sink *sink, peerreview_dataset *ds, pr_progress *progress)
{
    loader L;
    loader_start(&L, o, sink, ds, progress);
    load_reviews_alone(&L, src, name);
    return loader_end(&L);
}
