/*
 * Writing datapackage.json: a Frictionless Tabular Data Package (v1) whose
 * claims match the bytes the library writes. The parts that describe our
 * files (profile, the format version "peerreview:format", the six
 * resources' name, path, format, encoding, dialect and schema) are generated from the schema table
 * on every save; every other property of the descriptor the dataset was loaded from (licenses,
 * contributors, keywords, resource and field titles, ...) is written back
 * unchanged, in its place. doc/interop.md lists which is which.
 *
 * Layout: an object's generated members come first in a fixed order, then
 * the kept ones in the order they had, then the big generated member
 * (resources, schema, fields or constraints), so that a descriptor read and
 * saved again is the same bytes.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "descriptor-write.h"
#include "format-version.h"
#include "json.h"
#include "schema.h"

/* Members each level generates (or drops: they would describe the old file). */
static const char *const package_ours[] = {"name",        "title",     "description", "profile",
                                           PR_FORMAT_KEY, "resources", NULL};
static const char *const resource_ours[] = {
    "name",   "path",  "profile", "format", "mediatype",   "encoding", "dialect",
    "schema", "bytes", "hash",    "data",   "compression", NULL};
static const char *const schema_ours[] = {"primaryKey", "missingValues", "foreignKeys", "fields",
                                          NULL};
static const char *const field_ours[] = {"name", "type", "format", "constraints", NULL};

static void kstr(pr_jw *w, const char *k, const char *v)
{
    pr_jw_key(w, k, strlen(k));
    pr_jw_str(w, v, strlen(v));
}

static void kraw(pr_jw *w, const char *k, const char *v)
{
    pr_jw_key(w, k, strlen(k));
    pr_jw_raw(w, v);
}

static void strlist(pr_jw *w, const char *k, const char *const *v, size_t n)
{
    pr_jw_key(w, k, strlen(k));
    pr_jw_open(w, '[');
    for (size_t i = 0; i < n && v[i]; i++) {
        pr_jw_item(w);
        pr_jw_str(w, v[i], strlen(v[i]));
    }
    pr_jw_close(w, ']');
}

/* The kept members of a user's object: all but ours (and but "description" if we write one). */
static void kept(pr_jw *w, const pr_json *user, const char *const *ours, int own_description)
{
    for (size_t i = 0; user && user->kind == PR_JSON_OBJECT && i < user->n; i++) {
        const pr_json *m = user->v[i];
        if (pr_json_key_in(m, ours))
            continue;
        if (own_description && m->keylen == 11 && memcmp(m->key, "description", 11) == 0)
            continue;
        pr_jw_member(w, m);
    }
}

/* The user's field of this name in a resource's schema, or NULL. */
static const pr_json *user_field(const pr_json *user_resource, const char *name)
{
    const pr_json *fields = pr_json_get(pr_json_get(user_resource, "schema"), "fields");
    for (size_t i = 0; fields && fields->kind == PR_JSON_ARRAY && i < fields->n; i++)
        if (pr_json_is(pr_json_get(fields->v[i], "name"), name))
            return fields->v[i];
    return NULL;
}

static void field(pr_jw *w, const pr_column *c, const pr_json *user)
{
    pr_jw_item(w);
    pr_jw_open(w, '{');
    kstr(w, "name", c->name);
    kstr(w, "type", c->type == PEERREVIEW_TYPE_INTEGER ? "integer" : "string");
    if (c->type == PEERREVIEW_TYPE_URL)
        kstr(w, "format", "uri"); /* Table Schema puts format on the field */
    if (c->description)
        kstr(w, "description", c->description);
    kept(w, user, field_ours, c->description != NULL);
    int any = (c->flags & (PR_REQUIRED | PR_UNIQUE | PR_NONEMPTY)) || c->pattern || c->enums ||
              c->type == PEERREVIEW_TYPE_INTEGER;
    if (any) {
        pr_jw_key(w, "constraints", 11);
        pr_jw_open(w, '{');
        if (c->flags & PR_REQUIRED)
            kraw(w, "required", "true");
        if (c->flags & PR_UNIQUE)
            kraw(w, "unique", "true");
        if (c->flags & PR_NONEMPTY)
            kraw(w, "minLength", "1");
        if (c->pattern)
            kstr(w, "pattern", c->pattern->regex);
        if (c->enums)
            strlist(w, "enum", c->enums, (size_t)-1);
        char num[24];
        if (c->type == PEERREVIEW_TYPE_INTEGER && c->min != INT64_MIN) {
            snprintf(num, sizeof num, "%lld", (long long)c->min);
            kraw(w, "minimum", num);
        }
        if (c->type == PEERREVIEW_TYPE_INTEGER) { /* int64, as the library holds them */
            snprintf(num, sizeof num, "%lld", (long long)c->max);
            kraw(w, "maximum", num);
        }
        pr_jw_close(w, '}');
    }
    pr_jw_close(w, '}');
}

