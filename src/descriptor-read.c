/*
 * Reading datapackage.json. The CSV files carry the data and the schema
 * table describes them; from the descriptor the library takes the package's
 * name, title and description, the tables it lists (a listed table's file
 * must exist), and keeps the whole tree so that a save writes back what the
 * library does not generate (descriptor-write.c). The file is checked as
 * strictly as the CSV files: UTF-8, JSON syntax, no NUL in the kept text,
 * strings where strings belong; every problem has its line and column.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "descriptor-read.h"
#include "format-version.h"
#include "io.h"
#include "json.h"
#include "value.h"

#define DESCRIPTOR_MAX (4 * 1024 * 1024)
#define DEPTH_MAX      64
#define ERR            PEERREVIEW_SEVERITY_ERROR
#define WARN           PEERREVIEW_SEVERITY_WARNING

/* Line and column (1-based, in bytes) of a byte offset in the text. */
static pr_where where_of(const char *text, size_t pos, const char *file)
{
    pr_where w = PR_WHERE_NONE;
    w.file = file;
    w.line = 1;
    size_t line = 0;
    /* lines end at LF, CR or CRLF, as in the CSV files */
    for (size_t q = 0; q < pos; q++)
        if (text[q] == '\n' || (text[q] == '\r' && !(q + 1 < pos && text[q + 1] == '\n'))) {
            w.line++;
            line = q + 1;
        }
    w.column = (unsigned long)(pos - line) + 1;
    w.offset = (long long)pos;
    return w;
}

typedef struct meta {
    const char *text;
    const char *file;
    pr_sink *sink;
    int problems; /* errors found in the metadata itself (reported) */
} meta;

/* A kept text member: a string without NUL, copied to *slot; else a problem. -1: out of memory. */
static int keep_text(meta *m, const pr_json *v, char **slot)
{
    pr_where w = where_of(m->text, v->pos, m->file);
    w.field = v->key;
    if (v->kind != PR_JSON_STRING) {
        m->problems++;
        pr_report(m->sink, ERR, PEERREVIEW_P_BAD_DESCRIPTOR, &w,
                  "\"%s\" must be text in double quotes, or it would be lost when the "
                  "package is saved; quote it",
                  v->key);
        return 0;
    }
    if (memchr(v->str, '\0', v->len)) {
        m->problems++;
        pr_report(m->sink, ERR, PEERREVIEW_P_NUL_BYTE, &w,
                  "\"%s\" holds a NUL character (\\u0000), which would cut the text "
                  "short; remove it",
                  v->key);
        return 0;
    }
    pr_free(*slot);
    *slot = pr_strdup(v->str);
    return *slot ? 0 : -1;
}

/* A name other tools accept: the Data Package profile's ^([-a-z0-9._/])+$ */
static int frictionless_name(const char *s, size_t len)
{
    if (!len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              strchr("-._/", s[i]) != NULL) ||
            !s[i])
            return 0;
    return 1;
}

/* Which of our tables the resources list (by the file each names). */
static unsigned listed_tables(const pr_json *root)
{
    const pr_json *res = pr_json_get(root, "resources");
    unsigned listed = 0;
    for (size_t i = 0; res && res->kind == PR_JSON_ARRAY && i < res->n; i++) {
        const pr_json *path = pr_json_get(res->v[i], "path");
        if (!path || path->kind != PR_JSON_STRING || memchr(path->str, '\0', path->len))
            continue;
        int t = peerreview_table_lookup(path->str);
        if (t >= 0 && strcmp(path->str, peerreview_table_file(t)) == 0)
            listed |= 1u << t;
    }
    return listed;
}

/*
 * The format version: "peerreview:format", a whole number from 1 (absent:
 * 1, the packages written before it was recorded). 0 when it is one this
 * library reads (ds->format set; a bad value is reported and counted), 1 when
 * it is newer (reported: the caller reads nothing more), -1 out of memory.
 */
