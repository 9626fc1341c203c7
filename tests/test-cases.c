/*
 * The case corpus: every folder of tests/cases is a small package or flat
 * file and the exact problems loading it gives (see tests/cases/README.md).
 * Only the public API. Run by make check with no arguments.
 *
 *   test-cases [--sample DIR] [CORPUS | CASE]...
 *       Check every case (a folder that holds folders or an uncovered file
 *       is a corpus, any other folder one case). Prints TAP: one line per
 *       case, the expected and the actual lines of a case that fails, and a
 *       last line checking that every problem code has a case or is listed
 *       in CORPUS/uncovered. Fails on no case at all, a case without an
 *       expected file, a missing or an extra problem.
 *   test-cases --examples [--sample DIR] [CORPUS]
 *       For each problem code, one example: "code<TAB>case<TAB>the problem
 *       as peerreview_problem_format writes it" (paths relative to the
 *       package), from the first case in name order that gives the code
 *       (its first problem with that code), preferring the cases named after
 *       the code ("bad-date", "bad-date-..."). Codes no case gives are named
 *       on stderr.
 *   test-cases --expected CASE / test-cases --messages CASE
 *       What the case's expected / messages file must hold, to write a new
 *       case (check every line by hand before you commit it).
 *
 * Default CORPUS: SRCDIR/tests/cases; default sample: SRCDIR/data/lga-sample.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "peerreview.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ---- small tools ---- */

static void oom(void)
{
    fputs("test-cases: out of memory\n", stderr);
    exit(99);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        oom();
    return p;
}

static PRINTF_LIKE(1, 2) char *xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom();
    return s;
}

/* A growing list of owned strings. */
typedef struct strv {
    char **v;
    size_t n, cap;
} strv;

static void sv_push(strv *sv, char *owned)
{
    if (sv->n == sv->cap) {
        sv->cap = sv->cap ? 2 * sv->cap : 16;
        char **v = realloc(sv->v, sv->cap * sizeof *v);
        if (!v)
            oom();
        sv->v = v;
    }
    sv->v[sv->n++] = owned;
}

static void sv_free(strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

static int sv_equal(const strv *a, const strv *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return 0;
    return 1;
}

static char *path_join(const char *dir, const char *name)
{
    return xprintf("%s/%s", dir, name);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The whole file (NUL-terminated; *len without the NUL), or NULL with errno set. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, n = 0, r;
    char *b = xmalloc(cap + 1);
    while ((r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            char *nb = realloc(b, cap + 1);
            if (!nb)
                oom();
            b = nb;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        errno = EIO;
        return NULL;
    }
    b[n] = '\0';
    if (len)
        *len = n;
    return b;
}

static int spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = len ? fwrite(data, 1, len, f) : 0;
    return fclose(f) != 0 || w != len ? -1 : 0;
}

static int copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = slurp(from, &len);
    if (!data)
        return -1;
    int rc = spit(to, data, len);
    free(data);
    return rc;
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = path_join(path, e->d_name);
            rm_rf(p);
            free(p);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a folder but . and .., in byte order; -1 if it cannot be read. */
static int list_dir(const char *dir, strv *names)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            sv_push(names, xstrdup(e->d_name));
    closedir(d);
    if (names->n)
        qsort(names->v, names->n, sizeof *names->v, by_name);
    return 0;
}

/* The last part of a path, without the slashes that may end it (owned). */
static char *base_name(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && path[start - 1] != '/')
        start--;
    char *s = xmalloc(n - start + 1);
    memcpy(s, path + start, n - start);
    s[n - start] = '\0';
    return s;
}

/*
 * The lines of a control file: each without its line end, blank lines and
 * lines starting with '#' left out. squeeze: runs of spaces and tabs become
 * one space and the ends are trimmed (expected, options); otherwise only
 * trailing spaces go (messages, compared exactly).
 */
static int read_lines(const char *path, int squeeze, strv *out)
{
    char *text = slurp(path, NULL);
    if (!text)
        return -1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = '\0';
        const char *s = line;
        if (squeeze)
            while (*s == ' ' || *s == '\t')
                s++;
        if (!*s || *s == '#')
            continue;
        char *copy = xstrdup(s);
        if (squeeze) {
            char *w = copy;
            for (const char *r = copy; *r; r++) {
                if (*r == ' ' || *r == '\t') {
                    if (w > copy && w[-1] != ' ')
                        *w++ = ' ';
                } else {
                    *w++ = *r;
                }
            }
            *w = '\0';
        }
        sv_push(out, copy);
    }
    free(text);
    return 0;
}

