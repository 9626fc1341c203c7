/* Tokenizer: bytes -> libcsv (strict, spaces kept) -> positioned records. */
#include "config.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "csvin.h"
#include "io.h"

#define READ_SIZE  (64 * 1024)
#define MAX_FIELDS 4096

typedef struct fieldpos {
    size_t off, len;
    unsigned long line;
    long long offset;
    int quoted;
} fieldpos;

struct pr_csvin {
    pr_sink *sink;
    char *name;
    int fd;
    pr_progress *progress;
    const char *mem; /* memory source, or NULL */
    size_t mem_len, mem_pos;
    char *buf;
    size_t buf_len, buf_pos;
    long long buf_offset; /* file offset of buf[0] */
    int eof, done, failed;
    size_t max_field;

    struct csv_parser p;
    int parser_ready;

    /* scanner state, at the scan position */
    unsigned long line;
    int prev_cr;
    unsigned utf8_need;             /* continuation bytes still expected */
    unsigned char utf8_lo, utf8_hi; /* range for the next continuation byte */
    long long utf8_start;           /* offset of the sequence's first byte */
    unsigned long utf8_line;
    int started; /* first bytes (BOM, UTF-16) checked */

    /* record being built */
    pr_buf data;
    fieldpos *fields;
    size_t nfields, capfields;
    int rec_pending_start; /* between records: next non-newline byte starts one */
    unsigned long rec_line;
    long long rec_offset;
    unsigned long field_line;
    long long field_offset;
    int rec_bad;
    int rec_done;
    unsigned long blank_lines; /* empty lines skipped so far (rows in a spreadsheet) */
    int field_quoted;          /* the field being read starts with a quote */
    size_t too_long_col;       /* 1-based column of a field over max_field, 0 = none */
    int oom;
    unsigned long records;

    char **header; /* the header record's names, for problems in later records */
    size_t nheader;
    size_t keep_fields; /* keep the data of this many fields per record; 0 = all */

    pr_record out;
    pr_field *outf;
    size_t outcap;
};

static void *csv_realloc_cb(void *p, size_t n)
{
    return pr_realloc(p, n);
}
static void csv_free_cb(void *p)
{
    pr_free(p);
}
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

/* Position of a problem in column col (1-based) of the record being read. */
static pr_where where_col(const pr_csvin *c, unsigned long line, long long offset,
                          unsigned long col)
{
    pr_where w = PR_WHERE_NONE;
    w.file = c->name;
    w.line = line;
    w.offset = offset;
    w.column = col;
    w.record = c->records + 1 + c->blank_lines;
    if (col && col <= c->nheader)
        w.field = c->header[col - 1]; /* the name the file's header gives it */
    return w;
}

/* ... in the field being read. */
static pr_where where_at(const pr_csvin *c, unsigned long line, long long offset)
{
    return where_col(c, line, offset, (unsigned long)c->nfields + 1);
}

static int init(pr_csvin *c, const char *name, size_t max_field, pr_sink *sink)
{
    c->sink = sink;
    c->fd = -1;
    c->max_field = max_field;
    c->line = 1;
    c->rec_pending_start = 1;
    c->name = pr_strdup(name);
    c->buf = pr_malloc(READ_SIZE);
    if (!c->name || !c->buf)
        return PEERREVIEW_ENOMEM;
    if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return PEERREVIEW_ENOMEM;
    c->parser_ready = 1;
    csv_set_realloc_func(&c->p, csv_realloc_cb);
    csv_set_free_func(&c->p, csv_free_cb);
    csv_set_space_func(&c->p, no_space);
    return 0;
}

int pr_csvin_open(const char *path, const char *name, size_t max_field, pr_sink *sink,
                  int missing_ok, pr_csvin **out)
{
    *out = NULL;
    pr_csvin *c = pr_calloc(1, sizeof *c);
    if (!c) {
        pr_report_oom(sink, name);
        return PEERREVIEW_ENOMEM;
    }
    int rc = init(c, name, max_field, sink);
    if (rc) {
        pr_csvin_free(c);
        pr_report_oom(sink, name);
        return rc;
    }
    c->fd = pr_io_open_read(path);
    if (c->fd < 0) {
        int e = errno;
        pr_csvin_free(c);
        if (e == ENOENT && missing_ok)
            return PEERREVIEW_ENOTFOUND;
        pr_where w = PR_WHERE_NONE;
        w.file = name;
        pr_report(sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_IO_ERROR, &w,
                  "cannot open the file: %s; check the path and that it is a readable file",
                  strerror(e));
        return PEERREVIEW_EIO;
    }
    *out = c;
    return 0;
}

