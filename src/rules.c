/* Row, cross-field and cross-table rules (doc/format.md §4). */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "options.h"
#include "rules.h"
#include "schema.h"
#include "value.h"

#define ERR  PEERREVIEW_SEVERITY_ERROR
#define WARN PEERREVIEW_SEVERITY_WARNING

/* "review X: " when the row has no position in a file to point at. */
static const char *who(const peerreview_row *row)
{
    return row->src.line ? "" : "review ";
}
static const char *who_id(const peerreview_row *row, const char *id)
{
    return row->src.line ? "" : (id ? id : "(no id)");
}
static const char *who_sep(const peerreview_row *row)
{
    return row->src.line ? "" : ": ";
}

#define REPORT(sev, code, row, col, id, fmt, ...)                                                  \
    do {                                                                                           \
        pr_where w_ = pr_row_where(pos, row, col);                                                 \
        if (pr_report(sink, sev, code, &w_, "%s%s%s" fmt, who(row), who_id(row, id), who_sep(row), \
                      __VA_ARGS__))                                                                \
            return -1;                                                                             \
    } while (0)

static int formula_start(const char *s)
{
    return s && pr_formula_char(s[0]);
}

static int rules_review(pr_sink *sink, const pr_posmap *pos, const peerreview_row *row,
                        const char *id, const uint8_t *reported)
{
    const pr_table *t = &pr_tables[PEERREVIEW_REVIEWS];
    /* date order: every known pair must be possible as intervals */
    int any_date = 0;
    long lo[PR_MAX_COLS], hi[PR_MAX_COLS];
    uint8_t known[PR_MAX_COLS]; /* the column's date is known: lo and hi hold its interval */
    for (size_t j = 0; j < t->ncols; j++) {
        known[j] = 0;
        /* a date reported as invalid still shows the review has one */
        if (t->cols[j].type == PEERREVIEW_TYPE_DATE &&
            (pr_row_v(row, j) || (reported && reported[j])))
            any_date = 1;
        if (!(t->cols[j].flags & PR_DATE_ORDER) || !pr_row_v(row, j))
            continue;
        if (pr_date_interval(pr_row_v(row, j), &lo[j], &hi[j]))
            continue;
        known[j] = 1;
        long jhi = hi[j];
        for (size_t i = 0; i < j; i++) {
            if (!known[i])
                continue;
            long ilo = lo[i];
            if (ilo > jhi)
                REPORT(ERR, PEERREVIEW_P_INCONSISTENT, row, j, id,
                       "%s \"%s\" is before %s \"%s\"; dates must run onsite_start <= "
                       "onsite_end <= report_date <= published_date: correct one of them",
                       t->cols[j].name, pr_row_v(row, j), t->cols[i].name, pr_row_v(row, i));
        }
    }
    if (!any_date)
        REPORT(WARN, PEERREVIEW_P_NO_DATE, row, PR_R_REVIEW_ID, id, "%s",
               "the review has no date at all; add at least the year it took place "
               "(onsite_start, e.g. 2019)");
    const char *stage = pr_row_v(row, PR_R_STAGE);
    if (stage && strcmp(stage, "progress") == 0 && !pr_row_v(row, PR_R_PARENT))
        REPORT(WARN, PEERREVIEW_P_MISSING_VALUE, row, PR_R_PARENT, id, "%s",
               "a progress review without parent_review_id; give the review_id of the "
               "review it follows up");
    if (stage && strcmp(stage, "initial") == 0 && pr_row_v(row, PR_R_PARENT))
        REPORT(WARN, PEERREVIEW_P_INCONSISTENT, row, PR_R_PARENT, id,
               "an initial review has parent_review_id \"%s\"; clear it, or set stage to "
               "progress",
               pr_row_v(row, PR_R_PARENT));
    return 0;
}

