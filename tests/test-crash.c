/*
 * Issue 8: a package is replaced as a whole. The process saving is stopped
 * (_exit from the I/O seam) before each file system call of a save, in
 * turn, and a real `peerreview convert` is killed (SIGKILL) at random
 * moments; after each, loading the target gives exactly the old dataset or
 * exactly the new one, files that are not the package's are untouched, and
 * the next save leaves no temporary file.
 *
 * Environment: PEERREVIEW (the tool; default tools/peerreview of the build
 * tree), CRASH_KILLS (kills, default 200), CRASH_SECONDS (bound on the kill
 * test, default 40).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "io.h"
#include "model.h"

#define CRASHED 42 /* exit status of a child stopped at its crash point */

/* ---- a dataset as comparable bytes: every table, and the descriptor's title ---- */

typedef struct snap {
    char *t[PEERREVIEW_TABLE_COUNT];
    size_t len[PEERREVIEW_TABLE_COUNT];
    char *title;
} snap;

static void snap_take(snap *s, const peerreview_dataset *ds)
{
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++)
        assert_int_equal(peerreview_render(ds, t, NULL, NULL, &s->t[t], &s->len[t]), 0);
    s->title = ds->meta_title ? strdup(ds->meta_title) : NULL;
}

static void snap_free(snap *s)
{
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++)
        peerreview_free(s->t[t]);
    free(s->title);
}

static int snap_equal(const snap *a, const snap *b)
{
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++)
        if (a->len[t] != b->len[t] || memcmp(a->t[t], b->t[t], a->len[t]) != 0)
            return 0;
    return (!a->title && !b->title) || (a->title && b->title && !strcmp(a->title, b->title));
}

/* ---- the stop: _exit before the n-th call of one kind ---- */

static struct {
    pr_io_op op;
    int n, count;
} stop;

static int stop_hook(pr_io_op op, const char *path, void *ctx)
{
    (void)path;
    (void)ctx;
    if (op == stop.op && ++stop.count == stop.n)
        _exit(CRASHED);
    return 0;
}

/* Loads may not rename or remove anything: they must read through a record. */
static int readonly_hook(pr_io_op op, const char *path, void *ctx)
{
    (void)path;
    (void)ctx;
    return op == PR_IO_RENAME || op == PR_IO_UNLINK ? EACCES : 0;
}

/* Save ds to path in a child stopped at the n-th call of op: CRASHED, 0 (not reached), or 1. */
static int save_until(const peerreview_dataset *ds, const char *path, pr_io_op op, int n)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        stop.op = op;
        stop.n = n;
        stop.count = 0;
        pr_io_set_fault(stop_hook, NULL);
        _exit(peerreview_save(ds, path, NULL, NULL) == PEERREVIEW_OK ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* 0 old, 1 new, 2 nothing loads (a new folder never made); fails on anything else. */
static int which(const char *path, const snap *old, const snap *new, int readonly)
{
    peerreview_dataset *ds = NULL;
    if (readonly)
        pr_io_set_fault(readonly_hook, NULL);
    int rc = peerreview_load(path, NULL, NULL, &ds);
    pr_io_set_fault(NULL, NULL);
    if (rc != PEERREVIEW_OK) {
        if (!old)
            return 2;
        peerreview_diag *d = peerreview_diag_new();
        peerreview_load(path, NULL, d, &ds);
        dump_diag(d);
        peerreview_diag_free(d);
        fail_msg("%s does not load after a crash (%s)", path, peerreview_status_name(rc));
    }
    snap s;
    snap_take(&s, ds);
    peerreview_dataset_free(ds);
    int r = old && snap_equal(&s, old) ? 0 : snap_equal(&s, new) ? 1 : -1;
    snap_free(&s);
    if (r < 0)
        fail_msg("%s is neither the old nor the new dataset: a mix", path);
    return r;
}

/* Names in dir that start with '.', other than keep. */
static int stray_files(const char *dir, const char *keep)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep '^\\.' | grep -v -x '%s' | grep -q .", dir, keep);
    return system(cmd) == 0;
}

