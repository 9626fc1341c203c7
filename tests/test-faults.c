/* Never lose data: allocation failures and I/O failures at every point (doc/reliability.md). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <execinfo.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "io.h"
#include "pkgtx.h"

/* ------------------------------------------------------------------------ */
/* A counting allocator that fails allocation number fail_at (from 0)        */
/* ------------------------------------------------------------------------ */

static struct {
    long fail_at; /* index of the allocation to fail while armed */
    long count;   /* allocations (malloc and realloc) while armed */
    long live;    /* blocks allocated and not yet freed */
    int armed;
} A;

/* FAULT_TRACE=1 prints where each injected failure happens (for debugging). */
static void trace(void)
{
    static int on = -1;
    if (on < 0)
        on = getenv("FAULT_TRACE") != NULL;
    if (on) {
        void *bt[16];
        int n = backtrace(bt, 16);
        fprintf(stderr, "--- injected failure of allocation %ld\n", A.fail_at);
        backtrace_symbols_fd(bt, n, 2);
    }
}

static void *t_malloc(size_t n)
{
    if (A.armed && A.count++ == A.fail_at) {
        trace();
        return NULL;
    }
    void *p = malloc(n);
    if (p)
        A.live++;
    return p;
}

static void *t_realloc(void *p, size_t n)
{
    if (A.armed && A.count++ == A.fail_at) {
        trace();
        return NULL;
    }
    void *q = realloc(p, n);
    if (q && !p)
        A.live++;
    return q;
}

static void t_free(void *p)
{
    if (p) {
        A.live--;
        free(p);
    }
}

static void alloc_install(void)
{
    memset(&A, 0, sizeof A);
    A.fail_at = -1;
    peerreview_set_allocator(t_malloc, t_realloc, t_free);
}

static void alloc_restore(void)
{
    A.armed = 0;
    peerreview_set_allocator(NULL, NULL, NULL);
}

static void arm(long n)
{
    A.fail_at = n;
    A.count = 0;
    A.armed = 1;
}

/* Disarm; 1 if the failure was injected. */
static int disarm(void)
{
    A.armed = 0;
    return A.count > A.fail_at;
}

static int has_oom(const peerreview_diag *d)
{
    return find_code(d, PEERREVIEW_P_OUT_OF_MEMORY) >= 0;
}

#define EXPECT_ENOMEM(rc, n, what)                                                                 \
    do {                                                                                           \
        if ((rc) != PEERREVIEW_ENOMEM)                                                             \
            fprintf(stderr, "%s: allocation %ld failed but the result is %s\n", what, n,           \
                    peerreview_status_name(rc));                                                   \
        assert_int_equal(rc, PEERREVIEW_ENOMEM);                                                   \
    } while (0)

#define EXPECT_LIVE(base, n, what)                                                                 \
    do {                                                                                           \
        if (A.live != (base))                                                                      \
            fprintf(stderr, "%s: allocation %ld failed: %ld blocks leaked\n", what, n,             \
                    A.live - (long)(base));                                                        \
        assert_int_equal(A.live, base);                                                            \
    } while (0)

/* The seven package files, each with its own "old" content. */
static void write_old(const char *dir)
{
    for (size_t i = 0; i < 7; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "OLD %s\r\n", package_files[i]);
        write_file(dir, package_files[i], buf, (size_t)-1);
    }
}

/* 0 if dir/file holds the old content, 1 if the sample's (new), else fails. */
static int old_or_new(const char *dir, size_t i)
{
    char *p = path_join(dir, package_files[i]);
    char *s = path_join(SAMPLE_DIR, package_files[i]);
    size_t len, slen;
    char *got = read_file(p, &len);
    char *want = read_file(s, &slen);
    assert_non_null(got);
    assert_non_null(want);
    char old[64];
    snprintf(old, sizeof old, "OLD %s\r\n", package_files[i]);
    int r = -1;
    if (len == strlen(old) && memcmp(got, old, len) == 0)
        r = 0;
    else if (len == slen && memcmp(got, want, len) == 0)
        r = 1;
    if (r < 0)
        fprintf(stderr, "%s is neither the old nor the new content (%zu bytes)\n", p, len);
    assert_true(r >= 0);
    free(got);
    free(want);
    free(p);
    free(s);
    return r;
}

static void assert_all(const char *dir, int state)
{
    for (size_t i = 0; i < 7; i++) {
        int r = old_or_new(dir, i);
        if (r != state)
            fprintf(stderr, "%s should be %s\n", package_files[i], state ? "new" : "old");
        assert_int_equal(r, state);
    }
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n++;
    closedir(d);
    return n;
}

/* ---- allocation failures ---- */

