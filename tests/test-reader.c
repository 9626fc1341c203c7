/*
 * The streaming reader: every sample table row by row (values as the package
 * load gives them), table from the file name, reordered columns, a bad row
 * that does not stop the reader, a fatal syntax error that does, the end, and
 * constant memory on a large generated file (measured with a counting
 * allocator).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define ITEMS_HDR "review_id,kind,seq,text"

static void assert_same_value(const char *got, const char *want, size_t row, size_t col)
{
    if ((got == NULL) != (want == NULL) || (got && strcmp(got, want) != 0)) {
        fprintf(stderr, "row %zu column %zu: reader \"%s\", load \"%s\"\n", row, col,
                got ? got : "(null)", want ? want : "(null)");
        fail_msg("values differ");
    }
}

/* Number of line ends (CRLF, LF or CR) in a file. */
static size_t count_lines(const char *path)
{
    size_t len;
    char *data = read_file(path, &len);
    assert_non_null(data);
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (data[i] == '\n' || (data[i] == '\r' && (i + 1 == len || data[i + 1] != '\n')))
            n++;
    free(data);
    return n;
}

/* Open path (table -1) expecting success. */
static peerreview_reader *open_ok(const char *path, int table, const peerreview_options *o)
{
    peerreview_diag *d = peerreview_diag_new();
    peerreview_reader *rd = NULL;
    int rc = peerreview_reader_open(path, table, o, d, &rd);
    if (rc != PEERREVIEW_OK)
        dump_diag(d);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_non_null(rd);
    assert_int_equal(peerreview_diag_count(d), 0);
    peerreview_diag_free(d);
    return rd;
}

/* ---- the sample, table by table ---- */

static void test_sample_tables(void **state)
{
    (void)state;
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(SAMPLE_DIR, NULL, NULL, &ds), PEERREVIEW_OK);
    size_t total = 0;
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        char *path = path_join(SAMPLE_DIR, peerreview_table_file(t));
        peerreview_reader *rd = open_ok(path, -1, NULL);
        assert_int_equal(peerreview_reader_table(rd), t);
        size_t ncols = peerreview_column_count(t);
        peerreview_diag *d = peerreview_diag_new();
        size_t k = 0;
        /* the k-th row of the file is the k-th row in export order */
        size_t ri = 0, ci = 0;
        int rc;
        while ((rc = peerreview_reader_next(rd, d)) == 1) {
            if (t == PEERREVIEW_REVIEWS) {
                peerreview_review *r = peerreview_dataset_review_byindex_mut(ds, k);
                assert_non_null(r);
                for (size_t c = 0; c < ncols; c++)
                    assert_same_value(reader_str_at(rd, c), review_str_at(r, c), k, c);
            } else {
                while (ri < peerreview_dataset_count(ds) &&
                       ci >= peerreview_review_child_count(
                                 peerreview_dataset_review_byindex(ds, ri), t)) {
                    ri++;
                    ci = 0;
                }
                assert_true(ri < peerreview_dataset_count(ds));
                peerreview_row *row = peerreview_review_child_byindex_mut(
                    peerreview_dataset_review_byindex_mut(ds, ri), t, ci++);
                for (size_t c = 0; c < ncols; c++)
                    assert_same_value(reader_str_at(rd, c), row_str_at(row, c), k, c);
            }
            /* the sample has no line breaks inside cells: row k is on line k + 2 */
            assert_int_equal(peerreview_reader_line(rd), k + 2);
            k++;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(peerreview_diag_count(d), 0);
        /* every row was read, and nothing else */
        size_t want = 0;
        for (size_t i = 0; i < peerreview_dataset_count(ds); i++)
            want +=
                t == PEERREVIEW_REVIEWS
                    ? 1
                    : peerreview_review_child_count(peerreview_dataset_review_byindex(ds, i), t);
        assert_int_equal(k, want);
        assert_int_equal(count_lines(path), k + 1);
        total += k;
        /* the end is sticky */
        assert_int_equal(peerreview_reader_next(rd, d), 0);
        assert_int_equal(peerreview_reader_next(rd, NULL), 0);
        assert_null(reader_str_at(rd, 0));
        peerreview_diag_free(d);
        peerreview_reader_free(rd);
        free(path);
    }
    assert_int_equal(total, 30 + 31 + 25 + 40 + 5 + 34);
    peerreview_dataset_free(ds);
}

