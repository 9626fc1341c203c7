/*
 * Input from memory and from a read callback, output to a write callback
 * (issue 10): peerreview_load_buffer / _callback, peerreview_reader_open_buffer
 * / _callback and peerreview_render_callback.
 *
 * Every input (the sample, the conformance suite's CSV files, broken files
 * written to trip each check) is loaded from a file, from memory and through
 * callbacks that give 1, 2, 3, 7, 64 KiB + 1 or a random number of bytes per
 * call, with several sets of options; the datasets (rendered) and the
 * problems (every part of them: file, line, column, record, offset, field,
 * message) must be the same. The reader likewise, row by row. Then: read
 * errors, a callback that returns too much, progress, the reader in constant
 * memory over a million generated rows, rows that come as the input arrives,
 * render_callback byte for byte as peerreview_render, in pieces and without a
 * whole copy, and write errors.
 *
 * Memory is measured with a counting allocator installed for the whole
 * program.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "helpers.h"

#define CONFORMANCE_CSVS SRCDIR "/tests/conformance/csv-spectrum/csvs"

/* ------------------------------------------------------------------------ */
/* A counting allocator (the library's only)                                 */
/* ------------------------------------------------------------------------ */

typedef union block_header {
    size_t size;
    max_align_t align;
} block_header;

static size_t heap_now, heap_peak;

static void note(ptrdiff_t delta)
{
    heap_now = (size_t)((ptrdiff_t)heap_now + delta);
    if (heap_now > heap_peak)
        heap_peak = heap_now;
}

static void *count_malloc(size_t n)
{
    block_header *h = malloc(sizeof *h + n);
    if (!h)
        return NULL;
    h->size = n;
    note((ptrdiff_t)n);
    return h + 1;
}

static void *count_realloc(void *p, size_t n)
{
    if (!p)
        return count_malloc(n);
    block_header *h = (block_header *)p - 1;
    size_t old = h->size;
    block_header *nh = realloc(h, sizeof *nh + n);
    if (!nh)
        return NULL;
    nh->size = n;
    note((ptrdiff_t)n - (ptrdiff_t)old);
    return nh + 1;
}

static void count_free(void *p)
{
    if (!p)
        return;
    block_header *h = (block_header *)p - 1;
    note(-(ptrdiff_t)h->size);
    free(h);
}

/* ------------------------------------------------------------------------ */
/* Sources                                                                   */
/* ------------------------------------------------------------------------ */

/* Bytes given by a read callback: chunk bytes per call (0: random 1..5000). */
typedef struct src {
    const char *data;
    size_t len, pos;
    size_t chunk;
    uint64_t rng;
    size_t fail_at; /* with fail: -1 (EIO) once pos reaches it */
    int fail;
    int ended; /* 0 was returned: a further call is a bug */
    size_t calls;
} src;

static ptrdiff_t src_read(void *ctx, void *buf, size_t size)
{
    src *s = ctx;
    assert_false(s->ended); /* never called again after the end */
    assert_true(size > 0);
    s->calls++;
    if (s->fail && s->pos >= s->fail_at) {
        s->ended = 1;
        errno = EIO;
        return -1;
    }
    size_t n = s->chunk ? s->chunk : 1 + (size_t)(rng_next(&s->rng) % 5000);
    if (n > size)
        n = size;
    if (n > s->len - s->pos)
        n = s->len - s->pos;
    if (s->fail && s->pos + n > s->fail_at)
        n = s->fail_at - s->pos;
    if (n == 0) {
        s->ended = 1;
        return 0;
    }
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    return (ptrdiff_t)n;
}

static src make_src(const char *data, size_t len, size_t chunk)
{
    src s;
    memset(&s, 0, sizeof s);
    s.data = data;
    s.len = len;
    s.chunk = chunk;
    s.rng = 0x9E3779B97F4A7C15ull ^ len;
    return s;
}

/* Chunk sizes of the callbacks compared with the file (0: random). */
static const size_t chunks[] = {1, 2, 3, 7, 64 * 1024 + 1, 0};
#define NCHUNKS (sizeof chunks / sizeof chunks[0])