int pr_csvin_open_mem(const char *data, size_t len, const char *name, size_t max_field,
                      pr_sink *sink, pr_csvin **out)
{
    *out = NULL;
    pr_csvin *c = pr_calloc(1, sizeof *c);
    if (!c || init(c, name, max_field, sink)) {
        pr_csvin_free(c);
        pr_report_oom(sink, name);
        return PEERREVIEW_ENOMEM;
    }
    c->mem = data;
    c->mem_len = len;
    *out = c;
    return 0;
}

void pr_csvin_free(pr_csvin *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        pr_io_close_read(c->fd);
    if (c->parser_ready)
        csv_free(&c->p);
    pr_free(c->name);
    pr_free(c->buf);
    pr_buf_free(&c->data);
    pr_free(c->fields);
    pr_free(c->outf);
    for (size_t i = 0; i < c->nheader; i++)
        pr_free(c->header[i]);
    pr_free(c->header);
    pr_free(c);
}

void pr_csvin_set_progress(pr_csvin *c, pr_progress *p)
{
    c->progress = p;
}

void pr_csvin_keep_fields(pr_csvin *c, size_t n)
{
    c->keep_fields = n;
}

/* ---- libcsv callbacks: they run at the last byte of the segment fed ---- */

static void on_field(void *s, size_t len, void *ctx)
{
    pr_csvin *c = ctx;
    if (c->oom)
        return;
    if (pr_grow((void **)&c->fields, &c->capfields, c->nfields + 1, sizeof *c->fields)) {
        c->oom = 1;
        return;
    }
    if (len > c->max_field && !c->too_long_col)
        c->too_long_col = c->nfields + 1;
    if (c->keep_fields && c->nfields >= c->keep_fields)
        len = 0; /* past the header's fields: counted (too-many-fields), not kept */
    fieldpos *f = &c->fields[c->nfields++];
    f->off = c->data.len;
    f->len = len;
    f->line = c->field_line;
    f->offset = c->field_offset;
    f->quoted = c->field_quoted;
    if (pr_buf_add(&c->data, s, len) || pr_buf_addc(&c->data, '\0'))
        c->oom = 1;
}

static void on_record(int term, void *ctx)
{
    (void)term;
    pr_csvin *c = ctx;
    c->rec_done = 1;
}

/* ---- the scanner ---- */

static void report_encoding(pr_csvin *c, peerreview_code code, unsigned long line, long long offset,
                            const char *msg)
{
    if (c->rec_bad)
        return; /* one encoding problem per record is enough */
    c->rec_bad = 1;
    pr_where w = where_at(c, line, offset);
    pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, code, &w, "%s", msg);
}

static void bad_utf8(pr_csvin *c, long long offset, unsigned long line)
{
    report_encoding(c, PEERREVIEW_P_INVALID_UTF8, line, offset,
                    "the bytes here are not valid UTF-8; save the file as \"CSV UTF-8\" "
                    "(in Excel) or re-encode it to UTF-8");
}

/* Check one byte's UTF-8, NUL and line state. */
static void scan_byte(pr_csvin *c, unsigned char ch, long long off)
{
    int after_cr = c->prev_cr;
    c->prev_cr = 0; /* only a CR directly before an LF makes CRLF one line end */
    if (c->utf8_need) {
        if (ch >= c->utf8_lo && ch <= c->utf8_hi) {
            c->utf8_need--;
            c->utf8_lo = 0x80;
            c->utf8_hi = 0xBF;
            return; /* a continuation byte is never a newline or NUL */
        }
        c->utf8_need = 0;
        bad_utf8(c, c->utf8_start, c->utf8_line);
    }
    if (ch >= 0x80) {
        c->utf8_lo = 0x80;
        c->utf8_hi = 0xBF;
        if (ch >= 0xC2 && ch <= 0xDF)
            c->utf8_need = 1;
        else if (ch >= 0xE0 && ch <= 0xEF) {
            c->utf8_need = 2;
            if (ch == 0xE0)
                c->utf8_lo = 0xA0;
            else if (ch == 0xED)
                c->utf8_hi = 0x9F;
        } else if (ch >= 0xF0 && ch <= 0xF4) {
            c->utf8_need = 3;
            if (ch == 0xF0)
                c->utf8_lo = 0x90;
            else if (ch == 0xF4)
                c->utf8_hi = 0x8F;
        } else {
            bad_utf8(c, off, c->line);
            return;
        }
        c->utf8_start = off;
        c->utf8_line = c->line;
        return;
    }
    if (ch == 0) {
        report_encoding(c, PEERREVIEW_P_NUL_BYTE, c->line, off,
                        "the file contains a NUL byte here; it is not a text file or it is "
                        "damaged: re-export it as CSV UTF-8");
    } else if (ch == '\r') {
        c->line++;
        c->prev_cr = 1;
        if (c->rec_pending_start)
            c->blank_lines++; /* an empty line between records: a spreadsheet row */
    } else if (ch == '\n' && !after_cr) {
        c->line++;
        if (c->rec_pending_start)
            c->blank_lines++;
    }
}