static void test_items_cells(void **state)
{
    (void)state;
    /* a few cells compared with the CSV text itself */
    char *path = path_join(SAMPLE_DIR, "items.csv");
    peerreview_reader *rd = open_ok(path, PEERREVIEW_ITEMS, NULL);
    assert_int_equal(peerreview_reader_next(rd, NULL), 1);
    assert_string_equal(reader_str_at(rd, 0), "e10000034-csg-2015-04");
    assert_string_equal(reader_str_at(rd, 1), "focus");
    assert_string_equal(reader_str_at(rd, 2), "1");
    assert_string_equal(reader_str_at(rd, 3),
                        "Whether the right structures, systems, processes and management focus "
                        "are in place to deliver children's social care going forward");
    const char *v = "unset";
    assert_int_equal(peerreview_reader_get_byindex(rd, 4, &v),
                     PEERREVIEW_EINVAL); /* no such column */
    assert_null(v);
    assert_int_equal(peerreview_reader_next(rd, NULL), 1);
    assert_string_equal(reader_str_at(rd, 2), "2");
    assert_string_equal(reader_str_at(rd, 3),
                        "Whether current strategies and plans are having the right impact");
    peerreview_reader_free(rd);
    free(path);
}

/* ---- crafted files ---- */

static char *write_tmp(char **dir, const char *name, const char *data)
{
    *dir = tmp_dir();
    write_file(*dir, name, data, (size_t)-1);
    return path_join(*dir, name);
}

static void cleanup(char *dir, char *path)
{
    rm_rf(dir);
    free(dir);
    free(path);
}

static void test_table_from_name(void **state)
{
    (void)state;
    char *dir;
    char *path = write_tmp(&dir, "sources.csv",
                           "review_id,seq,url,description\r\nr1,1,https://example.org/,Home\r\n");
    peerreview_reader *rd = open_ok(path, -1, NULL);
    assert_int_equal(peerreview_reader_table(rd), PEERREVIEW_SOURCES);
    assert_int_equal(peerreview_reader_next(rd, NULL), 1);
    assert_string_equal(reader_str_at(rd, 2), "https://example.org/");
    assert_string_equal(reader_str_at(rd, 3), "Home");
    assert_int_equal(peerreview_reader_next(rd, NULL), 0);
    peerreview_reader_free(rd);
    cleanup(dir, path);

    /* a name that is no table needs the table given */
    path = write_tmp(&dir, "export-2024.csv", ITEMS_HDR "\r\nr1,focus,1,Text\r\n");
    peerreview_reader *bad = (peerreview_reader *)(uintptr_t)1;
    assert_int_equal(peerreview_reader_open(path, -1, NULL, NULL, &bad), PEERREVIEW_EINVAL);
    assert_null(bad);
    bad = (peerreview_reader *)(uintptr_t)1;
    assert_int_equal(peerreview_reader_open(path, PEERREVIEW_TABLE_COUNT, NULL, NULL, &bad),
                     PEERREVIEW_EINVAL);
    assert_null(bad);
    rd = open_ok(path, PEERREVIEW_ITEMS, NULL);
    assert_int_equal(peerreview_reader_table(rd), PEERREVIEW_ITEMS);
    assert_int_equal(peerreview_reader_next(rd, NULL), 1);
    assert_string_equal(reader_str_at(rd, 3), "Text");
    peerreview_reader_free(rd);
    cleanup(dir, path);

    /* NULL handling */
    assert_int_equal(peerreview_reader_open(NULL, -1, NULL, NULL, &rd), PEERREVIEW_EINVAL);
    assert_null(rd);
    assert_int_equal(peerreview_reader_next(NULL, NULL), PEERREVIEW_EINVAL);
    const char *v = "unset";
    assert_int_equal(peerreview_reader_get_byindex(NULL, 0, &v), PEERREVIEW_EINVAL);
    assert_null(v);
    peerreview_reader_free(NULL);
}

