/*
 * The one I/O seam: every file system call of the library goes through here,
 * so that tests can inject a failure (or stop the process) at any of them
 * (pr_io_set_fault).
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
    PR_IO_UNLINK,
    PR_IO_RMDIR,
    PR_IO_LOCK,
    PR_IO_OP_COUNT
} pr_io_op;

/*
 * Test hook: called before each operation with the path it is about (NULL
 * for reads and writes of an open file); a non-zero return is used as the
 * errno of a simulated failure. The hook may also end the process, to test
 * what a kill at that point leaves. NULL removes the hook. Not thread-safe.
 */
void pr_io_set_fault(int (*hook)(pr_io_op op, const char *path, void *ctx), void *ctx);

/*
 * errno of pr_io_open_read for something that is not a regular file (a FIFO,
 * a socket, a device): never opened for reading, so it cannot block.
 */
#define PR_ENOTFILE 0x7F01

/* Open a regular file for reading (-1 and errno: EISDIR, PR_ENOTFILE, ...). */
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
void pr_io_free_names(char **names, size_t n);

/* ---- writing: each call checked; 0 or -1 with errno set ---- */

int pr_io_mkdir(const char *path);
int pr_io_rmdir(const char *path);
/* Create path exclusively for writing (O_EXCL); the descriptor or -1. */
int pr_io_create(const char *path, mode_t mode);
int pr_io_write_all(int fd, const void *data, size_t len, const char *path);
int pr_io_fsync(int fd, const char *path);
/* Close a descriptor opened for writing (it is closed even when this fails). */
int pr_io_close(int fd, const char *path);
int pr_io_rename(const char *from, const char *to);
int pr_io_unlink(const char *path);
/* Make the entries of folder dir durable (open, fsync, close). */
int pr_io_sync_dir(const char *dir);
/*
 * Take an advisory lock (flock) on folder dir: shared for readers, exclusive
 * for a save; it waits for the other holders. The descriptor to pass to
 * pr_io_unlock, or -1 with errno set.
 */
int pr_io_lock(const char *dir, int exclusive);
/* Try to turn a held lock exclusive without waiting: 0, or -1 (EWOULDBLOCK: others hold it). */
int pr_io_lock_upgrade(int fd);
void pr_io_lock_downgrade(int fd);
void pr_io_unlock(int fd);

/* ---- messages ---- */

/*
 * Append to msg what error err on path means and how to fix it, following
 * errno (a file in the way, the missing folder, permissions, space, a
 * read-only file system, a file where a folder should be, something that
 * is not a file). writing: the operation was creating or replacing path.
 * 0 or -1 when out of memory.
 */
int pr_io_explain(pr_buf *msg, int err, const char *path, int writing);

/*
 * Report that what (e.g. "writing") failed on path with error err:
 * "WHAT failed: STRERROR; ADVICE (AFTER)" as an io-error. Returns
 * PEERREVIEW_EIO, or PEERREVIEW_ENOMEM when out of memory.
 */
int pr_io_report(pr_sink *sink, const char *path, const char *what, int err, const char *after);

/* strerror, and a text for PR_ENOTFILE. */
const char *pr_io_strerror(int err);

/*
 * Report that path (called name in problems) could not be opened for
 * reading with error err, with pr_io_explain's advice. Returns
 * PEERREVIEW_EIO, or PEERREVIEW_ENOMEM when out of memory.
 */
int pr_io_report_open(pr_sink *sink, const char *name, const char *path, int err);

/* Folder part of path ("." when none); NULL when out of memory. */
char *pr_io_dir_of(const char *path);

#endif