static void test_alloc_load(void **state)
{
    (void)state;
    alloc_install();
    peerreview_dataset *ref = NULL;
    assert_int_equal(peerreview_load(SAMPLE_DIR, NULL, NULL, &ref), PEERREVIEW_OK);
    long base = A.live;
    long n;
    for (n = 0;; n++) {
        peerreview_diag *d = peerreview_diag_new();
        assert_non_null(d);
        peerreview_dataset *ds = (peerreview_dataset *)&n;
        arm(n);
        int rc = peerreview_load(SAMPLE_DIR, NULL, d, &ds);
        int injected = disarm();
        /* success (libcsv retries a failed buffer growth with a smaller size): complete */
        if (rc == PEERREVIEW_OK || !injected) {
            assert_int_equal(rc, PEERREVIEW_OK);
            assert_dataset_equal(ds, ref);
            assert_int_equal(peerreview_diag_count(d), 0);
            peerreview_dataset_free(ds);
            peerreview_diag_free(d);
            EXPECT_LIVE(base, n, "load");
            if (!injected)
                break;
            continue;
        }
        EXPECT_ENOMEM(rc, n, "load");
        assert_null(ds);
        assert_true(has_oom(d));
        peerreview_diag_free(d);
        EXPECT_LIVE(base, n, "load");
    }
    assert_true(n > 100);
    /* without a diag too (a sample of points) */
    for (long k = 0; k < n; k += 7) {
        peerreview_dataset *ds = (peerreview_dataset *)&n;
        arm(k);
        int rc = peerreview_load(SAMPLE_DIR, NULL, NULL, &ds);
        assert_true(disarm());
        if (rc == PEERREVIEW_OK) {
            assert_dataset_equal(ds, ref);
            peerreview_dataset_free(ds);
        } else {
            EXPECT_ENOMEM(rc, k, "load without diag");
            assert_null(ds);
        }
        EXPECT_LIVE(base, k, "load without diag");
    }
    peerreview_dataset_free(ref);
    EXPECT_LIVE(0, n, "load");
    alloc_restore();
}

static void test_alloc_save(void **state)
{
    (void)state;
    alloc_install();
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(SAMPLE_DIR, NULL, NULL, &ds), PEERREVIEW_OK);
    long base = A.live;
    char *tmp = tmp_dir();
    write_old(tmp);
    long n;
    for (n = 0;; n++) {
        peerreview_diag *d = peerreview_diag_new();
        assert_non_null(d);
        arm(n);
        int rc = peerreview_save(ds, tmp, NULL, d);
        int injected = disarm();
        assert_int_equal(count_dot_files(tmp), 0);
        if (rc == PEERREVIEW_OK || !injected) {
            assert_int_equal(rc, PEERREVIEW_OK);
            assert_all(tmp, 1);
            peerreview_diag_free(d);
            EXPECT_LIVE(base, n, "save");
            if (!injected)
                break;
            write_old(tmp);
            continue;
        }
        EXPECT_ENOMEM(rc, n, "save");
        assert_true(has_oom(d));
        assert_all(tmp, 0);
        peerreview_diag_free(d);
        EXPECT_LIVE(base, n, "save");
    }
    assert_true(n > 7);
    /* into a new folder: not created (or left empty) on failure */
    char *out = path_join(tmp, "new");
    for (long k = 0;; k += 3) {
        arm(k);
        int rc = peerreview_save(ds, out, NULL, NULL);
        if (!disarm()) {
            assert_int_equal(rc, PEERREVIEW_OK);
            assert_same_package(SAMPLE_DIR, out);
            rm_rf(out);
            break;
        }
        if (rc == PEERREVIEW_OK) {
            assert_same_package(SAMPLE_DIR, out);
            rm_rf(out);
            continue;
        }
        EXPECT_ENOMEM(rc, k, "save to a new folder");
        /* the folder the save made is gone again */
        assert_int_equal(access(out, F_OK), -1);
        EXPECT_LIVE(base, k, "save to a new folder");
    }
    free(out);
    peerreview_dataset_free(ds);
    EXPECT_LIVE(0, n, "save");
    alloc_restore();
    rm_rf(tmp);
    free(tmp);
}