static void resource(pr_jw *w, int table, const pr_json *user, int safe)
{
    const pr_table *t = &pr_tables[table];
    pr_jw_item(w);
    pr_jw_open(w, '{');
    kstr(w, "name", t->name);
    kstr(w, "path", t->file);
    kstr(w, "profile", "tabular-data-resource");
    kstr(w, "format", "csv");
    kstr(w, "mediatype", "text/csv");
    /* spreadsheet-safe files start with a byte order mark */
    kstr(w, "encoding", safe ? "utf-8-sig" : "utf-8");
    pr_jw_key(w, "dialect", 7);
    pr_jw_open(w, '{');
    kstr(w, "delimiter", ",");
    kstr(w, "quoteChar", "\"");
    kraw(w, "doubleQuote", "true");
    kstr(w, "lineTerminator", "\r\n");
    kraw(w, "skipInitialSpace", "false");
    kraw(w, "header", "true");
    kraw(w, "caseSensitiveHeader", "true");
    pr_jw_close(w, '}');
    kept(w, user, resource_ours, 0);

    pr_jw_key(w, "schema", 6);
    pr_jw_open(w, '{');
    const char *key[3];
    for (size_t k = 0; k < t->nkey; k++)
        key[k] = t->cols[t->key[k]].name;
    strlist(w, "primaryKey", key, t->nkey);
    static const char *const missing[] = {""};
    strlist(w, "missingValues", missing, 1);
    pr_jw_key(w, "foreignKeys", 11);
    pr_jw_open(w, '[');
    for (size_t c = 0; c < t->ncols; c++) {
        if (!(t->cols[c].flags & (PR_PARENT_FK | PR_SELF_FK)))
            continue;
        static const char *const id[] = {"review_id"};
        const char *self[] = {t->cols[c].name};
        pr_jw_item(w);
        pr_jw_open(w, '{');
        strlist(w, "fields", self, 1);
        pr_jw_key(w, "reference", 9);
        pr_jw_open(w, '{');
        kstr(w, "resource", (t->cols[c].flags & PR_SELF_FK) ? "" : "reviews");
        strlist(w, "fields", id, 1);
        pr_jw_close(w, '}');
        pr_jw_close(w, '}');
    }
    pr_jw_close(w, ']');
    kept(w, pr_json_get(user, "schema"), schema_ours, 0);
    pr_jw_key(w, "fields", 6);
    pr_jw_open(w, '[');
    for (size_t c = 0; c < t->ncols; c++)
        field(w, &t->cols[c], user_field(user, t->cols[c].name));
    pr_jw_close(w, ']');
    pr_jw_close(w, '}');
    pr_jw_close(w, '}');
}

/* Is the user's resource one of ours: named as a table, or naming a table's file? */
static int resource_table(const pr_json *r, int by_path)
{
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++)
        if (pr_json_is(pr_json_get(r, by_path ? "path" : "name"),
                       by_path ? pr_tables[t].file : pr_tables[t].name))
            return t;
    return -1;
}

int pr_render_descriptor(const peerreview_dataset *ds, int safe, pr_buf *out)
{
    const pr_json *user = ds->descriptor;
    if (user && user->kind != PR_JSON_OBJECT)
        user = NULL;
    const pr_json *res = pr_json_get(user, "resources");
    size_t nres = res && res->kind == PR_JSON_ARRAY ? res->n : 0;
    /* each user resource is merged into at most one of ours: by name, else by path */
    const pr_json *mine[PEERREVIEW_TABLE_COUNT] = {NULL};
    unsigned char used[64] = {0};
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nres && i < sizeof used; i++) {
            int t = used[i] ? -1 : resource_table(res->v[i], pass);
            if (t >= 0 && !mine[t]) {
                mine[t] = res->v[i];
                used[i] = 1;
            }
        }
    pr_jw w;
    pr_jw_init(&w, out);
    pr_jw_open(&w, '{');
    kstr(&w, "name", ds->meta_name ? ds->meta_name : "peer-reviews");
    if (ds->meta_title)
        kstr(&w, "title", ds->meta_title);
    if (ds->meta_description)
        kstr(&w, "description", ds->meta_description);
    /* a Tabular Data Package has only tabular resources: a user's other
       resource (a PDF, a zip) makes it a plain Data Package */
    int tabular = 1;
    for (size_t i = 0; i < nres; i++)
        if (!(i < sizeof used && used[i]) &&
            !(pr_json_is(pr_json_get(res->v[i], "profile"), "tabular-data-resource") &&
              pr_json_get(res->v[i], "schema")))
            tabular = 0;
    kstr(&w, "profile", tabular ? "tabular-data-package" : "data-package");
    /* the format version, so that an older library refuses a newer package */
    char format[16];
    snprintf(format, sizeof format, "%d", PEERREVIEW_FORMAT_VERSION);
    kraw(&w, PR_FORMAT_KEY, format);
    kept(&w, user, package_ours, 0);
    pr_jw_key(&w, "resources", 9);
    pr_jw_open(&w, '[');
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++)
        resource(&w, t, mine[t], safe);
    /* the user's other resources, as they were: their files are the user's */
    for (size_t i = 0; i < nres; i++) {
        if (i < sizeof used && used[i])
            continue;
        pr_jw_item(&w);
        pr_jw_tree(&w, res->v[i]);
    }
    pr_jw_close(&w, ']');
    pr_jw_close(&w, '}');
    return w.fail ? -1 : 0;
}
