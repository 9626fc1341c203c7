/*
 * datapackage.json as other tools read it (issue 9): the parts the library
 * generates are refreshed from the schema table on every save, everything
 * else the user's descriptor holds is written back in place, and a save of a
 * save is the same bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const char user_descriptor[] =
    "{\n"
    "  \"$schema\": \"https://specs.frictionlessdata.io/schemas/data-package.json\",\n"
    "  \"name\": \"my-council-reviews\",\n"
    "  \"title\": \"Our reviews\",\n"
    "  \"profile\": \"data-package\",\n"
    "  \"licenses\": [{\"name\": \"OGL-UK-3.0\", \"path\": "
    "\"https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/\", "
    "\"title\": \"Open Government Licence v3.0\"}],\n"
    "  \"keywords\": [\"peer review\", \"LGA\"],\n"
    "  \"contributors\": [{\"title\": \"Data Team\", \"role\": \"author\"}],\n"
    "  \"homepage\": \"https://www.example.gov.uk/peer-reviews\",\n"
    "  \"version\": 1.50,\n"
    "  \"custom\": {\"nested\": [1, true, null, {\"deep\": \"x\\u00e9\\n\\u0000y\"}], "
    "\"empty\": {}, \"none\": []},\n"
    "  \"resources\": [\n"
    "    {\"name\": \"reviews\", \"path\": \"reviews.csv\", \"title\": \"Reviews\",\n"
    "     \"encoding\": \"latin1\", \"bytes\": 123, \"hash\": \"md5:abc\",\n"
    "     \"dialect\": {\"delimiter\": \";\"},\n"
    "     \"schema\": {\"primaryKey\": \"nonsense\", \"uniqueKeys\": [[\"review_id\"]],\n"
    "       \"fields\": [\n"
    "         {\"name\": \"notes\", \"title\": \"Notes\", \"description\": \"Free notes\",\n"
    "          \"example\": \"see report\"},\n"
    "         {\"name\": \"review_id\", \"title\": \"Review\", \"description\": \"not ours\",\n"
    "          \"rdfType\": \"http://schema.org/identifier\", \"format\": \"email\",\n"
    "          \"constraints\": {\"maxLength\": 3}},\n"
    "         {\"name\": \"ghost\", \"type\": \"string\"}]}},\n"
    "    {\"name\": \"Councils\", \"path\": \"review_councils.csv\", "
    "\"sources\": [{\"title\": \"ONS\"}]},\n"
    "    {\"name\": \"team_members\", \"path\": \"team_members.csv\"},\n"
    "    {\"name\": \"items\", \"path\": \"items.csv\", \"description\": \"Findings\"},\n"
    "    {\"path\": \"considerations.csv\", \"name\": \"considerations\"},\n"
    "    {\"name\": \"sources\", \"path\": \"sources.csv\"},\n"
    "    {\"name\": \"photos\", \"path\": \"photos.zip\", \"format\": \"zip\"}\n"
    "  ]\n"
    "}\n";

/* The sample's tables with a descriptor of the user's own. */
static char *user_package(const char *descriptor)
{
    char *dir = tmp_dir();
    copy_sample(dir);
    write_file(dir, "datapackage.json", descriptor, (size_t)-1);
    return dir;
}

static void assert_keys(const json_value *o, const char *const *keys)
{
    assert_non_null(o);
    assert_int_equal(o->type, JSON_OBJECT);
    size_t n = 0;
    while (keys[n])
        n++;
    for (size_t i = 0; i < o->n || i < n; i++) {
        const char *got = i < o->n ? o->keys[i] : "(none)";
        const char *want = i < n ? keys[i] : "(none)";
        if (strcmp(got, want) != 0)
            fail_msg("member %zu is \"%s\", expected \"%s\"", i + 1, got, want);
    }
}

static const json_value *field_named(const json_value *resource, const char *name)
{
    const json_value *fields = json_get(json_get(resource, "schema"), "fields");
    assert_non_null(fields);
    for (size_t i = 0; i < fields->n; i++)
        if (strcmp(json_get(&fields->items[i], "name")->str, name) == 0)
            return &fields->items[i];
    return NULL;
}

