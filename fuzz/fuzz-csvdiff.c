/*
 * Fuzz target (differential): the tokenizer of src/csvin.c against plain
 * libcsv, and its fast path against its slow path.
 *
 * Unlike the other targets this one uses the library's internals (csvin.h):
 * what it checks, the records and fields the tokenizer gives, is not visible
 * through the public API. The replay program links the internal library.
 *
 * Input: one options byte,
 *   bits 0-1  the delimiter: ',' ';' TAB '|'
 *   bit 2     a field size limit of SMALL_FIELD bytes (else 1 MiB)
 *   bit 3     keep only the data of the header's fields in later records, as
 *             table reading does (pr_csvin_keep_fields)
 *   bits 4-7  unused
 * one byte choosing the sizes the read callback gives (0: one byte per call;
 * else sizes from 1 to 4 * the byte, drawn from a generator seeded with it),
 * then the bytes.
 *
 * Four reads of the bytes:
 *   L  plain libcsv (CSV_STRICT | CSV_STRICT_FINI, spaces kept) in one call
 *      and csv_fini, after a UTF-8 byte order mark the tokenizer skips;
 *   F  the tokenizer over the bytes in memory (fast path on, the default);
 *   S  the same with the fast path off: libcsv fed segment by segment;
 *   C  the fast path on, through the read callback.
 *
 * What must hold:
 *   - F, S and C give the same records (every field's bytes, length, line,
 *     byte offset and quoting; every record's line, offset, spreadsheet row
 *     and encoding flag), the same end status and the same problems (code,
 *     severity, line, column, record, offset, field name, message);
 *   - unless F stopped at the start of the input (utf16-file or
 *     wrong-delimiter, with no record), F's records are L's records, field
 *     by field and byte by byte (blank lines are no record in either), up to
 *     where F stopped, and F stopped
 *       - at the end, with every record of L, when libcsv did not fail;
 *       - with stray-quote at the byte offset where libcsv's csv_parse failed;
 *       - with unterminated-quote when csv_fini failed;
 *       - with field-too-long or too-many-fields only where L's next record
 *         has a field over the limit or more than MAX_FIELDS fields, or where
 *         libcsv failed inside that record.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "diag.h"
#include "fuzz.h"
#include "options.h"

#define NAME        "in.csv"
#define SMALL_FIELD 16
#define BIG_FIELD   (1024 * 1024)
#define MAX_FIELDS  4096        /* csvin.c's limit of fields per record */
#define HEADER_MIN  (64 * 1024) /* and of a header's bytes, whatever the field limit */

/* ---- growable arrays ---- */

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(p, n * elem);
    FZ_CHECK(q != NULL);
    *cap = n;
    return q;
}

typedef struct fld {
    size_t off, len; /* bytes in the run's data */
    unsigned long line;
    long long offset;
    int quoted;
} fld;

typedef struct rec {
    size_t first, n; /* fields */
    unsigned long line, number;
    long long offset;
    int bad;
} rec;

/* What one read gave. */
typedef struct run {
    char *data;
    size_t len, cap;
    fld *f;
    size_t nf, capf;
    rec *r;
    size_t nr, capr;
    size_t cur;        /* L: fields of the record being read */
    int status;        /* csvin: the last pr_csvin_next status; L: 0, or -1 when libcsv failed */
    long long fail_at; /* L: where csv_parse failed; -1: csv_fini failed */
    peerreview_diag *d;
} run;

static void add_field(run *u, const void *s, size_t len)
{
    u->data = grow(u->data, &u->cap, u->len + len + 1, 1);
    if (len)
        memcpy(u->data + u->len, s, len);
    u->f = grow(u->f, &u->capf, u->nf + 1, sizeof *u->f);
    fld *f = &u->f[u->nf++];
    memset(f, 0, sizeof *f);
    f->off = u->len;
    f->len = len;
    u->len += len;
}

static void run_free(run *u)
{
    free(u->data);
    free(u->f);
    free(u->r);
    peerreview_diag_free(u->d);
}

/* ---- L: plain libcsv ---- */

static void l_field(void *s, size_t len, void *ctx)
{
    add_field(ctx, s, len);
}

static void l_record(int c, void *ctx)
{
    (void)c;
    run *u = ctx;
    u->r = grow(u->r, &u->capr, u->nr + 1, sizeof *u->r);
    rec *r = &u->r[u->nr++];
    memset(r, 0, sizeof *r);
    r->first = u->cur;
    r->n = u->nf - u->cur;
    u->cur = u->nf;
}

static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static void read_libcsv(run *u, const uint8_t *p, size_t n, unsigned char delim)
{
    struct csv_parser cp;
    FZ_CHECK(csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI) == 0);
    csv_set_space_func(&cp, no_space);
    csv_set_delim(&cp, delim);
    size_t fed = csv_parse(&cp, p, n, l_field, l_record, u);
    if (fed < n) {
        FZ_CHECK(csv_error(&cp) == CSV_EPARSE);
        u->status = -1;
        u->fail_at = (long long)fed;
    } else if (csv_fini(&cp, l_field, l_record, u) != 0) {
        u->status = -1;
        u->fail_at = -1;
    }
    csv_free(&cp);
}