static int check_format(meta *m, const pr_json *root, peerreview_dataset *ds)
{
    const pr_json *v = pr_json_get(root, PR_FORMAT_KEY);
    ds->format = 1;
    if (!v)
        return 0;
    pr_where w = where_of(m->text, v->pos, m->file);
    w.field = PR_FORMAT_KEY;
    int format = pr_format_number(v->kind == PR_JSON_SCALAR ? v->str : NULL,
                                  v->kind == PR_JSON_SCALAR ? v->len : 0);
    if (format < 1) {
        m->problems++;
        return pr_report(m->sink, ERR, PEERREVIEW_P_BAD_DESCRIPTOR, &w,
                         "\"%s\" must be the format version, a whole number such as 1 "
                         "(without quotes)",
                         PR_FORMAT_KEY);
    }
    if (format > PEERREVIEW_FORMAT_VERSION) {
        if (pr_report_newer_format(m->sink, &w, v->str, v->len))
            return -1;
        return 1;
    }
    ds->format = format;
    return 0;
}

/* The metadata the dataset keeps. 0, or -1 when out of memory. */
static int keep(meta *m, const pr_json *root, peerreview_dataset *ds)
{
    for (size_t i = 0; i < root->n; i++) {
        const pr_json *v = root->v[i];
        static const char *const kept_names[] = {"name", "title", "description", NULL};
        char **slots[] = {&ds->meta_name, &ds->meta_title, &ds->meta_description};
        char **slot = NULL;
        for (int k = 0; kept_names[k]; k++)
            if (v->keylen == strlen(kept_names[k]) && memcmp(v->key, kept_names[k], v->keylen) == 0)
                slot = slots[k];
        if (slot && keep_text(m, v, slot))
            return -1;
    }
    /* the name kept is the last one given, as for title and description */
    const pr_json *name = NULL;
    for (size_t i = 0; i < root->n; i++)
        if (root->v[i]->keylen == 4 && memcmp(root->v[i]->key, "name", 4) == 0)
            name = root->v[i];
    if (name && name->kind == PR_JSON_STRING && !memchr(name->str, '\0', name->len) &&
        !frictionless_name(name->str, name->len)) {
        pr_where w = where_of(m->text, name->pos, m->file);
        w.field = "name";
        pr_buf q = PR_BUF_INIT;
        int r = pr_buf_quote(&q, name->str, name->len);
        if (!r)
            pr_report(m->sink, WARN, PEERREVIEW_P_BAD_DESCRIPTOR, &w,
                      "the package name %s is not one other tools accept (Frictionless "
                      "allows lower-case letters, digits, '-', '.', '_' and '/'); they will "
                      "reject the package, so rename it, e.g. \"peer-reviews\"",
                      pr_buf_str(&q));
        pr_buf_free(&q);
        if (r)
            return -1;
    }
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
    size_t len = b.len, first = 0;
    while (first < len && (text[first] == ' ' || text[first] == '\t' || text[first] == '\r' ||
                           text[first] == '\n'))
        first++;
    pr_json_error jerr;
    pr_json *root = NULL;
    if (first < len && text[first] != '{' && pr_utf8_prefix(text, len) == len) {
        memset(&jerr, 0, sizeof jerr);
        jerr.what = "expected a JSON object, {...}, describing the package";
        jerr.pos = first;
    } else {
        root = pr_json_parse(text, len, DEPTH_MAX, &jerr);
    }
    meta m = {text, name, sink, 0};
    int status = 0, fr;
    if (jerr.oom || sink->oom) {
        pr_report_oom(sink, name);
        status = -1;
    } else if (!root) {
        /* unreadable: as if it listed nothing */
        pr_where at = where_of(text, jerr.pos, name);
        int utf8 = strstr(jerr.what, "UTF-8") != NULL;
        status =
            pr_report(sink, ERR, utf8 ? PEERREVIEW_P_INVALID_UTF8 : PEERREVIEW_P_BAD_DESCRIPTOR,
                      &at, "%s%s", utf8 ? "" : "not valid JSON: ", jerr.what)
                ? -1
                : PEERREVIEW_EDATA;
    } else if ((fr = check_format(&m, root, ds)) != 0) {
        /* a newer format: nothing more of the package is read */
        status = fr < 0 || sink->oom ? -1 : PEERREVIEW_EDATA;
        if (status == -1)
            pr_report_oom(sink, name);
    } else if (keep(&m, root, ds) || sink->oom) {
        pr_report_oom(sink, name);
        status = -1;
    } else {
        *listed = listed_tables(root);
        if (m.problems)
            status = PEERREVIEW_EDATA;
        /* the whole tree, so that a save keeps what the library does not generate */
        pr_json_free(ds->descriptor);
        ds->descriptor = root;
        root = NULL;
    }
    pr_json_free(root);
    pr_buf_free(&b);
    return status;
}
