/* peerreview diff: compare two versions of a dataset. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "output.h"

const char cmd_diff_usage[] =
    "Usage: " PROG " diff [OPTION]... OLD NEW\n"
    "\n"
    "Compare two versions of a dataset: reviews added, removed and changed\n"
    "(matched by review_id) and, for each changed review, every field and\n"
    "child row that differs (rows matched by seq, items by kind and seq).\n"
    "The order of the reviews is not compared. --delimiter and --encoding\n"
    "apply to both OLD and NEW. One of them may be '-', a flat file on\n"
    "standard input.\n"
    "\n"
    "  --format=FORMAT           'text' (default) or 'json'\n"
    "  --ignore-unknown-columns  skip columns the format does not know\n" READ_OPTIONS_HELP
    "  -h, --help                print this help and exit\n"
    "\n"
    "Text output: nothing when the datasets are equal, else the reviews\n"
    "added, removed and changed (in NEW's order), then a summary line:\n"
    "  added: REVIEW_ID\n"
    "  removed: REVIEW_ID\n"
    "  changed: REVIEW_ID\n"
    "    FIELD: \"OLD\" -> \"NEW\"\n"
    "    TABLE[KEY].FIELD: \"OLD\" -> \"NEW\"\n"
    "    TABLE[KEY]: added {\"FIELD\":\"VALUE\",...}\n"
    "    TABLE[KEY]: removed {\"FIELD\":\"VALUE\",...}\n"
    "  reviews: N added, N removed, N changed, N unchanged\n"
    "where KEY is seq=N (kind=KIND,seq=N for items), values are quoted with\n"
    "JSON escapes and an empty value is shown as (empty).\n"
    "JSON output: one object with the keys old, new, added, removed, changed\n"
    "and unchanged; see 'man " PROG "'.\n"
    "\n"
    "Exit status: 0 the datasets are equal, 1 they differ, 2 usage error,\n"
    "either dataset cannot be loaded (problems on stderr), I/O error or out\n"
    "of memory.\n";

enum change_kind { CH_FIELD, CH_ROW_ADDED, CH_ROW_REMOVED, CH_ROW_FIELD };

/* One difference inside a review present in both datasets. */
struct change {
    enum change_kind kind;
    int table;                 /* PEERREVIEW_REVIEWS for CH_FIELD */
    const peerreview_row *row; /* the row (old one unless added) */
    size_t column;             /* CH_FIELD, CH_ROW_FIELD */
    const char *old_value, *new_value;
};

struct changes {
    struct change *c;
    size_t n, cap;
};

static int changes_add(struct changes *ch, enum change_kind kind, int table,
                       const peerreview_row *row, size_t column, const char *a, const char *b)
{
    if (ch->n == ch->cap) {
        size_t cap = ch->cap ? 2 * ch->cap : 16;
        struct change *c = realloc(ch->c, cap * sizeof *c);
        if (!c)
            return -1;
        ch->c = c;
        ch->cap = cap;
    }
    struct change *c = &ch->c[ch->n++];
    c->kind = kind;
    c->table = table;
    c->row = row;
    c->column = column;
    c->old_value = a;
    c->new_value = b;
    return 0;
}

/* The row of r's child list table with the key of row (see peerreview_row_key_compare), or NULL. */
static const peerreview_row *find_row(const peerreview_review *r, int table,
                                      const peerreview_row *row)
{
    size_t n = peerreview_review_child_count(r, table);
    for (size_t i = 0; i < n; i++) {
        const peerreview_row *x = peerreview_review_child_byindex(r, table, i);
        if (peerreview_row_key_compare(x, row) == 0)
            return x;
    }
    return NULL;
}