/* The old package, and things in its folder that are not the package's. */
static void make_old(const char *dir, const peerreview_dataset *old)
{
    save_ok(old, dir, NULL);
    write_file(dir, "README.md", "Our register, kept by hand.\n", (size_t)-1);
    char *git = path_join(dir, ".git");
    assert_int_equal(mkdir(git, 0777), 0);
    write_file(git, "HEAD", "ref: refs/heads/main\n", (size_t)-1);
    free(git);
}

static void foreign_untouched(const char *dir)
{
    char *readme = path_join(dir, "README.md");
    char *head = path_join(dir, ".git/HEAD");
    char *a = read_file(readme, NULL), *b = read_file(head, NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, "Our register, kept by hand.\n");
    assert_string_equal(b, "ref: refs/heads/main\n");
    free(a);
    free(b);
    free(readme);
    free(head);
}

/* The sample, changed in every table and in its title: the new dataset. */
static peerreview_dataset *changed_sample(void)
{
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    peerreview_review *r = peerreview_dataset_review_byindex_mut(ds, 0);
    assert_int_equal(peerreview_review_set_byname(r, "notes", "Changed by the crash test", NULL),
                     0);
    for (int t = PEERREVIEW_REVIEW_COUNCILS; t < PEERREVIEW_TABLE_COUNT; t++) {
        /* drop the first row of each child table that has one */
        for (size_t i = 0; i < peerreview_dataset_count(ds); i++) {
            peerreview_review *x = peerreview_dataset_review_byindex_mut(ds, i);
            if (peerreview_review_child_count(x, t) > 1) {
                size_t last = peerreview_review_child_count(x, t) - 1;
                assert_int_equal(peerreview_review_remove_child(x, t, last), 0);
                break;
            }
        }
    }
    free(ds->meta_title);
    ds->meta_title = strdup("New title from the crash test");
    return ds;
}

static const pr_io_op walked[] = {PR_IO_MKDIR,    PR_IO_OPEN_WRITE, PR_IO_WRITE,  PR_IO_FSYNC,
                                  PR_IO_CLOSE,    PR_IO_RENAME,     PR_IO_UNLINK, PR_IO_RMDIR,
                                  PR_IO_OPEN_DIR, PR_IO_FSYNC_DIR,  PR_IO_LOCK,   PR_IO_OPEN_READ};

/*
 * Walk every crash point of a save of new into target (made by make: the
 * old state; may be NULL for a target that does not exist yet).
 */
static int walk(const char *target, const peerreview_dataset *newds, const snap *old,
                const snap *new, void (*make)(const char *, const peerreview_dataset *),
                const peerreview_dataset *oldds, const char *keep, int *olds, int *news)
{
    int points = 0;
    for (size_t k = 0; k < sizeof walked / sizeof walked[0]; k++) {
        for (int n = 1;; n++) {
            if (make)
                make(target, oldds);
            int r = save_until(newds, target, walked[k], n);
            if (r == 1)
                fail_msg("the save failed without a crash (op %d, call %d)", (int)walked[k], n);
            if (r == 0) { /* fewer calls than n: this kind is walked */
                assert_int_equal(which(target, old, new, 0), 1);
                rm_rf(target);
                break;
            }
            points++;
            /* a reader that may not change anything sees one dataset ... */
            int seen = which(target, old, new, 1);
            /* ... the same one as a reader that completes the save first */
            assert_int_equal(which(target, old, new, 0), seen);
            *olds += seen == 0 || seen == 2;
            *news += seen == 1;
            if (make == make_old)
                foreign_untouched(target);
            /* and the next save completes and leaves nothing behind */
            save_ok(newds, target, NULL);
            assert_int_equal(which(target, old, new, 0), 1);
            struct stat st;
            if (stat(target, &st) == 0 && S_ISDIR(st.st_mode))
                assert_false(stray_files(target, keep));
            else {
                char *dir = pr_io_dir_of(target);
                assert_false(stray_files(dir, "pkg"));
                free(dir);
            }
            rm_rf(target);
        }
    }
    return points;
}