static void test_open_errors(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *path = path_join(dir, "items.csv");
    peerreview_diag *d = peerreview_diag_new();
    peerreview_reader *rd = (peerreview_reader *)(uintptr_t)1;
    /* no such file */
    assert_int_equal(peerreview_reader_open(path, -1, NULL, d, &rd), PEERREVIEW_EIO);
    assert_null(rd);
    expect_problem(d, PEERREVIEW_P_IO_ERROR, "/items.csv", 0, 0, NULL);
    peerreview_diag_clear(d);
    /* empty */
    write_file(dir, "items.csv", "", 0);
    rd = (peerreview_reader *)(uintptr_t)1;
    assert_int_equal(peerreview_reader_open(path, -1, NULL, d, &rd), PEERREVIEW_EDATA);
    assert_null(rd);
    expect_problem(d, PEERREVIEW_P_EMPTY_FILE, "/items.csv", 0, 0, NULL);
    peerreview_diag_clear(d);
    /* a required column missing */
    write_file(dir, "items.csv", "review_id,seq,text\r\nr1,1,x\r\n", (size_t)-1);
    rd = (peerreview_reader *)(uintptr_t)1;
    assert_int_equal(peerreview_reader_open(path, -1, NULL, d, &rd), PEERREVIEW_EDATA);
    assert_null(rd);
    expect_problem(d, PEERREVIEW_P_MISSING_COLUMN, "/items.csv", 1, 0, "kind");
    peerreview_diag_clear(d);
    /* an unknown column, then the same with the option to ignore it */
    write_file(dir, "items.csv", ITEMS_HDR ",extra\r\nr1,focus,1,x,y\r\n", (size_t)-1);
    rd = (peerreview_reader *)(uintptr_t)1;
    assert_int_equal(peerreview_reader_open(path, -1, NULL, d, &rd), PEERREVIEW_EDATA);
    assert_null(rd);
    expect_problem(d, PEERREVIEW_P_UNKNOWN_COLUMN, "/items.csv", 1, 5, NULL);
    peerreview_diag_clear(d);
    peerreview_options *o = peerreview_options_new();
    peerreview_options_set_ignore_unknown_columns(o, 1);
    rd = open_ok(path, -1, o);
    assert_int_equal(peerreview_reader_next(rd, d), 1);
    assert_string_equal(reader_str_at(rd, 3), "x");
    assert_int_equal(peerreview_reader_next(rd, d), 0);
    peerreview_reader_free(rd);
    peerreview_options_free(o);
    peerreview_diag_free(d);
    rm_rf(dir);
    free(dir);
    free(path);
}

