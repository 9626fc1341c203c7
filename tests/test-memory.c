/*
 * Issue 10: editing a dataset runs in bounded memory. A value set through
 * the API is freed when it is set again or its row or review is removed, so
 * setting the same field a million times (of a loaded review, of a child
 * row, review_id back and forth, child rows added and removed) leaves the
 * heap as it was: measured with the library's allocator hook (live bytes)
 * and with the process's resident set size.
 *
 * And the narrowed string-lifetime promise still holds where it promises: a
 * value stays valid, unchanged and at the same address while other fields,
 * rows and reviews are edited, added and removed. Run under AddressSanitizer
 * (--enable-sanitizers) and valgrind (make check-valgrind), a use after free
 * of such a value fails the test.
 *
 * Environment: MEMORY_EDITS (edits per loop, default 1000000; make
 * check-valgrind uses fewer).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define R  PEERREVIEW_REVIEWS
#define IT PEERREVIEW_ITEMS
#define TM PEERREVIEW_TEAM_MEMBERS

#define LIVE_BOUND (64 * 1024)        /* bytes the heap may grow by in one loop */
#define RSS_BOUND  (8L * 1024 * 1024) /* and the resident set */

static long edits;

/* ---- counting allocator: every block carries its size ---- */

typedef union block_header {
    size_t size;
    max_align_t align;
} block_header;

static long long live; /* bytes the library holds */
static long long peak; /* the most it held since reset_peak */

static void reset_peak(void)
{
    peak = live;
}

static void *count_malloc(size_t n)
{
    block_header *h = malloc(sizeof *h + n);
    if (!h)
        return NULL;
    h->size = n;
    live += (long long)n;
    if (live > peak)
        peak = live;
    return h + 1;
}

static void *count_realloc(void *p, size_t n)
{
    if (!p)
        return count_malloc(n);
    block_header *h = (block_header *)p - 1;
    size_t old = h->size;
    block_header *nh = realloc(h, sizeof *nh + n);
    if (!nh)
        return NULL;
    nh->size = n;
    live += (long long)n - (long long)old;
    if (live > peak)
        peak = live;
    return nh + 1;
}

static void count_free(void *p)
{
    if (!p)
        return;
    block_header *h = (block_header *)p - 1;
    live -= (long long)h->size;
    free(h);
}