/* ------------------------------------------------------------------------ */
/* Text of what a load made                                                  */
/* ------------------------------------------------------------------------ */

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void t_add(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static void t_printf(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void t_printf(text *t, const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    t_add(t, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static const char *str_or(const char *s)
{
    return s ? s : "(none)";
}

/* Every part of every problem, and the totals. */
static void add_diag(text *t, const peerreview_diag *d)
{
    t_printf(t, "%zu errors, %zu warnings\n", peerreview_diag_errors(d),
             peerreview_diag_warnings(d));
    for (size_t i = 0; i < peerreview_diag_count(d); i++) {
        const peerreview_problem *p = peerreview_diag_get(d, i);
        t_printf(t, "%d %s file=%s line=%lu col=%lu rec=%lu off=%lld field=%s: %s\n",
                 (int)peerreview_problem_severity(p),
                 str_or(peerreview_code_name((int)peerreview_problem_code(p))),
                 str_or(peerreview_problem_file(p)), peerreview_problem_line(p),
                 peerreview_problem_column(p), peerreview_problem_record(p),
                 peerreview_problem_offset(p), str_or(peerreview_problem_field(p)),
                 peerreview_problem_message(p));
    }
}

/* The dataset's every table and its flat form as rendered. */
static void add_dataset(text *t, const peerreview_dataset *ds)
{
    if (!ds) {
        t_printf(t, "no dataset\n");
        return;
    }
    for (int table = -1; table < PEERREVIEW_TABLE_COUNT; table++) {
        char *out = NULL;
        size_t len = 0;
        int rc = peerreview_render(ds, table, NULL, NULL, &out, &len);
        t_printf(t, "table %d: %s\n", table, peerreview_status_name(rc));
        if (out)
            t_add(t, out, len);
        peerreview_free(out);
    }
}

/* Load result as text: status, problems, dataset. */
static char *load_text(int rc, const peerreview_diag *d, const peerreview_dataset *ds)
{
    text t = {0};
    t_printf(&t, "status %s\n", peerreview_status_name(rc));
    add_diag(&t, d);
    add_dataset(&t, ds);
    return t.s;
}

static void assert_same_text(const char *want, const char *got, const char *what)
{
    if (strcmp(want, got) == 0)
        return;
    size_t i = 0;
    while (want[i] && want[i] == got[i])
        i++;
    size_t from = i > 300 ? i - 300 : 0;
    fprintf(stderr, "%s differs at byte %zu:\n--- from a file:\n%.900s\n--- this way:\n%.900s\n",
            what, i, want + from, got + from);
    fail_msg("%s: not what loading a file gives", what);
}

/* ------------------------------------------------------------------------ */
/* Inputs                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct input {
    char name[64];
    char *data;
    size_t len;
} input;

static input inputs[96];
static size_t ninputs;
static peerreview_dataset *sample;

static void add_input(const char *name, const char *data, size_t len)
{
    assert_true(ninputs < sizeof inputs / sizeof inputs[0]);
    input *in = &inputs[ninputs++];
    snprintf(in->name, sizeof in->name, "%s", name);
    in->data = malloc(len + 1);
    assert_non_null(in->data);
    memcpy(in->data, data, len);
    in->data[len] = '\0';
    in->len = len;
}

/* Concatenation of NULL-terminated strings (owned). */
static char *cat(const char *first, ...)
{
    text t = {0};
    t_add(&t, "", 0);
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        t_add(&t, s, strlen(s));
    va_end(ap);
    return t.s;
}

static void add_cat(const char *name, const char *first, ...)
{
    text t = {0};
    t_add(&t, "", 0);
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        t_add(&t, s, strlen(s));
    va_end(ap);
    add_input(name, t.s, t.len);
    free(t.s);
}

/* row with text inserted after its first comma (owned). */
static char *insert_after_comma(const char *row, const char *what)
{
    const char *comma = strchr(row, ',');
    assert_non_null(comma);
    text t = {0};
    t_add(&t, row, (size_t)(comma + 1 - row));
    t_add(&t, what, strlen(what));
    t_add(&t, comma + 1, strlen(comma + 1));
    return t.s;
}

static int setup(void **state)
{
    (void)state;
    /* the sample's reviews.csv, its header line and first row */
    char *path = path_join(SAMPLE_DIR, "reviews.csv");
    size_t rlen;
    char *reviews = read_file(path, &rlen);
    free(path);
    assert_non_null(reviews);
    add_input("sample-reviews", reviews, rlen);
    char *eol = strstr(reviews, "\r\n");
    assert_non_null(eol);
    char *header = strndup(reviews, (size_t)(eol + 2 - reviews));
    char *eol2 = strstr(eol + 2, "\r\n");
    assert_non_null(eol2);
    char *row = strndup(eol + 2, (size_t)(eol2 + 2 - (eol + 2)));
    size_t ncommas = 0;
    for (const char *p = header; *p; p++)
        ncommas += *p == ',';

    /* the sample in the flat form, plain and spreadsheet-safe */
    sample = load_ok(SAMPLE_DIR, NULL);
    char *flat;
    size_t flen;
    assert_int_equal(peerreview_render(sample, -1, NULL, NULL, &flat, &flen), PEERREVIEW_OK);
    add_input("sample-flat", flat, flen);
    peerreview_options *safe = peerreview_options_new();
    assert_int_equal(peerreview_options_set_spreadsheet_safe(safe, 1), PEERREVIEW_OK);
    char *sflat;
    size_t sflen;
    assert_int_equal(peerreview_render(sample, -1, safe, NULL, &sflat, &sflen), PEERREVIEW_OK);
    add_input("sample-flat-safe", sflat, sflen);
    peerreview_options_free(safe);

    /* the CSV conformance files */
    DIR *dir = opendir(CONFORMANCE_CSVS);
    assert_non_null(dir);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".csv") != 0)
            continue;
        char *p = path_join(CONFORMANCE_CSVS, e->d_name);
        size_t len;
        char *data = read_file(p, &len);
        assert_non_null(data);
        char name[64];
        snprintf(name, sizeof name, "conformance-%.40s", e->d_name);
        add_input(name, data, len);
        free(data);
        free(p);
    }
    closedir(dir);

    /* broken ones: each check of the tokenizer and the loaders */
    char *seps = calloc(ncommas + 3, 1);
    memset(seps, ',', ncommas);
    strcat(seps, "\r\n");
    char *bad;
    add_cat("duplicate-id", header, row, row, NULL);
    add_cat("unterminated-quote", header, row, "\"abc,def\r\nmore", NULL);
    add_cat("blank-and-separator-rows", header, "\r\n\r\n", row, seps, "\n", row, NULL);
    add_cat("empty", "", NULL);
    add_cat("header-only", header, NULL);
    add_cat("header-no-line-end", "review_id,review_type", NULL);
    add_cat("bom", "\xEF\xBB\xBF", header, row, NULL);
    add_cat("utf16", "\xFF\xFEr\0e\0v\0", NULL);
    add_cat("missing-fields", header, "a-review,corporate\r\n", NULL);
    add_cat("lf-only", "review_id,review_type,stage\nx-1,corporate,initial\ny-2,bad type,\n", NULL);
    add_cat("cr-only", "review_id,review_type,stage\rx-1,corporate,initial\ry-2,,final\r", NULL);
    add_cat("quoted-newlines",
            "review_id,review_type,stage,notes\r\nx-1,corporate,initial,\"a \"\"b\"\"\r\nc,d\"\r\n"
            "x-2,corporate,initial,\"\"\"\"\r\n",
            NULL);
    add_cat("unknown-and-empty-columns",
            "review_id,Review_Type,,stage\r\nx-1,corporate,,initial\r\n", NULL);
    bad = insert_after_comma(row, "\xFF\xFE");
    add_cat("invalid-utf8", header, bad, row, NULL);
    free(bad);
    bad = insert_after_comma(row, "x\xE9y"); /* windows-1252 */
    add_cat("latin1", header, bad, NULL);
    free(bad);
    bad = insert_after_comma(row, "\xE2\x82");
    add_cat("truncated-sequence", header, bad, NULL);
    free(bad);
    add_cat("truncated-sequence-at-end", header, "x-1,\xE2\x82", NULL);
    bad = insert_after_comma(row, "a");
    bad[strchr(bad, ',') - bad + 1] = '\0'; /* NUL byte: add it by length */
    {
        text t = {0};
        t_add(&t, header, strlen(header));
        const char *comma = strchr(row, ',');
        t_add(&t, row, (size_t)(comma + 1 - row));
        t_add(&t, "a\0b", 3);
        t_add(&t, comma + 1, strlen(comma + 1));
        add_input("nul-byte", t.s, t.len);
        free(t.s);
    }
    free(bad);
    /* a stray quote with a broken sequence after it in the same field */
    bad = insert_after_comma(row, "ab\"c\xFF\xFF");
    add_cat("stray-quote-then-bad-utf8", header, bad, NULL);
    free(bad);
    bad = insert_after_comma(row, "\"ab\"c\xFF");
    add_cat("text-after-quote", header, bad, NULL);
    free(bad);
    bad = cat(header, NULL);
    for (char *p = bad; *p; p++)
        if (*p == ',')
            *p = ';';
    add_cat("semicolons", bad, NULL);
    free(bad);
    bad = insert_after_comma(row, "\"x\"\"y;z\"");
    char *semi = cat(header, bad, NULL);
    for (char *p = semi; *p; p++)
        if (*p == ',')
            *p = ';';
    add_input("semicolons-quoted", semi, strlen(semi));
    free(semi);
    free(bad);
    add_cat("tabs", "review_id\treview_type\tstage\r\nx-1\tcorporate\tinitial\r\n", NULL);
    {
        /* too many fields, and a row wider than the header with long fields */
        char *wide = cat(row, NULL);
        wide[strlen(wide) - 2] = '\0';
        add_cat("too-many-fields", header, wide, ",extra,more\r\n", row, NULL);
        free(wide);
    }
    {
        /* a field over the default limit (1 MiB) with a broken byte after it */
        size_t n = (1u << 20) + 5000;
        text t = {0};
        t_add(&t, header, strlen(header));
        t_add(&t, "x-1,\"", 5);
        char *x = malloc(n);
        memset(x, 'x', n);
        x[(1u << 20) + 100] = '\xFF';
        x[(1u << 20) + 200] = '\0';
        t_add(&t, x, n);
        t_add(&t, "\"\r\n", 3);
        add_input("field-too-long", t.s, t.len);
        free(t.s);
        free(x);
    }
    {
        /* a header longer than 64 KiB with no line end, a broken byte past that */
        size_t n = 70000;
        char *x = malloc(n + 1);
        memset(x, 'a', n);
        x[65 * 1024 + 10] = '\xC3';
        x[n] = '\0';
        add_cat("header-too-long", x, ",b\r\n", row, NULL);
        free(x);
    }
    add_cat("quote-open-to-end", header, "x-1,\"", "abc\r\ndef,\r\n", NULL);
    /* quoted fields of 24 bytes, the limit of option set 2, with quotes inside
       (libcsv counts a closing quote until the next byte) */
    add_cat("quoted-at-limit",
            "review_id,review_type,stage,notes\r\n"
            "x-1,corporate,initial,\"aaaaaaaaaaaaaaaaaaaaaaaa\"\r\n"
            "x-2,corporate,initial,\"aaaaaaaaaaaaaaaaaaaaaa\"\"\"\r\n"
            "\"x-3\",corporate,initial,\"aaaaaaaaaaaaaaaaaaaaaaa\"\"\"\n",
            NULL);
    add_cat("quoted-over-limit",
            "review_id,review_type,stage,notes\r\n"
            "x-1,corporate,initial,\"aaaaaaaaaaaaaaaaaaaaaaaa\"\"\"\r\n",
            NULL);
    free(seps);
    free(header);
    free(row);
    free(reviews);
    peerreview_free(flat);
    peerreview_free(sflat);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < ninputs; i++)
        free(inputs[i].data);
    ninputs = 0;
    peerreview_dataset_free(sample);
    return 0;
}

