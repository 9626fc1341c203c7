/*
 * Reading datapackage.json. The CSV files carry the data and the schema
 * table describes them, so only the descriptor's own metadata (name, title,
 * description) is kept, to be written back on export, and the tables it
 * lists (a listed table's file must exist). The file is checked as strictly
 * as the CSV files: UTF-8, JSON syntax, no NUL in the kept text, strings
 * where strings belong; every problem has its line and column.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "io.h"
#include "load.h"
#include "value.h"

#define DESCRIPTOR_MAX (4 * 1024 * 1024)
#define DEPTH_MAX      64
#define ERR            PEERREVIEW_SEVERITY_ERROR

typedef struct jr {
    const char *start, *p, *end;
    int depth;
    const char *err;    /* what is wrong, once something is */
    const char *err_at; /* where */
    int oom;
} jr;

/* Line and column (1-based, in bytes) of a position in the text. */
static pr_where where_of(const jr *j, const char *at, const char *file)
{
    pr_where w = PR_WHERE_NONE;
    w.file = file;
    w.line = 1;
    const char *line = j->start;
    /* lines end at LF, CR or CRLF, as in the CSV files */
    for (const char *q = j->start; q < at; q++)
        if (*q == '\n' || (*q == '\r' && !(q + 1 < at && q[1] == '\n'))) {
            w.line++;
            line = q + 1;
        }
    w.column = (unsigned long)(at - line) + 1;
    w.offset = (long long)(at - j->start);
    return w;
}

static int fail(jr *j, const char *at, const char *msg)
{
    if (!j->err) {
        j->err = msg;
        j->err_at = at;
    }
    return -1;
}

static void ws(jr *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static int put_utf8(pr_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return pr_buf_add(b, u, n);
}

/* A string at j->p (at the opening quote), decoded into out (may be NULL). */
static int jstring(jr *j, pr_buf *out)
{
    if (j->p >= j->end || *j->p != '"')
        return fail(j, j->p, "expected a string in double quotes");
    j->p++;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c < 0x20)
            return fail(j, j->p,
                        "a control character (such as a line break) inside a string; "
                        "write it as an escape (\\n)");
        if (c != '\\') {
            if (out && pr_buf_addc(out, (char)c))
                j->oom = 1;
            j->p++;
            continue;
        }
        const char *esc = j->p;
        if (j->end - j->p < 2)
            return fail(j, esc, "the string ends inside an escape");
        char e = j->p[1];
        j->p += 2;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            if (out && pr_buf_addc(out, map[simple - "\"\\/bfnrt"]))
                j->oom = 1;
            continue;
        }
        unsigned cp, lo;
        if (e != 'u' || j->end - j->p < 4 || hex4(j->p, &cp))
            return fail(j, esc,
                        "an invalid escape; JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r "
                        "\\t and \\uXXXX");
        j->p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' || hex4(j->p + 2, &lo) ||
                lo < 0xDC00 || lo > 0xDFFF)
                return fail(j, esc, "a \\u escape of half a character (a lone surrogate)");
            j->p += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF)
            return fail(j, esc, "a \\u escape of half a character (a lone surrogate)");
        if (out && put_utf8(out, cp))
            j->oom = 1;
    }
    if (j->p >= j->end)
        return fail(j, j->end, "a string is never closed; add the closing quote");
    j->p++;
    return j->oom ? -1 : 0;
}

static int jvalue(jr *j);

/* After a member or element: 1 at a comma, 0 at close (both skipped), -1 otherwise. */
static int jnext(jr *j, char close)
{
    ws(j);
    if (j->p < j->end && (*j->p == ',' || *j->p == close))
        return *j->p++ == ',' ? 1 : 0;
    return fail(j, j->p,
                close == '}' ? "expected ',' or '}' after an object member"
                             : "expected ',' or ']' after an array element");
}

static int jnumber(jr *j)
{
    const char *s = j->p;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    const char *d = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    if (j->p == d || (*d == '0' && j->p - d > 1))
        return fail(j, s,
                    "expected a value (a string, number, object, array, true, false or "
                    "null)");
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        d = j->p;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
        if (j->p == d)
            return fail(j, s, "a number needs digits after its '.'");
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        d = j->p;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
        if (j->p == d)
            return fail(j, s, "a number needs digits in its exponent");
    }
    return 0;
}

