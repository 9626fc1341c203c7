/* peerreview command line: messages, problems, aligned text, CSV and JSON (see output.h). */
#define _XOPEN_SOURCE 700 /* POSIX 2008 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"

/* ------------------------------------------------------------------------ */
/* Messages                                                                  */
/* ------------------------------------------------------------------------ */

/* A formatted message on stderr on one line, control characters escaped (see errorf). */
static void vprint_line(const char *fmt, va_list ap) PRINTF_LIKE(1, 0);
static void vprint_line(const char *fmt, va_list ap)
{
    char small[512];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    char *text = small;
    if (n >= (int)sizeof small && (text = malloc((size_t)n + 1)) != NULL)
        vsnprintf(text, (size_t)n + 1, fmt, ap);
    if (!text)
        text = small; /* out of memory: the message cut short */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\n')
            fputs("\\n", stderr);
        else if (*p == '\t')
            fputs("\\t", stderr);
        else if (*p < 0x20 || *p == 0x7F)
            fprintf(stderr, "\\x%02X", *p);
        else
            fputc(*p, stderr);
    }
    if (text != small)
        free(text);
    fputc('\n', stderr);
}

void errorf(const char *fmt, ...)
{
    va_list ap;
    fputs(PROG ": ", stderr);
    va_start(ap, fmt);
    vprint_line(fmt, ap);
    va_end(ap);
}

int usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    const char *space = command ? " " : "";
    if (!command)
        command = "";
    fprintf(stderr, PROG "%s%s: ", space, command);
    va_start(ap, fmt);
    vprint_line(fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '" PROG "%s%s --help'.\n", space, command);
    return EXIT_TROUBLE;
}

int out_of_memory(void)
{
    errorf("out of memory");
    return EXIT_TROUBLE;
}

const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* ------------------------------------------------------------------------ */
/* Problems                                                                  */
/* ------------------------------------------------------------------------ */

/* One problem as FILE:LINE:COLUMN: SEVERITY: FIELD: MESSAGE [CODE]. */
static int print_problem_text(FILE *out, const peerreview_problem *p)
{
    char small[1024];
    size_t need = peerreview_problem_format(p, small, sizeof small);
    if (need < sizeof small) {
        fprintf(out, "%s\n", small);
        return 0;
    }
    if (need == SIZE_MAX)
        return -1;
    char *big = malloc(need + 1);
    if (!big)
        return -1;
    peerreview_problem_format(p, big, need + 1);
    fprintf(out, "%s\n", big);
    free(big);
    return 0;
}

int print_diag_text(FILE *out, const peerreview_diag *diag)
{
    size_t n = peerreview_diag_count(diag);
    for (size_t i = 0; i < n; i++)
        if (print_problem_text(out, peerreview_diag_get(diag, i)) != 0)
            return -1;
    return 0;
}

int report_problems(const peerreview_diag *diag)
{
    return print_diag_text(stderr, diag) == 0 ? EXIT_OK : out_of_memory();
}

/* ------------------------------------------------------------------------ */
/* Aligned text                                                              */
/* ------------------------------------------------------------------------ */

size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

size_t print_text(FILE *out, const char *s)
{
    size_t w = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        fputc(c < 0x20 || c == 0x7f ? ' ' : c, out);
        w += (c & 0xC0) != 0x80;
    }
    return w;
}

void print_padded(FILE *out, const char *s, size_t width)
{
    for (size_t w = print_text(out, s); w < width; w++)
        fputc(' ', out);
}

/* ------------------------------------------------------------------------ */
/* Bytes out and CSV                                                         */
/* ------------------------------------------------------------------------ */

int write_file(void *ctx, const void *buf, size_t size)
{
    FILE *out = ctx;
    return fwrite(buf, 1, size, out) == size && !ferror(out) ? 0 : -1;
}

