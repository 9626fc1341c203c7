/* A small JSON tree: strict parsing with positions, and writing (json.h). */
#include "config.h"

#include <string.h>

#include "alloc.h"
#include "json.h"
#include "value.h"

/* ---- parsing ---- */

typedef struct jp {
    const char *start, *p, *end;
    int depth, max_depth;
    pr_json_error *err;
    pr_buf s; /* scratch for decoded strings */
} jp;

static int fail(jp *j, const char *at, const char *what)
{
    if (!j->err->what && !j->err->oom) {
        j->err->what = what;
        j->err->pos = (size_t)(at - j->start);
    }
    return -1;
}

static int oom(jp *j)
{
    j->err->oom = 1;
    return -1;
}

static void ws(jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static int put_utf8(pr_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return pr_buf_add(b, u, n);
}

/* A string at j->p (at the opening quote), decoded into j->s. */
static int jstring(jp *j)
{
    pr_buf_reset(&j->s);
    if (j->p >= j->end || *j->p != '"')
        return fail(j, j->p, "expected a string in double quotes");
    j->p++;
    for (;;) {
        const char *run = j->p;
        while (j->p < j->end && *j->p != '"' && *j->p != '\\' && (unsigned char)*j->p >= 0x20)
            j->p++;
        if (j->p > run && pr_buf_add(&j->s, run, (size_t)(j->p - run)))
            return oom(j);
        if (j->p >= j->end)
            return fail(j, j->end, "a string is never closed; add the closing quote");
        if (*j->p == '"')
            break;
        if ((unsigned char)*j->p < 0x20)
            return fail(j, j->p,
                        "a control character (such as a line break) inside a string; "
                        "write it as an escape (\\n)");
        const char *esc = j->p;
        if (j->end - j->p < 2)
            return fail(j, esc, "the string ends inside an escape");
        char e = j->p[1];
        j->p += 2;
        const char *simple = e ? strchr("\"\\/bfnrt", e) : NULL;
        if (simple) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            if (pr_buf_addc(&j->s, map[simple - "\"\\/bfnrt"]))
                return oom(j);
            continue;
        }
        unsigned cp, lo;
        if (e != 'u' || j->end - j->p < 4 || hex4(j->p, &cp))
            return fail(j, esc,
                        "an invalid escape; JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r "
                        "\\t and \\uXXXX");
        j->p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' || hex4(j->p + 2, &lo) ||
                lo < 0xDC00 || lo > 0xDFFF)
                return fail(j, esc, "a \\u escape of half a character (a lone surrogate)");
            j->p += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF)
            return fail(j, esc, "a \\u escape of half a character (a lone surrogate)");
        if (put_utf8(&j->s, cp))
            return oom(j);
    }
    j->p++;
    return 0;
}

static int jnumber(jp *j)
{
    const char *s = j->p;
    if (j->p < j->end && *j->p == '-')
        j->p++;
    const char *d = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    if (j->p == d || (*d == '0' && j->p - d > 1))
        return fail(j, s,
                    "expected a value (a string, number, object, array, true, false or "
                    "null)");
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        d = j->p;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
        if (j->p == d)
            return fail(j, s, "a number needs digits after its '.'");
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        d = j->p;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
        if (j->p == d)
            return fail(j, s, "a number needs digits in its exponent");
    }
    return 0;
}

/* A node holding a copy of key and str (each may be NULL). */
static pr_json *node(pr_json_kind kind, size_t pos, const char *key, size_t keylen, size_t keypos,
                     const char *str, size_t len)
{
    size_t size = sizeof(pr_json), kofs = 0, sofs = 0;
    if (key) {
        kofs = size;
        if (pr_add_size(size, keylen + 1, &size))
            return NULL;
    }
    if (str) {
        sofs = size;
        if (pr_add_size(size, len + 1, &size))
            return NULL;
    }
    pr_json *n = pr_malloc(size);
    if (!n)
        return NULL;
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->pos = pos;
    n->keypos = keypos;
    if (key) {
        n->key = (char *)n + kofs;
        memcpy(n->key, key, keylen);
        n->key[keylen] = '\0';
        n->keylen = keylen;
    }
    if (str) {
        n->str = (char *)n + sofs;
        memcpy(n->str, str, len);
        n->str[len] = '\0';
        n->len = len;
    }
    return n;
}