/* An object or array at j->p; each member's key is passed to on_member (objects only). */
typedef int (*member_fn)(jr *j, const char *key, void *ctx);

static int jcontainer(jr *j, member_fn on_member, void *ctx)
{
    const char *open = j->p;
    char close = *j->p == '{' ? '}' : ']';
    if (++j->depth > DEPTH_MAX)
        return fail(j, open, "nested more than 64 levels deep");
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return 0;
    }
    pr_buf key = PR_BUF_INIT;
    int r = 0;
    for (;;) {
        ws(j);
        if (close == '}') {
            pr_buf_reset(&key);
            if ((r = jstring(j, &key)))
                break;
            ws(j);
            if (j->p >= j->end || *j->p != ':') {
                r = fail(j, j->p, "expected ':' after a member's name");
                break;
            }
            j->p++;
            ws(j);
            r = on_member ? on_member(j, pr_buf_str(&key), ctx) : jvalue(j);
        } else {
            r = on_member ? on_member(j, NULL, ctx) : jvalue(j);
        }
        if (r)
            break;
        int more = jnext(j, close);
        if (more <= 0) {
            r = more;
            break;
        }
    }
    pr_buf_free(&key);
    if (!r)
        j->depth--;
    return r;
}

static int jvalue(jr *j)
{
    ws(j);
    if (j->p >= j->end)
        return fail(j, j->p, "the text ends where a value is expected");
    char c = *j->p;
    if (c == '"')
        return jstring(j, NULL);
    if (c == '{' || c == '[')
        return jcontainer(j, NULL, NULL);
    static const char *const words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(j->end - j->p) >= n && memcmp(j->p, words[i], n) == 0) {
            j->p += n;
            return 0;
        }
    }
    return jnumber(j);
}

/* ---- what the library keeps ---- */

typedef struct meta {
    jr *j;
    const char *file;
    pr_sink *sink;
    peerreview_dataset *ds;
    unsigned *listed;
    int problems; /* errors found in the metadata itself (reported) */
} meta;

/* A kept text member: a string without NUL, stored in *slot. */
static int keep_text(meta *m, const char *key, char **slot)
{
    jr *j = m->j;
    const char *at = j->p;
    if (j->p >= j->end || *j->p != '"') {
        if (jvalue(j))
            return -1;
        pr_where w = where_of(j, at, m->file);
        w.field = key;
        m->problems++;
        return pr_report(m->sink, ERR, PEERREVIEW_P_BAD_DESCRIPTOR, &w,
                         "\"%s\" must be text in double quotes, or it would be lost when the "
                         "package is saved; quote it",
                         key)
                   ? -1
                   : 0;
    }
    pr_buf val = PR_BUF_INIT;
    if (jstring(j, &val)) {
        pr_buf_free(&val);
        return -1;
    }
    if (val.data && memchr(val.data, '\0', val.len)) {
        pr_where w = where_of(j, at, m->file);
        w.field = key;
        m->problems++;
        pr_buf_free(&val);
        return pr_report(m->sink, ERR, PEERREVIEW_P_NUL_BYTE, &w,
                         "\"%s\" holds a NUL character (\\u0000), which would cut the text "
                         "short; remove it",
                         key)
                   ? -1
                   : 0;
    }
    pr_free(*slot);
    *slot = pr_strdup(pr_buf_str(&val));
    pr_buf_free(&val);
    if (!*slot)
        j->oom = 1;
    return *slot ? 0 : -1;
}

/* A member of one resource: "path" names a table file. */
static int on_resource_member(jr *j, const char *key, void *ctx)
{
    meta *m = ctx;
    if (strcmp(key, "path") != 0 || j->p >= j->end || *j->p != '"')
        return jvalue(j);
    pr_buf val = PR_BUF_INIT;
    int r = jstring(j, &val);
    if (!r) {
        int t = peerreview_table_lookup(pr_buf_str(&val));
        if (t >= 0 && strcmp(pr_buf_str(&val), peerreview_table_file(t)) == 0)
            *m->listed |= 1u << t;
    }
    pr_buf_free(&val);
    return r;
}

static int on_resource(jr *j, const char *key, void *ctx)
{
    (void)key;
    ws(j);
    if (j->p < j->end && *j->p == '{')
        return jcontainer(j, on_resource_member, ctx);
    return jvalue(j);
}