/* Every difference between two reviews with the same review_id into ch. */
static int diff_review(const peerreview_review *old, const peerreview_review *new,
                       struct changes *ch)
{
    ch->n = 0;
    size_t n = peerreview_column_count(PEERREVIEW_REVIEWS);
    for (size_t c = 0; c < n; c++) {
        const char *a = review_cell(old, c), *b = review_cell(new, c);
        if (!same_value(a, b) && changes_add(ch, CH_FIELD, PEERREVIEW_REVIEWS, NULL, c, a, b))
            return -1;
    }
    for (int t = 0; t < (int)peerreview_table_count(); t++) {
        if (t == PEERREVIEW_REVIEWS)
            continue;
        size_t cols = peerreview_column_count(t);
        size_t no = peerreview_review_child_count(old, t);
        size_t nn = peerreview_review_child_count(new, t);
        for (size_t i = 0; i < no; i++) {
            const peerreview_row *a = peerreview_review_child_byindex(old, t, i);
            const peerreview_row *b = find_row(new, t, a);
            if (!b) {
                if (changes_add(ch, CH_ROW_REMOVED, t, a, 0, NULL, NULL))
                    return -1;
                continue;
            }
            for (size_t c = 0; c < cols; c++) {
                if (c == review_id_column(t))
                    continue;
                const char *x = row_cell(a, c), *y = row_cell(b, c);
                if (!same_value(x, y) && changes_add(ch, CH_ROW_FIELD, t, a, c, x, y))
                    return -1;
            }
        }
        for (size_t i = 0; i < nn; i++) {
            const peerreview_row *b = peerreview_review_child_byindex(new, t, i);
            if (!find_row(old, t, b) && changes_add(ch, CH_ROW_ADDED, t, b, 0, NULL, NULL))
                return -1;
        }
    }
    return 0;
}

/* A value in the text output: quoted with JSON escapes, or (empty). */
static void print_text_value(FILE *out, const char *v)
{
    if (v)
        json_escape(out, v);
    else
        fputs("(empty)", out);
}

/* The key of a child row within its review (its key columns after review_id): "seq=N" or
 * "kind=K,seq=N". */
static void print_row_key(FILE *out, const peerreview_row *row)
{
    int table = peerreview_row_table(row);
    size_t n = peerreview_table_key_count(table);
    for (size_t i = 1; i < n; i++) {
        size_t c = (size_t)peerreview_table_key_column(table, i);
        const char *v = row_cell(row, c);
        fprintf(out, "%s%s=%s", i > 1 ? "," : "", peerreview_column_name(table, c), v ? v : "");
    }
}

/* The same key as a JSON object. */
static void json_row_key(struct json *j, const peerreview_row *row)
{
    int table = peerreview_row_table(row);
    size_t n = peerreview_table_key_count(table);
    json_object(j, JSON_COMPACT);
    for (size_t i = 1; i < n; i++) {
        size_t c = (size_t)peerreview_table_key_column(table, i);
        json_key(j, peerreview_column_name(table, c));
        json_value(j, table, c, row_cell(row, c));
    }
    json_end(j);
}

static void print_changes_text(FILE *out, const char *review_id, const struct changes *ch)
{
    fprintf(out, "changed: %s\n", review_id);
    for (size_t i = 0; i < ch->n; i++) {
        const struct change *c = &ch->c[i];
        fputs("  ", out);
        if (c->kind != CH_FIELD) {
            fprintf(out, "%s[", peerreview_table_name(c->table));
            print_row_key(out, c->row);
            fputc(']', out);
        }
        if (c->kind == CH_ROW_ADDED || c->kind == CH_ROW_REMOVED) {
            struct json j;
            fputs(c->kind == CH_ROW_ADDED ? ": added " : ": removed ", out);
            json_init(&j, out);
            json_row(&j, c->row, 1);
        } else {
            fprintf(out, "%s%s: ", c->kind == CH_ROW_FIELD ? "." : "",
                    peerreview_column_name(c->table, c->column));
            print_text_value(out, c->old_value);
            fputs(" -> ", out);
            print_text_value(out, c->new_value);
        }
        fputc('\n', out);
    }
}

static void json_field_change(struct json *j, const struct change *c)
{
    json_object(j, JSON_COMPACT);
    json_key(j, "field");
    json_string(j, peerreview_column_name(c->table, c->column));
    json_key(j, "old");
    json_value(j, c->table, c->column, c->old_value);
    json_key(j, "new");
    json_value(j, c->table, c->column, c->new_value);
    json_end(j);
}

