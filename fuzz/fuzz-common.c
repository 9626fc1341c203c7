/* Shared helpers of the fuzz targets: input, options, private files, checks. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

_Noreturn void fz_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: fuzz invariant broken: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static void *must(void *p)
{
    if (!p)
        fz_fail(__FILE__, __LINE__, "out of memory in the fuzz harness");
    return p;
}

uint8_t fz_byte(fz_input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

peerreview_options *fz_options(uint8_t bits)
{
    peerreview_options *o = must(peerreview_options_new());
    if (bits & 1)
        FZ_CHECK(peerreview_options_set_delimiter(o, ';') == PEERREVIEW_OK);
    /* windows-1252 decodes every byte; ISO-8859-7 leaves some undefined */
    if (bits & 2)
        FZ_CHECK(peerreview_options_set_encoding(o, bits & 32 ? "ISO-8859-7" : "windows-1252") ==
                 PEERREVIEW_OK);
    FZ_CHECK(peerreview_options_set_max_problems(o, fz_max_problems(bits)) == PEERREVIEW_OK);
    if (bits & 8)
        FZ_CHECK(peerreview_options_set_max_field_size(o, FZ_SMALL_FIELD) == PEERREVIEW_OK);
    if (bits & 16)
        FZ_CHECK(peerreview_options_set_ignore_unknown_columns(o, 1) == PEERREVIEW_OK);
    if ((bits & 34) == 32)
        FZ_CHECK(peerreview_options_set_max_records(o, FZ_SMALL_RECORDS) == PEERREVIEW_OK);
    return o;
}

size_t fz_max_problems(uint8_t bits)
{
    return bits & 4 ? 0 : 100;
}

/* ---- package parts ---- */

const char *const fz_package_files[7] = {
    "reviews.csv",        "review_councils.csv", "team_members.csv", "items.csv",
    "considerations.csv", "sources.csv",         "datapackage.json"};

/* Names a package folder should not hold: near misses, other cases, hidden files. */
const char *const fz_extra_files[FZ_MAX_PARTS - 7] = {
    "Items.csv", "reviews.CSV", "notes.csv", "review_council.csv", "readme.txt", ".hidden.csv"};

static void write_part(const char *dir, size_t i, const uint8_t *p, size_t n)
{
    const char *name = i < 7 ? fz_package_files[i] : fz_extra_files[i - 7];
    if (n == strlen(FZ_MISSING) && memcmp(p, FZ_MISSING, n) == 0)
        return;
    char *path = fz_join(dir, name);
    if (n == strlen(FZ_FOLDER) && memcmp(p, FZ_FOLDER, n) == 0)
        FZ_CHECK(mkdir(path, 0700) == 0);
    else if (i == 6)
        fz_write_descriptor(path, p, n);
    else
        fz_write(path, p, n);
    free(path);
}

void fz_write_package(const char *dir, const uint8_t *data, size_t size)
{
    const size_t seplen = strlen(FZ_SEP);
    const uint8_t *p = data, *end = data + size;
    for (size_t i = 0; i < FZ_MAX_PARTS; i++) {
        const uint8_t *s = p;
        while ((size_t)(end - s) >= seplen && memcmp(s, FZ_SEP, seplen) != 0)
            s++;
        if ((size_t)(end - s) < seplen) {
            /* the last part runs to the end of the input */
            write_part(dir, i, p, (size_t)(end - p));
            return;
        }
        write_part(dir, i, p, (size_t)(s - p));
        p = s + seplen;
    }
}

/* ---- files ---- */

static int usable_dir(const char *d)
{
    struct stat st;
    return d && *d && stat(d, &st) == 0 && S_ISDIR(st.st_mode) && access(d, W_OK | X_OK) == 0;
}

