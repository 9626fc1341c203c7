/* Tokenizer: bytes -> libcsv (strict, spaces kept) -> positioned records. */
#include "config.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define SCAN_SSE2 1
#endif

#include "alloc.h"
#include "buf.h"
#include "csvin.h"
#include "io.h"
#include "options.h"

#define READ_SIZE  (64 * 1024)
#define MAX_FIELDS 4096
#define HEADER_MIN (64 * 1024) /* the header may take this much whatever the field limit */

typedef struct fieldpos {
    size_t off, len;
    unsigned long line;
    long long offset;
    int quoted;
} fieldpos;

/* Quoting of a field as the scanner sees it, to know where libcsv will fail. */
enum {
    Q_NONE,  /* the field does not start with a quote: a quote in it is an error */
    Q_IN,    /* inside the quotes */
    Q_AFTER, /* after a quote inside: a closing one, or the first of a pair */
    Q_FAIL   /* libcsv fails at this quote */
};

/* Bytes the fast path stops at: in a field without quotes, and in a quoted one. */
#define CLS_PLAIN  1
#define CLS_QUOTED 2

/* Where the bytes come from. */
enum { SRC_FD, SRC_MEM, SRC_CALLBACK };

struct pr_csvin {
    pr_sink *sink;
    char *name;
    int src;
    int fd;
    pr_progress *progress;
    const char *mem; /* SRC_MEM: the caller's bytes, read in place */
    size_t mem_len, mem_pos;
    peerreview_read_fn read; /* SRC_CALLBACK */
    void *read_ctx;
    char *buf;          /* bytes read (or decoded) into memory of ours; NULL for SRC_MEM */
    const char *chunk;  /* the bytes being scanned (UTF-8): buf or the caller's */
    const char *rawchk; /* the same bytes as the source gave them (before decoding) */
    size_t buf_len, buf_pos;
    long long buf_offset; /* file offset of chunk[0] */
    int eof, done, failed;
    size_t max_field;
    int quotes;              /* quoting of the field being scanned: Q_* */
    unsigned char stop[256]; /* 1 for the bytes a segment stops at: delimiter, CR, LF, quote */
    size_t head_scan;        /* first_line_read: bytes looked at */
    int head_quoted;         /* ... and inside quotes there */

    /* dialect */
    unsigned char delim;
    int transcode;                /* bytes >= 0x80 are decoded with decode[] */
    unsigned char decode[128][4]; /* as peerreview_options.decode */
    char encoding[32];
    char *raw;      /* bytes as read, when transcoding (buf holds UTF-8) */
    size_t raw_len; /* bytes in raw (or buf) from the file */
    uint32_t *map;  /* when transcoding: raw index of every buf byte */

    struct csv_parser p;
    int parser_ready;

    /* scanner state, at the scan position */
    unsigned long line;
    int prev_cr;
    unsigned utf8_need;             /* continuation bytes still expected */
    unsigned char utf8_lo, utf8_hi; /* range for the next continuation byte */
    long long utf8_start;           /* offset of the sequence's first byte */
    unsigned long utf8_line;
    unsigned char utf8_bytes[4]; /* the sequence so far, for messages */
    unsigned utf8_nbytes;
    int started; /* first bytes (BOM, UTF-16, delimiter) checked */

    /* the fast path (fast_record) */
    int fast;               /* it may read records: not transcoding */
    int carried;            /* the record at buf_pos was carried into a new chunk */
    size_t buf_cap;         /* bytes buf holds (not SRC_MEM) */
    unsigned char cls[256]; /* CLS_* bits of each byte */

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

/* The classes of the bytes for the delimiter: see fast_record. */
static void set_classes(pr_csvin *c)
{
    for (int b = 0; b < 256; b++) {
        int special = b == 0 || b >= 0x80 || b == '"' || b == '\r' || b == '\n';
        c->cls[b] = (unsigned char)(special ? CLS_PLAIN | CLS_QUOTED : 0);
    }
    c->cls[c->delim] |= CLS_PLAIN;
}

static int init(pr_csvin *c, int src, const char *name, size_t max_field, pr_sink *sink)
{
    c->sink = sink;
    c->src = src;
    c->fd = -1;
    c->max_field = max_field;
    c->line = 1;
    c->rec_pending_start = 1;
    c->delim = ',';
    c->stop[','] = c->stop['\r'] = c->stop['\n'] = c->stop['"'] = 1;
    c->fast = 1;
    set_classes(c);
    c->name = pr_strdup(name);
    /* memory is scanned where it is; other sources are read into a buffer */
    c->buf = src == SRC_MEM ? NULL : pr_malloc(READ_SIZE);
    c->buf_cap = READ_SIZE;
    if (!c->name || (src != SRC_MEM && !c->buf))
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
    int rc = init(c, SRC_FD, name, max_field, sink);
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
        return pr_io_report_open(sink, name, path, e);
    }
    *out = c;
    return 0;
}