static void make_flat(const char *path, const peerreview_dataset *old)
{
    save_ok(old, path, NULL);
}

static void test_crash_points(void **state)
{
    (void)state;
    peerreview_dataset *oldds = load_ok(SAMPLE_DIR, NULL);
    free(oldds->meta_title);
    oldds->meta_title = strdup("Old title");
    peerreview_dataset *newds = changed_sample();
    snap old, new;
    snap_take(&old, oldds);
    snap_take(&new, newds);
    assert_false(snap_equal(&old, &new));
    char *dir = tmp_dir();
    char *pkg = path_join(dir, "pkg");
    char *flat = path_join(dir, "register.csv");
    int olds = 0, news = 0;
    /* over an existing package, with a README and a .git folder beside it */
    int p1 = walk(pkg, newds, &old, &new, make_old, oldds, ".git", &olds, &news);
    /* into a folder that does not exist yet */
    int p2 = walk(pkg, newds, NULL, &new, NULL, NULL, ".git", &olds, &news);
    /* the flat form: one file, temporary file and rename (it has no descriptor title) */
    free(old.title);
    free(new.title);
    old.title = new.title = NULL;
    int p3 = walk(flat, newds, &old, &new, make_flat, oldds, ".git", &olds, &news);
    printf("crash points walked: %d over a package, %d into a new folder, %d of a flat file; "
           "afterwards %d read as the old dataset, %d as the new, none as a mix\n",
           p1, p2, p3, olds, news);
    assert_true(p1 > 40);
    assert_true(olds > 0 && news > 0);
    snap_free(&old);
    snap_free(&new);
    free(flat);
    free(pkg);
    rm_rf(dir);
    free(dir);
    peerreview_dataset_free(oldds);
    peerreview_dataset_free(newds);
}

/* ---- SIGKILL of a real `peerreview convert` ---- */

/* The sample k times over (ids suffixed), notes marked with tag: a package of some size. */
static peerreview_dataset *big(int copies, const char *tag)
{
    peerreview_dataset *src = load_ok(SAMPLE_DIR, NULL);
    peerreview_dataset *ds = peerreview_dataset_new();
    for (int k = 0; k < copies; k++) {
        for (size_t i = 0; i < peerreview_dataset_count(src); i++) {
            const peerreview_review *r = peerreview_dataset_review_byindex_mut(src, i);
            peerreview_review *c = peerreview_review_new();
            char buf[256];
            for (size_t col = 0; col < peerreview_column_count(PEERREVIEW_REVIEWS); col++) {
                const char *v = review_str_at(r, col);
                const char *name = peerreview_column_name(PEERREVIEW_REVIEWS, col);
                if (v && (!strcmp(name, "review_id") || !strcmp(name, "parent_review_id"))) {
                    snprintf(buf, sizeof buf, "%s-x%d", v, k);
                    v = buf;
                } else if (!strcmp(name, "notes")) {
                    snprintf(buf, sizeof buf, "%s %d", tag, k);
                    v = buf;
                }
                assert_int_equal(peerreview_review_set_byindex(c, col, v, NULL), 0);
            }
            for (int t = PEERREVIEW_REVIEW_COUNCILS; t < PEERREVIEW_TABLE_COUNT; t++) {
                for (size_t j = 0; j < peerreview_review_child_count(r, t); j++) {
                    const peerreview_row *row = peerreview_review_child_byindex(r, t, j);
                    peerreview_row *nrow;
                    assert_int_equal(peerreview_review_add_child(c, t, &nrow), 0);
                    for (size_t col = 1; col < peerreview_column_count(t); col++)
                        assert_int_equal(
                            peerreview_row_set_byindex(nrow, col, row_str_at(row, col), NULL), 0);
                }
            }
            assert_int_equal(peerreview_dataset_add(ds, c, NULL), 0);
        }
    }
    peerreview_dataset_free(src);
    return ds;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *tool(void)
{
    const char *t = getenv("PEERREVIEW");
    return t && *t ? t : "tools/peerreview";
}

/* Run `peerreview convert from to`, killed after delay seconds (<0: never). 1 if it finished. */
static int convert_killed(const char *from, const char *to, double delay)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(tool(), tool(), "convert", from, to, (char *)NULL);
        _exit(127);
    }
    if (delay >= 0) {
        struct timespec ts = {(time_t)delay, (long)((delay - (double)(time_t)delay) * 1e9)};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        fail_msg("cannot run %s", tool());
    if (WIFEXITED(status))
        assert_int_equal(WEXITSTATUS(status), 0);
    return WIFEXITED(status);
}

