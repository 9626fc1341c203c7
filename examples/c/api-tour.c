/* A tour of the 1.0 API, written against the public header only. Build alone with:
 *   cc api-tour.c $(pkg-config --cflags --libs libpeerreview)
 * Usage: ./a.out [PACKAGE] [TMPDIR]   (defaults: the installed sample, /tmp)
 *
 * It loads a dataset from a memory buffer, reads typed values (integers and
 * dates) found through the schema, edits one field a million times while
 * counting the library's heap, cancels a load from its progress callback, and
 * recognises a package written by a newer format version. Column names and
 * keys come from the library: nothing here compares against a column name.
 * Prints what it saw; exits 1 if anything is not as the header promises. */
#define _POSIX_C_SOURCE 200809L
#include <peerreview.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PEERREVIEW_SAMPLE_DIR
#define PEERREVIEW_SAMPLE_DIR "data/lga-sample"
#endif

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "api-tour: line %d: ", __LINE__);                                      \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* ---- a counting allocator: the library's live heap, in bytes ---- */

static size_t live_bytes;

static void *count_malloc(size_t n)
{
    size_t *p = malloc(n + sizeof(max_align_t));
    if (!p)
        return NULL;
    *p = n;
    live_bytes += n;
    return (char *)p + sizeof(max_align_t);
}

static void count_free(void *q)
{
    if (!q)
        return;
    size_t *p = (size_t *)(void *)((char *)q - sizeof(max_align_t));
    live_bytes -= *p;
    free(p);
}

static void *count_realloc(void *q, size_t n)
{
    if (!q)
        return count_malloc(n);
    size_t *p = (size_t *)(void *)((char *)q - sizeof(max_align_t));
    size_t old = *p;
    size_t *np = realloc(p, n + sizeof(max_align_t));
    if (!np)
        return NULL;
    *np = n;
    live_bytes = live_bytes - old + n;
    return (char *)np + sizeof(max_align_t);
}

static void print_problems(const peerreview_diag *diag)
{
    char line[1024];
    for (size_t i = 0; i < peerreview_diag_count(diag); i++) {
        peerreview_problem_format(peerreview_diag_get(diag, i), line, sizeof line);
        fprintf(stderr, "  %s\n", line);
    }
}

/* The whole file, NUL-terminated (malloc'd; *len without the NUL), or NULL. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

/* ---- 1. load from a buffer (the flat form, rendered to memory first) ---- */

static peerreview_dataset *load_from_buffer(const char *pkg, peerreview_diag *diag)
{
    peerreview_dataset *ds = NULL;
    char *flat = NULL;
    size_t len = 0;
    int rc = peerreview_load(pkg, NULL, diag, &ds);
    CHECK(rc == PEERREVIEW_OK, "loading %s: %s", pkg, peerreview_strerror(rc));
    if (rc != PEERREVIEW_OK)
        return NULL;
    rc = peerreview_render(ds, -1, NULL, diag, &flat, &len);
    CHECK(rc == PEERREVIEW_OK, "rendering the flat form: %s", peerreview_strerror(rc));
    size_t reviews = peerreview_dataset_count(ds);
    peerreview_dataset_free(ds);
    ds = NULL;
    if (rc != PEERREVIEW_OK)
        return NULL;
    rc = peerreview_load_buffer(flat, len, -1, "memory.csv", NULL, diag, &ds);
    peerreview_free(flat);
    CHECK(rc == PEERREVIEW_OK, "peerreview_load_buffer: %s", peerreview_strerror(rc));
    if (rc != PEERREVIEW_OK) {
        print_problems(diag);
        return NULL;
    }
    CHECK(peerreview_dataset_count(ds) == reviews, "%zu reviews from the buffer, %zu from disk",
          peerreview_dataset_count(ds), reviews);
    printf("buffer: %zu bytes of the flat form loaded as %zu reviews\n", len,
           peerreview_dataset_count(ds));
    return ds;
}

/* ---- 2. typed values, columns found by their type ---- */