static void test_reordered_columns(void **state)
{
    (void)state;
    char *dir;
    char *path = write_tmp(&dir, "items.csv",
                           "text,seq,kind,review_id\r\n"
                           "\"Line one\r\nline two\",1,focus,r1\r\n"
                           "Plain,2,strength,r2\r\n");
    peerreview_reader *rd = open_ok(path, -1, NULL);
    assert_int_equal(peerreview_reader_next(rd, NULL), 1);
    assert_string_equal(reader_str_at(rd, 0), "r1");
    assert_string_equal(reader_str_at(rd, 1), "focus");
    assert_string_equal(reader_str_at(rd, 2), "1");
    assert_string_equal(reader_str_at(rd, 3), "Line one\r\nline two");
    assert_int_equal(peerreview_reader_line(rd), 2);
    assert_int_equal(peerreview_reader_next(rd, NULL), 1);
    assert_string_equal(reader_str_at(rd, 0), "r2");
    assert_string_equal(reader_str_at(rd, 1), "strength");
    assert_string_equal(reader_str_at(rd, 2), "2");
    assert_string_equal(reader_str_at(rd, 3), "Plain");
    assert_int_equal(peerreview_reader_line(rd), 4);
    assert_int_equal(peerreview_reader_next(rd, NULL), 0);
    peerreview_reader_free(rd);
    cleanup(dir, path);

    /* reviews.csv with columns reversed and some left out (optional ones) */
    path = write_tmp(&dir, "reviews.csv",
                     "notes,stage,review_type,review_id\r\nSome notes,initial,corporate,r1\r\n");
    peerreview_diag *d = peerreview_diag_new();
    rd = NULL;
    assert_int_equal(peerreview_reader_open(path, -1, NULL, d, &rd), PEERREVIEW_OK);
    /* the missing optional columns are warnings */
    expect_problem(d, PEERREVIEW_P_MISSING_COLUMN, "/reviews.csv", 1, 0, "onsite_start");
    assert_int_equal(peerreview_diag_errors(d), 0);
    peerreview_diag_clear(d);
    assert_int_equal(peerreview_reader_next(rd, d), 1);
    assert_string_equal(reader_str_at(rd, 0), "r1");
    assert_string_equal(reader_str_at(rd, 1), "corporate");
    assert_null(reader_str_at(rd, 2));
    assert_string_equal(reader_str_at(rd, 3), "initial");
    assert_string_equal(reader_str_at(rd, 18), "Some notes");
    for (size_t c = 4; c < 18; c++)
        assert_null(reader_str_at(rd, c));
    /* row warnings (no date) come with the row, which is still delivered */
    expect_problem(d, PEERREVIEW_P_NO_DATE, "/reviews.csv", 2, 4, "review_id");
    assert_int_equal(peerreview_reader_next(rd, d), 0);
    peerreview_diag_free(d);
    peerreview_reader_free(rd);
    cleanup(dir, path);
}

static void test_bad_row_continues(void **state)
{
    (void)state;
    char *dir;
    char *path = write_tmp(&dir, "items.csv",
                           ITEMS_HDR "\r\n"
                                     "r1,focus,1,\"multi\nline\"\r\n" /* lines 2-3, record 2 */
                                     "r1,focus,x,Bad seq\r\n"         /* line 4, record 3 */
                                     "r1,strength,1,Good\r\n"         /* line 5 */
                                     "r1,strength\r\n"                /* line 6: too few fields */
                                     "r1,strength,2,caf\xE9\r\n"      /* line 7: not UTF-8 */
                                     ",strength,3,No id\r\n"          /* line 8: review_id empty */
                                     "r1,other,1,Last\r\n");          /* line 9 */
    peerreview_reader *rd = open_ok(path, -1, NULL);
    peerreview_diag *d = peerreview_diag_new();

    assert_int_equal(peerreview_reader_next(rd, d), 1);
    assert_string_equal(reader_str_at(rd, 3), "multi\nline");
    assert_int_equal(peerreview_reader_line(rd), 2);
    assert_int_equal(peerreview_diag_count(d), 0);

    assert_int_equal(peerreview_reader_next(rd, d), PEERREVIEW_EDATA);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_BAD_INTEGER, "/items.csv", 4, 3, "seq");
    assert_int_equal(peerreview_problem_severity(p), PEERREVIEW_SEVERITY_ERROR);
    assert_int_equal(peerreview_problem_record(p), 3);
    assert_non_null(strstr(peerreview_problem_message(p), "cell C3: \"x\""));
    assert_int_equal(peerreview_diag_count(d), 1);
    peerreview_diag_clear(d);

    assert_int_equal(peerreview_reader_next(rd, d), 1);
    assert_string_equal(reader_str_at(rd, 0), "r1");
    assert_string_equal(reader_str_at(rd, 1), "strength");
    assert_string_equal(reader_str_at(rd, 2), "1");
    assert_string_equal(reader_str_at(rd, 3), "Good");
    assert_int_equal(peerreview_reader_line(rd), 5);
    assert_int_equal(peerreview_diag_count(d), 0);

    assert_int_equal(peerreview_reader_next(rd, d), PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_MISSING_FIELDS, "/items.csv", 6, 3, "seq");
    assert_int_equal(peerreview_diag_count(d), 1);
    peerreview_diag_clear(d);

    assert_int_equal(peerreview_reader_next(rd, d), PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_INVALID_UTF8, "/items.csv", 7, 4, NULL);
    assert_int_equal(peerreview_diag_count(d), 1);
    peerreview_diag_clear(d);

    assert_int_equal(peerreview_reader_next(rd, d), PEERREVIEW_EDATA);
    expect_problem(d, PEERREVIEW_P_MISSING_VALUE, "/items.csv", 8, 1, "review_id");
    assert_int_equal(peerreview_diag_count(d), 1);
    peerreview_diag_clear(d);

    assert_int_equal(peerreview_reader_next(rd, d), 1);
    assert_string_equal(reader_str_at(rd, 1), "other");
    assert_string_equal(reader_str_at(rd, 3), "Last");
    assert_int_equal(peerreview_reader_line(rd), 9);

    assert_int_equal(peerreview_reader_next(rd, d), 0);
    assert_int_equal(peerreview_reader_next(rd, d), 0);
    assert_int_equal(peerreview_diag_count(d), 0);
    peerreview_diag_free(d);
    peerreview_reader_free(rd);
    cleanup(dir, path);
}

