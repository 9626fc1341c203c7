/*
 * gen-format: write doc/format.md from its template doc/format.md.in, the
 * library's schema and one example problem for each problem code.
 *
 *   gen-format TEMPLATE EXAMPLES >format.md
 *
 * Everything it says about the tables, columns and codes comes from the
 * library through its public API, so that the document cannot drift from
 * the code: names, types, required columns, descriptions and allowed values
 * from the peerreview_schema_* functions; patterns, integer bounds, unique
 * columns and references from the datapackage.json a save of an empty
 * dataset writes; which authority type each GSS prefix means and which
 * region name each region code means by validating councils; the exact
 * header lines and an example package and flat file from peerreview_render.
 *
 * EXAMPLES has one line per example problem, CODE<TAB>CASE<TAB>PROBLEM, as
 * tests/test-cases --examples prints them from the case corpus tests/cases.
 *
 * The template is Markdown with numbered headings ("## 4", "### 4.2", ...),
 * whose numbering is checked, as is every "§N.M" that refers to one. Lines
 * that are a marker "@@NAME ARGUMENT@@" are replaced:
 *
 *   @@TABLES@@             the tables: file, key, flat-form list column
 *   @@COLUMNS TABLE@@      the columns of one table (each table exactly once)
 *   @@REFERENCES@@         the columns that name a review
 *   @@INTEGERS@@           the integer columns and their bounds
 *   @@CODE-PATTERNS@@      the patterns of the code columns
 *   @@DATE-PATTERN@@       the pattern datapackage.json gives date columns
 *   @@URL-PATTERN@@        ... and url columns
 *   @@AUTHORITIES@@        GSS code prefix -> authority_type
 *   @@REGIONS@@            region_gss -> region_name
 *   @@FLAT-COLUMNS@@       the list columns of the flat form
 *   @@HEADERS@@            the header line of each table file
 *   @@EXAMPLE-DATASET@@    one review as the six files and as a flat file
 *   @@CODE-INDEX@@         every code with the section that describes it
 *   @@EXAMPLE CODE@@       the example problem of CODE
 *   @@UNREACHABLE CODE: WHY@@  CODE has no example: input cannot cause it
 *
 * Every code of the library needs exactly one EXAMPLE or UNREACHABLE marker,
 * in code order; an EXAMPLE needs an example and an UNREACHABLE must not
 * have one. In any line, @FORMAT@ is the format version, @NCODES@ the number
 * of codes and @NTABLES@ the number of tables. Any fault is reported with
 * its template line and makes the exit status 1.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <peerreview.h>

static const char *tpl_name = "template";
static int failed;

static void complain(unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void complain(unsigned long line, const char *fmt, ...)
{
    va_list ap;
    if (line)
        fprintf(stderr, "%s:%lu: ", tpl_name, line);
    else
        fprintf(stderr, "gen-format: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    failed = 1;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "gen-format: out of memory\n");
        exit(2);
    }
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* The whole file, NUL-terminated, or NULL (reported). */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        complain(0, "cannot open %s", path);
        return NULL;
    }
    size_t cap = 4096, n = 0, got;
    char *b = xmalloc(cap);
    while ((got = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                fclose(f);
                complain(0, "out of memory reading %s", path);
                return NULL;
            }
            b = nb;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        complain(0, "cannot read %s", path);
        return NULL;
    }
    b[n] = '\0';
    if (len)
        *len = n;
    return b;
}

/* ---- output ---- */

static void out(const char *s)
{
    fputs(s, stdout);
}

static void outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void outf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

/* Text for a Markdown table cell: a | would end the cell. */
static void cell(const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputc('\\', stdout);
        fputc(*s, stdout);
    }
}

/* `code` in a table cell. */
static void code_cell(const char *s)
{
    out("`");
    cell(s);
    out("`");
}

/* ---- a small JSON reader for the descriptor the library writes ---- */

/* Strings and scalars keep their text as written (escapes included). */
typedef struct jnode {
    char kind; /* '{', '[', '"' or '0' (number, true, false, null) */
    char *key; /* a member's key, as written */
    char *text;
    struct jnode **v;
    size_t n;
} jnode;

typedef struct jparser {
    const char *p, *end;
    int bad;
} jparser;

static void jskip(jparser *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
        j->p++;
}

/* A string's text without its quotes (escapes as written); NULL if malformed. */
static char *jstring(jparser *j)
{
    if (j->p >= j->end || *j->p != '"')
        return NULL;
    const char *s = ++j->p;
    while (j->p < j->end && *j->p != '"')
        j->p += *j->p == '\\' && j->p + 1 < j->end ? 2 : 1;
    if (j->p >= j->end)
        return NULL;
    return xstrndup(s, (size_t)(j->p++ - s));
}

static void jfree(jnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        jfree(n->v[i]);
    free(n->v);
    free(n->key);
    free(n->text);
    free(n);
}

static jnode *jvalue(jparser *j, int depth)
{
    jskip(j);
    if (j->p >= j->end || depth > 64) {
        j->bad = 1;
        return NULL;
    }
    jnode *n = xmalloc(sizeof *n);
    memset(n, 0, sizeof *n);
    char c = *j->p;
    if (c == '"') {
        n->kind = '"';
        n->text = jstring(j);
        if (!n->text)
            j->bad = 1;
        return n;
    }
    if (c != '{' && c != '[') {
        const char *s = j->p;
        while (j->p < j->end && !strchr(",]} \r\n\t", *j->p))
            j->p++;
        n->kind = '0';
        n->text = xstrndup(s, (size_t)(j->p - s));
        if (j->p == s)
            j->bad = 1;
        return n;
    }
    n->kind = c;
    char close = c == '{' ? '}' : ']';
    j->p++;
    jskip(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        return n;
    }
    size_t cap = 0;
    while (!j->bad) {
        char *key = NULL;
        if (c == '{') {
            jskip(j);
            key = jstring(j);
            jskip(j);
            if (!key || j->p >= j->end || *j->p != ':') {
                free(key);
                j->bad = 1;
                break;
            }
            j->p++;
        }
        jnode *m = jvalue(j, depth + 1);
        if (!m) {
            free(key);
            break;
        }
        m->key = key;
        if (n->n == cap) {
            cap = cap ? 2 * cap : 8;
            jnode **nv = realloc(n->v, cap * sizeof *nv);
            if (!nv) {
                jfree(m);
                j->bad = 1;
                break;
            }
            n->v = nv;
        }
        n->v[n->n++] = m;
        jskip(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            return n;
        }
        j->bad = 1;
    }
    return n;
}