static void typed_values(const peerreview_dataset *ds)
{
    size_t dates = 0, ints = 0, empty = 0;
    int64_t first_day = INT64_MAX, last_day = INT64_MIN;
    int64_t max_int = -1;
    for (int t = 0; t < (int)peerreview_table_count(); t++) {
        for (size_t i = 0; i < peerreview_dataset_count(ds); i++) {
            const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
            size_t rows = t == PEERREVIEW_REVIEWS ? 1 : peerreview_review_child_count(r, t);
            for (size_t k = 0; k < rows; k++) {
                const peerreview_row *row =
                    t == PEERREVIEW_REVIEWS ? NULL : peerreview_review_child_byindex(r, t, k);
                for (size_t c = 0; c < peerreview_column_count(t); c++) {
                    peerreview_type type = peerreview_column_type(t, c);
                    if (type == PEERREVIEW_TYPE_DATE) {
                        peerreview_date d;
                        int rc = row ? peerreview_row_get_date_byindex(row, c, &d)
                                     : peerreview_review_get_date_byindex(r, c, &d);
                        CHECK(rc == PEERREVIEW_OK || rc == PEERREVIEW_ENOTFOUND, "date %s.%s: %s",
                              peerreview_table_name(t), peerreview_column_name(t, c),
                              peerreview_strerror(rc));
                        if (rc == PEERREVIEW_OK) {
                            dates++;
                            CHECK(d.first_day <= d.last_day, "an empty interval");
                            first_day = d.first_day < first_day ? d.first_day : first_day;
                            last_day = d.last_day > last_day ? d.last_day : last_day;
                        } else {
                            empty++;
                        }
                    } else if (type == PEERREVIEW_TYPE_INTEGER) {
                        int64_t v;
                        int rc = row ? peerreview_row_get_int64_byindex(row, c, &v)
                                     : peerreview_review_get_int64_byindex(r, c, &v);
                        CHECK(rc == PEERREVIEW_OK || rc == PEERREVIEW_ENOTFOUND,
                              "integer %s.%s: %s", peerreview_table_name(t),
                              peerreview_column_name(t, c), peerreview_strerror(rc));
                        if (rc == PEERREVIEW_OK) {
                            ints++;
                            max_int = v > max_int ? v : max_int;
                        } else {
                            empty++;
                        }
                    } else if (!row) {
                        /* a typed getter refuses a column of another type */
                        int64_t v = 7;
                        CHECK(peerreview_review_get_int64_byindex(r, c, &v) == PEERREVIEW_EINVAL &&
                                  v == 0,
                              "int64 getter on a non-integer column");
                    }
                }
            }
        }
    }
    CHECK(dates > 0 && ints > 0, "no dates (%zu) or integers (%zu) read", dates, ints);
    printf("typed: %zu dates covering days %lld..%lld since 1970, %zu integers (largest %lld), "
           "%zu empty cells\n",
           dates, (long long)first_day, (long long)last_day, ints, (long long)max_int, empty);
    /* a misspelt column name is an error, not an empty value */
    const char *v = "unset";
    const peerreview_review *r = peerreview_dataset_review_byindex(ds, 0);
    CHECK(peerreview_review_get_byname(r, "no such column", &v) == PEERREVIEW_EINVAL && !v,
          "an unknown column name did not give EINVAL");
}

/* ---- 3. a million edits of one field in bounded memory ---- */

static void million_edits(peerreview_dataset *ds)
{
    peerreview_review *r = peerreview_dataset_review_byindex_mut(ds, 0);
    /* the first free-text column of reviews that is not part of the key */
    size_t col = (size_t)-1;
    for (size_t c = 0; c < peerreview_column_count(PEERREVIEW_REVIEWS) && col == (size_t)-1; c++)
        if (peerreview_column_type(PEERREVIEW_REVIEWS, c) == PEERREVIEW_TYPE_TEXT &&
            (int)c != peerreview_table_key_column(PEERREVIEW_REVIEWS, 0))
            col = c;
    CHECK(col != (size_t)-1, "reviews has no text column");
    if (col == (size_t)-1)
        return;
    char value[64];
    size_t before = 0, after = 0;
    for (long i = 0; i < 1000000; i++) {
        snprintf(value, sizeof value, "edit %ld of a text value, a little longer each %ld", i,
                 i % 7 ? i : i * 1000);
        int rc = peerreview_review_set_byindex(r, col, value, NULL);
        if (rc != PEERREVIEW_OK) {
            CHECK(0, "edit %ld: %s", i, peerreview_strerror(rc));
            return;
        }
        if (i == 999)
            before = live_bytes;
    }
    after = live_bytes;
    const char *got = NULL;
    CHECK(peerreview_review_get_byindex(r, col, &got) == PEERREVIEW_OK && strcmp(got, value) == 0,
          "the last edit does not read back");
    printf("edits: 1,000,000 sets of reviews.%s; library heap %zu bytes after 1,000 and %zu after "
           "1,000,000\n",
           peerreview_column_name(PEERREVIEW_REVIEWS, col), before, after);
    CHECK(after <= before + 4096, "the heap grew by %zu bytes over 999,000 edits", after - before);
}

/* ---- 4. cancel a load from the progress callback ---- */

