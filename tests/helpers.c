#define _GNU_SOURCE
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

char *tmp_dir(void)
{
    const char *base = getenv("TMPDIR");
    char *t = NULL;
    assert_true(asprintf(&t, "%s/prtest-XXXXXX", base ? base : "/tmp") > 0);
    assert_non_null(mkdtemp(t));
    return t;
}

void rm_rf(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char *p = path_join(path, e->d_name);
            rm_rf(p);
            free(p);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

char *path_join(const char *dir, const char *file)
{
    char *p = NULL;
    assert_true(asprintf(&p, "%s/%s", dir, file) > 0);
    return p;
}

void write_file(const char *dir, const char *file, const char *data, size_t len)
{
    char *p = path_join(dir, file);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    if (len == (size_t)-1)
        len = strlen(data);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(p);
}

char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap + 1);
    size_t r;
    while ((r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            b = realloc(b, cap + 1);
        }
    }
    fclose(f);
    b[n] = '\0';
    if (len)
        *len = n;
    return b;
}

void copy_sample(const char *dir)
{
    static const char *files[] = {"reviews.csv",     "review_councils.csv", "team_members.csv",
                                  "items.csv",       "considerations.csv",  "sources.csv",
                                  "datapackage.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *src = path_join(SAMPLE_DIR, files[i]);
        size_t len;
        char *data = read_file(src, &len);
        assert_non_null(data);
        write_file(dir, files[i], data, len);
        free(data);
        free(src);
    }
}

int count_dot_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

void dump_diag(const peerreview_diag *d)
{
    char buf[2048];
    for (size_t i = 0; i < peerreview_diag_count(d); i++) {
        peerreview_problem_format(peerreview_diag_get(d, i), buf, sizeof buf);
        fprintf(stderr, "  %s\n", buf);
    }
}