/* Option sets the comparisons run with. */
static peerreview_options *option_set(int k)
{
    if (k == 0)
        return NULL;
    peerreview_options *o = peerreview_options_new();
    assert_non_null(o);
    switch (k) {
    case 1:
        assert_int_equal(peerreview_options_set_delimiter(o, ';'), PEERREVIEW_OK);
        assert_int_equal(peerreview_options_set_encoding(o, "windows-1252"), PEERREVIEW_OK);
        break;
    case 2:
        assert_int_equal(peerreview_options_set_max_field_size(o, 24), PEERREVIEW_OK);
        assert_int_equal(peerreview_options_set_max_records(o, 3), PEERREVIEW_OK);
        break;
    case 3:
        assert_int_equal(peerreview_options_set_max_problems(o, 0), PEERREVIEW_OK);
        break;
    case 4:
        assert_int_equal(peerreview_options_set_ignore_unknown_columns(o, 1), PEERREVIEW_OK);
        assert_int_equal(peerreview_options_set_encoding(o, "iso-8859-7"), PEERREVIEW_OK);
        break;
    }
    return o;
}
#define NOPTION_SETS 5

/* ------------------------------------------------------------------------ */
/* Loads: file, buffer and callbacks agree                                   */
/* ------------------------------------------------------------------------ */

/*
 * Where the bytes go as a file: dir/flat.csv for the flat form, dir/pkg/
 * reviews.csv (the child tables with no rows beside it) for the reviews table.
 */
static char *write_as_file(const char *dir, const input *in, int table, char delim)
{
    if (table < 0) {
        write_file(dir, "flat.csv", in->data, in->len);
        return path_join(dir, "flat.csv");
    }
    char *pkg = path_join(dir, "pkg");
    rm_rf(pkg);
    assert_int_equal(mkdir(pkg, 0700), 0);
    write_file(pkg, "reviews.csv", in->data, in->len);
    for (int t = 1; t < PEERREVIEW_TABLE_COUNT; t++) {
        char header[1024] = "";
        for (size_t c = 0; c < peerreview_column_count(t); c++) {
            size_t hl = strlen(header);
            if (c) {
                header[hl++] = delim;
                header[hl] = '\0';
            }
            strcat(header, peerreview_column_name(t, c));
        }
        strcat(header, "\r\n");
        write_file(pkg, peerreview_table_file(t), header, (size_t)-1);
    }
    char *p = path_join(pkg, "reviews.csv");
    free(pkg);
    return p;
}

static char *load_file_text(const char *path, int table, const peerreview_options *o)
{
    peerreview_diag *d = peerreview_diag_new();
    peerreview_dataset *ds = NULL;
    int rc;
    if (table < 0) {
        rc = peerreview_load(path, o, d, &ds);
    } else {
        char *pkg = strndup(path, strlen(path) - strlen("/reviews.csv"));
        rc = peerreview_load(pkg, o, d, &ds);
        free(pkg);
    }
    char *s = load_text(rc, d, ds);
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);
    /* one table read alone is not a package: its record limit says nothing of one */
    const char *pkg = " in all the package's tables";
    for (char *p; (p = strstr(s, pkg)) != NULL;)
        memmove(p, p + strlen(pkg), strlen(p + strlen(pkg)) + 1);
    return s;
}