/* Under memory pressure a dataset with errors must never be saved. */
static void test_alloc_save_invalid(void **state)
{
    (void)state;
    alloc_install();
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(SAMPLE_DIR, NULL, NULL, &ds), PEERREVIEW_OK);
    /* the last review gets two items with the same key */
    peerreview_review *r =
        peerreview_dataset_review_byindex_mut(ds, peerreview_dataset_count(ds) - 1);
    for (int i = 0; i < 2; i++) {
        peerreview_row *row;
        assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &row), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(row, "kind", "other", NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(row, "seq", "1", NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(row, "text", "twice", NULL), PEERREVIEW_OK);
    }
    long base = A.live;
    char *tmp = tmp_dir();
    char *out = path_join(tmp, "out");
    long n;
    int bad = 0;
    for (n = 0;; n++) {
        arm(n);
        int rc = peerreview_save(ds, out, NULL, NULL);
        int injected = disarm();
        if (rc == PEERREVIEW_OK) {
            if (bad++ < 3)
                fprintf(stderr,
                        "save: allocation %ld failed and a dataset with a duplicate "
                        "key was saved\n",
                        n);
            rm_rf(out);
        } else if (injected && rc != PEERREVIEW_EDATA) {
            EXPECT_ENOMEM(rc, n, "save of an invalid dataset");
        } else {
            assert_int_equal(rc, PEERREVIEW_EDATA);
        }
        assert_int_equal(access(out, F_OK), -1);
        EXPECT_LIVE(base, n, "save of an invalid dataset");
        if (!injected)
            break;
    }
    if (bad)
        fprintf(stderr, "saved in %d of %ld runs\n", bad, n + 1);
    assert_int_equal(bad, 0);
    peerreview_dataset_free(ds);
    EXPECT_LIVE(0, n, "save of an invalid dataset");
    alloc_restore();
    rm_rf(tmp);
    free(out);
    free(tmp);
}

static void test_alloc_validate(void **state)
{
    (void)state;
    alloc_install();
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(SAMPLE_DIR, NULL, NULL, &ds), PEERREVIEW_OK);
    /* add reviews with errors and warnings so that reporting allocates too, and
       with child rows out of key order, so that the rules sort them */
    static const char *const ids[] = {"faulty", "faulty-2", "faulty-3", "faulty-4", "faulty-5"};
    static const char *const seqs[] = {"3", "1", "3"};
    for (size_t k = 0; k < sizeof ids / sizeof *ids; k++) {
        peerreview_review *r = peerreview_review_new();
        assert_non_null(r);
        assert_int_equal(peerreview_review_set_byname(r, "review_id", ids[k], NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_review_set_byname(r, "stage", "progress", NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_review_set_byname(r, "parent_review_id", "nowhere", NULL),
                         PEERREVIEW_OK);
        assert_int_equal(peerreview_review_set_byname(r, "notes", "=formula", NULL), PEERREVIEW_OK);
        for (size_t i = 0; i < (k ? 3 : 1); i++) {
            peerreview_row *row;
            assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_SOURCES, &row),
                             PEERREVIEW_OK);
            assert_int_equal(peerreview_row_set_byname(row, "seq", seqs[i], NULL), PEERREVIEW_OK);
            assert_int_equal(peerreview_row_set_byname(row, "url", "https://x.org", NULL),
                             PEERREVIEW_OK);
        }
        assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
    }
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(peerreview_dataset_validate(ds, NULL, d), PEERREVIEW_EDATA);
    size_t expect = peerreview_diag_count(d);
    assert_true(expect >= 4);
    peerreview_diag_free(d);
    long base = A.live;
    long n;
    for (n = 0;; n++) {
        d = peerreview_diag_new();
        assert_non_null(d);
        arm(n);
        int rc = peerreview_dataset_validate(ds, NULL, d);
        int injected = disarm();
        if (rc != PEERREVIEW_ENOMEM || !injected) {
            if (injected)
                fprintf(stderr, "validate: allocation %ld failed: %s with %zu problems\n", n,
                        peerreview_status_name(rc), peerreview_diag_count(d));
            assert_int_equal(rc, PEERREVIEW_EDATA);
            assert_int_equal(peerreview_diag_count(d), expect);
            peerreview_diag_free(d);
            EXPECT_LIVE(base, n, "validate");
            if (!injected)
                break;
            continue;
        }
        EXPECT_ENOMEM(rc, n, "validate");
        assert_true(has_oom(d));
        peerreview_diag_free(d);
        EXPECT_LIVE(base, n, "validate");
    }
    assert_true(n > 30);
    peerreview_dataset_free(ds);
    EXPECT_LIVE(0, n, "validate");
    alloc_restore();
}