int write_stdout(void *ctx, const void *buf, size_t size)
{
    (void)ctx;
    const char *p = buf;
    while (size > 0) {
        ssize_t n = write(STDOUT_FILENO, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

/* The folder of path (without the last '/'), "." when it has none, "/" at the root. */
static void folder_of(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, size, ".");
    else if (slash == path)
        snprintf(buf, size, "/");
    else
        snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

/* Make what was written to the temporary file tmp durable and rename it to path; 0 or -1. */
static int commit_file(FILE *f, const char *tmp, const char *path, const char *folder)
{
    const char *step = "writing";
    int failed = fflush(f) != 0 || ferror(f);
    if (!failed) {
        step = "syncing";
        failed = fsync(fileno(f)) != 0;
    }
    int err = errno;
    if (fclose(f) != 0 && !failed) {
        step = "closing";
        failed = 1;
        err = errno;
    }
    if (!failed && rename(tmp, path) != 0) {
        err = errno;
        errorf("cannot write '%s': renaming the temporary file '%s' to it failed: %s "
               "(check that '%s' is not a folder and that you may write in '%s')",
               path, tmp, strerror(err), path, folder);
        return -1;
    }
    if (failed) {
        errorf("cannot write '%s': %s the temporary file '%s' failed: %s (check the free "
               "space and the permissions of '%s')",
               path, step, tmp, strerror(err ? err : EIO), folder);
        return -1;
    }
    int dir = open(folder, O_RDONLY);
    if (dir >= 0) { /* make the rename durable; a folder that cannot be synced is no error */
        fsync(dir);
        close(dir);
    }
    return 0;
}

int write_file_atomic(const char *path, int (*fill)(FILE *out, void *ctx), void *ctx)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        errorf("cannot write '%s': it exists and is not a regular file (give the name of a "
               "file to create or replace)",
               path);
        return EXIT_TROUBLE;
    }
    char folder[4096], tmp[4200];
    folder_of(path, folder, sizeof folder);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", folder, base) >= sizeof tmp) {
        errorf("cannot write '%s': the name is too long (give a shorter path)", path);
        return EXIT_TROUBLE;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int err = errno;
        errorf("cannot write '%s': cannot create a temporary file in '%s': %s (check that "
               "the folder exists and that you may write in it)",
               path, folder, strerror(err));
        return EXIT_TROUBLE;
    }
    mode_t mask = umask(0); /* the mode a new file gets, as fopen would give it */
    umask(mask);
    FILE *f = fchmod(fd, 0666 & ~mask) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int err = errno;
        close(fd);
        unlink(tmp);
        errorf("cannot write '%s': cannot open the temporary file '%s': %s", path, tmp,
               strerror(err));
        return EXIT_TROUBLE;
    }
    if (fill(f, ctx) != 0) {
        fclose(f);
        unlink(tmp);
        return EXIT_TROUBLE;
    }
    if (commit_file(f, tmp, path, folder) != 0) {
        unlink(tmp);
        return EXIT_TROUBLE;
    }
    return EXIT_OK;
}

int csv_record(FILE *out, const char *const *fields, size_t n)
{
    return peerreview_render_csv_record(fields, n, write_file, out);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                      */
/* ------------------------------------------------------------------------ */

size_t utf8_sequence(const unsigned char *s, size_t len)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n > len)
        return 0;
    unsigned long cp = c & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/*
 * Control characters are escaped, valid UTF-8 is passed through and any
 * invalid byte becomes U+FFFD, so that the output is always valid JSON.
 */