static void test_syntax_error_is_fatal(void **state)
{
    (void)state;
    char *dir;
    char *path = write_tmp(&dir, "items.csv",
                           ITEMS_HDR "\r\n"
                                     "r1,focus,1,Fine\r\n"
                                     "r1,focus,2,the \"best\" one\r\n"
                                     "r1,focus,3,Never read\r\n");
    peerreview_reader *rd = open_ok(path, -1, NULL);
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(peerreview_reader_next(rd, d), 1);
    assert_string_equal(reader_str_at(rd, 3), "Fine");
    int rc = peerreview_reader_next(rd, d);
    assert_true(rc < 0);
    assert_int_equal(rc, PEERREVIEW_EFORMAT);
    const peerreview_problem *p =
        expect_problem(d, PEERREVIEW_P_STRAY_QUOTE, "/items.csv", 3, 4, NULL);
    assert_int_equal(peerreview_problem_offset(p),
                     (long long)strlen(ITEMS_HDR "\r\nr1,focus,1,Fine\r\nr1,focus,2,the "));
    assert_int_equal(peerreview_diag_count(d), 1);
    peerreview_diag_clear(d);
    /* the reader is at its end */
    assert_int_equal(peerreview_reader_next(rd, d), 0);
    assert_int_equal(peerreview_reader_next(rd, d), 0);
    assert_null(reader_str_at(rd, 3));
    assert_int_equal(peerreview_diag_count(d), 0);
    peerreview_reader_free(rd);
    cleanup(dir, path);

    /* an unterminated quote: fatal at the end of the file */
    path = write_tmp(&dir, "items.csv",
                     ITEMS_HDR "\r\nr1,focus,1,Fine\r\nr1,focus,2,\"open\r\nr1,focus,3,x\r\n");
    rd = open_ok(path, -1, NULL);
    assert_int_equal(peerreview_reader_next(rd, d), 1);
    assert_int_equal(peerreview_reader_next(rd, d), PEERREVIEW_EFORMAT);
    expect_problem(d, PEERREVIEW_P_UNTERMINATED_QUOTE, "/items.csv", 3, 4, NULL);
    assert_int_equal(peerreview_reader_next(rd, d), 0);
    peerreview_reader_free(rd);
    cleanup(dir, path);
    peerreview_diag_free(d);
}