static void test_alloc_flat(void **state)
{
    (void)state;
    alloc_install();
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(SAMPLE_DIR, NULL, NULL, &ds), PEERREVIEW_OK);
    long base = A.live;
    char *tmp = tmp_dir();
    char *flat = path_join(tmp, "flat.csv");
    char *good = path_join(tmp, "good.csv");
    assert_int_equal(peerreview_save(ds, good, NULL, NULL), PEERREVIEW_OK);
    size_t good_len;
    char *good_text = read_file(good, &good_len);
    assert_non_null(good_text);
    write_file(tmp, "flat.csv", "old\r\n", (size_t)-1);
    long n;
    /* save */
    for (n = 0;; n++) {
        peerreview_diag *d = peerreview_diag_new();
        assert_non_null(d);
        arm(n);
        int rc = peerreview_save(ds, flat, NULL, d);
        int injected = disarm();
        assert_int_equal(count_dot_files(tmp), 0);
        size_t len;
        char *text = read_file(flat, &len);
        assert_non_null(text);
        if (rc == PEERREVIEW_OK || !injected) {
            assert_int_equal(rc, PEERREVIEW_OK);
            assert_int_equal(len, good_len);
            assert_memory_equal(text, good_text, len);
            free(text);
            peerreview_diag_free(d);
            EXPECT_LIVE(base, n, "flat save");
            if (!injected)
                break;
            write_file(tmp, "flat.csv", "old\r\n", (size_t)-1);
            continue;
        }
        EXPECT_ENOMEM(rc, n, "flat save");
        assert_true(has_oom(d));
        assert_string_equal(text, "old\r\n");
        free(text);
        peerreview_diag_free(d);
        EXPECT_LIVE(base, n, "flat save");
    }
    assert_true(n > 30);
    /* load */
    for (n = 0;; n++) {
        peerreview_diag *d = peerreview_diag_new();
        assert_non_null(d);
        peerreview_dataset *back = (peerreview_dataset *)&n;
        arm(n);
        int rc = peerreview_load(good, NULL, d, &back);
        int injected = disarm();
        if (rc == PEERREVIEW_OK || !injected) {
            assert_int_equal(rc, PEERREVIEW_OK);
            assert_dataset_equal(ds, back);
            peerreview_dataset_free(back);
            peerreview_diag_free(d);
            EXPECT_LIVE(base, n, "flat load");
            if (!injected)
                break;
            continue;
        }
        EXPECT_ENOMEM(rc, n, "flat load");
        assert_null(back);
        assert_true(has_oom(d));
        peerreview_diag_free(d);
        EXPECT_LIVE(base, n, "flat load");
    }
    assert_true(n > 100);
    free(good_text);
    peerreview_dataset_free(ds);
    EXPECT_LIVE(0, n, "flat");
    alloc_restore();
    rm_rf(tmp);
    free(good);
    free(flat);
    free(tmp);
}

static void test_alloc_reader(void **state)
{
    (void)state;
    alloc_install();
    char *path = path_join(SAMPLE_DIR, "items.csv");
    /* the number of rows */
    peerreview_reader *rd = NULL;
    assert_int_equal(peerreview_reader_open(path, -1, NULL, NULL, &rd), PEERREVIEW_OK);
    int rows = 0, r;
    while ((r = peerreview_reader_next(rd, NULL)) == 1)
        rows++;
    assert_int_equal(r, 0);
    peerreview_reader_free(rd);
    assert_true(rows > 10);
    EXPECT_LIVE(0, 0L, "reader");
    long n;
    for (n = 0;; n++) {
        peerreview_diag *d = peerreview_diag_new();
        assert_non_null(d);
        rd = (peerreview_reader *)&n;
        arm(n);
        int rc = peerreview_reader_open(path, -1, NULL, d, &rd);
        int got = 0;
        r = 0;
        if (rc == PEERREVIEW_OK) {
            while ((r = peerreview_reader_next(rd, d)) == 1)
                got++;
        }
        int injected = disarm();
        if ((rc == PEERREVIEW_OK && r == 0) || !injected) {
            assert_int_equal(rc, PEERREVIEW_OK);
            assert_int_equal(r, 0);
            assert_int_equal(got, rows);
            peerreview_reader_free(rd);
            peerreview_diag_free(d);
            EXPECT_LIVE(0, n, "reader");
            if (!injected)
                break;
            continue;
        }
        if (rc != PEERREVIEW_OK) {
            EXPECT_ENOMEM(rc, n, "reader open");
            assert_null(rd);
        } else {
            EXPECT_ENOMEM(r, n, "reader next");
            assert_true(has_oom(d));
            /* the reader is at its end now */
            assert_true(peerreview_reader_next(rd, d) <= 0);
            peerreview_reader_free(rd);
        }
        peerreview_diag_free(d);
        EXPECT_LIVE(0, n, "reader");
    }
    assert_true(n > 5);
    free(path);
    alloc_restore();
}

