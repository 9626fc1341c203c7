/*
 * Issue 8: hostile inputs cost bounded time and memory. Each case is
 * validated in a child process; the child's peak memory (ru_maxrss) and
 * wall time are measured, printed, and the memory checked against a bound
 * (time only against a 60 s guard: this machine is shared). Each case must
 * end with exactly one clear problem. Not run under valgrind (the sizes are
 * the point); the bounds are documented in doc/reliability.md.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

typedef struct result {
    int rc;
    size_t count;
    int code;
    char line[512];
    double seconds;
    long maxrss_kb;
} result;

static char *dir;
static long base_kb; /* a child validating the sample */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Validate path in a child; its status, problems, time and peak memory. */
static result run(const char *path)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    double t0 = now();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        alarm(60); /* a hang fails the test instead of stopping it */
        result r;
        memset(&r, 0, sizeof r);
        peerreview_diag *d = peerreview_diag_new();
        r.rc = peerreview_validate_path(path, NULL, d);
        r.count = peerreview_diag_count(d);
        r.code = r.count ? (int)peerreview_problem_code(peerreview_diag_get(d, 0)) : -1;
        if (r.count)
            peerreview_problem_format(peerreview_diag_get(d, 0), r.line, sizeof r.line);
        peerreview_diag_free(d);
        if (write(fds[1], &r, sizeof r) != (ssize_t)sizeof r)
            _exit(2);
        _exit(0);
    }
    close(fds[1]);
    result r;
    memset(&r, 0, sizeof r);
    ssize_t got = read(fds[0], &r, sizeof r);
    close(fds[0]);
    int status;
    struct rusage ru;
    assert_int_equal(wait4(pid, &status, 0, &ru), pid);
    r.seconds = now() - t0;
    r.maxrss_kb = ru.ru_maxrss;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got != (ssize_t)sizeof r)
        fail_msg("%s: the child did not finish (status %d): a crash or a hang", path, status);
    return r;
}

/* One problem with this code, within mb megabytes above the baseline. */
static void expect(const char *name, const char *path, peerreview_code code, long mb)
{
    result r = run(path);
    long extra = r.maxrss_kb - base_kb;
    printf("%-34s %-18s %7.2f s %7.1f MB peak (%+.1f MB)\n  %s\n", name,
           r.code >= 0 ? peerreview_code_name(r.code) : "(none)", r.seconds,
           (double)r.maxrss_kb / 1024, (double)extra / 1024, r.line);
    if (r.count != 1 || r.code != (int)code)
        fail_msg("%s: %zu problems, the first %s; expected one %s", name, r.count,
                 r.code >= 0 ? peerreview_code_name(r.code) : "(none)", peerreview_code_name(code));
    assert_true(r.rc != PEERREVIEW_OK);
    long bound = mb * 1024 * (SANITIZED ? 4 : 1);
    if (extra > bound)
        fail_msg("%s: %ld KB above the baseline, over the bound of %ld KB", name, extra, bound);
}

/* Write n bytes of c to fd, in blocks. */
static void fill(int fd, char c, size_t n)
{
    static char block[1 << 16];
    memset(block, c, sizeof block);
    while (n) {
        size_t k = n < sizeof block ? n : sizeof block;
        assert_int_equal(write(fd, block, k), (ssize_t)k);
        n -= k;
    }
}

static char *make(const char *name, const char *head)
{
    char *p = path_join(dir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, head, strlen(head)), (ssize_t)strlen(head));
    close(fd);
    return p;
}

