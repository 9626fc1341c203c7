/*
 * Fuzz target: input from memory and from a read callback, without files
 * (so it runs much faster than the file targets).
 *
 * Input: one options byte (fuzz.h; bits 6-7 choose what is read: 0 the flat
 * form, 1 the reviews table alone, loaded and read by the streaming reader,
 * 2 the items table and 3 the team_members table, read by the streaming
 * reader), one byte choosing the sizes the read callback gives (0: one byte
 * per call; else sizes from 1 to 4 * the byte, drawn from a generator seeded
 * with it), then the bytes.
 *
 * What must hold: loading from memory (peerreview_load_buffer) and through
 * the callback (peerreview_load_callback) give the same status, the same
 * problems (every position) and the same dataset; the reader over memory and
 * over the callback gives the same rows and problems; the callback is never
 * called again after it returned 0; the common checks of fz_check_load hold,
 * positions included (the problems name the bytes "in.csv").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define NAME "in.csv"

typedef struct src {
    const uint8_t *p;
    size_t n, pos;
    uint32_t rng; /* 0: one byte per call */
    unsigned max;
    int ended;
} src;

static ptrdiff_t src_read(void *ctx, void *buf, size_t size)
{
    src *s = ctx;
    FZ_CHECK(!s->ended);
    FZ_CHECK(size > 0);
    size_t k = 1;
    if (s->rng) {
        s->rng ^= s->rng << 13;
        s->rng ^= s->rng >> 17;
        s->rng ^= s->rng << 5;
        k = 1 + s->rng % s->max;
    }
    if (k > size)
        k = size;
    if (k > s->n - s->pos)
        k = s->n - s->pos;
    if (k == 0) {
        s->ended = 1;
        return 0;
    }
    memcpy(buf, s->p + s->pos, k);
    s->pos += k;
    return (ptrdiff_t)k;
}

static src make_src(const fz_input *in, uint8_t sizes)
{
    src s = {in->p, in->n, 0, sizes ? 0x9E3779B9u ^ sizes : 0, 4u * sizes, 0};
    return s;
}

/* Text that grows as needed. */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        FZ_CHECK(n >= 0);
        if (t->s && (size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->cap + (size_t)n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        FZ_CHECK(t->s != NULL);
    }
}

static void add_diag(text *t, const peerreview_diag *d)
{
    add(t, "%zu errors, %zu warnings\n", peerreview_diag_errors(d), peerreview_diag_warnings(d));
    for (size_t i = 0; i < peerreview_diag_count(d); i++) {
        const peerreview_problem *p = peerreview_diag_get(d, i);
        char line[1024];
        peerreview_problem_format(p, line, sizeof line);
        add(t, "%s (record %lu, offset %lld)\n", line, peerreview_problem_record(p),
            peerreview_problem_offset(p));
    }
}

/* A load as text: status, problems, every table and the flat form rendered. */
static char *load_text(int rc, const peerreview_diag *d, const peerreview_dataset *ds)
{
    text t = {NULL, 0, 0};
    add(&t, "%s\n", peerreview_status_name(rc));
    add_diag(&t, d);
    for (int table = -1; ds && table < (int)peerreview_table_count(); table++) {
        char *out = NULL;
        size_t len = 0;
        int r = peerreview_render(ds, table, NULL, NULL, &out, &len);
        add(&t, "table %d: %s, %zu bytes\n", table, peerreview_status_name(r), len);
        if (out)
            add(&t, "%.*s\n", (int)len, out);
        peerreview_free(out);
    }
    return t.s;
}

static void same(const char *a, const char *b, const char *what)
{
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "--- from memory:\n%s\n--- through the callback:\n%s\n", a, b);
        fz_fail(__FILE__, __LINE__, "%s: memory and callback differ", what);
    }
}