static int cancel_at_once(unsigned long long done, unsigned long long total, void *ctx)
{
    (void)done;
    (void)total;
    ++*(int *)ctx;
    return 1;
}

static void cancel_load(const char *pkg)
{
    peerreview_options *opts = peerreview_options_new();
    peerreview_diag *diag = peerreview_diag_new();
    int calls = 0;
    CHECK(opts && diag, "out of memory");
    if (!opts || !diag)
        goto done;
    CHECK(peerreview_options_set_progress_cb(opts, cancel_at_once, &calls) == PEERREVIEW_OK,
          "set_progress_cb");
    peerreview_dataset *ds = (peerreview_dataset *)1;
    size_t heap = live_bytes;
    int rc = peerreview_load(pkg, opts, diag, &ds);
    CHECK(rc == PEERREVIEW_ECANCELED && ds == NULL && calls == 1,
          "cancel: status %d, dataset %p, %d calls", rc, (void *)ds, calls);
    CHECK(live_bytes == heap, "a cancelled load kept %zu bytes", live_bytes - heap);
    printf("cancel: load returned %s after %d progress call; nothing kept\n",
           peerreview_status_name(rc), calls);
done:
    peerreview_diag_free(diag);
    peerreview_options_free(opts);
}

/* ---- 5. a package of a newer format version ---- */

static void newer_format(const peerreview_dataset *ds, const char *tmpdir)
{
    char dir[4096], desc[4200];
    snprintf(dir, sizeof dir, "%s/api-tour-%ld", tmpdir, (long)getpid());
    snprintf(desc, sizeof desc, "%s/datapackage.json", dir);
    peerreview_diag *diag = peerreview_diag_new();
    int rc = peerreview_save(ds, dir, NULL, diag);
    CHECK(rc == PEERREVIEW_OK, "saving %s: %s", dir, peerreview_strerror(rc));
    size_t len = 0;
    char *json = rc == PEERREVIEW_OK ? read_all(desc, &len) : NULL;
    char want[64];
    snprintf(want, sizeof want, "\"peerreview:format\": %d", PEERREVIEW_FORMAT_VERSION);
    char *at = json ? strstr(json, want) : NULL;
    CHECK(at != NULL, "%s does not record the format version", desc);
    if (at) {
        /* rewrite it as the next version, as a newer library would */
        FILE *f = fopen(desc, "wb");
        fwrite(json, 1, (size_t)(at - json), f);
        fprintf(f, "\"peerreview:format\": %d", PEERREVIEW_FORMAT_VERSION + 1);
        fputs(at + strlen(want), f);
        fclose(f);
        peerreview_dataset *back = NULL;
        peerreview_diag_clear(diag);
        rc = peerreview_load(dir, NULL, diag, &back);
        const peerreview_problem *p =
            peerreview_diag_count(diag) == 1 ? peerreview_diag_get(diag, 0) : NULL;
        CHECK(rc == PEERREVIEW_EDATA && !back && p &&
                  peerreview_problem_code(p) == PEERREVIEW_P_NEWER_FORMAT,
              "a newer format: status %d, %zu problems", rc, peerreview_diag_count(diag));
        if (p) {
            char line[1024];
            peerreview_problem_format(p, line, sizeof line);
            printf("newer format: %s\n", line);
        }
        peerreview_dataset_free(back);
    }
    free(json);
    /* remove what the save wrote */
    for (int t = 0; t < (int)peerreview_table_count(); t++) {
        char f[4400];
        snprintf(f, sizeof f, "%s/%s", dir, peerreview_table_file(t));
        unlink(f);
    }
    unlink(desc);
    rmdir(dir);
    peerreview_diag_free(diag);
}

int main(int argc, char **argv)
{
    const char *pkg = argc > 1 ? argv[1] : PEERREVIEW_SAMPLE_DIR;
    const char *tmpdir = argc > 2 ? argv[2] : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    /* only while no object of the library is alive */
    peerreview_set_allocator(count_malloc, count_realloc, count_free);
    peerreview_diag *diag = peerreview_diag_new();
    peerreview_dataset *ds = diag ? load_from_buffer(pkg, diag) : NULL;
    if (ds) {
        typed_values(ds);
        million_edits(ds);
        cancel_load(pkg);
        newer_format(ds, tmpdir);
    }
    peerreview_dataset_free(ds);
    peerreview_diag_free(diag);
    CHECK(live_bytes == 0, "%zu bytes still allocated after everything was freed", live_bytes);
    if (failures)
        fprintf(stderr, "api-tour: %d checks failed\n", failures);
    return failures ? 1 : 0;
}
