/*
 * Shared helpers of the libFuzzer targets in fuzz/fuzz-*.c.
 *
 * Every target uses the public API only, as an application would: it writes
 * its input to files in a private temporary folder (under /dev/shm when there
 * is one), loads them, checks what it can state about the result and removes
 * the folder again. The same targets run under libFuzzer (make fuzz) and under
 * the plain replay driver fuzz/replay.c (make check).
 */
#ifndef PR_FUZZ_H
#define PR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "peerreview.h"

/* The entry point every target defines (libFuzzer's). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop the process with a message when an invariant does not hold. */
#define FZ_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fz_fail(__FILE__, __LINE__, "%s", #cond);                                              \
    } while (0)
_Noreturn void fz_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * String values through the 1.0 checked getters: the value, or NULL when it
 * is empty; any other status (a column the table lacks) stops the run.
 */
const char *fz_review_str_at(const peerreview_review *review, size_t column);
const char *fz_row_str_at(const peerreview_row *row, size_t column);
const char *fz_reader_str_at(const peerreview_reader *reader, size_t column);

/* ---- input ---- */

/* The part of the input still to be read. */
typedef struct fz_input {
    const uint8_t *p;
    size_t n;
} fz_input;

/* The next byte (0 once the input is used up). */
uint8_t fz_byte(fz_input *in);

/*
 * Options from one input byte:
 *   bit 0  delimiter ';' (else ',')
 *   bit 1  encoding "windows-1252" (else the default, UTF-8); with bit 5,
 *          "ISO-8859-7" instead, which has bytes with no character
 *   bit 2  max_problems 0 (stop at the first error; else 100)
 *   bit 3  max_field_size FZ_SMALL_FIELD (else 1 MiB)
 *   bit 4  ignore unknown columns
 *   bit 5  without bit 1: max_records FZ_SMALL_RECORDS (else 10 million)
 * Bits 6 and 7 are left to the target. Never NULL (aborts when out of memory).
 */
#define FZ_SMALL_FIELD   24
#define FZ_SMALL_RECORDS 3
peerreview_options *fz_options(uint8_t bits);
/* The cap on stored problems that fz_options(bits) sets. */
size_t fz_max_problems(uint8_t bits);

/*
 * The package files as the package and round-trip targets read them: up to
 * FZ_MAX_PARTS parts separated by FZ_SEP. Part i < 7 is file i of
 * fz_package_files; later parts are extra files named by fz_extra_files. A part
 * that is exactly FZ_MISSING is not written (the file is missing), one that is
 * exactly FZ_FOLDER is a folder of that name; parts past the input's end are
 * missing too.
 */
#define FZ_SEP       "\n%%\n"
#define FZ_MISSING   "%"
#define FZ_FOLDER    "%/"
#define FZ_MAX_PARTS 13
extern const char *const fz_package_files[7];
extern const char *const fz_extra_files[FZ_MAX_PARTS - 7];
/* Write the parts of in into dir (which exists). */
void fz_write_package(const char *dir, const uint8_t *data, size_t size);

/* ---- files ---- */

/*
 * A new empty private folder (owned; remove it with fz_rmrf and free the
 * string). It is made in $PEERREVIEW_FUZZ_TMPDIR, else /dev/shm, else
 * $TMPDIR, else /tmp.
 */
char *fz_tmpdir(void);
/* Remove path and everything under it; aborts if something stays. */
void fz_rmrf(const char *path);
/* dir/name (owned). */
char *fz_join(const char *dir, const char *name);
/* Create or replace path with len bytes; aborts on failure. */
void fz_write(const char *path, const void *data, size_t len);
/*
 * fz_write for a datapackage.json. Built with FZ_AVOID_OPEN_FINDINGS (as
 * fuzz.sh builds the libFuzzer binaries) it steers around the open findings
 * in fuzz/regressions/ that it can, so that fuzzing goes on finding other bugs
 * before they are fixed; the replay driver is built without it, so the
 * open-* files reproduce their bugs.
 */
void fz_write_descriptor(const char *path, const void *data, size_t len);
/* Whole file (owned, NUL-terminated, *len set), or NULL if it cannot be read. */
char *fz_read(const char *path, size_t *len);

/* ---- checks ---- */

/* 1 if the bytes are valid UTF-8. */
int fz_utf8_valid(const char *s, size_t len);

/*
 * Look at every problem of d (getters, formatting) and check what holds for
 * all of them: a known code and severity, a one-line message, at most cap
 * problems stored (cap 0: one error at most), totals no smaller than what is
 * stored.
 */
void fz_check_diag(const peerreview_diag *d, size_t cap);

/* fz_check_diag for problems about bytes in memory that they call name. */
void fz_check_diag_mem(const peerreview_diag *d, size_t cap, const char *name, const void *data,
                       size_t len);

/* Print the outcome of an operation and its problems to stderr. */
void fz_print_diag(const char *what, int rc, const peerreview_diag *d);

/*
 * Check the outcome of peerreview_load (rc, *out, the diag as loaded with a cap
 * of cap problems), and for a dataset, walk it with fz_walk_dataset.
 */
void fz_check_load(int rc, const peerreview_dataset *ds, const peerreview_diag *d, size_t cap);

/*
 * Walk a dataset that loaded: every value passes peerreview_check_value,
 * required values are there, lookups agree, every table renders, the flat form
 * renders or says it cannot, and peerreview_dataset_validate finds no error
 * (a dataset that loaded must be one that can be saved).
 * With PEERREVIEW_FUZZ_VERBOSE set in the environment, fz_check_load prints
 * each load's outcome and problems to stderr.
 */
void fz_walk_dataset(const peerreview_dataset *ds);

#endif