static int append(pr_json *parent, pr_json *child)
{
    if (pr_grow((void **)&parent->v, &parent->cap, parent->n + 1, sizeof *parent->v))
        return -1;
    parent->v[parent->n++] = child;
    return 0;
}

/* The value at j->p; *out gets the node (carrying key, if a member). */
static int jvalue(jp *j, const char *key, size_t keylen, size_t keypos, pr_json **out)
{
    *out = NULL;
    ws(j);
    if (j->p >= j->end)
        return fail(j, j->p, "the text ends where a value is expected");
    const char *at = j->p;
    size_t pos = (size_t)(at - j->start);
    char c = *j->p;
    if (c == '"') {
        if (jstring(j))
            return -1;
        *out = node(PR_JSON_STRING, pos, key, keylen, keypos, j->s.data ? j->s.data : "", j->s.len);
        return *out ? 0 : oom(j);
    }
    if (c != '{' && c != '[') {
        static const char *const words[] = {"true", "false", "null"};
        int word = 0;
        for (int i = 0; i < 3 && !word; i++) {
            size_t n = strlen(words[i]);
            if ((size_t)(j->end - j->p) >= n && memcmp(j->p, words[i], n) == 0) {
                j->p += n;
                word = 1;
            }
        }
        if (!word && jnumber(j))
            return -1;
        *out = node(PR_JSON_SCALAR, pos, key, keylen, keypos, at, (size_t)(j->p - at));
        return *out ? 0 : oom(j);
    }
    if (++j->depth > j->max_depth)
        return fail(j, at, "nested more than 64 levels deep");
    pr_json *n = node((pr_json_kind)c, pos, key, keylen, keypos, NULL, 0);
    if (!n)
        return oom(j);
    *out = n;
    char close = c == '{' ? '}' : ']';
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return 0;
    }
    pr_buf k = PR_BUF_INIT;
    int r = 0;
    for (;;) {
        ws(j);
        pr_json *child = NULL;
        if (close == '}') {
            size_t kpos = (size_t)(j->p - j->start);
            if ((r = jstring(j)))
                break;
            pr_buf_reset(&k);
            if (j->s.len && pr_buf_add(&k, j->s.data, j->s.len)) {
                r = oom(j);
                break;
            }
            ws(j);
            if (j->p >= j->end || *j->p != ':') {
                r = fail(j, j->p, "expected ':' after a member's name");
                break;
            }
            j->p++;
            r = jvalue(j, k.data ? k.data : "", k.len, kpos, &child);
        } else {
            r = jvalue(j, NULL, 0, 0, &child);
        }
        if (child && append(n, child)) {
            pr_json_free(child);
            r = oom(j);
        }
        if (r)
            break;
        ws(j);
        if (j->p < j->end && (*j->p == ',' || *j->p == close)) {
            if (*j->p++ == close)
                break;
            continue;
        }
        r = fail(j, j->p,
                 close == '}' ? "expected ',' or '}' after an object member"
                              : "expected ',' or ']' after an array element");
        break;
    }
    pr_buf_free(&k);
    if (!r)
        j->depth--;
    return r;
}

pr_json *pr_json_parse(const char *text, size_t len, int max_depth, pr_json_error *err)
{
    memset(err, 0, sizeof *err);
    jp j = {text, text, text + len, 0, max_depth, err, PR_BUF_INIT};
    size_t valid = pr_utf8_prefix(text, len);
    if (valid != len) {
        fail(&j, text + valid,
             "the file is not valid UTF-8 here; save it as UTF-8 (JSON files must be)");
        return NULL;
    }
    ws(&j);
    if (j.p >= j.end) {
        fail(&j, j.p, "the file is empty; it needs one JSON object, {...}");
        return NULL;
    }
    pr_json *root = NULL;
    int r = jvalue(&j, NULL, 0, 0, &root);
    if (!r) {
        ws(&j);
        if (j.p != j.end)
            r = fail(&j, j.p, "text after the end of the JSON value; remove it");
    }
    pr_buf_free(&j.s);
    if (r) {
        pr_json_free(root);
        return NULL;
    }
    return root;
}