static void compare_loads(const input *in, int table, int k, const char *dir)
{
    peerreview_options *o = option_set(k);
    char *path = write_as_file(dir, in, table, k == 1 ? ';' : ',');
    char *want = load_file_text(path, table, o);
    char what[160];

    peerreview_diag *d = peerreview_diag_new();
    peerreview_dataset *ds = (peerreview_dataset *)d; /* garbage: must be set */
    int rc = peerreview_load_buffer(in->data, in->len, table, path, o, d, &ds);
    assert_true(rc == PEERREVIEW_OK ? ds != NULL : ds == NULL);
    char *got = load_text(rc, d, ds);
    snprintf(what, sizeof what, "%s, table %d, options %d, from memory", in->name, table, k);
    assert_same_text(want, got, what);
    free(got);
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);

    for (size_t c = 0; c < NCHUNKS; c++) {
        src s = make_src(in->data, in->len, chunks[c]);
        d = peerreview_diag_new();
        ds = (peerreview_dataset *)d;
        rc = peerreview_load_callback(src_read, &s, table, path, o, d, &ds);
        assert_true(rc == PEERREVIEW_OK ? ds != NULL : ds == NULL);
        got = load_text(rc, d, ds);
        snprintf(what, sizeof what, "%s, table %d, options %d, %zu bytes per read", in->name, table,
                 k, chunks[c]);
        assert_same_text(want, got, what);
        free(got);
        peerreview_dataset_free(ds);
        peerreview_diag_free(d);
    }
    free(want);
    free(path);
    peerreview_options_free(o);
}

static void test_loads_agree(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    for (size_t i = 0; i < ninputs; i++)
        for (int k = 0; k < NOPTION_SETS; k++) {
            compare_loads(&inputs[i], -1, k, dir);
            compare_loads(&inputs[i], PEERREVIEW_REVIEWS, k, dir);
        }
    rm_rf(dir);
    free(dir);
}

/* A quoted field exactly at the limit is not too long, however the reads end. */
static void test_quoted_at_limit(void **state)
{
    (void)state;
    peerreview_options *o = option_set(2); /* max_field_size 24 */
    const input *at = NULL, *over = NULL;
    for (size_t i = 0; i < ninputs; i++) {
        if (!strcmp(inputs[i].name, "quoted-at-limit"))
            at = &inputs[i];
        if (!strcmp(inputs[i].name, "quoted-over-limit"))
            over = &inputs[i];
    }
    assert_non_null(at);
    assert_non_null(over);
    for (size_t c = 0; c < NCHUNKS; c++) {
        src s = make_src(at->data, at->len, chunks[c]);
        peerreview_diag *d = peerreview_diag_new();
        peerreview_dataset *ds = NULL;
        int rc = peerreview_load_callback(src_read, &s, PEERREVIEW_REVIEWS, NULL, o, d, &ds);
        if (rc != PEERREVIEW_OK)
            dump_diag(d);
        assert_int_equal(rc, PEERREVIEW_OK);
        assert_int_equal(peerreview_diag_errors(d), 0);
        assert_string_equal(review_str(peerreview_dataset_review_byid_mut(ds, "x-3"), "notes"),
                            "aaaaaaaaaaaaaaaaaaaaaaa\"");
        peerreview_dataset_free(ds);
        peerreview_diag_clear(d);
        s = make_src(over->data, over->len, chunks[c]);
        assert_int_equal(
            peerreview_load_callback(src_read, &s, PEERREVIEW_REVIEWS, NULL, o, d, &ds),
            PEERREVIEW_EDATA);
        const peerreview_problem *p =
            expect_problem(d, PEERREVIEW_P_FIELD_TOO_LONG, "<stream>", 2, 4, "notes");
        assert_int_equal(peerreview_problem_offset(p), 57);
        peerreview_diag_free(d);
    }
    peerreview_options_free(o);
}

/* Problems name the input "<buffer>" or "<stream>" without a name. */
static void test_default_names(void **state)
{
    (void)state;
    const char *data = "review_id,review_type,stage\r\nx-1,nonsense,initial\r\n";
    peerreview_diag *d = peerreview_diag_new();
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load_buffer(data, strlen(data), -1, NULL, NULL, d, &ds),
                     PEERREVIEW_EDATA);
    assert_null(ds);
    expect_problem(d, PEERREVIEW_P_BAD_ENUM, "<buffer>", 2, 2, "review_type");
    peerreview_diag_clear(d);
    src s = make_src(data, strlen(data), 5);
    assert_int_equal(peerreview_load_callback(src_read, &s, PEERREVIEW_REVIEWS, NULL, NULL, d, &ds),
                     PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_BAD_ENUM, "<stream>", 2, 2, "review_type");
    peerreview_diag_clear(d);
    peerreview_reader *rd = NULL;
    assert_int_equal(
        peerreview_reader_open_buffer(data, strlen(data), PEERREVIEW_REVIEWS, NULL, NULL, d, &rd),
        PEERREVIEW_OK);
    assert_int_equal(peerreview_reader_next(rd, d), PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_BAD_ENUM, "<buffer>", 2, 2, "review_type");
    peerreview_reader_free(rd);
    peerreview_diag_clear(d);
    s = make_src(data, strlen(data), 5);
    assert_int_equal(
        peerreview_reader_open_callback(src_read, &s, PEERREVIEW_REVIEWS, NULL, NULL, d, &rd),
        PEERREVIEW_OK);
    assert_int_equal(peerreview_reader_next(rd, d), PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_BAD_ENUM, "<stream>", 2, 2, "review_type");
    peerreview_reader_free(rd);
    peerreview_diag_free(d);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    const char *data = "review_id\r\n";
    peerreview_dataset *ds = (peerreview_dataset *)1;
    peerreview_reader *rd = (peerreview_reader *)1;
    src s = make_src(data, strlen(data), 1);
    /* a child table alone has no reviews to belong to */
    for (int t = PEERREVIEW_REVIEW_COUNCILS; t <= PEERREVIEW_TABLE_COUNT; t++) {
        assert_int_equal(peerreview_load_buffer(data, 3, t, NULL, NULL, NULL, &ds),
                         PEERREVIEW_EINVAL);
        assert_null(ds);
        ds = (peerreview_dataset *)1;
        assert_int_equal(peerreview_load_callback(src_read, &s, t, NULL, NULL, NULL, &ds),
                         PEERREVIEW_EINVAL);
        assert_null(ds);
    }
    assert_int_equal(peerreview_load_buffer(data, 3, -2, NULL, NULL, NULL, &ds), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_load_buffer(NULL, 3, -1, NULL, NULL, NULL, &ds), PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_load_buffer(data, 3, -1, NULL, NULL, NULL, NULL),
                     PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_load_callback(NULL, &s, -1, NULL, NULL, NULL, &ds),
                     PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_load_callback(src_read, &s, -1, NULL, NULL, NULL, NULL),
                     PEERREVIEW_EINVAL);
    /* the reader needs a table: there is no file name to take it from */
    assert_int_equal(peerreview_reader_open_buffer(data, 3, -1, NULL, NULL, NULL, &rd),
                     PEERREVIEW_EINVAL);
    assert_null(rd);
    rd = (peerreview_reader *)1;
    assert_int_equal(peerreview_reader_open_callback(src_read, &s, PEERREVIEW_TABLE_COUNT, NULL,
                                                     NULL, NULL, &rd),
                     PEERREVIEW_EINVAL);
    assert_null(rd);
    assert_int_equal(peerreview_reader_open_callback(NULL, &s, 0, NULL, NULL, NULL, &rd),
                     PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_reader_open_buffer(NULL, 1, 0, NULL, NULL, NULL, &rd),
                     PEERREVIEW_EINVAL);
    assert_int_equal(s.calls, 0);
    /* no bytes at all: NULL is fine, and it is an empty file */
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(peerreview_load_buffer(NULL, 0, -1, NULL, NULL, d, &ds), PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_EMPTY_FILE, "<buffer>", 0, 0, NULL);
    peerreview_diag_free(d);
    /* render_callback */
    assert_int_equal(peerreview_render_callback(NULL, -1, NULL, NULL, NULL, NULL),
                     PEERREVIEW_EINVAL);
    assert_int_equal(peerreview_render_callback(sample, -2, NULL, NULL, NULL, NULL),
                     PEERREVIEW_EINVAL);
}