void json_escape(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    fputc('"', out);
    while (len > 0) {
        unsigned c = *p;
        size_t n = 1;
        switch (c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\b':
            fputs("\\b", out);
            break;
        case '\f':
            fputs("\\f", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (c < 0x20) {
                fprintf(out, "\\u%04x", c);
            } else if (c < 0x80) {
                fputc((int)c, out);
            } else if ((n = utf8_sequence(p, len)) > 0) {
                fwrite(p, 1, n, out);
            } else {
                fputs("\\ufffd", out);
                n = 1;
            }
        }
        p += n;
        len -= n;
    }
    fputc('"', out);
}

void json_init(struct json *j, FILE *out)
{
    memset(j, 0, sizeof *j);
    j->out = out;
}

static void json_indent(struct json *j, int depth)
{
    fputc('\n', j->out);
    for (int i = 0; i < depth; i++)
        fputs("  ", j->out);
}

/* Before a value or a key: the separator its container puts before it. */
static void json_next(struct json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth == 0)
        return;
    enum json_layout layout = j->level[j->depth - 1].layout;
    size_t items = j->level[j->depth - 1].items++;
    if (items > 0)
        fputs(layout == JSON_SPACED ? ", " : ",", j->out);
    if (layout == JSON_INDENTED)
        json_indent(j, j->depth);
}

static void json_open(struct json *j, enum json_layout layout, int array)
{
    if (j->depth == JSON_MAX_DEPTH) {
        fprintf(stderr, PROG ": internal error: JSON nested deeper than %d\n", JSON_MAX_DEPTH);
        abort();
    }
    json_next(j);
    fputc(array ? '[' : '{', j->out);
    j->level[j->depth].layout = (unsigned char)layout;
    j->level[j->depth].array = (unsigned char)array;
    j->level[j->depth].items = 0;
    j->depth++;
}

void json_object(struct json *j, enum json_layout layout)
{
    json_open(j, layout, 0);
}

void json_array(struct json *j, enum json_layout layout)
{
    json_open(j, layout, 1);
}

void json_end(struct json *j)
{
    if (j->depth == 0) {
        fprintf(stderr, PROG ": internal error: JSON closed more than opened\n");
        abort();
    }
    j->depth--;
    if (j->level[j->depth].layout == JSON_INDENTED && j->level[j->depth].items > 0)
        json_indent(j, j->depth);
    fputc(j->level[j->depth].array ? ']' : '}', j->out);
}

void json_key(struct json *j, const char *key)
{
    json_next(j);
    json_escape(j->out, key);
    fputs(j->depth > 0 && j->level[j->depth - 1].layout == JSON_COMPACT ? ":" : ": ", j->out);
    j->after_key = 1;
}

void json_string(struct json *j, const char *s)
{
    json_next(j);
    json_escape(j->out, s);
}

void json_uint(struct json *j, unsigned long long v)
{
    json_next(j);
    fprintf(j->out, "%llu", v);
}

void json_null(struct json *j)
{
    json_next(j);
    fputs("null", j->out);
}

void json_bool(struct json *j, int v)
{
    json_next(j);
    fputs(v ? "true" : "false", j->out);
}

void json_value(struct json *j, int table, size_t column, const char *value)
{
    if (value && peerreview_column_type(table, column) == PEERREVIEW_TYPE_INTEGER) {
        json_next(j);
        fputs(value, j->out); /* checked by the library: digits only */
    } else {
        json_string(j, value);
    }
}

/* ---- values through the checked getters ---- */

/* A getter's status: PEERREVIEW_EINVAL (no such column) is a bug here. */
const char *checked_value(int rc, const char *column)
{
    if (rc == PEERREVIEW_EINVAL) {
        fprintf(stderr, "peerreview: internal error: no column '%s'\n", column);
        abort();
    }
    return NULL;
}

const char *review_text(const peerreview_review *r, const char *column)
{
    const char *v = NULL;
    int rc = peerreview_review_get_byname(r, column, &v);
    return rc == PEERREVIEW_OK ? v : checked_value(rc, column);
}

const char *row_text(const peerreview_row *row, const char *column)
{
    const char *v = NULL;
    int rc = peerreview_row_get_byname(row, column, &v);
    return rc == PEERREVIEW_OK ? v : checked_value(rc, column);
}

const char *review_cell(const peerreview_review *r, size_t column)
{
    const char *v = NULL;
    int rc = peerreview_review_get_byindex(r, column, &v);
    return rc == PEERREVIEW_OK
               ? v
               : checked_value(rc, peerreview_column_name(PEERREVIEW_REVIEWS, column));
}

