/*
 * A package is replaced as a whole: the commit record.
 *
 * A save writes every new file of a package under a temporary name beside
 * its target (".items.csv.tmp-PID-N"), then writes the commit record
 * ".peerreview-commit" into the package folder, listing each temporary file
 * and its target, and makes it durable: that is the commit point. Only then
 * are the files renamed over their targets; the record is removed last.
 *
 * Whoever next opens the folder (a load or a save, under the folder's lock)
 * and finds a record completes the renames it lists, so no reader ever sees
 * a mix of two saves; without the right to rename, a load reads the files
 * the record names instead. Temporary files of a save that never reached its
 * commit point are recognised by name and removed. Nothing else in the
 * folder is touched.
 */
#ifndef PR_PKGTX_H
#define PR_PKGTX_H

#include <stddef.h>

#include "diag.h"

#define PR_COMMIT_RECORD ".peerreview-commit" /* in the package folder */

/*
 * 1 if name is a temporary file of ours: ".BASE.tmp-DIGITS-DIGITS" (base NULL:
 * any base); the record's own is "..peerreview-commit.tmp-DIGITS-DIGITS".
 */
int pr_tx_is_temp(const char *name, const char *base);

/* Temporary name for target (in its folder), attempt n; NULL when out of memory. */
char *pr_tx_temp_name(const char *target, unsigned n);

/*
 * Write the record listing temps[i] -> targets[i] (paths) into folder dir and
 * make it durable: the commit point. 0 and *record (owned: the record's path,
 * for pr_tx_done), or PEERREVIEW_EIO / _ENOMEM reported (then nothing was
 * committed and no record is left).
 */
int pr_tx_commit(const char *dir, char *const *temps, char *const *targets, size_t n, char **record,
                 pr_sink *sink);

/* Remove the record (path from pr_tx_commit) once every rename is done and synced. 0 or -1. */
int pr_tx_done(const char *dir, const char *record);

/*
 * For a save holding dir's exclusive lock: complete a committed save found
 * there, then remove leftover temporary files of the package's files
 * (bases: the file names, in dir or, for symbolic links, where they point).
 * 0, or PEERREVIEW_EIO / _ENOMEM / _EDATA reported.
 */
int pr_tx_recover(const char *dir, const char *const *bases, size_t nbases, pr_sink *sink);

/* Remove the temporary files of base in dir (a flat file's interrupted saves). */
int pr_tx_clean(const char *dir, const char *base, pr_sink *sink);

/*
 * A load's view of a package folder: holds dir's shared lock while reading.
 * When a committed save could not be completed (no right to rename, or
 * another process reading), from[i] names the file to read for bases[i]
 * (NULL: the file itself).
 */
typedef struct pr_txread {
    int lockfd;
    char **from;
    size_t n;
} pr_txread;

/* 0, or PEERREVIEW_EIO / _ENOMEM / _EDATA reported (r is then released). */
int pr_tx_read_begin(pr_txread *r, const char *dir, const char *const *bases, size_t nbases,
                     pr_sink *sink);
void pr_tx_read_end(pr_txread *r);

#endif
