/* The commit record that makes a package save all or nothing (see pkgtx.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "io.h"
#include "pkgtx.h"

#define RECORD_MAX  (64 * 1024)
#define ERR         PEERREVIEW_SEVERITY_ERROR
#define RECORD_HEAD "peerreview-commit 1\n"

/* ---- names ---- */

static int digits(const char **p)
{
    const char *s = *p;
    while (**p >= '0' && **p <= '9')
        (*p)++;
    return *p > s;
}

/* 1 if s is ".tmp-DIGITS-DIGITS" exactly. */
static int temp_suffix(const char *s)
{
    if (strncmp(s, ".tmp-", 5) != 0)
        return 0;
    s += 5;
    return digits(&s) && *s++ == '-' && digits(&s) && *s == '\0';
}

int pr_tx_is_temp(const char *name, const char *base)
{
    if (name[0] != '.')
        return 0;
    name++;
    if (base) {
        size_t n = strlen(base);
        return strncmp(name, base, n) == 0 && temp_suffix(name + n);
    }
    const char *t = strstr(name, ".tmp-");
    for (; t; t = strstr(t + 1, ".tmp-"))
        if (t > name && temp_suffix(t))
            return 1;
    return 0;
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

char *pr_tx_temp_name(const char *target, unsigned n)
{
    char *dir = pr_io_dir_of(target);
    pr_buf b = PR_BUF_INIT;
    if (!dir || pr_buf_printf(&b, "%s/.%s.tmp-%ld-%u", dir, base_of(target), (long)getpid(), n)) {
        pr_free(dir);
        pr_buf_free(&b);
        return NULL;
    }
    pr_free(dir);
    return b.data;
}

static char *join(const char *dir, const char *file)
{
    pr_buf b = PR_BUF_INIT;
    size_t dl = strlen(dir);
    if (pr_buf_add(&b, dir, dl) || (dl && dir[dl - 1] != '/' && pr_buf_addc(&b, '/')) ||
        pr_buf_adds(&b, file)) {
        pr_buf_free(&b);
        return NULL;
    }
    return b.data;
}

static char *record_path(const char *dir)
{
    return join(dir, PR_COMMIT_RECORD);
}

/* ---- the record: "peerreview-commit 1", one "TEMP TARGET" line per file, "end N" ---- */

/* Paths in the record: a name in the package folder, else absolute; bytes
   that would break a line (space, controls, '%') as %XX. */
/* 1 if folder a and folder b are the same path, trailing slashes aside. */
static int same_dir(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    while (la > 1 && a[la - 1] == '/')
        la--;
    while (lb > 1 && b[lb - 1] == '/')
        lb--;
    return la == lb && memcmp(a, b, la) == 0;
}

static int put_path(pr_buf *b, const char *dir, const char *path)
{
    char *d = pr_io_dir_of(path);
    if (!d)
        return -1;
    const char *p = same_dir(d, dir) ? base_of(path) : path;
    pr_free(d);
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c == '%' || c == 0x7F) {
            if (pr_buf_printf(b, "%%%02X", c))
                return -1;
        } else if (pr_buf_addc(b, (char)c))
            return -1;
    }
    return 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

/* Decode one path token of s[0..len) into a new string; NULL when bad or out of memory. */
static char *get_path(const char *s, size_t len)
{
    pr_buf b = PR_BUF_INIT;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 2 < len ? hexval(s[i + 1]) : -1, lo = i + 2 < len ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                pr_buf_free(&b);
                return NULL;
            }
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (pr_buf_addc(&b, c)) {
            pr_buf_free(&b);
            return NULL;
        }
    }
    if (!b.data && pr_buf_add(&b, "", 0))
        return NULL;
    return b.data;
}

