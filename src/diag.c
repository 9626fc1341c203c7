/* Diagnostics: positioned problems with stable codes (doc/format.md §10). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "diag.h"

struct peerreview_problem {
    peerreview_severity severity;
    peerreview_code code;
    char *file;
    unsigned long line, column, record;
    long long offset;
    char *field;
    char *message;
};

struct peerreview_diag {
    struct peerreview_problem *v;
    size_t n, cap;
    size_t errors, warnings; /* including problems not stored */
    int oom;                 /* memory ran out while recording */
    pr_buf scratch;          /* where pr_report makes a message (one report at a time) */
};

static const char *const code_names[PEERREVIEW_CODE_COUNT] = {
    "io-error",       "empty-file",       "invalid-utf8",
    "utf16-file",     "nul-byte",         "unterminated-quote",
    "stray-quote",    "too-many-fields",  "missing-fields",
    "field-too-long", "duplicate-column", "missing-column",
    "unknown-column", "missing-value",    "bad-date",
    "bad-integer",    "bad-enum",         "bad-pattern",
    "bad-url",        "whitespace",       "duplicate-key",
    "foreign-key",    "inconsistent",     "seq-gap",
    "count-mismatch", "no-date",          "formula-prefix",
    "out-of-memory",  "too-many-records", "unrepresentable",
    "bad-descriptor", "missing-table",    "unknown-file",
    "empty-column",   "empty-row",        "wrong-delimiter",
    "newer-format"};

static const struct peerreview_problem oom_problem = {
    PEERREVIEW_SEVERITY_ERROR,
    PEERREVIEW_P_OUT_OF_MEMORY,
    NULL,
    0,
    0,
    0,
    -1,
    NULL,
    (char *)"out of memory: free some memory or raise the process's limits and try again"};

PEERREVIEW_API size_t peerreview_code_count(void)
{
    return PEERREVIEW_CODE_COUNT;
}

PEERREVIEW_API const char *peerreview_code_name(int code)
{
    return code >= 0 && code < PEERREVIEW_CODE_COUNT ? code_names[code] : NULL;
}

PEERREVIEW_API int peerreview_code_lookup(const char *name)
{
    for (int i = 0; name && i < PEERREVIEW_CODE_COUNT; i++)
        if (strcmp(name, code_names[i]) == 0)
            return i;
    return -1;
}

PEERREVIEW_API peerreview_diag *peerreview_diag_new(void)
{
    return pr_calloc(1, sizeof(peerreview_diag));
}

static void problem_free(struct peerreview_problem *p)
{
    pr_free(p->message); /* and the file and field names after it (pr_report) */
}

PEERREVIEW_API void peerreview_diag_clear(peerreview_diag *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        problem_free(&d->v[i]);
    d->n = 0;
    d->errors = d->warnings = 0;
    d->oom = 0;
}

PEERREVIEW_API void peerreview_diag_free(peerreview_diag *d)
{
    if (!d)
        return;
    peerreview_diag_clear(d);
    pr_buf_free(&d->scratch);
    pr_free(d->v);
    pr_free(d);
}

PEERREVIEW_API size_t peerreview_diag_count(const peerreview_diag *d)
{
    return d ? d->n + (d->oom ? 1 : 0) : 0;
}

PEERREVIEW_API size_t peerreview_diag_errors(const peerreview_diag *d)
{
    return d ? d->errors : 0;
}

PEERREVIEW_API size_t peerreview_diag_warnings(const peerreview_diag *d)
{
    return d ? d->warnings : 0;
}

PEERREVIEW_API const peerreview_problem *peerreview_diag_get(const peerreview_diag *d, size_t i)
{
    if (!d)
        return NULL;
    if (i < d->n)
        return &d->v[i];
    if (i == d->n && d->oom)
        return &oom_problem;
    return NULL;
}

