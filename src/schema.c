/* The schema table of format version 1 (data/lga-sample/datapackage.json). */
#include "config.h"

#include <string.h>

#include "schema.h"

#define NOMIN INT64_MIN
#define NOMAX INT64_MAX

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ^[a-z0-9][a-z0-9-]{0,79}$ */
static int match_slug(const char *s, size_t len)
{
    if (len < 1 || len > 80)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || is_digit(c) || (c == '-' && i > 0);
        if (!ok)
            return 0;
    }
    return 1;
}

/* ^(E(06|07|08|09|10)|W06)[0-9]{6}$ */
static int match_gss(const char *s, size_t len)
{
    if (len != 9)
        return 0;
    if (pr_authority_for_gss(s, len) == NULL)
        return 0;
    for (size_t i = 3; i < 9; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

/* ^E1200000[1-9]$ */
static int match_region(const char *s, size_t len)
{
    return len == 9 && memcmp(s, "E1200000", 8) == 0 && s[8] >= '1' && s[8] <= '9';
}

/* ^[0-9]{3}$ */
static int match_dfe(const char *s, size_t len)
{
    return len == 3 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]);
}

static const pr_pattern pat_slug = {
    "^[a-z0-9][a-z0-9-]{0,79}$", match_slug,
    "lower-case letters, digits and hyphens, not starting with a hyphen, at most 80 characters"};
/*
 * A real calendar date at reduced precision, as pr_date_parse accepts: YYYY
 * or YYYY-MM; days 1-28 of any month; 29 and 30 of any month but February;
 * 31 of the long months; February 29 of leap years (proleptic Gregorian:
 * divisible by 4, centuries only when divisible by 400). Plain groups only,
 * so that JavaScript, Python and XML Schema regexes all read it alike.
 */
#define LEAP_YEAR "([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[048]|[2468][048]|[13579][26])00)"
static const pr_pattern pat_date = {"^([0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|1[0-9]|2[0-8]))?)?"
                                    "|[0-9]{4}-((0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
                                    "|" LEAP_YEAR "-02-29)$",
                                    NULL, "YYYY, YYYY-MM or YYYY-MM-DD"};
/*
 * An absolute web address as check_url (value.c) accepts it: http or https
 * in any case, an authority whose host (after any user@) is not empty and
 * does not start with ':', and no control character, space, DEL, '"', '<',
 * '>' or '\\' anywhere. The excluded characters are written as themselves
 * (the descriptor's JSON escapes them), which every regex dialect reads.
 */
#define URL_CHAR   "[^\x01- \x7f\"<>\\\\]"
#define URL_NOT(s) "[^" s "\x01- \x7f\"<>\\\\]"
static const pr_pattern pat_url = {"^[Hh][Tt][Tt][Pp][Ss]?://(" URL_NOT("/?#") "*@)?" URL_NOT(
                                       "/?#@:") URL_NOT("/?#@") "*([/?#]" URL_CHAR "*)?$",
                                   NULL, "an absolute http:// or https:// address"};
static const pr_pattern pat_gss = {
    "^(E(06|07|08|09|10)|W06)[0-9]{6}$", match_gss,
    "a council GSS code: E06, E07, E08, E09, E10 or W06 followed by 6 digits, e.g. E10000034"};
static const pr_pattern pat_region = {"^E1200000[1-9]$", match_region,
                                      "a region GSS code E12000001 to E12000009"};
static const pr_pattern pat_dfe = {"^[0-9]{3}$", match_dfe,
                                   "a 3-digit DfE local authority number, e.g. 885"};

/* clang-format off: the schema reads best as a table */
static const char *const review_types[] = {"corporate",
                                           "finance",
                                           "governance",
                                           "childrens_safeguarding",
                                           "childrens_services",
                                           "adult_social_care",
                                           "planning",
                                           "communications",
                                           "other",
                                           NULL};