static int fill(pr_csvin *c)
{
    c->buf_offset += (long long)c->buf_len;
    c->buf_pos = c->buf_len = 0;
    if (c->mem) {
        size_t n = c->mem_len - c->mem_pos;
        if (n > READ_SIZE)
            n = READ_SIZE;
        memcpy(c->buf, c->mem + c->mem_pos, n);
        c->mem_pos += n;
        c->buf_len = n;
        if (n == 0)
            c->eof = 1;
        return 0;
    }
    for (;;) {
        ssize_t n = pr_io_read(c->fd, c->buf, READ_SIZE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            pr_where w = PR_WHERE_NONE;
            w.file = c->name;
            w.offset = c->buf_offset;
            pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_IO_ERROR, &w,
                      "read failed after %lld bytes: %s", c->buf_offset, strerror(errno));
            return PEERREVIEW_EIO;
        }
        c->buf_len = (size_t)n;
        if (n == 0)
            c->eof = 1;
        if (c->progress && c->progress->fn && n > 0) {
            c->progress->done += (unsigned long long)n;
            c->progress->fn(c->progress->done, c->progress->total, c->progress->ctx);
        }
        return 0;
    }
}

/* First bytes: skip a UTF-8 BOM, refuse UTF-16. */
static int check_start(pr_csvin *c)
{
    const unsigned char *b = (const unsigned char *)c->buf;
    size_t n = c->buf_len;
    c->started = 1;
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) ||
                   (b[0] != 0 && b[1] == 0) || (b[0] == 0 && b[1] != 0))) {
        pr_where w = PR_WHERE_NONE;
        w.file = c->name;
        w.line = 1;
        w.offset = 0;
        pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_UTF16_FILE, &w,
                  "the file is UTF-16 encoded (as Excel's \"Unicode Text\" saves it); save it "
                  "as \"CSV UTF-8\" instead");
        return PEERREVIEW_EDATA;
    }
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        c->buf_pos = 3;
    return 0;
}

static void reset_record(pr_csvin *c)
{
    c->nfields = 0;
    pr_buf_reset(&c->data);
    c->rec_bad = 0;
    c->rec_done = 0;
}

static int deliver(pr_csvin *c, pr_record **rec)
{
    if (pr_grow((void **)&c->outf, &c->outcap, c->nfields ? c->nfields : 1, sizeof *c->outf)) {
        pr_report_oom(c->sink, c->name);
        return PEERREVIEW_ENOMEM;
    }
    for (size_t i = 0; i < c->nfields; i++) {
        c->outf[i].p = c->data.data + c->fields[i].off;
        c->outf[i].len = c->fields[i].len;
        c->outf[i].line = c->fields[i].line;
        c->outf[i].offset = c->fields[i].offset;
        c->outf[i].quoted = c->fields[i].quoted;
    }
    c->records++;
    if (c->records == 1 && c->nfields) {
        c->header = pr_calloc(c->nfields, sizeof *c->header);
        for (size_t i = 0; c->header && i < c->nfields; i++) {
            c->header[i] = pr_strndup(c->outf[i].p, c->outf[i].len);
            if (!c->header[i])
                break;
            c->nheader = i + 1;
        }
        if (c->nheader != c->nfields) {
            pr_report_oom(c->sink, c->name);
            return PEERREVIEW_ENOMEM;
        }
    }
    c->out.f = c->outf;
    c->out.n = c->nfields;
    c->out.line = c->rec_line;
    c->out.offset = c->rec_offset;
    c->out.number = c->records + c->blank_lines;
    c->out.bad = c->rec_bad;
    *rec = &c->out;
    return 1;
}

static int fail(pr_csvin *c, int rc)
{
    c->failed = 1;
    return rc;
}