PEERREVIEW_API peerreview_severity peerreview_problem_severity(const peerreview_problem *p)
{
    return p ? p->severity : PEERREVIEW_SEVERITY_ERROR;
}
PEERREVIEW_API peerreview_code peerreview_problem_code(const peerreview_problem *p)
{
    return p ? p->code : PEERREVIEW_P_IO_ERROR;
}
PEERREVIEW_API const char *peerreview_problem_file(const peerreview_problem *p)
{
    return p ? p->file : NULL;
}
PEERREVIEW_API unsigned long peerreview_problem_line(const peerreview_problem *p)
{
    return p ? p->line : 0;
}
PEERREVIEW_API unsigned long peerreview_problem_column(const peerreview_problem *p)
{
    return p ? p->column : 0;
}
PEERREVIEW_API unsigned long peerreview_problem_record(const peerreview_problem *p)
{
    return p ? p->record : 0;
}
PEERREVIEW_API long long peerreview_problem_offset(const peerreview_problem *p)
{
    return p ? p->offset : -1;
}
PEERREVIEW_API const char *peerreview_problem_field(const peerreview_problem *p)
{
    return p ? p->field : NULL;
}
PEERREVIEW_API const char *peerreview_problem_message(const peerreview_problem *p)
{
    return p && p->message ? p->message : "";
}

/* A bounded writer for peerreview_problem_format: counts what it cannot store. */
typedef struct fmtout {
    char *buf;
    size_t size, len;
} fmtout;

static int put_out(void *ctx, const char *p, size_t n)
{
    fmtout *o = ctx;
    if (o->len < o->size) {
        size_t room = o->size - o->len;
        memcpy(o->buf + o->len, p, n < room ? n : room);
    }
    o->len += n;
    return 0;
}

static void put_str(fmtout *o, const char *s)
{
    put_out(o, s, strlen(s));
}

PEERREVIEW_API size_t peerreview_problem_format(const peerreview_problem *p, char *buf, size_t size)
{
    fmtout o = {buf, buf ? size : 0, 0};
    if (p) {
        /* a file or field name is escaped: it cannot break the line or forge another */
        const char *file = p->file && *p->file ? p->file : NULL;
        if (file) {
            pr_escape(file, strlen(file), put_out, &o);
            char pos[48] = "";
            if (p->line && p->column)
                snprintf(pos, sizeof pos, ":%lu:%lu", p->line, p->column);
            else if (p->line)
                snprintf(pos, sizeof pos, ":%lu", p->line);
            put_str(&o, pos);
            put_str(&o, ": ");
        }
        put_str(&o, p->severity == PEERREVIEW_SEVERITY_ERROR ? "error: " : "warning: ");
        if (p->field) {
            pr_escape(p->field, strlen(p->field), put_out, &o);
            put_str(&o, ": ");
        }
        put_str(&o, peerreview_problem_message(p));
        put_str(&o, " [");
        put_str(&o, code_names[p->code]);
        put_str(&o, "]");
    }
    if (buf && size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}

/* ---- the sink ---- */

void pr_sink_init(pr_sink *s, peerreview_diag *diag, size_t max)
{
    memset(s, 0, sizeof *s);
    s->diag = diag;
    s->max = max;
}

void pr_column_letters(unsigned long col, char *buf)
{
    char tmp[8];
    int n = 0;
    while (col > 0 && n < 7) {
        col--;
        tmp[n++] = (char)('A' + col % 26);
        col /= 26;
    }
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
}

void pr_cell_name(unsigned long col, unsigned long row, char *buf)
{
    pr_column_letters(col, buf);
    snprintf(buf + strlen(buf), 24, "%lu", row);
}

void pr_ranges_add(pr_ranges *r, unsigned long x)
{
    r->count++;
    if (r->n && (x == r->hi[r->n - 1] + 1 || x == r->hi[r->n - 1]))
        r->hi[r->n - 1] = x;
    else if (r->n < PR_RANGES_MAX) {
        r->lo[r->n] = r->hi[r->n] = x;
        r->n++;
    } else
        r->more++;
}

int pr_ranges_format(const pr_ranges *r, pr_buf *out)
{
    int fail = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            fail |= pr_buf_adds(out, ", ");
        if (r->lo[i] == r->hi[i])
            fail |= pr_buf_printf(out, "%lu", r->lo[i]);
        else /* an en dash, as in "lines 4-12" typeset */
            fail |= pr_buf_printf(out, "%lu\xE2\x80\x93%lu", r->lo[i], r->hi[i]);
    }
    if (r->more)
        fail |= pr_buf_printf(out, ", and %lu more", r->more);
    return fail ? -1 : 0;
}

void pr_report_oom(pr_sink *s, const char *file)
{
    (void)file;
    s->oom = 1;
    s->stop = 1;
    s->errors++;
    if (s->diag && !s->diag->oom) {
        s->diag->oom = 1;
        s->diag->errors++;
    }
}

