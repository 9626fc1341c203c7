/*
 * Read-only functions on one object from several threads at once (the
 * promise of include/peerreview.h and doc/threadsafety.md): four threads
 * validate, render, save, read every value, find every review and read one
 * shared diag, all on the same objects, and each must get exactly what one
 * thread alone gets. Run it under ThreadSanitizer with make check-tsan.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define NTHREADS 4
#ifndef ITERATIONS
#define ITERATIONS 12
#endif

/*
 * cmocka's assertions jump back into the main thread's test: in the workers,
 * a failed check is printed and counted instead, and the test fails at the end.
 */
static atomic_int check_failures;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            atomic_fetch_add(&check_failures, 1);                                                  \
        }                                                                                          \
    } while (0)

/* A growing string, with the C library's allocator. */
typedef struct sb {
    char *s;
    size_t len, cap;
} sb;

static void sb_add(sb *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s)
            abort();
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_printf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sb *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof tmp) { /* long: format again into a buffer of its size */
        char *big = malloc((size_t)n + 1);
        if (!big)
            abort();
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        sb_add(b, big, (size_t)n);
        free(big);
        return;
    }
    sb_add(b, tmp, (size_t)n);
}

static void sb_str(sb *b, const char *s)
{
    if (s)
        sb_printf(b, "\"%s\"", s);
    else
        sb_add(b, "NULL", 4);
}

/* Every problem of d as text, with every getter. */
static void dump_problems(sb *b, const peerreview_diag *d)
{
    sb_printf(b, "count %zu errors %zu warnings %zu\n", peerreview_diag_count(d),
              peerreview_diag_errors(d), peerreview_diag_warnings(d));
    for (size_t i = 0; i < peerreview_diag_count(d); i++) {
        const peerreview_problem *p = peerreview_diag_get(d, i);
        char line[1024];
        size_t need = peerreview_problem_format(p, line, sizeof line);
        sb_printf(b, "%zu %s\n", need, line);
        sb_printf(b, "%d %d %lu %lu %lu %lld ", (int)peerreview_problem_severity(p),
                  (int)peerreview_problem_code(p), peerreview_problem_line(p),
                  peerreview_problem_column(p), peerreview_problem_record(p),
                  peerreview_problem_offset(p));
        sb_str(b, peerreview_problem_file(p));
        sb_str(b, peerreview_problem_field(p));
        sb_str(b, peerreview_problem_message(p));
        sb_str(b, peerreview_code_name(peerreview_problem_code(p)));
        sb_add(b, "\n", 1);
    }
    CHECK(peerreview_diag_get(d, peerreview_diag_count(d)) == NULL);
}

/* A value, with its typed form for integer and date columns. */
static void dump_value(sb *b, int rc, const char *v, int type, int irc, int64_t iv, int drc,
                       const peerreview_date *d)
{
    sb_printf(b, "%d:", rc);
    sb_str(b, v);
    if (type == PEERREVIEW_TYPE_INTEGER)
        sb_printf(b, "=%d:%lld", irc, (long long)iv);
    if (type == PEERREVIEW_TYPE_DATE)
        sb_printf(b, "=%d:%d-%d-%d/%d[%lld,%lld]", drc, d->year, d->month, d->day,
                  (int)d->precision, (long long)d->first_day, (long long)d->last_day);
    sb_add(b, ",", 1);
}