/*
 * s with the temporary folder tmp shown relative to it: "tmp" as "." (so
 * "tmp/x" as "./x"), or with bare 1 "tmp/x" as "x".
 */
static char *relative(const char *s, const char *tmp, int bare)
{
    size_t tl = strlen(tmp), n = strlen(s);
    char *out = xmalloc(n + 2);
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        if (strncmp(s + i, tmp, tl) == 0) {
            if (bare && s[i + tl] == '/') {
                i += tl + 1;
            } else {
                out[k++] = '.';
                i += tl;
            }
        } else {
            out[k++] = s[i++];
        }
    }
    out[k] = '\0';
    return out;
}

/* ---- what a load gives ---- */

typedef struct outcome {
    int status;
    strv lines;    /* "severity code file line column field", then "not stored: ..." */
    strv messages; /* "row R byte B: formatted problem" */
    strv formatted;
    char *outside; /* a problem's file that is not in the package folder */
    int *codes;    /* the code of each problem, in order */
    size_t ncodes;
    size_t errors, warnings;
} outcome;

static void outcome_free(outcome *o)
{
    sv_free(&o->lines);
    sv_free(&o->messages);
    sv_free(&o->formatted);
    free(o->outside);
    free(o->codes);
    memset(o, 0, sizeof *o);
}

/*
 * Append the problems of d to o: files relative to the package folder tmp
 * ("reviews.csv"), and in messages the folder as "." ("./reviews.csv"), so
 * that a file named by its full path and one named bare differ.
 */
static void take_problems(outcome *o, const peerreview_diag *d, const char *tmp)
{
    size_t n = peerreview_diag_count(d), stored_e = 0, stored_w = 0;
    int *codes = realloc(o->codes, (o->ncodes + n + 1) * sizeof *codes);
    if (!codes)
        oom();
    o->codes = codes;
    for (size_t i = 0; i < n; i++) {
        const peerreview_problem *p = peerreview_diag_get(d, i);
        int error = peerreview_problem_severity(p) == PEERREVIEW_SEVERITY_ERROR;
        stored_e += error;
        stored_w += !error;
        const char *code = peerreview_code_name((int)peerreview_problem_code(p));
        const char *file = peerreview_problem_file(p);
        const char *field = peerreview_problem_field(p);
        size_t tl = strlen(tmp);
        int inside = file && strncmp(file, tmp, tl) == 0 && (file[tl] == '/' || !file[tl]);
        if (file && *file && !inside && !o->outside)
            o->outside = xstrdup(file);
        char *rel = file && *file ? relative(file, tmp, 1) : xstrdup("-");
        sv_push(&o->lines, xprintf("%s %s %s %lu %lu %s", error ? "error" : "warning",
                                   code ? code : "?", rel, peerreview_problem_line(p),
                                   peerreview_problem_column(p), field && *field ? field : "-"));
        size_t len = peerreview_problem_format(p, NULL, 0);
        char *buf = xmalloc(len + 1);
        peerreview_problem_format(p, buf, len + 1);
        /* the file the line starts with bare, as in expected; any other path as ./ */
        size_t fl = file && *file ? strlen(file) : 0;
        char *text;
        if (fl && strncmp(buf, file, fl) == 0) {
            char *rest = relative(buf + fl, tmp, 0);
            text = xprintf("%s%s", rel, rest);
            free(rest);
        } else {
            text = relative(buf, tmp, 0);
        }
        free(buf);
        free(rel);
        sv_push(&o->messages, xprintf("row %lu byte %lld: %s", peerreview_problem_record(p),
                                      peerreview_problem_offset(p), text));
        sv_push(&o->formatted, text);
        o->codes[o->ncodes++] = (int)peerreview_problem_code(p);
    }
    size_t errors = peerreview_diag_errors(d), warnings = peerreview_diag_warnings(d);
    o->errors += errors;
    o->warnings += warnings;
    if (errors > stored_e || warnings > stored_w)
        sv_push(&o->lines, xprintf("not stored: %zu errors, %zu warnings", errors - stored_e,
                                   warnings - stored_w));
}