static const jnode *jget(const jnode *o, const char *key)
{
    for (size_t i = 0; o && o->kind == '{' && i < o->n; i++)
        if (strcmp(o->v[i]->key, key) == 0)
            return o->v[i];
    return NULL;
}

static int jis(const jnode *n, const char *s)
{
    return n && n->kind == '"' && strcmp(n->text, s) == 0;
}

/* ---- what the library says ---- */

static const peerreview_schema *S;
static jnode *descriptor;

/* The descriptor a save of an empty dataset writes. */
static jnode *load_descriptor(void)
{
    const char *tmpdir = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/gen-format-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(dir)) {
        complain(0, "cannot make a scratch folder in %s", tmpdir && *tmpdir ? tmpdir : "/tmp");
        return NULL;
    }
    char pkg[4200], file[4500];
    snprintf(pkg, sizeof pkg, "%s/pkg", dir);
    peerreview_dataset *ds = peerreview_dataset_new();
    peerreview_diag *diag = peerreview_diag_new();
    peerreview_options *o = peerreview_options_new();
    jnode *root = NULL;
    if (!ds || !diag || !o || peerreview_options_set_form(o, PEERREVIEW_FORM_PACKAGE) ||
        peerreview_save(ds, pkg, o, diag) != PEERREVIEW_OK) {
        complain(0, "saving an empty dataset to %s failed", pkg);
    } else {
        snprintf(file, sizeof file, "%s/datapackage.json", pkg);
        char *text = read_file(file, NULL);
        if (text) {
            jparser j = {text, text + strlen(text), 0};
            root = jvalue(&j, 0);
            jskip(&j);
            if (j.bad || j.p != j.end || !root || root->kind != '{') {
                complain(0, "cannot read the datapackage.json the library wrote");
                jfree(root);
                root = NULL;
            }
            free(text);
        }
    }
    peerreview_options_free(o);
    peerreview_diag_free(diag);
    peerreview_dataset_free(ds);
    /* remove what the save wrote */
    DIR *d = opendir(pkg);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(file, sizeof file, "%s/%s", pkg, e->d_name);
        unlink(file);
    }
    if (d)
        closedir(d);
    if ((d && rmdir(pkg) != 0) || rmdir(dir) != 0)
        complain(0, "cannot remove the scratch folder %s", dir);
    return root;
}

static const jnode *resource_of(int table)
{
    const jnode *res = jget(descriptor, "resources");
    for (size_t i = 0; res && res->kind == '[' && i < res->n; i++)
        if (jis(jget(res->v[i], "name"), peerreview_schema_table_name(S, table)))
            return res->v[i];
    return NULL;
}

static const jnode *field_of(int table, size_t col)
{
    const jnode *fields = jget(jget(resource_of(table), "schema"), "fields");
    const char *name = peerreview_schema_column_name(S, table, col);
    for (size_t i = 0; fields && fields->kind == '[' && i < fields->n; i++)
        if (jis(jget(fields->v[i], "name"), name))
            return fields->v[i];
    return NULL;
}

/* A constraint of a column as the descriptor writes it (its text), or NULL. */
static const char *constraint(int table, size_t col, const char *key)
{
    const jnode *c = jget(jget(field_of(table, col), "constraints"), key);
    return c ? c->text : NULL;
}

/* The table a column refers to ("reviews"; "" for its own table), or NULL. */
static const char *reference_of(int table, size_t col)
{
    const jnode *fks = jget(jget(resource_of(table), "schema"), "foreignKeys");
    const char *name = peerreview_schema_column_name(S, table, col);
    for (size_t i = 0; fks && fks->kind == '[' && i < fks->n; i++) {
        const jnode *f = jget(fks->v[i], "fields");
        if (f && f->kind == '[' && f->n == 1 && jis(f->v[0], name)) {
            const jnode *r = jget(jget(fks->v[i], "reference"), "resource");
            return r && r->kind == '"' ? r->text : NULL;
        }
    }
    return NULL;
}