/* Every value, handle and lookup of a dataset. */
static void dump_dataset(sb *b, const peerreview_dataset *ds)
{
    sb_printf(b, "reviews %zu generation %llu format %d\n", peerreview_dataset_count(ds),
              (unsigned long long)peerreview_dataset_generation(ds), peerreview_dataset_format(ds));
    for (size_t i = 0; i < peerreview_dataset_count(ds); i++) {
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        const char *id = NULL;
        CHECK(peerreview_review_get_byindex(r, 0, &id) == PEERREVIEW_OK);
        /* the lookup by id gives the same review; the dataset is the one we hold */
        CHECK(peerreview_dataset_review_byid(ds, id) == r);
        CHECK(peerreview_review_owner(r) == ds);
        sb_printf(b, "review %llu\n", (unsigned long long)peerreview_review_serial(r));
        for (size_t c = 0; c < peerreview_column_count(PEERREVIEW_REVIEWS); c++) {
            const char *name = peerreview_column_name(PEERREVIEW_REVIEWS, c), *v, *by;
            int rc = peerreview_review_get_byindex(r, c, &v);
            CHECK(peerreview_review_get_byname(r, name, &by) == rc && by == v);
            int64_t iv = 0;
            peerreview_date d;
            int irc = peerreview_review_get_int64_byindex(r, c, &iv);
            int drc = peerreview_review_get_date_byname(r, name, &d);
            dump_value(b, rc, v, peerreview_column_type(PEERREVIEW_REVIEWS, c), irc, iv, drc, &d);
        }
        sb_add(b, "\n", 1);
        for (int t = 1; t < (int)peerreview_table_count(); t++) {
            size_t n = peerreview_review_child_count(r, t);
            sb_printf(b, " %s %zu\n", peerreview_table_name(t), n);
            for (size_t k = 0; k < n; k++) {
                const peerreview_row *row = peerreview_review_child_byindex(r, t, k);
                CHECK(peerreview_row_table(row) == t);
                CHECK(peerreview_row_owner(row) == r);
                if (k)
                    sb_printf(b, "  cmp %d\n",
                              peerreview_row_compare(peerreview_review_child_byindex(r, t, k - 1),
                                                     row) < 0);
                sb_printf(b, "  %llu ", (unsigned long long)peerreview_row_serial(row));
                for (size_t c = 0; c < peerreview_column_count(t); c++) {
                    const char *name = peerreview_column_name(t, c), *v, *by;
                    int rc = peerreview_row_get_byindex(row, c, &v);
                    CHECK(peerreview_row_get_byname(row, name, &by) == rc && by == v);
                    int64_t iv = 0;
                    peerreview_date d;
                    int irc = peerreview_row_get_int64_byname(row, name, &iv);
                    int drc = peerreview_row_get_date_byindex(row, c, &d);
                    dump_value(b, rc, v, peerreview_column_type(t, c), irc, iv, drc, &d);
                }
                sb_add(b, "\n", 1);
            }
        }
    }
    CHECK(peerreview_dataset_review_byid(ds, "no-such-review") == NULL);
    CHECK(peerreview_dataset_review_byindex(ds, peerreview_dataset_count(ds)) == NULL);
}

/* The schema and the other static data. */
static void dump_static(sb *b)
{
    const peerreview_schema *s = peerreview_schema_for_format(PEERREVIEW_FORMAT_VERSION);
    for (int t = 0; t < (int)peerreview_schema_table_count(s); t++) {
        sb_printf(b, "%s %s\n", peerreview_schema_table_name(s, t),
                  peerreview_schema_table_file(s, t));
        for (size_t c = 0; c < peerreview_schema_column_count(s, t); c++) {
            sb_printf(b, " %s %d %d", peerreview_schema_column_name(s, t, c),
                      (int)peerreview_schema_column_type(s, t, c),
                      peerreview_schema_column_required(s, t, c));
            for (size_t e = 0; e < peerreview_schema_column_enum_count(s, t, c); e++)
                sb_printf(b, " %s", peerreview_schema_column_enum_value(s, t, c, e));
            sb_add(b, "\n", 1);
        }
    }
    for (int c = 0; c < (int)peerreview_code_count(); c++)
        sb_printf(b, "%s\n", peerreview_code_name(c));
    for (int st = peerreview_status_min(); st <= 0; st++)
        sb_printf(b, "%s %s\n", peerreview_status_name(st), peerreview_strerror(st));
    sb_printf(b, "%s\n", peerreview_version());
}

