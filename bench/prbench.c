/* prbench: the library's side of make bench (bench/README.md), through the
 * public API only.
 *
 *   prbench [--max-records=N] load DIR        peerreview_load, then free
 *   prbench [--max-records=N] validate DIR    peerreview_validate_path with
 *                                             no cap on problems: every one
 *                                             is collected
 *   prbench [--max-records=N] read FILE       the streaming reader over one
 *                                             table file, every cell of
 *                                             every row fetched
 *
 * Prints what it saw (reviews, rows, errors, warnings). load and read exit
 * 1 on any problem; validate exits 0 and prints the counts (make bench
 * checks them). Exits 2 on trouble (I/O, memory, usage). */
#define _POSIX_C_SOURCE 200809L
#include <peerreview.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_problems(const peerreview_diag *diag)
{
    size_t n = peerreview_diag_count(diag);
    char line[1024];
    for (size_t i = 0; i < n && i < 10; i++) {
        peerreview_problem_format(peerreview_diag_get(diag, i), line, sizeof line);
        fprintf(stderr, "prbench: %s\n", line);
    }
}

static int load(const char *path, const peerreview_options *opts, peerreview_diag *diag)
{
    peerreview_dataset *ds = NULL;
    peerreview_status st = peerreview_load(path, opts, diag, &ds);
    if (st != PEERREVIEW_OK) {
        fprintf(stderr, "prbench: load %s: %s\n", path, peerreview_strerror(st));
        print_problems(diag);
        return st == PEERREVIEW_EDATA ? 1 : 2;
    }
    printf("prbench load: %zu reviews, %zu warnings\n", peerreview_dataset_count(ds),
           peerreview_diag_warnings(diag));
    peerreview_dataset_free(ds);
    return peerreview_diag_warnings(diag) ? 1 : 0;
}

static int validate(const char *path, peerreview_options *opts, peerreview_diag *diag)
{
    if (peerreview_options_set_max_problems(opts, SIZE_MAX) != PEERREVIEW_OK)
        return 2;
    peerreview_status st = peerreview_validate_path(path, opts, diag);
    if (st != PEERREVIEW_OK && st != PEERREVIEW_EDATA) {
        fprintf(stderr, "prbench: validate %s: %s\n", path, peerreview_strerror(st));
        print_problems(diag);
        return 2;
    }
    printf("prbench validate: %zu errors, %zu warnings, %zu stored\n", peerreview_diag_errors(diag),
           peerreview_diag_warnings(diag), peerreview_diag_count(diag));
    return 0;
}

static int read_table(const char *path, const peerreview_options *opts, peerreview_diag *diag)
{
    peerreview_reader *r = NULL;
    peerreview_status st = peerreview_reader_open(path, -1, opts, diag, &r);
    if (st != PEERREVIEW_OK) {
        fprintf(stderr, "prbench: read %s: %s\n", path, peerreview_strerror(st));
        print_problems(diag);
        return 2;
    }
    unsigned long long rows = 0, bytes = 0;
    int rc = 0, next;
    while ((next = peerreview_reader_next(r, diag)) != 0) {
        if (next < 0) {
            print_problems(diag);
            rc = next == PEERREVIEW_EDATA ? 1 : 2;
            if (rc == 2)
                break;
            continue;
        }
        rows++;
        const char *v;
        for (size_t c = 0; peerreview_reader_get_byindex(r, c, &v) != PEERREVIEW_EINVAL; c++)
            if (v)
                bytes += strlen(v);
    }
    peerreview_reader_free(r);
    printf("prbench read: %llu rows, %llu bytes of values\n", rows, bytes);
    return rc;
}

int main(int argc, char **argv)
{
    int i = 1;
    size_t max_records = 0;
    if (i < argc && strncmp(argv[i], "--max-records=", 14) == 0) {
        char *end;
        max_records = (size_t)strtoull(argv[i] + 14, &end, 10);
        if (*end || max_records == 0) {
            fprintf(stderr, "prbench: bad %s\n", argv[i]);
            return 2;
        }
        i++;
    }
    if (argc - i != 2) {
        fputs("usage: prbench [--max-records=N] load|validate|read PATH\n", stderr);
        return 2;
    }
    peerreview_options *opts = peerreview_options_new();
    peerreview_diag *diag = peerreview_diag_new();
    if (!opts || !diag)
        return 2;
    if (max_records && peerreview_options_set_max_records(opts, max_records) != PEERREVIEW_OK)
        return 2;
    int rc;
    if (strcmp(argv[i], "load") == 0)
        rc = load(argv[i + 1], opts, diag);
    else if (strcmp(argv[i], "validate") == 0)
        rc = validate(argv[i + 1], opts, diag);
    else if (strcmp(argv[i], "read") == 0)
        rc = read_table(argv[i + 1], opts, diag);
    else {
        fprintf(stderr, "prbench: unknown mode %s\n", argv[i]);
        rc = 2;
    }
    peerreview_diag_free(diag);
    peerreview_options_free(opts);
    return rc;
}
