/* Value rules of one cell against one column (doc/format.md §3). */
#ifndef PR_VALUE_H
#define PR_VALUE_H

#include <stddef.h>

#include "buf.h"
#include "peerreview.h"

/*
 * Check the non-empty value s[0..len) for column col of table. Returns -1 when
 * valid, else the peerreview_code of the first rule it breaks, with a message
 * (quoting the value and saying how to fix it) appended to msg. A NULL msg
 * only classifies. On out-of-memory while writing msg returns -2.
 */
int pr_check_cell(int table, size_t col, const char *s, size_t len, pr_buf *msg);

/*
 * pr_check_cell for a value known to be valid UTF-8 without a NUL byte: a
 * field (or a part of one) of a record the tokenizer read without an
 * encoding problem (pr_record.bad 0), which it checked byte by byte already.
 */
int pr_check_read(int table, size_t col, const char *s, size_t len, pr_buf *msg);

/* 1 if s[0..len) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int pr_utf8_valid(const char *s, size_t len);
/* Length of the longest valid UTF-8 prefix of s[0..len) (len when all of it is). */
size_t pr_utf8_prefix(const char *s, size_t len);

/* Strict date parse; precision 1..3 or -1. Fills y/m/d (0 if absent). */
int pr_date_parse(const char *s, size_t len, int *y, int *m, int *d);

/*
 * A date as the interval of days it covers, as day numbers; lo <= hi.
 * Returns 0, or -1 if s is not a valid date.
 */
int pr_date_interval(const char *s, long *lo, long *hi);

/*
 * Parse a date strictly (as pr_date_parse) into *out, with the interval it
 * covers as days since 1970-01-01. 0, or -1 (*out zeroed) if not a date.
 */
int pr_date_fill(const char *s, size_t len, peerreview_date *out);

/* 1 if a cell starting with c may run as a formula in a spreadsheet (= + - @ TAB CR). */
int pr_formula_char(char c);

/* Parse a valid integer value (digits only). 0 or -1 on overflow. */
int pr_int_parse(const char *s, size_t len, int64_t *out);

#endif