/* Resident set size now (VmRSS), in bytes; -1 if unknown. */
static long rss_now(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

/* valgrind preloads its own libraries into the program it runs */
static int under_valgrind(void)
{
    const char *p = getenv("LD_PRELOAD");
    return p && strstr(p, "vgpreload");
}

/* What the heap and the process hold before a loop. */
typedef struct mark {
    long long live;
    long rss;
} mark;

static mark mark_now(void)
{
    mark m = {live, rss_now()};
    return m;
}

/* Assert that neither the live bytes nor the RSS grew beyond the bounds since m. */
static void assert_bounded(mark m, long rounds, const char *what)
{
    long long grew = live - m.live;
    long rss = rss_now();
    fprintf(stderr, "%s: %ld rounds, heap %+lld bytes, RSS %+ld KiB\n", what, rounds, grew,
            m.rss >= 0 && rss >= 0 ? (rss - m.rss) / 1024 : 0);
    assert_true(grew < LIVE_BOUND);
    /* AddressSanitizer and valgrind hold freed blocks back (in quarantine, up
       to 256 MiB; in a queue of 20 MB): under them the live bytes above are
       the measure of growth */
    if (!UNDER_ASAN && !under_valgrind() && m.rss >= 0 && rss >= 0)
        assert_true(rss - m.rss < RSS_BOUND);
}

static peerreview_dataset *load_sample(void)
{
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    assert_non_null(ds);
    return ds;
}

/* A review's value (borrowed), NULL when empty; the column must exist. */
static const char *rget(const peerreview_review *r, const char *column)
{
    const char *v;
    int rc = peerreview_review_get_byname(r, column, &v);
    if (rc != PEERREVIEW_OK && rc != PEERREVIEW_ENOTFOUND)
        fail_msg("reading %s: %s", column, peerreview_status_name(rc));
    return v;
}

/* As rget, for a child row. */
static const char *wget(const peerreview_row *row, const char *column)
{
    const char *v;
    int rc = peerreview_row_get_byname(row, column, &v);
    if (rc != PEERREVIEW_OK && rc != PEERREVIEW_ENOTFOUND)
        fail_msg("reading %s: %s", column, peerreview_status_name(rc));
    return v;
}

#define SAMPLE_ID "e10000034-csg-2015-04"
#define DOTS      "........................................"

/* ---- one field of a loaded review, a million times ---- */

static void test_review_field(void **state)
{
    (void)state;
    long long base = live;
    peerreview_dataset *ds = load_sample();
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, SAMPLE_ID);
    assert_non_null(r);
    /* values the loop must not disturb: loaded, and set through the API */
    const char *type = rget(r, "review_type");
    const char *provider = rget(r, "provider");
    assert_int_equal(peerreview_review_set_byname(r, "report_url", "https://example.org/r", NULL),
                     PEERREVIEW_OK);
    const char *url = rget(r, "report_url");
    int label = peerreview_column_index(R, "review_type_label");
    assert_true(label > 0);
    char buf[96];
    /* the first set replaces the loaded value (arena garbage, bounded by the load) */
    assert_int_equal(peerreview_review_set_byname(r, "notes", "first", NULL), PEERREVIEW_OK);
    mark m = mark_now();
    for (long i = 0; i < edits; i++) {
        /* lengths vary, so that blocks of several sizes come and go */
        snprintf(buf, sizeof buf, "note %ld%.*s", i, (int)(i % 40), DOTS);
        if (peerreview_review_set_byname(r, "notes", buf, NULL) != PEERREVIEW_OK)
            fail_msg("set %ld failed", i);
        /* by index too, and to unknown */
        if (i % 2 && peerreview_review_set_byindex(r, (size_t)label, i % 4 == 1 ? NULL : buf, NULL))
            fail_msg("set_value %ld failed", i);
    }
    assert_bounded(m, edits, "review notes");
    assert_int_equal(peerreview_review_set_byname(r, "notes", "last", NULL), PEERREVIEW_OK);
    assert_string_equal(rget(r, "notes"), "last");
    /* the other fields: same strings, same addresses */
    assert_ptr_equal(rget(r, "review_type"), type);
    assert_string_equal(type, "childrens_safeguarding");
    assert_ptr_equal(rget(r, "provider"), provider);
    assert_string_equal(provider, "LGA");
    assert_ptr_equal(rget(r, "report_url"), url);
    assert_string_equal(url, "https://example.org/r");
    peerreview_dataset_free(ds);
    assert_int_equal(live, base);
}

/* ---- a child row's fields: text, seq, and kind renumbering its seq ---- */

static void test_child_field(void **state)
{
    (void)state;
    long long base = live;
    peerreview_dataset *ds = load_sample();
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, SAMPLE_ID);
    assert_non_null(r);
    peerreview_row *item = peerreview_review_child_byindex_mut(r, IT, 2);
    assert_non_null(item);
    const char *kind = wget(item, "kind");
    const char *seq = wget(item, "seq");
    const char *text0 = wget(peerreview_review_child_byindex_mut(r, IT, 0), "text");
    char *text0_copy = strdup(text0);
    assert_non_null(text0_copy);
    /* a row the library numbers: changing its kind takes the next seq of that kind */
    peerreview_row *added;
    assert_int_equal(peerreview_review_add_child(r, IT, &added), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(added, "text", "added", NULL), PEERREVIEW_OK);
    const char *added_text = wget(added, "text");
    char buf[96];
    assert_int_equal(peerreview_row_set_byname(item, "text", "first", NULL), PEERREVIEW_OK);
    mark m = mark_now();
    for (long i = 0; i < edits; i++) {
        snprintf(buf, sizeof buf, "item text %ld%.*s", i, (int)(i % 33), DOTS);
        if (peerreview_row_set_byname(item, "text", buf, NULL) != PEERREVIEW_OK)
            fail_msg("text %ld failed", i);
        if (i % 4 == 0) {
            if (peerreview_row_set_byname(added, "kind", i % 8 ? "strength" : "focus", NULL))
                fail_msg("kind %ld failed", i);
        } else if (i % 4 == 1) {
            snprintf(buf, sizeof buf, "%ld", 1000 + i % 1000);
            if (peerreview_row_set_byindex(added, 2, i % 3 ? buf : NULL, NULL))
                fail_msg("seq %ld failed", i);
        }
    }
    assert_bounded(m, edits, "child row text, seq and kind");
    assert_ptr_equal(wget(item, "kind"), kind);
    assert_ptr_equal(wget(item, "seq"), seq);
    assert_string_equal(wget(peerreview_review_child_byindex_mut(r, IT, 0), "text"), text0_copy);
    assert_ptr_equal(wget(added, "text"), added_text);
    assert_string_equal(added_text, "added");
    free(text0_copy);
    peerreview_dataset_free(ds);
    assert_int_equal(live, base);
}