int pr_csvin_open_mem(const char *data, size_t len, const char *name, size_t max_field,
                      pr_sink *sink, pr_csvin **out)
{
    *out = NULL;
    pr_csvin *c = pr_calloc(1, sizeof *c);
    if (!c || init(c, SRC_MEM, name, max_field, sink)) {
        pr_csvin_free(c);
        pr_report_oom(sink, name);
        return PEERREVIEW_ENOMEM;
    }
    c->mem = data;
    c->mem_len = data ? len : 0;
    *out = c;
    return 0;
}

int pr_csvin_open_callback(peerreview_read_fn read, void *ctx, const char *name, size_t max_field,
                           pr_sink *sink, pr_csvin **out)
{
    *out = NULL;
    pr_csvin *c = pr_calloc(1, sizeof *c);
    if (!c || init(c, SRC_CALLBACK, name, max_field, sink)) {
        pr_csvin_free(c);
        pr_report_oom(sink, name);
        return PEERREVIEW_ENOMEM;
    }
    c->read = read;
    c->read_ctx = ctx;
    *out = c;
    return 0;
}

int pr_csvin_open_source(const pr_source *src, const char *name, size_t max_field, pr_sink *sink,
                         int missing_ok, pr_csvin **out)
{
    if (src->read)
        return pr_csvin_open_callback(src->read, src->ctx, name, max_field, sink, out);
    if (!src->path)
        return pr_csvin_open_mem(src->data, src->len, name, max_field, sink, out);
    return pr_csvin_open(src->path, name, max_field, sink, missing_ok, out);
}

unsigned long long pr_source_size(const pr_source *src)
{
    if (src->read)
        return 0; /* unknown */
    if (!src->path)
        return src->data ? src->len : 0;
    return pr_io_file_size(src->path);
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
    pr_free(c->raw);
    pr_free(c->map);
    pr_buf_free(&c->data);
    pr_free(c->fields);
    pr_free(c->outf);
    for (size_t i = 0; i < c->nheader; i++)
        pr_free(c->header[i]);
    pr_free(c->header);
    pr_free(c);
}

int pr_csvin_set_dialect(pr_csvin *c, const peerreview_options *o)
{
    c->stop[c->delim] = 0;
    c->delim = (unsigned char)o->delimiter;
    c->stop['\r'] = c->stop['\n'] = c->stop['"'] = c->stop[c->delim] = 1;
    csv_set_delim(&c->p, o->delimiter);
    set_classes(c);
    if (!o->encoding[0])
        return 0;
    /* one raw byte becomes at most 3 bytes of UTF-8 */
    char *nbuf = pr_realloc(c->buf, 3 * READ_SIZE);
    if (!nbuf)
        return PEERREVIEW_ENOMEM;
    c->buf = nbuf;
    c->buf_cap = 3 * READ_SIZE;
    c->fast = 0; /* positions go through map[]: the scanner reads every byte */
    /* memory is decoded from where it is */
    c->raw = c->src == SRC_MEM ? NULL : pr_malloc(READ_SIZE);
    c->map = pr_calloc(3 * READ_SIZE + 1, sizeof *c->map);
    if ((c->src != SRC_MEM && !c->raw) || !c->map)
        return PEERREVIEW_ENOMEM;
    memcpy(c->decode, o->decode, sizeof c->decode);
    memcpy(c->encoding, o->encoding, sizeof c->encoding);
    c->transcode = 1;
    return 0;
}

int pr_csvin_transcodes(const pr_csvin *c)
{
    return c->transcode;
}

void pr_csvin_set_progress(pr_csvin *c, pr_progress *p)
{
    c->progress = p;
}

void pr_csvin_set_fast(pr_csvin *c, int on)
{
    c->fast = on && !c->transcode;
}

void pr_csvin_keep_fields(pr_csvin *c, size_t n)
{
    c->keep_fields = n;
}