/* review_new + set + add_child + add, with a check of "nothing changed" at each failure. */
static int model_ops(peerreview_dataset **out)
{
    *out = NULL;
    peerreview_dataset *ds = peerreview_dataset_new();
    if (!ds)
        return PEERREVIEW_ENOMEM;
    char id[32], text[600];
    memset(text, 'n', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    for (int i = 0; i < 20; i++) {
        peerreview_review *r = peerreview_review_new();
        if (!r) {
            peerreview_dataset_free(ds);
            return PEERREVIEW_ENOMEM;
        }
        snprintf(id, sizeof id, "model-%d", i);
        static const char *const cols[] = {"review_id", "review_type", "stage", "notes",
                                           "provider"};
        const char *vals[] = {id, "corporate", "initial", text, "LGA"};
        int rc = 0;
        for (size_t c = 0; c < 5 && !rc; c++) {
            const char *before = review_str(r, cols[c]);
            rc = peerreview_review_set_byname(r, cols[c], vals[c], NULL);
            if (rc)
                assert_ptr_equal(review_str(r, cols[c]), before);
        }
        peerreview_row *row = NULL;
        if (!rc) {
            rc = peerreview_review_add_child(r, PEERREVIEW_ITEMS, &row);
            if (rc) {
                assert_null(row);
                assert_int_equal(peerreview_review_child_count(r, PEERREVIEW_ITEMS), 0);
            }
        }
        if (!rc)
            rc = peerreview_row_set_byname(row, "kind", "focus", NULL);
        if (!rc)
            rc = peerreview_row_set_byname(row, "text", text, NULL);
        if (!rc) {
            uint64_t g = peerreview_dataset_generation(ds);
            rc = peerreview_dataset_add(ds, r, NULL);
            if (rc) {
                assert_null(peerreview_review_owner(r));
                assert_null(peerreview_dataset_review_byid_mut(ds, id));
                assert_int_equal(peerreview_dataset_count(ds), (size_t)i);
                assert_true(peerreview_dataset_generation(ds) == g);
            }
        }
        if (rc) {
            peerreview_review_free(r);
            peerreview_dataset_free(ds);
            return rc;
        }
    }
    /* rename inside the dataset */
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "model-3");
    int rc = peerreview_review_set_byname(r, "review_id", "renamed-three", NULL);
    if (rc) {
        assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "model-3"), r);
        assert_null(peerreview_dataset_review_byid_mut(ds, "renamed-three"));
        peerreview_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return PEERREVIEW_OK;
}

static void test_alloc_model(void **state)
{
    (void)state;
    alloc_install();
    long n;
    for (n = 0;; n++) {
        peerreview_dataset *ds = (peerreview_dataset *)&n;
        arm(n);
        int rc = model_ops(&ds);
        int injected = disarm();
        if (!injected) {
            assert_int_equal(rc, PEERREVIEW_OK);
            assert_int_equal(peerreview_dataset_count(ds), 20);
            assert_non_null(peerreview_dataset_review_byid_mut(ds, "renamed-three"));
            peerreview_dataset_free(ds);
            EXPECT_LIVE(0, n, "model");
            break;
        }
        EXPECT_ENOMEM(rc, n, "model");
        assert_null(ds);
        EXPECT_LIVE(0, n, "model");
    }
    assert_true(n > 20);
    /* objects that the caller creates */
    arm(0);
    assert_null(peerreview_dataset_new());
    arm(0);
    assert_null(peerreview_review_new());
    arm(1);
    assert_null(peerreview_review_new()); /* its row */
    arm(0);
    assert_null(peerreview_diag_new());
    arm(0);
    assert_null(peerreview_options_new());
    disarm();
    EXPECT_LIVE(0, 0L, "new");
    alloc_restore();
}

/* ------------------------------------------------------------------------ */
/* I/O faults                                                                */
/* ------------------------------------------------------------------------ */

typedef struct fault {
    pr_io_op op;
    int k;     /* fail the k-th call of op (1-based) */
    int err;   /* errno to simulate */
    int count; /* calls of op seen */
    int fired;
    char last_open[4096];  /* last path opened for reading */
    char fired_open[4096]; /* the file being read when the failure fired */
} fault;

static int hook(pr_io_op op, const char *path, void *ctx)
{
    fault *f = ctx;
    if (op == PR_IO_OPEN_READ && path)
        snprintf(f->last_open, sizeof f->last_open, "%s", path);
    if (op != f->op)
        return 0;
    if (++f->count == f->k) {
        f->fired = 1;
        memcpy(f->fired_open, f->last_open, sizeof f->fired_open);
        if (op == PR_IO_OPEN_READ && path)
            snprintf(f->fired_open, sizeof f->fired_open, "%s", path);
        return f->err;
    }
    return 0;
}

static const char *const op_names[] = {"OPEN_READ", "READ",  "MKDIR",  "OPEN_WRITE", "WRITE",
                                       "FSYNC",     "CLOSE", "RENAME", "OPEN_DIR",   "FSYNC_DIR",
                                       "UNLINK",    "RMDIR", "LOCK"};