/* ---- review_id back and forth: the index follows every new string ---- */

static void test_review_id(void **state)
{
    (void)state;
    long long base = live;
    peerreview_dataset *ds = load_sample();
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, SAMPLE_ID);
    assert_non_null(r);
    size_t count = peerreview_dataset_count(ds);
    peerreview_review *other = peerreview_dataset_review_byindex_mut(ds, count - 1);
    const char *other_id = rget(other, "review_id");
    static const char *const ids[] = {"renamed-a", "renamed-bb", "renamed-ccc"};
    assert_int_equal(peerreview_review_set_byname(r, "review_id", ids[0], NULL), PEERREVIEW_OK);
    mark m = mark_now();
    for (long i = 0; i < edits; i++) {
        const char *id = ids[(i + 1) % 3];
        if (peerreview_review_set_byindex(r, 0, id, NULL) != PEERREVIEW_OK)
            fail_msg("rename %ld failed", i);
        /* the index holds the review under its new id, and only that */
        if (i % 1024 == 0 && (peerreview_dataset_review_byid_mut(ds, id) != r ||
                              peerreview_dataset_review_byid_mut(ds, ids[i % 3])))
            fail_msg("index wrong after rename %ld", i);
    }
    assert_bounded(m, edits, "review_id");
    const char *id = ids[edits % 3];
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, id), r);
    assert_string_equal(rget(r, "review_id"), id);
    /* a child row's review_id is its review's */
    assert_string_equal(wget(peerreview_review_child_byindex_mut(r, IT, 0), "review_id"), id);
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, other_id), other);
    assert_int_equal(peerreview_dataset_count(ds), count);
    /* a taken id leaves the old one in place, valid */
    const char *now = rget(r, "review_id");
    assert_int_equal(peerreview_review_set_byname(r, "review_id", other_id, NULL),
                     PEERREVIEW_EEXIST);
    assert_ptr_equal(rget(r, "review_id"), now);
    assert_string_equal(now, id);
    /* and back to the loaded id: the dataset validates as loaded */
    assert_int_equal(peerreview_review_set_byname(r, "review_id", SAMPLE_ID, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_validate(ds, NULL, NULL), PEERREVIEW_OK);
    peerreview_dataset_free(ds);
    assert_int_equal(live, base);
}

/* ---- child rows and reviews added and removed ---- */

