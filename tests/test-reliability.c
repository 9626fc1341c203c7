/*
 * Issue 8: what independent testing found, one test each (each failed before
 * its fix): a link that makes two tables one file, the descriptor's own
 * text, a failed save into a new folder, temporary files that piled up, an
 * empty descriptor, a FIFO that hung a load, file names that forged output
 * lines, and a commit record that is not ours.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "io.h"

static int load(const char *path, peerreview_diag **d)
{
    *d = peerreview_diag_new();
    peerreview_dataset *ds = NULL;
    int rc = peerreview_load(path, NULL, *d, &ds);
    peerreview_dataset_free(ds);
    return rc;
}

static void msg_has(const peerreview_problem *p, const char *want)
{
    if (!strstr(peerreview_problem_message(p), want))
        fail_msg("\"%s\" lacks \"%s\"", peerreview_problem_message(p), want);
}

/* ---- a link that names one file twice ---- */

static void test_two_tables_one_file_refused(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    char *dir = tmp_dir();
    save_ok(ds, dir, NULL);
    char *items = path_join(dir, "items.csv");
    char *reviews = path_join(dir, "reviews.csv");
    size_t before_len;
    char *before = read_file(reviews, &before_len);
    assert_int_equal(unlink(items), 0);
    assert_int_equal(symlink("reviews.csv", items), 0);
    peerreview_diag *d = peerreview_diag_new();
    /* it used to return 0 with reviews.csv holding the items table */
    assert_int_equal(peerreview_save(ds, dir, NULL, d), PEERREVIEW_EIO);
    int at = find_code(d, PEERREVIEW_P_IO_ERROR);
    assert_true(at >= 0);
    msg_has(peerreview_diag_get(d, (size_t)at), "same file as");
    msg_has(peerreview_diag_get(d, (size_t)at), "nothing was changed");
    size_t after_len;
    char *after = read_file(reviews, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    assert_int_equal(count_dot_files(dir), 0);
    /* a link to a file elsewhere is followed: the link stays, its file is replaced */
    char *other = tmp_dir();
    write_file(other, "items.csv", "old\n", (size_t)-1);
    char *target = path_join(other, "items.csv");
    assert_int_equal(unlink(items), 0);
    assert_int_equal(symlink(target, items), 0);
    save_ok(ds, dir, NULL);
    struct stat st;
    assert_int_equal(lstat(items, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    char *got = read_file(target, NULL);
    char *want = path_join(SAMPLE_DIR, "items.csv");
    char *want_text = read_file(want, NULL);
    assert_string_equal(got, want_text);
    assert_int_equal(count_dot_files(other), 0);
    free(want_text);
    free(want);
    free(got);
    free(target);
    rm_rf(other);
    free(other);
    free(before);
    free(after);
    peerreview_diag_free(d);
    free(items);
    free(reviews);
    rm_rf(dir);
    free(dir);
    peerreview_dataset_free(ds);
}

/* ---- the descriptor's own text ---- */

/* The sample with datapackage.json replaced by len bytes of text; the load's problems. */
static peerreview_diag *with_descriptor(const char *text, size_t len, int *rc)
{
    char *dir = tmp_dir();
    copy_sample(dir);
    write_file(dir, "datapackage.json", text, len);
    peerreview_diag *d;
    *rc = load(dir, &d);
    rm_rf(dir);
    free(dir);
    return d;
}

static const peerreview_problem *only(const peerreview_diag *d, peerreview_code code,
                                      unsigned long line, unsigned long column)
{
    if (peerreview_diag_count(d) != 1)
        dump_diag(d);
    assert_int_equal(peerreview_diag_count(d), 1);
    const peerreview_problem *p = peerreview_diag_get(d, 0);
    assert_int_equal(peerreview_problem_code(p), code);
    assert_int_equal(peerreview_problem_severity(p), PEERREVIEW_SEVERITY_ERROR);
    assert_int_equal(peerreview_problem_line(p), line);
    assert_int_equal(peerreview_problem_column(p), column);
    return p;
}

static void test_descriptor_text_is_checked(void **state)
{
    (void)state;
    int rc;
    /* a NUL in the title: it validated clean and was saved cut short */
    static const char nul[] = "{\n \"name\": \"x\",\n \"title\": \"Sample\\u0000of LGA\"\n}\n";
    peerreview_diag *d = with_descriptor(nul, sizeof nul - 1, &rc);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    const peerreview_problem *p = only(d, PEERREVIEW_P_NUL_BYTE, 3, 11);
    assert_string_equal(peerreview_problem_field(p), "title");
    peerreview_diag_free(d);
    /* invalid UTF-8 in the description: it was written back, and the JSON broke */
    static const char bad[] = "{\"name\": \"x\",\n\"description\": \"caf\xE9\"}";
    d = with_descriptor(bad, sizeof bad - 1, &rc);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = only(d, PEERREVIEW_P_INVALID_UTF8, 2, 20);
    peerreview_diag_free(d);
    /* a title that is not text: it was dropped silently */
    static const char num[] = "{\"name\": \"x\", \"title\": 42}";
    d = with_descriptor(num, sizeof num - 1, &rc);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = only(d, PEERREVIEW_P_BAD_DESCRIPTOR, 1, 24);
    msg_has(p, "\"title\" must be text");
    peerreview_diag_free(d);
    /* an empty file: undefined behaviour before (a zero offset to a null pointer) */
    d = with_descriptor("", 0, &rc);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = only(d, PEERREVIEW_P_BAD_DESCRIPTOR, 1, 1);
    msg_has(p, "the file is empty");
    peerreview_diag_free(d);
    /* broken JSON: where, and what is wrong */
    static const char broken[] = "{\n  \"name\": \"x\"\n  \"title\": \"y\"\n}";
    d = with_descriptor(broken, sizeof broken - 1, &rc);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    p = only(d, PEERREVIEW_P_BAD_DESCRIPTOR, 3, 3);
    msg_has(p, "expected ',' or '}'");
    peerreview_diag_free(d);
    /* nesting beyond the bound */
    char deep[300];
    memset(deep, '[', 200);
    strcpy(deep + 200, "");
    char *doc = malloc(1000);
    snprintf(doc, 1000, "{\"x\": %s}", deep);
    d = with_descriptor(doc, strlen(doc), &rc);
    assert_int_equal(rc, PEERREVIEW_EDATA);
    msg_has(only(d, PEERREVIEW_P_BAD_DESCRIPTOR, 1, 70), "nested more than 64 levels");
    peerreview_diag_free(d);
    free(doc);
    /* what a save writes is valid UTF-8 JSON, with the text as it was */
    static const char good[] =
        "{\"name\": \"x\", \"title\": \"Caf\xC3\xA9 \\\"quoted\\\" \\u00e9\"}";
    char *dir = tmp_dir();
    copy_sample(dir);
    write_file(dir, "datapackage.json", good, sizeof good - 1);
    peerreview_dataset *ds = load_ok(dir, NULL);
    char *out = tmp_dir();
    save_ok(ds, out, NULL);
    peerreview_dataset *again = load_ok(out, NULL);
    char *desc = path_join(out, "datapackage.json");
    json_value *v = json_parse_file(desc);
    assert_string_equal(json_get(v, "title")->str, "Caf\xC3\xA9 \"quoted\" \xC3\xA9");
    json_free(v);
    free(desc);
    peerreview_dataset_free(again);
    peerreview_dataset_free(ds);
    rm_rf(out);
    free(out);
    rm_rf(dir);
    free(dir);
}

/* ---- a failed save into a new folder; leftovers of interrupted saves ---- */

static int fail_create(pr_io_op op, const char *path, void *ctx)
{
    (void)path;
    (void)ctx;
    return op == PR_IO_OPEN_WRITE ? ENOSPC : 0;
}

static void test_failed_save_leaves_no_folder(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    char *dir = tmp_dir();
    char *pkg = path_join(dir, "new-package");
    peerreview_diag *d = peerreview_diag_new();
    pr_io_set_fault(fail_create, NULL);
    int rc = peerreview_save(ds, pkg, NULL, d);
    pr_io_set_fault(NULL, NULL);
    assert_int_equal(rc, PEERREVIEW_EIO);
    msg_has(peerreview_diag_get(d, 0), "nothing was changed");
    /* "nothing was changed" is true: the empty folder is gone too */
    assert_int_equal(access(pkg, F_OK), -1);
    peerreview_diag_free(d);
    free(pkg);
    rm_rf(dir);
    free(dir);
    peerreview_dataset_free(ds);
}

static void test_leftovers_are_removed_by_name(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    char *dir = tmp_dir();
    save_ok(ds, dir, NULL);
    /* what killed saves leave, and what is not ours */
    static const char *const ours[] = {".items.csv.tmp-4242-0", ".datapackage.json.tmp-1-17",
                                       "..peerreview-commit.tmp-99-0"};
    static const char *const theirs[] = {".items.csv.tmp-x", ".notes", ".reviews.csv.bak",
                                         ".other.csv.tmp-1-2"};
    for (size_t i = 0; i < 3; i++)
        write_file(dir, ours[i], "partial", (size_t)-1);
    for (size_t i = 0; i < 4; i++)
        write_file(dir, theirs[i], "mine", (size_t)-1);
    /* a load removes them (it may: it takes the folder's lock) */
    peerreview_diag *d;
    assert_int_equal(load(dir, &d), PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    peerreview_diag_free(d);
    assert_int_equal(count_dot_files(dir), 4);
    /* and so does a save */
    for (size_t i = 0; i < 3; i++)
        write_file(dir, ours[i], "partial", (size_t)-1);
    save_ok(ds, dir, NULL);
    assert_int_equal(count_dot_files(dir), 4);
    for (size_t i = 0; i < 4; i++) {
        char *p = path_join(dir, theirs[i]);
        assert_int_equal(access(p, F_OK), 0);
        free(p);
    }
    /* a flat file's too */
    char *flat = path_join(dir, "register.csv");
    write_file(dir, ".register.csv.tmp-7-3", "partial", (size_t)-1);
    save_ok(ds, flat, NULL);
    assert_int_equal(count_dot_files(dir), 4);
    free(flat);
    rm_rf(dir);
    free(dir);
    peerreview_dataset_free(ds);
}

static int renames;
static int fail_second_rename(pr_io_op op, const char *path, void *ctx)
{
    (void)path;
    (void)ctx;
    return op == PR_IO_RENAME && ++renames == 2 ? EIO : 0;
}

/* A save committed but not finished, through a path with a trailing slash, is completed. */
static void test_committed_save_completed(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    char *dir = tmp_dir();
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0); /* a relative path, as typed */
    char *pkg = strdup("pkg/");
    renames = 0;
    pr_io_set_fault(fail_second_rename, NULL);
    peerreview_diag *d = peerreview_diag_new();
    int rc = peerreview_save(ds, pkg, NULL, d);
    pr_io_set_fault(NULL, NULL);
    assert_int_equal(rc, PEERREVIEW_EIO);
    msg_has(peerreview_diag_get(d, 0), "the save is committed");
    peerreview_diag_free(d);
    char *record = path_join(pkg, ".peerreview-commit");
    assert_int_equal(access(record, F_OK), 0);
    /* the next load completes it */
    peerreview_dataset *back = load_ok(pkg, NULL);
    assert_dataset_equal(ds, back);
    assert_int_equal(access(record, F_OK), -1);
    assert_int_equal(count_dot_files(pkg), 0);
    assert_same_package(SAMPLE_DIR, pkg);
    peerreview_dataset_free(back);
    free(record);
    free(pkg);
    assert_int_equal(chdir(cwd), 0);
    rm_rf(dir);
    free(dir);
    peerreview_dataset_free(ds);
}

/* A flat list cell over the field limit is refused: the file could not be loaded back (fuzzing). */
static void test_flat_cell_over_field_limit(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    /* the longest value of the sample fits; the longest list cell does not */
    peerreview_options *o = peerreview_options_new();
    assert_int_equal(peerreview_options_set_max_field_size(o, 700), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_validate(ds, o, NULL), PEERREVIEW_OK);
    char *dir = tmp_dir();
    char *flat = path_join(dir, "flat.csv");
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(peerreview_save(ds, flat, o, d), PEERREVIEW_EUNSUPPORTED);
    int at = find_code(d, PEERREVIEW_P_UNREPRESENTABLE);
    assert_true(at >= 0);
    msg_has(peerreview_diag_get(d, (size_t)at), "over the field size limit of 700");
    assert_int_equal(access(flat, F_OK), -1);
    peerreview_diag_free(d);
    /* the package form holds it, and loads back with the same limit */
    char *pkg = path_join(dir, "pkg");
    save_ok(ds, pkg, o);
    peerreview_dataset *back = load_ok(pkg, o);
    assert_dataset_equal(ds, back);
    peerreview_dataset_free(back);
    /* with the default limit the flat form is fine */
    save_ok(ds, flat, NULL);
    free(pkg);
    free(flat);
    rm_rf(dir);
    free(dir);
    peerreview_options_free(o);
    peerreview_dataset_free(ds);
}

/* A record that names a file outside the package is not obeyed. */
static void test_foreign_commit_record_refused(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *pkg = path_join(dir, "pkg");
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    save_ok(ds, pkg, NULL);
    write_file(dir, "victim.txt", "keep me\n", (size_t)-1);
    write_file(pkg, ".items.csv.tmp-1-1", "x", (size_t)-1);
    char record[4096];
    snprintf(record, sizeof record,
             "peerreview-commit 1\n.items.csv.tmp-1-1 %s/victim.txt\nend 1\n", dir);
    write_file(pkg, ".peerreview-commit", record, (size_t)-1);
    peerreview_diag *d;
    assert_int_equal(load(pkg, &d), PEERREVIEW_EIO);
    msg_has(peerreview_diag_get(d, 0), "commit record that peerreview did not write");
    peerreview_diag_free(d);
    char *victim = path_join(dir, "victim.txt");
    char *text = read_file(victim, NULL);
    assert_string_equal(text, "keep me\n");
    free(text);
    free(victim);
    free(pkg);
    rm_rf(dir);
    free(dir);
    peerreview_dataset_free(ds);
}

/* ---- not a regular file: one problem at once, no hang ---- */

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "hung reading a FIFO\n";
    if (write(2, msg, sizeof msg - 1) < 0)
        _exit(98);
    _exit(99);
}

static void test_fifo_and_devices_refused(void **state)
{
    (void)state;
    signal(SIGALRM, on_alarm);
    alarm(20);
    char *dir = tmp_dir();
    char *fifo = path_join(dir, "register.csv");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    peerreview_diag *d;
    assert_int_equal(load(fifo, &d), PEERREVIEW_EIO);
    assert_int_equal(peerreview_diag_count(d), 1);
    msg_has(peerreview_diag_get(d, 0), "is a named pipe (FIFO), not a file");
    peerreview_diag_free(d);
    /* in a package as items.csv */
    char *pkg = path_join(dir, "pkg");
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    save_ok(ds, pkg, NULL);
    char *items = path_join(pkg, "items.csv");
    assert_int_equal(unlink(items), 0);
    assert_int_equal(mkfifo(items, 0600), 0);
    assert_int_equal(load(pkg, &d), PEERREVIEW_EIO);
    assert_int_equal(peerreview_diag_errors(d), 1);
    expect_problem(d, PEERREVIEW_P_IO_ERROR, "/items.csv", 0, 0, NULL);
    peerreview_diag_free(d);
    /* a device */
    assert_int_equal(load("/dev/zero", &d), PEERREVIEW_EIO);
    assert_int_equal(peerreview_diag_count(d), 1);
    msg_has(peerreview_diag_get(d, 0), "is a character device, not a file");
    peerreview_diag_free(d);
    /* the streaming reader too */
    peerreview_reader *rd;
    d = peerreview_diag_new();
    assert_int_equal(peerreview_reader_open(items, -1, NULL, d, &rd), PEERREVIEW_EIO);
    assert_null(rd);
    peerreview_diag_free(d);
    alarm(0);
    peerreview_dataset_free(ds);
    free(items);
    free(pkg);
    free(fifo);
    rm_rf(dir);
    free(dir);
}

/* ---- forged output lines ---- */

static void test_names_cannot_forge_lines(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    /* a folder whose name holds a line break and a fake problem after it */
    char *pkg = path_join(dir, "x\nfake.csv:1:1: error: all is lost [io-error]\x1b[2J\xe2\x80\xae");
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    save_ok(ds, pkg, NULL);
    char *items = path_join(pkg, "items.csv");
    write_file(pkg, "items.csv", "review_id,kind,seq,text\r\nnot-a-review,focus,1,x\r\n",
               (size_t)-1);
    peerreview_diag *d;
    assert_int_equal(load(pkg, &d), PEERREVIEW_EDATA);
    for (size_t i = 0; i < peerreview_diag_count(d); i++) {
        char line[4096];
        peerreview_problem_format(peerreview_diag_get(d, i), line, sizeof line);
        assert_null(strchr(line, '\n'));
        assert_null(strchr(line, '\x1b'));
        assert_null(strstr(line, "\xe2\x80\xae"));
        assert_non_null(strstr(line, "x\\nfake.csv"));
        assert_non_null(strstr(line, "\\x1B[2J\\u202E"));
    }
    peerreview_diag_free(d);
    /* messages that quote a path are escaped too */
    char *lone = path_join(dir, "a\nb");
    assert_int_equal(mkdir(lone, 0777), 0);
    char *child = path_join(lone, "items.csv");
    write_file(lone, "items.csv", "review_id,kind,seq,text\r\n", (size_t)-1);
    assert_int_equal(load(child, &d), PEERREVIEW_EIO);
    assert_null(strchr(peerreview_problem_message(peerreview_diag_get(d, 0)), '\n'));
    peerreview_diag_free(d);
    free(child);
    free(lone);
    free(items);
    peerreview_dataset_free(ds);
    free(pkg);
    rm_rf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_tables_one_file_refused),
        cmocka_unit_test(test_descriptor_text_is_checked),
        cmocka_unit_test(test_failed_save_leaves_no_folder),
        cmocka_unit_test(test_leftovers_are_removed_by_name),
        cmocka_unit_test(test_committed_save_completed),
        cmocka_unit_test(test_flat_cell_over_field_limit),
        cmocka_unit_test(test_foreign_commit_record_refused),
        cmocka_unit_test(test_fifo_and_devices_refused),
        cmocka_unit_test(test_names_cannot_forge_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