static void compare_loads(const fz_input *in, uint8_t bits, uint8_t sizes, int table)
{
    size_t cap = fz_max_problems(bits);
    peerreview_options *o = fz_options(bits);
    peerreview_diag *d = peerreview_diag_new();
    FZ_CHECK(d != NULL);
    peerreview_dataset *ds = (peerreview_dataset *)1;
    int rc = peerreview_load_buffer(in->n ? in->p : NULL, in->n, table, NAME, o, d, &ds);
    FZ_CHECK(rc == PEERREVIEW_OK ? ds != NULL : ds == NULL);
    FZ_CHECK(rc == PEERREVIEW_OK || rc == PEERREVIEW_EDATA);
    fz_check_diag_mem(d, cap, NAME, in->p, in->n);
    if (rc == PEERREVIEW_OK) {
        FZ_CHECK(peerreview_diag_errors(d) == 0);
        fz_walk_dataset(ds);
    } else {
        FZ_CHECK(peerreview_diag_errors(d) >= 1);
    }
    char *a = load_text(rc, d, ds);
    peerreview_dataset_free(ds);

    src s = make_src(in, sizes);
    peerreview_diag_clear(d);
    ds = (peerreview_dataset *)1;
    rc = peerreview_load_callback(src_read, &s, table, NAME, o, d, &ds);
    FZ_CHECK(rc == PEERREVIEW_OK ? ds != NULL : ds == NULL);
    char *b = load_text(rc, d, ds);
    peerreview_dataset_free(ds);
    same(a, b, table < 0 ? "the flat form" : "the reviews table");
    free(a);
    free(b);
    peerreview_diag_free(d);
    peerreview_options_free(o);
}

/* Everything a reader gives, as text. */
static char *read_text(int rc, peerreview_reader *rd, peerreview_diag *d, size_t cap,
                       const fz_input *in)
{
    text t = {NULL, 0, 0};
    add(&t, "open %s\n", peerreview_status_name(rc));
    add_diag(&t, d);
    if (rc != PEERREVIEW_OK)
        return t.s;
    int table = peerreview_reader_table(rd);
    for (size_t calls = 0;; calls++) {
        FZ_CHECK(calls <= in->n + 2);
        peerreview_diag_clear(d);
        int r = peerreview_reader_next(rd, d);
        if (peerreview_diag_count(d) > 0)
            fz_check_diag_mem(d, cap, NAME, in->p, in->n);
        add(&t, "next %d, line %lu\n", r, r == 1 ? peerreview_reader_line(rd) : 0);
        add_diag(&t, d);
        for (size_t c = 0; r == 1 && c < peerreview_column_count(table); c++) {
            const char *v = fz_reader_str_at(rd, c);
            add(&t, "  %s\n", v ? v : "(none)");
        }
        if (r != 1 && r != PEERREVIEW_EDATA)
            break;
    }
    return t.s;
}

static void compare_readers(const fz_input *in, uint8_t bits, uint8_t sizes, int table)
{
    size_t cap = fz_max_problems(bits);
    peerreview_options *o = fz_options(bits);
    peerreview_diag *d = peerreview_diag_new();
    FZ_CHECK(d != NULL);
    peerreview_reader *rd = (peerreview_reader *)1;
    int rc = peerreview_reader_open_buffer(in->n ? in->p : NULL, in->n, table, NAME, o, d, &rd);
    FZ_CHECK(rc == PEERREVIEW_OK ? rd != NULL : rd == NULL);
    fz_check_diag_mem(d, cap, NAME, in->p, in->n);
    char *a = read_text(rc, rd, d, cap, in);
    peerreview_reader_free(rd);

    src s = make_src(in, sizes);
    peerreview_diag_clear(d);
    rd = (peerreview_reader *)1;
    rc = peerreview_reader_open_callback(src_read, &s, table, NAME, o, d, &rd);
    FZ_CHECK(rc == PEERREVIEW_OK ? rd != NULL : rd == NULL);
    char *b = read_text(rc, rd, d, cap, in);
    peerreview_reader_free(rd);
    same(a, b, "the reader");
    free(a);
    free(b);
    peerreview_diag_free(d);
    peerreview_options_free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    uint8_t bits = fz_byte(&in);
    uint8_t sizes = fz_byte(&in);
    switch (bits >> 6) {
    case 0:
        compare_loads(&in, bits, sizes, -1);
        break;
    case 1:
        compare_loads(&in, bits, sizes, PEERREVIEW_REVIEWS);
        compare_readers(&in, bits, sizes, PEERREVIEW_REVIEWS);
        break;
    case 2:
        compare_readers(&in, bits, sizes, PEERREVIEW_ITEMS);
        break;
    default:
        compare_readers(&in, bits, sizes, PEERREVIEW_TEAM_MEMBERS);
        break;
    }
    return 0;
}