char *fz_tmpdir(void)
{
    const char *base = getenv("PEERREVIEW_FUZZ_TMPDIR");
    if (!usable_dir(base))
        base = "/dev/shm";
    if (!usable_dir(base))
        base = getenv("TMPDIR");
    if (!usable_dir(base))
        base = "/tmp";
    char *t = fz_join(base, "peerreview-fuzz-XXXXXX");
    if (!mkdtemp(t))
        fz_fail(__FILE__, __LINE__, "mkdtemp %s: %s", t, strerror(errno));
    return t;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int r = flag == FTW_DP ? rmdir(path) : unlink(path);
    if (r != 0)
        fz_fail(__FILE__, __LINE__, "cannot remove %s: %s", path, strerror(errno));
    return 0;
}

void fz_rmrf(const char *path)
{
    /* depth first, not following links: a link is removed, not what it names */
    if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
        fz_fail(__FILE__, __LINE__, "cannot remove %s: %s", path, strerror(errno));
    struct stat st;
    FZ_CHECK(lstat(path, &st) != 0);
}

char *fz_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + 1 + strlen(name) + 1;
    char *p = must(malloc(n));
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

void fz_write(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        fz_fail(__FILE__, __LINE__, "cannot create %s: %s", path, strerror(errno));
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fz_fail(__FILE__, __LINE__, "cannot write %s: %s", path, strerror(errno));
        p += n;
        len -= (size_t)n;
    }
    FZ_CHECK(close(fd) == 0);
}

void fz_write_descriptor(const char *path, const void *data, size_t len)
{
    fz_write(path, data, len);
}

char *fz_read(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, n = 0;
    char *b = must(malloc(cap + 1));
    for (;;) {
        if (n == cap)
            b = must(realloc(b, (cap *= 2) + 1));
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(b);
            close(fd);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    b[n] = '\0';
    *len = n;
    return b;
}

/* ---- checks ---- */

int fz_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        unsigned cp, need;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            cp = c & 0x1F;
            need = 1;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0F;
            need = 2;
        } else if ((c & 0xF8) == 0xF0) {
            cp = c & 0x07;
            need = 3;
        } else {
            return 0;
        }
        if (len - i <= need)
            return 0;
        for (unsigned k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        /* shortest form only, no surrogates, nothing past U+10FFFF */
        static const unsigned min[4] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[need] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return 0;
        i += need + 1;
    }
    return 1;
}

/* The file a problem names, read once for all the problems that name it. */
typedef struct filecache {
    char *path, *data;
    size_t len;
} filecache;

static const char *cached_file(filecache *fc, const char *path, size_t *len)
{
    if (!fc->path || strcmp(fc->path, path) != 0) {
        struct stat st;
        free(fc->path);
        free(fc->data);
        fc->path = must(strdup(path));
        fc->data = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? fz_read(path, &fc->len) : NULL;
    }
    *len = fc->len;
    return fc->data;
}

/*
 * A problem about one field's value (or one byte) gives its physical line and
 * the byte offset where that field (or byte) starts: the offset lies on that
 * line, and for a value the message quotes, the line holds the value from
 * there on (a list cell of the flat form gives the start of the value's line
 * in the cell). Checked with the first bytes of the quoted value up to
 * anything the message escapes or the file may encode otherwise.
 */