static int rules_council(pr_sink *sink, const pr_posmap *pos, const peerreview_row *row,
                         const char *id)
{
    const pr_table *t = &pr_tables[PEERREVIEW_REVIEW_COUNCILS];
    int gss = pr_col_index(PEERREVIEW_REVIEW_COUNCILS, "gss_code", 8);
    int auth = pr_col_index(PEERREVIEW_REVIEW_COUNCILS, "authority_type", 14);
    int rgss = pr_col_index(PEERREVIEW_REVIEW_COUNCILS, "region_gss", 10);
    int rname = pr_col_index(PEERREVIEW_REVIEW_COUNCILS, "region_name", 11);
    const char *g = pr_row_v(row, gss), *a = pr_row_v(row, auth);
    if (g && a) {
        const char *want = pr_authority_for_gss(g, strlen(g));
        if (want && strcmp(want, a) != 0)
            REPORT(ERR, PEERREVIEW_P_INCONSISTENT, row, (size_t)auth, id,
                   "authority_type \"%s\" does not agree with gss_code \"%s\", whose prefix "
                   "%.3s means %s; correct one of them",
                   a, g, g, want);
    }
    const char *rg = pr_row_v(row, rgss), *rn = pr_row_v(row, rname);
    if (rg && rn) {
        const char *want = pr_region_name(rg, strlen(rg));
        if (want && strcmp(want, rn) != 0)
            REPORT(ERR, PEERREVIEW_P_INCONSISTENT, row, (size_t)rname, id,
                   "region_name \"%s\" does not agree with region_gss \"%s\" (%s); correct "
                   "one of them",
                   rn, rg, want);
    }
    (void)t;
    return 0;
}

int pr_rules_row(pr_sink *sink, const pr_posmap *pos, const peerreview_row *row, const char *id,
                 const uint8_t *reported, int formulas)
{
    const pr_table *t = &pr_tables[row->table];
    for (size_t c = 0; c < t->ncols; c++) {
        if (row->table != PEERREVIEW_REVIEWS && c == 0)
            continue;
        const pr_column *col = &t->cols[c];
        if ((col->flags & PR_REQUIRED) && !pr_row_v(row, c) && !(reported && reported[c])) {
            /* a column missing from the header was reported once already */
            if (row->src.line && pos && pos->col[row->table] && !pos->col[row->table][c])
                continue;
            REPORT(ERR, PEERREVIEW_P_MISSING_VALUE, row, c, id,
                   "%s is required but empty; fill it in", col->name);
        }
        if (formulas && col->type == PEERREVIEW_TYPE_TEXT && formula_start(pr_row_v(row, c)))
            REPORT(WARN, PEERREVIEW_P_FORMULA_PREFIX, row, c, id,
                   "the text starts with '%c', which a spreadsheet may run as a formula; "
                   "export with the spreadsheet-safe option before opening it in Excel",
                   pr_row_v(row, c)[0] == '\t'   ? ' '
                   : pr_row_v(row, c)[0] == '\r' ? ' '
                                                 : pr_row_v(row, c)[0]);
        if (sink->stop)
            return 0;
    }
    if (row->table == PEERREVIEW_REVIEWS)
        return rules_review(sink, pos, row, id, reported);
    if (row->table == PEERREVIEW_REVIEW_COUNCILS)
        return rules_council(sink, pos, row, id);
    return 0;
}

/* The spreadsheet cell a row's column came from ("C5"), or "" when not from a file. */
static void src_cell(const pr_posmap *pos, const peerreview_row *row, size_t col, char *buf)
{
    buf[0] = '\0';
    if (row->src.line && row->src.record)
        pr_cell_name(row->column ? row->column : pr_src_column(pos, row->table, col),
                     row->src.record, buf);
}

/* A child row's key and whether its seq is a number (rules_children). */
typedef struct keyed {
    pr_rowkey k;
    int num;
} keyed;