void pr_json_free(pr_json *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++)
        pr_json_free(j->v[i]);
    pr_free(j->v);
    pr_free(j);
}

const pr_json *pr_json_get(const pr_json *o, const char *key)
{
    if (!o || o->kind != PR_JSON_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < o->n; i++)
        if (o->v[i]->keylen == n && memcmp(o->v[i]->key, key, n) == 0)
            return o->v[i];
    return NULL;
}

int pr_json_is(const pr_json *j, const char *s)
{
    return j && j->kind == PR_JSON_STRING && j->len == strlen(s) && memcmp(j->str, s, j->len) == 0;
}

int pr_json_key_in(const pr_json *m, const char *const *names)
{
    for (size_t i = 0; m->key && names[i]; i++)
        if (m->keylen == strlen(names[i]) && memcmp(m->key, names[i], m->keylen) == 0)
            return 1;
    return 0;
}

/* ---- writing ---- */

void pr_jw_init(pr_jw *w, pr_buf *b)
{
    memset(w, 0, sizeof *w);
    w->b = b;
}

static void indent(pr_jw *w)
{
    w->fail |= pr_buf_addc(w->b, '\n');
    for (int i = 0; i < w->depth; i++)
        w->fail |= pr_buf_addc(w->b, ' ');
}

void pr_jw_item(pr_jw *w)
{
    if (w->depth == 0)
        return;
    if (!w->first[w->depth])
        w->fail |= pr_buf_addc(w->b, ',');
    w->first[w->depth] = 0;
    indent(w);
}

void pr_jw_key(pr_jw *w, const char *key, size_t len)
{
    pr_jw_item(w);
    w->fail |= pr_buf_json(w->b, key, len);
    w->fail |= pr_buf_adds(w->b, ": ");
}

void pr_jw_open(pr_jw *w, char c)
{
    w->fail |= pr_buf_addc(w->b, c);
    if (w->depth + 1 >= (int)sizeof w->first) {
        w->fail = 1;
        return;
    }
    w->depth++;
    w->first[w->depth] = 1;
}

void pr_jw_close(pr_jw *w, char c)
{
    if (w->depth == 0) {
        w->fail = 1;
        return;
    }
    int empty = w->first[w->depth];
    w->depth--;
    if (!empty)
        indent(w);
    w->fail |= pr_buf_addc(w->b, c);
}

void pr_jw_str(pr_jw *w, const char *s, size_t len)
{
    w->fail |= pr_buf_json(w->b, s, len);
}

void pr_jw_raw(pr_jw *w, const char *s)
{
    w->fail |= pr_buf_adds(w->b, s);
}

void pr_jw_tree(pr_jw *w, const pr_json *j)
{
    switch (j->kind) {
    case PR_JSON_STRING:
        pr_jw_str(w, j->str, j->len);
        return;
    case PR_JSON_SCALAR:
        pr_jw_raw(w, j->str);
        return;
    default:
        pr_jw_open(w, (char)j->kind);
        for (size_t i = 0; i < j->n && !w->fail; i++) {
            if (j->kind == PR_JSON_OBJECT)
                pr_jw_member(w, j->v[i]);
            else {
                pr_jw_item(w);
                pr_jw_tree(w, j->v[i]);
            }
        }
        pr_jw_close(w, j->kind == PR_JSON_OBJECT ? '}' : ']');
    }
}

void pr_jw_member(pr_jw *w, const pr_json *m)
{
    pr_jw_key(w, m->key ? m->key : "", m->keylen);
    pr_jw_tree(w, m);
}
