/*
 * A small JSON tree for datapackage.json: strict RFC 8259 parsing of UTF-8
 * text with the byte position of every value (for messages), and a writer
 * laid out as Python's json.dump(indent=1). Member order is kept, so a
 * descriptor read and written back keeps the user's order.
 */
#ifndef PR_JSON_H
#define PR_JSON_H

#include <stddef.h>

#include "buf.h"

typedef enum pr_json_kind {
    PR_JSON_OBJECT = '{',
    PR_JSON_ARRAY = '[',
    PR_JSON_STRING = '"',
    PR_JSON_SCALAR = '0' /* a number, true, false or null: str is its source text */
} pr_json_kind;

typedef struct pr_json pr_json;
struct pr_json {
    pr_json_kind kind;
    size_t pos;    /* byte offset of the value in the parsed text */
    size_t keypos; /* a member's: byte offset of its key */
    char *key;     /* a member's decoded key (may hold NUL), else NULL */
    size_t keylen;
    char *str; /* strings: decoded (may hold NUL); scalars: source text */
    size_t len;
    pr_json **v; /* elements or members, in order */
    size_t n, cap;
};

/* A parse failure: what is wrong and where (byte offset). */
typedef struct pr_json_error {
    const char *what;
    size_t pos;
    int oom;
} pr_json_error;

/*
 * Parse text[0..len) (UTF-8, one value, at most max_depth levels deep).
 * Returns the tree, or NULL with *err filled in.
 */
pr_json *pr_json_parse(const char *text, size_t len, int max_depth, pr_json_error *err);
void pr_json_free(pr_json *j);

/* The first member of object o named key, or NULL. */
const pr_json *pr_json_get(const pr_json *o, const char *key);
/* 1 if j is a string equal to s. */
int pr_json_is(const pr_json *j, const char *s);
/* 1 if the member's key is one of the NULL-terminated names. */
int pr_json_key_in(const pr_json *member, const char *const *names);

/* ---- writing, laid out as json.dump(indent=1) ---- */

typedef struct pr_jw {
    pr_buf *b;
    int depth;
    unsigned char first[72]; /* per open container: nothing written in it yet */
    int fail;
} pr_jw;

void pr_jw_init(pr_jw *w, pr_buf *b);
/* A member's key (in an object) ... */
void pr_jw_key(pr_jw *w, const char *key, size_t len);
/* ... or the start of an array element, then one value: */
void pr_jw_item(pr_jw *w);
void pr_jw_open(pr_jw *w, char c); /* '{' or '[' */
void pr_jw_close(pr_jw *w, char c);
void pr_jw_str(pr_jw *w, const char *s, size_t len);
void pr_jw_raw(pr_jw *w, const char *s); /* a number or literal as is */
/* A whole tree (its key, if a member, is not written). */
void pr_jw_tree(pr_jw *w, const pr_json *j);
/* A member as it was: key and value. */
void pr_jw_member(pr_jw *w, const pr_json *m);

#endif