static const char *type_name(peerreview_type t)
{
    static const char *const names[] = {"text", "date", "integer", "enum", "code", "url"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

static int table_of(const char *name)
{
    int t = peerreview_schema_table_lookup(S, name);
    return t >= 0 && strcmp(peerreview_schema_table_name(S, t), name) == 0 ? t : -1;
}

/* 1 if column col is part of the table's primary key. */
static int in_key(int table, size_t col)
{
    for (size_t k = 0; k < peerreview_schema_table_key_count(S, table); k++)
        if (peerreview_schema_table_key_column(S, table, k) == (int)col)
            return 1;
    return 0;
}

/* Spreadsheet column letters of a 1-based column. */
static void letters(size_t col, char *buf)
{
    char tmp[8];
    int n = 0;
    while (col > 0 && n < 7) {
        col--;
        tmp[n++] = (char)('A' + col % 26);
        col /= 26;
    }
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
}

/* ---- generated parts ---- */

static void gen_tables(void)
{
    out("| # | table | file | columns | primary key | list column in the flat form |\n");
    out("|---|---|---|---|---|---|\n");
    for (int t = 0; (size_t)t < peerreview_schema_table_count(S); t++) {
        outf("| %d | `%s` | `%s` | %zu | ", t + 1, peerreview_schema_table_name(S, t),
             peerreview_schema_table_file(S, t), peerreview_schema_column_count(S, t));
        for (size_t k = 0; k < peerreview_schema_table_key_count(S, t); k++)
            outf("%s`%s`", k ? ", " : "",
                 peerreview_schema_column_name(
                     S, t, (size_t)peerreview_schema_table_key_column(S, t, k)));
        const char *list = peerreview_schema_table_list_name(S, t);
        if (t == 0)
            out(" | (the review's own columns) |\n");
        else if (list)
            outf(" | `%s` |\n", list);
        else
            out(" | one per kind: see §7.1 |\n");
    }
}

/* What a value of the column must be, in one table cell. */
static void rule_cell(int t, size_t c)
{
    peerreview_type type = peerreview_schema_column_type(S, t, c);
    const char *sep = "";
    if (type == PEERREVIEW_TYPE_ENUM) {
        for (size_t i = 0; i < peerreview_schema_column_enum_count(S, t, c); i++)
            outf("%s`%s`", i ? ", " : "one of ", peerreview_schema_column_enum_value(S, t, c, i));
        sep = "; ";
    } else if (type == PEERREVIEW_TYPE_CODE) {
        const char *p = constraint(t, c, "pattern");
        if (!p)
            complain(0, "the descriptor gives %s.%s no pattern", peerreview_schema_table_name(S, t),
                     peerreview_schema_column_name(S, t, c));
        out("matches ");
        code_cell(p ? p : "?");
        sep = "; ";
    } else if (type == PEERREVIEW_TYPE_INTEGER) {
        const char *lo = constraint(t, c, "minimum"), *hi = constraint(t, c, "maximum");
        char max[32];
        snprintf(max, sizeof max, "%lld", (long long)INT64_MAX);
        if (!lo || !hi)
            complain(0, "the descriptor gives %s.%s no bounds", peerreview_schema_table_name(S, t),
                     peerreview_schema_column_name(S, t, c));
        else if (strcmp(hi, max) == 0)
            outf("%s or more", lo);
        else
            outf("%s to %s", lo, hi);
        sep = "; ";
    } else if (type == PEERREVIEW_TYPE_DATE) {
        out("`YYYY`, `YYYY-MM` or `YYYY-MM-DD`");
        sep = "; ";
    } else if (type == PEERREVIEW_TYPE_URL) {
        out("`http://` or `https://` address");
        sep = "; ";
    }
    const char *minlen = constraint(t, c, "minLength");
    if (minlen && type == PEERREVIEW_TYPE_TEXT) {
        outf("%sat least %s character%s", sep, minlen, strcmp(minlen, "1") ? "s" : "");
        sep = "; ";
    }
    const char *unique = constraint(t, c, "unique");
    if (unique && strcmp(unique, "true") == 0) {
        outf("%sunique in the dataset", sep);
        sep = "; ";
    }
    const char *ref = reference_of(t, c);
    if (ref) {
        int rt = *ref ? table_of(ref) : t;
        outf("%sa `review_id` of `%s`%s", sep, rt >= 0 ? peerreview_schema_table_file(S, rt) : ref,
             *ref ? "" : ", not this row's own");
    }
}

static void gen_columns(int t)
{
    out("| cell | column | type | required | value | description |\n");
    out("|---|---|---|---|---|---|\n");
    for (size_t c = 0; c < peerreview_schema_column_count(S, t); c++) {
        char l[8];
        letters(c + 1, l);
        const char *d = peerreview_schema_column_description(S, t, c);
        if (!field_of(t, c))
            complain(0, "the descriptor has no field %s.%s", peerreview_schema_table_name(S, t),
                     peerreview_schema_column_name(S, t, c));
        outf("| %s | `%s` | %s | %s | ", l, peerreview_schema_column_name(S, t, c),
             type_name(peerreview_schema_column_type(S, t, c)),
             peerreview_schema_column_required(S, t, c) ? "yes" : "");
        rule_cell(t, c);
        out(" | ");
        cell(d ? d : "");
        out(" |\n");
    }
}

static void gen_references(void)
{
    out("| table | column | names a `review_id` of |\n|---|---|---|\n");
    for (int t = 0; (size_t)t < peerreview_schema_table_count(S); t++)
        for (size_t c = 0; c < peerreview_schema_column_count(S, t); c++) {
            const char *ref = reference_of(t, c);
            if (!ref)
                continue;
            int rt = *ref ? table_of(ref) : t;
            outf("| `%s` | `%s` | `%s`%s |\n", peerreview_schema_table_file(S, t),
                 peerreview_schema_column_name(S, t, c),
                 rt >= 0 ? peerreview_schema_table_file(S, rt) : ref,
                 *ref ? "" : " (another review)");
        }
}

static void gen_integers(void)
{
    out("| table | column | smallest | largest |\n|---|---|---|---|\n");
    for (int t = 0; (size_t)t < peerreview_schema_table_count(S); t++)
        for (size_t c = 0; c < peerreview_schema_column_count(S, t); c++) {
            if (peerreview_schema_column_type(S, t, c) != PEERREVIEW_TYPE_INTEGER)
                continue;
            const char *lo = constraint(t, c, "minimum"), *hi = constraint(t, c, "maximum");
            outf("| `%s` | `%s` | %s | %s |\n", peerreview_schema_table_file(S, t),
                 peerreview_schema_column_name(S, t, c), lo ? lo : "?", hi ? hi : "?");
        }
}

static void gen_code_patterns(void)
{
    out("| pattern | columns |\n|---|---|\n");
    const char *done[64];
    size_t ndone = 0;
    for (int t = 0; (size_t)t < peerreview_schema_table_count(S); t++)
        for (size_t c = 0; c < peerreview_schema_column_count(S, t); c++) {
            const char *p = constraint(t, c, "pattern");
            if (peerreview_schema_column_type(S, t, c) != PEERREVIEW_TYPE_CODE || !p)
                continue;
            int seen = 0;
            for (size_t k = 0; k < ndone; k++)
                seen |= strcmp(done[k], p) == 0;
            if (seen || ndone == 64)
                continue;
            done[ndone++] = p;
            out("| ");
            code_cell(p);
            out(" | ");
            int first = 1;
            for (int t2 = 0; (size_t)t2 < peerreview_schema_table_count(S); t2++)
                for (size_t c2 = 0; c2 < peerreview_schema_column_count(S, t2); c2++) {
                    const char *p2 = constraint(t2, c2, "pattern");
                    if (peerreview_schema_column_type(S, t2, c2) != PEERREVIEW_TYPE_CODE || !p2 ||
                        strcmp(p, p2) != 0)
                        continue;
                    outf("%s`%s.%s`", first ? "" : ", ", peerreview_schema_table_name(S, t2),
                         peerreview_schema_column_name(S, t2, c2));
                    first = 0;
                }
            out(" |\n");
        }
}

/* The one pattern every column of a type has in the descriptor, as written there. */
static void gen_type_pattern(peerreview_type type)
{
    const char *p = NULL;
    for (int t = 0; (size_t)t < peerreview_schema_table_count(S); t++)
        for (size_t c = 0; c < peerreview_schema_column_count(S, t); c++) {
            if (peerreview_schema_column_type(S, t, c) != type)
                continue;
            const char *q = constraint(t, c, "pattern");
            if (!q || (p && strcmp(p, q) != 0))
                complain(0, "the %s columns do not all have one pattern", type_name(type));
            else
                p = q;
        }
    outf("```\n\"pattern\": \"%s\"\n```\n", p ? p : "?");
}

/* ---- rules found by validating councils ---- */

typedef struct probe {
    peerreview_dataset *ds;
    peerreview_row *council;
    peerreview_diag *diag;
    int t;
} probe;

static int set_review(peerreview_review *r, const char *col, const char *v, peerreview_diag *d)
{
    return peerreview_review_set_byname(r, col, v, d) != PEERREVIEW_OK;
}

/* A dataset of one review with one council, to validate combinations on. */
static int probe_open(probe *p)
{
    memset(p, 0, sizeof *p);
    p->t = table_of("review_councils");
    int rt = table_of("reviews");
    p->ds = peerreview_dataset_new();
    p->diag = peerreview_diag_new();
    peerreview_review *r = peerreview_review_new();
    peerreview_row *row = NULL;
    if (!p->ds || !p->diag || !r || p->t < 0 || rt < 0 ||
        set_review(r, "review_id", "probe", p->diag) ||
        set_review(r, "review_type",
                   peerreview_schema_column_enum_value(
                       S, rt, (size_t)peerreview_schema_column_index(S, rt, "review_type"), 0),
                   p->diag) ||
        set_review(r, "stage", "initial", p->diag) ||
        set_review(r, "onsite_start", "2015", p->diag) ||
        peerreview_review_add_child(r, p->t, &row) != PEERREVIEW_OK ||
        peerreview_row_set_byname(row, "council_name", "Probe Council", p->diag) ||
        peerreview_dataset_add(p->ds, r, p->diag) != PEERREVIEW_OK) {
        peerreview_review_free(r);
        complain(0, "cannot build a dataset to validate councils on");
        return -1;
    }
    p->council = peerreview_review_child_byindex_mut(
        peerreview_dataset_review_byindex_mut(p->ds, 0), p->t, 0);
    return 0;
}

static void probe_close(probe *p)
{
    peerreview_dataset_free(p->ds);
    peerreview_diag_free(p->diag);
}

/* 1 if the council with these values breaks a rule about field (inconsistent). */
static int probe_inconsistent(probe *p, const char *const *cols, const char *const *vals, size_t n,
                              const char *field)
{
    static const char *const all[] = {"gss_code", "authority_type", "region_gss", "region_name",
                                      "dfe_la_code"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const char *v = NULL;
        for (size_t k = 0; k < n; k++)
            if (strcmp(cols[k], all[i]) == 0)
                v = vals[k];
        if (strcmp(all[i], "authority_type") == 0 && !v)
            v = peerreview_schema_column_enum_value(
                S, p->t, (size_t)peerreview_schema_column_index(S, p->t, "authority_type"), 0);
        peerreview_diag_clear(p->diag);
        if (peerreview_row_set_byname(p->council, all[i], v, p->diag) != PEERREVIEW_OK) {
            complain(0, "cannot set %s to %s", all[i], v ? v : "(empty)");
            return 0;
        }
    }
    peerreview_diag_clear(p->diag);
    peerreview_dataset_validate(p->ds, NULL, p->diag);
    for (size_t i = 0; i < peerreview_diag_count(p->diag); i++) {
        const peerreview_problem *q = peerreview_diag_get(p->diag, i);
        const char *f = peerreview_problem_field(q);
        if (peerreview_problem_code(q) == PEERREVIEW_P_INCONSISTENT && f && strcmp(f, field) == 0)
            return 1;
    }
    return 0;
}

/* The values of column col that check_value accepts among prefix + two digits + suffix. */
static size_t probe_codes(int t, size_t col, const char *prefixes, const char *fmt, char out_[][16],
                          size_t max)
{
    size_t n = 0;
    for (const char *l = prefixes; *l; l++)
        for (int k = 0; k < 100 && n < max; k++) {
            char v[16];
            if (strcmp(fmt, "region") == 0)
                snprintf(v, sizeof v, "%c12000%03d", *l, k);
            else
                snprintf(v, sizeof v, "%c%02d000001", *l, k);
            if (peerreview_check_value(t, col, v, NULL) == PEERREVIEW_OK)
                memcpy(out_[n++], v, strlen(v) + 1);
        }
    return n;
}

static void gen_authorities(void)
{
    probe p;
    if (probe_open(&p))
        return;
    size_t gcol = (size_t)peerreview_schema_column_index(S, p.t, "gss_code");
    size_t acol = (size_t)peerreview_schema_column_index(S, p.t, "authority_type");
    char codes[64][16];
    size_t n = probe_codes(p.t, gcol, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "gss", codes, 64);
    if (n == 0)
        complain(0, "no gss_code prefix found");
    out("| `gss_code` starts with | `authority_type` must be |\n|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        outf("| `%.3s` | ", codes[i]);
        size_t agree = 0, na = peerreview_schema_column_enum_count(S, p.t, acol);
        for (size_t a = 0; a < na; a++) {
            const char *av = peerreview_schema_column_enum_value(S, p.t, acol, a);
            const char *cols[] = {"gss_code", "authority_type"};
            const char *vals[] = {codes[i], av};
            if (!probe_inconsistent(&p, cols, vals, 2, "authority_type"))
                outf("%s`%s`", agree++ ? ", " : "", av);
        }
        if (agree == 0 || agree == na)
            complain(0, "gss_code prefix %.3s: %zu authority types agree", codes[i], agree);
        out(" |\n");
    }
    probe_close(&p);
}

static void gen_regions(void)
{
    probe p;
    if (probe_open(&p))
        return;
    size_t gcol = (size_t)peerreview_schema_column_index(S, p.t, "region_gss");
    size_t ncol = (size_t)peerreview_schema_column_index(S, p.t, "region_name");
    char codes[64][16];
    size_t n = probe_codes(p.t, gcol, "E", "region", codes, 64);
    if (n == 0)
        complain(0, "no region code found");
    out("| `region_gss` | `region_name` must be |\n|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        outf("| `%s` | ", codes[i]);
        size_t agree = 0, nn = peerreview_schema_column_enum_count(S, p.t, ncol);
        for (size_t k = 0; k < nn; k++) {
            const char *nv = peerreview_schema_column_enum_value(S, p.t, ncol, k);
            const char *cols[] = {"region_gss", "region_name"};
            const char *vals[] = {codes[i], nv};
            if (!probe_inconsistent(&p, cols, vals, 2, "region_name"))
                outf("%s`%s`", agree++ ? ", " : "", nv);
        }
        if (agree != 1)
            complain(0, "region %s: %zu region names agree", codes[i], agree);
        out(" |\n");
    }
    probe_close(&p);
}

/* ---- the flat form and canonical bytes ---- */

/* What peerreview_render makes of ds (table -1: flat), or NULL (reported). */
static char *render(const peerreview_dataset *ds, int table, size_t *len)
{
    char *s = NULL;
    peerreview_diag *d = peerreview_diag_new();
    if (!d || peerreview_render(ds, table, NULL, d, &s, len) != PEERREVIEW_OK) {
        complain(0, "peerreview_render of table %d failed", table);
        s = NULL;
    }
    peerreview_diag_free(d);
    return s;
}

/* The item kinds: the allowed values of the enum column in items' key. */
static int kind_column(int t)
{
    for (size_t k = 0; k < peerreview_schema_table_key_count(S, t); k++) {
        int c = peerreview_schema_table_key_column(S, t, k);
        if (peerreview_schema_column_type(S, t, (size_t)c) == PEERREVIEW_TYPE_ENUM)
            return c;
    }
    return -1;
}

static void gen_flat_columns(void)
{
    char header[4096] = "";
    size_t nrev = peerreview_schema_column_count(S, 0);
    for (size_t c = 0; c < nrev; c++)
        snprintf(header + strlen(header), sizeof header - strlen(header), "%s%s", c ? "," : "",
                 peerreview_schema_column_name(S, 0, c));
    out("| column | rows of | each line holds |\n|---|---|---|\n");
    outf("| `%s` … `%s` (%zu columns) | `%s` | (one value per cell, as in `%s`) |\n",
         peerreview_schema_column_name(S, 0, 0), peerreview_schema_column_name(S, 0, nrev - 1),
         nrev, peerreview_schema_table_file(S, 0), peerreview_schema_table_file(S, 0));
    for (int t = 1; (size_t)t < peerreview_schema_table_count(S); t++) {
        const char *list = peerreview_schema_table_list_name(S, t);
        int kc = list ? -1 : kind_column(t);
        size_t nlists = list      ? 1
                        : kc >= 0 ? peerreview_schema_column_enum_count(S, t, (size_t)kc)
                                  : 0;
        if (!list && kc < 0)
            complain(0, "table %s has neither a list name nor a kind",
                     peerreview_schema_table_name(S, t));
        for (size_t i = 0; i < nlists; i++) {
            const char *name =
                list ? list : peerreview_schema_column_enum_value(S, t, (size_t)kc, i);
            snprintf(header + strlen(header), sizeof header - strlen(header), ",%s", name);
            outf("| `%s` | `%s`", name, peerreview_schema_table_file(S, t));
            if (!list)
                outf(", `%s` `%s`", peerreview_schema_column_name(S, t, (size_t)kc), name);
            out(" | ");
            int first = 1;
            for (size_t c = 0; c < peerreview_schema_column_count(S, t); c++) {
                if (in_key(t, c))
                    continue;
                outf("%s%s", first ? "`" : " \\| ", peerreview_schema_column_name(S, t, c));
                first = 0;
            }
            out(first ? " |\n" : "` |\n");
        }
    }
    /* the library's own flat header must be exactly this */
    strcat(header, "\r\n");
    peerreview_dataset *ds = peerreview_dataset_new();
    size_t len;
    char *h = ds ? render(ds, -1, &len) : NULL;
    if (h && strcmp(h, header) != 0)
        complain(0,
                 "the flat header the library writes is not the one derived from the schema:\n"
                 "  library: %s  schema:  %s",
                 h, header);
    free(h);
    peerreview_dataset_free(ds);
}

static void print_rendered(const char *s)
{
    out("```\n");
    for (; *s; s++)
        if (!(*s == '\r' && s[1] == '\n'))
            fputc(*s, stdout);
    out("```\n");
}

static void gen_headers(void)
{
    peerreview_dataset *ds = peerreview_dataset_new();
    for (int t = 0; ds && (size_t)t < peerreview_schema_table_count(S); t++) {
        size_t len;
        char *h = render(ds, t, &len);
        if (!h)
            continue;
        outf("%s`%s`:\n\n", t ? "\n" : "", peerreview_schema_table_file(S, t));
        print_rendered(h);
        free(h);
    }
    peerreview_dataset_free(ds);
}

/* One review of the sample, shortened, with a row in most child tables. */
static const char *const example_review[] = {"review_id",
                                             "e10000031-cpc-2014-09",
                                             "review_type",
                                             "corporate",
                                             "review_type_label",
                                             "Corporate Peer Challenge",
                                             "stage",
                                             "initial",
                                             "provider",
                                             "LGA",
                                             "onsite_start",
                                             "2014-09-09",
                                             "onsite_end",
                                             "2014-09-12",
                                             "report_date",
                                             "2014-10",
                                             "team_size",
                                             "9",
                                             "notes",
                                             "Feedback letter, released after an FOI request",
                                             NULL};
static const char *const example_rows[][16] = {
    {"review_councils", "gss_code", "E10000031", "council_name", "Warwickshire County Council",
     "authority_type", "county", "region_gss", "E12000005", "region_name", "West Midlands",
     "dfe_la_code", "937", NULL},
    {"team_members", "name", "Tony McArdle", "role", "officer_peer", "job_title", "Chief Executive",
     "organisation", "Lincolnshire County Council", NULL},
    {"team_members", "name", "Keith Glazier", "role", "member_peer", "job_title", "Leader",
     "organisation", "East Sussex County Council", NULL},
    {"items", "kind", "focus", "text", "Understanding of the local place and priority setting",
     NULL},
    {"items", "kind", "focus", "text", "Financial planning and viability", NULL},
    {"items", "kind", "strength", "text", "A \"one council\" approach, shared by members and staff",
     NULL},
    {"sources", "url", "https://www.whatdotheyknow.com/request/256870", "description",
     "Final feedback letter (FOI release)", NULL},
};

static void gen_example_dataset(void)
{
    peerreview_dataset *ds = peerreview_dataset_new();
    peerreview_review *r = peerreview_review_new();
    peerreview_diag *d = peerreview_diag_new();
    int bad = !ds || !r || !d;
    for (size_t i = 0; !bad && example_review[i]; i += 2)
        bad = set_review(r, example_review[i], example_review[i + 1], d);
    for (size_t k = 0; !bad && k < sizeof example_rows / sizeof example_rows[0]; k++) {
        peerreview_row *row;
        int t = table_of(example_rows[k][0]);
        bad = t < 0 || peerreview_review_add_child(r, t, &row) != PEERREVIEW_OK;
        for (size_t i = 1; !bad && example_rows[k][i]; i += 2)
            bad = peerreview_row_set_byname(row, example_rows[k][i], example_rows[k][i + 1], d) !=
                  PEERREVIEW_OK;
    }
    if (!bad) {
        bad = peerreview_dataset_add(ds, r, d) != PEERREVIEW_OK;
        if (!bad)
            r = NULL;
    }
    if (!bad) {
        peerreview_diag_clear(d);
        bad = peerreview_dataset_validate(ds, NULL, d) != PEERREVIEW_OK ||
              peerreview_diag_count(d) != 0;
    }
    if (bad)
        complain(0, "the example review cannot be built, or it is not valid");
    for (int t = 0; !bad && (size_t)t < peerreview_schema_table_count(S); t++) {
        size_t len;
        char *s = render(ds, t, &len);
        if (!s)
            continue;
        outf("`%s`:\n\n", peerreview_schema_table_file(S, t));
        print_rendered(s);
        out("\n");
        free(s);
    }
    size_t len;
    char *s = bad ? NULL : render(ds, -1, &len);
    if (s) {
        out("The same review in the flat form (§7), one file:\n\n");
        print_rendered(s);
        free(s);
    }
    peerreview_review_free(r);
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);
}

/* ---- examples ---- */

typedef struct example {
    char *name; /* the case */
    char *line; /* the problem as printed */
} example;

static example *examples; /* by code */
static size_t ncodes;

static void load_examples(const char *path)
{
    char *text = read_file(path, NULL);
    if (!text)
        return;
    unsigned long lineno = 0;
    for (char *p = text, *nl; *p; p = nl ? nl + 1 : p + strlen(p)) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        if (!*p)
            continue;
        char *t1 = strchr(p, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2) {
            fprintf(stderr, "%s:%lu: not CODE<TAB>CASE<TAB>PROBLEM\n", path, lineno);
            failed = 1;
            continue;
        }
        *t1 = *t2 = '\0';
        int code = peerreview_code_lookup(p);
        if (code < 0) {
            fprintf(stderr, "%s:%lu: no such problem code: %s\n", path, lineno, p);
            failed = 1;
            continue;
        }
        char tag[64];
        snprintf(tag, sizeof tag, "[%s]", p);
        if (!strstr(t2 + 1, tag)) {
            fprintf(stderr, "%s:%lu: the problem does not end with %s\n", path, lineno, tag);
            failed = 1;
            continue;
        }
        if (examples[code].line)
            continue; /* the first example of a code is the one shown */
        examples[code].name = xstrndup(t1 + 1, strlen(t1 + 1));
        examples[code].line = xstrndup(t2 + 1, strlen(t2 + 1));
    }
    free(text);
}