static const char *const stages[] = {"initial", "progress", NULL};
static const char *const onsite_modes[] = {"onsite", "virtual", "hybrid", NULL};
static const char *const authority_types[] = {
    "county", "unitary", "non_metropolitan_district", "metropolitan_borough", "london_borough",
    "other",  NULL};
static const char *const region_names[] = {"North East",
                                           "North West",
                                           "Yorkshire and The Humber",
                                           "East Midlands",
                                           "West Midlands",
                                           "East of England",
                                           "London",
                                           "South East",
                                           "South West",
                                           NULL};
static const char *const roles[] = {"lead_peer",
                                    "member_peer",
                                    "officer_peer",
                                    "peer_challenge_manager",
                                    "lived_experience_peer",
                                    "shadow_peer",
                                    "other",
                                    NULL};
const char *const pr_item_kinds[] = {
    "focus", "strength", "area_for_consideration", "recommendation", "council_priority",
    "other", NULL};

/* Column constructors: one line per column below. */
#define TEXT(n, f, d)                                                                              \
    {                                                                                              \
        n, PEERREVIEW_TYPE_TEXT, f, NOMIN, NOMAX, NULL, NULL, d                                    \
    }
#define DATE(n, f, d)                                                                              \
    {                                                                                              \
        n, PEERREVIEW_TYPE_DATE, f, NOMIN, NOMAX, NULL, &pat_date, d                               \
    }
#define INT(n, f, lo, d)                                                                           \
    {                                                                                              \
        n, PEERREVIEW_TYPE_INTEGER, f, lo, NOMAX, NULL, NULL, d                                    \
    }
#define ENUM(n, f, e, d)                                                                           \
    {                                                                                              \
        n, PEERREVIEW_TYPE_ENUM, f, NOMIN, NOMAX, e, NULL, d                                       \
    }
#define CODE(n, f, p, d)                                                                           \
    {                                                                                              \
        n, PEERREVIEW_TYPE_CODE, f, NOMIN, NOMAX, NULL, p, d                                       \
    }
#define URL(n, f, d)                                                                               \
    {                                                                                              \
        n, PEERREVIEW_TYPE_URL, f, NOMIN, NOMAX, NULL, &pat_url, d                                 \
    }
#define CHILD_KEY                                                                                  \
    CODE("review_id", PR_REQUIRED | PR_PARENT_FK, &pat_slug, NULL), INT("seq", PR_REQUIRED, 1, NULL)

static const pr_column reviews_cols[] = {
    CODE(
        "review_id", PR_REQUIRED | PR_UNIQUE, &pat_slug,
        "Stable slug, unique in dataset; suggested form {gss-lowercase}-{type-abbrev}-{YYYY[-MM]}"),
    ENUM("review_type", PR_REQUIRED, review_types,
         "Controlled vocabulary of LGA peer review families"),
    TEXT("review_type_label", 0, "Name of the review exactly as the source titles it"),
    ENUM("stage", PR_REQUIRED, stages,
         "initial = the main review; progress = progress review / follow-up visit / check-in"),
    CODE("parent_review_id", PR_SELF_FK, &pat_slug,
         "For stage=progress: the review being followed up"),
    TEXT("provider", 0, "Who delivered it, e.g. LGA, LGA/PAS"),
    DATE("onsite_start", PR_DATE_ORDER, "First day on site (partial ISO 8601 date allowed)"),
    DATE("onsite_end", PR_DATE_ORDER, "Last day on site"),
    ENUM("onsite_mode", 0, onsite_modes, NULL),
    DATE("report_date", PR_DATE_ORDER, "Date of final report / feedback letter"),
    DATE("published_date", PR_DATE_ORDER, "Date the report was published"),
    DATE("action_plan_due", 0, NULL),
    DATE("progress_review_planned", 0, NULL),
    INT("recommendation_count", 0, 0,
        "Number of recommendations as stated by the source (may exceed captured items)"),
    INT("team_size", 0, 1, NULL),
    INT("people_engaged", 0, 0, "As stated; \"more than N\" recorded as N"),
    INT("meetings_held", 0, 0, NULL),
    URL("report_url", 0, NULL),
    TEXT("notes", 0, NULL),
};