/* ---- F, S, C: the tokenizer ---- */

typedef struct src {
    const uint8_t *p;
    size_t n, pos;
    uint32_t rng; /* 0: one byte per call */
    unsigned max;
    int ended;
} src;

static ptrdiff_t src_read(void *ctx, void *buf, size_t size)
{
    src *s = ctx;
    FZ_CHECK(!s->ended);
    size_t k = 1;
    if (s->rng) {
        s->rng ^= s->rng << 13;
        s->rng ^= s->rng >> 17;
        s->rng ^= s->rng << 5;
        k = 1 + s->rng % s->max;
    }
    if (k > size)
        k = size;
    if (k > s->n - s->pos)
        k = s->n - s->pos;
    if (k == 0) {
        s->ended = 1;
        return 0;
    }
    memcpy(buf, s->p + s->pos, k);
    s->pos += k;
    return (ptrdiff_t)k;
}

static void read_csvin(run *u, const uint8_t *p, size_t n, const peerreview_options *o, int fast,
                       src *cb, size_t max_field, int keep)
{
    u->d = peerreview_diag_new();
    FZ_CHECK(u->d != NULL);
    pr_sink sink;
    pr_sink_init(&sink, u->d, 100000);
    pr_csvin *c = NULL;
    int rc = cb ? pr_csvin_open_callback(src_read, cb, NAME, max_field, &sink, &c)
                : pr_csvin_open_mem((const char *)p, n, NAME, max_field, &sink, &c);
    FZ_CHECK(rc == 0 && c != NULL);
    FZ_CHECK(pr_csvin_set_dialect(c, o) == 0);
    pr_csvin_set_fast(c, fast);
    pr_record *r;
    while ((rc = pr_csvin_next(c, &r)) == 1) {
        u->r = grow(u->r, &u->capr, u->nr + 1, sizeof *u->r);
        rec *x = &u->r[u->nr++];
        x->first = u->nf;
        x->n = r->n;
        x->line = r->line;
        x->number = r->number;
        x->offset = r->offset;
        x->bad = r->bad;
        for (size_t i = 0; i < r->n; i++) {
            FZ_CHECK(r->f[i].p[r->f[i].len] == '\0');
            add_field(u, r->f[i].p, r->f[i].len);
            fld *f = &u->f[u->nf - 1];
            f->line = r->f[i].line;
            f->offset = r->f[i].offset;
            f->quoted = r->f[i].quoted;
        }
        if (keep && u->nr == 1)
            pr_csvin_keep_fields(c, r->n);
    }
    FZ_CHECK(r == NULL);
    u->status = rc;
    /* the end and a failure are sticky */
    FZ_CHECK(pr_csvin_next(c, &r) == (rc < 0 ? PEERREVIEW_EDATA : 0) && r == NULL);
    pr_csvin_free(c);
}

/* ---- comparisons ---- */

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Two reads by the tokenizer: the same in every respect. */
static void same_runs(const run *a, const run *b)
{
    FZ_CHECK(a->status == b->status);
    FZ_CHECK(a->nr == b->nr);
    for (size_t i = 0; i < a->nr; i++) {
        const rec *x = &a->r[i], *y = &b->r[i];
        FZ_CHECK(x->n == y->n && x->line == y->line && x->number == y->number &&
                 x->offset == y->offset && x->bad == y->bad);
        for (size_t k = 0; k < x->n; k++) {
            const fld *f = &a->f[x->first + k], *g = &b->f[y->first + k];
            FZ_CHECK(f->len == g->len && f->line == g->line && f->offset == g->offset &&
                     f->quoted == g->quoted);
            FZ_CHECK(memcmp(a->data + f->off, b->data + g->off, f->len) == 0);
        }
    }
    size_t n = peerreview_diag_count(a->d);
    FZ_CHECK(n == peerreview_diag_count(b->d));
    for (size_t i = 0; i < n; i++) {
        const peerreview_problem *p = peerreview_diag_get(a->d, i);
        const peerreview_problem *q = peerreview_diag_get(b->d, i);
        FZ_CHECK(peerreview_problem_code(p) == peerreview_problem_code(q));
        FZ_CHECK(peerreview_problem_severity(p) == peerreview_problem_severity(q));
        FZ_CHECK(peerreview_problem_line(p) == peerreview_problem_line(q));
        FZ_CHECK(peerreview_problem_column(p) == peerreview_problem_column(q));
        FZ_CHECK(peerreview_problem_record(p) == peerreview_problem_record(q));
        FZ_CHECK(peerreview_problem_offset(p) == peerreview_problem_offset(q));
        FZ_CHECK(same_str(peerreview_problem_field(p), peerreview_problem_field(q)));
        FZ_CHECK(same_str(peerreview_problem_file(p), peerreview_problem_file(q)));
        FZ_CHECK(same_str(peerreview_problem_message(p), peerreview_problem_message(q)));
    }
}