/* ------------------------------------------------------------------------ */
/* The reader                                                                */
/* ------------------------------------------------------------------------ */

/* Everything a reader gives until its end, as text. */
static char *read_all(int rc, peerreview_reader *rd, peerreview_diag *d)
{
    text t = {0};
    t_printf(&t, "open %s\n", peerreview_status_name(rc));
    add_diag(&t, d);
    if (rc != PEERREVIEW_OK)
        return t.s;
    int table = peerreview_reader_table(rd);
    for (size_t guard = 0; guard < 100000; guard++) {
        peerreview_diag_clear(d);
        int r = peerreview_reader_next(rd, d);
        t_printf(&t, "next %d line %lu\n", r, r == 1 ? peerreview_reader_line(rd) : 0);
        add_diag(&t, d);
        if (r == 1)
            for (size_t c = 0; c < peerreview_column_count(table); c++)
                t_printf(&t, "  %s\n", str_or(reader_str_at(rd, c)));
        if (r == 0 || (r < 0 && r != PEERREVIEW_EDATA))
            break;
    }
    return t.s;
}

static void compare_reader(const input *in, int table, int k, const char *dir)
{
    peerreview_options *o = option_set(k);
    write_file(dir, "table.csv", in->data, in->len);
    char *path = path_join(dir, "table.csv");
    char what[160];
    peerreview_diag *d = peerreview_diag_new();
    peerreview_reader *rd = NULL;
    int rc = peerreview_reader_open(path, table, o, d, &rd);
    char *want = read_all(rc, rd, d);
    peerreview_reader_free(rd);

    peerreview_diag_clear(d);
    rd = (peerreview_reader *)d;
    rc = peerreview_reader_open_buffer(in->data, in->len, table, path, o, d, &rd);
    assert_true(rc == PEERREVIEW_OK ? rd != NULL : rd == NULL);
    char *got = read_all(rc, rd, d);
    peerreview_reader_free(rd);
    snprintf(what, sizeof what, "reader: %s, table %d, options %d, from memory", in->name, table,
             k);
    assert_same_text(want, got, what);
    free(got);

    for (size_t c = 0; c < NCHUNKS; c++) {
        src s = make_src(in->data, in->len, chunks[c]);
        peerreview_diag_clear(d);
        rd = (peerreview_reader *)d;
        rc = peerreview_reader_open_callback(src_read, &s, table, path, o, d, &rd);
        assert_true(rc == PEERREVIEW_OK ? rd != NULL : rd == NULL);
        got = read_all(rc, rd, d);
        peerreview_reader_free(rd);
        snprintf(what, sizeof what, "reader: %s, table %d, options %d, %zu bytes per read",
                 in->name, table, k, chunks[c]);
        assert_same_text(want, got, what);
        free(got);
    }
    free(want);
    peerreview_diag_free(d);
    free(path);
    peerreview_options_free(o);
}

static void test_readers_agree(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    for (size_t i = 0; i < ninputs; i++)
        for (int k = 0; k < NOPTION_SETS; k += 2)
            compare_reader(&inputs[i], PEERREVIEW_REVIEWS, k, dir);
    /* every child table of the sample */
    for (int t = 1; t < PEERREVIEW_TABLE_COUNT; t++) {
        char *path = path_join(SAMPLE_DIR, peerreview_table_file(t));
        input in;
        snprintf(in.name, sizeof in.name, "sample %s", peerreview_table_file(t));
        in.data = read_file(path, &in.len);
        assert_non_null(in.data);
        compare_reader(&in, t, 0, dir);
        compare_reader(&in, t, 2, dir);
        free(in.data);
        free(path);
    }
    rm_rf(dir);
    free(dir);
}

/* ------------------------------------------------------------------------ */
/* Read errors and odd callbacks                                             */
/* ------------------------------------------------------------------------ */

