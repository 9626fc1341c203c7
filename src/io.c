/* The file system seam: every call the library makes, checked, with a fault hook. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "io.h"

static int (*g_fault)(pr_io_op, const char *, void *);
static void *g_fault_ctx;

void pr_io_set_fault(int (*hook)(pr_io_op, const char *, void *), void *ctx)
{
    g_fault = hook;
    g_fault_ctx = ctx;
}

static int fault(pr_io_op op, const char *path)
{
    if (!g_fault)
        return 0;
    int e = g_fault(op, path, g_fault_ctx);
    if (e)
        errno = e;
    return e;
}

int pr_io_open_read(const char *path)
{
    if (fault(PR_IO_OPEN_READ, path))
        return -1;
    int fd;
    /* O_NONBLOCK: a FIFO with no writer must not block the open */
    do
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        errno = S_ISDIR(st.st_mode) ? EISDIR : PR_ENOTFILE;
        return -1;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

ssize_t pr_io_read(int fd, void *buf, size_t n)
{
    if (fault(PR_IO_READ, NULL))
        return -1;
    return read(fd, buf, n);
}

void pr_io_close_read(int fd)
{
    close(fd);
}

unsigned long long pr_io_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_size > 0 ? (unsigned long long)st.st_size : 0;
}

int pr_io_is_dir(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    return S_ISDIR(st.st_mode) ? 1 : 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int pr_io_list_dir(const char *dir, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    if (fault(PR_IO_OPEN_DIR, dir))
        return -1;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    struct dirent *e;
    int fail = 0;
    while (!fail && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *name = NULL;
        if (pr_grow((void **)&v, &cap, cnt + 1, sizeof *v) || !(name = pr_strdup(e->d_name)))
            fail = 1;
        else
            v[cnt++] = name;
    }
    closedir(d);
    if (fail) {
        for (size_t i = 0; i < cnt; i++)
            pr_free(v[i]);
        pr_free(v);
        errno = ENOMEM;
        return -1;
    }
    if (cnt)
        qsort(v, cnt, sizeof *v, by_name);
    *names = v;
    *n = cnt;
    return 0;
}

void pr_io_free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pr_free(names[i]);
    pr_free(names);
}

char *pr_io_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return pr_strdup(".");
    if (slash == path)
        return pr_strdup("/");
    return pr_strndup(path, (size_t)(slash - path));
}

#define dir_of pr_io_dir_of

/*
 * The ancestor of path the error is about: for ENOENT the outermost folder
 * that does not exist; for ENOTDIR the first one that is not a folder.
 * NULL when none is found (or out of memory).
 */
static char *culprit(const char *path, int err)
{
    char *p = dir_of(path);
    char *found = NULL;
    while (p) {
        struct stat st;
        int exists = stat(p, &st) == 0;
        if (err == ENOENT && !exists) {
            pr_free(found);
            found = pr_strdup(p);
        } else if (err == ENOTDIR && exists && !S_ISDIR(st.st_mode)) {
            pr_free(found);
            found = pr_strdup(p);
        } else if (exists && err == ENOENT) {
            break;
        }
        if (strcmp(p, ".") == 0 || strcmp(p, "/") == 0)
            break;
        char *up = dir_of(p);
        pr_free(p);
        p = up;
    }
    pr_free(p);
    return found;
}

int pr_io_explain(pr_buf *msg, int err, const char *path, int writing)
{
    char *who = NULL;
    int r;
    switch (err) {
    case EEXIST:
        r = pr_buf_printf(msg,
                          "a file named \"%s\" is in the way (a folder is needed there); "
                          "move or rename it, or save elsewhere",
                          path);
        break;
    case ENOENT:
        who = culprit(path, ENOENT);
        if (who && writing)
            r = pr_buf_printf(msg,
                              "the folder \"%s\" does not exist; create it first or check "
                              "the path",
                              who);
        else if (who)
            r = pr_buf_printf(msg, "the folder \"%s\" does not exist; check the path", who);
        else
            r = pr_buf_printf(msg, "\"%s\" does not exist; check the path", path);
        break;
    case ENOTDIR:
        who = culprit(path, ENOTDIR);
        r = pr_buf_printf(msg, "\"%s\" is a file, not a folder; check the path", who ? who : path);
        break;
    case EACCES:
    case EPERM:
        who = dir_of(path);
        if (writing)
            r = pr_buf_printf(msg,
                              "you may not write there; check the permissions of \"%s\" "
                              "and of the folder \"%s\", or save elsewhere",
                              path, who ? who : ".");
        else
            r = pr_buf_printf(msg,
                              "you may not read it; check the permissions of \"%s\" and "
                              "of its folders",
                              path);
        break;
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
        r = pr_buf_adds(msg, "the disk (or your quota) is full; free some space and try again");
        break;
    case EROFS:
        r = pr_buf_adds(msg, "the file system is read-only; save elsewhere");
        break;
    case EISDIR:
        r = pr_buf_printf(msg, "\"%s\" is a folder; give a file", path);
        break;
    case PR_ENOTFILE:
    case ENXIO: {
        /* a FIFO, socket or device: say which, it is not read */
        struct stat st;
        const char *kind = stat(path, &st) != 0   ? "not a regular file"
                           : S_ISFIFO(st.st_mode) ? "a named pipe (FIFO)"
                           : S_ISSOCK(st.st_mode) ? "a socket"
                           : S_ISCHR(st.st_mode)  ? "a character device"
                           : S_ISBLK(st.st_mode)  ? "a block device"
                                                  : "not a regular file";
        r = pr_buf_printf(msg, "\"%s\" is %s, not a file, and is not read; give a file", path,
                          kind);
        break;
    }
    case ELOOP:
        r = pr_buf_printf(msg,
                          "\"%s\" goes through a loop of symbolic links; point the links at "
                          "a real file",
                          path);
        break;
    case ENAMETOOLONG:
        r = pr_buf_adds(msg, "the path is too long; use a shorter one");
        break;
    default:
        r = pr_buf_adds(msg, writing ? "check the path, free space and permissions"
                                     : "check the path and that it is a readable file");
    }
    pr_free(who);
    return r ? -1 : 0;
}