/* ---- the template ---- */

typedef struct heading {
    char number[32];
    char anchor[160];
} heading;

typedef struct tpl {
    char **line;
    size_t n;
    heading *heads; /* the numbered headings, in order */
    size_t nheads;
    int *code_heading; /* code -> index in heads of the section of its marker, -1 none */
} tpl;

/* GitHub's anchor for a heading's text. */
static void anchor_of(const char *text, char *buf, size_t size)
{
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)text; *s && n + 1 < size; s++) {
        if (*s >= 'A' && *s <= 'Z')
            buf[n++] = (char)(*s - 'A' + 'a');
        else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
                 *s >= 0x80)
            buf[n++] = (char)*s;
        else if (*s == ' ')
            buf[n++] = '-';
    }
    buf[n] = '\0';
}

static int marker(const char *s, const char *name, const char **arg)
{
    size_t len = strlen(s), nl = strlen(name);
    if (len < 4 + nl || strncmp(s, "@@", 2) != 0 || strcmp(s + len - 2, "@@") != 0 ||
        strncmp(s + 2, name, nl) != 0 || (s[2 + nl] != '@' && s[2 + nl] != ' '))
        return 0;
    *arg = s[2 + nl] == ' ' ? s + 3 + nl : s + 2 + nl;
    return 1;
}

