/*
 * Bytes -> libcsv -> records of fields with positions.
 *
 * libcsv pushes fields through callbacks and reports no positions; this
 * stage feeds it one segment at a time (each ending at a delimiter or line
 * end) so that every callback happens at a known byte, tracks physical lines
 * itself, skips a BOM, validates UTF-8 across read boundaries and detects
 * NUL bytes and UTF-16. It is pull-style: one record per call.
 *
 * A record with nothing to report (the common case) is read by a fast path
 * instead, in one pass over its bytes, with the same result as libcsv's
 * (fuzz/fuzz-csvdiff.c checks it against plain libcsv and against the
 * segment-by-segment path); a record with anything to report is read the
 * slow way from its first byte, so that problems are found as before.
 */
#ifndef PR_CSVIN_H
#define PR_CSVIN_H

#include <stddef.h>

#include "diag.h"

typedef struct pr_field {
    const char *p; /* NUL-terminated; may contain NUL if the record is bad */
    size_t len;
    unsigned long line; /* physical line where the field starts */
    long long offset;   /* byte offset where the field starts */
    int quoted;         /* the field was written in quotes */
} pr_field;

typedef struct pr_record {
    pr_field *f;
    size_t n;
    unsigned long line;   /* physical line where the record starts */
    long long offset;     /* byte offset where the record starts */
    unsigned long number; /* spreadsheet row: records and blank lines so far, header = 1 */
    int bad;              /* an encoding problem was reported for it */
} pr_record;

typedef struct pr_csvin pr_csvin;

/*
 * Open path for reading; name is the file name used in problems. Problems go
 * to sink. Returns 0, PEERREVIEW_EIO (io-error reported; *out NULL; when the
 * file does not exist and missing_ok, returns PEERREVIEW_ENOTFOUND without a
 * problem) or PEERREVIEW_ENOMEM.
 */
int pr_csvin_open(const char *path, const char *name, size_t max_field, pr_sink *sink,
                  int missing_ok, pr_csvin **out);

/*
 * Read len bytes at data (NULL: none) in place, without a copy; data must
 * outlive the reader. 0 or PEERREVIEW_ENOMEM (reported).
 */
int pr_csvin_open_mem(const char *data, size_t len, const char *name, size_t max_field,
                      pr_sink *sink, pr_csvin **out);

/*
 * Read through a callback (peerreview_read_fn), called until it returns 0 and
 * never after; a negative return or one larger than asked is an io-error
 * (PEERREVIEW_EIO). What is reported does not depend on how much each call
 * gives. 0 or PEERREVIEW_ENOMEM (reported).
 */
int pr_csvin_open_callback(peerreview_read_fn read, void *ctx, const char *name, size_t max_field,
                           pr_sink *sink, pr_csvin **out);

/* What problems call a buffer or a callback's input without a name. */
#define PR_BUFFER_NAME "<buffer>"
#define PR_STREAM_NAME "<stream>"

/* An input: a file (path), the caller's memory (data, len) or a read callback. */
typedef struct pr_source {
    const char *path; /* a file, or NULL */
    const char *data; /* without path and read: len bytes (data may be NULL when len is 0) */
    size_t len;
    peerreview_read_fn read; /* a callback, or NULL */
    void *ctx;
} pr_source;

/* pr_csvin_open, pr_csvin_open_mem or pr_csvin_open_callback, as src says. */
int pr_csvin_open_source(const pr_source *src, const char *name, size_t max_field, pr_sink *sink,
                         int missing_ok, pr_csvin **out);

/* Bytes the source holds, for progress: 0 when unknown (a callback) or absent. */
unsigned long long pr_source_size(const pr_source *src);

/*
 * Next record: 1 and *rec (valid until the next call), 0 at the end, or a
 * negative status after a fatal problem (syntax, I/O, memory), which has been
 * reported to the sink.
 */
int pr_csvin_next(pr_csvin *c, pr_record **rec);

/*
 * Read with the options' delimiter and encoding (before the first record).
 * 0 or PEERREVIEW_ENOMEM.
 */
int pr_csvin_set_dialect(pr_csvin *c, const peerreview_options *o);

/* 1 if the file is read through a single-byte encoding (one byte per character). */
int pr_csvin_transcodes(const pr_csvin *c);

/* Progress of a whole load: reported after every read. */
typedef struct pr_progress {
    peerreview_progress_cb fn;
    void *ctx;
    unsigned long long done, total;
    int canceled;                /* fn asked to stop: the read failed with PEERREVIEW_ECANCELED */
    unsigned long long reported; /* done at the last call */
} pr_progress;

/*
 * Report reads to p (may be NULL). When p->fn returns non-zero, the read
 * fails with PEERREVIEW_ECANCELED (no problem reported), p->canceled is set
 * and the sink is stopped, so that nothing more is reported.
 */
void pr_csvin_set_progress(pr_csvin *c, pr_progress *p);

/*
 * Keep only the first n fields' data of each later record (further fields are
 * counted, with empty data), so that a record wider than its header cannot
 * use more than n * max_field bytes. 0 keeps all.
 */
void pr_csvin_keep_fields(pr_csvin *c, size_t n);

/*
 * Read records with libcsv alone, fed segment by segment (on = 0), or also
 * with the fast path that reads a record without a problem in one pass, as
 * libcsv would (on = 1, the default; never when transcoding). For the tests
 * and fuzz/fuzz-csvdiff.c, which compare the two; call it before the first
 * record.
 */
void pr_csvin_set_fast(pr_csvin *c, int on);

void pr_csvin_free(pr_csvin *c);

#endif