int pr_io_report_open(pr_sink *sink, const char *name, const char *path, int err)
{
    pr_where w = PR_WHERE_NONE;
    w.file = name;
    pr_buf advice = PR_BUF_INIT;
    int fail = pr_io_explain(&advice, err, path, 0) ||
               pr_report(sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_IO_ERROR, &w,
                         "cannot open the file: %s; %s", pr_io_strerror(err), pr_buf_str(&advice));
    pr_buf_free(&advice);
    if (fail) {
        pr_report_oom(sink, name);
        return PEERREVIEW_ENOMEM;
    }
    return PEERREVIEW_EIO;
}

int pr_io_report(pr_sink *sink, const char *path, const char *what, int err, const char *after)
{
    pr_where w = PR_WHERE_NONE;
    w.file = path;
    pr_buf advice = PR_BUF_INIT;
    int r =
        pr_io_explain(&advice, err, path, 1) ||
        pr_report(sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_IO_ERROR, &w,
                  "%s failed: %s; %s (%s)", what, pr_io_strerror(err), pr_buf_str(&advice), after);
    pr_buf_free(&advice);
    if (r) {
        pr_report_oom(sink, path);
        return PEERREVIEW_ENOMEM;
    }
    return PEERREVIEW_EIO;
}

const char *pr_io_strerror(int err)
{
    return err == PR_ENOTFILE ? "not a regular file" : strerror(err);
}

/* ---- writing ---- */

int pr_io_mkdir(const char *path)
{
    if (fault(PR_IO_MKDIR, path))
        return -1;
    return mkdir(path, 0777);
}

int pr_io_rmdir(const char *path)
{
    if (fault(PR_IO_RMDIR, path))
        return -1;
    return rmdir(path);
}

int pr_io_create(const char *path, mode_t mode)
{
    if (fault(PR_IO_OPEN_WRITE, path))
        return -1;
    int fd;
    do
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    while (fd < 0 && errno == EINTR);
    return fd;
}

int pr_io_write_all(int fd, const void *data, size_t len, const char *path)
{
    const char *p = data;
    while (len > 0) {
        size_t chunk = len > (1u << 20) ? (1u << 20) : len;
        if (fault(PR_IO_WRITE, path))
            return -1;
        ssize_t n = write(fd, p, chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ENOSPC;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int pr_io_fsync(int fd, const char *path)
{
    if (fault(PR_IO_FSYNC, path))
        return -1;
    return fsync(fd);
}

int pr_io_close(int fd, const char *path)
{
    int e = fault(PR_IO_CLOSE, path);
    if (e) {
        close(fd); /* a simulated failure must not leak the descriptor */
        errno = e;
        return -1;
    }
    return close(fd);
}

int pr_io_rename(const char *from, const char *to)
{
    if (fault(PR_IO_RENAME, to))
        return -1;
    return rename(from, to);
}

int pr_io_unlink(const char *path)
{
    if (fault(PR_IO_UNLINK, path))
        return -1;
    return unlink(path);
}

int pr_io_sync_dir(const char *dir)
{
    if (fault(PR_IO_OPEN_DIR, dir))
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int bad = fault(PR_IO_FSYNC_DIR, dir) || fsync(fd) != 0;
    int e = errno;
    close(fd);
    errno = e;
    return bad ? -1 : 0;
}

int pr_io_lock(const char *dir, int exclusive)
{
    if (fault(PR_IO_LOCK, dir))
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r;
    do
        r = flock(fd, exclusive ? LOCK_EX : LOCK_SH);
    while (r != 0 && errno == EINTR);
    /* a file system without locks: go on unlocked rather than refuse to save */
    if (r != 0 && (errno == ENOLCK || errno == EOPNOTSUPP || errno == ENOSYS))
        r = 0;
    if (r != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int pr_io_lock_upgrade(int fd)
{
    return flock(fd, LOCK_EX | LOCK_NB);
}

void pr_io_lock_downgrade(int fd)
{
    flock(fd, LOCK_SH);
}

void pr_io_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing the descriptor releases the lock */
}