/* File offset of buf[i] (i <= buf_len): bytes of the file, not of the UTF-8 read. */
static long long at(const pr_csvin *c, size_t i)
{
    return c->buf_offset + (long long)(c->transcode ? c->map[i] : i);
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

/* Windows-1252's characters for 0x80..0x9F (0: none); 0xA0..0xFF are Latin-1's. */
static const unsigned short cp1252_c1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* Append byte b as Windows-1252 would show it, in UTF-8; -1 if it has no character. */
static int add_cp1252(pr_buf *b, unsigned char byte)
{
    unsigned cp = byte < 0x80 ? byte : byte < 0xA0 ? cp1252_c1[byte - 0x80] : byte;
    if (!cp || cp < 0x20)
        return -1;
    char u[3];
    size_t n = 1;
    if (cp < 0x80) {
        u[0] = (char)cp;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    }
    return pr_buf_add(b, u, n) ? -2 : 0;
}

static void bad_byte(pr_csvin *c, unsigned char byte, long long offset, unsigned long line);

/*
 * The bytes of a broken sequence, with what they are in Windows-1252 (what
 * Excel writes as plain "CSV" in Western Europe), and how to fix the file.
 */
static void bad_utf8(pr_csvin *c, long long offset, unsigned long line)
{
    if (c->rec_bad)
        return;
    if (c->transcode) { /* decoded bytes are UTF-8: this one has no character */
        bad_byte(c, c->utf8_bytes[0], offset, line);
        return;
    }
    pr_buf m = PR_BUF_INIT, as = PR_BUF_INIT;
    unsigned n = c->utf8_nbytes ? c->utf8_nbytes : 1;
    int fail = pr_buf_adds(&m, n == 1 ? "byte" : "bytes");
    int shown = 1;
    for (unsigned i = 0; i < n; i++) {
        fail |= pr_buf_printf(&m, " 0x%02X", c->utf8_bytes[i]);
        int r = add_cp1252(&as, c->utf8_bytes[i]);
        fail |= r == -2;
        shown &= r == 0;
    }
    if (shown)
        fail |= pr_buf_printf(&m, " \xE2\x80\x94 '%s' in Windows-1252", pr_buf_str(&as));
    fail |= pr_buf_adds(&m, shown ? ": " : " is not valid UTF-8: ");
    fail |= pr_buf_adds(&m, "the file was saved as plain 'CSV'; re-save as 'CSV UTF-8' in "
                            "Excel, or choose 'Unicode (UTF-8)' in LibreOffice, or read it with "
                            "the encoding option (e.g. windows-1252)");
    if (fail)
        c->oom = 1;
    else
        report_encoding(c, PEERREVIEW_P_INVALID_UTF8, line, offset, pr_buf_str(&m));
    pr_buf_free(&m);
    pr_buf_free(&as);
}

/* A byte the chosen single-byte encoding has no character for. */
static void bad_byte(pr_csvin *c, unsigned char byte, long long offset, unsigned long line)
{
    char msg[200];
    snprintf(msg, sizeof msg,
             "byte 0x%02X has no character in %s; check the file's encoding and read it with "
             "the right encoding option",
             byte, c->encoding);
    report_encoding(c, PEERREVIEW_P_INVALID_UTF8, line, offset, msg);
}

/* Check one byte's UTF-8, NUL and line state. */
static void scan_byte(pr_csvin *c, unsigned char ch, long long off)
{
    int after_cr = c->prev_cr;
    c->prev_cr = 0; /* only a CR directly before an LF makes CRLF one line end */
    if (c->utf8_need) {
        if (ch >= c->utf8_lo && ch <= c->utf8_hi) {
            c->utf8_bytes[c->utf8_nbytes++ & 3] = ch;
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
        c->utf8_bytes[0] = ch;
        c->utf8_nbytes = 1;
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

/*
 * Decode the raw bytes into buf as UTF-8, recording where each byte came
 * from. A byte with no character in the encoding is passed on as it is: a
 * byte >= 0x80 before ASCII or a lead byte is never valid UTF-8, so the
 * scanner's UTF-8 check reports it at its position (see bad_utf8).
 */
static void transcode(pr_csvin *c)
{
    const unsigned char *r = (const unsigned char *)c->rawchk;
    unsigned char *o = (unsigned char *)c->buf;
    size_t k = 0;
    for (size_t i = 0; i < c->raw_len; i++) {
        unsigned char b = r[i];
        if (b < 0x80) {
            c->map[k] = (uint32_t)i;
            o[k++] = b;
            continue;
        }
        const unsigned char *d = c->decode[b - 0x80];
        for (unsigned j = 0; j < d[0]; j++) {
            c->map[k] = (uint32_t)i;
            o[k++] = d[1 + j];
        }
        if (!d[0]) {
            c->map[k] = (uint32_t)i;
            o[k++] = b;
        }
    }
    c->map[k] = (uint32_t)c->raw_len;
    c->buf_len = k;
    c->chunk = c->buf;
}

/* A read that failed after got more bytes of this chunk: io-error. */
static int read_failed(pr_csvin *c, size_t got, const char *why)
{
    pr_where w = PR_WHERE_NONE;
    w.file = c->name;
    w.offset = c->buf_offset + (long long)got;
    pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_IO_ERROR, &w,
              "read failed after %lld bytes: %s", w.offset, why);
    return PEERREVIEW_EIO;
}

/* Read at most want bytes into dst: 0 and *n (0 at the end), or PEERREVIEW_EIO (reported). */
static int read_some(pr_csvin *c, char *dst, size_t want, size_t got, size_t *n)
{
    if (c->src == SRC_CALLBACK) {
        errno = 0;
        ptrdiff_t r = c->read(c->read_ctx, dst, want);
        if (r < 0)
            return read_failed(c, got, errno ? strerror(errno) : "the read callback failed");
        if ((size_t)r > want) {
            char why[120];
            snprintf(why, sizeof why,
                     "the read callback returned %td bytes, more than the %zu "
                     "asked for",
                     r, want);
            return read_failed(c, got, why);
        }
        *n = (size_t)r;
        return 0;
    }
    for (;;) {
        ssize_t r = pr_io_read(c->fd, dst, want);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return read_failed(c, got, strerror(errno));
        *n = (size_t)r;
        return 0;
    }
}

/*
 * 1 once the first n bytes hold what check_start looks at: the byte order
 * mark or UTF-16 (3 bytes) and the header line, up to a line end outside
 * quotes. Incremental: each byte is looked at once.
 */
static int first_line_read(pr_csvin *c, const char *b, size_t n)
{
    if (n < 3)
        return 0;
    size_t i = c->head_scan;
    if (i == 0 && (unsigned char)b[0] == 0xEF && (unsigned char)b[1] == 0xBB &&
        (unsigned char)b[2] == 0xBF)
        i = 3;
    for (; i < n; i++) {
        if (b[i] == '"')
            c->head_quoted = !c->head_quoted;
        else if (!c->head_quoted && (b[i] == '\n' || b[i] == '\r'))
            return 1;
    }
    c->head_scan = i;
    return 0;
}

/* Count n bytes read for progress: PEERREVIEW_ECANCELED when its callback asks to stop. */
static int count_read(pr_csvin *c, size_t n)
{
    pr_progress *p = c->progress;
    if (p && p->fn && (n > 0 || c->eof)) {
        p->done += (unsigned long long)n;
        /* about every READ_SIZE bytes however little each read gives, and at the end */
        if (p->done != p->reported &&
            (p->done - p->reported >= READ_SIZE || c->eof || (p->total && p->done >= p->total))) {
            p->reported = p->done;
            if (p->fn(p->done, p->total, p->ctx)) {
                p->canceled = 1;
                c->sink->stop = 1; /* nothing read after this counts */
                return PEERREVIEW_ECANCELED;
            }
        }
    }
    return 0;
}

/*
 * The next chunk of the input: up to READ_SIZE bytes, in place for memory.
 * The first chunk is read on until it holds the header line (or READ_SIZE
 * bytes, or the end), since check_start looks at those bytes together; later
 * ones are what the source gives, since the scanner does not depend on where
 * chunks end.
 */
static int fill(pr_csvin *c)
{
    c->buf_offset += (long long)c->raw_len;
    c->buf_pos = c->buf_len = c->raw_len = 0;
    size_t n = 0;
    if (c->src == SRC_MEM) {
        n = c->mem_len - c->mem_pos;
        if (n > READ_SIZE)
            n = READ_SIZE;
        c->rawchk = c->mem ? c->mem + c->mem_pos : "";
        c->mem_pos += n;
        if (c->mem_pos == c->mem_len)
            c->eof = 1;
    } else {
        char *dst = c->transcode ? c->raw : c->buf;
        do {
            size_t got;
            int rc = read_some(c, dst + n, READ_SIZE - n, n, &got);
            if (rc)
                return rc;
            if (got == 0) {
                c->eof = 1; /* never read again after the end */
                break;
            }
            n += got;
        } while (!c->started && n < READ_SIZE && !first_line_read(c, dst, n));
        c->rawchk = dst;
    }
    c->chunk = c->rawchk;
    c->buf_len = c->raw_len = n;
    if (c->transcode)
        transcode(c);
    return count_read(c, n);
}

/*
 * The fast path found the chunk's end inside a record: keep the chunk's bytes
 * from buf_pos (the record's start) and read the next ones after them, as
 * fill would read them. The caller keeps at most READ_SIZE bytes.
 */
static int carry(pr_csvin *c)
{
    size_t keep = c->buf_len - c->buf_pos, n = 0;
    c->buf_offset += (long long)c->buf_pos;
    c->carried = 1;
    if (c->src == SRC_MEM) {
        n = c->mem_len - c->mem_pos;
        if (n > READ_SIZE)
            n = READ_SIZE;
        c->rawchk = c->mem + c->buf_offset;
        c->mem_pos += n;
        if (c->mem_pos == c->mem_len)
            c->eof = 1;
    } else {
        if (c->buf_cap < keep + READ_SIZE) {
            char *nbuf = pr_realloc(c->buf, keep + READ_SIZE);
            if (!nbuf) {
                pr_report_oom(c->sink, c->name);
                return PEERREVIEW_ENOMEM;
            }
            c->buf = nbuf;
            c->buf_cap = keep + READ_SIZE;
        }
        memmove(c->buf, c->buf + c->buf_pos, keep);
        int rc = read_some(c, c->buf + keep, READ_SIZE, keep, &n);
        if (rc)
            return rc;
        if (n == 0)
            c->eof = 1;
        c->rawchk = c->buf;
    }
    c->chunk = c->rawchk;
    c->buf_pos = 0;
    c->buf_len = c->raw_len = keep + n;
    return count_read(c, n);
}

/* The start of the file, for problems about the whole file. */
static pr_where where_start(const pr_csvin *c)
{
    pr_where w = PR_WHERE_NONE;
    w.file = c->name;
    w.line = 1;
    w.offset = 0;
    return w;
}

static const char *delim_name(unsigned char d)
{
    return d == ',' ? "','" : d == ';' ? "';'" : d == '\t' ? "TAB" : NULL;
}

/*
 * A header line with no delimiter at all but semicolons or TABs: the file was
 * saved with another separator (European Excel, LibreOffice in many
 * locales). Say so once instead of reporting one wrong column.
 */
static int check_delimiter(pr_csvin *c, const unsigned char *b, size_t n)
{
    size_t count[3] = {0, 0, 0}; /* , ; TAB outside quotes */
    static const unsigned char seps[3] = {',', ';', '\t'};
    int quoted = 0;
    size_t mine = 0;
    for (size_t i = 0; i < n && (quoted || (b[i] != '\n' && b[i] != '\r')); i++) {
        if (b[i] == '"')
            quoted = !quoted;
        else if (!quoted) {
            mine += b[i] == c->delim;
            for (int k = 0; k < 3; k++)
                count[k] += b[i] == seps[k];
        }
    }
    if (mine)
        return 0;
    int best = -1;
    for (int k = 0; k < 3; k++)
        if (seps[k] != c->delim && count[k] && (best < 0 || count[k] > count[best]))
            best = k;
    if (best < 0)
        return 0;
    pr_where w = where_start(c);
    const char *theirs = delim_name(seps[best]);
    char ours[8];
    if (delim_name(c->delim))
        snprintf(ours, sizeof ours, "%s", delim_name(c->delim));
    else
        snprintf(ours, sizeof ours, "'%c'", c->delim);
    const char *opt = seps[best] == ';' ? "';'" : seps[best] == ',' ? "','" : "tab";
    if (c->delim == ',')
        pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_WRONG_DELIMITER, &w,
                  "this file separates values with %s, not with commas (Excel and LibreOffice "
                  "do so in many European locales); re-save it as CSV with ',' as the field "
                  "delimiter (LibreOffice: Save As, tick \"Edit filter settings\"; Excel: save "
                  "as \"CSV UTF-8 (Comma delimited)\"), or read it with the delimiter option "
                  "(--delimiter %s)",
                  theirs, opt);
    else
        pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_WRONG_DELIMITER, &w,
                  "this file separates values with %s, not with the %s the delimiter option "
                  "asks for; read it with --delimiter %s",
                  theirs, ours, opt);
    return PEERREVIEW_EDATA;
}

/* First bytes: skip a UTF-8 BOM, refuse UTF-16 and a wrong delimiter. */
static int check_start(pr_csvin *c)
{
    const unsigned char *b = (const unsigned char *)c->rawchk;
    size_t n = c->raw_len;
    c->started = 1;
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) ||
                   (b[0] != 0 && b[1] == 0) || (b[0] == 0 && b[1] != 0))) {
        pr_where w = where_start(c);
        pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_UTF16_FILE, &w,
                  "the file is UTF-16 encoded (as Excel's \"Unicode Text\" saves it); save it "
                  "as \"CSV UTF-8\" instead");
        return PEERREVIEW_EDATA;
    }
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        if (c->transcode) {
            pr_where w = where_start(c);
            pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_INVALID_UTF8, &w,
                      "the file starts with a UTF-8 byte order mark, so it is UTF-8, not %s; "
                      "read it without the encoding option",
                      c->encoding);
            return PEERREVIEW_EDATA;
        }
        c->buf_pos = 3;
    }
    return check_delimiter(c, b + c->buf_pos, n - c->buf_pos);
}