/* ---- one case ---- */

enum base { BASE_EMPTY, BASE_SAMPLE, BASE_NONE };

typedef struct kase {
    const char *name; /* the folder's name */
    const char *dir;  /* the folder */
    strv notes;       /* why it failed, beyond the lines */
    int failed;
    int base, base_set, render_flat, form;
    char *load;  /* what is loaded, relative to the package folder */
    strv remove; /* base files removed */
    strv files;  /* the package files the case holds */
    peerreview_options *opts;
    int has_expected, has_messages;
    strv expected, messages;
} kase;

static PRINTF_LIKE(2, 3) void note(kase *k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        oom();
    va_end(ap);
    sv_push(&k->notes, s);
    k->failed = 1;
}

static void kase_free(kase *k)
{
    sv_free(&k->notes);
    sv_free(&k->remove);
    sv_free(&k->files);
    sv_free(&k->expected);
    sv_free(&k->messages);
    free(k->load);
    peerreview_options_free(k->opts);
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-')
        return -1;
    *out = (size_t)v;
    return 0;
}

/* One line of the options file; 0, or -1 with a note. */
static int parse_option(kase *k, const char *line)
{
    char *copy = xstrdup(line);
    char *value = strchr(copy, ' ');
    if (value)
        *value++ = '\0';
    const char *key = copy;
    int bad = 0;
    size_t n = 0;
    peerreview_status st = PEERREVIEW_OK;
    if (strcmp(key, "base") == 0 && value) {
        k->base_set = 1;
        if (strcmp(value, "sample") == 0)
            k->base = BASE_SAMPLE;
        else if (strcmp(value, "empty") == 0)
            k->base = BASE_EMPTY;
        else if (strcmp(value, "none") == 0)
            k->base = BASE_NONE;
        else
            bad = 1;
    } else if (strcmp(key, "remove") == 0 && value) {
        sv_push(&k->remove, xstrdup(value));
    } else if (strcmp(key, "load") == 0 && value) {
        free(k->load);
        k->load = xstrdup(value);
    } else if (strcmp(key, "form") == 0 && value) {
        if (strcmp(value, "auto") == 0)
            k->form = PEERREVIEW_FORM_AUTO;
        else if (strcmp(value, "package") == 0)
            k->form = PEERREVIEW_FORM_PACKAGE;
        else if (strcmp(value, "flat") == 0)
            k->form = PEERREVIEW_FORM_FLAT;
        else
            bad = 1;
        if (!bad)
            st = peerreview_options_set_form(k->opts, (peerreview_form)k->form);
    } else if (strcmp(key, "max-problems") == 0 && value && !parse_size(value, &n)) {
        st = peerreview_options_set_max_problems(k->opts, n);
    } else if (strcmp(key, "max-field-size") == 0 && value && !parse_size(value, &n)) {
        st = peerreview_options_set_max_field_size(k->opts, n);
    } else if (strcmp(key, "max-records") == 0 && value && !parse_size(value, &n)) {
        st = peerreview_options_set_max_records(k->opts, n);
    } else if (strcmp(key, "ignore-unknown-columns") == 0 && !value) {
        st = peerreview_options_set_ignore_unknown_columns(k->opts, 1);
    } else if (strcmp(key, "delimiter") == 0 && value) {
        if (strcmp(value, "tab") == 0)
            st = peerreview_options_set_delimiter(k->opts, '\t');
        else if (strlen(value) == 1)
            st = peerreview_options_set_delimiter(k->opts, value[0]);
        else
            bad = 1;
    } else if (strcmp(key, "encoding") == 0 && value) {
        st = peerreview_options_set_encoding(k->opts, value);
    } else if (strcmp(key, "render-flat") == 0 && !value) {
        k->render_flat = 1;
    } else {
        bad = 1;
    }
    if (!bad && st != PEERREVIEW_OK)
        note(k, "options: \"%s\" refused by the library (%s)", line, peerreview_status_name(st));
    else if (bad)
        note(k, "options: \"%s\" is not an option (see tests/cases/README.md)", line);
    free(copy);
    return bad || st != PEERREVIEW_OK ? -1 : 0;
}