static struct {
    peerreview_dataset *ds;    /* the sample plus a review with errors and warnings */
    peerreview_dataset *valid; /* the sample: saved by every thread */
    peerreview_diag *diag;     /* ds validated: read by every thread */
    peerreview_options *opts;  /* shared, never changed */
    char *dir;                 /* each thread saves into dir/tN */
    char *ref_saved;           /* the files one save writes */
    char *ref;                 /* what one thread alone gets */
    pthread_barrier_t start;
} S;

/* Everything a thread does, as text. */
static char *work(int id)
{
    sb b = {0};
    /* validate (into a diag of this thread's own) */
    peerreview_diag *mine = peerreview_diag_new();
    int rc = peerreview_dataset_validate(S.ds, S.opts, mine);
    sb_printf(&b, "validate %d\n", rc);
    dump_problems(&b, mine);
    peerreview_diag_free(mine);
    /* render every table and the flat form */
    for (int t = -1; t < (int)peerreview_table_count(); t++) {
        const peerreview_dataset *which = t < 0 ? S.valid : S.ds;
        char *out = NULL;
        size_t len = 0;
        rc = peerreview_render(which, t, S.opts, NULL, &out, &len);
        sb_printf(&b, "render %d %d %zu\n", t, rc, len);
        if (out)
            sb_add(&b, out, len);
        peerreview_free(out);
    }
    /* the shared diag, the dataset, the static data */
    dump_problems(&b, S.diag);
    dump_dataset(&b, S.ds);
    dump_dataset(&b, S.valid);
    dump_static(&b);
    /* save the valid dataset into a folder of this thread's own */
    if (id >= 0) {
        char name[16];
        snprintf(name, sizeof name, "t%d", id);
        char *dir = path_join(S.dir, name);
        rc = peerreview_save(S.valid, dir, S.opts, NULL);
        CHECK(rc == PEERREVIEW_OK);
        for (size_t f = 0; f < 7; f++) {
            char *p = path_join(dir, package_files[f]);
            size_t len = 0;
            char *data = read_file(p, &len);
            CHECK(data != NULL);
            sb_printf(&b, "file %s %zu\n", package_files[f], len);
            sb_add(&b, data, len);
            free(data);
            free(p);
        }
        free(dir);
    }
    return b.s;
}

static void *thread_main(void *arg)
{
    int id = (int)(intptr_t)arg;
    pthread_barrier_wait(&S.start);
    for (int i = 0; i < ITERATIONS; i++) {
        char *got = work(id);
        if (strcmp(got, S.ref) != 0) {
            size_t k = 0;
            while (got[k] && got[k] == S.ref[k])
                k++;
            fprintf(stderr, "thread %d iteration %d differs at byte %zu: \"%.60s\" vs \"%.60s\"\n",
                    id, i, k, got + k, S.ref + k);
            free(got);
            return (void *)1;
        }
        free(got);
    }
    return NULL;
}