static int reopen(const char *p)
{
    int fd = open(p, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    return fd;
}

static void test_hostile_inputs(void **state)
{
    (void)state;
    base_kb = run(SAMPLE_DIR).maxrss_kb;
    printf("baseline: validating the sample peaks at %.1f MB%s\n", (double)base_kb / 1024,
           SANITIZED ? " (sanitizer build: memory bounds x4)" : "");

    /* a 2 GB field: rejected at the field limit (1 MiB); the rest is never read */
    peerreview_dataset *sample = load_ok(SAMPLE_DIR, NULL);
    char *flat;
    size_t flen;
    assert_int_equal(peerreview_render(sample, -1, NULL, NULL, &flat, &flen), 0);
    peerreview_dataset_free(sample);
    *strchr(flat, '\r') = '\0'; /* the flat form's header */
    char *head = malloc(strlen(flat) + 8);
    sprintf(head, "%s\nx,", flat);
    peerreview_free(flat);
    char *p = make("field.csv", head);
    free(head);
    int fd = reopen(p);
    fill(fd, 'a', 4u << 20);
    assert_int_equal(ftruncate(fd, (off_t)2 << 30), 0); /* 2 GB; the end is a hole */
    close(fd);
    expect("a 2 GB field", p, PEERREVIEW_P_FIELD_TOO_LONG, 16);
    free(p);

    /* a header of 1,000,000 columns */
    p = make("columns.csv", "");
    fd = reopen(p);
    for (int i = 0; i < 1000000; i++)
        assert_int_equal(write(fd, "a,", 2), 2);
    assert_int_equal(write(fd, "a\n", 2), 2);
    close(fd);
    expect("a header of 1,000,000 columns", p, PEERREVIEW_P_TOO_MANY_FIELDS, 16);
    free(p);

    /* a 100 MB line: as the header, and as a data row of many fields */
    p = make("longline.csv", "");
    fd = reopen(p);
    fill(fd, 'a', 100u << 20);
    close(fd);
    expect("a 100 MB first line", p, PEERREVIEW_P_FIELD_TOO_LONG, 16);
    free(p);
    char *pkg = path_join(dir, "pkg");
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    save_ok(ds, pkg, NULL);
    peerreview_dataset_free(ds);
    char *items = path_join(pkg, "items.csv");
    fd = open(items, O_WRONLY | O_TRUNC);
    const char *hdr = "review_id,kind,seq,text\ne10000034-csg-2015-04,other,1,";
    assert_int_equal(write(fd, hdr, strlen(hdr)), (ssize_t)strlen(hdr));
    static char row[1 << 16];
    for (size_t i = 0; i < sizeof row; i += 2)
        memcpy(row + i, "b,", 2);
    for (int i = 0; i < 1600; i++) /* 100 MB */
        assert_int_equal(write(fd, row, sizeof row), (ssize_t)sizeof row);
    close(fd);
    expect("a 100 MB data row", pkg, PEERREVIEW_P_TOO_MANY_FIELDS, 16);

    /* 10 million tiny rows: the record limit (1 million, all tables together) */
    fd = open(items, O_WRONLY | O_TRUNC);
    FILE *f = fdopen(fd, "w");
    fputs("review_id,kind,seq,text\n", f);
    for (int i = 1; i <= 10000000; i++)
        fprintf(f, "e10000034-csg-2015-04,other,%d,t\n", i);
    assert_int_equal(fclose(f), 0);
    expect("10 million tiny rows", pkg, PEERREVIEW_P_TOO_MANY_RECORDS, 256);
    free(items);

    /* /dev/zero, a folder named reviews.csv, a loop of links, a FIFO with no writer */
    expect("/dev/zero", "/dev/zero", PEERREVIEW_P_IO_ERROR, 8);
    char *odd = path_join(dir, "odd");
    assert_int_equal(mkdir(odd, 0777), 0);
    copy_sample(odd);
    char *reviews = path_join(odd, "reviews.csv");
    assert_int_equal(unlink(reviews), 0);
    assert_int_equal(mkdir(reviews, 0777), 0);
    expect("a folder named reviews.csv", odd, PEERREVIEW_P_IO_ERROR, 8);
    rm_rf(reviews);
    assert_int_equal(symlink("loop-b", reviews), 0);
    char *b = path_join(odd, "loop-b");
    assert_int_equal(symlink("reviews.csv", b), 0);
    expect("reviews.csv in a loop of links", odd, PEERREVIEW_P_IO_ERROR, 8);
    unlink(reviews);
    unlink(b);
    free(b);
    assert_int_equal(mkfifo(reviews, 0600), 0);
    expect("a FIFO with no writer", reviews, PEERREVIEW_P_IO_ERROR, 8);
    unlink(reviews);
    free(reviews);
    rm_rf(odd);
    free(odd);

    /* a 50 MB datapackage.json of nested arrays */
    char *big = path_join(dir, "bigdesc");
    ds = load_ok(SAMPLE_DIR, NULL);
    save_ok(ds, big, NULL);
    peerreview_dataset_free(ds);
    char *desc = path_join(big, "datapackage.json");
    fd = open(desc, O_WRONLY | O_TRUNC);
    fill(fd, '[', 25u << 20);
    fill(fd, ']', 25u << 20);
    close(fd);
    expect("a 50 MB datapackage.json", big, PEERREVIEW_P_BAD_DESCRIPTOR, 16);
    free(desc);
    rm_rf(big);
    free(big);

    /* a file name with a line break: one problem, printed on one line */
    char *nl = path_join(dir, "bad\nname.csv");
    write_file(dir, "bad\nname.csv", "review_id\n", (size_t)-1);
    result r = run(nl);
    assert_null(strchr(r.line, '\n'));
    assert_non_null(strstr(r.line, "bad\\nname.csv"));
    printf("%-34s %-18s %7.2f s\n  %s\n", "a file name with a line break",
           peerreview_code_name(r.code), r.seconds, r.line);
    free(nl);
    rm_rf(pkg);
    free(pkg);
}

int main(void)
{
    /* the big files live in RAM when there is a RAM file system */
    struct stat st;
    if (!getenv("TMPDIR") && stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
        access("/dev/shm", W_OK) == 0)
        setenv("TMPDIR", "/dev/shm", 1);
    dir = tmp_dir();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_hostile_inputs)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rm_rf(dir);
    free(dir);
    return rc;
}
