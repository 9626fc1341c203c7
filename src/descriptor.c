/*
 * Reading datapackage.json: the CSV files carry the data and the schema
 * table describes them, so only the descriptor's own metadata (name, title,
 * description) is kept, to be written back unchanged on export.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "io.h"
#include "load.h"

#define DESCRIPTOR_MAX (4 * 1024 * 1024)

typedef struct jr {
    const char *p, *end;
    int depth;
} jr;

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

/* Parse a string at j->p (at the opening quote) into out (may be NULL). 0, -1 syntax, -2 oom. */
static int jstring(jr *j, pr_buf *out)
{
    if (j->p >= j->end || *j->p != '"')
        return -1;
    j->p++;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c < 0x20)
            return -1;
        if (c != '\\') {
            if (out && pr_buf_addc(out, (char)c))
                return -2;
            j->p++;
            continue;
        }
        if (j->end - j->p < 2)
            return -1;
        char e = j->p[1];
        j->p += 2;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            if (out && pr_buf_addc(out, map[simple - "\"\\/bfnrt"]))
                return -2;
            continue;
        }
        unsigned cp, lo;
        if (e != 'u' || j->end - j->p < 4 || hex4(j->p, &cp))
            return -1;
        j->p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' || hex4(j->p + 2, &lo) ||
                lo < 0xDC00 || lo > 0xDFFF)
                return -1;
            j->p += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF)
            return -1;
        if (out && put_utf8(out, cp))
            return -2;
    }
    if (j->p >= j->end)
        return -1;
    j->p++;
    return 0;
}

static int jvalue(jr *j);

static int jcontainer(jr *j, char close, int object)
{
    if (++j->depth > 64)
        return -1;
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return 0;
    }
    for (;;) {
        ws(j);
        int r;
        if (object) {
            if ((r = jstring(j, NULL)))
                return r;
            ws(j);
            if (j->p >= j->end || *j->p++ != ':')
                return -1;
            ws(j);
        }
        if ((r = jvalue(j)))
            return r;
        ws(j);
        if (j->p >= j->end)
            return -1;
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p++ != close)
            return -1;
        j->depth--;
        return 0;
    }
}

static int jvalue(jr *j)
{
    ws(j);
    if (j->p >= j->end)
        return -1;
    char c = *j->p;
    if (c == '"')
        return jstring(j, NULL);
    if (c == '{')
        return jcontainer(j, '}', 1);
    if (c == '[')
        return jcontainer(j, ']', 0);
    static const char *const words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(j->end - j->p) >= n && memcmp(j->p, words[i], n) == 0) {
            j->p += n;
            return 0;
        }
    }
    const char *start = j->p;
    while (j->p < j->end && strchr("+-0123456789.eE", *j->p) && *j->p)
        j->p++;
    return j->p > start ? 0 : -1;
}

/* After a member or element: 1 at a comma (skipped), 0 at close (skipped), -1 otherwise. */
static int jnext(jr *j, char close)
{
    ws(j);
    if (j->p < j->end && (*j->p == ',' || *j->p == close))
        return *j->p++ == ',' ? 1 : 0;
    return -1;
}

/*
 * The "resources" array at j->p: set bit t of *listed for each resource whose
 * "path" is table t's file. Anything else in it is skipped.
 */