_Static_assert(sizeof op_names / sizeof op_names[0] == PR_IO_OP_COUNT, "a name per operation");

/* The io-error problem for file (exact path); fails if absent. */
static const peerreview_problem *io_problem(const peerreview_diag *d, const char *file)
{
    for (size_t i = 0; i < peerreview_diag_count(d); i++) {
        const peerreview_problem *p = peerreview_diag_get(d, i);
        const char *pf = peerreview_problem_file(p);
        if (peerreview_problem_code(p) == PEERREVIEW_P_IO_ERROR && pf && strcmp(pf, file) == 0) {
            assert_int_equal(peerreview_problem_severity(p), PEERREVIEW_SEVERITY_ERROR);
            return p;
        }
    }
    fprintf(stderr, "no io-error problem for %s; have:\n", file);
    dump_diag(d);
    fail();
    return NULL;
}

/* What the next load or save does first: complete a committed save, remove leftovers. */
static void recover(const char *dir)
{
    pr_sink sink;
    pr_sink_init(&sink, NULL, 100);
    assert_int_equal(pr_tx_recover(dir, package_files, 7, &sink), 0);
}

/*
 * Fail the k-th call of op in a package save, for k = 1, 2, ... until the
 * save makes fewer calls: the save reports it, and the package is wholly
 * old (failure before the commit point: nothing was changed and nothing is
 * left) or, once the record is written, wholly new after recovery.
 */
static void save_faults(const peerreview_dataset *ds, pr_io_op op, int expect_calls)
{
    int k;
    for (k = 1;; k++) {
        char *tmp = tmp_dir();
        write_old(tmp);
        peerreview_diag *d = peerreview_diag_new();
        assert_non_null(d);
        fault f;
        memset(&f, 0, sizeof f);
        f.op = op;
        f.k = k;
        f.err = EIO;
        int fds = count_fds();
        pr_io_set_fault(hook, &f);
        int rc = peerreview_save(ds, tmp, NULL, d);
        pr_io_set_fault(NULL, NULL);
        assert_int_equal(count_fds(), fds);
        if (!f.fired) {
            assert_int_equal(rc, PEERREVIEW_OK);
            if (f.count != expect_calls)
                fprintf(stderr, "%s: %d calls, expected %d\n", op_names[op], f.count, expect_calls);
            assert_int_equal(f.count, expect_calls);
            assert_all(tmp, 1);
            assert_int_equal(count_dot_files(tmp), 0);
            peerreview_diag_free(d);
            rm_rf(tmp);
            free(tmp);
            break;
        }
        char *record = path_join(tmp, ".peerreview-commit");
        int committed = access(record, F_OK) == 0;
        free(record);
        if (rc == PEERREVIEW_OK) {
            /* only removing the record may fail and still leave a good save */
            assert_int_equal(op == PR_IO_UNLINK || op == PR_IO_OPEN_DIR || op == PR_IO_FSYNC_DIR,
                             1);
            assert_all(tmp, 1);
        } else {
            if (rc != PEERREVIEW_EIO)
                fprintf(stderr, "%s #%d: %s\n", op_names[op], k, peerreview_status_name(rc));
            assert_int_equal(rc, PEERREVIEW_EIO);
            int at = find_code(d, PEERREVIEW_P_IO_ERROR);
            assert_true(at >= 0);
            const char *msg = peerreview_problem_message(peerreview_diag_get(d, (size_t)at));
            assert_non_null(strstr(msg, strerror(EIO)));
            /* before the commit point nothing changed and nothing is left */
            if (!committed && strstr(msg, "nothing was changed")) {
                assert_all(tmp, 0);
                assert_int_equal(count_dot_files(tmp), 0);
            }
        }
        /* whatever the disk holds now, the next load or save sees one package */
        recover(tmp);
        assert_int_equal(count_dot_files(tmp), 0);
        int state = old_or_new(tmp, 0);
        assert_all(tmp, state);
        if (committed)
            assert_int_equal(state, 1);
        peerreview_diag_free(d);
        rm_rf(tmp);
        free(tmp);
    }
    assert_int_equal(k, expect_calls + 1);
}

static void test_io_save(void **state)
{
    (void)state;
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(SAMPLE_DIR, NULL, NULL, &ds), PEERREVIEW_OK);
    /* seven files and the commit record */
    save_faults(ds, PR_IO_OPEN_WRITE, 8);
    save_faults(ds, PR_IO_WRITE, 8);
    save_faults(ds, PR_IO_FSYNC, 8);
    save_faults(ds, PR_IO_CLOSE, 8);
    save_faults(ds, PR_IO_RENAME, 8);
    /* the leftovers' scan and three syncs: after the record, the renames and its removal */
    save_faults(ds, PR_IO_OPEN_DIR, 4);
    save_faults(ds, PR_IO_FSYNC_DIR, 3);
    save_faults(ds, PR_IO_UNLINK, 1);
    save_faults(ds, PR_IO_LOCK, 1);
    peerreview_dataset_free(ds);
}