static void test_user_metadata_kept(void **state)
{
    (void)state;
    char *in = user_package(user_descriptor);
    peerreview_dataset *ds = load_ok(in, NULL);
    char *tmp = tmp_dir();
    char *out = path_join(tmp, "saved");
    save_ok(ds, out, NULL);
    char *desc = path_join(out, "datapackage.json");
    json_value *dp = json_parse_file(desc);

    static const char *const top[] = {"name",     "title",    "profile",  "peerreview:format",
                                      "$schema",  "licenses", "keywords", "contributors",
                                      "homepage", "version",  "custom",   "resources",
                                      NULL};
    assert_keys(dp, top);
    assert_string_equal(json_get(dp, "name")->str, "my-council-reviews");
    /* the user's photos.zip is not a table: the package is a plain Data Package */
    assert_string_equal(json_get(dp, "profile")->str, "data-package");
    const json_value *lic = json_get(dp, "licenses");
    assert_int_equal(lic->n, 1);
    assert_string_equal(json_get(&lic->items[0], "name")->str, "OGL-UK-3.0");
    assert_string_equal(json_get(&lic->items[0], "title")->str, "Open Government Licence v3.0");
    assert_string_equal(json_get(dp, "keywords")->items[1].str, "LGA");
    assert_string_equal(json_get(dp, "version")->str, "1.50"); /* numbers as written */
    const json_value *nested = json_get(json_get(dp, "custom"), "nested");
    assert_int_equal(nested->n, 4);
    const json_value *deep = json_get(&nested->items[3], "deep");
    assert_int_equal(deep->len, 6);
    assert_memory_equal(deep->str, "x\xc3\xa9\n\0y", 6);

    const json_value *res = json_get(dp, "resources");
    assert_int_equal(res->n, PEERREVIEW_TABLE_COUNT + 1);
    const json_value *rv = &res->items[0];
    static const char *const rkeys[] = {"name",     "path",    "profile", "format", "mediatype",
                                        "encoding", "dialect", "title",   "schema", NULL};
    assert_keys(rv, rkeys); /* bytes and hash described the old file: dropped */
    assert_string_equal(json_get(rv, "encoding")->str, "utf-8");
    assert_string_equal(json_get(json_get(rv, "dialect"), "delimiter")->str, ",");
    assert_string_equal(json_get(rv, "title")->str, "Reviews");
    const json_value *schema = json_get(rv, "schema");
    static const char *const skeys[] = {"primaryKey", "missingValues", "foreignKeys",
                                        "uniqueKeys", "fields",        NULL};
    assert_keys(schema, skeys);
    assert_int_equal(json_get(schema, "primaryKey")->type, JSON_ARRAY);
    assert_int_equal(json_get(schema, "fields")->n, peerreview_column_count(PEERREVIEW_REVIEWS));
    assert_null(field_named(rv, "ghost")); /* a column the files do not have */
    const json_value *notes = field_named(rv, "notes");
    static const char *const nkeys[] = {"name", "type", "title", "description", "example", NULL};
    assert_keys(notes, nkeys); /* we have no description for notes: the user's stays */
    assert_string_equal(json_get(notes, "description")->str, "Free notes");
    const json_value *id = field_named(rv, "review_id");
    static const char *const ikeys[] = {"name",    "type",        "description", "title",
                                        "rdfType", "constraints", NULL};
    assert_keys(id, ikeys);
    assert_string_equal(json_get(id, "description")->str,
                        peerreview_column_description(PEERREVIEW_REVIEWS, 0));
    assert_null(json_get(json_get(id, "constraints"), "maxLength"));
    /* matched by path: named as ours, the user's sources kept */
    assert_string_equal(json_get(&res->items[1], "name")->str, "review_councils");
    assert_non_null(json_get(&res->items[1], "sources"));
    assert_string_equal(json_get(&res->items[3], "description")->str, "Findings");
    /* a resource that is not one of our tables is the user's, kept as it was */
    const json_value *photos = &res->items[PEERREVIEW_TABLE_COUNT];
    static const char *const pkeys[] = {"name", "path", "format", NULL};
    assert_keys(photos, pkeys);
    assert_string_equal(json_get(photos, "format")->str, "zip");

    /* and a save of the save is the same bytes */
    peerreview_dataset *back = load_ok(out, NULL);
    char *again = path_join(tmp, "again");
    save_ok(back, again, NULL);
    assert_same_package(out, again);

    json_free(dp);
    peerreview_dataset_free(back);
    peerreview_dataset_free(ds);
    rm_rf(tmp);
    rm_rf(in);
    free(again);
    free(desc);
    free(out);
    free(tmp);
    free(in);
}

