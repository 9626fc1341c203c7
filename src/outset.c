/* A set of files replaced together (see outset.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "io.h"
#include "outset.h"
#include "pkgtx.h"

#define ERR PEERREVIEW_SEVERITY_ERROR

typedef struct pr_outfile {
    char *target; /* the file replaced (a link's file, when the path was a link) */
    char *temp;   /* its new content, until renamed */
    dev_t dev;    /* the existing target's identity, to refuse a file named twice */
    ino_t ino;
    int exists;
} pr_outfile;

struct pr_outset {
    pr_outfile *v;
    size_t n, cap;
    char *pkgdir; /* a package save: its folder; NULL for a flat file */
    char *lockdir;
    int lockfd;
    int created;   /* the save created pkgdir */
    int recorded;  /* the commit record is written: the temporary files must stay */
    int committed; /* every file replaced */
};

int pr_outset_new(pr_outset **out)
{
    *out = pr_calloc(1, sizeof **out);
    if (!*out)
        return PEERREVIEW_ENOMEM;
    (*out)->lockfd = -1;
    return 0;
}

void pr_outset_free(pr_outset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        if (!s->committed && !s->recorded && s->v[i].temp)
            unlink(s->v[i].temp);
        pr_free(s->v[i].target);
        pr_free(s->v[i].temp);
    }
    if (s->created && !s->committed && !s->recorded && s->pkgdir && rmdir(s->pkgdir) == 0) {
        /* the folder this save made is gone again: nothing was changed */
        char *parent = pr_io_dir_of(s->pkgdir);
        if (parent)
            pr_io_sync_dir(parent);
        pr_free(parent);
    }
    pr_io_unlock(s->lockfd);
    pr_free(s->pkgdir);
    pr_free(s->lockdir);
    pr_free(s->v);
    pr_free(s);
}

/* A failure that changed nothing: what failed, errno's meaning and advice. */
static int io_fail(pr_sink *sink, const char *path, const char *what)
{
    return pr_io_report(sink, path, what, errno, "nothing was changed");
}

/* Lock dir and clean it: a package's (bases) or a flat file's (one base). */
static int lock_and_clean(pr_outset *s, const char *dir, const char *const *bases, size_t nbases,
                          pr_sink *sink)
{
    s->lockdir = pr_strdup(dir);
    if (!s->lockdir) {
        pr_report_oom(sink, dir);
        return PEERREVIEW_ENOMEM;
    }
    s->lockfd = pr_io_lock(dir, 1);
    if (s->lockfd < 0)
        return io_fail(sink, dir, "locking the folder");
    return s->pkgdir ? pr_tx_recover(dir, bases, nbases, sink) : pr_tx_clean(dir, bases[0], sink);
}

int pr_outset_package(pr_outset *s, const char *dir, const char *const *bases, size_t nbases,
                      pr_sink *sink)
{
    s->pkgdir = pr_strdup(dir); /* first: a folder made below is removed on failure */
    if (!s->pkgdir) {
        pr_report_oom(sink, dir);
        return PEERREVIEW_ENOMEM;
    }
    if (pr_io_is_dir(dir) != 1) {
        if (pr_io_mkdir(dir) != 0) {
            if (errno != EEXIST || pr_io_is_dir(dir) != 1)
                return io_fail(sink, dir, "creating the folder");
        } else {
            s->created = 1;
        }
    }
    return lock_and_clean(s, dir, bases, nbases, sink);
}

/* A target refused before anything is written: why, about what, and what to do. */
static int refuse(pr_sink *sink, const char *path, const char *why, const char *what,
                  const char *advice)
{
    pr_where w = PR_WHERE_NONE;
    w.file = path;
    return pr_report(sink, ERR, PEERREVIEW_P_IO_ERROR, &w, "%s%s%s (nothing was changed)", why,
                     what, advice)
               ? PEERREVIEW_ENOMEM
               : PEERREVIEW_EIO;
}

