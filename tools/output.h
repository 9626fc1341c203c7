/*
 * peerreview command line: everything it prints. Messages and problems on
 * stderr; on stdout aligned text for a terminal, CSV through the library's
 * canonical writer, and JSON through one writer with one escaping function.
 */
#ifndef PEERREVIEW_OUTPUT_H
#define PEERREVIEW_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include <peerreview.h>

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ---- messages on stderr ---- */

/*
 * "peerreview: <message>" on stderr on one line: control characters that a
 * file name may hold (a line break could fake a second message, an escape
 * sequence could redraw the terminal) are written as \n, \t or \xNN.
 */
void errorf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/*
 * Report a usage error of command (NULL: of the global command line) as
 * "peerreview COMMAND: <message>" and point at that command's help.
 * Returns EXIT_TROUBLE.
 */
int usage_error(const char *command, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* "out of memory"; returns EXIT_TROUBLE. */
int out_of_memory(void);

/* one or many, as n says. */
const char *plural(size_t n, const char *one, const char *many);

/* ---- problems ---- */

/* Every stored problem of diag as FILE:LINE:COLUMN: SEVERITY: FIELD: MESSAGE [CODE]; 0 or -1. */
int print_diag_text(FILE *out, const peerreview_diag *diag);

/* Print diag on stderr; EXIT_OK, or EXIT_TROUBLE if that ran out of memory. */
int report_problems(const peerreview_diag *diag);

/* ---- aligned text for a terminal ---- */

/* Display width of a UTF-8 string: one column per code point. */
size_t text_width(const char *s);

/*
 * Text for a terminal table: control characters (line breaks, tabs, escape
 * sequences a file could smuggle in) print as spaces. Returns the width.
 */
size_t print_text(FILE *out, const char *s);

/* s (as print_text) then spaces up to width columns. */
void print_padded(FILE *out, const char *s, size_t width);

/* ---- bytes out ---- */

/* peerreview_write_fn over the FILE ctx (buffered): 0, or -1 when it has an error. */
int write_file(void *ctx, const void *buf, size_t size);

/* peerreview_write_fn over standard output's descriptor: every byte, or -1 with errno. */
int write_stdout(void *ctx, const void *buf, size_t size);

/*
 * Write the file path atomically: fill writes its content on a temporary
 * file in the same folder and returns 0 (or -1 after reporting why it
 * could not: then nothing is written) (".NAME.tmp-XXXXXX"), which is flushed, synced
 * (fsync) and renamed over path, so that path is either its old content or
 * the whole new one. On any failure the temporary file is removed, nothing
 * else is changed, and the error says what failed, where and what to check.
 * A path that exists and is not a regular file (a folder, a device) is
 * refused. Returns EXIT_OK or EXIT_TROUBLE (reported).
 */
int write_file_atomic(const char *path, int (*fill)(FILE *out, void *ctx), void *ctx);

/*
 * One CSV record of the n fields (NULL: empty) on out, as the library writes
 * CSV (peerreview_render_csv_record). Returns its status: PEERREVIEW_EIO when
 * out has a write error (ferror), PEERREVIEW_ENOMEM.
 */
int csv_record(FILE *out, const char *const *fields, size_t n);

/* Length of the valid UTF-8 sequence at s (at most len bytes, len > 0), or 0. */
size_t utf8_sequence(const unsigned char *s, size_t len);

/* ---- JSON ---- */

/* How a JSON object or array lays out its members. */
enum json_layout {
    JSON_COMPACT, /* {"a":1,"b":[2,3]} */
    JSON_SPACED,  /* {"a": 1, "b": [2, 3]} */
    JSON_INDENTED /* one member a line, indented two spaces a level; empty: {} */
};

#define JSON_MAX_DEPTH 16

/* A JSON writer: values, keys and containers in order; it adds the separators. */
struct json {
    FILE *out;
    int depth;     /* containers open */
    int after_key; /* a key was written: its value comes next */
    struct {
        unsigned char layout; /* enum json_layout */
        unsigned char array;  /* 1: array, 0: object */
        size_t items;         /* members written so far */
    } level[JSON_MAX_DEPTH];
};

/* A writer of JSON text on out. */
void json_init(struct json *j, FILE *out);

/*
 * s as a JSON string (quoted), or null when s is NULL: the one escaping
 * function of this program (keys and values; diff's text output quotes
 * values with it too).
 */
void json_escape(FILE *out, const char *s);

/* Open an object or an array laid out as layout; json_end closes the last one opened. */
void json_object(struct json *j, enum json_layout layout);
void json_array(struct json *j, enum json_layout layout);
void json_end(struct json *j);

/* The key of the next member of an object. */
void json_key(struct json *j, const char *key);

/* Values: a string (NULL: null), a number, null, true or false. */
void json_string(struct json *j, const char *s);
void json_uint(struct json *j, unsigned long long v);
void json_null(struct json *j);
void json_bool(struct json *j, int v);

/*
 * Values through the checked getters (borrowed; NULL when empty). Column
 * names and indexes are the schema's: one the library does not know is a bug
 * in this program, not in the data, and aborts.
 */
/* NULL for a getter's status rc about column; PEERREVIEW_EINVAL aborts (a bug here). */
const char *checked_value(int rc, const char *column);
const char *review_text(const peerreview_review *r, const char *column);
const char *row_text(const peerreview_row *row, const char *column);
const char *review_cell(const peerreview_review *r, size_t column);
const char *row_cell(const peerreview_row *row, size_t column);

/* The column of a table that holds review_id (the first key column). */
size_t review_id_column(int table);

/* A value of a column: integers as numbers, unknown (NULL) as null, else a string. */
void json_value(struct json *j, int table, size_t column, const char *value);

/*
 * A child row as a JSON object of its columns without review_id; with
 * skip_empty also without the key columns and the unknown values.
 */
void json_row(struct json *j, const peerreview_row *row, int skip_empty);

/* A review as a JSON object: every field, then its five child lists. */
void json_review(struct json *j, const peerreview_review *r);

/* One problem as a JSON object; path is used when it names no file. */
void json_problem(struct json *j, const peerreview_problem *p, const char *path);

#endif