/* The code a marker argument names ("bad-date" or "bad-date: why"), or -1. */
static int marker_code(const char *arg, char *name, size_t size)
{
    size_t n = strcspn(arg, ":@");
    snprintf(name, size, "%.*s", (int)n, arg);
    return peerreview_code_lookup(name);
}

/* Check the numbered headings and the § references; note where each code's marker is. */
static void scan(tpl *T)
{
    unsigned cur[8] = {0};
    int fence = 0, last_code = -1;
    long current = -1;
    T->heads = xmalloc(T->n * sizeof *T->heads);
    T->code_heading = xmalloc(ncodes * sizeof *T->code_heading);
    for (size_t c = 0; c < ncodes; c++)
        T->code_heading[c] = -1;
    for (size_t i = 0; i < T->n; i++) {
        const char *s = T->line[i];
        if (strncmp(s, "```", 3) == 0) {
            fence = !fence;
            continue;
        }
        if (fence)
            continue;
        if (s[0] == '#') {
            size_t level = strspn(s, "#");
            if (level == 1 || s[level] != ' ')
                continue;
            const char *p = s + level + 1;
            unsigned num[8];
            size_t k = 0;
            while (k < 8 && *p >= '0' && *p <= '9') {
                num[k++] = (unsigned)strtoul(p, (char **)&p, 10);
                if (*p == '.')
                    p++;
            }
            if (k == 0 || *p != ' ') {
                complain(i + 1, "a heading needs a section number: %s", s);
                continue;
            }
            if (k != level - 1) {
                complain(i + 1, "a level-%zu heading needs a %zu-part number: %s", level, level - 1,
                         s);
                continue;
            }
            for (size_t j = 0; j + 1 < k; j++)
                if (num[j] != cur[j])
                    complain(i + 1, "section %s is not inside the section before it", s);
            if (num[k - 1] != cur[k - 1] + 1)
                complain(i + 1, "section %s should be number %u", s, cur[k - 1] + 1);
            for (size_t j = 0; j < 8; j++)
                cur[j] = j < k ? num[j] : 0;
            heading *h = &T->heads[T->nheads];
            size_t nlen = (size_t)(p - (s + level + 1));
            snprintf(h->number, sizeof h->number, "%.*s", (int)nlen, s + level + 1);
            anchor_of(s + level + 1, h->anchor, sizeof h->anchor);
            current = (long)T->nheads++;
            continue;
        }
        const char *arg;
        int ex = marker(s, "EXAMPLE", &arg), un = !ex && marker(s, "UNREACHABLE", &arg);
        if (ex || un) {
            char name[64];
            int code = marker_code(arg, name, sizeof name);
            if (code < 0) {
                complain(i + 1, "no such problem code: %s", name);
                continue;
            }
            if (T->code_heading[code] >= 0)
                complain(i + 1, "a second marker for %s", name);
            if (code <= last_code)
                complain(i + 1, "%s comes after %s: describe the codes in code order", name,
                         peerreview_code_name(last_code));
            last_code = code;
            T->code_heading[code] = (int)current;
            const char *why = strchr(arg, ':');
            if (un && (!why || strlen(why) < 4))
                complain(i + 1, "UNREACHABLE %s needs the reason: @@UNREACHABLE %s: why@@", name,
                         name);
            if (ex && !examples[code].line)
                complain(i + 1,
                         "no example of %s; make the examples produce one, or say why "
                         "input cannot cause it (@@UNREACHABLE %s: why@@)",
                         name, name);
            if (un && examples[code].line)
                complain(i + 1, "%s is said to be unreachable, but case %s reports it: %s", name,
                         examples[code].name, examples[code].line);
        }
    }
    if (fence)
        complain(T->n, "a code block is not closed");
    for (size_t c = 0; c < ncodes; c++)
        if (T->code_heading[c] < 0)
            complain(0,
                     "the template does not describe the code %s: add a section with "
                     "@@EXAMPLE %s@@",
                     peerreview_code_name((int)c), peerreview_code_name((int)c));
    /* every § reference names a section */
    fence = 0;
    for (size_t i = 0; i < T->n; i++) {
        const char *s = T->line[i];
        if (strncmp(s, "```", 3) == 0)
            fence = !fence;
        for (const char *p = s; !fence && (p = strstr(p, "\xC2\xA7")) != NULL;) {
            p += 2;
            size_t n = strspn(p, "0123456789.");
            while (n && p[n - 1] == '.')
                n--;
            int found = 0;
            for (size_t h = 0; h < T->nheads && !found; h++)
                found = strlen(T->heads[h].number) == n && strncmp(T->heads[h].number, p, n) == 0;
            if (!found)
                complain(i + 1, "§%.*s is not a section of this document", (int)n, p);
        }
    }
}