static int parse_resources(jr *j, unsigned *listed)
{
    if (j->p >= j->end || *j->p != '[')
        return jvalue(j);
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        return 0;
    }
    pr_buf key = PR_BUF_INIT, val = PR_BUF_INIT;
    int r = 0;
    for (;;) {
        ws(j);
        if (j->p < j->end && *j->p == '{') {
            j->p++;
            ws(j);
            int empty = j->p < j->end && *j->p == '}';
            if (empty)
                j->p++;
            while (!empty) {
                ws(j);
                pr_buf_reset(&key);
                if ((r = jstring(j, &key)))
                    goto out;
                ws(j);
                if (j->p >= j->end || *j->p++ != ':') {
                    r = -1;
                    goto out;
                }
                ws(j);
                if (strcmp(pr_buf_str(&key), "path") == 0 && j->p < j->end && *j->p == '"') {
                    pr_buf_reset(&val);
                    if ((r = jstring(j, &val)))
                        goto out;
                    int t = peerreview_table_lookup(pr_buf_str(&val));
                    if (t >= 0 && strcmp(pr_buf_str(&val), peerreview_table_file(t)) == 0)
                        *listed |= 1u << t;
                } else if ((r = jvalue(j)))
                    goto out;
                int more = jnext(j, '}');
                if (more < 0) {
                    r = -1;
                    goto out;
                }
                if (!more)
                    break;
            }
        } else if ((r = jvalue(j)))
            goto out;
        int more = jnext(j, ']');
        if (more <= 0) {
            r = more;
            break;
        }
    }
out:
    pr_buf_free(&key);
    pr_buf_free(&val);
    return r;
}

/* Walk the top-level object, keeping name/title/description strings and the tables listed. */
static int parse_meta(jr *j, peerreview_dataset *ds, unsigned *listed)
{
    ws(j);
    if (j->p >= j->end || *j->p != '{')
        return -1;
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == '}')
        return 0;
    pr_buf key = PR_BUF_INIT, val = PR_BUF_INIT;
    int r = 0;
    for (;;) {
        ws(j);
        pr_buf_reset(&key);
        if ((r = jstring(j, &key)))
            break;
        ws(j);
        if (j->p >= j->end || *j->p++ != ':') {
            r = -1;
            break;
        }
        ws(j);
        char **slot = NULL;
        const char *k = pr_buf_str(&key);
        if (strcmp(k, "name") == 0)
            slot = &ds->meta_name;
        else if (strcmp(k, "title") == 0)
            slot = &ds->meta_title;
        else if (strcmp(k, "description") == 0)
            slot = &ds->meta_description;
        if (strcmp(k, "resources") == 0) {
            if ((r = parse_resources(j, listed)))
                break;
        } else if (slot && j->p < j->end && *j->p == '"') {
            pr_buf_reset(&val);
            if ((r = jstring(j, &val)))
                break;
            pr_free(*slot);
            *slot = pr_strdup(pr_buf_str(&val));
            if (!*slot) {
                r = -2;
                break;
            }
        } else if ((r = jvalue(j)))
            break;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            ws(j);
            r = j->p == j->end ? 0 : -1;
        } else
            r = -1;
        break;
    }
    pr_buf_free(&key);
    pr_buf_free(&val);
    return r;
}

int pr_descriptor_read(const char *path, peerreview_dataset *ds, pr_sink *sink, int *found,
                       unsigned *listed)
{
    pr_where w = PR_WHERE_NONE;
    w.file = path;
    *found = 0;
    *listed = 0;
    int fd = pr_io_open_read(path);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0; /* optional: the CSV files carry the data */
        *found = 1;
        return pr_io_report_open(sink, path, path, errno) == PEERREVIEW_ENOMEM ? -1
                                                                               : PEERREVIEW_EIO;
    }
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
    *found = 1;
    if (r == 0) {
        jr j = {b.data, b.data + b.len, 0};
        r = b.data ? parse_meta(&j, ds, listed) : -1;
        if (r == -1)
            *listed = 0; /* unreadable: as if it listed nothing */
    }
    pr_buf_free(&b);
    if (r == -2) {
        pr_report_oom(sink, path);
        return -1;
    }
    if (r == -3) {
        if (pr_report(sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_IO_ERROR, &w, "read failed: %s",
                      strerror(err)))
            return -1;
        return PEERREVIEW_EIO;
    }
    if (r == -1) {
        if (pr_report(sink, PEERREVIEW_SEVERITY_WARNING, PEERREVIEW_P_BAD_DESCRIPTOR, &w,
                      "not a readable JSON descriptor (or larger than %d bytes); it is ignored "
                      "and written afresh on export",
                      DESCRIPTOR_MAX))
            return -1;
    }
    return 0;
}