static void test_add_remove(void **state)
{
    (void)state;
    long long base = live;
    peerreview_dataset *ds = load_sample();
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, SAMPLE_ID);
    assert_non_null(r);
    size_t items = peerreview_review_child_count(r, IT);
    const char *last_text = wget(peerreview_review_child_byindex_mut(r, IT, items - 1), "text");
    const char *type = rget(r, "review_type");
    char buf[64];
    /* one round first, so that the lists have their room */
    peerreview_row *row;
    assert_int_equal(peerreview_review_add_child(r, IT, &row), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_remove_child(r, IT, items), PEERREVIEW_OK);
    mark m = mark_now();
    for (long i = 0; i < edits; i++) {
        int t = i % 2 ? IT : TM;
        size_t n = peerreview_review_child_count(r, t);
        if (peerreview_review_add_child(r, t, &row) != PEERREVIEW_OK)
            fail_msg("add %ld failed", i);
        snprintf(buf, sizeof buf, "row %ld", i);
        if (peerreview_row_set_byname(row, t == IT ? "text" : "name", buf, NULL) ||
            (t == IT && peerreview_row_set_byname(row, "kind", "focus", NULL)))
            fail_msg("set %ld failed", i);
        /* now and then two rows, the first removed from before the second */
        if (i % 16 == 0 && (peerreview_review_add_child(r, t, &row) != PEERREVIEW_OK ||
                            peerreview_row_set_byname(row, t == IT ? "text" : "name", buf, NULL)))
            fail_msg("second row %ld failed", i);
        if (peerreview_review_remove_child(r, t, n) != PEERREVIEW_OK ||
            (i % 16 == 0 && peerreview_review_remove_child(r, t, n) != PEERREVIEW_OK))
            fail_msg("remove %ld failed", i);
        if (peerreview_review_child_count(r, t) != n)
            fail_msg("count wrong after %ld", i);
    }
    assert_bounded(m, edits, "child rows added and removed");
    assert_ptr_equal(rget(r, "review_type"), type);
    assert_string_equal(type, "childrens_safeguarding");

    /* whole reviews, made and filled through the API, added and removed */
    m = mark_now();
    long reviews = edits / 8;
    for (long i = 0; i < reviews; i++) {
        peerreview_review *nr = peerreview_review_new();
        snprintf(buf, sizeof buf, "made-%ld", i % 5);
        if (!nr || peerreview_review_set_byname(nr, "review_id", buf, NULL) ||
            peerreview_review_set_byname(nr, "review_type", "corporate", NULL) ||
            peerreview_review_set_byname(nr, "notes", "a note of the new review", NULL) ||
            peerreview_review_add_child(nr, IT, &row) ||
            peerreview_row_set_byname(row, "text", "an item of the new review", NULL))
            fail_msg("new review %ld failed", i);
        if (i % 2) {
            if (peerreview_dataset_add(ds, nr, NULL) != PEERREVIEW_OK ||
                peerreview_dataset_remove(ds, buf) != PEERREVIEW_OK)
                fail_msg("add/remove %ld failed", i);
        } else {
            peerreview_review_free(nr);
        }
    }
    assert_bounded(m, reviews, "reviews added and removed");
    /* the loaded rows were not disturbed */
    assert_int_equal(peerreview_review_child_count(r, IT), items);
    assert_ptr_equal(wget(peerreview_review_child_byindex_mut(r, IT, items - 1), "text"),
                     last_text);
    peerreview_dataset_free(ds);
    assert_int_equal(live, base);
}

/* ---- a review not in a dataset ---- */

static void test_standalone(void **state)
{
    (void)state;
    long long base = live;
    peerreview_review *r = peerreview_review_new();
    assert_non_null(r);
    assert_int_equal(peerreview_review_set_byname(r, "review_id", "standalone", NULL),
                     PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(r, "provider", "LGA and partners", NULL),
                     PEERREVIEW_OK);
    const char *provider = rget(r, "provider");
    const char *id = rget(r, "review_id");
    peerreview_row *row;
    assert_int_equal(peerreview_review_add_child(r, TM, &row), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "name", "kept", NULL), PEERREVIEW_OK);
    const char *kept = wget(row, "name");
    char buf[64];
    mark m = mark_now();
    for (long i = 0; i < edits; i++) {
        snprintf(buf, sizeof buf, "standalone note %ld", i);
        if (peerreview_review_set_byname(r, "notes", buf, NULL) ||
            peerreview_row_set_byname(row, "job_title", buf + 11, NULL))
            fail_msg("set %ld failed", i);
    }
    assert_bounded(m, edits, "review not in a dataset");
    /* adding it to a dataset keeps every string it returned */
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_non_null(ds);
    assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
    assert_ptr_equal(rget(r, "provider"), provider);
    assert_string_equal(provider, "LGA and partners");
    assert_ptr_equal(rget(r, "review_id"), id);
    assert_string_equal(id, "standalone");
    assert_ptr_equal(wget(row, "name"), kept);
    assert_string_equal(kept, "kept");
    assert_ptr_equal(peerreview_dataset_review_byid_mut(ds, "standalone"), r);
    peerreview_dataset_free(ds);
    assert_int_equal(live, base);
}