peerreview_status pr_diag_oom(peerreview_diag *diag)
{
    pr_sink sink;
    pr_sink_init(&sink, diag, 1);
    pr_report_oom(&sink, NULL);
    return PEERREVIEW_ENOMEM;
}

/* Memory ran out while storing a problem: it is replaced by out-of-memory. */
static int record_failed(pr_sink *s, peerreview_severity sev)
{
    size_t *mine = sev == PEERREVIEW_SEVERITY_ERROR ? &s->errors : &s->warnings;
    (*mine)--;
    if (sev == PEERREVIEW_SEVERITY_ERROR)
        s->diag->errors--;
    else
        s->diag->warnings--;
    s->stored--;
    pr_report_oom(s, NULL);
    return -1;
}

int pr_report(pr_sink *s, peerreview_severity sev, peerreview_code code, const pr_where *w,
              const char *fmt, ...)
{
    static const pr_where none = PR_WHERE_NONE;
    if (!w)
        w = &none;
    if (s->stop) /* the operation is stopping: what it still finds does not count */
        return s->oom ? -1 : 0;
    if (sev == PEERREVIEW_SEVERITY_ERROR) {
        s->errors++;
        if (s->diag)
            s->diag->errors++;
    } else {
        s->warnings++;
        if (s->errors_only)
            return 0;
        if (s->diag)
            s->diag->warnings++;
    }
    /*
     * The cap: store at most max problems and keep counting the rest, so the
     * totals are right; 0 keeps only the first error and stops there.
     */
    size_t limit = s->max ? s->max : 1;
    int keep = s->stored < limit && (s->max || sev == PEERREVIEW_SEVERITY_ERROR);
    if (sev == PEERREVIEW_SEVERITY_ERROR && s->max == 0)
        s->stop = 1;
    if (!keep)
        return 0;
    s->stored++;
    if (!s->diag)
        return 0;

    peerreview_diag *d = s->diag;
    /* the message is made in the diag's scratch buffer, then stored with the
       file and field names after it in one block of its size (problem_free) */
    pr_buf *msg = &d->scratch;
    pr_buf_reset(msg);
    int fail = 0;
    if (w->column && w->record) {
        char letters[8];
        pr_column_letters(w->column, letters);
        fail |= pr_buf_printf(msg, "cell %s%lu: ", letters, w->record);
    }
    va_list ap;
    va_start(ap, fmt);
    size_t start = msg->len;
    fail |= pr_buf_vprintf(msg, fmt, ap);
    va_end(ap);
    /* paths and values inside a message cannot break its line either: the
       text is printed in place and what follows its longest prefix needing
       no escape (most often nothing) is escaped back in */
    size_t plain = fail ? 0 : start + pr_escape_prefix(pr_buf_str(msg) + start, msg->len - start);
    if (!fail && plain < msg->len) {
        size_t n = msg->len - plain;
        char *rest = pr_malloc(n);
        if (rest) {
            memcpy(rest, msg->data + plain, n);
            msg->len = plain;
            msg->data[plain] = '\0';
            fail |= pr_buf_escape(msg, rest, n);
            pr_free(rest);
        } else {
            fail = 1;
        }
    }
    size_t mlen = msg->len;
    size_t flen = w->file ? strlen(w->file) + 1 : 0, dlen = w->field ? strlen(w->field) + 1 : 0;
    char *block = fail ? NULL : pr_malloc(mlen + 1 + flen + dlen);
    if (block) {
        memcpy(block, pr_buf_str(msg), mlen + 1);
        if (flen)
            memcpy(block + mlen + 1, w->file, flen);
        if (dlen)
            memcpy(block + mlen + 1 + flen, w->field, dlen);
    }
    if (!block || pr_grow((void **)&d->v, &d->cap, d->n + 1, sizeof *d->v)) {
        pr_free(block);
        return record_failed(s, sev);
    }
    struct peerreview_problem *p = &d->v[d->n];
    memset(p, 0, sizeof *p);
    p->severity = sev;
    p->code = code;
    p->line = w->line;
    p->column = w->column;
    p->record = w->record;
    p->offset = w->offset;
    p->message = block;
    p->file = flen ? block + mlen + 1 : NULL;
    p->field = dlen ? block + mlen + 1 + flen : NULL;
    d->n++;
    return 0;
}