static const pr_column councils_cols[] = {
    CHILD_KEY,
    CODE("gss_code", 0, &pat_gss, "ONS GSS code of the council as at the review date"),
    TEXT("council_name", PR_REQUIRED, NULL),
    ENUM("authority_type", PR_REQUIRED, authority_types, NULL),
    CODE("region_gss", 0, &pat_region, NULL),
    ENUM("region_name", 0, region_names, NULL),
    CODE("dfe_la_code", 0, &pat_dfe, "DfE/Ofsted 3-digit LA number (upper-tier only)"),
};

static const pr_column team_cols[] = {
    CHILD_KEY,
    TEXT("name", 0, NULL),
    ENUM("role", 0, roles, NULL),
    TEXT("role_label", 0, "Role wording as in source"),
    TEXT("member_party", 0, NULL),
    TEXT("job_title", 0, NULL),
    TEXT("organisation", 0, NULL),
};

static const pr_column items_cols[] = {
    CODE("review_id", PR_REQUIRED | PR_PARENT_FK, &pat_slug, NULL),
    ENUM("kind", PR_REQUIRED, pr_item_kinds, NULL),
    INT("seq", PR_REQUIRED, 1, NULL),
    TEXT("text", PR_REQUIRED | PR_NONEMPTY, NULL),
};

static const pr_column considerations_cols[] = {
    CHILD_KEY,
    DATE("date", 0, NULL),
    TEXT("body", 0, NULL),
    TEXT("outcome", 0, NULL),
};

static const pr_column sources_cols[] = {
    CHILD_KEY,
    URL("url", PR_REQUIRED, NULL),
    TEXT("description", 0, NULL),
};

#define COLS(a) a, sizeof(a) / sizeof(a[0])
_Static_assert(sizeof(reviews_cols) / sizeof(reviews_cols[0]) <= PR_MAX_COLS, "raise PR_MAX_COLS");

const pr_table pr_tables[PEERREVIEW_TABLE_COUNT] = {
    {"reviews", "reviews.csv", COLS(reviews_cols), {0}, 1, NULL, 0},
    {"review_councils", "review_councils.csv", COLS(councils_cols), {0, 1}, 2, "councils", 0},
    {"team_members", "team_members.csv", COLS(team_cols), {0, 1}, 2, "team", 0},
    {"items", "items.csv", COLS(items_cols), {0, 1, 2}, 3, NULL, PR_I_KIND},
    {"considerations",
     "considerations.csv",
     COLS(considerations_cols),
     {0, 1},
     2,
     "considerations",
     0},
    {"sources", "sources.csv", COLS(sources_cols), {0, 1}, 2, "sources", 0},
};

/* clang-format on */

size_t pr_seq_col(int table)
{
    return table == PEERREVIEW_ITEMS ? PR_I_SEQ : PR_C_SEQ;
}

int pr_flat_line_col(int table, size_t col)
{
    return table > PEERREVIEW_REVIEWS && table < PEERREVIEW_TABLE_COUNT && col > 0 &&
           col < pr_tables[table].ncols && col != pr_seq_col(table) &&
           col != pr_tables[table].group_col;
}