static int rules_children(pr_sink *sink, const pr_posmap *pos, const peerreview_review *r,
                          int table)
{
    const pr_rowlist *l = &r->kids[table];
    if (l->n == 0)
        return 0;
    const char *id = pr_row_v(r->row, PR_R_REVIEW_ID);
    /* every row's key once; the rows are sorted by it only when files did not
       list them in order (a stable sort leaves ordered rows as they are) */
    keyed few[32], *key = l->n <= 32 ? few : pr_malloc(l->n * sizeof *key);
    if (!key) {
        pr_report_oom(sink, NULL);
        return -1;
    }
    int in_order = 1;
    for (size_t i = 0; i < l->n; i++) {
        key[i].num = pr_row_key(l->v[i], &key[i].k);
        if (i && pr_rowkey_cmp(&key[i - 1].k, &key[i].k) > 0)
            in_order = 0;
    }
    size_t *idx = in_order ? NULL : pr_sorted_children(r, table);
    int rc = 0;
    if (!in_order && !idx) {
        pr_report_oom(sink, NULL);
        rc = -1;
    }
    size_t seqc = pr_seq_col(table);
    size_t g = pr_tables[table].group_col;
    int64_t expect = 1;
    for (size_t k = 0; k < l->n && !rc; k++) {
        size_t i = idx ? idx[k] : k, pi = k ? (idx ? idx[k - 1] : k - 1) : 0;
        const peerreview_row *row = l->v[i];
        const peerreview_row *prev = k ? l->v[pi] : NULL;
        if (prev && g && (pr_row_v(prev, g) != pr_row_v(row, g)))
            expect = 1; /* enum values are interned: pointer equality is value equality */
        if (!key[i].num)
            continue;
        int64_t seq = key[i].k.seq;
        if (prev && pr_rowkey_cmp(&key[pi].k, &key[i].k) == 0) {
            const char *s = pr_row_v(row, seqc);
            pr_where w = pr_row_where(pos, row, seqc);
            char cell[32];
            src_cell(pos, prev, seqc, cell);
            if (pr_report(sink, ERR, PEERREVIEW_P_DUPLICATE_KEY, &w,
                          "%s%s%sduplicate key: review %s already has a row in %s with %s%s%sseq "
                          "%s%s%s%s; renumber one of them",
                          who(row), who_id(row, id), who_sep(row), id, pr_tables[table].file,
                          g ? "kind " : "",
                          g ? (pr_row_v(row, g) ? pr_row_v(row, g) : "(none)") : "",
                          g ? " and " : "", s, cell[0] ? " (first in cell " : "", cell,
                          cell[0] ? ")" : ""))
                rc = -1;
            continue;
        }
        if (seq != expect) {
            const char *s = pr_row_v(row, seqc);
            pr_where w = pr_row_where(pos, row, seqc);
            if (pr_report(sink, WARN, PEERREVIEW_P_SEQ_GAP, &w,
                          "%s%s%sseq %s %s %lld in review %s%s%s; number rows 1, 2, 3, "
                          "... without gaps",
                          who(row), who_id(row, id), who_sep(row), s,
                          expect == 1 ? "should be" : "follows",
                          (long long)(expect == 1 ? 1 : expect - 1), id, g ? ", kind " : "",
                          g ? (pr_row_v(row, g) ? pr_row_v(row, g) : "(none)") : ""))
                rc = -1;
        }
        expect = seq + 1;
    }
    pr_free(idx);
    if (key != few)
        pr_free(key);
    return rc;
}

static size_t count_kind(const peerreview_review *r, const char *kind)
{
    size_t n = 0;
    const pr_rowlist *l = &r->kids[PEERREVIEW_ITEMS];
    for (size_t i = 0; i < l->n; i++)
        if (pr_row_v(l->v[i], PR_I_KIND) && strcmp(pr_row_v(l->v[i], PR_I_KIND), kind) == 0)
            n++;
    return n;
}

