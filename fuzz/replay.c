/*
 * Replay driver: feeds files to a fuzz target's LLVMFuzzerTestOneInput
 * without libFuzzer, so that make check runs every target's seed corpus and
 * regressions with the normal compiler (and under the sanitizer build and
 * valgrind like any other test program).
 *
 *   replay-TARGET [FILE|FOLDER]...
 *
 * With no argument it replays fuzz/corpus/TARGET and fuzz/regressions/TARGET
 * of the source tree (FUZZ_SRCDIR). Files whose name starts with "." or
 * "README" are skipped, and so, unless named as arguments, are the files of
 * open findings: regressions whose name starts with "open-" reproduce a bug
 * not fixed yet (rename the file when the fix is in).
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the target"
#endif
#ifndef FUZZ_SRCDIR
#error "FUZZ_SRCDIR must name the source tree"
#endif

static size_t replayed, open_findings;

static int replay_file(const char *path)
{
    size_t len;
    char *data = fz_read(path, &len);
    if (!data) {
        fprintf(stderr, "replay-%s: cannot read %s: %s\n", FUZZ_TARGET, path, strerror(errno));
        return -1;
    }
    /* exactly len bytes, so that a read past the input's end is caught */
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        free(data);
        return -1;
    }
    memcpy(copy, data, len);
    free(data);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
    replayed++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file in dir, in name order. missing_ok: a folder that is not there is empty. */
static int replay_dir(const char *dir, int missing_ok)
{
    DIR *dh = opendir(dir);
    if (!dh) {
        if (missing_ok && errno == ENOENT)
            return 0;
        fprintf(stderr, "replay-%s: cannot open %s: %s\n", FUZZ_TARGET, dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.' || strncmp(e->d_name, "README", 6) == 0)
            continue;
        if (strncmp(e->d_name, "open-", 5) == 0) {
            open_findings++;
            printf("replay-%s: skipping open finding %s/%s\n", FUZZ_TARGET, dir, e->d_name);
            continue;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) {
                rc = -1;
                break;
            }
            names = grown;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(dh);
    if (names)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char *path = fz_join(dir, names[i]);
        if (rc == 0)
            rc = replay_file(path);
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int replay_arg(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay-%s: %s: %s\n", FUZZ_TARGET, path, strerror(errno));
        return -1;
    }
    return S_ISDIR(st.st_mode) ? replay_dir(path, 0) : replay_file(path);
}

int main(int argc, char **argv)
{
    int rc = 0;
    if (argc > 1) {
        for (int i = 1; i < argc && rc == 0; i++)
            rc = replay_arg(argv[i]);
    } else {
        size_t seeds;
        rc = replay_dir(FUZZ_SRCDIR "/fuzz/corpus/" FUZZ_TARGET, 0);
        seeds = replayed;
        if (rc == 0)
            rc = replay_dir(FUZZ_SRCDIR "/fuzz/regressions/" FUZZ_TARGET, 1);
        if (rc == 0 && seeds == 0) {
            fprintf(stderr, "replay-%s: the seed corpus is empty\n", FUZZ_TARGET);
            rc = -1;
        }
        if (rc == 0)
            printf("replay-%s: %zu seeds and %zu regressions passed (%zu open findings "
                   "skipped)\n",
                   FUZZ_TARGET, seeds, replayed - seeds, open_findings);
    }
    if (rc == 0 && argc > 1)
        printf("replay-%s: %zu files passed\n", FUZZ_TARGET, replayed);
    return rc == 0 ? 0 : 1;
}