int find_code(const peerreview_diag *d, peerreview_code code)
{
    for (size_t i = 0; i < peerreview_diag_count(d); i++)
        if (peerreview_problem_code(peerreview_diag_get(d, i)) == code)
            return (int)i;
    return -1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

const peerreview_problem *expect_problem_at(const peerreview_diag *d, peerreview_code code,
                                            const char *file, unsigned long line,
                                            unsigned long column, const char *field,
                                            const char *srcfile, int srcline)
{
    for (size_t i = 0; i < peerreview_diag_count(d); i++) {
        const peerreview_problem *p = peerreview_diag_get(d, i);
        if (peerreview_problem_code(p) != code)
            continue;
        const char *pf = peerreview_problem_file(p);
        if (file && (!pf || !ends_with(pf, file)))
            continue;
        if (line && peerreview_problem_line(p) != line)
            continue;
        if (column && peerreview_problem_column(p) != column)
            continue;
        const char *fld = peerreview_problem_field(p);
        if (field && (!fld || strcmp(fld, field) != 0))
            continue;
        return p;
    }
    fprintf(stderr, "%s:%d: no %s problem at %s:%lu:%lu field %s; have:\n", srcfile, srcline,
            peerreview_code_name(code), file ? file : "*", line, column, field ? field : "*");
    dump_diag(d);
    fail_msg("expected problem not found");
    return NULL;
}

peerreview_diag *load_with_table(const char *file, const char *content, int *rc, char **dir)
{
    *dir = tmp_dir();
    copy_sample(*dir);
    write_file(*dir, file, content, (size_t)-1);
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    peerreview_dataset *ds = NULL;
    *rc = peerreview_load(*dir, NULL, d, &ds);
    if (*rc == PEERREVIEW_OK)
        assert_non_null(ds);
    else
        assert_null(ds);
    peerreview_dataset_free(ds);
    return d;
}

/* ---- tiny JSON reader ---- */

typedef struct json_cur {
    const char *p, *end;
} json_cur;

static void json_ws(json_cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static void json_clear(json_value *v)
{
    if (!v)
        return;
    free(v->str);
    for (size_t i = 0; i < v->n; i++) {
        json_clear(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    memset(v, 0, sizeof *v);
}

static int json_hex4(json_cur *c, unsigned *out)
{
    unsigned v = 0;
    if (c->end - c->p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        char h = *c->p++;
        v <<= 4;
        if (h >= '0' && h <= '9')
            v |= (unsigned)(h - '0');
        else if (h >= 'a' && h <= 'f')
            v |= (unsigned)(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F')
            v |= (unsigned)(h - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static int json_string(json_cur *c, char **out, size_t *outlen)
{
    if (c->p >= c->end || *c->p != '"')
        return -1;
    c->p++;
    size_t cap = 16, n = 0;
    char *b = malloc(cap);
    for (;;) {
        if (c->p >= c->end)
            goto bad;
        if (n + 5 > cap) {
            cap *= 2;
            b = realloc(b, cap);
        }
        unsigned char ch = (unsigned char)*c->p++;
        if (ch == '"')
            break;
        if (ch < 0x20)
            goto bad;
        if (ch != '\\') {
            b[n++] = (char)ch;
            continue;
        }
        if (c->p >= c->end)
            goto bad;
        char e = *c->p++;
        switch (e) {
        case '"':
            b[n++] = '"';
            break;
        case '\\':
            b[n++] = '\\';
            break;
        case '/':
            b[n++] = '/';
            break;
        case 'b':
            b[n++] = '\b';
            break;
        case 'f':
            b[n++] = '\f';
            break;
        case 'n':
            b[n++] = '\n';
            break;
        case 'r':
            b[n++] = '\r';
            break;
        case 't':
            b[n++] = '\t';
            break;
        case 'u': {
            unsigned u, lo;
            if (json_hex4(c, &u))
                goto bad;
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u')
                    goto bad;
                c->p += 2;
                if (json_hex4(c, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    goto bad;
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                goto bad;
            }
            if (u < 0x80) {
                b[n++] = (char)u;
            } else if (u < 0x800) {
                b[n++] = (char)(0xC0 | (u >> 6));
                b[n++] = (char)(0x80 | (u & 0x3F));
            } else if (u < 0x10000) {
                b[n++] = (char)(0xE0 | (u >> 12));
                b[n++] = (char)(0x80 | ((u >> 6) & 0x3F));
                b[n++] = (char)(0x80 | (u & 0x3F));
            } else {
                b[n++] = (char)(0xF0 | (u >> 18));
                b[n++] = (char)(0x80 | ((u >> 12) & 0x3F));
                b[n++] = (char)(0x80 | ((u >> 6) & 0x3F));
                b[n++] = (char)(0x80 | (u & 0x3F));
            }
            break;
        }
        default:
            goto bad;
        }
    }
    b[n] = '\0';
    *out = b;
    *outlen = n;
    return 0;
bad:
    free(b);
    return -1;
}

static int json_value_at(json_cur *c, json_value *v, int depth)
{
    memset(v, 0, sizeof *v);
    json_ws(c);
    if (c->p >= c->end || depth > 64)
        return -1;
    char ch = *c->p;
    if (ch == '"') {
        v->type = JSON_STRING;
        return json_string(c, &v->str, &v->len);
    }
    if (ch == '[' || ch == '{') {
        int obj = ch == '{';
        v->type = obj ? JSON_OBJECT : JSON_ARRAY;
        c->p++;
        json_ws(c);
        if (c->p < c->end && *c->p == (obj ? '}' : ']')) {
            c->p++;
            return 0;
        }
        size_t cap = 0;
        for (;;) {
            if (v->n == cap) {
                cap = cap ? cap * 2 : 4;
                v->items = realloc(v->items, cap * sizeof *v->items);
                if (obj)
                    v->keys = realloc(v->keys, cap * sizeof *v->keys);
            }
            if (obj) {
                size_t kl;
                json_ws(c);
                if (json_string(c, &v->keys[v->n], &kl))
                    return -1;
                json_ws(c);
                if (c->p >= c->end || *c->p != ':') {
                    free(v->keys[v->n]);
                    return -1;
                }
                c->p++;
            }
            if (json_value_at(c, &v->items[v->n], depth + 1)) {
                json_clear(&v->items[v->n]);
                if (obj)
                    free(v->keys[v->n]);
                return -1;
            }
            v->n++;
            json_ws(c);
            if (c->p >= c->end)
                return -1;
            if (*c->p == ',') {
                c->p++;
                continue;
            }
            if (*c->p == (obj ? '}' : ']')) {
                c->p++;
                return 0;
            }
            return -1;
        }
    }
    static const struct {
        const char *word;
        json_type type;
        int boolean;
    } words[] = {{"null", JSON_NULL, 0}, {"true", JSON_BOOL, 1}, {"false", JSON_BOOL, 0}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t wl = strlen(words[i].word);
        if ((size_t)(c->end - c->p) >= wl && memcmp(c->p, words[i].word, wl) == 0) {
            c->p += wl;
            v->type = words[i].type;
            v->boolean = words[i].boolean;
            return 0;
        }
    }
    const char *s = c->p;
    while (c->p < c->end && strchr("+-0123456789.eE", *c->p))
        c->p++;
    if (c->p == s)
        return -1;
    v->type = JSON_NUMBER;
    v->len = (size_t)(c->p - s);
    v->str = malloc(v->len + 1);
    memcpy(v->str, s, v->len);
    v->str[v->len] = '\0';
    return 0;
}

json_value *json_parse(const char *text, size_t len)
{
    if (len == (size_t)-1)
        len = strlen(text);
    json_cur c = {text, text + len};
    json_value *v = calloc(1, sizeof *v);
    if (json_value_at(&c, v, 0) == 0) {
        json_ws(&c);
        if (c.p == c.end)
            return v;
    }
    json_free(v);
    return NULL;
}

json_value *json_parse_file(const char *path)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text)
        fail_msg("cannot read %s", path);
    json_value *v = json_parse(text, len);
    free(text);
    if (!v)
        fail_msg("%s is not valid JSON", path);
    return v;
}

void json_free(json_value *v)
{
    json_clear(v);
    free(v);
}

const json_value *json_get(const json_value *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return &obj->items[i];
    return NULL;
}

/* ---- random datasets (test-export, test-flat) ---- */

const char *const package_files[7] = {"reviews.csv",     "review_councils.csv", "team_members.csv",
                                      "items.csv",       "considerations.csv",  "sources.csv",
                                      "datapackage.json"};

void assert_same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *da = read_file(a, &la);
    char *db = read_file(b, &lb);
    if (!da || !db || la != lb || memcmp(da, db, la) != 0) {
        size_t i = 0;
        while (da && db && i < la && i < lb && da[i] == db[i])
            i++;
        fprintf(stderr, "files differ: %s (%zu bytes) and %s (%zu bytes), first at byte %zu\n", a,
                da ? la : 0, b, db ? lb : 0, i);
        free(da);
        free(db);
        fail_msg("files differ");
    }
    free(da);
    free(db);
}

void assert_same_package(const char *dir_a, const char *dir_b)
{
    for (size_t i = 0; i < 7; i++) {
        char *a = path_join(dir_a, package_files[i]);
        char *b = path_join(dir_b, package_files[i]);
        assert_same_file(a, b);
        free(a);
        free(b);
    }
}

uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 2685821657736338717ULL;
}

static unsigned rng_below(uint64_t *s, unsigned n)
{
    return (unsigned)((rng_next(s) >> 11) % n);
}

/* Text pieces: [0, RT_FLAT) have no line break and no '|'. */
static const char *const rt_parts[] = {
    "plain",
    "with, comma",
    "\"quoted\"",
    "a \"\" b",
    "  leading",
    "trailing  ",
    " ",
    "\xc3\x85",
    "\xca\xa4",
    "\xf0\x9f\x98\x80",
    "=SUM(A1:A2)",
    "-minus",
    "+plus",
    "@at",
    "\ttab",
    "x",
    "caf\xc3\xa9",
    ",",
    "'apostrophe",
    "\"",
    "semi;colon",
    /* below: not in flat child values */
    "line\nbreak",
    "cr\ronly",
    "crlf\r\nend",
    "\n",
    "\r",
    "| pipe",
    " | ",
    "a |",
    "|",
    "\r\n\r\n",
};
#define RT_FLAT 21
#define RT_ALL  (sizeof rt_parts / sizeof rt_parts[0])

/* Random non-empty text (caller frees); restricted: flat child values. */
static char *rt_text(uint64_t *s, int restricted)
{
    unsigned n = 1 + rng_below(s, 4);
    size_t cap = 1, len = 0;
    const char *pick[4];
    for (unsigned i = 0; i < n; i++) {
        pick[i] = rt_parts[rng_below(s, restricted ? RT_FLAT : (unsigned)RT_ALL)];
        cap += strlen(pick[i]);
    }
    char *t = malloc(cap);
    assert_non_null(t);
    for (unsigned i = 0; i < n; i++) {
        memcpy(t + len, pick[i], strlen(pick[i]));
        len += strlen(pick[i]);
    }
    t[len] = '\0';
    return t;
}

static void rt_set_review(peerreview_review *r, const char *col, const char *v)
{
    peerreview_diag *d = peerreview_diag_new();
    int rc = peerreview_review_set_byname(r, col, v, d);
    if (rc != PEERREVIEW_OK) {
        fprintf(stderr, "setting %s: %s\n", col, peerreview_status_name(rc));
        dump_diag(d);
    }
    peerreview_diag_free(d);
    assert_int_equal(rc, PEERREVIEW_OK);
}

static void rt_set_row(peerreview_row *row, const char *col, const char *v)
{
    peerreview_diag *d = peerreview_diag_new();
    int rc = peerreview_row_set_byname(row, col, v, d);
    if (rc != PEERREVIEW_OK) {
        fprintf(stderr, "setting %s: %s\n", col, peerreview_status_name(rc));
        dump_diag(d);
    }
    peerreview_diag_free(d);
    assert_int_equal(rc, PEERREVIEW_OK);
}

static void rt_set_text(uint64_t *s, peerreview_row *row, const char *col, int restricted)
{
    char *t = rt_text(s, restricted);
    rt_set_row(row, col, t);
    free(t);
}

static const char *rt_enum(uint64_t *s, int table, const char *col)
{
    int c = peerreview_column_index(table, col);
    assert_true(c >= 0);
    size_t n = peerreview_column_enum_count(table, (size_t)c);
    assert_true(n > 0);
    return peerreview_column_enum_value(table, (size_t)c, rng_below(s, (unsigned)n));
}

static int rt_dim(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

static void rt_date_str(uint64_t *s, int y, int m, int d, char *buf, size_t size)
{
    unsigned p = rng_below(s, 3);
    if (p == 0)
        snprintf(buf, size, "%04d", y);
    else if (p == 1)
        snprintf(buf, size, "%04d-%02d", y, m);
    else
        snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

static void rt_random_date(uint64_t *s, char *buf, size_t size)
{
    int y = 2000 + (int)rng_below(s, 30), m = 1 + (int)rng_below(s, 12);
    int d = 1 + (int)rng_below(s, (unsigned)rt_dim(y, m));
    rt_date_str(s, y, m, d, buf, size);
}

static void rt_url(uint64_t *s, char *buf, size_t size)
{
    static const char *const paths[] = {"",      "a",         "a,b",  "x?y=1&z=2", "p#frag",
                                        "%20sp", "caf%C3%A9", "~u/v", "semi;c",    "it's"};
    snprintf(buf, size, "%s://www.example%u.gov.uk/%s", rng_below(s, 2) ? "https" : "http",
             rng_below(s, 100), paths[rng_below(s, sizeof paths / sizeof paths[0])]);
}

static void rt_shuffle(uint64_t *s, unsigned *v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rng_below(s, (unsigned)i);
        unsigned t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* n seq numbers: 1..n when flat, else strictly increasing with random gaps. */
static void rt_seqs(uint64_t *s, int flat, unsigned *seq, size_t n)
{
    unsigned next = flat ? 1 : 1 + (rng_below(s, 4) == 0 ? rng_below(s, 3) : 0);
    for (size_t i = 0; i < n; i++) {
        seq[i] = next;
        next += 1 + (flat || rng_below(s, 4) ? 0 : rng_below(s, 12));
    }
}

static peerreview_row *rt_child(peerreview_review *r, int table, unsigned seq)
{
    peerreview_row *row = NULL;
    assert_int_equal(peerreview_review_add_child(r, table, &row), PEERREVIEW_OK);
    char num[16];
    snprintf(num, sizeof num, "%u", seq);
    rt_set_row(row, "seq", num);
    return row;
}

static void rt_children(uint64_t *s, peerreview_review *r, int flat)
{
    unsigned seq[16], order[16];
    char buf[128];
    /* councils */
    size_t n = rng_below(s, 4);
    rt_seqs(s, flat, seq, n);
    rt_shuffle(s, seq, n);
    for (size_t i = 0; i < n; i++) {
        peerreview_row *row = rt_child(r, PEERREVIEW_REVIEW_COUNCILS, seq[i]);
        static const char *const pre[] = {"E06", "E07", "E08", "E09", "E10", "W06"};
        static const char *const auth[] = {"unitary",
                                           "non_metropolitan_district",
                                           "metropolitan_borough",
                                           "london_borough",
                                           "county",
                                           "unitary"};
        if (rng_below(s, 4)) {
            unsigned k = rng_below(s, 6);
            snprintf(buf, sizeof buf, "%s%06u", pre[k], rng_below(s, 1000000));
            rt_set_row(row, "gss_code", buf);
            rt_set_row(row, "authority_type", auth[k]);
        } else {
            rt_set_row(row, "authority_type",
                       rt_enum(s, PEERREVIEW_REVIEW_COUNCILS, "authority_type"));
        }
        rt_set_text(s, row, "council_name", flat);
        unsigned reg = 1 + rng_below(s, 9);
        static const char *const regions[] = {
            "North East",    "North West",    "Yorkshire and The Humber",
            "East Midlands", "West Midlands", "East of England",
            "London",        "South East",    "South West"};
        if (rng_below(s, 3)) {
            snprintf(buf, sizeof buf, "E1200000%u", reg);
            rt_set_row(row, "region_gss", buf);
        }
        if (rng_below(s, 3))
            rt_set_row(row, "region_name", regions[reg - 1]);
        if (rng_below(s, 2)) {
            snprintf(buf, sizeof buf, "%03u", rng_below(s, 1000));
            rt_set_row(row, "dfe_la_code", buf);
        }
    }
    /* team members: every field optional */
    n = rng_below(s, 5);
    rt_seqs(s, flat, seq, n);
    rt_shuffle(s, seq, n);
    static const char *const team_text[] = {"name", "role_label", "member_party", "job_title",
                                            "organisation"};
    for (size_t i = 0; i < n; i++) {
        peerreview_row *row = rt_child(r, PEERREVIEW_TEAM_MEMBERS, seq[i]);
        int any = 0;
        for (size_t k = 0; k < 5; k++)
            if (rng_below(s, 2)) {
                rt_set_text(s, row, team_text[k], flat);
                any = 1;
            }
        if (rng_below(s, 2) || (flat && !any))
            rt_set_row(row, "role", rt_enum(s, PEERREVIEW_TEAM_MEMBERS, "role"));
    }
    /* items: per kind; sometimes 11 of one kind so that seq 10 and 11 sort after 9 */
    for (size_t k = 0; k < 6; k++) {
        const char *kind = peerreview_column_enum_value(PEERREVIEW_ITEMS, 1, k);
        n = rng_below(s, 3);
        if (rng_below(s, 12) == 0)
            n = 11;
        rt_seqs(s, flat, seq, n);
        rt_shuffle(s, seq, n);
        for (size_t i = 0; i < n; i++) {
            peerreview_row *row = NULL;
            assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &row), PEERREVIEW_OK);
            rt_set_row(row, "kind", kind);
            snprintf(buf, sizeof buf, "%u", seq[i]);
            rt_set_row(row, "seq", buf);
            /* items have one field: " | " is fine in the flat form */
            char *t = rt_text(s, 0);
            if (flat) {
                for (char *p = t; *p; p++)
                    if (*p == '\n' || *p == '\r')
                        *p = '/';
            }
            rt_set_row(row, "text", t);
            free(t);
        }
    }
    /* considerations */
    n = rng_below(s, 3);
    rt_seqs(s, flat, seq, n);
    rt_shuffle(s, seq, n);
    for (size_t i = 0; i < n; i++) {
        peerreview_row *row = rt_child(r, PEERREVIEW_CONSIDERATIONS, seq[i]);
        int any = 0;
        if (rng_below(s, 2)) {
            rt_random_date(s, buf, sizeof buf);
            rt_set_row(row, "date", buf);
            any = 1;
        }
        if (rng_below(s, 2)) {
            rt_set_text(s, row, "body", flat);
            any = 1;
        }
        if (rng_below(s, 2) || (flat && !any))
            rt_set_text(s, row, "outcome", flat);
    }
    /* sources */
    n = rng_below(s, 4);
    rt_seqs(s, flat, seq, n);
    rt_shuffle(s, seq, n);
    for (size_t i = 0; i < n; i++) {
        peerreview_row *row = rt_child(r, PEERREVIEW_SOURCES, seq[i]);
        rt_url(s, buf, sizeof buf);
        rt_set_row(row, "url", buf);
        if (rng_below(s, 2))
            rt_set_text(s, row, "description", flat);
    }
    (void)order;
}

/* v without white space at the start (lead) and/or end (trail), "x" if nothing
   is left; NULL when v has none there (caller frees). */
static char *rt_trimmed(const char *v, int lead, int trail)
{
    size_t a = 0, b = strlen(v), len = b;
    while (lead && a < b && strchr(" \t\r\n", v[a]))
        a++;
    while (trail && b > a && strchr(" \t\r\n", v[b - 1]))
        b--;
    if (a == 0 && b == len)
        return NULL;
    if (a == b)
        return strdup("x");
    char *t = malloc(b - a + 1);
    assert_non_null(t);
    memcpy(t, v + a, b - a);
    t[b - a] = '\0';
    return t;
}

static int rt_line_col(const char *name)
{
    return strcmp(name, "review_id") != 0 && strcmp(name, "seq") != 0 && strcmp(name, "kind") != 0;
}

/*
 * A flat cell never begins or ends with white space (a trimming reader would
 * change it): trim the review's text values, the first field of the first line
 * of each list cell and the last non-empty field of its last line. Values
 * inside a cell keep their spaces. No random numbers are drawn, so flat and
 * package datasets of one seed differ only here.
 */
static void rt_flat_edges(peerreview_review *r)
{
    for (size_t c = 0; c < peerreview_column_count(PEERREVIEW_REVIEWS); c++) {
        const char *name = peerreview_column_name(PEERREVIEW_REVIEWS, c);
        const char *v = review_str(r, name);
        char *t = v && peerreview_column_type(PEERREVIEW_REVIEWS, c) == PEERREVIEW_TYPE_TEXT
                      ? rt_trimmed(v, 1, 1)
                      : NULL;
        if (t)
            rt_set_review(r, name, t);
        free(t);
    }
    for (int table = 1; table < PEERREVIEW_TABLE_COUNT; table++) {
        size_t n = peerreview_review_child_count(r, table), ncols = peerreview_column_count(table);
        for (size_t i = 0; i < n; i++) {
            peerreview_row *row = peerreview_review_child_byindex_mut(r, table, i);
            const char *kind = table == PEERREVIEW_ITEMS ? row_str(row, "kind") : NULL;
            /* rows of its cell (items: of its kind), numbered 1..count */
            size_t count = 0;
            for (size_t j = 0; j < n; j++) {
                const char *k =
                    kind ? row_str(peerreview_review_child_byindex_mut(r, table, j), "kind") : NULL;
                count += !kind || (k && strcmp(k, kind) == 0);
            }
            const char *seq = row_str(row, "seq");
            assert_non_null(seq);
            unsigned long q = strtoul(seq, NULL, 10);
            const char *firstcol = NULL, *lastcol = NULL;
            for (size_t c = 0; c < ncols; c++) {
                const char *name = peerreview_column_name(table, c);
                if (!rt_line_col(name))
                    continue;
                if (!firstcol)
                    firstcol = name;
                if (row_str(row, name))
                    lastcol = name;
            }
            for (int end = 0; end < 2; end++) {
                const char *name = end ? lastcol : firstcol;
                if ((end ? q != count : q != 1) || !name || !row_str(row, name))
                    continue;
                char *t = rt_trimmed(row_str(row, name), !end, end);
                if (t)
                    rt_set_row(row, name, t);
                free(t);
            }
        }
    }
}

peerreview_dataset *random_dataset(uint64_t *s, int flat, int big)
{
    static unsigned serial;
    peerreview_dataset *ds = peerreview_dataset_new();
    assert_non_null(ds);
    size_t n = rng_below(s, 9);
    if (big && n == 0)
        n = 1;
    char buf[160];
    for (size_t i = 0; i < n; i++) {
        peerreview_review *r = peerreview_review_new();
        assert_non_null(r);
        snprintf(buf, sizeof buf, "r%u-%zu", serial++, i);
        rt_set_review(r, "review_id", buf);
        rt_set_review(r, "review_type", rt_enum(s, PEERREVIEW_REVIEWS, "review_type"));
        /* progress reviews follow up an earlier initial review (or have no parent) */
        const char *stage = rt_enum(s, PEERREVIEW_REVIEWS, "stage");
        rt_set_review(r, "stage", stage);
        if (strcmp(stage, "progress") == 0 && i > 0 && rng_below(s, 3)) {
            peerreview_review *p =
                peerreview_dataset_review_byindex_mut(ds, rng_below(s, (unsigned)i));
            if (strcmp(review_str(p, "stage"), "initial") == 0)
                rt_set_review(r, "parent_review_id", review_str(p, "review_id"));
        }
        static const char *const text_cols[] = {"review_type_label", "provider", "notes"};
        for (size_t k = 0; k < 3; k++) {
            if (rng_below(s, 4) == 0)
                continue;
            char *t = rt_text(s, 0);
            rt_set_review(r, text_cols[k], t);
            free(t);
        }
        /* ordered dates: increasing full dates shown at a random precision */
        static const char *const ordered[] = {"onsite_start", "onsite_end", "report_date",
                                              "published_date"};
        int y = 2000 + (int)rng_below(s, 25), m = 1 + (int)rng_below(s, 12);
        int d = 1 + (int)rng_below(s, (unsigned)rt_dim(y, m));
        for (size_t k = 0; k < 4; k++) {
            d += (int)rng_below(s, 90);
            while (d > rt_dim(y, m)) {
                d -= rt_dim(y, m);
                if (++m > 12) {
                    m = 1;
                    y++;
                }
            }
            if (rng_below(s, 3) == 0)
                continue;
            rt_date_str(s, y, m, d, buf, sizeof buf);
            rt_set_review(r, ordered[k], buf);
        }
        if (rng_below(s, 2)) {
            rt_random_date(s, buf, sizeof buf);
            rt_set_review(r, "action_plan_due", buf);
        }
        if (rng_below(s, 2)) {
            rt_random_date(s, buf, sizeof buf);
            rt_set_review(r, "progress_review_planned", buf);
        }
        if (rng_below(s, 2))
            rt_set_review(r, "onsite_mode", rt_enum(s, PEERREVIEW_REVIEWS, "onsite_mode"));
        static const char *const ints[] = {"recommendation_count", "team_size", "people_engaged",
                                           "meetings_held"};
        for (size_t k = 0; k < 4; k++) {
            unsigned how = rng_below(s, 5);
            if (how == 0)
                continue;
            if (how == 1)
                snprintf(buf, sizeof buf, "%s", k == 1 ? "1" : "0");
            else if (how == 2)
                snprintf(buf, sizeof buf, "9223372036854775807");
            else
                snprintf(buf, sizeof buf, "%u", 1 + rng_below(s, 100000));
            rt_set_review(r, ints[k], buf);
        }
        if (rng_below(s, 2)) {
            rt_url(s, buf, sizeof buf);
            rt_set_review(r, "report_url", buf);
        }
        rt_children(s, r, flat);
        if (big && i == 0) {
            size_t len = 100 * 1024;
            char *t = malloc(len + 1);
            assert_non_null(t);
            static const char pat[] = "ab, \"c\"\r\n=x \xc3\x85";
            for (size_t k = 0; k < len; k++)
                t[k] = k + 2 >= len && (unsigned char)pat[k % (sizeof pat - 1)] >= 0x80
                           ? 'z'
                           : pat[k % (sizeof pat - 1)];
            t[len] = '\0';
            rt_set_review(r, "notes", t);
            for (size_t k = 0; k < len; k++)
                if (t[k] == '\r' || t[k] == '\n')
                    t[k] = '.';
            peerreview_row *row = NULL;
            assert_int_equal(peerreview_review_add_child(r, PEERREVIEW_ITEMS, &row), PEERREVIEW_OK);
            rt_set_row(row, "kind", "other");
            rt_set_row(row, "seq", NULL);
            rt_set_row(row, "text", t);
            free(t);
        }
        if (flat)
            rt_flat_edges(r);
        assert_int_equal(peerreview_dataset_add(ds, r, NULL), PEERREVIEW_OK);
    }
    return ds;
}

static int rt_str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Index of rows of a child table sorted by key (kind in enum order, then seq). */
static long long rt_key(const peerreview_row *row)
{
    long long k = 0;
    if (peerreview_row_table(row) == PEERREVIEW_ITEMS) {
        const char *kind = row_str(row, "kind");
        for (size_t i = 0; i < 6; i++)
            if (kind && strcmp(kind, peerreview_column_enum_value(PEERREVIEW_ITEMS, 1, i)) == 0)
                k = (long long)i;
    }
    const char *seq = row_str(row, "seq");
    return k * 1000000000LL + (seq ? atoll(seq) : 0);
}

static void rt_sorted(const peerreview_review *r, int table, const peerreview_row **out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = peerreview_review_child_byindex(r, table, i);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && rt_key(out[j - 1]) > rt_key(out[j]); j--) {
            const peerreview_row *t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
}

void assert_dataset_equal(const peerreview_dataset *a, const peerreview_dataset *b)
{
    assert_int_equal(peerreview_dataset_count(a), peerreview_dataset_count(b));
    for (size_t i = 0; i < peerreview_dataset_count(a); i++) {
        const peerreview_review *ra = peerreview_dataset_review_byindex(a, i);
        const peerreview_review *rb = peerreview_dataset_review_byindex(b, i);
        for (size_t c = 0; c < peerreview_column_count(PEERREVIEW_REVIEWS); c++) {
            const char *va = review_str_at(ra, c), *vb = review_str_at(rb, c);
            if (!rt_str_eq(va, vb)) {
                fprintf(stderr, "review %zu column %s: \"%.60s\" != \"%.60s\"\n", i,
                        peerreview_column_name(PEERREVIEW_REVIEWS, c), va ? va : "(null)",
                        vb ? vb : "(null)");
                fail_msg("reviews differ");
            }
        }
        for (int t = 1; t < PEERREVIEW_TABLE_COUNT; t++) {
            size_t n = peerreview_review_child_count(ra, t);
            if (n != peerreview_review_child_count(rb, t)) {
                fprintf(stderr, "review %s table %s: %zu rows != %zu rows\n",
                        review_str(ra, "review_id"), peerreview_table_name(t), n,
                        peerreview_review_child_count(rb, t));
                fail_msg("row counts differ");
            }
            const peerreview_row **xa = calloc(n + 1, sizeof *xa);
            const peerreview_row **xb = calloc(n + 1, sizeof *xb);
            assert_non_null(xa);
            assert_non_null(xb);
            rt_sorted(ra, t, xa, n);
            rt_sorted(rb, t, xb, n);
            for (size_t k = 0; k < n; k++)
                for (size_t c = 0; c < peerreview_column_count(t); c++) {
                    const char *va = row_str_at(xa[k], c);
                    const char *vb = row_str_at(xb[k], c);
                    if (!rt_str_eq(va, vb)) {
                        fprintf(stderr, "review %s %s row %zu column %s: \"%.60s\" != \"%.60s\"\n",
                                review_str(ra, "review_id"), peerreview_table_name(t), k,
                                peerreview_column_name(t, c), va ? va : "(null)",
                                vb ? vb : "(null)");
                        fail_msg("child rows differ");
                    }
                }
            free(xa);
            free(xb);
        }
    }
}

peerreview_dataset *load_ok(const char *path, const peerreview_options *o)
{
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    peerreview_dataset *ds = NULL;
    int rc = peerreview_load(path, o, d, &ds);
    if (rc != PEERREVIEW_OK) {
        fprintf(stderr, "load %s: %s\n", path, peerreview_status_name(rc));
        dump_diag(d);
    }
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_non_null(ds);
    assert_int_equal(peerreview_diag_errors(d), 0);
    peerreview_diag_free(d);
    return ds;
}

void save_ok(const peerreview_dataset *ds, const char *path, const peerreview_options *o)
{
    peerreview_diag *d = peerreview_diag_new();
    assert_non_null(d);
    int rc = peerreview_save(ds, path, o, d);
    if (rc != PEERREVIEW_OK) {
        fprintf(stderr, "save %s: %s\n", path, peerreview_status_name(rc));
        dump_diag(d);
    }
    assert_int_equal(rc, PEERREVIEW_OK);
    assert_int_equal(peerreview_diag_count(d), 0);
    peerreview_diag_free(d);
}

/* ---- string values through the checked getters ---- */

static const char *checked_value(peerreview_status st, const char *value, const char *what,
                                 const char *column, size_t index)
{
    if (st == PEERREVIEW_OK)
        return value;
    if (st == PEERREVIEW_ENOTFOUND)
        return NULL;
    if (column)
        fail_msg("%s: column \"%s\": %s", what, column, peerreview_strerror(st));
    else
        fail_msg("%s: column %zu: %s", what, index, peerreview_strerror(st));
    return NULL;
}

const char *review_str(const peerreview_review *review, const char *column)
{
    const char *v = NULL;
    peerreview_status st = peerreview_review_get_byname(review, column, &v);
    return checked_value(st, v, "peerreview_review_get_byname", column, 0);
}

const char *review_str_at(const peerreview_review *review, size_t column)
{
    const char *v = NULL;
    peerreview_status st = peerreview_review_get_byindex(review, column, &v);
    return checked_value(st, v, "peerreview_review_get_byindex", NULL, column);
}

const char *row_str(const peerreview_row *row, const char *column)
{
    const char *v = NULL;
    peerreview_status st = peerreview_row_get_byname(row, column, &v);
    return checked_value(st, v, "peerreview_row_get_byname", column, 0);
}

const char *row_str_at(const peerreview_row *row, size_t column)
{
    const char *v = NULL;
    peerreview_status st = peerreview_row_get_byindex(row, column, &v);
    return checked_value(st, v, "peerreview_row_get_byindex", NULL, column);
}

const char *reader_str_at(const peerreview_reader *reader, size_t column)
{
    const char *v = NULL;
    peerreview_status st = peerreview_reader_get_byindex(reader, column, &v);
    return checked_value(st, v, "peerreview_reader_get_byindex", NULL, column);
}

peerreview_status review_get_status(const peerreview_review *review, const char *column)
{
    const char *v = "unset";
    peerreview_status st = peerreview_review_get_byname(review, column, &v);
    if (st != PEERREVIEW_OK)
        assert_null(v);
    return st;
}

peerreview_status row_get_status(const peerreview_row *row, const char *column)
{
    const char *v = "unset";
    peerreview_status st = peerreview_row_get_byname(row, column, &v);
    if (st != PEERREVIEW_OK)
        assert_null(v);
    return st;
}