int pr_col_index(int table, const char *name, size_t len)
{
    if (table < 0 || table >= PEERREVIEW_TABLE_COUNT || !name)
        return -1;
    const pr_table *t = &pr_tables[table];
    for (size_t i = 0; i < t->ncols; i++)
        if (strlen(t->cols[i].name) == len && memcmp(t->cols[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

int pr_enum_index(const char *const *enums, const char *s, size_t len)
{
    for (int i = 0; enums && enums[i]; i++)
        if (strlen(enums[i]) == len && memcmp(enums[i], s, len) == 0)
            return i;
    return -1;
}

const pr_column *pr_col(int table, size_t col)
{
    if (table < 0 || table >= PEERREVIEW_TABLE_COUNT || col >= pr_tables[table].ncols)
        return NULL;
    return &pr_tables[table].cols[col];
}

const char *pr_region_name(const char *gss, size_t len)
{
    if (!match_region(gss, len))
        return NULL;
    return region_names[gss[8] - '1'];
}

const char *pr_authority_for_gss(const char *gss, size_t len)
{
    static const struct {
        const char *prefix;
        const char *type;
    } map[] = {{"E06", "unitary"},
               {"E07", "non_metropolitan_district"},
               {"E08", "metropolitan_borough"},
               {"E09", "london_borough"},
               {"E10", "county"},
               {"W06", "unitary"}};
    if (len < 3)
        return NULL;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (memcmp(gss, map[i].prefix, 3) == 0)
            return map[i].type;
    return NULL;
}

/* ---- public schema introspection ---- */

/*
 * A format version's schema: its tables. Format 1 is pr_tables itself; a
 * later format gets a table array of its own (sharing the column arrays it
 * keeps), appended here.
 */
struct peerreview_schema {
    int format;
    const pr_table *tables;
    size_t ntables;
};

static const peerreview_schema schemas[] = {
    {1, pr_tables, PEERREVIEW_TABLE_COUNT},
};

_Static_assert(PEERREVIEW_FORMAT_VERSION == 1, "add the schema of the new format version");

/* The schema of the format this library writes. */
#define CURRENT (&schemas[PEERREVIEW_FORMAT_VERSION - 1])

static const pr_table *schema_table(const peerreview_schema *s, int table)
{
    return s && table >= 0 && (size_t)table < s->ntables ? &s->tables[table] : NULL;
}

static const pr_column *schema_col(const peerreview_schema *s, int table, size_t col)
{
    const pr_table *t = schema_table(s, table);
    return t && col < t->ncols ? &t->cols[col] : NULL;
}

PEERREVIEW_API const peerreview_schema *peerreview_schema_for_format(int format)
{
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++)
        if (schemas[i].format == format)
            return &schemas[i];
    return NULL;
}

PEERREVIEW_API int peerreview_schema_format(const peerreview_schema *s)
{
    return s ? s->format : 0;
}

PEERREVIEW_API size_t peerreview_schema_table_count(const peerreview_schema *s)
{
    return s ? s->ntables : 0;
}

PEERREVIEW_API const char *peerreview_schema_table_name(const peerreview_schema *s, int table)
{
    const pr_table *t = schema_table(s, table);
    return t ? t->name : NULL;
}

PEERREVIEW_API const char *peerreview_schema_table_file(const peerreview_schema *s, int table)
{
    const pr_table *t = schema_table(s, table);
    return t ? t->file : NULL;
}

PEERREVIEW_API int peerreview_schema_table_lookup(const peerreview_schema *s, const char *name)
{
    if (!s || !name)
        return -1;
    for (size_t t = 0; t < s->ntables; t++)
        if (strcmp(name, s->tables[t].name) == 0 || strcmp(name, s->tables[t].file) == 0)
            return (int)t;
    return -1;
}

PEERREVIEW_API size_t peerreview_schema_table_key_count(const peerreview_schema *s, int table)
{
    const pr_table *t = schema_table(s, table);
    return t ? t->nkey : 0;
}

PEERREVIEW_API int peerreview_schema_table_key_column(const peerreview_schema *s, int table,
                                                      size_t i)
{
    const pr_table *t = schema_table(s, table);
    return t && i < t->nkey ? (int)t->key[i] : -1;
}

PEERREVIEW_API const char *peerreview_schema_table_list_name(const peerreview_schema *s, int table)
{
    const pr_table *t = schema_table(s, table);
    return t ? t->flat_name : NULL;
}

PEERREVIEW_API size_t peerreview_schema_column_count(const peerreview_schema *s, int table)
{
    const pr_table *t = schema_table(s, table);
    return t ? t->ncols : 0;
}

PEERREVIEW_API const char *peerreview_schema_column_name(const peerreview_schema *s, int table,
                                                         size_t column)
{
    const pr_column *c = schema_col(s, table, column);
    return c ? c->name : NULL;
}

PEERREVIEW_API int peerreview_schema_column_index(const peerreview_schema *s, int table,
                                                  const char *name)
{
    const pr_table *t = schema_table(s, table);
    for (size_t i = 0; t && name && i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

PEERREVIEW_API peerreview_type peerreview_schema_column_type(const peerreview_schema *s, int table,
                                                             size_t column)
{
    const pr_column *c = schema_col(s, table, column);
    return c ? c->type : PEERREVIEW_TYPE_TEXT;
}

PEERREVIEW_API int peerreview_schema_column_required(const peerreview_schema *s, int table,
                                                     size_t column)
{
    const pr_column *c = schema_col(s, table, column);
    return c && (c->flags & PR_REQUIRED) ? 1 : 0;
}

PEERREVIEW_API const char *peerreview_schema_column_description(const peerreview_schema *s,
                                                                int table, size_t column)
{
    const pr_column *c = schema_col(s, table, column);
    return c ? c->description : NULL;
}

PEERREVIEW_API size_t peerreview_schema_column_enum_count(const peerreview_schema *s, int table,
                                                          size_t column)
{
    const pr_column *c = schema_col(s, table, column);
    size_t n = 0;
    while (c && c->enums && c->enums[n])
        n++;
    return n;
}

PEERREVIEW_API const char *peerreview_schema_column_enum_value(const peerreview_schema *s,
                                                               int table, size_t column, size_t i)
{
    return i < peerreview_schema_column_enum_count(s, table, column)
               ? schema_col(s, table, column)->enums[i]
               : NULL;
}

/* ---- the same, of the format this library writes ---- */

PEERREVIEW_API size_t peerreview_table_count(void)
{
    return peerreview_schema_table_count(CURRENT);
}

PEERREVIEW_API const char *peerreview_table_name(int table)
{
    return peerreview_schema_table_name(CURRENT, table);
}

PEERREVIEW_API const char *peerreview_table_file(int table)
{
    return peerreview_schema_table_file(CURRENT, table);
}

PEERREVIEW_API int peerreview_table_lookup(const char *name)
{
    return peerreview_schema_table_lookup(CURRENT, name);
}

PEERREVIEW_API size_t peerreview_table_key_count(int table)
{
    return peerreview_schema_table_key_count(CURRENT, table);
}

PEERREVIEW_API int peerreview_table_key_column(int table, size_t i)
{
    return peerreview_schema_table_key_column(CURRENT, table, i);
}

PEERREVIEW_API const char *peerreview_table_list_name(int table)
{
    return peerreview_schema_table_list_name(CURRENT, table);
}

PEERREVIEW_API size_t peerreview_column_count(int table)
{
    return peerreview_schema_column_count(CURRENT, table);
}

PEERREVIEW_API const char *peerreview_column_name(int table, size_t column)
{
    return peerreview_schema_column_name(CURRENT, table, column);
}

PEERREVIEW_API int peerreview_column_index(int table, const char *name)
{
    return peerreview_schema_column_index(CURRENT, table, name);
}

PEERREVIEW_API peerreview_type peerreview_column_type(int table, size_t column)
{
    return peerreview_schema_column_type(CURRENT, table, column);
}

PEERREVIEW_API int peerreview_column_required(int table, size_t column)
{
    return peerreview_schema_column_required(CURRENT, table, column);
}

PEERREVIEW_API const char *peerreview_column_description(int table, size_t column)
{
    return peerreview_schema_column_description(CURRENT, table, column);
}

PEERREVIEW_API size_t peerreview_column_enum_count(int table, size_t column)
{
    return peerreview_schema_column_enum_count(CURRENT, table, column);
}

PEERREVIEW_API const char *peerreview_column_enum_value(int table, size_t column, size_t i)
{
    return peerreview_schema_column_enum_value(CURRENT, table, column, i);
}