int pr_outset_add(pr_outset *s, const char *path, const void *data, size_t len, pr_sink *sink)
{
    char real[PATH_MAX];
    struct stat st;
    int exists = 0;
    const char *given = path;
    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            if (!realpath(path, real) || stat(real, &st) != 0)
                return io_fail(sink, path, "following the symbolic link");
            path = real;
        }
        if (!S_ISREG(st.st_mode))
            return refuse(sink, path, "the target exists and is ",
                          S_ISDIR(st.st_mode) ? "a folder" : "a special file",
                          ", not a file; move it away or save elsewhere");
        exists = 1;
        for (size_t i = 0; i < s->n; i++)
            if (s->v[i].exists && s->v[i].dev == st.st_dev && s->v[i].ino == st.st_ino)
                return refuse(sink, given, "this is the same file as ", s->v[i].target,
                              " (a link names one file twice); each table needs a file of "
                              "its own: replace the link with a file");
    }
    if (!s->pkgdir && s->lockfd < 0) {
        /* a flat file: lock its folder and remove what an interrupted save left */
        char *dir = pr_io_dir_of(path);
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        int rc = dir ? lock_and_clean(s, dir, &base, 1, sink) : PEERREVIEW_ENOMEM;
        if (!dir)
            pr_report_oom(sink, path);
        pr_free(dir);
        if (rc)
            return rc;
    }
    if (pr_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v)) {
        pr_report_oom(sink, path);
        return PEERREVIEW_ENOMEM;
    }
    pr_outfile *f = &s->v[s->n];
    memset(f, 0, sizeof *f);
    f->target = pr_strdup(path);
    if (!f->target) {
        pr_report_oom(sink, path);
        return PEERREVIEW_ENOMEM;
    }
    f->exists = exists;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    s->n++; /* from here on pr_outset_free cleans up */
    int fd = -1;
    for (unsigned attempt = 0; attempt < 100 && fd < 0; attempt++) {
        pr_free(f->temp);
        f->temp = pr_tx_temp_name(path, attempt);
        if (!f->temp) {
            pr_report_oom(sink, path);
            return PEERREVIEW_ENOMEM;
        }
        fd = pr_io_create(f->temp, 0666);
        if (fd < 0 && errno != EEXIST && errno != EINTR)
            break;
    }
    if (fd < 0) {
        int e = errno;
        pr_free(f->temp);
        f->temp = NULL;
        errno = e;
        return io_fail(sink, path, "creating a temporary file beside the target");
    }
    int rc = 0;
    if (exists) {
        /* keep the owner (only root may) or at least the group; else the saver owns it */
        int kept = fchown(fd, st.st_uid, st.st_gid) == 0 || fchown(fd, (uid_t)-1, st.st_gid) == 0;
        (void)kept;
        if (fchmod(fd, st.st_mode & 07777) != 0)
            rc = io_fail(sink, path, "keeping the file's permissions");
    }
    if (!rc && pr_io_write_all(fd, data, len, path))
        rc = io_fail(sink, path, "writing");
    if (!rc && pr_io_fsync(fd, path))
        rc = io_fail(sink, path, "syncing to disk");
    if (pr_io_close(fd, path) && !rc)
        rc = io_fail(sink, path, "closing");
    return rc;
}

/*
 * The folders to sync once files are renamed: each target's, and the one
 * holding a package folder the save created. Found before the commit point,
 * so that nothing after it needs memory.
 */
static char **dirs_to_sync(const pr_outset *s, size_t *count)
{
    char **v = pr_calloc(s->n + 2, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; v && i <= s->n; i++) {
        char *d = i < s->n     ? pr_io_dir_of(s->v[i].target)
                  : s->created ? pr_io_dir_of(s->pkgdir)
                               : NULL;
        if (i == s->n && !s->created)
            break;
        if (!d) {
            for (size_t k = 0; k < n; k++)
                pr_free(v[k]);
            pr_free(v);
            return NULL;
        }
        int seen = 0;
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(v[k], d) == 0;
        if (seen)
            pr_free(d);
        else
            v[n++] = d;
    }
    *count = n;
    return v;
}

static void free_dirs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pr_free(v[i]);
    pr_free(v);
}

int pr_outset_commit(pr_outset *s, pr_sink *sink)
{
    size_t ndirs = 0;
    char **dirs = dirs_to_sync(s, &ndirs);
    char *record = NULL;
    if (!dirs) {
        pr_report_oom(sink, s->pkgdir);
        return PEERREVIEW_ENOMEM;
    }
    if (s->pkgdir) {
        char **temps = pr_calloc(s->n ? s->n : 1, sizeof *temps);
        char **targets = pr_calloc(s->n ? s->n : 1, sizeof *targets);
        int rc = temps && targets ? 0 : PEERREVIEW_ENOMEM;
        if (rc)
            pr_report_oom(sink, s->pkgdir);
        for (size_t i = 0; i < s->n && !rc; i++) {
            temps[i] = s->v[i].temp;
            targets[i] = s->v[i].target;
        }
        if (!rc)
            rc = pr_tx_commit(s->pkgdir, temps, targets, s->n, &record, sink);
        pr_free(temps);
        pr_free(targets);
        if (rc) {
            free_dirs(dirs, ndirs);
            return rc;
        }
        s->recorded = 1; /* the commit point: from here on the new package stands */
    }
    /* from here on nothing needs memory but the reporting of a failure */
    int rc = 0;
    for (size_t i = 0; i < s->n && !rc; i++) {
        if (pr_io_rename(s->v[i].temp, s->v[i].target) == 0)
            continue;
        if (!s->recorded) {
            rc = io_fail(sink, s->v[i].target, "replacing the file");
            break;
        }
        rc = pr_io_report(sink, s->v[i].target, "replacing the file", errno,
                          "the save is committed: the package reads as the new one, and the "
                          "next load or save of it puts the remaining files in place");
    }
    for (size_t i = 0; i < ndirs && !rc; i++) {
        if (pr_io_sync_dir(dirs[i]) == 0)
            continue;
        int e = errno;
        s->committed = 1;
        pr_where w = PR_WHERE_NONE;
        w.file = dirs[i];
        rc = pr_report(sink, ERR, PEERREVIEW_P_IO_ERROR, &w,
                       "syncing the folder failed: %s; every file was replaced, but the "
                       "change may not survive a power cut",
                       pr_io_strerror(e))
                 ? PEERREVIEW_ENOMEM
                 : PEERREVIEW_EIO;
    }
    if (!rc) {
        s->committed = 1;
        /* a record left behind is harmless: the next load or save removes it */
        if (record)
            pr_tx_done(s->pkgdir, record);
    }
    pr_free(record);
    free_dirs(dirs, ndirs);
    return rc;
}