static int on_top_member(jr *j, const char *key, void *ctx)
{
    meta *m = ctx;
    peerreview_dataset *ds = m->ds;
    if (strcmp(key, "name") == 0)
        return keep_text(m, key, &ds->meta_name);
    if (strcmp(key, "title") == 0)
        return keep_text(m, key, &ds->meta_title);
    if (strcmp(key, "description") == 0)
        return keep_text(m, key, &ds->meta_description);
    if (strcmp(key, "resources") == 0 && j->p < j->end && *j->p == '[')
        return jcontainer(j, on_resource, ctx);
    return jvalue(j);
}

/* The whole text: one object, UTF-8. 0, or -1 with j->err set (or oom, or problems reported). */
static int parse(jr *j, meta *m)
{
    size_t valid = pr_utf8_prefix(j->start, (size_t)(j->end - j->start));
    if (j->start + valid != j->end)
        return fail(j, j->start + valid,
                    "the file is not valid UTF-8 here; save it as UTF-8 (JSON files must be)");
    ws(j);
    if (j->p >= j->end)
        return fail(j, j->p, "the file is empty; it needs one JSON object, {...}");
    if (*j->p != '{')
        return fail(j, j->p, "expected a JSON object, {...}, describing the package");
    if (jcontainer(j, on_top_member, m))
        return -1;
    ws(j);
    if (j->p != j->end)
        return fail(j, j->p, "text after the end of the JSON object; remove it");
    return 0;
}

int pr_descriptor_read(const char *path, const char *name, peerreview_dataset *ds, pr_sink *sink,
                       int *found, unsigned *listed)
{
    *found = 0;
    *listed = 0;
    int fd = pr_io_open_read(path);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0; /* optional: the CSV files carry the data */
        *found = 1;
        return pr_io_report_open(sink, name, path, errno) == PEERREVIEW_ENOMEM ? -1
                                                                               : PEERREVIEW_EIO;
    }
    *found = 1;
    pr_buf b = PR_BUF_INIT;
    char chunk[8192];
    int r = 0, err = 0;
    for (;;) {
        ssize_t n = pr_io_read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0) {
                err = errno;
                r = -3;
            }
            break;
        }
        if (b.len + (size_t)n > DESCRIPTOR_MAX) {
            r = -1;
            break;
        }
        if (pr_buf_add(&b, chunk, (size_t)n)) {
            r = -2;
            break;
        }
    }
    pr_io_close_read(fd);
    pr_where w = PR_WHERE_NONE;
    w.file = name;
    if (r == -2) {
        pr_buf_free(&b);
        pr_report_oom(sink, name);
        return -1;
    }
    if (r == -3) {
        pr_buf_free(&b);
        if (pr_report(sink, ERR, PEERREVIEW_P_IO_ERROR, &w, "read failed: %s", strerror(err)))
            return -1;
        return PEERREVIEW_EIO;
    }
    if (r == -1) {
        pr_buf_free(&b);
        return pr_report(sink, ERR, PEERREVIEW_P_BAD_DESCRIPTOR, &w,
                         "the file is larger than %d bytes, more than a package descriptor "
                         "needs; check that it is the right file",
                         DESCRIPTOR_MAX)
                   ? -1
                   : PEERREVIEW_EDATA;
    }
    const char *text = b.data ? b.data : "";
    jr j = {text, text, text + b.len, 0, NULL, NULL, 0};
    meta m = {&j, name, sink, ds, listed, 0};
    int rc = parse(&j, &m);
    int status = 0;
    if (j.oom || sink->oom) {
        pr_report_oom(sink, name);
        status = -1;
    } else if (rc && j.err) {
        *listed = 0; /* unreadable: as if it listed nothing */
        pr_where at = where_of(&j, j.err_at, name);
        int utf8 = strstr(j.err, "UTF-8") != NULL;
        status =
            pr_report(sink, ERR, utf8 ? PEERREVIEW_P_INVALID_UTF8 : PEERREVIEW_P_BAD_DESCRIPTOR,
                      &at, "%s%s", utf8 ? "" : "not valid JSON: ", j.err)
                ? -1
                : PEERREVIEW_EDATA;
    } else if (m.problems) {
        status = PEERREVIEW_EDATA;
    }
    pr_buf_free(&b);
    return status;
}
