/* Shared helpers for the cmocka tests. Include after cmocka's headers. */
#ifndef TEST_HELPERS_H
#define TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "peerreview.h"

/* Around a test of a deprecated 0.x name (only there: anywhere else it warns). */
#define DEPRECATED_BEGIN                                                                           \
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wdeprecated-declarations\"")
#define DEPRECATED_END _Pragma("GCC diagnostic pop")

/* Path of the bundled sample package. */
#define SAMPLE_DIR SRCDIR "/data/lga-sample"

/* Make a fresh temporary folder (caller frees the string; rm_rf removes it). */
char *tmp_dir(void);
void rm_rf(const char *path);
/* Join folder and file into a new string. */
char *path_join(const char *dir, const char *file);
/* Write len bytes (len (size_t)-1: strlen) to dir/file; asserts on failure. */
void write_file(const char *dir, const char *file, const char *data, size_t len);
/* Read a whole file (NUL-terminated, *len set if len); NULL if absent. */
char *read_file(const char *path, size_t *len);
/* Copy the sample package into dir. */
void copy_sample(const char *dir);
/* Number of entries in a folder whose name starts with '.' (temp files). */
int count_dot_files(const char *dir);

/*
 * String values through the 1.0 checked getters: the value, or NULL when it
 * is empty. A column the table does not have (PEERREVIEW_EINVAL) fails the
 * test, so a misspelt name can never read as an empty value.
 */
const char *review_str(const peerreview_review *review, const char *column);
const char *review_str_at(const peerreview_review *review, size_t column);
const char *row_str(const peerreview_row *row, const char *column);
const char *row_str_at(const peerreview_row *row, size_t column);
const char *reader_str_at(const peerreview_reader *reader, size_t column);
/* The status of peerreview_review_get_byname / peerreview_row_get_byname (asserts the value is NULL
 * unless OK). */
peerreview_status review_get_status(const peerreview_review *review, const char *column);
peerreview_status row_get_status(const peerreview_row *row, const char *column);

/* Print every problem of d to stderr (for debugging failures). */
void dump_diag(const peerreview_diag *d);
/* Index of the first problem with this code, or -1. */
int find_code(const peerreview_diag *d, peerreview_code code);

/*
 * Assert that d has a problem with this code at file (suffix match; NULL =
 * any), line, column (0 = not checked) and field (NULL = not checked), and
 * return it.
 */
const peerreview_problem *expect_problem_at(const peerreview_diag *d, peerreview_code code,
                                            const char *file, unsigned long line,
                                            unsigned long column, const char *field,
                                            const char *srcfile, int srcline);
#define expect_problem(d, code, file, line, column, field)                                         \
    expect_problem_at(d, code, file, line, column, field, __FILE__, __LINE__)

/*
 * Write the sample package to a temp folder with one table replaced by
 * content, load it, and return the diag (caller frees both diag and *dir).
 */
peerreview_diag *load_with_table(const char *file, const char *content, int *rc, char **dir);

/* ---- random datasets (test-export, test-flat) ---- */

/* The seven files of a package, in package order. */
extern const char *const package_files[7];
/* Assert that two files hold the same bytes (both must exist). */
void assert_same_file(const char *a, const char *b);
/* Assert that the seven package files in two folders hold the same bytes. */
void assert_same_package(const char *dir_a, const char *dir_b);
/* Deterministic PRNG (xorshift64*); *state must not be 0. */
uint64_t rng_next(uint64_t *state);
/*
 * A random valid dataset (0..8 reviews) with awkward text (quotes, commas, CR,
 * LF, CRLF, spaces, non-ASCII, formula triggers) and random child rows added in
 * random order. flat: only what the flat form can hold (no line breaks or '|'
 * in child values, seq 1..n, no child row with every field empty, no white
 * space at the start or end of a flat cell; spaces inside stay). big: the
 * first review (if any) gets a 100 kB notes value and a 100 kB item text.
 */
peerreview_dataset *random_dataset(uint64_t *rng, int flat, int big);
/* Assert equal values in every review and child row (children compared in key order). */
void assert_dataset_equal(const peerreview_dataset *a, const peerreview_dataset *b);

/*
 * A tiny strict JSON reader for test data (conformance suites, descriptors,
 * JSON Lines output). Strings are decoded to UTF-8 (\uXXXX and surrogate
 * pairs included) and NUL-terminated; object members keep their file order.
 */
typedef enum json_type {
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
} json_type;

typedef struct json_value {
    json_type type;
    char *str;                /* JSON_STRING: decoded bytes; JSON_NUMBER: the literal */
    size_t len;               /* length of str */
    int boolean;              /* JSON_BOOL */
    struct json_value *items; /* JSON_ARRAY elements / JSON_OBJECT member values */
    char **keys;              /* JSON_OBJECT member names */
    size_t n;                 /* number of elements / members */
} json_value;

/* Parse len bytes (len (size_t)-1: strlen); NULL on any syntax error. */
json_value *json_parse(const char *text, size_t len);
/* Read and parse a file; fails the test if absent or invalid. */
json_value *json_parse_file(const char *path);
void json_free(json_value *v);
/* Member of an object by name, or NULL. */
const json_value *json_get(const json_value *obj, const char *key);

/* Load path (options may be NULL); fails the test on any error, printing the problems. */
peerreview_dataset *load_ok(const char *path, const peerreview_options *o);
/* Save ds to path; fails the test unless it succeeds with no problem at all. */
void save_ok(const peerreview_dataset *ds, const char *path, const peerreview_options *o);

#endif