/* Read the case folder: control files and package files. 0, or -1 with notes. */
static int read_case(kase *k)
{
    k->opts = peerreview_options_new();
    if (!k->opts)
        oom();
    strv names = {0};
    if (list_dir(k->dir, &names)) {
        note(k, "cannot read the folder %s: %s", k->dir, strerror(errno));
        return -1;
    }
    int has_options = 0, has_flat = 0;
    for (size_t i = 0; i < names.n; i++) {
        const char *n = names.v[i];
        char *p = path_join(k->dir, n);
        if (!is_file(p))
            note(k, "%s is not a plain file (a case holds files only)", n);
        else if (strcmp(n, "expected") == 0)
            k->has_expected = 1;
        else if (strcmp(n, "messages") == 0)
            k->has_messages = 1;
        else if (strcmp(n, "options") == 0)
            has_options = 1;
        else
            sv_push(&k->files, xstrdup(n));
        has_flat |= strcmp(n, "flat.csv") == 0;
        free(p);
    }
    sv_free(&names);
    k->base = has_flat ? BASE_NONE : BASE_EMPTY;
    if (has_options) {
        strv lines = {0};
        char *p = path_join(k->dir, "options");
        if (read_lines(p, 1, &lines))
            note(k, "cannot read %s: %s", p, strerror(errno));
        for (size_t i = 0; i < lines.n; i++)
            parse_option(k, lines.v[i]);
        sv_free(&lines);
        free(p);
    }
    if (!k->load)
        k->load = xstrdup(has_flat ? "flat.csv" : ".");
    if (!k->files.n && k->base == BASE_NONE && !k->remove.n && strcmp(k->load, ".") == 0)
        note(k, "the case holds no package files and no base");
    return k->failed ? -1 : 0;
}

/* The package folder: base, then the case's files, then the removals. */
static int build(kase *k, const char *sample, const char *tmp)
{
    if (k->base == BASE_SAMPLE) {
        strv names = {0};
        if (list_dir(sample, &names)) {
            note(k, "cannot read the sample %s: %s", sample, strerror(errno));
            return -1;
        }
        for (size_t i = 0; i < names.n; i++) {
            const char *n = names.v[i];
            size_t len = strlen(n);
            if (!(len > 4 && strcmp(n + len - 4, ".csv") == 0) &&
                strcmp(n, "datapackage.json") != 0)
                continue; /* README.md */
            char *from = path_join(sample, n), *to = path_join(tmp, n);
            if (copy_file(from, to))
                note(k, "cannot copy %s: %s", from, strerror(errno));
            free(from);
            free(to);
        }
        sv_free(&names);
    } else if (k->base == BASE_EMPTY) {
        char *from = path_join(sample, "datapackage.json"),
             *to = path_join(tmp, "datapackage.json");
        if (copy_file(from, to))
            note(k, "cannot copy %s: %s", from, strerror(errno));
        free(from);
        free(to);
        for (int t = 0; t < (int)peerreview_table_count(); t++) {
            char *hdr = xstrdup("");
            for (size_t c = 0; c < peerreview_column_count(t); c++) {
                char *more = xprintf("%s%s%s", hdr, c ? "," : "", peerreview_column_name(t, c));
                free(hdr);
                hdr = more;
            }
            char *path = path_join(tmp, peerreview_table_file(t));
            char *line = xprintf("%s\r\n", hdr);
            if (spit(path, line, strlen(line)))
                note(k, "cannot write %s: %s", path, strerror(errno));
            free(line);
            free(path);
            free(hdr);
        }
    }
    for (size_t i = 0; i < k->files.n; i++) {
        char *from = path_join(k->dir, k->files.v[i]), *to = path_join(tmp, k->files.v[i]);
        if (copy_file(from, to))
            note(k, "cannot copy %s: %s", from, strerror(errno));
        free(from);
        free(to);
    }
    for (size_t i = 0; i < k->remove.n; i++) {
        char *p = path_join(tmp, k->remove.v[i]);
        if (unlink(p))
            note(k, "options: remove %s: %s", k->remove.v[i], strerror(errno));
        free(p);
    }
    return k->failed ? -1 : 0;
}

enum how { BY_LOAD, BY_VALIDATE, BY_BUFFER };