/* A failure after some files were replaced must not claim that nothing changed. */
static void test_io_message_after_rename(void **state)
{
    (void)state;
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(SAMPLE_DIR, NULL, NULL, &ds), PEERREVIEW_OK);
    static const struct {
        pr_io_op op;
        int k;
    } cases[] = {{PR_IO_RENAME, 3}, {PR_IO_RENAME, 8}, {PR_IO_FSYNC_DIR, 2}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *tmp = tmp_dir();
        write_old(tmp);
        peerreview_diag *d = peerreview_diag_new();
        fault f;
        memset(&f, 0, sizeof f);
        f.op = cases[i].op;
        f.k = cases[i].k;
        f.err = EIO;
        pr_io_set_fault(hook, &f);
        int rc = peerreview_save(ds, tmp, NULL, d);
        pr_io_set_fault(NULL, NULL);
        assert_int_equal(rc, PEERREVIEW_EIO);
        assert_int_equal(old_or_new(tmp, 0), 1); /* reviews.csv was replaced */
        int at = find_code(d, PEERREVIEW_P_IO_ERROR);
        assert_true(at >= 0);
        const char *msg = peerreview_problem_message(peerreview_diag_get(d, (size_t)at));
        if (strstr(msg, "nothing was changed"))
            fprintf(stderr, "%s #%d: misleading message: %s\n", op_names[f.op], f.k, msg);
        assert_null(strstr(msg, "nothing was changed"));
        peerreview_diag_free(d);
        rm_rf(tmp);
        free(tmp);
    }
    peerreview_dataset_free(ds);
}

static void test_io_mkdir(void **state)
{
    (void)state;
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(SAMPLE_DIR, NULL, NULL, &ds), PEERREVIEW_OK);
    char *tmp = tmp_dir();
    char *out = path_join(tmp, "new-package");
    peerreview_diag *d = peerreview_diag_new();
    fault f;
    memset(&f, 0, sizeof f);
    f.op = PR_IO_MKDIR;
    f.k = 1;
    f.err = EACCES;
    pr_io_set_fault(hook, &f);
    int rc = peerreview_save(ds, out, NULL, d);
    pr_io_set_fault(NULL, NULL);
    assert_true(f.fired);
    assert_int_equal(rc, PEERREVIEW_EIO);
    const peerreview_problem *p = io_problem(d, out);
    assert_non_null(strstr(peerreview_problem_message(p), strerror(EACCES)));
    assert_int_equal(access(out, F_OK), -1);
    assert_int_equal(count_dot_files(tmp), 0);
    /* the second time there is one mkdir and it works */
    memset(&f, 0, sizeof f);
    f.op = PR_IO_MKDIR;
    f.k = 2;
    f.err = EIO;
    pr_io_set_fault(hook, &f);
    rc = peerreview_save(ds, out, NULL, NULL);
    pr_io_set_fault(NULL, NULL);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(f.count, 1);
    assert_same_package(SAMPLE_DIR, out);
    peerreview_diag_free(d);
    peerreview_dataset_free(ds);
    rm_rf(tmp);
    free(out);
    free(tmp);
}

static void test_io_enospc(void **state)
{
    (void)state;
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(SAMPLE_DIR, NULL, NULL, &ds), PEERREVIEW_OK);
    char *tmp = tmp_dir();
    write_old(tmp);
    for (int k = 1; k <= 7; k++) {
        peerreview_diag *d = peerreview_diag_new();
        fault f;
        memset(&f, 0, sizeof f);
        f.op = PR_IO_WRITE;
        f.k = k;
        f.err = ENOSPC;
        pr_io_set_fault(hook, &f);
        int rc = peerreview_save(ds, tmp, NULL, d);
        pr_io_set_fault(NULL, NULL);
        assert_true(f.fired);
        assert_int_equal(rc, PEERREVIEW_EIO);
        char *file = path_join(tmp, package_files[k - 1]);
        const peerreview_problem *p = io_problem(d, file);
        assert_non_null(strstr(peerreview_problem_message(p), strerror(ENOSPC)));
        free(file);
        assert_all(tmp, 0);
        assert_int_equal(count_dot_files(tmp), 0);
        peerreview_diag_free(d);
    }
    /* the flat form too */
    write_file(tmp, "flat.csv", "old flat\r\n", (size_t)-1);
    char *flat = path_join(tmp, "flat.csv");
    peerreview_diag *d = peerreview_diag_new();
    fault f;
    memset(&f, 0, sizeof f);
    f.op = PR_IO_WRITE;
    f.k = 1;
    f.err = ENOSPC;
    pr_io_set_fault(hook, &f);
    int rc = peerreview_save(ds, flat, NULL, d);
    pr_io_set_fault(NULL, NULL);
    assert_int_equal(rc, PEERREVIEW_EIO);
    io_problem(d, flat);
    char *text = read_file(flat, NULL);
    assert_string_equal(text, "old flat\r\n");
    free(text);
    assert_int_equal(count_dot_files(tmp), 0);
    peerreview_diag_free(d);
    free(flat);
    peerreview_dataset_free(ds);
    rm_rf(tmp);
    free(tmp);
}