int pr_tx_commit(const char *dir, char *const *temps, char *const *targets, size_t n, char **record,
                 pr_sink *sink)
{
    *record = NULL;
    pr_buf b = PR_BUF_INIT;
    int fail = pr_buf_adds(&b, RECORD_HEAD);
    for (size_t i = 0; i < n && !fail; i++)
        fail = put_path(&b, dir, temps[i]) || pr_buf_addc(&b, ' ') ||
               put_path(&b, dir, targets[i]) || pr_buf_addc(&b, '\n');
    fail = fail || pr_buf_printf(&b, "end %zu\n", n);
    char *final = fail ? NULL : record_path(dir);
    char *tmp = NULL;
    if (!final) {
        pr_buf_free(&b);
        pr_report_oom(sink, dir);
        return PEERREVIEW_ENOMEM;
    }
    int fd = -1;
    for (unsigned attempt = 0; attempt < 100 && fd < 0; attempt++) {
        pr_free(tmp);
        tmp = pr_tx_temp_name(final, attempt);
        if (!tmp)
            break;
        fd = pr_io_create(tmp, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    const char *what = NULL;
    int e = 0;
    if (!tmp) {
        pr_free(final);
        pr_buf_free(&b);
        pr_report_oom(sink, dir);
        return PEERREVIEW_ENOMEM;
    }
    if (fd < 0) {
        what = "creating the commit record";
        e = errno;
    } else {
        if (pr_io_write_all(fd, b.data, b.len, tmp) || pr_io_fsync(fd, tmp)) {
            what = "writing the commit record";
            e = errno;
            pr_io_close(fd, tmp);
        } else if (pr_io_close(fd, tmp)) {
            what = "writing the commit record";
            e = errno;
        }
        if (!what && pr_io_rename(tmp, final)) {
            what = "putting the commit record in place";
            e = errno;
        }
        if (what)
            unlink(tmp);
        else if (pr_io_sync_dir(dir)) {
            /* the record is in place but maybe not durable: undo it */
            what = "syncing the folder";
            e = errno;
            unlink(final);
        }
    }
    pr_buf_free(&b);
    pr_free(tmp);
    if (!what) {
        *record = final;
        return 0;
    }
    pr_free(final);
    return pr_io_report(sink, dir, what, e, "nothing was changed");
}

int pr_tx_done(const char *dir, const char *record)
{
    if (pr_io_unlink(record) != 0 && errno != ENOENT)
        return -1;
    return pr_io_sync_dir(dir);
}

/* ---- reading a record ---- */

typedef struct txpair {
    char *temp, *target; /* full paths */
    size_t base;         /* index in bases */
} txpair;

typedef struct txrec {
    txpair *v;
    size_t n;
} txrec;

static void rec_free(txrec *r)
{
    for (size_t i = 0; i < r->n; i++) {
        pr_free(r->v[i].temp);
        pr_free(r->v[i].target);
    }
    pr_free(r->v);
    memset(r, 0, sizeof *r);
}

/* Where base in dir really is: the file a symbolic link names (absolute), or dir/base. */
static char *real_target(const char *dir, const char *base)
{
    char *p = join(dir, base);
    if (!p)
        return NULL;
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode)) {
        char real[PATH_MAX];
        if (realpath(p, real)) {
            pr_free(p);
            return pr_strdup(real);
        }
    }
    return p;
}

/*
 * Check one "TEMP TARGET" pair and resolve it to full paths. The record may
 * have come with a folder from anywhere: it may only name the package's own
 * files (or where their links point) and our temporary names beside them.
 */
static int accept_pair(const char *dir, const char *const *bases, size_t nbases, char *temp,
                       char *target, txpair *out)
{
    int ok = 0;
    char *full_target = NULL, *full_temp = NULL;
    for (size_t k = 0; k < nbases && !ok; k++) {
        if (strchr(target, '/')) {
            char *real = real_target(dir, bases[k]);
            ok = real && target[0] == '/' && strcmp(real, target) == 0;
            if (ok)
                full_target = real;
            else
                pr_free(real);
        } else if (strcmp(target, bases[k]) == 0) {
            full_target = join(dir, target);
            ok = full_target != NULL;
        }
        if (ok)
            out->base = k;
    }
    if (ok) {
        char *tdir = pr_io_dir_of(full_target);
        full_temp = strchr(temp, '/') ? pr_strdup(temp) : join(dir, temp);
        char *xdir = full_temp ? pr_io_dir_of(full_temp) : NULL;
        ok = tdir && xdir && same_dir(tdir, xdir) &&
             pr_tx_is_temp(base_of(full_temp), base_of(full_target));
        pr_free(tdir);
        pr_free(xdir);
    }
    pr_free(temp);
    pr_free(target);
    if (!ok) {
        pr_free(full_target);
        pr_free(full_temp);
        return -1;
    }
    out->temp = full_temp;
    out->target = full_target;
    return 0;
}

/*
 * Read dir's record. 0 (none: rec empty), 1 (read), or a negative status
 * with the problem reported.
 */