static int count_rule(pr_sink *sink, const pr_posmap *pos, const peerreview_row *row,
                      const char *colname, size_t listed, const char *what)
{
    int c = pr_col_index(PEERREVIEW_REVIEWS, colname, strlen(colname));
    const char *s = pr_row_v(row, c);
    int64_t v;
    if (!s || pr_int_parse(s, strlen(s), &v) || (uint64_t)v >= listed)
        return 0;
    const char *id = pr_row_v(row, PR_R_REVIEW_ID);
    REPORT(WARN, PEERREVIEW_P_COUNT_MISMATCH, row, (size_t)c, id,
           "%s is %s but %zu %s are listed; raise %s or check the list", colname, s, listed, what,
           colname);
    return 0;
}

/*
 * Formula risk in the flat form: a list cell starts with the first line
 * column of its first row in key order (flat-write.c writes them so), and only the
 * start of a cell is run as a formula. Reported as the flat column.
 */
static int formula_flat_cells(pr_sink *sink, const pr_posmap *pos, const peerreview_review *r)
{
    for (int t = 1; t < PEERREVIEW_TABLE_COUNT; t++) {
        const pr_rowlist *l = &r->kids[t];
        if (!l->n)
            continue;
        size_t *idx = NULL;
        if (!pr_children_in_order(r, t) && !(idx = pr_sorted_children(r, t))) {
            pr_report_oom(sink, NULL);
            return -1;
        }
        size_t first = 1, g = pr_tables[t].group_col;
        while (first < pr_tables[t].ncols && !pr_flat_line_col(t, first))
            first++;
        int rc = 0;
        for (size_t k = 0; k < l->n && !rc; k++) {
            const peerreview_row *row = l->v[idx ? idx[k] : k];
            if (k && !(g && pr_row_v(l->v[idx ? idx[k - 1] : k - 1], g) != pr_row_v(row, g)))
                continue; /* not the first line of its cell */
            const char *v = pr_row_v(row, first);
            if (!formula_start(v))
                continue;
            pr_where w = pr_row_where(pos, row, first);
            w.field = g ? pr_row_v(row, g) : pr_tables[t].flat_name;
            if (!w.field)
                continue;
            rc = pr_report(sink, WARN, PEERREVIEW_P_FORMULA_PREFIX, &w,
                           "%s%s%sthe cell starts with '%c', which a spreadsheet may run as a "
                           "formula; export with the spreadsheet-safe option before opening it "
                           "in Excel",
                           who(row), who_id(row, pr_row_v(r->row, PR_R_REVIEW_ID)), who_sep(row),
                           v[0] == '\t' || v[0] == '\r' ? ' ' : v[0]);
        }
        pr_free(idx);
        if (rc)
            return -1;
    }
    return 0;
}

/* The file the reviews came from, as messages name it. */
static const char *reviews_source(const pr_posmap *pos)
{
    if (pos->flat && pos->file[PEERREVIEW_REVIEWS])
        return pos->file[PEERREVIEW_REVIEWS];
    return pos->file[PEERREVIEW_REVIEWS] ? "reviews.csv" : "the dataset";
}

