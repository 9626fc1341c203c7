/*
 * Saving files so that a failure or a kill never leaves a mix: a set of
 * files replaced together. Every file is written in full to a temporary file
 * beside its target (write, fsync, close checked). A flat file is then
 * renamed over its target; a package commits through its record (pkgtx.h)
 * first, so that the whole package is old or new. On a failure before the
 * commit point the temporary files, and a package folder the save created,
 * are removed.
 */
#ifndef PR_OUTSET_H
#define PR_OUTSET_H

#include <stddef.h>

#include "diag.h"

typedef struct pr_outset pr_outset;

int pr_outset_new(pr_outset **out);

/*
 * Make the set a package save into folder dir: create the folder if absent,
 * take its lock, complete or clean up what an earlier save left there
 * (bases: the package's file names). Call before pr_outset_add.
 */
int pr_outset_package(pr_outset *s, const char *dir, const char *const *bases, size_t nbases,
                      pr_sink *sink);

/*
 * Write data as the future content of path. A symbolic link is followed (the
 * link stays, the file it names gets the content); a target that is not a
 * regular file, or that is the same file as an earlier target of the set
 * (one device and inode), is refused before anything is replaced.
 */
int pr_outset_add(pr_outset *s, const char *path, const void *data, size_t len, pr_sink *sink);

/* Replace the targets (for a package: commit, rename, sync, remove the record). */
int pr_outset_commit(pr_outset *s, pr_sink *sink);

/* Undo what was not committed, release the lock, free the set. */
void pr_outset_free(pr_outset *s);

#endif