static int rec_read(const char *dir, const char *const *bases, size_t nbases, txrec *rec,
                    pr_sink *sink)
{
    memset(rec, 0, sizeof *rec);
    char *path = record_path(dir);
    if (!path) {
        pr_report_oom(sink, dir);
        return PEERREVIEW_ENOMEM;
    }
    int fd = pr_io_open_read(path);
    if (fd < 0) {
        int e = errno;
        int rc = e == ENOENT ? 0 : pr_io_report_open(sink, path, path, e);
        pr_free(path);
        return rc;
    }
    pr_buf b = PR_BUF_INIT;
    char chunk[4096];
    int rc = 1;
    for (;;) {
        ssize_t n = pr_io_read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || b.len + (size_t)(n > 0 ? n : 0) > RECORD_MAX) {
            rc = PEERREVIEW_EDATA;
            break;
        }
        if (n == 0)
            break;
        if (pr_buf_add(&b, chunk, (size_t)n)) {
            rc = PEERREVIEW_ENOMEM;
            break;
        }
    }
    pr_io_close_read(fd);
    /* parse */
    const char *p = b.data ? b.data : "", *end = p + b.len;
    const char *head = RECORD_HEAD;
    if (rc == 1 && (b.len < strlen(head) || memcmp(p, head, strlen(head)) != 0))
        rc = PEERREVIEW_EDATA;
    if (rc == 1)
        p += strlen(head);
    size_t cap = 0;
    while (rc == 1) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            rc = PEERREVIEW_EDATA;
            break;
        }
        if (end - p > 4 && memcmp(p, "end ", 4) == 0) {
            char *e;
            unsigned long long cnt = strtoull(p + 4, &e, 10);
            if (e != nl || nl + 1 != end || cnt != rec->n)
                rc = PEERREVIEW_EDATA;
            break;
        }
        const char *sp = memchr(p, ' ', (size_t)(nl - p));
        if (!sp || pr_grow((void **)&rec->v, &cap, rec->n + 1, sizeof *rec->v)) {
            rc = sp ? PEERREVIEW_ENOMEM : PEERREVIEW_EDATA;
            break;
        }
        char *temp = get_path(p, (size_t)(sp - p));
        char *target = get_path(sp + 1, (size_t)(nl - sp - 1));
        if (!temp || !target) {
            pr_free(temp);
            pr_free(target);
            rc = PEERREVIEW_EDATA;
            break;
        }
        if (accept_pair(dir, bases, nbases, temp, target, &rec->v[rec->n])) {
            rc = PEERREVIEW_EDATA;
            break;
        }
        rec->n++;
        p = nl + 1;
    }
    pr_buf_free(&b);
    if (rc == PEERREVIEW_ENOMEM)
        pr_report_oom(sink, path);
    else if (rc == PEERREVIEW_EDATA) {
        pr_where w = PR_WHERE_NONE;
        w.file = path;
        pr_report(sink, ERR, PEERREVIEW_P_IO_ERROR, &w,
                  "the folder holds a commit record that peerreview did not write (or that "
                  "was damaged); nothing was read or changed: move the file away if you know "
                  "where it came from");
    }
    pr_free(path);
    if (rc != 1)
        rec_free(rec);
    return rc;
}

static int is_permission(int e)
{
    return e == EACCES || e == EPERM || e == EROFS;
}

static int io_problem(pr_sink *sink, const char *path, const char *what, int e)
{
    return pr_io_report(sink, path, what, e,
                        "the last save is committed: its files are kept and the next load or "
                        "save completes it");
}

/*
 * Complete the renames of rec and remove it. 0; 1 when not allowed to
 * (quiet: the caller reads through the record instead); or a status with the
 * problem reported.
 */
static int roll_forward(const char *dir, const txrec *rec, int quiet, pr_sink *sink)
{
    for (size_t i = 0; i < rec->n; i++) {
        struct stat st;
        if (lstat(rec->v[i].temp, &st) != 0)
            continue; /* renamed before the interruption */
        if (pr_io_rename(rec->v[i].temp, rec->v[i].target)) {
            int e = errno;
            if (quiet && is_permission(e))
                return 1;
            return io_problem(sink, rec->v[i].target, "completing the last save", e);
        }
    }
    for (size_t i = 0; i < rec->n; i++) {
        char *d = pr_io_dir_of(rec->v[i].target);
        int bad = !d || pr_io_sync_dir(d);
        int e = errno;
        pr_free(d);
        if (bad)
            return quiet && is_permission(e)
                       ? 1
                       : io_problem(sink, dir, "syncing the folder of the last save", e);
    }
    char *recpath = record_path(dir);
    int bad = !recpath || pr_tx_done(dir, recpath);
    int e = recpath ? errno : ENOMEM;
    pr_free(recpath);
    if (bad) {
        return quiet && is_permission(e)
                   ? 1
                   : io_problem(sink, dir, "removing the commit record of the last save", e);
    }
    return 0;
}

/*
 * Remove our temporary files for bases from folder d (where they are, by
 * name), and the record's own when record is set.
 */
