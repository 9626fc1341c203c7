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
    static const char *files[] = {"reviews.csv", "review_councils.csv", "team_members.csv",
                                  "items.csv", "considerations.csv", "sources.csv",
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
        case '"': b[n++] = '"'; break;
        case '\\': b[n++] = '\\'; break;
        case '/': b[n++] = '/'; break;
        case 'b': b[n++] = '\b'; break;
        case 'f': b[n++] = '\f'; break;
        case 'n': b[n++] = '\n'; break;
        case 'r': b[n++] = '\r'; break;
        case 't': b[n++] = '\t'; break;
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