static void test_read_error(void **state)
{
    (void)state;
    assert_string_equal(inputs[0].name, "sample-reviews");
    assert_string_equal(inputs[1].name, "sample-flat");
    for (int table = -1; table <= PEERREVIEW_REVIEWS; table++) {
        const input *in = &inputs[table < 0 ? 1 : 0];
        size_t fail_points[] = {0, 1, 100, in->len / 2, in->len - 1};
        for (size_t f = 0; f < sizeof fail_points / sizeof fail_points[0]; f++) {
            src s = make_src(in->data, in->len, 1000);
            s.fail = 1;
            s.fail_at = fail_points[f];
            peerreview_diag *d = peerreview_diag_new();
            peerreview_dataset *ds = (peerreview_dataset *)d;
            int rc = peerreview_load_callback(src_read, &s, table, "in.csv", NULL, d, &ds);
            assert_int_equal(rc, PEERREVIEW_EIO);
            assert_null(ds); /* nothing loaded */
            const peerreview_problem *p =
                expect_problem(d, PEERREVIEW_P_IO_ERROR, "in.csv", 0, 0, NULL);
            assert_non_null(strstr(peerreview_problem_message(p), strerror(EIO)));
            char after[64];
            snprintf(after, sizeof after, "after %zu bytes", fail_points[f]);
            assert_non_null(strstr(peerreview_problem_message(p), after));
            assert_int_equal(peerreview_problem_offset(p), (long long)fail_points[f]);
            peerreview_diag_free(d);
        }
    }
    /* the reader: the error comes from the call that meets it, which ends the reader */
    const input *in = &inputs[0];
    src s = make_src(in->data, in->len, 1);
    s.fail = 1;
    s.fail_at = 3000;
    peerreview_diag *d = peerreview_diag_new();
    peerreview_reader *rd = NULL;
    assert_int_equal(
        peerreview_reader_open_callback(src_read, &s, PEERREVIEW_REVIEWS, NULL, NULL, d, &rd),
        PEERREVIEW_OK);
    int rc;
    size_t rows = 0;
    while ((rc = peerreview_reader_next(rd, d)) == 1 || rc == PEERREVIEW_EDATA)
        rows++;
    assert_int_equal(rc, PEERREVIEW_EIO);
    assert_true(rows > 0);
    expect_problem(d, PEERREVIEW_P_IO_ERROR, "<stream>", 0, 0, NULL);
    assert_int_equal(peerreview_reader_next(rd, d), 0);
    peerreview_reader_free(rd);
    /* failing in the header: the open fails */
    peerreview_diag_clear(d);
    s = make_src(in->data, in->len, 1);
    s.fail = 1;
    s.fail_at = 10;
    rd = (peerreview_reader *)d;
    assert_int_equal(
        peerreview_reader_open_callback(src_read, &s, PEERREVIEW_REVIEWS, NULL, NULL, d, &rd),
        PEERREVIEW_EIO);
    assert_null(rd);
    peerreview_diag_free(d);
}

static ptrdiff_t too_much(void *ctx, void *buf, size_t size)
{
    (void)ctx;
    memset(buf, 'a', size);
    return (ptrdiff_t)size + 1;
}

static ptrdiff_t fails_silently(void *ctx, void *buf, size_t size)
{
    (void)ctx;
    (void)buf;
    (void)size;
    errno = 0;
    return -7;
}

static void test_odd_callbacks(void **state)
{
    (void)state;
    peerreview_diag *d = peerreview_diag_new();
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load_callback(too_much, NULL, -1, NULL, NULL, d, &ds),
                     PEERREVIEW_EIO);
    const peerreview_problem *p = expect_problem(d, PEERREVIEW_P_IO_ERROR, "<stream>", 0, 0, NULL);
    assert_non_null(strstr(peerreview_problem_message(p), "more than"));
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_load_callback(fails_silently, NULL, -1, NULL, NULL, d, &ds),
                     PEERREVIEW_EIO);
    p = expect_problem(d, PEERREVIEW_P_IO_ERROR, "<stream>", 0, 0, NULL);
    assert_non_null(strstr(peerreview_problem_message(p), "read callback failed"));
    peerreview_diag_free(d);
}