/* Load target one way; the outcome o (dataset kept in *ds when ds and loaded). */
static void load_one(kase *k, const char *target, const char *tmp, int how, outcome *o,
                     peerreview_dataset **ds)
{
    peerreview_diag *d = peerreview_diag_new();
    if (!d)
        oom();
    peerreview_dataset *got = NULL;
    if (how == BY_LOAD) {
        o->status = peerreview_load(target, k->opts, d, &got);
    } else if (how == BY_VALIDATE) {
        o->status = peerreview_validate_path(target, k->opts, d);
    } else {
        size_t len;
        char *data = slurp(target, &len);
        if (!data)
            oom();
        o->status = peerreview_load_buffer(data, len, -1, target, k->opts, d, &got);
        free(data);
    }
    take_problems(o, d, tmp);
    if (o->outside)
        note(k, "a problem names the file \"%s\", which is not in the package folder %s",
             o->outside, tmp);
    /* all or nothing, and the status agrees with the problems */
    int io = 0;
    for (size_t i = 0; i < o->ncodes; i++)
        io |= o->codes[i] == PEERREVIEW_P_IO_ERROR;
    int want = !o->errors ? PEERREVIEW_OK : io ? PEERREVIEW_EIO : PEERREVIEW_EDATA;
    static const char *const hows[] = {"peerreview_load", "peerreview_validate_path",
                                       "peerreview_load_buffer"};
    if (o->status != want)
        note(k, "%s returned %s with %zu errors", hows[how], peerreview_status_name(o->status),
             o->errors);
    if (how != BY_VALIDATE && (o->status == PEERREVIEW_OK) != (got != NULL))
        note(k, "%s returned %s and %s dataset", hows[how], peerreview_status_name(o->status),
             got ? "a" : "no");
    if (ds && o->status == PEERREVIEW_OK)
        *ds = got;
    else
        peerreview_dataset_free(got);
    peerreview_diag_free(d);
}

static void print_lines(const char *title, const strv *lines)
{
    printf("#   %s\n", title);
    if (!lines->n)
        printf("#     (nothing)\n");
    for (size_t i = 0; i < lines->n; i++)
        printf("#     %s\n", lines->v[i]);
}

/* Another way to load that must give the same as peerreview_load. */
static void same_as_load(kase *k, const char *what, const outcome *load, const outcome *other)
{
    if (other->status == load->status && sv_equal(&other->messages, &load->messages) &&
        other->errors == load->errors && other->warnings == load->warnings)
        return;
    note(k,
         "%s gives other problems than peerreview_load (%s, %zu errors, %zu warnings; load: "
         "%s, %zu errors, %zu warnings)",
         what, peerreview_status_name(other->status), other->errors, other->warnings,
         peerreview_status_name(load->status), load->errors, load->warnings);
    print_lines("peerreview_load:", &load->messages);
    print_lines(what, &other->messages);
}

/*
 * Run one case: the outcome of peerreview_load (then of the flat render with
 * render-flat) in *o, cross-checked against peerreview_validate_path, the
 * package's datapackage.json and, for a flat file, peerreview_load_buffer.
 */
static void run_case(kase *k, const char *sample, outcome *o)
{
    const char *base = getenv("TMPDIR");
    char *tmp = xprintf("%s/prcase-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmp)) {
        note(k, "cannot make a temporary folder %s: %s", tmp, strerror(errno));
        free(tmp);
        return;
    }
    if (build(k, sample, tmp) == 0) {
        char *target = strcmp(k->load, ".") == 0 ? xstrdup(tmp) : path_join(tmp, k->load);
        peerreview_dataset *ds = NULL;
        load_one(k, target, tmp, BY_LOAD, o, &ds);

        outcome v = {0};
        load_one(k, target, tmp, BY_VALIDATE, &v, NULL);
        same_as_load(k, "peerreview_validate_path", o, &v);
        outcome_free(&v);

        char *desc = path_join(tmp, "datapackage.json");
        if (strcmp(k->load, ".") == 0 && is_file(desc)) {
            outcome viadesc = {0};
            load_one(k, desc, tmp, BY_LOAD, &viadesc, NULL);
            same_as_load(k, "loading its datapackage.json", o, &viadesc);
            outcome_free(&viadesc);
        }
        free(desc);

        char *name = base_name(target);
        if (is_file(target) && k->form != PEERREVIEW_FORM_PACKAGE &&
            peerreview_table_lookup(name) < 0 && strcmp(name, "datapackage.json") != 0) {
            outcome buf = {0};
            load_one(k, target, tmp, BY_BUFFER, &buf, NULL);
            same_as_load(k, "peerreview_load_buffer", o, &buf);
            outcome_free(&buf);
        }
        free(name);

        if (k->render_flat && ds) {
            peerreview_diag *d = peerreview_diag_new();
            if (!d)
                oom();
            char *out = NULL;
            size_t len = 0;
            size_t before = o->errors;
            peerreview_status st = peerreview_render(ds, -1, k->opts, d, &out, &len);
            take_problems(o, d, tmp);
            int want = o->errors > before ? PEERREVIEW_EUNSUPPORTED : PEERREVIEW_OK;
            if (st != want || (st == PEERREVIEW_OK) != (out != NULL))
                note(k, "peerreview_render returned %s with %zu errors", peerreview_status_name(st),
                     o->errors - before);
            peerreview_free(out);
            peerreview_diag_free(d);
        } else if (k->render_flat) {
            note(k, "options: render-flat, but the load failed");
        }
        peerreview_dataset_free(ds);
        free(target);
    }
    rm_rf(tmp);
    free(tmp);
}