static void test_sigkill_convert(void **state)
{
    (void)state;
    if (access(tool(), X_OK) != 0) {
        printf("no %s: skipping the kill test\n", tool());
        skip();
    }
    int kills = getenv("CRASH_KILLS") ? atoi(getenv("CRASH_KILLS")) : 200;
    double bound = getenv("CRASH_SECONDS") ? atof(getenv("CRASH_SECONDS")) : 40;
    peerreview_dataset *a = big(20, "old");
    peerreview_dataset *b = big(20, "new");
    snap old, new;
    snap_take(&old, a);
    snap_take(&new, b);
    char *dir = tmp_dir();
    char *src = path_join(dir, "new-source");
    char *pkg = path_join(dir, "pkg");
    save_ok(b, src, NULL);
    /* how long a whole convert takes here: the quickest of three */
    double full = 1e9;
    for (int i = 0; i < 3; i++) {
        rm_rf(pkg);
        make_old(pkg, a);
        double t0 = now();
        assert_true(convert_killed(src, pkg, -1));
        if (now() - t0 < full)
            full = now() - t0;
    }
    unsigned seed = 12345;
    double scale = 1.1;
    int done = 0, finished = 0, olds = 0, news = 0;
    double start = now();
    for (; done - finished < kills && now() - start < bound; done++) {
        rm_rf(pkg);
        make_old(pkg, a);
        seed = seed * 1103515245u + 12345u;
        double delay = full * scale * ((seed >> 8) % 10000) / 10000.0;
        int ran = convert_killed(src, pkg, delay);
        finished += ran;
        /* keep the kills spread over the whole run, to its end, on a machine
           whose speed changes: stretch while every run is killed, shrink when
           runs finish first */
        scale *= ran ? 0.95 : 1.01;
        int seen = which(pkg, &old, &new, 0);
        olds += seen == 0;
        news += seen == 1;
        foreign_untouched(pkg);
    }
    /* the next save leaves nothing behind */
    save_ok(b, pkg, NULL);
    assert_false(stray_files(pkg, ".git"));
    printf("SIGKILL of peerreview convert (%.0f ms each, %zu-byte package): %d kills in %.1f s, "
           "%d finished first; afterwards %d read as the old dataset, %d as the new, none as a "
           "mix\n",
           full * 1000, old.len[PEERREVIEW_ITEMS] + old.len[PEERREVIEW_REVIEWS], done - finished,
           now() - start, finished, olds, news);
    /* most kills land inside the save; a slow or busy machine may finish a few first */
    assert_true(done - finished >= done / 2);
    /* with enough runs both outcomes occur (a short run, as under valgrind, may see one) */
    if (done >= 100)
        assert_true(olds > 0 && news > 0);
    snap_free(&old);
    snap_free(&new);
    free(src);
    free(pkg);
    rm_rf(dir);
    free(dir);
    peerreview_dataset_free(a);
    peerreview_dataset_free(b);
}

int main(void)
{
    /* many saves: use a RAM file system when there is one (a kill is not a power cut) */
    struct stat st;
    if (!getenv("TMPDIR") && stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
        access("/dev/shm", W_OK) == 0)
        setenv("TMPDIR", "/dev/shm", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crash_points),
        cmocka_unit_test(test_sigkill_convert),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