/* ------------------------------------------------------------------------ */
/* Progress                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct prog {
    unsigned long long done, total;
    size_t calls;
} prog;

static int on_progress(unsigned long long done, unsigned long long total, void *ctx)
{
    prog *p = ctx;
    assert_true(done > p->done || p->calls == 0);
    p->done = done;
    p->total = total;
    p->calls++;
    return 0;
}

/* n reviews with a 255-byte note and an item each (owned). */
static peerreview_dataset *big_dataset(int n)
{
    peerreview_dataset *ds = peerreview_dataset_new();
    char id[32], text_value[256];
    memset(text_value, 'n', sizeof text_value - 1);
    text_value[sizeof text_value - 1] = '\0';
    for (int i = 0; i < n; i++) {
        peerreview_review *r = peerreview_review_new();
        snprintf(id, sizeof id, "r-%06d", i);
        assert_int_equal(peerreview_review_set_byname(r, "review_id", id, NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_review_set_byname(r, "review_type", "corporate", NULL),
                         PEERREVIEW_OK);
        assert_int_equal(peerreview_review_set_byname(r, "stage", "initial", NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_review_set_byname(r, "onsite_start", "2019", NULL),
                         PEERREVIEW_OK);
        assert_int_equal(peerreview_review_set_byname(r, "notes", text_value, NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
        peerreview_row *row;
        assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &row), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(row, "kind", "strength", NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(row, "text", text_value, NULL), PEERREVIEW_OK);
    }
    return ds;
}

static void test_progress(void **state)
{
    (void)state;
    /* a flat input of about 1.2 MB */
    peerreview_dataset *big = big_dataset(2000);
    char *data;
    size_t len;
    assert_int_equal(peerreview_render(big, -1, NULL, NULL, &data, &len), PEERREVIEW_OK);
    peerreview_dataset_free(big);
    assert_true(len > 1000 * 1000);
    peerreview_options *o = peerreview_options_new();
    prog p = {0, 0, 0};
    assert_int_equal(peerreview_options_set_progress_cb(o, on_progress, &p), PEERREVIEW_OK);
    peerreview_dataset *ds = NULL;
    /* from memory: the total is the length */
    assert_int_equal(peerreview_load_buffer(data, len, -1, NULL, o, NULL, &ds), PEERREVIEW_OK);
    peerreview_dataset_free(ds);
    assert_int_equal(p.total, len);
    assert_int_equal(p.done, len);
    assert_true(p.calls >= len / (64 * 1024));
    assert_true(p.calls <= len / (64 * 1024) + 2);
    /* through a callback one byte at a time: unknown total, about every 64 KiB */
    memset(&p, 0, sizeof p);
    src s = make_src(data, len, 1);
    assert_int_equal(peerreview_load_callback(src_read, &s, -1, NULL, o, NULL, &ds), PEERREVIEW_OK);
    peerreview_dataset_free(ds);
    assert_int_equal(p.total, 0);
    assert_int_equal(p.done, len);
    assert_true(p.calls >= len / (64 * 1024));
    assert_true(p.calls <= len / (64 * 1024) + 2);
    /* the reviews table alone */
    peerreview_free(data);
    assert_int_equal(peerreview_render(sample, PEERREVIEW_REVIEWS, NULL, NULL, &data, &len),
                     PEERREVIEW_OK);
    memset(&p, 0, sizeof p);
    s = make_src(data, len, 2);
    assert_int_equal(peerreview_load_callback(src_read, &s, PEERREVIEW_REVIEWS, NULL, o, NULL, &ds),
                     PEERREVIEW_OK);
    peerreview_dataset_free(ds);
    assert_int_equal(p.done, len);
    assert_int_equal(p.total, 0);
    peerreview_free(data);
    peerreview_options_free(o);

    const input *in = &inputs[1];
    /* a whole valid input read to its end: the last call says every byte */
    o = peerreview_options_new();
    memset(&p, 0, sizeof p);
    assert_int_equal(peerreview_options_set_progress_cb(o, on_progress, &p), PEERREVIEW_OK);
    s = make_src(in->data, in->len, 3);
    assert_int_equal(peerreview_load_callback(src_read, &s, -1, NULL, o, NULL, &ds), PEERREVIEW_OK);
    peerreview_dataset_free(ds);
    assert_int_equal(p.done, in->len);
    assert_int_equal(p.total, 0);
    memset(&p, 0, sizeof p);
    assert_int_equal(peerreview_load_buffer(in->data, in->len, -1, NULL, o, NULL, &ds),
                     PEERREVIEW_OK);
    peerreview_dataset_free(ds);
    assert_int_equal(p.done, in->len);
    assert_int_equal(p.total, in->len);
    peerreview_options_free(o);
}

/* ------------------------------------------------------------------------ */
/* The reader in constant memory; rows as the input arrives                  */
/* ------------------------------------------------------------------------ */

#define GEN_ROWS 1000000

/* Items rows made on the fly, never all in memory. */
typedef struct gen {
    size_t row; /* next row to make; 0 = the header */
    char line[128];
    size_t len, pos;
} gen;

static ptrdiff_t gen_read(void *ctx, void *buf, size_t size)
{
    gen *g = ctx;
    if (g->pos == g->len) {
        if (g->row > GEN_ROWS)
            return 0;
        if (g->row == 0)
            g->len = (size_t)snprintf(g->line, sizeof g->line, "review_id,kind,seq,text\r\n");
        else
            g->len = (size_t)snprintf(g->line, sizeof g->line,
                                      "review-%07zu,recommendation,%zu,\"Text, \"\"quoted\"\", "
                                      "row %zu\"\r\n",
                                      (g->row - 1) / 4, (g->row - 1) % 4 + 1, g->row);
        g->row++;
        g->pos = 0;
    }
    size_t n = g->len - g->pos;
    if (n > size)
        n = size;
    memcpy(buf, g->line + g->pos, n);
    g->pos += n;
    return (ptrdiff_t)n;
}

static long max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void test_reader_constant_memory(void **state)
{
    (void)state;
    long rss0 = max_rss_kb();
    size_t base = heap_now;
    heap_peak = heap_now;
    gen g;
    memset(&g, 0, sizeof g);
    peerreview_diag *d = peerreview_diag_new();
    peerreview_reader *rd = NULL;
    assert_int_equal(
        peerreview_reader_open_callback(gen_read, &g, PEERREVIEW_ITEMS, "gen", NULL, d, &rd),
        PEERREVIEW_OK);
    size_t rows = 0;
    int rc, ok = 1;
    char want[64];
    while ((rc = peerreview_reader_next(rd, d)) == 1) {
        rows++;
        snprintf(want, sizeof want, "Text, \"quoted\", row %zu", rows);
        if (rows % 1000 == 1 && strcmp(reader_str_at(rd, 3), want) != 0)
            ok = 0;
    }
    assert_int_equal(rc, 0);
    assert_true(ok);
    assert_int_equal(rows, GEN_ROWS);
    assert_int_equal(peerreview_diag_count(d), 0);
    peerreview_reader_free(rd);
    peerreview_diag_free(d);
    size_t peak = heap_peak - base;
    long grown = max_rss_kb() - rss0;
    if (getenv("PRTEST_VERBOSE") || peak >= 1024 * 1024)
        fprintf(stderr, "reader over %d generated rows: peak heap %zu bytes, RSS grew %ld kB\n",
                GEN_ROWS, peak, grown);
    assert_int_equal(heap_now, base);
    /* the input is about 60 MB: the reader holds a buffer and a row */
    assert_true(peak < 1024 * 1024);
#if !defined(__SANITIZE_ADDRESS__)
#if defined(__has_feature)
#if !__has_feature(address_sanitizer)
    assert_true(grown < 16 * 1024);
#endif
#else
    assert_true(grown < 16 * 1024);
#endif
#endif
}

/* One line per call, counting the calls. */
typedef struct lines {
    const char *const *v;
    size_t n, next;
} lines;

static ptrdiff_t line_read(void *ctx, void *buf, size_t size)
{
    lines *l = ctx;
    if (l->next == l->n)
        return 0;
    size_t len = strlen(l->v[l->next]);
    assert_true(len <= size);
    memcpy(buf, l->v[l->next++], len);
    return (ptrdiff_t)len;
}

static void test_rows_as_input_arrives(void **state)
{
    (void)state;
    static const char *const v[] = {
        "review_id,kind,seq,text\r\n",
        "r-1,recommendation,1,first\r\n",
        "r-1,recommendation,2,\"second, with a line\r\nbreak\"\r\n",
        "r-1,recommendation,3,third\n",
    };
    lines l = {v, 4, 0};
    peerreview_reader *rd = NULL;
    assert_int_equal(
        peerreview_reader_open_callback(line_read, &l, PEERREVIEW_ITEMS, NULL, NULL, NULL, &rd),
        PEERREVIEW_OK);
    assert_int_equal(l.next, 1); /* the header only */
    for (size_t row = 1; row <= 3; row++) {
        assert_int_equal(peerreview_reader_next(rd, NULL), 1);
        assert_int_equal(l.next, row + 1); /* no line read ahead */
    }
    assert_string_equal(reader_str_at(rd, 3), "third");
    assert_int_equal(peerreview_reader_next(rd, NULL), 0);
    peerreview_reader_free(rd);
}

/* ------------------------------------------------------------------------ */
/* render_callback                                                           */
/* ------------------------------------------------------------------------ */

typedef struct sink {
    text t;
    size_t calls, max_piece;
    size_t fail_after; /* fail the call that would pass this many bytes (0: never) */
    int failed;
} sink;

static int sink_write(void *ctx, const void *buf, size_t size)
{
    sink *s = ctx;
    assert_false(s->failed); /* not called again after a failure */
    assert_true(size > 0);
    s->calls++;
    if (size > s->max_piece)
        s->max_piece = size;
    if (s->fail_after && s->t.len + size >= s->fail_after) {
        s->failed = 1;
        errno = ENOSPC;
        return -1;
    }
    t_add(&s->t, buf, size);
    return 0;
}

static void render_both(const peerreview_dataset *ds, int table, const peerreview_options *o)
{
    char *want = NULL;
    size_t len = 0;
    peerreview_diag *d1 = peerreview_diag_new(), *d2 = peerreview_diag_new();
    int rc = peerreview_render(ds, table, o, d1, &want, &len);
    sink s;
    memset(&s, 0, sizeof s);
    int rc2 = peerreview_render_callback(ds, table, o, d2, sink_write, &s);
    assert_int_equal(rc2, rc);
    text a = {0}, b = {0};
    add_diag(&a, d1);
    add_diag(&b, d2);
    assert_string_equal(a.s, b.s);
    if (rc == PEERREVIEW_OK) {
        assert_int_equal(s.t.len, len);
        assert_memory_equal(s.t.s ? s.t.s : "", want, len);
        assert_true(s.max_piece < 64 * 1024 + 200 * 1024); /* a piece and a row */
    } else {
        assert_int_equal(s.calls, 0); /* nothing written of what cannot be rendered */
    }
    free(a.s);
    free(b.s);
    free(s.t.s);
    peerreview_free(want);
    peerreview_diag_free(d1);
    peerreview_diag_free(d2);
}

static void test_render_callback_same_bytes(void **state)
{
    (void)state;
    peerreview_options *safe = peerreview_options_new();
    assert_int_equal(peerreview_options_set_spreadsheet_safe(safe, 1), PEERREVIEW_OK);
    for (int t = -1; t < PEERREVIEW_TABLE_COUNT; t++) {
        render_both(sample, t, NULL);
        render_both(sample, t, safe);
    }
    uint64_t rng = 12345;
    for (int i = 0; i < 30; i++) {
        peerreview_dataset *ds = random_dataset(&rng, i % 2, i % 5 == 0);
        for (int t = -1; t < PEERREVIEW_TABLE_COUNT; t++)
            render_both(ds, t, i % 3 ? NULL : safe);
        peerreview_dataset_free(ds);
    }
    /* a dataset the flat form cannot hold: an item without a kind */
    peerreview_dataset *ds = peerreview_dataset_new();
    peerreview_review *r = peerreview_review_new();
    assert_int_equal(peerreview_review_set_byname(r, "review_id", "x-1", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
    peerreview_row *row;
    assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &row), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "text", "t", NULL), PEERREVIEW_OK);
    render_both(ds, -1, NULL);
    peerreview_dataset_free(ds);
    peerreview_options_free(safe);
}

/* A large dataset: the tables go out in pieces, never whole in memory. */
static void test_render_callback_pieces(void **state)
{
    (void)state;
    peerreview_dataset *ds = big_dataset(20000);
    for (int t = -1; t <= PEERREVIEW_ITEMS; t += PEERREVIEW_ITEMS + 1) {
        sink s;
        memset(&s, 0, sizeof s);
        size_t base = heap_now;
        heap_peak = heap_now;
        assert_int_equal(peerreview_render_callback(ds, t, NULL, NULL, sink_write, &s),
                         PEERREVIEW_OK);
        size_t peak = heap_peak - base;
        if (getenv("PRTEST_VERBOSE"))
            fprintf(stderr, "render_callback table %d: %zu bytes in %zu pieces, peak heap %zu\n", t,
                    s.t.len, s.calls, peak);
        assert_true(s.t.len > 5 * 1000 * 1000);
        assert_true(s.calls > 50);
        assert_true(peak < 512 * 1024);
        free(s.t.s);
    }
    for (int t = 0; t <= PEERREVIEW_ITEMS; t += PEERREVIEW_ITEMS) {
        render_both(ds, t, NULL);
    }
    render_both(ds, -1, NULL);
    peerreview_dataset_free(ds);
}

static void test_render_callback_write_error(void **state)
{
    (void)state;
    uint64_t rng = 99;
    peerreview_dataset *ds = random_dataset(&rng, 1, 1);
    for (int t = -1; t < PEERREVIEW_TABLE_COUNT; t++) {
        char *whole;
        size_t len;
        assert_int_equal(peerreview_render(ds, t, NULL, NULL, &whole, &len), PEERREVIEW_OK);
        peerreview_free(whole);
        size_t points[] = {1, len / 2, len};
        for (size_t k = 0; k < 3; k++) {
            sink s;
            memset(&s, 0, sizeof s);
            s.fail_after = points[k];
            peerreview_diag *d = peerreview_diag_new();
            assert_int_equal(peerreview_render_callback(ds, t, NULL, d, sink_write, &s),
                             PEERREVIEW_EIO);
            assert_true(s.failed);
            assert_true(s.t.len < len);
            const peerreview_problem *p =
                expect_problem(d, PEERREVIEW_P_IO_ERROR, NULL, 0, 0, NULL);
            assert_non_null(strstr(peerreview_problem_message(p), strerror(ENOSPC)));
            assert_int_equal(peerreview_diag_errors(d), 1);
            peerreview_diag_free(d);
            free(s.t.s);
        }
    }
    peerreview_dataset_free(ds);
}

int main(void)
{
    peerreview_set_allocator(count_malloc, count_realloc, count_free);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loads_agree),
        cmocka_unit_test(test_quoted_at_limit),
        cmocka_unit_test(test_default_names),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_readers_agree),
        cmocka_unit_test(test_read_error),
        cmocka_unit_test(test_odd_callbacks),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_reader_constant_memory),
        cmocka_unit_test(test_rows_as_input_arrives),
        cmocka_unit_test(test_render_callback_same_bytes),
        cmocka_unit_test(test_render_callback_pieces),
        cmocka_unit_test(test_render_callback_write_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