/* Read a case folder and run it; 0 when it ran (the outcome is in *o). */
static int prepare_and_run(kase *k, const char *sample, outcome *o)
{
    if (read_case(k))
        return -1;
    run_case(k, sample, o);
    return 0;
}

static void print_diff(const char *file, const strv *want, const strv *got)
{
    size_t i = 0;
    while (i < want->n && i < got->n && strcmp(want->v[i], got->v[i]) == 0)
        i++;
    printf("#   %s differs from line %zu on:\n", file, i + 1);
    print_lines("expected:", want);
    print_lines("actual:", got);
}

/* Check one case folder; prints its TAP line. 1 if it passed. */
static int check_case(const char *dir, const char *name, const char *sample, size_t number,
                      int *seen)
{
    kase k = {0};
    k.name = name;
    k.dir = dir;
    outcome o = {0};
    if (prepare_and_run(&k, sample, &o) == 0) {
        char *p = path_join(dir, "expected");
        if (!k.has_expected)
            note(&k, "no expected file: list the problems the case gives, one per line "
                     "(an empty file when it gives none)");
        else if (read_lines(p, 1, &k.expected))
            note(&k, "cannot read %s: %s", p, strerror(errno));
        free(p);
        if (k.has_messages) {
            p = path_join(dir, "messages");
            if (read_lines(p, 0, &k.messages))
                note(&k, "cannot read %s: %s", p, strerror(errno));
            free(p);
        }
    }
    int lines_ok = !k.has_expected || sv_equal(&k.expected, &o.lines);
    int messages_ok = !k.has_messages || sv_equal(&k.messages, &o.messages);
    int ok = !k.failed && lines_ok && messages_ok;
    printf("%s %zu - %s\n", ok ? "ok" : "not ok", number, name);
    for (size_t i = 0; i < k.notes.n; i++)
        printf("#   %s: %s\n", name, k.notes.v[i]);
    if (!lines_ok)
        print_diff("expected", &k.expected, &o.lines);
    if (!messages_ok)
        print_diff("messages", &k.messages, &o.messages);
    for (size_t i = 0; seen && i < o.ncodes; i++)
        if (o.codes[i] >= 0 && (size_t)o.codes[i] < peerreview_code_count())
            seen[o.codes[i]] = 1;
    outcome_free(&o);
    kase_free(&k);
    return ok;
}

