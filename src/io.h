/*
 * The one I/O seam: every file system call of the library goes through here,
 * so tests can inject a failure at any of them (pr_io_set_fault).
 */
#ifndef PR_IO_H
#define PR_IO_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "diag.h"

typedef enum pr_io_op {
    PR_IO_OPEN_READ,
    PR_IO_READ,
    PR_IO_MKDIR,
    PR_IO_OPEN_WRITE,
    PR_IO_WRITE,
    PR_IO_FSYNC,
    PR_IO_CLOSE,
    PR_IO_RENAME,
    PR_IO_OPEN_DIR,
    PR_IO_FSYNC_DIR,
    PR_IO_OP_COUNT
} pr_io_op;

/*
 * Test hook: called before each operation; a non-zero return is used as the
 * errno of a simulated failure. NULL removes the hook. Not thread-safe.
 */
void pr_io_set_fault(int (*hook)(pr_io_op op, const char *path, void *ctx), void *ctx);

int pr_io_open_read(const char *path);
ssize_t pr_io_read(int fd, void *buf, size_t n);
void pr_io_close_read(int fd);
/* Size of a file in bytes, 0 if absent. */
unsigned long long pr_io_file_size(const char *path);
/* 1 if path is a directory, 0 if something else, -1 if absent/unreadable. */
int pr_io_is_dir(const char *path);

/*
 * Sorted names of the entries of folder dir, "." and ".." left out (the
 * caller frees each name and the array). 0, or -1 with errno set.
 */
int pr_io_list_dir(const char *dir, char ***names, size_t *n);

/*
 * Append to msg what error err on path means and how to fix it, following
 * errno (a file in the way, the missing folder, permissions, space, a
 * read-only file system, a file where a folder should be). writing: the
 * operation was creating or replacing path. 0 or -1 when out of memory.
 */
int pr_io_explain(pr_buf *msg, int err, const char *path, int writing);

/*
 * Report that path (called name in problems) could not be opened for
 * reading with error err, with pr_io_explain's advice. Returns
 * PEERREVIEW_EIO, or PEERREVIEW_ENOMEM when out of memory.
 */
int pr_io_report_open(pr_sink *sink, const char *name, const char *path, int err);

/*
 * A set of files replaced together: each file is written in full to a
 * temporary file beside its target (write, fsync, close checked); commit
 * renames them all over their targets and syncs the folders. On any failure
 * the temporary files are removed and no target is touched.
 */
typedef struct pr_outset pr_outset;

int pr_outset_new(pr_outset **out);
/* Write data as the future content of path. */
int pr_outset_add(pr_outset *s, const char *path, const void *data, size_t len, pr_sink *sink);
/* Create folder dir if it does not exist (before adding files to it). */
int pr_outset_mkdir(pr_outset *s, const char *dir, pr_sink *sink);
int pr_outset_commit(pr_outset *s, pr_sink *sink);
/* Remove every temporary file not committed, and free the set. */
void pr_outset_free(pr_outset *s);

#endif