static void json_changes(struct json *j, const char *review_id, const struct changes *ch)
{
    json_object(j, JSON_COMPACT);
    json_key(j, "review_id");
    json_string(j, review_id);
    json_key(j, "fields");
    json_array(j, JSON_COMPACT);
    size_t i = 0;
    for (; i < ch->n && ch->c[i].kind == CH_FIELD; i++)
        json_field_change(j, &ch->c[i]);
    json_end(j);
    json_key(j, "rows");
    json_array(j, JSON_COMPACT);
    while (i < ch->n) {
        const struct change *c = &ch->c[i];
        json_object(j, JSON_COMPACT);
        json_key(j, "table");
        json_string(j, peerreview_table_name(c->table));
        json_key(j, "key");
        json_row_key(j, c->row);
        json_key(j, "change");
        if (c->kind == CH_ROW_FIELD) {
            json_string(j, "changed");
            json_key(j, "fields");
            json_array(j, JSON_COMPACT);
            const peerreview_row *row = c->row;
            for (; i < ch->n && ch->c[i].kind == CH_ROW_FIELD && ch->c[i].row == row; i++)
                json_field_change(j, &ch->c[i]);
            json_end(j);
        } else {
            int added = c->kind == CH_ROW_ADDED;
            json_string(j, added ? "added" : "removed");
            json_key(j, added ? "new" : "old");
            json_row(j, c->row, 0);
            i++;
        }
        json_end(j);
    }
    json_end(j);
    json_end(j);
}

/* The reviews of from that are not in other, as lines (j NULL) or a JSON list under the key what.
 */
static size_t print_missing(FILE *out, struct json *j, const peerreview_dataset *from,
                            const peerreview_dataset *other, const char *what)
{
    size_t n = peerreview_dataset_count(from), listed = 0;
    if (j) {
        json_key(j, what);
        json_array(j, JSON_COMPACT);
    }
    for (size_t i = 0; i < n; i++) {
        const char *id = review_id_of(peerreview_dataset_review_byindex(from, i));
        if (peerreview_dataset_review_byid(other, id))
            continue;
        if (j)
            json_string(j, id);
        else
            fprintf(out, "%s: %s\n", what, id);
        listed++;
    }
    if (j)
        json_end(j);
    return listed;
}

int cmd_diff(const struct settings *s, int argc, char **argv)
{
    int status = stdin_once("diff", argc, argv);
    if (status != 0)
        return status;
    peerreview_dataset *old = NULL, *new = NULL;
    /* exit 1 means "different": unloadable inputs are trouble (2) */
    status = load_dataset(s, argv[0], EXIT_TROUBLE, &old);
    if (status == EXIT_OK)
        status = load_dataset(s, argv[1], EXIT_TROUBLE, &new);
    if (status != EXIT_OK) {
        peerreview_dataset_free(old);
        return status;
    }
    FILE *out = stdout;
    struct json json, *j = s->format == FORMAT_JSON ? &json : NULL;
    struct changes ch = {NULL, 0, 0};
    size_t changed = 0, unchanged = 0;

    if (j) {
        json_init(j, out);
        json_object(j, JSON_COMPACT);
        json_key(j, "old");
        json_string(j, argv[0]);
        json_key(j, "new");
        json_string(j, argv[1]);
    }
    size_t added = print_missing(out, j, new, old, "added");
    size_t removed = print_missing(out, j, old, new, "removed");
    if (j) {
        json_key(j, "changed");
        json_array(j, JSON_COMPACT);
    }
    size_t n = peerreview_dataset_count(new);
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        const peerreview_review *b = peerreview_dataset_review_byindex(new, i);
        const char *id = review_id_of(b);
        const peerreview_review *a = peerreview_dataset_review_byid(old, id);
        if (!a)
            continue;
        if (diff_review(a, b, &ch) != 0) {
            status = out_of_memory();
        } else if (ch.n == 0) {
            unchanged++;
        } else {
            changed++;
            if (j)
                json_changes(j, id, &ch);
            else
                print_changes_text(out, id, &ch);
        }
    }
    free(ch.c);
    peerreview_dataset_free(new);
    peerreview_dataset_free(old);
    if (status != EXIT_OK)
        return status;
    if (j) {
        json_end(j);
        json_key(j, "unchanged");
        json_uint(j, unchanged);
        json_end(j);
        fputc('\n', out);
    } else if (added + removed + changed > 0) {
        fprintf(out, "reviews: %zu added, %zu removed, %zu changed, %zu unchanged\n", added,
                removed, changed, unchanged);
    }
    return added + removed + changed > 0 ? EXIT_DATA : EXIT_OK;
}