static void test_concurrent_reads(void **state)
{
    (void)state;
    S.ds = load_ok(SAMPLE_DIR, NULL);
    S.valid = load_ok(SAMPLE_DIR, NULL);
    peerreview_review *r = peerreview_review_new();
    assert_int_equal(peerreview_review_set_byname(r, "review_id", "faulty", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(r, "stage", "progress", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(r, "parent_review_id", "nowhere", NULL),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(r, "notes", "=formula", NULL), PEERREVIEW_OK);
    peerreview_row *row = NULL;
    assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_SOURCES, &row), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "seq", "3", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "url", "https://x.org", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_add(S.ds, r, NULL), PEERREVIEW_OK);
    S.opts = peerreview_options_new();
    assert_int_equal(peerreview_options_set_max_problems(S.opts, 1000), PEERREVIEW_OK);
    S.diag = peerreview_diag_new();
    assert_int_equal(peerreview_dataset_validate(S.ds, S.opts, S.diag), PEERREVIEW_EDATA);
    assert_true(peerreview_diag_errors(S.diag) >= 2);
    assert_true(peerreview_diag_warnings(S.diag) >= 1);
    S.dir = tmp_dir();

    /* one thread alone; its saved files are the reference's */
    char *alone = work(-1);
    sb b = {0};
    sb_add(&b, alone, strlen(alone));
    free(alone);
    char *dir = path_join(S.dir, "ref");
    assert_int_equal(peerreview_save(S.valid, dir, S.opts, NULL), PEERREVIEW_OK);
    for (size_t f = 0; f < 7; f++) {
        char *p = path_join(dir, package_files[f]);
        size_t len = 0;
        char *data = read_file(p, &len);
        assert_non_null(data);
        sb_printf(&b, "file %s %zu\n", package_files[f], len);
        sb_add(&b, data, len);
        free(data);
        free(p);
    }
    free(dir);
    S.ref = b.s;

    pthread_t th[NTHREADS];
    assert_int_equal(pthread_barrier_init(&S.start, NULL, NTHREADS), 0);
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, (void *)(intptr_t)i), 0);
    int failed = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *res;
        assert_int_equal(pthread_join(th[i], &res), 0);
        failed |= res != NULL;
    }
    pthread_barrier_destroy(&S.start);
    assert_false(failed);
    assert_int_equal(atomic_load(&check_failures), 0);
    /* and the shared objects are as they were */
    char *after = work(-1);
    assert_int_equal(strncmp(after, S.ref, strlen(after)), 0);
    free(after);

    free(S.ref);
    peerreview_diag_free(S.diag);
    peerreview_options_free(S.opts);
    peerreview_dataset_free(S.ds);
    peerreview_dataset_free(S.valid);
    rm_rf(S.dir);
    free(S.dir);
}

/* Distinct objects on distinct threads: loads of one folder at once. */
static void *load_main(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&S.start);
    for (int i = 0; i < ITERATIONS / 3 + 1; i++) {
        peerreview_diag *d = peerreview_diag_new();
        peerreview_dataset *ds = NULL;
        int rc = peerreview_load(SAMPLE_DIR, S.opts, d, &ds);
        sb b = {0};
        sb_printf(&b, "%d\n", rc);
        dump_problems(&b, d);
        if (ds) {
            char *flat = NULL;
            size_t len = 0;
            sb_printf(&b, "%d\n", peerreview_render(ds, -1, NULL, NULL, &flat, &len));
            sb_add(&b, flat, len);
            peerreview_free(flat);
        }
        int same = strcmp(b.s, S.ref) == 0;
        free(b.s);
        peerreview_dataset_free(ds);
        peerreview_diag_free(d);
        if (!same)
            return (void *)1;
    }
    return NULL;
}

static void test_concurrent_loads(void **state)
{
    (void)state;
    S.opts = NULL;
    peerreview_diag *d = peerreview_diag_new();
    peerreview_dataset *ds = NULL;
    sb b = {0};
    sb_printf(&b, "%d\n", peerreview_load(SAMPLE_DIR, NULL, d, &ds));
    dump_problems(&b, d);
    char *flat = NULL;
    size_t len = 0;
    sb_printf(&b, "%d\n", peerreview_render(ds, -1, NULL, NULL, &flat, &len));
    sb_add(&b, flat, len);
    peerreview_free(flat);
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);
    S.ref = b.s;
    pthread_t th[NTHREADS];
    assert_int_equal(pthread_barrier_init(&S.start, NULL, NTHREADS), 0);
    for (int i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, load_main, NULL), 0);
    int failed = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *res;
        assert_int_equal(pthread_join(th[i], &res), 0);
        failed |= res != NULL;
    }
    pthread_barrier_destroy(&S.start);
    free(S.ref);
    assert_false(failed);
    assert_int_equal(atomic_load(&check_failures), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_reads),
        cmocka_unit_test(test_concurrent_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