static int remove_temps_in(const char *d, const char *const *bases, size_t nbases, int record,
                           int quiet, pr_sink *sink)
{
    char **names;
    size_t n;
    if (pr_io_list_dir(d, &names, &n))
        return 0; /* nothing we can see, nothing to remove */
    int rc = 0, removed = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        int ours = record && pr_tx_is_temp(names[i], PR_COMMIT_RECORD);
        for (size_t k = 0; k < nbases && !ours; k++)
            ours = pr_tx_is_temp(names[i], bases[k]);
        if (!ours)
            continue;
        char *p = join(d, names[i]);
        if (!p) {
            pr_report_oom(sink, d);
            rc = PEERREVIEW_ENOMEM;
        } else if (pr_io_unlink(p) && errno != ENOENT) {
            int e = errno;
            rc = quiet ? 1 : io_problem(sink, p, "removing a file an interrupted save left", e);
        } else
            removed = 1;
        pr_free(p);
    }
    pr_io_free_names(names, n);
    if (!rc && removed && pr_io_sync_dir(d) && !quiet)
        rc = io_problem(sink, d, "syncing the folder", errno);
    return rc;
}

/* Leftovers in dir, and beside what links in dir point at. */
static int remove_leftovers(const char *dir, const char *const *bases, size_t nbases, int quiet,
                            pr_sink *sink)
{
    int rc = remove_temps_in(dir, bases, nbases, 1, quiet, sink);
    for (size_t k = 0; k < nbases && !rc; k++) {
        char *real = real_target(dir, bases[k]);
        char *d = real ? pr_io_dir_of(real) : NULL;
        if (!d) {
            pr_free(real);
            pr_report_oom(sink, dir);
            return PEERREVIEW_ENOMEM;
        }
        const char *one[1] = {base_of(real)};
        if (!same_dir(d, dir))
            rc = remove_temps_in(d, one, 1, 0, quiet, sink);
        pr_free(d);
        pr_free(real);
    }
    return rc;
}

int pr_tx_clean(const char *dir, const char *base, pr_sink *sink)
{
    return remove_temps_in(dir, &base, 1, 0, 0, sink);
}

int pr_tx_recover(const char *dir, const char *const *bases, size_t nbases, pr_sink *sink)
{
    txrec rec;
    int rc = rec_read(dir, bases, nbases, &rec, sink);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        rc = roll_forward(dir, &rec, 0, sink);
        rec_free(&rec);
        if (rc)
            return rc;
    }
    return remove_leftovers(dir, bases, nbases, 0, sink);
}

/* 1 if dir holds a record or temporary files of ours. */
static int needs_recovery(const char *dir, const char *const *bases, size_t nbases)
{
    char **names;
    size_t n;
    if (pr_io_list_dir(dir, &names, &n))
        return 0;
    int found = 0;
    for (size_t i = 0; i < n && !found; i++) {
        found =
            strcmp(names[i], PR_COMMIT_RECORD) == 0 || pr_tx_is_temp(names[i], PR_COMMIT_RECORD);
        for (size_t k = 0; k < nbases && !found; k++)
            found = pr_tx_is_temp(names[i], bases[k]);
    }
    pr_io_free_names(names, n);
    return found;
}

int pr_tx_read_begin(pr_txread *r, const char *dir, const char *const *bases, size_t nbases,
                     pr_sink *sink)
{
    r->n = nbases;
    r->from = pr_calloc(nbases, sizeof *r->from);
    if (!r->from) {
        pr_report_oom(sink, dir);
        return PEERREVIEW_ENOMEM;
    }
    /* no lock (a folder we may not open, or locks unsupported): read as it is */
    r->lockfd = pr_io_lock(dir, 0);
    if (!needs_recovery(dir, bases, nbases))
        return 0;
    /* complete or clean up what a save left, if we may; else read through it */
    if (r->lockfd >= 0 && pr_io_lock_upgrade(r->lockfd) == 0) {
        txrec rec;
        int rc = rec_read(dir, bases, nbases, &rec, sink);
        if (rc == 1) {
            rc = roll_forward(dir, &rec, 1, sink);
            rec_free(&rec);
        }
        if (rc == 0)
            remove_leftovers(dir, bases, nbases, 1, sink);
        pr_io_lock_downgrade(r->lockfd);
        if (rc < 0) {
            pr_tx_read_end(r);
            return rc;
        }
    } else if (r->lockfd >= 0) {
        pr_io_lock_downgrade(r->lockfd); /* a failed upgrade may have dropped it */
    }
    txrec rec;
    int rc = rec_read(dir, bases, nbases, &rec, sink);
    if (rc < 0) {
        pr_tx_read_end(r);
        return rc;
    }
    for (size_t i = 0; i < rec.n; i++) {
        struct stat st;
        if (lstat(rec.v[i].temp, &st) == 0 && !r->from[rec.v[i].base]) {
            r->from[rec.v[i].base] = rec.v[i].temp;
            rec.v[i].temp = NULL;
        }
    }
    rec_free(&rec);
    return 0;
}

void pr_tx_read_end(pr_txread *r)
{
    for (size_t i = 0; r->from && i < r->n; i++)
        pr_free(r->from[i]);
    pr_free(r->from);
    r->from = NULL;
    pr_io_unlock(r->lockfd);
    r->lockfd = -1;
}