/* ---- replaced and removed values are given back at once ---- */

static void test_freed_at_once(void **state)
{
    (void)state;
    long long base = live;
    enum { BIG = 100000 };
    char *big = malloc(BIG + 1);
    assert_non_null(big);
    memset(big, 'x', BIG);
    big[BIG] = '\0';
    peerreview_dataset *ds = load_sample();
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, SAMPLE_ID);
    assert_non_null(r);
    long long before = live;
    /* a value set again */
    assert_int_equal(peerreview_review_set_byname(r, "notes", big, NULL), PEERREVIEW_OK);
    assert_true(live - before >= BIG);
    assert_int_equal(peerreview_review_set_byname(r, "notes", "short", NULL), PEERREVIEW_OK);
    assert_true(live - before < 1024);
    assert_int_equal(peerreview_review_set_byname(r, "notes", NULL, NULL), PEERREVIEW_OK);
    assert_true(live - before < 1024);
    /* a child row removed */
    peerreview_row *row;
    size_t n = peerreview_review_child_count(r, IT);
    assert_int_equal(peerreview_review_add_child(r, IT, &row), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "text", big, NULL), PEERREVIEW_OK);
    assert_true(live - before >= BIG);
    assert_int_equal(peerreview_review_remove_child(r, IT, n), PEERREVIEW_OK);
    assert_true(live - before < 1024);
    /* a review removed */
    assert_int_equal(peerreview_review_set_byname(r, "provider", big, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_add_child(r, IT, &row), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "text", big, NULL), PEERREVIEW_OK);
    assert_true(live - before >= 2 * BIG);
    assert_int_equal(peerreview_dataset_remove(ds, SAMPLE_ID), PEERREVIEW_OK);
    /* all that was set or added through the API is freed; what the load read
       stays in the dataset's arena until the dataset is freed */
    assert_int_equal(live, before);
    /* a review never added, freed */
    before = live;
    peerreview_review *nr = peerreview_review_new();
    assert_non_null(nr);
    assert_int_equal(peerreview_review_set_byname(nr, "notes", big, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_set_byname(nr, "notes", big + 1, NULL), PEERREVIEW_OK);
    assert_true(live - before < BIG + 1024);
    peerreview_review_free(nr);
    assert_int_equal(live, before);
    /* removed by its own review_id string, which the removal frees */
    nr = peerreview_review_new();
    assert_non_null(nr);
    assert_int_equal(peerreview_review_set_byname(nr, "review_id", "own-id", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_add(ds, nr, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_remove(ds, rget(nr, "review_id")), PEERREVIEW_OK);
    assert_null(peerreview_dataset_review_byid_mut(ds, "own-id"));
    assert_int_equal(live, before);
    peerreview_dataset_free(ds);
    assert_int_equal(live, base);
    free(big);
}

/* ---- the promise that remains: other values stay valid ---- */

static void test_promise_kept(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_sample();
    peerreview_review *r = peerreview_dataset_review_byid_mut(ds, "e10000031-cpc-2014-09");
    peerreview_review *r2 = peerreview_dataset_review_byid_mut(ds, SAMPLE_ID);
    assert_non_null(r);
    assert_non_null(r2);
    assert_true(peerreview_review_child_count(r, TM) >= 2);
    /* values of every kind: loaded, enum, set through the API */
    const char *loaded = rget(r, "review_type_label");
    char *loaded_copy = strdup(loaded);
    const char *en = rget(r, "stage");
    assert_int_equal(peerreview_review_set_byname(r, "provider", "set by the API", NULL),
                     PEERREVIEW_OK);
    const char *set = rget(r, "provider");
    const char *id = rget(r, "review_id");
    peerreview_row *member = peerreview_review_child_byindex_mut(r, TM, 1);
    const char *name = wget(member, "name");
    char *name_copy = strdup(name);
    assert_int_equal(peerreview_row_set_byname(member, "organisation", "Some Council", NULL),
                     PEERREVIEW_OK);
    const char *org = wget(member, "organisation");
    assert_non_null(loaded_copy);
    assert_non_null(name_copy);

    /* other fields of the same review and row, set many times */
    for (int i = 0; i < 1000; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "n%d", i);
        assert_int_equal(peerreview_review_set_byname(r, "notes", buf, NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(member, "job_title", buf, NULL), PEERREVIEW_OK);
        assert_int_equal(peerreview_row_set_byname(member, "role_label", i % 2 ? buf : NULL, NULL),
                         PEERREVIEW_OK);
    }
    /* other rows added and removed, another review removed and one added */
    peerreview_row *row;
    assert_int_equal(peerreview_review_add_child(r, TM, &row), PEERREVIEW_OK);
    assert_int_equal(peerreview_row_set_byname(row, "name", "A Person", NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_review_remove_child(r, TM, 0), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_remove(ds, SAMPLE_ID), PEERREVIEW_OK);
    peerreview_review *nr = peerreview_review_new();
    assert_non_null(nr);
    assert_int_equal(peerreview_review_set_byname(nr, "review_id", SAMPLE_ID, NULL), PEERREVIEW_OK);
    assert_int_equal(peerreview_dataset_add(ds, nr, NULL), PEERREVIEW_OK);
    /* a value set to itself: the new copy is made before the old one is freed */
    assert_int_equal(peerreview_review_set_byname(r, "notes", rget(r, "notes"), NULL),
                     PEERREVIEW_OK);
    assert_string_equal(rget(r, "notes"), "n999");
    assert_int_equal(
        peerreview_row_set_byname(member, "job_title", wget(member, "job_title"), NULL),
        PEERREVIEW_OK);
    assert_string_equal(wget(member, "job_title"), "n999");
    /* one field from another of the same row */
    assert_int_equal(
        peerreview_row_set_byname(member, "role_label", wget(member, "job_title"), NULL),
        PEERREVIEW_OK);
    assert_string_equal(wget(member, "role_label"), "n999");

    assert_ptr_equal(rget(r, "review_type_label"), loaded);
    assert_string_equal(loaded, loaded_copy);
    assert_ptr_equal(rget(r, "stage"), en);
    assert_ptr_equal(rget(r, "provider"), set);
    assert_string_equal(set, "set by the API");
    assert_ptr_equal(rget(r, "review_id"), id);
    assert_string_equal(id, "e10000031-cpc-2014-09");
    /* member was child 1; child 0 was removed, so it is child 0 now */
    assert_ptr_equal(peerreview_review_child_byindex_mut(r, TM, 0), member);
    assert_ptr_equal(wget(member, "name"), name);
    assert_string_equal(name, name_copy);
    assert_ptr_equal(wget(member, "organisation"), org);
    assert_string_equal(org, "Some Council");
    free(name_copy);
    free(loaded_copy);
    peerreview_dataset_free(ds);
}

/* ---- issue 12: what a load holds, for what it reads ---- */

static uint64_t gen_state;

static unsigned gen_below(unsigned n)
{
    return (unsigned)(rng_next(&gen_state) % n);
}

static const char *const gen_words[] = {
    "council",   "peer",      "team",     "leadership",     "finance",    "governance", "place",
    "partners",  "residents", "services", "budget",         "capacity",   "culture",    "delivery",
    "scrutiny",  "housing",   "children", "adults",         "strategy",   "members",    "officers",
    "workforce", "growth",    "climate",  "transformation", "engagement", "priorities", "plan"};

/* Free text of about n words, with commas, quotes and line breaks now and then, as a CSV field. */
static void gen_text(FILE *f, unsigned n)
{
    int quote = gen_below(4) == 0;
    fputs(quote ? "\"" : "", f);
    for (unsigned i = 0; i < n; i++) {
        fputs(gen_words[gen_below(sizeof gen_words / sizeof gen_words[0])], f);
        if (i + 1 < n)
            fputs(quote && gen_below(8) == 0   ? ", \"\"so\"\"\n"
                  : quote && gen_below(8) == 0 ? ", "
                                               : " ",
                  f);
    }
    fprintf(f, " %u%s", gen_below(100000), quote ? "\"" : "");
}

/* A valid package of n reviews in dir, shaped as the synthetic package of bench/: input bytes. */
static long long gen_package(const char *dir, unsigned n)
{
    static const char *const names[] = {"Ann Smith",  "Raj Patel",    "Owen Jones",
                                        "Sarah Khan", "Keith Rhodes", "Mary Brown"};
    static const char *const orgs[] = {"Bristol City Council", "Cornwall Council",
                                       "Kirklees Council", "Durham County Council"};
    static const char *const kinds[] = {"focus", "strength", "area_for_consideration",
                                        "recommendation"};
    const char *files[] = {"reviews.csv", "review_councils.csv", "team_members.csv",
                           "items.csv",   "considerations.csv",  "sources.csv"};
    FILE *f[6];
    for (int t = 0; t < 6; t++) {
        char *p = path_join(dir, files[t]);
        f[t] = fopen(p, "w");
        assert_non_null(f[t]);
        free(p);
    }
    fputs("review_id,review_type,review_type_label,stage,parent_review_id,provider,onsite_start,"
          "onsite_end,onsite_mode,report_date,published_date,action_plan_due,progress_review_"
          "planned,recommendation_count,team_size,people_engaged,meetings_held,report_url,notes\n",
          f[0]);
    fputs("review_id,seq,gss_code,council_name,authority_type,region_gss,region_name,dfe_la_code\n",
          f[1]);
    fputs("review_id,seq,name,role,role_label,member_party,job_title,organisation\n", f[2]);
    fputs("review_id,kind,seq,text\n", f[3]);
    fputs("review_id,seq,date,body,outcome\n", f[4]);
    fputs("review_id,seq,url,description\n", f[5]);
    /* one gen_below per statement: the same bytes whatever order a compiler evaluates in */
    for (unsigned i = 0; i < n; i++) {
        char id[64];
        unsigned y = 2010 + gen_below(15);
        unsigned gss = gen_below(1000);
        snprintf(id, sizeof id, "e10%06u-cpc-%u-%07u", gss, y, i);
        unsigned month = 1 + gen_below(12);
        unsigned day = 1 + gen_below(28);
        unsigned recs = 3 + gen_below(3);
        unsigned people = gen_below(400);
        fprintf(f[0],
                "%s,corporate,Corporate peer challenge,initial,,LGA,%u-%02u-%02u,,onsite,,,,,"
                "%u,6,%u,,https://www.local.gov.uk/reports/%s,",
                id, y, month, day, recs, people, id);
        gen_text(f[0], 30 + gen_below(40));
        fputs("\n", f[0]);
        fprintf(f[1], "%s,1,E10%06u,%s,county,E12000005,West Midlands,885\n", id, gss,
                orgs[gen_below(4)]);
        for (unsigned k = 1; k <= 6; k++) {
            const char *name = names[gen_below(6)];
            fprintf(f[2], "%s,%u,%s,member_peer,,,Chief Executive,%s\n", id, k, name,
                    orgs[gen_below(4)]);
        }
        for (unsigned k = 0; k < 12; k++) {
            fprintf(f[3], "%s,%s,%u,", id, kinds[k / 3], k % 3 + 1);
            gen_text(f[3], 4 + gen_below(12));
            fputs("\n", f[3]);
        }
        fprintf(f[4], "%s,1,%u-07-01,Cabinet,", id, y);
        gen_text(f[4], 6 + gen_below(10));
        fputs("\n", f[4]);
        unsigned nsources = 1 + gen_below(2);
        for (unsigned k = 1; k <= nsources; k++) {
            fprintf(f[5], "%s,%u,https://news.example.org/%s/%u,", id, k, id, k);
            gen_text(f[5], 3 + gen_below(8));
            fputs("\n", f[5]);
        }
    }
    long long bytes = 0;
    for (int t = 0; t < 6; t++) {
        bytes += ftell(f[t]);
        assert_int_equal(fclose(f[t]), 0);
    }
    return bytes;
}

/*
 * A full load holds at most 1.3 times the bytes it read (issue 12), counted
 * in bytes the library asked its allocator for, at the highest point of the
 * load: the rows are packed in the dataset's arena, values that repeat are
 * kept once.
 */
static void test_load_ratio(void **state)
{
    (void)state;
    const char *e = getenv("MEMORY_REVIEWS");
    unsigned n = e ? (unsigned)atol(e) : 3000;
    char *dir = tmp_dir();
    gen_state = 12;
    long long input = gen_package(dir, n);
    long long base = live;
    peerreview_diag *d = peerreview_diag_new();
    peerreview_dataset *ds = NULL;
    long long before = live;
    reset_peak();
    int rc = peerreview_load(dir, NULL, d, &ds);
    if (rc != PEERREVIEW_OK || peerreview_diag_count(d))
        dump_diag(d);
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    assert_int_equal(peerreview_dataset_count(ds), n);
    double ratio = (double)(peak - before) / (double)input;
    fprintf(stderr, "load of %u reviews, %lld bytes: peak %lld bytes held, %.3f x the input\n", n,
            input, peak - before, ratio);
    assert_true(ratio <= 1.3);
    /* every value reads back as it was written: one review's, one item's */
    const peerreview_review *r = peerreview_dataset_review_byindex(ds, n - 1);
    assert_string_equal(review_str(r, "review_type"), "corporate");
    assert_string_equal(review_str(r, "team_size"), "6");
    assert_string_equal(row_str(peerreview_review_child_byindex(r, IT, 11), "kind"),
                        "recommendation");
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);
    assert_int_equal(live, base);
    rm_rf(dir);
    free(dir);
}

/* A stream of items.csv rows made as they are read. */
typedef struct item_stream {
    long rows, made;
    char line[256];
    size_t len, at;
} item_stream;

static ptrdiff_t item_read(void *ctx, void *buf, size_t size)
{
    item_stream *s = ctx;
    size_t got = 0;
    while (got < size) {
        if (s->at == s->len) {
            if (s->made > s->rows)
                break;
            if (s->made == 0)
                s->len = (size_t)snprintf(s->line, sizeof s->line, "review_id,kind,seq,text\n");
            else
                s->len = (size_t)snprintf(
                    s->line, sizeof s->line,
                    "e10000034-cpc-2015-%07ld,focus,%ld,\"Text, \"\"quoted\"\"\nrow %ld\"\n",
                    s->made / 12, s->made % 12 + 1, s->made);
            s->made++;
            s->at = 0;
        }
        size_t k = s->len - s->at < size - got ? s->len - s->at : size - got;
        memcpy((char *)buf + got, s->line + s->at, k);
        s->at += k;
        got += k;
    }
    return (ptrdiff_t)got;
}

/* The streaming reader holds the same whether it has read 10,000 rows or a million. */
static void test_reader_flat(void **state)
{
    (void)state;
    long rows = edits < 20000 ? 20000 : edits;
    item_stream s = {rows, 0, {0}, 0, 0};
    long long before = live;
    reset_peak();
    peerreview_reader *rd;
    assert_int_equal(peerreview_reader_open_callback(item_read, &s, IT, NULL, NULL, NULL, &rd),
                     PEERREVIEW_OK);
    long n = 0;
    mark m = {0, 0};
    int rc;
    while ((rc = peerreview_reader_next(rd, NULL)) == 1) {
        if (++n == 10000)
            m = mark_now();
        const char *v;
        assert_int_equal(peerreview_reader_get_byindex(rd, 3, &v), PEERREVIEW_OK);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(n, rows);
    assert_bounded(m, rows - 10000, "streaming reader, rows 10,000 on");
    fprintf(stderr, "streaming reader: peak %lld bytes held\n", peak - before);
    assert_true(peak - before < 16L * 1024 * 1024);
    peerreview_reader_free(rd);
    assert_int_equal(live, before);
}

int main(void)
{
    const char *e = getenv("MEMORY_EDITS");
    edits = e ? atol(e) : 1000000;
    if (edits < 16)
        edits = 16;
    peerreview_set_allocator(count_malloc, count_realloc, count_free);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_review_field), cmocka_unit_test(test_child_field),
        cmocka_unit_test(test_review_id),    cmocka_unit_test(test_add_remove),
        cmocka_unit_test(test_standalone),   cmocka_unit_test(test_freed_at_once),
        cmocka_unit_test(test_promise_kept), cmocka_unit_test(test_load_ratio),
        cmocka_unit_test(test_reader_flat),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    peerreview_set_allocator(NULL, NULL, NULL);
    return rc;
}