static void reset_record(pr_csvin *c)
{
    c->nfields = 0;
    pr_buf_reset(&c->data);
    c->rec_bad = 0;
    c->rec_done = 0;
}

static int deliver_out(pr_csvin *c, pr_record **rec);

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
    return deliver_out(c, rec);
}

/* Deliver the record whose fields are in outf[0..nfields). */
static int deliver_out(pr_csvin *c, pr_record **rec)
{
    c->records++;
    c->carried = 0;
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

/*
 * Bytes of the field being read so far. libcsv counts a quote inside a quoted
 * field before it knows whether it closes the field or starts a pair: that
 * one is not the field's.
 */
static size_t field_size(const pr_csvin *c)
{
    return c->p.entry_pos - (c->quotes == Q_AFTER && c->p.entry_pos > 0);
}

static int check_sizes(pr_csvin *c)
{
    if (c->oom) {
        pr_report_oom(c->sink, c->name);
        return fail(c, PEERREVIEW_ENOMEM);
    }
    if (c->too_long_col || field_size(c) > c->max_field) {
        pr_where w = c->too_long_col ? where_col(c, c->field_line, c->field_offset,
                                                 (unsigned long)c->too_long_col)
                                     : where_at(c, c->field_line, c->field_offset);
        pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_FIELD_TOO_LONG, &w,
                  "the field is longer than the limit of %zu bytes (a quote left open makes "
                  "the rest of the file one field); close the quote or raise the limit",
                  c->max_field);
        return fail(c, PEERREVIEW_EDATA);
    }
    size_t header_max = c->max_field > HEADER_MIN ? c->max_field : HEADER_MIN;
    if (c->records == 0 && c->data.len + field_size(c) > header_max) {
        /* the header: column names are short, so a huge first line is the wrong file */
        pr_where w = where_at(c, c->rec_line, c->rec_offset);
        w.column = 0;
        pr_report(c->sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_FIELD_TOO_LONG, &w,
                  "the header row (the column names) is longer than the limit of %zu bytes; "
                  "is this the right file?",
                  header_max);
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

/*
 * End (exclusive) of a segment starting at buf[i] within the chunk: no
 * further than the byte at which the field, or the header, would pass its
 * size limit (check_sizes), so that it is found there whatever the chunks.
 * Every byte fed adds at most one to the field's size (field_size) and to
 * the header's size (data.len + field_size: a delimiter adds the NUL).
 */
static size_t seg_limit(const pr_csvin *c, size_t i)
{
    size_t lim = c->buf_len, used = field_size(c);
    if (used <= c->max_field && c->max_field + 1 - used < lim - i)
        lim = i + (c->max_field + 1 - used);
    size_t header_max = c->max_field > HEADER_MIN ? c->max_field : HEADER_MIN;
    used += c->data.len;
    if (c->records == 0 && used <= header_max && header_max + 1 - used < lim - i)
        lim = i + (header_max + 1 - used);
    return lim > i ? lim : i + 1;
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

/* ---- the fast path ---- */

/*
 * A record read without libcsv (fast_record): the result, or that the slow
 * path (libcsv fed segment by segment) reads it, or that the chunk ends
 * before it does.
 */
enum { FAST_BAIL, FAST_DONE, FAST_MORE };

/*
 * Bytes of the valid UTF-8 sequence at b[0] (>= 0x80) of n bytes: its length,
 * 0 if it is not valid, or -1 if the n bytes end before it could be told.
 */
static int utf8_seq(const unsigned char *b, size_t n)
{
    unsigned char c = b[0], lo = 0x80, hi = 0xBF;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < 2)
        return -1;
    if (b[1] < lo || b[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++) {
        if (k >= n)
            return -1;
        if ((b[k] & 0xC0) != 0x80)
            return 0;
    }
    return (int)len;
}

/*
 * Index of the first byte of b[i..n) whose class (c->cls) has bit m, or n:
 * the bytes a field of the fast path is copied up to. With SSE2, sixteen
 * bytes are looked at together: a NUL, CR, LF, quote, byte >= 0x80 and (in a
 * field without quotes, CLS_PLAIN) the delimiter, which are what the classes
 * mark; the rest byte by byte.
 */
static size_t scan(const pr_csvin *c, const unsigned char *b, size_t i, size_t n, unsigned m)
{
#ifdef SCAN_SSE2
    const __m128i zero = _mm_setzero_si128(), quote = _mm_set1_epi8('"');
    const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');
    const __m128i delim = _mm_set1_epi8(m == CLS_PLAIN ? (char)c->delim : '"');
    for (; n - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, zero), _mm_cmpeq_epi8(v, quote)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
        hit = _mm_or_si128(_mm_or_si128(hit, _mm_cmpeq_epi8(v, delim)), v);
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
#endif
    while (i < n && !(c->cls[b[i]] & m))
        i++;
    return i;
}

/*
 * Read the record at buf_pos as libcsv (strict, spaces kept, CR and LF line
 * ends) and the scanner would, when nothing in it is reported: fields, line
 * ends (CR, LF, CRLF) and positions, for a record that ends in the chunk
 * with a line end, holds valid UTF-8 and no NUL byte, and breaks no limit.
 * Anything else (a quote libcsv fails at, an encoding problem, a field over
 * the limit, too many fields, the end of the input) is left to the slow path
 * from the record's first byte (FAST_BAIL), before anything of the record is
 * kept. The blank lines before the record are read here in any case, as
 * scan_byte counts them. fuzz/fuzz-csvdiff.c checks it against libcsv and
 * against the slow path.
 */
static int fast_record(pr_csvin *c, pr_record **rec)
{
    const unsigned char *b = (const unsigned char *)c->chunk;
    const unsigned char delim = c->delim;
    size_t n = c->buf_len, j = c->buf_pos;
    while (j < n && (b[j] == '\r' || b[j] == '\n')) {
        if (b[j] == '\r') {
            c->line++;
            c->prev_cr = 1;
            c->blank_lines++;
        } else if (c->prev_cr) {
            c->prev_cr = 0;
        } else {
            c->line++;
            c->blank_lines++;
        }
        j++;
    }
    c->buf_pos = j;
    if (j == n)
        return FAST_MORE;
    size_t start = j;
    unsigned long line = c->line;
    size_t nf = 0;
    /* the record's data is at most its bytes and a NUL per field, each after a
       delimiter or before the line end */
    pr_buf_reset(&c->data);
    if (pr_buf_reserve(&c->data, n - start + 1))
        return FAST_BAIL;
    char *d0 = c->data.data, *d = d0; /* not moved: room was made above */
    for (;;) {
        /* a field starts at b[j] */
        if (j == n)
            goto more;
        size_t fstart = j;
        unsigned long fline = line;
        char *fd = d;
        int quoted = b[j] == '"';
        if (quoted) {
            j++;
            for (;;) {
                size_t k = scan(c, b, j, n, CLS_QUOTED);
                memcpy(d, b + j, k - j);
                d += k - j;
                j = k;
                if (j == n)
                    goto more;
                unsigned char ch = b[j];
                if (ch == '"') {
                    if (j + 1 == n)
                        goto more;
                    ch = b[j + 1];
                    if (ch == '"') { /* a pair: one quote */
                        *d++ = '"';
                        j += 2;
                        continue;
                    }
                    if (ch == delim || ch == '\r' || ch == '\n') {
                        j++; /* the closing quote */
                        break;
                    }
                    return FAST_BAIL; /* text after the closing quote */
                }
                if (ch == '\r' || ch == '\n') {
                    /* a line end: CRLF is one (b[j - 1] is at least the opening quote) */
                    line += ch == '\r' || b[j - 1] != '\r';
                    *d++ = (char)ch;
                    j++;
                } else if (ch == 0) {
                    return FAST_BAIL;
                } else {
                    int len = utf8_seq(b + j, n - j);
                    if (len < 0)
                        goto more;
                    if (len == 0)
                        return FAST_BAIL;
                    memcpy(d, b + j, (size_t)len);
                    d += len;
                    j += (size_t)len;
                }
            }
        } else {
            for (;;) {
                size_t k = scan(c, b, j, n, CLS_PLAIN);
                memcpy(d, b + j, k - j);
                d += k - j;
                j = k;
                if (j == n)
                    goto more;
                unsigned char ch = b[j];
                if (ch == delim || ch == '\r' || ch == '\n')
                    break;
                if (ch == '"' || ch == 0)
                    return FAST_BAIL;
                int len = utf8_seq(b + j, n - j);
                if (len < 0)
                    goto more;
                if (len == 0)
                    return FAST_BAIL;
                memcpy(d, b + j, (size_t)len);
                d += len;
                j += (size_t)len;
            }
        }
        /* the field ends at b[j]: the delimiter or the line end */
        size_t len = (size_t)(d - fd);
        if (len > c->max_field || nf == MAX_FIELDS)
            return FAST_BAIL; /* field-too-long, too-many-fields */
        if (nf == c->outcap && pr_grow((void **)&c->outf, &c->outcap, nf + 1, sizeof *c->outf))
            return FAST_BAIL;
        if (c->keep_fields && nf >= c->keep_fields) {
            d = fd; /* past the header's fields: counted, not kept */
            len = 0;
        }
        *d++ = '\0';
        pr_field *f = &c->outf[nf++];
        f->p = fd;
        f->len = len;
        f->line = fline;
        f->offset = c->buf_offset + (long long)fstart;
        f->quoted = quoted;
        if (b[j] != delim)
            break;
        j++;
    }
    /* the line end, after a closing quote, a delimiter or a field's last byte (not CR) */
    c->prev_cr = b[j] == '\r';
    line++;
    j++;
    *d = '\0';
    c->data.len = (size_t)(d - d0);
    c->nfields = nf;
    c->rec_line = c->line;
    c->rec_offset = c->buf_offset + (long long)start;
    c->line = line;
    c->buf_pos = j;
    c->field_line = line;
    c->field_offset = c->buf_offset + (long long)j;
    c->field_quoted = 0;
    c->quotes = Q_NONE;
    return deliver_out(c, rec);
more:
    /* the record goes on in the next chunk: carried there once, unless it is long */
    if (c->eof || c->carried || n - start > READ_SIZE)
        return FAST_BAIL;
    return FAST_MORE;
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
        if (c->fast && c->rec_pending_start && c->records) {
            int r = fast_record(c, rec);
            if (r == FAST_MORE) {
                if (c->buf_pos < c->buf_len) {
                    int rc = carry(c);
                    if (rc)
                        return fail(c, rc);
                }
                continue;
            }
            if (r != FAST_BAIL)
                return r;
            reset_record(c); /* the slow path reads it from its first byte */
        }
        /*
         * One segment: up to and including the next delimiter or line end.
         * What is reported must not depend on where the source's reads end (a
         * callback may give one byte at a time), so a segment also ends where
         * a fatal problem could be found, before the bytes after it are
         * scanned: at the byte where libcsv fails (tracked with c->quotes),
         * and at the byte where a size limit is passed (seg_limit).
         */
        const unsigned char *b = (const unsigned char *)c->chunk;
        size_t i = c->buf_pos, j = i;
        size_t lim = c->records == 0 || c->p.entry_pos + (c->buf_len - i) > c->max_field
                         ? seg_limit(c, i)
                         : c->buf_len;
        unsigned long seg_line = c->line; /* only a segment's last byte ends a line */
        /*
         * q tracks where libcsv will fail: at a quote in a field that does not
         * start with one, or after a closing quote at anything but a quote (a
         * pair), the delimiter or a line end.
         */
        int q = c->quotes;
        if (q == Q_AFTER && !c->stop[b[i]])
            lim = i + 1;
        for (; j < lim; j++) {
            unsigned char ch = b[j];
            long long off = at(c, j);
            if (c->rec_pending_start && ch != '\r' && ch != '\n') {
                c->rec_pending_start = 0;
                c->rec_line = c->line;
                c->rec_offset = off;
                c->field_line = c->line;
                c->field_offset = off;
            }
            scan_byte(c, ch, off);
            if (off == c->field_offset) {
                c->field_quoted = ch == '"';
                q = ch == '"' ? Q_IN : Q_NONE;
                if (ch == '"')
                    continue;
            }
            if (!c->stop[ch])
                continue;
            if (ch == '"') {
                if (q == Q_NONE) {
                    q = Q_FAIL;
                    break;
                }
                q = q == Q_AFTER ? Q_IN : Q_AFTER; /* the second of a pair, or what follows says */
                if (q == Q_AFTER && j + 1 < lim && !c->stop[b[j + 1]])
                    lim = j + 2; /* libcsv fails at the next byte: the segment ends there */
                continue;
            }
            if (q == Q_AFTER)
                q = Q_NONE; /* the field ended */
            break;
        }
        c->quotes = q;
        size_t end = j < lim ? j + 1 : j;
        size_t fields_before = c->nfields;
        /* libcsv grows its field buffer by a fixed step: make one step hold
           the whole segment (it lies within one field) and the steps double,
           so that a long field costs a few reallocations and linear time
           whatever realloc does */
        size_t step = c->p.entry_size > end - i ? c->p.entry_size : end - i;
        if (step > c->p.blk_size)
            csv_set_blk_size(&c->p, step);
        size_t fed = csv_parse(&c->p, b + i, end - i, on_field, on_record, c);
        if (fed < end - i) {
            if (csv_error(&c->p) == CSV_EPARSE) {
                parse_error(c, seg_line, at(c, i + fed), b[i + fed]);
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
            c->field_offset = at(c, end);
            c->field_quoted = 0;
        }
        if (c->rec_done) {
            c->rec_pending_start = 1;
            return deliver(c, rec);
        }
    }
}