int pr_rules_dataset(pr_sink *sink, const peerreview_dataset *ds, const pr_loadinfo *info)
{
    const pr_posmap *pos = &ds->src;
    for (size_t i = 0; i < ds->n && !sink->stop; i++) {
        const peerreview_review *r = ds->v[i];
        const peerreview_row *row = r->row;
        const char *id = pr_row_v(row, PR_R_REVIEW_ID);
        const char *parent = pr_row_v(row, PR_R_PARENT);
        if (parent) {
            const peerreview_review *p = peerreview_dataset_review_byid(ds, parent);
            if (p == r)
                REPORT(ERR, PEERREVIEW_P_INCONSISTENT, row, PR_R_PARENT, id, "%s",
                       "parent_review_id names the review itself; give the review it follows "
                       "up");
            else if (!p && info &&
                     (info->reviews_partial ||
                      (info->rejected && pr_strmap_get(info->rejected, parent, strlen(parent))))) {
                /* the row it names could not be read: reported there */
            } else if (!p)
                REPORT(ERR, PEERREVIEW_P_FOREIGN_KEY, row, PR_R_PARENT, id,
                       "parent_review_id \"%s\" is not a review_id in %s; add that "
                       "review or correct the id",
                       parent, reviews_source(pos));
            else if (pr_row_v(p->row, PR_R_STAGE) &&
                     strcmp(pr_row_v(p->row, PR_R_STAGE), "initial") != 0)
                REPORT(ERR, PEERREVIEW_P_INCONSISTENT, row, PR_R_PARENT, id,
                       "parent review \"%s\" has stage \"%s\"; a progress review must follow "
                       "up an initial review",
                       parent, pr_row_v(p->row, PR_R_STAGE));
        }
        for (int t = 1; t < PEERREVIEW_TABLE_COUNT; t++)
            if (rules_children(sink, pos, r, t))
                return -1;
        if (pos->flat && formula_flat_cells(sink, pos, r))
            return -1;
        if (count_rule(sink, pos, row, "recommendation_count", count_kind(r, "recommendation"),
                       "recommendation items") ||
            count_rule(sink, pos, row, "team_size", r->kids[PEERREVIEW_TEAM_MEMBERS].n,
                       "team members"))
            return -1;
    }
    return 0;
}

/* A value longer than a load with the same options accepts: it could not come back. */
static int rule_sizes(pr_sink *sink, const pr_posmap *pos, const peerreview_row *row,
                      const char *id, size_t max_field)
{
    const pr_table *t = &pr_tables[row->table];
    for (size_t c = 0; c < t->ncols; c++) {
        size_t len = pr_row_v(row, c) ? strlen(pr_row_v(row, c)) : 0;
        if (len > max_field)
            REPORT(ERR, PEERREVIEW_P_FIELD_TOO_LONG, row, c, id,
                   "the value is %zu bytes, over the field size limit of %zu: it could not be "
                   "loaded back; shorten it or raise the limit",
                   len, max_field);
    }
    return 0;
}

static int check_row_all(pr_sink *sink, const pr_posmap *pos, const peerreview_row *row,
                         const char *id, size_t max_field)
{
    int formulas = !(pos->flat && row->table != PEERREVIEW_REVIEWS);
    return rule_sizes(sink, pos, row, id, max_field) ||
           pr_rules_row(sink, pos, row, id, NULL, formulas);
}

int pr_validate(const peerreview_dataset *ds, const peerreview_options *o, pr_sink *sink)
{
    for (size_t i = 0; i < ds->n && !sink->stop; i++) {
        const peerreview_review *r = ds->v[i];
        const char *id = pr_row_v(r->row, PR_R_REVIEW_ID);
        if (check_row_all(sink, &ds->src, r->row, id, o->max_field_size))
            break;
        for (int t = 1; t < PEERREVIEW_TABLE_COUNT && !sink->stop; t++)
            for (size_t k = 0; k < r->kids[t].n && !sink->stop; k++)
                if (check_row_all(sink, &ds->src, r->kids[t].v[k], id, o->max_field_size))
                    break;
    }
    if (!sink->stop && pr_rules_dataset(sink, ds, NULL))
        pr_report_oom(sink, NULL);
    if (sink->oom)
        return PEERREVIEW_ENOMEM;
    return sink->errors ? PEERREVIEW_EDATA : PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_dataset_validate(const peerreview_dataset *ds,
                                                             const peerreview_options *opts,
                                                             peerreview_diag *diag)
{
    if (!ds)
        return PEERREVIEW_EINVAL;
    pr_sink sink;
    pr_sink_init(&sink, diag, pr_options(opts)->max_problems);
    return pr_validate(ds, pr_options(opts), &sink);
}