/* What the library generates is refreshed whatever the user wrote there. */
static void test_generated_parts_refreshed(void **state)
{
    (void)state;
    char *in = user_package(user_descriptor);
    peerreview_dataset *ds = load_ok(in, NULL);
    char *tmp = tmp_dir();
    char *out = path_join(tmp, "saved");
    save_ok(ds, out, NULL);
    /* the resources we generate are the sample's, byte for byte */
    char *a = path_join(out, "datapackage.json");
    char *b = path_join(SAMPLE_DIR, "datapackage.json");
    char *da = read_file(a, NULL);
    char *db = read_file(b, NULL);
    json_value *ja = json_parse(da, (size_t)-1);
    json_value *jb = json_parse(db, (size_t)-1);
    const json_value *ra = json_get(ja, "resources");
    const json_value *rb = json_get(jb, "resources");
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
        const json_value *fa = json_get(json_get(&ra->items[t], "schema"), "fields");
        const json_value *fb = json_get(json_get(&rb->items[t], "schema"), "fields");
        assert_int_equal(fa->n, fb->n);
        for (size_t c = 0; c < fa->n; c++) {
            const json_value *ca = json_get(&fa->items[c], "constraints");
            const json_value *cb = json_get(&fb->items[c], "constraints");
            assert_int_equal(ca ? ca->n : 0, cb ? cb->n : 0);
            const json_value *fma = json_get(&fa->items[c], "format");
            const json_value *fmb = json_get(&fb->items[c], "format");
            if (fmb)
                assert_string_equal(fma->str, fmb->str);
            else
                assert_null(fma);
        }
        assert_string_equal(json_get(&ra->items[t], "encoding")->str, "utf-8");
        assert_non_null(json_get(&ra->items[t], "dialect"));
    }
    json_free(ja);
    json_free(jb);
    free(da);
    free(db);
    free(a);
    free(b);
    peerreview_dataset_free(ds);
    rm_rf(tmp);
    rm_rf(in);
    free(out);
    free(tmp);
    free(in);
}

/* Spreadsheet-safe tables start with a BOM, and the descriptor says so. */
static void test_encoding_matches_bytes(void **state)
{
    (void)state;
    peerreview_dataset *ds = load_ok(SAMPLE_DIR, NULL);
    for (int safe = 0; safe <= 1; safe++) {
        peerreview_options *o = peerreview_options_new();
        peerreview_options_set_spreadsheet_safe(o, safe);
        char *tmp = tmp_dir();
        save_ok(ds, tmp, o);
        char *p = path_join(tmp, "datapackage.json");
        json_value *dp = json_parse_file(p);
        /* only our tables: a Tabular Data Package (a kept non-table resource
           makes it a plain one, test_user_metadata_kept) */
        assert_string_equal(json_get(dp, "profile")->str, "tabular-data-package");
        const json_value *res = json_get(dp, "resources");
        for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++) {
            char *f = path_join(tmp, peerreview_table_file(t));
            size_t len = 0;
            char *bytes = read_file(f, &len);
            int bom = len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0;
            assert_int_equal(bom, safe);
            assert_string_equal(json_get(&res->items[t], "encoding")->str,
                                bom ? "utf-8-sig" : "utf-8");
            free(bytes);
            free(f);
        }
        json_free(dp);
        free(p);
        rm_rf(tmp);
        free(tmp);
        peerreview_options_free(o);
    }
    peerreview_dataset_free(ds);
}

/*
 * A package name other tools reject is kept (the warning with its position:
 * tests/cases/bad-descriptor-package-name; the user metadata read strictly:
 * tests/cases/bad-descriptor-*).
 */
static void test_bad_package_name(void **state)
{
    (void)state;
    char *in = user_package("{\n \"name\": \"My Reviews\",\n \"resources\": []\n}\n");
    peerreview_diag *d = peerreview_diag_new();
    peerreview_dataset *ds = NULL;
    assert_int_equal(peerreview_load(in, NULL, d, &ds), PEERREVIEW_OK);
    char *tmp = tmp_dir();
    save_ok(ds, tmp, NULL);
    char *path = path_join(tmp, "datapackage.json");
    json_value *dp = json_parse_file(path);
    assert_string_equal(json_get(dp, "name")->str, "My Reviews");
    json_free(dp);
    free(path);
    rm_rf(tmp);
    free(tmp);
    peerreview_dataset_free(ds);
    peerreview_diag_free(d);
    rm_rf(in);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_metadata_kept),
        cmocka_unit_test(test_generated_parts_refreshed),
        cmocka_unit_test(test_encoding_matches_bytes),
        cmocka_unit_test(test_bad_package_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