/* The case folders of a corpus, in name order. */
static int corpus_cases(const char *corpus, strv *cases)
{
    strv names = {0};
    if (list_dir(corpus, &names)) {
        fprintf(stderr, "test-cases: cannot read %s: %s\n", corpus, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < names.n; i++) {
        char *p = path_join(corpus, names.v[i]);
        if (names.v[i][0] != '.' && is_dir(p))
            sv_push(cases, xstrdup(names.v[i]));
        free(p);
    }
    sv_free(&names);
    return 0;
}

/* A corpus holds case folders, or at least its uncovered list; a case holds neither. */
static int is_corpus(const char *dir)
{
    strv cases = {0};
    int r = corpus_cases(dir, &cases) == 0 && cases.n > 0;
    sv_free(&cases);
    char *list = path_join(dir, "uncovered");
    r |= is_file(list);
    free(list);
    return r;
}

/*
 * Every code some case gives, or listed in CORPUS/uncovered ("code why", one
 * per line) with the reason no case can give it; a listed code that a case
 * gives must leave the list. 1 if so.
 */
static int check_coverage(const char *corpus, const int *seen, size_t number)
{
    size_t count = peerreview_code_count();
    char *path = path_join(corpus, "uncovered");
    strv lines = {0};
    strv why = {0};
    int ok = 1;
    if (read_lines(path, 1, &lines) && errno != ENOENT) {
        printf("#   cannot read %s: %s\n", path, strerror(errno));
        ok = 0;
    }
    char *listed = calloc(count + 1, 1);
    if (!listed)
        oom();
    for (size_t i = 0; i < lines.n; i++) {
        char *sp = strchr(lines.v[i], ' ');
        if (sp)
            *sp = '\0';
        int c = peerreview_code_lookup(lines.v[i]);
        if (c < 0) {
            sv_push(&why, xprintf("uncovered: \"%s\" is not a problem code", lines.v[i]));
        } else if (!sp) {
            sv_push(&why, xprintf("uncovered: %s: say why no case gives it", lines.v[i]));
        } else if (seen[c]) {
            sv_push(&why, xprintf("uncovered lists %s, but a case gives it now: remove the line",
                                  lines.v[i]));
        } else {
            listed[c] = 1;
        }
    }
    for (size_t c = 0; c < count; c++)
        if (!seen[c] && !listed[c])
            sv_push(&why, xprintf("no case gives %s: add one, or list it in %s with the reason",
                                  peerreview_code_name((int)c), path));
    ok = ok && why.n == 0;
    printf("%s %zu - every problem code has a case (or is in uncovered)\n", ok ? "ok" : "not ok",
           number);
    for (size_t i = 0; i < why.n; i++)
        printf("#   %s\n", why.v[i]);
    free(listed);
    sv_free(&why);
    sv_free(&lines);
    free(path);
    return ok;
}

static int run_checks(int argc, char **argv, const char *sample)
{
    /* the cases to run, as (folder, name, corpus or NULL) */
    strv dirs = {0}, names = {0}, corpora = {0};
    for (int i = 0; i < argc; i++) {
        if (!is_dir(argv[i])) {
            fprintf(stderr, "test-cases: %s is not a folder\n", argv[i]);
            return 2;
        }
        if (is_corpus(argv[i])) {
            strv cases = {0};
            corpus_cases(argv[i], &cases);
            for (size_t c = 0; c < cases.n; c++) {
                sv_push(&dirs, path_join(argv[i], cases.v[c]));
                sv_push(&names, xstrdup(cases.v[c]));
            }
            sv_free(&cases);
            sv_push(&corpora, xstrdup(argv[i]));
        } else {
            sv_push(&dirs, xstrdup(argv[i]));
            sv_push(&names, base_name(argv[i]));
        }
    }
    if (!dirs.n) {
        printf("1..0\n# no cases found in");
        for (int i = 0; i < argc; i++)
            printf(" %s", argv[i]);
        printf(": nothing was checked\n");
        sv_free(&corpora);
        return 1;
    }
    size_t count = peerreview_code_count();
    int *seen = calloc(count + 1, sizeof *seen);
    if (!seen)
        oom();
    printf("1..%zu\n", dirs.n + corpora.n);
    size_t passed = 0, n = 0;
    for (size_t i = 0; i < dirs.n; i++)
        passed += (size_t)check_case(dirs.v[i], names.v[i], sample, ++n, seen);
    /* coverage is of a whole corpus (with several, of them all together) */
    for (size_t i = 0; i < corpora.n; i++)
        passed += (size_t)check_coverage(corpora.v[i], seen, ++n);
    printf("# %zu of %zu passed (%zu cases)\n", passed, n, dirs.n);
    free(seen);
    sv_free(&dirs);
    sv_free(&names);
    sv_free(&corpora);
    return passed == n ? 0 : 1;
}

/* Whether a case is named after a code: "bad-date" or "bad-date-...". */
static int named_after(const char *name, const char *code)
{
    size_t n = strlen(code);
    return strncmp(name, code, n) == 0 && (name[n] == '\0' || name[n] == '-');
}

/*
 * --examples: one example per code, from the first case in name order that
 * gives it among the cases named after the code, else among all cases.
 */
static int run_examples(const char *corpus, const char *sample)
{
    strv cases = {0};
    if (corpus_cases(corpus, &cases))
        return 2;
    if (!cases.n) {
        fprintf(stderr, "test-cases: no cases found in %s\n", corpus);
        return 1;
    }
    size_t count = peerreview_code_count();
    /* [c]: the first case named after code c; [count + 1 + c]: the first of all */
    char **example = calloc(2 * (count + 1), sizeof *example);
    const char **from = calloc(2 * (count + 1), sizeof *from);
    if (!example || !from)
        oom();
    int bad = 0;
    for (size_t i = 0; i < cases.n; i++) {
        kase k = {0};
        k.name = cases.v[i];
        char *dir = path_join(corpus, cases.v[i]);
        k.dir = dir;
        outcome o = {0};
        prepare_and_run(&k, sample, &o);
        if (k.failed) {
            bad = 1;
            for (size_t j = 0; j < k.notes.n; j++)
                fprintf(stderr, "test-cases: %s: %s\n", k.name, k.notes.v[j]);
        }
        for (size_t j = 0; j < o.ncodes; j++) {
            int c = o.codes[j];
            if (c < 0 || (size_t)c >= count)
                continue;
            size_t slot =
                named_after(k.name, peerreview_code_name(c)) ? (size_t)c : count + 1 + (size_t)c;
            if (!example[slot]) {
                example[slot] = xstrdup(o.formatted.v[j]);
                from[slot] = cases.v[i];
            }
            if (slot == (size_t)c && !example[count + 1 + (size_t)c]) {
                example[count + 1 + (size_t)c] = xstrdup(o.formatted.v[j]);
                from[count + 1 + (size_t)c] = cases.v[i];
            }
        }
        outcome_free(&o);
        kase_free(&k);
        free(dir);
    }
    for (size_t c = 0; c < count; c++) {
        size_t slot = example[c] ? c : count + 1 + c;
        if (example[slot])
            printf("%s\t%s\t%s\n", peerreview_code_name((int)c), from[slot], example[slot]);
        else
            fprintf(stderr, "test-cases: no case gives %s\n", peerreview_code_name((int)c));
    }
    for (size_t c = 0; c < 2 * (count + 1); c++)
        free(example[c]);
    free(example);
    free(from);
    sv_free(&cases);
    return bad;
}

/* --expected / --messages: what one case gives, in its file's form. */
static int run_print(const char *dir, const char *sample, int messages)
{
    kase k = {0};
    char *name = base_name(dir);
    k.name = name;
    k.dir = dir;
    outcome o = {0};
    prepare_and_run(&k, sample, &o);
    const strv *lines = messages ? &o.messages : &o.lines;
    for (size_t i = 0; i < lines->n; i++)
        printf("%s\n", lines->v[i]);
    for (size_t i = 0; i < k.notes.n; i++)
        fprintf(stderr, "test-cases: %s: %s\n", k.name, k.notes.v[i]);
    int bad = k.failed;
    outcome_free(&o);
    kase_free(&k);
    free(name);
    return bad;
}

static int usage(void)
{
    fputs("usage: test-cases [--sample DIR] [CORPUS | CASE]...\n"
          "       test-cases --examples [--sample DIR] [CORPUS]\n"
          "       test-cases --expected | --messages [--sample DIR] CASE\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    const char *sample = SRCDIR "/data/lga-sample";
    const char *mode = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--sample") == 0 && i + 1 < argc)
            sample = argv[++i];
        else if (!mode &&
                 (strcmp(argv[i], "--examples") == 0 || strcmp(argv[i], "--expected") == 0 ||
                  strcmp(argv[i], "--messages") == 0))
            mode = argv[i];
        else
            return usage();
    }
    static char *default_corpus[] = {SRCDIR "/tests/cases"};
    char **args = i < argc ? argv + i : default_corpus;
    int nargs = i < argc ? argc - i : 1;
    if (!mode)
        return run_checks(nargs, args, sample);
    if (strcmp(mode, "--examples") == 0)
        return nargs == 1 ? run_examples(args[0], sample) : usage();
    if (i >= argc || nargs != 1)
        return usage();
    return run_print(args[0], sample, strcmp(mode, "--messages") == 0);
}
