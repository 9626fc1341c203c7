/* File system seam and atomic replacement of a set of files. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
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
    do
        fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd >= 0) {
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            close(fd);
            errno = EISDIR;
            return -1;
        }
    }
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

static char *dir_of(const char *path);

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
                         "cannot open the file: %s; %s", strerror(err), pr_buf_str(&advice));
    pr_buf_free(&advice);
    if (fail) {
        pr_report_oom(sink, name);
        return PEERREVIEW_ENOMEM;
    }
    return PEERREVIEW_EIO;
}

/* ---- atomic file sets ---- */

typedef struct pr_outfile {
    char *target;
    char *temp;
    int committed;
} pr_outfile;

struct pr_outset {
    pr_outfile *v;
    size_t n, cap;
    char **dirs; /* folders to sync after the renames */
    size_t ndirs, capdirs;
};

int pr_outset_new(pr_outset **out)
{
    *out = pr_calloc(1, sizeof **out);
    return *out ? 0 : PEERREVIEW_ENOMEM;
}

void pr_outset_free(pr_outset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        if (!s->v[i].committed && s->v[i].temp)
            unlink(s->v[i].temp);
        pr_free(s->v[i].target);
        pr_free(s->v[i].temp);
    }
    for (size_t i = 0; i < s->ndirs; i++)
        pr_free(s->dirs[i]);
    pr_free(s->dirs);
    pr_free(s->v);
    pr_free(s);
}

static int io_fail(pr_sink *sink, const char *path, const char *what)
{
    int e = errno;
    pr_where w = PR_WHERE_NONE;
    w.file = path;
    pr_buf advice = PR_BUF_INIT;
    if (pr_io_explain(&advice, e, path, 1)) {
        pr_buf_free(&advice);
        pr_report_oom(sink, path);
        return PEERREVIEW_ENOMEM;
    }
    int r = pr_report(sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_IO_ERROR, &w,
                      "%s failed: %s; %s (nothing was changed)", what, strerror(e),
                      pr_buf_str(&advice));
    pr_buf_free(&advice);
    return r ? PEERREVIEW_ENOMEM : PEERREVIEW_EIO;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return pr_strdup(".");
    if (slash == path)
        return pr_strdup("/");
    return pr_strndup(path, (size_t)(slash - path));
}

static int remember_dir(pr_outset *s, const char *path)
{
    char *d = dir_of(path);
    if (!d)
        return -1;
    for (size_t i = 0; i < s->ndirs; i++) {
        if (strcmp(s->dirs[i], d) == 0) {
            pr_free(d);
            return 0;
        }
    }
    if (pr_grow((void **)&s->dirs, &s->capdirs, s->ndirs + 1, sizeof *s->dirs)) {
        pr_free(d);
        return -1;
    }
    s->dirs[s->ndirs++] = d;
    return 0;
}

int pr_outset_mkdir(pr_outset *s, const char *dir, pr_sink *sink)
{
    if (pr_io_is_dir(dir) == 1)
        return 0;
    if (fault(PR_IO_MKDIR, dir) || mkdir(dir, 0777) != 0) {
        int e = errno;
        if (e == EEXIST && pr_io_is_dir(dir) == 1)
            return 0;
        errno = e;
        return io_fail(sink, dir, "creating the folder");
    }
    /* the new folder's own entry must reach the disk too */
    if (remember_dir(s, dir)) {
        pr_report_oom(sink, dir);
        return PEERREVIEW_ENOMEM;
    }
    return 0;
}