/* Record i of the tokenizer's read t is record i of libcsv's read l (fields past keep: empty). */
static void same_record(const run *t, const run *l, size_t i, size_t keep)
{
    const rec *x = &t->r[i], *y = &l->r[i];
    FZ_CHECK(x->n == y->n);
    for (size_t k = 0; k < x->n; k++) {
        const fld *f = &t->f[x->first + k], *g = &l->f[y->first + k];
        size_t glen = keep && i > 0 && k >= keep ? 0 : g->len;
        FZ_CHECK(f->len == glen);
        FZ_CHECK(memcmp(t->data + f->off, l->data + g->off, glen) == 0);
    }
}

/* The code of the problem that stopped the tokenizer: its last error. */
static peerreview_code last_error(const run *t, long long *offset)
{
    size_t n = peerreview_diag_count(t->d);
    for (size_t i = n; i-- > 0;) {
        const peerreview_problem *p = peerreview_diag_get(t->d, i);
        if (peerreview_problem_severity(p) == PEERREVIEW_SEVERITY_ERROR) {
            *offset = peerreview_problem_offset(p);
            return peerreview_problem_code(p);
        }
    }
    fz_fail(__FILE__, __LINE__, "a failed read reports no error");
}

/* Does libcsv's record i break the limit that stopped the tokenizer in it? */
static int breaks_limit(const run *l, size_t i, peerreview_code code, size_t max_field)
{
    const rec *y = &l->r[i];
    if (code == PEERREVIEW_P_TOO_MANY_FIELDS)
        return y->n > MAX_FIELDS;
    size_t bytes = 0; /* a header's fields and their NULs */
    for (size_t k = 0; k < y->n; k++) {
        if (l->f[y->first + k].len > max_field)
            return 1;
        bytes += l->f[y->first + k].len + 1;
    }
    return i == 0 && bytes > (max_field > HEADER_MIN ? max_field : HEADER_MIN);
}

static void against_libcsv(const run *t, const run *l, size_t bom, size_t max_field, size_t keep)
{
    long long offset = -1;
    int code = t->status < 0 ? (int)last_error(t, &offset) : -1; /* -1: no failure */
    if (code == PEERREVIEW_P_UTF16_FILE || code == PEERREVIEW_P_WRONG_DELIMITER) {
        FZ_CHECK(t->nr == 0 && offset == 0);
        return; /* the tokenizer looked at the start only */
    }
    FZ_CHECK(t->nr <= l->nr);
    for (size_t i = 0; i < t->nr; i++)
        same_record(t, l, i, keep);
    switch (code) {
    case -1:
        FZ_CHECK(t->status == 0 && l->status == 0 && t->nr == l->nr);
        break;
    case PEERREVIEW_P_STRAY_QUOTE:
        FZ_CHECK(l->status < 0 && l->fail_at >= 0 && offset == l->fail_at + (long long)bom);
        FZ_CHECK(t->nr == l->nr);
        break;
    case PEERREVIEW_P_UNTERMINATED_QUOTE:
        FZ_CHECK(l->status < 0 && l->fail_at == -1 && t->nr == l->nr);
        break;
    case PEERREVIEW_P_FIELD_TOO_LONG:
    case PEERREVIEW_P_TOO_MANY_FIELDS:
        if (t->nr < l->nr)
            FZ_CHECK(breaks_limit(l, t->nr, (peerreview_code)code, max_field));
        else
            FZ_CHECK(l->status < 0);
        break;
    default:
        FZ_CHECK(!"the tokenizer stopped with an unexpected problem");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static const char delims[4] = {',', ';', '\t', '|'};
    uint8_t opt = data[0], sizes = data[1];
    const uint8_t *p = data + 2;
    size_t n = size - 2;
    size_t max_field = opt & 4 ? SMALL_FIELD : BIG_FIELD;
    int keep = (opt & 8) != 0;
    peerreview_options *o = peerreview_options_new();
    FZ_CHECK(o != NULL);
    FZ_CHECK(peerreview_options_set_delimiter(o, delims[opt & 3]) == PEERREVIEW_OK);

    run f = {0}, s = {0}, c = {0}, l = {0};
    read_csvin(&f, p, n, pr_options(o), 1, NULL, max_field, keep);
    read_csvin(&s, p, n, pr_options(o), 0, NULL, max_field, keep);
    src cb = {p, n, 0, sizes ? 0x9E3779B9u ^ sizes : 0, 4u * sizes, 0};
    read_csvin(&c, NULL, 0, pr_options(o), 1, &cb, max_field, keep);
    same_runs(&f, &s);
    same_runs(&f, &c);

    size_t bom = n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0;
    read_libcsv(&l, p + bom, n - bom, (unsigned char)delims[opt & 3]);
    size_t nkeep = keep && f.nr > 0 ? f.r[0].n : 0;
    against_libcsv(&f, &l, bom, max_field, nkeep);

    run_free(&f);
    run_free(&s);
    run_free(&c);
    run_free(&l);
    peerreview_options_free(o);
    return 0;
}