const char *row_cell(const peerreview_row *row, size_t column)
{
    const char *v = NULL;
    int rc = peerreview_row_get_byindex(row, column, &v);
    return rc == PEERREVIEW_OK
               ? v
               : checked_value(rc, peerreview_column_name(peerreview_row_table(row), column));
}

size_t review_id_column(int table)
{
    return (size_t)peerreview_table_key_column(table, 0);
}

/* 1 if column is part of a table's primary key. */
static int is_key_column(int table, size_t column)
{
    for (size_t i = 0; i < peerreview_table_key_count(table); i++)
        if (peerreview_table_key_column(table, i) == (int)column)
            return 1;
    return 0;
}

void json_row(struct json *j, const peerreview_row *row, int skip_empty)
{
    int table = peerreview_row_table(row);
    size_t n = peerreview_column_count(table);
    json_object(j, JSON_COMPACT);
    for (size_t c = 0; c < n; c++) {
        if (c == review_id_column(table))
            continue;
        const char *v = row_cell(row, c);
        if (skip_empty && (!v || is_key_column(table, c)))
            continue;
        json_key(j, peerreview_column_name(table, c));
        json_value(j, table, c, v);
    }
    json_end(j);
}

/*
 * Name of a child table's list in JSON (as in the Python API): the library's
 * list name, or for items (whose flat-form lists are per kind) the table name.
 */
static const char *child_list_name(int table)
{
    const char *name = peerreview_table_list_name(table);
    return name ? name : peerreview_table_name(table);
}

void json_review(struct json *j, const peerreview_review *r)
{
    size_t n = peerreview_column_count(PEERREVIEW_REVIEWS);
    json_object(j, JSON_COMPACT);
    for (size_t c = 0; c < n; c++) {
        json_key(j, peerreview_column_name(PEERREVIEW_REVIEWS, c));
        json_value(j, PEERREVIEW_REVIEWS, c, review_cell(r, c));
    }
    for (int t = 0; t < (int)peerreview_table_count(); t++) {
        if (t == PEERREVIEW_REVIEWS)
            continue;
        json_key(j, child_list_name(t));
        json_array(j, JSON_COMPACT);
        size_t rows = peerreview_review_child_count(r, t);
        for (size_t i = 0; i < rows; i++)
            json_row(j, peerreview_review_child_byindex(r, t, i), 0);
        json_end(j);
    }
    json_end(j);
}

/* A count, or null when it is the "none" value. */
static void json_count(struct json *j, unsigned long long v, int none)
{
    if (none)
        json_null(j);
    else
        json_uint(j, v);
}

void json_problem(struct json *j, const peerreview_problem *p, const char *path)
{
    const char *file = peerreview_problem_file(p);
    const char *code = peerreview_code_name((int)peerreview_problem_code(p));
    unsigned long line = peerreview_problem_line(p);
    unsigned long column = peerreview_problem_column(p);
    unsigned long record = peerreview_problem_record(p);
    long long offset = peerreview_problem_offset(p);

    json_object(j, JSON_COMPACT);
    json_key(j, "path");
    json_string(j, file ? file : path);
    json_key(j, "severity");
    json_string(j,
                peerreview_problem_severity(p) == PEERREVIEW_SEVERITY_ERROR ? "error" : "warning");
    json_key(j, "code");
    json_string(j, code ? code : "unknown");
    json_key(j, "line");
    json_count(j, line, line == 0);
    json_key(j, "column");
    json_count(j, column, column == 0);
    json_key(j, "record");
    json_count(j, record, record == 0);
    json_key(j, "field");
    json_string(j, peerreview_problem_field(p));
    json_key(j, "offset");
    json_count(j, (unsigned long long)offset, offset < 0);
    json_key(j, "message");
    json_string(j, peerreview_problem_message(p));
    json_end(j);
}