/* A line with the inline values substituted. */
static void emit_text(const char *s)
{
    while (*s) {
        const char *at = strchr(s, '@');
        if (!at) {
            out(s);
            return;
        }
        fwrite(s, 1, (size_t)(at - s), stdout);
        if (strncmp(at, "@FORMAT@", 8) == 0) {
            outf("%d", PEERREVIEW_FORMAT_VERSION);
            s = at + 8;
        } else if (strncmp(at, "@NCODES@", 8) == 0) {
            outf("%zu", ncodes);
            s = at + 8;
        } else if (strncmp(at, "@NTABLES@", 9) == 0) {
            outf("%zu", peerreview_schema_table_count(S));
            s = at + 9;
        } else {
            fputc('@', stdout);
            s = at + 1;
        }
    }
}

static void gen_code_index(const tpl *T)
{
    out("| # | code | section |\n|---|---|---|\n");
    for (size_t c = 0; c < ncodes; c++) {
        int h = T->code_heading[c];
        if (h < 0)
            continue;
        outf("| %zu | `%s` | [§%s](#%s) |\n", c, peerreview_code_name((int)c), T->heads[h].number,
             T->heads[h].anchor);
    }
}

static void emit(const tpl *T)
{
    int tables_seen[64] = {0};
    out("<!-- Generated by doc/gen-format from doc/format.md.in, the library's schema and one\n"
        "     example problem per code: edit the template, then run 'make doc/format.md'. -->\n");
    for (size_t i = 0; i < T->n; i++) {
        const char *s = T->line[i], *arg;
        if (strncmp(s, "@@", 2) != 0) {
            emit_text(s);
            out("\n");
        } else if (marker(s, "TABLES", &arg))
            gen_tables();
        else if (marker(s, "COLUMNS", &arg)) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "@"), arg);
            int t = table_of(name);
            if (t < 0 || t >= 64)
                complain(i + 1, "no such table: %s", name);
            else {
                if (tables_seen[t]++)
                    complain(i + 1, "the columns of %s a second time", name);
                gen_columns(t);
            }
        } else if (marker(s, "REFERENCES", &arg))
            gen_references();
        else if (marker(s, "INTEGERS", &arg))
            gen_integers();
        else if (marker(s, "CODE-PATTERNS", &arg))
            gen_code_patterns();
        else if (marker(s, "DATE-PATTERN", &arg))
            gen_type_pattern(PEERREVIEW_TYPE_DATE);
        else if (marker(s, "URL-PATTERN", &arg))
            gen_type_pattern(PEERREVIEW_TYPE_URL);
        else if (marker(s, "AUTHORITIES", &arg))
            gen_authorities();
        else if (marker(s, "REGIONS", &arg))
            gen_regions();
        else if (marker(s, "FLAT-COLUMNS", &arg))
            gen_flat_columns();
        else if (marker(s, "HEADERS", &arg))
            gen_headers();
        else if (marker(s, "EXAMPLE-DATASET", &arg))
            gen_example_dataset();
        else if (marker(s, "CODE-INDEX", &arg))
            gen_code_index(T);
        else if (marker(s, "EXAMPLE", &arg)) {
            char name[64];
            int code = marker_code(arg, name, sizeof name);
            if (code >= 0 && examples[code].line)
                outf("Example (case `%s`):\n\n```\n%s\n```\n", examples[code].name,
                     examples[code].line);
        } else if (marker(s, "UNREACHABLE", &arg)) {
            const char *why = strchr(arg, ':');
            if (why) {
                out("No example: ");
                for (why++; *why == ' '; why++)
                    ;
                fwrite(why, 1, strlen(why) - 2, stdout);
                out("\n");
            }
        } else
            complain(i + 1, "unknown marker: %s", s);
    }
    for (int t = 0; (size_t)t < peerreview_schema_table_count(S) && t < 64; t++)
        if (!tables_seen[t])
            complain(0, "the template does not list the columns of %s (@@COLUMNS %s@@)",
                     peerreview_schema_table_name(S, t), peerreview_schema_table_name(S, t));
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "Usage: gen-format TEMPLATE EXAMPLES >format.md\n");
        return 2;
    }
    tpl_name = argv[1];
    S = peerreview_schema_for_format(PEERREVIEW_FORMAT_VERSION);
    ncodes = peerreview_code_count();
    examples = xmalloc(ncodes * sizeof *examples);
    memset(examples, 0, ncodes * sizeof *examples);
    descriptor = load_descriptor();
    load_examples(argv[2]);
    size_t len;
    char *text = read_file(argv[1], &len);
    tpl T;
    memset(&T, 0, sizeof T);
    if (text && descriptor && S) {
        T.line = xmalloc((len + 1) * sizeof *T.line);
        for (char *p = text; *p;) {
            char *nl = strchr(p, '\n');
            T.line[T.n++] = p;
            if (!nl)
                break;
            *nl = '\0';
            p = nl + 1;
        }
        scan(&T);
        emit(&T);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        complain(0, "writing the output failed");
    free(T.line);
    free(T.heads);
    free(T.code_heading);
    free(text);
    jfree(descriptor);
    for (size_t c = 0; c < ncodes; c++) {
        free(examples[c].name);
        free(examples[c].line);
    }
    free(examples);
    return failed ? 1 : 0;
}