static void test_max_records(void **state)
{
    (void)state;
    char *dir;
    char *path = write_tmp(&dir, "items.csv",
                           ITEMS_HDR "\r\nr1,focus,1,A\r\nr1,focus,2,B\r\nr1,focus,3,C\r\n");
    peerreview_options *o = peerreview_options_new();
    peerreview_options_set_max_records(o, 2);
    peerreview_reader *rd = open_ok(path, -1, o);
    peerreview_diag *d = peerreview_diag_new();
    assert_int_equal(peerreview_reader_next(rd, d), 1);
    assert_int_equal(peerreview_reader_next(rd, d), 1);
    assert_int_equal(peerreview_reader_next(rd, d), PEERREVIEW_EFORMAT);
    expect_problem(d, PEERREVIEW_P_TOO_MANY_RECORDS, "/items.csv", 4, 0, NULL);
    assert_int_equal(peerreview_reader_next(rd, d), 0);
    peerreview_diag_free(d);
    peerreview_reader_free(rd);
    peerreview_options_free(o);
    cleanup(dir, path);
}

/* ---- constant memory ---- */

typedef union {
    max_align_t align;
    size_t size;
} block_header;

static size_t heap_now, heap_peak, heap_blocks;

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
    heap_blocks++;
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
    heap_blocks--;
    free(h);
}

#define BIG_ROWS 200000

static void test_constant_memory(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    char *path = path_join(dir, "items.csv");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(ITEMS_HDR "\r\n", f);
    static const char *const kinds[] = {"focus", "strength", "area_for_consideration",
                                        "recommendation"};
    for (int i = 0; i < BIG_ROWS; i++)
        fprintf(f,
                "review-%06d,%s,%d,\"Item %d: text with a comma, a \"\"quote\"\" and\r\na line "
                "break\"\r\n",
                i / 8, kinds[i % 4], i % 8 + 1, i);
    assert_int_equal(fclose(f), 0);
    size_t size;
    char *data = read_file(path, &size);
    free(data);
    assert_true(size > 10 * 1024 * 1024);

    heap_now = heap_peak = heap_blocks = 0;
    peerreview_set_allocator(count_malloc, count_realloc, count_free);
    peerreview_diag *d = peerreview_diag_new();
    peerreview_reader *rd = NULL;
    assert_int_equal(peerreview_reader_open(path, -1, NULL, d, &rd), PEERREVIEW_OK);
    size_t rows = 0;
    int rc;
    int values_ok = 1;
    char want[64];
    while ((rc = peerreview_reader_next(rd, d)) == 1) {
        snprintf(want, sizeof want, "%zu", rows % 8 + 1);
        if (strcmp(reader_str_at(rd, 1), kinds[rows % 4]) != 0 ||
            strcmp(reader_str_at(rd, 2), want) != 0 || peerreview_reader_line(rd) != 2 + 2 * rows)
            values_ok = 0;
        rows++;
    }
    assert_int_equal(rc, 0);
    assert_true(values_ok);
    snprintf(want, sizeof want, "review-%06d", (BIG_ROWS - 1) / 8);
    size_t errors = peerreview_diag_errors(d), count = peerreview_diag_count(d);
    peerreview_reader_free(rd);
    peerreview_diag_free(d);
    size_t left = heap_now, blocks = heap_blocks, peak = heap_peak;
    peerreview_set_allocator(NULL, NULL, NULL);

    assert_int_equal(rows, BIG_ROWS);
    assert_int_equal(errors, 0);
    assert_int_equal(count, 0);
    /* everything allocated through the counting allocator was freed through it */
    assert_int_equal(left, 0);
    assert_int_equal(blocks, 0);
    /* constant memory: under 1 MiB for a file of more than 10 MiB */
    if (getenv("PRTEST_VERBOSE") || peak >= 1024 * 1024)
        fprintf(stderr, "peak heap %zu bytes for a %zu-byte file\n", peak, size);
    assert_true(peak > 0);
    assert_true(peak < 1024 * 1024);

    rm_rf(dir);
    free(dir);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_tables),         cmocka_unit_test(test_items_cells),
        cmocka_unit_test(test_table_from_name),       cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_reordered_columns),     cmocka_unit_test(test_bad_row_continues),
        cmocka_unit_test(test_syntax_error_is_fatal), cmocka_unit_test(test_max_records),
        cmocka_unit_test(test_constant_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