static void check_position(const peerreview_problem *p, filecache *fc)
{
    int code = (int)peerreview_problem_code(p);
    int value = code == PEERREVIEW_P_BAD_DATE || code == PEERREVIEW_P_BAD_INTEGER ||
                code == PEERREVIEW_P_BAD_ENUM || code == PEERREVIEW_P_BAD_PATTERN ||
                code == PEERREVIEW_P_BAD_URL || code == PEERREVIEW_P_WHITESPACE;
    int byte = code == PEERREVIEW_P_NUL_BYTE || code == PEERREVIEW_P_STRAY_QUOTE ||
               code == PEERREVIEW_P_UNTERMINATED_QUOTE ||
               (code == PEERREVIEW_P_INVALID_UTF8 && peerreview_problem_line(p) > 0);
    const char *file = peerreview_problem_file(p);
    long long off = peerreview_problem_offset(p);
    if ((!value && !byte) || !file || off < 0)
        return;
    size_t len;
    const char *data = cached_file(fc, file, &len);
    if (!data)
        return;
    char where[600];
    peerreview_problem_format(p, where, sizeof where);
    if ((unsigned long long)off > len)
        fz_fail(__FILE__, __LINE__, "offset %lld past the end of the file (%zu bytes): %s", off,
                len, where);
    unsigned long line = 1;
    for (size_t i = 0; i < (size_t)off; i++)
        line += data[i] == '\r' || (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'));
    /* an offset between the CR and LF of a line end would be on the next line */
    if (line != peerreview_problem_line(p))
        fz_fail(__FILE__, __LINE__, "offset %lld is on line %lu: %s", off, line, where);
    if (!value)
        return;
    const char *msg = peerreview_problem_message(p);
    const char *q = strchr(msg, '"');
    if (!q)
        return;
    char want[9];
    size_t n = 0;
    for (q++; n < sizeof want - 1 && *q && *q != '"' && *q != '\\' && (unsigned char)*q < 0x80; q++)
        want[n++] = *q;
    want[n] = '\0';
    if (n == 0 || strncmp(q, "...", 3) == 0)
        return;
    size_t end = (size_t)off;
    while (end < len && data[end] != '\r' && data[end] != '\n')
        end++;
    for (size_t i = (size_t)off; i + n <= end; i++)
        if (memcmp(data + i, want, n) == 0)
            return;
    fz_fail(__FILE__, __LINE__, "line %lu from offset %lld does not hold \"%s\": %s",
            peerreview_problem_line(p), off, want, where);
}

static void check_diag(const peerreview_diag *d, size_t cap, filecache fc);

void fz_check_diag(const peerreview_diag *d, size_t cap)
{
    filecache fc = {NULL, NULL, 0};
    check_diag(d, cap, fc);
}

void fz_check_diag_mem(const peerreview_diag *d, size_t cap, const char *name, const void *data,
                       size_t len)
{
    filecache fc = {must(strdup(name)), must(malloc(len + 1)), len};
    memcpy(fc.data, data, len);
    fc.data[len] = '\0';
    check_diag(d, cap, fc);
}

static void check_diag(const peerreview_diag *d, size_t cap, filecache fc)
{
    size_t n = peerreview_diag_count(d);
    size_t errors = 0, warnings = 0;
    FZ_CHECK(n <= (cap ? cap : 1));
    for (size_t i = 0; i < n; i++) {
        const peerreview_problem *p = peerreview_diag_get(d, i);
        FZ_CHECK(p != NULL);
        int code = (int)peerreview_problem_code(p);
        peerreview_severity sev = peerreview_problem_severity(p);
        FZ_CHECK(code >= 0 && (size_t)code < peerreview_code_count());
        FZ_CHECK(peerreview_code_lookup(peerreview_code_name(code)) == code);
        FZ_CHECK(sev == PEERREVIEW_SEVERITY_ERROR || sev == PEERREVIEW_SEVERITY_WARNING);
        errors += sev == PEERREVIEW_SEVERITY_ERROR;
        warnings += sev == PEERREVIEW_SEVERITY_WARNING;
        const char *msg = peerreview_problem_message(p);
        FZ_CHECK(msg != NULL && *msg != '\0');
        /* one line, as the message quotes bad values with \n and \r escaped */
        FZ_CHECK(strpbrk(msg, "\r\n") == NULL);
        FZ_CHECK(fz_utf8_valid(msg, strlen(msg)));
        (void)peerreview_problem_file(p);
        (void)peerreview_problem_field(p);
        (void)peerreview_problem_line(p);
        (void)peerreview_problem_column(p);
        (void)peerreview_problem_record(p);
        FZ_CHECK(peerreview_problem_offset(p) >= -1);
        size_t need = peerreview_problem_format(p, NULL, 0);
        char *line = must(malloc(need + 1));
        FZ_CHECK(peerreview_problem_format(p, line, need + 1) == need);
        FZ_CHECK(strlen(line) == need);
        /* FILE:LINE:COLUMN: SEVERITY: FIELD: MESSAGE [CODE] is one line (editors and CI
           read it so), even when a header names a column with a line break
           (fuzz/regressions/flat/field-name-with-line-break) */
        if (strpbrk(line, "\r\n"))
            fz_fail(__FILE__, __LINE__, "a problem takes more than one line: %s", line);
        char small[8];
        FZ_CHECK(peerreview_problem_format(p, small, sizeof small) == need);
        FZ_CHECK(strlen(small) == (need < sizeof small ? need : sizeof small - 1));
        FZ_CHECK(memcmp(small, line, strlen(small)) == 0);
        free(line);
        check_position(p, &fc);
    }
    free(fc.path);
    free(fc.data);
    FZ_CHECK(peerreview_diag_get(d, n) == NULL);
    FZ_CHECK(peerreview_diag_errors(d) >= errors);
    FZ_CHECK(peerreview_diag_warnings(d) >= warnings);
    if (cap == 0)
        FZ_CHECK(peerreview_diag_errors(d) <= 1);
}

/* PEERREVIEW_FUZZ_VERBOSE set: print what each load did (to see what an input does). */
static int verbose(void)
{
    static int v = -1;
    if (v < 0)
        v = getenv("PEERREVIEW_FUZZ_VERBOSE") != NULL;
    return v;
}

void fz_print_diag(const char *what, int rc, const peerreview_diag *d)
{
    char line[512];
    fprintf(stderr, "%s: %s, %zu errors, %zu warnings\n", what, peerreview_status_name(rc),
            peerreview_diag_errors(d), peerreview_diag_warnings(d));
    for (size_t i = 0; i < peerreview_diag_count(d); i++) {
        peerreview_problem_format(peerreview_diag_get(d, i), line, sizeof line);
        fprintf(stderr, "  %s\n", line);
    }
}

void fz_check_load(int rc, const peerreview_dataset *ds, const peerreview_diag *d, size_t cap)
{
    if (verbose())
        fz_print_diag("load", rc, d);
    fz_check_diag(d, cap);
    if (rc == PEERREVIEW_OK) {
        FZ_CHECK(ds != NULL);
        FZ_CHECK(peerreview_diag_errors(d) == 0);
        fz_walk_dataset(ds);
        return;
    }
    FZ_CHECK(ds == NULL);
    FZ_CHECK(rc == PEERREVIEW_EDATA || rc == PEERREVIEW_EIO || rc == PEERREVIEW_ENOMEM);
    /* a load that fails says why */
    FZ_CHECK(peerreview_diag_errors(d) >= 1);
    FZ_CHECK(peerreview_diag_count(d) >= 1);
}

/* A value read from a loaded dataset: non-empty and valid for its column. */
static void check_loaded_value(int table, size_t col, const char *v)
{
    if (!v) {
        FZ_CHECK(!peerreview_column_required(table, col));
        return;
    }
    FZ_CHECK(*v != '\0');
    if (peerreview_check_value(table, col, v, NULL) != PEERREVIEW_OK)
        fz_fail(__FILE__, __LINE__, "loaded %s.%s holds a value it rejects: \"%s\"",
                peerreview_table_name(table), peerreview_column_name(table, col), v);
}

/* A table (or the flat form, -1) renders as UTF-8; spreadsheet-safe, after a BOM. */
static void check_render(const peerreview_dataset *ds, int table, const peerreview_options *o)
{
    char *out = NULL;
    size_t len = 1;
    int rc = peerreview_render(ds, table, o, NULL, &out, &len);
    if (table < 0 && rc == PEERREVIEW_EUNSUPPORTED) {
        FZ_CHECK(out == NULL && len == 0);
        return; /* a value the flat form cannot hold */
    }
    FZ_CHECK(rc == PEERREVIEW_OK);
    FZ_CHECK(out != NULL && out[len] == '\0');
    FZ_CHECK(fz_utf8_valid(out, len));
    if (o)
        FZ_CHECK(len >= 3 && memcmp(out, "\xEF\xBB\xBF", 3) == 0);
    peerreview_free(out);
}

static const char *checked_str(peerreview_status st, const char *v, const char *fn, size_t c)
{
    if (st == PEERREVIEW_OK)
        FZ_CHECK(v != NULL && *v != '\0');
    else if (st == PEERREVIEW_ENOTFOUND)
        FZ_CHECK(v == NULL);
    else
        fz_fail(__FILE__, __LINE__, "%s(column %zu) = %d", fn, c, (int)st);
    return v;
}

const char *fz_review_str_at(const peerreview_review *review, size_t column)
{
    const char *v = NULL;
    peerreview_status st = peerreview_review_get_byindex(review, column, &v);
    return checked_str(st, v, "peerreview_review_get_byindex", column);
}

const char *fz_row_str_at(const peerreview_row *row, size_t column)
{
    const char *v = NULL;
    peerreview_status st = peerreview_row_get_byindex(row, column, &v);
    return checked_str(st, v, "peerreview_row_get_byindex", column);
}

const char *fz_reader_str_at(const peerreview_reader *reader, size_t column)
{
    const char *v = NULL;
    peerreview_status st = peerreview_reader_get_byindex(reader, column, &v);
    return checked_str(st, v, "peerreview_reader_get_byindex", column);
}

void fz_walk_dataset(const peerreview_dataset *ds)
{
    size_t n = peerreview_dataset_count(ds);
    for (size_t i = 0; i < n; i++) {
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        FZ_CHECK(r != NULL);
        FZ_CHECK(peerreview_review_owner(r) == ds);
        const char *id = fz_review_str_at(r, 0);
        FZ_CHECK(id != NULL);
        FZ_CHECK(peerreview_dataset_review_byid(ds, id) == r);
        for (size_t c = 0; c < peerreview_column_count(PEERREVIEW_REVIEWS); c++)
            check_loaded_value(PEERREVIEW_REVIEWS, c, fz_review_str_at(r, c));
        const char *none = "unset";
        FZ_CHECK(peerreview_review_get_byindex(r, peerreview_column_count(PEERREVIEW_REVIEWS),
                                               &none) == PEERREVIEW_EINVAL &&
                 none == NULL);
        for (int t = PEERREVIEW_REVIEW_COUNCILS; t < (int)peerreview_table_count(); t++) {
            size_t k = peerreview_review_child_count(r, t);
            for (size_t j = 0; j < k; j++) {
                const peerreview_row *row = peerreview_review_child_byindex(r, t, j);
                FZ_CHECK(row != NULL);
                FZ_CHECK(peerreview_row_table(row) == t);
                FZ_CHECK(peerreview_row_owner(row) == r);
                const char *rid = fz_row_str_at(row, 0);
                FZ_CHECK(rid != NULL && strcmp(rid, id) == 0);
                for (size_t c = 0; c < peerreview_column_count(t); c++)
                    check_loaded_value(t, c, fz_row_str_at(row, c));
            }
            FZ_CHECK(peerreview_review_child_byindex(r, t, k) == NULL);
        }
    }
    FZ_CHECK(peerreview_dataset_review_byindex(ds, n) == NULL);
    peerreview_options *safe = must(peerreview_options_new());
    FZ_CHECK(peerreview_options_set_spreadsheet_safe(safe, 1) == PEERREVIEW_OK);
    for (int t = -1; t < (int)peerreview_table_count(); t++) {
        check_render(ds, t, NULL);
        check_render(ds, t, safe);
    }
    peerreview_options_free(safe);
    peerreview_diag *d = must(peerreview_diag_new());
    int rc = peerreview_dataset_validate(ds, NULL, d);
    if (rc != PEERREVIEW_OK || peerreview_diag_errors(d) != 0) {
        fz_print_diag("peerreview_dataset_validate", rc, d);
        fz_fail(__FILE__, __LINE__, "a dataset that loaded fails peerreview_dataset_validate (%s)",
                peerreview_status_name(rc));
    }
    fz_check_diag(d, 100);
    peerreview_diag_free(d);
}