/* EIO on every read (and open) during a load: the load fails with io-error. */
static void load_faults(pr_io_op op, const char *path)
{
    int k, bad = 0;
    for (k = 1;; k++) {
        peerreview_diag *d = peerreview_diag_new();
        peerreview_dataset *ds = (peerreview_dataset *)&k;
        fault f;
        memset(&f, 0, sizeof f);
        f.op = op;
        f.k = k;
        f.err = EIO;
        int fds = count_fds();
        pr_io_set_fault(hook, &f);
        int rc = peerreview_load(path, NULL, d, &ds);
        pr_io_set_fault(NULL, NULL);
        assert_int_equal(count_fds(), fds);
        if (!f.fired) {
            assert_int_equal(rc, PEERREVIEW_OK);
            peerreview_dataset_free(ds);
            peerreview_diag_free(d);
            break;
        }
        if (rc != PEERREVIEW_EIO) {
            /* go on, to report every point that fails */
            fprintf(stderr, "%s #%d (file %s): %s, expected PEERREVIEW_EIO\n", op_names[op], k,
                    f.fired_open, peerreview_status_name(rc));
            dump_diag(d);
            bad++;
            peerreview_dataset_free(ds);
            peerreview_diag_free(d);
            continue;
        }
        assert_null(ds);
        const peerreview_problem *p = io_problem(d, f.fired_open);
        assert_non_null(strstr(peerreview_problem_message(p), strerror(EIO)));
        peerreview_diag_free(d);
    }
    assert_int_equal(bad, 0);
    assert_true(k > 2);
}

static void test_io_load_read(void **state)
{
    (void)state;
    load_faults(PR_IO_READ, SAMPLE_DIR);
}

static void test_io_load_open(void **state)
{
    (void)state;
    load_faults(PR_IO_OPEN_READ, SAMPLE_DIR);
}

static void test_io_load_flat(void **state)
{
    (void)state;
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(SAMPLE_DIR, NULL, NULL, &ds), PEERREVIEW_OK);
    char *tmp = tmp_dir();
    char *flat = path_join(tmp, "sample.csv");
    assert_int_equal(peerreview_save(ds, flat, NULL, NULL), PEERREVIEW_OK);
    load_faults(PR_IO_READ, flat);
    peerreview_dataset_free(ds);
    rm_rf(tmp);
    free(flat);
    free(tmp);
}

/* Whatever happened in a test: default allocator, no fault hook. */
static int teardown(void **state)
{
    (void)state;
    alloc_restore();
    pr_io_set_fault(NULL, NULL);
    return 0;
}

int main(void)
{
    /* the save tests sync many files: use a RAM file system when there is one */
    struct stat st;
    if (!getenv("TMPDIR") && stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
        access("/dev/shm", W_OK) == 0)
        setenv("TMPDIR", "/dev/shm", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_alloc_load, teardown),
        cmocka_unit_test_teardown(test_alloc_save, teardown),
        cmocka_unit_test_teardown(test_alloc_save_invalid, teardown),
        cmocka_unit_test_teardown(test_alloc_validate, teardown),
        cmocka_unit_test_teardown(test_alloc_flat, teardown),
        cmocka_unit_test_teardown(test_alloc_reader, teardown),
        cmocka_unit_test_teardown(test_alloc_model, teardown),
        cmocka_unit_test_teardown(test_io_save, teardown),
        cmocka_unit_test_teardown(test_io_message_after_rename, teardown),
        cmocka_unit_test_teardown(test_io_mkdir, teardown),
        cmocka_unit_test_teardown(test_io_enospc, teardown),
        cmocka_unit_test_teardown(test_io_load_read, teardown),
        cmocka_unit_test_teardown(test_io_load_open, teardown),
        cmocka_unit_test_teardown(test_io_load_flat, teardown),
    };
    /* every temporary folder goes under one root, removed at the end even after a failure */
    char *root = tmp_dir();
    setenv("TMPDIR", root, 1);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rm_rf(root);
    free(root);
    return rc;
}