static int write_all(int fd, const char *p, size_t len, const char *path)
{
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

int pr_outset_add(pr_outset *s, const char *path, const void *data, size_t len, pr_sink *sink)
{
    /*
     * The file to replace: a symbolic link is followed (the link stays, its
     * file gets the new content); anything but a regular file is refused
     * before a single file is written; an existing file's mode and owner are
     * kept.
     */
    char real[PATH_MAX];
    struct stat st;
    int exists = 0;
    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            if (!realpath(path, real) || stat(real, &st) != 0)
                return io_fail(sink, path, "following the symbolic link");
            path = real;
        }
        if (!S_ISREG(st.st_mode)) {
            pr_where w = PR_WHERE_NONE;
            w.file = path;
            return pr_report(sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_IO_ERROR, &w,
                             "the target exists and is %s, not a file; move it away or save "
                             "elsewhere (nothing was changed)",
                             S_ISDIR(st.st_mode) ? "a folder" : "a special file")
                       ? PEERREVIEW_ENOMEM
                       : PEERREVIEW_EIO;
        }
        exists = 1;
    }
    if (pr_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v) || remember_dir(s, path)) {
        pr_report_oom(sink, path);
        return PEERREVIEW_ENOMEM;
    }
    pr_outfile *f = &s->v[s->n];
    memset(f, 0, sizeof *f);
    f->target = pr_strdup(path);
    pr_buf tmp = PR_BUF_INIT;
    char *dir = dir_of(path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!f->target || !dir) {
        pr_free(f->target);
        pr_free(dir);
        pr_report_oom(sink, path);
        return PEERREVIEW_ENOMEM;
    }
    s->n++; /* from here on pr_outset_free cleans up */
    int fd = -1;
    for (unsigned attempt = 0; attempt < 100 && fd < 0; attempt++) {
        pr_buf_reset(&tmp);
        if (pr_buf_printf(&tmp, "%s/.%s.tmp-%ld-%u", dir, base, (long)getpid(), attempt)) {
            pr_free(dir);
            pr_buf_free(&tmp);
            pr_report_oom(sink, path);
            return PEERREVIEW_ENOMEM;
        }
        if (fault(PR_IO_OPEN_WRITE, tmp.data))
            break;
        fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST && errno != EINTR)
            break;
    }
    pr_free(dir);
    if (fd < 0) {
        pr_buf_free(&tmp);
        return io_fail(sink, path, "creating a temporary file beside the target");
    }
    f->temp = tmp.data; /* owned now */
    int rc = 0;
    if (exists) {
        /* keep the owner (only root may) or at least the group; else the saver owns it */
        int kept = fchown(fd, st.st_uid, st.st_gid) == 0 || fchown(fd, (uid_t)-1, st.st_gid) == 0;
        (void)kept;
        if (fchmod(fd, st.st_mode & 07777) != 0)
            rc = io_fail(sink, path, "keeping the file's permissions");
    }
    if (!rc && write_all(fd, data, len, path))
        rc = io_fail(sink, path, "writing");
    if (!rc && (fault(PR_IO_FSYNC, path) || fsync(fd) != 0))
        rc = io_fail(sink, path, "syncing to disk");
    int cerr = fault(PR_IO_CLOSE, path);
    if (cerr) {
        close(fd); /* a simulated failure must not leak the descriptor */
        errno = cerr;
    } else if (close(fd) != 0) {
        cerr = errno;
    }
    if (cerr && !rc)
        rc = io_fail(sink, path, "closing");
    return rc;
}

/* A failure once some files were replaced: say so, and what still holds. */
static int commit_fail(pr_sink *sink, const char *path, const char *what, size_t done, size_t total)
{
    int e = errno;
    pr_where w = PR_WHERE_NONE;
    w.file = path;
    int r = done == total
                ? pr_report(sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_IO_ERROR, &w,
                            "%s failed: %s; every file was replaced, but the change may not "
                            "survive a power cut",
                            what, strerror(e))
                : pr_report(sink, PEERREVIEW_SEVERITY_ERROR, PEERREVIEW_P_IO_ERROR, &w,
                            "%s failed: %s; %zu of %zu files were already replaced (each file "
                            "is wholly old or wholly new): save again to finish",
                            what, strerror(e), done, total);
    return r ? PEERREVIEW_ENOMEM : PEERREVIEW_EIO;
}

int pr_outset_commit(pr_outset *s, pr_sink *sink)
{
    for (size_t i = 0; i < s->n; i++) {
        pr_outfile *f = &s->v[i];
        if (fault(PR_IO_RENAME, f->target) || rename(f->temp, f->target) != 0)
            return i == 0 ? io_fail(sink, f->target, "replacing the file")
                          : commit_fail(sink, f->target, "replacing the file", i, s->n);
        f->committed = 1;
    }
    for (size_t i = 0; i < s->ndirs; i++) {
        int dfd = -1;
        if (!fault(PR_IO_OPEN_DIR, s->dirs[i]))
            dfd = open(s->dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
            return commit_fail(sink, s->dirs[i], "opening the folder to sync it", s->n, s->n);
        int bad = fault(PR_IO_FSYNC_DIR, s->dirs[i]) || fsync(dfd) != 0;
        int e = errno;
        close(dfd);
        if (bad) {
            errno = e;
            return commit_fail(sink, s->dirs[i], "syncing the folder", s->n, s->n);
        }
    }
    return 0;
}