static int check_sizes(pr_csvin *c)
{
    if (c->oom) {
        pr_report_oom(c->sink, c->name);
        return fail(c, PEERREVIEW_ENOMEM);
    }
    if (c->too_long_col || c->p.entry_pos > c->max_field) {
        pr_where w = c->too_long_col ? where_col(c, c->field_line, c->field_offset,
                                                 (unsigned long)c->too_long_col)
                                     : where_at(c, c->field_line, c->field_offset);
        pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_FIELD_TOO_LONG, &w,
                  "the field is longer than the limit of %zu bytes (a quote left open makes "
                  "the rest of the file one field); close the quote or raise the limit",
                  c->max_field);
        return fail(c, PEERREVIEW_EDATA);
    }
    if (c->nfields > MAX_FIELDS) {
        pr_where w = where_at(c, c->rec_line, c->rec_offset);
        w.column = 0;
        pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_TOO_MANY_FIELDS, &w,
                  "the record has more than %d fields; is the delimiter a comma?", MAX_FIELDS);
        return fail(c, PEERREVIEW_EDATA);
    }
    return 0;
}

static void parse_error(pr_csvin *c, unsigned long line, long long off, unsigned char ch)
{
    pr_where w = where_at(c, line, off);
    if (ch == '"')
        pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_STRAY_QUOTE, &w,
                  "a quote inside a field that does not start with a quote; put the whole "
                  "field in quotes and double every quote inside it (\"\")");
    else
        pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_STRAY_QUOTE, &w,
                  "text after the closing quote of a quoted field; put the whole field in "
                  "quotes and double every quote inside it (\"\")");
}

int pr_csvin_next(pr_csvin *c, pr_record **rec)
{
    *rec = NULL;
    if (c->failed)
        return PEERREVIEW_EDATA;
    if (c->done)
        return 0;
    reset_record(c);
    for (;;) {
        if (c->buf_pos >= c->buf_len) {
            if (c->eof) {
                /* end of input: flush libcsv, check the last bytes */
                if (c->utf8_need) {
                    c->utf8_need = 0;
                    bad_utf8(c, c->utf8_start, c->utf8_line);
                }
                c->done = 1;
                if (csv_fini(&c->p, on_field, on_record, c) != 0) {
                    pr_where w = where_at(c, c->field_line, c->field_offset);
                    pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_UNTERMINATED_QUOTE,
                              &w,
                              "a quoted field starts here and is never closed; add the "
                              "closing quote (and double any quote inside the field)");
                    return fail(c, PEERREVIEW_EDATA);
                }
                int rc = check_sizes(c);
                if (rc)
                    return rc;
                if (c->rec_done)
                    return deliver(c, rec);
                return 0;
            }
            int rc = fill(c);
            if (rc)
                return fail(c, rc);
            if (!c->started && c->buf_len) {
                rc = check_start(c);
                if (rc)
                    return fail(c, rc);
            }
            continue;
        }
        /* one segment: up to and including the next delimiter or line end */
        const unsigned char *b = (const unsigned char *)c->buf;
        size_t i = c->buf_pos, j = i;
        unsigned long seg_line = c->line; /* only a segment's last byte ends a line */
        for (; j < c->buf_len; j++) {
            unsigned char ch = b[j];
            long long off = c->buf_offset + (long long)j;
            if (c->rec_pending_start && ch != '\r' && ch != '\n') {
                c->rec_pending_start = 0;
                c->rec_line = c->line;
                c->rec_offset = off;
                c->field_line = c->line;
                c->field_offset = off;
            }
            if (off == c->field_offset)
                c->field_quoted = ch == '"';
            scan_byte(c, ch, off);
            if (ch == ',' || ch == '\r' || ch == '\n')
                break;
        }
        size_t end = j < c->buf_len ? j + 1 : j;
        size_t fields_before = c->nfields;
        size_t fed = csv_parse(&c->p, b + i, end - i, on_field, on_record, c);
        if (fed < end - i) {
            if (csv_error(&c->p) == CSV_EPARSE) {
                parse_error(c, seg_line, c->buf_offset + (long long)(i + fed), b[i + fed]);
                return fail(c, PEERREVIEW_EDATA);
            }
            c->oom = 1;
        }
        c->buf_pos = end;
        int rc = check_sizes(c);
        if (rc)
            return rc;
        if (c->nfields != fields_before || c->rec_done) {
            /* a field ended at the delimiter: the next one starts after it */
            c->field_line = c->line;
            c->field_offset = c->buf_offset + (long long)end;
            c->field_quoted = 0;
        }
        if (c->rec_done) {
            c->rec_pending_start = 1;
            return deliver(c, rec);
        }
    }
}
