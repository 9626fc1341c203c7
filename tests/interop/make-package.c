/*
 * make-package: data for the interoperability checks of issue 9 (other tools
 * reading what the library writes). Built by make check, not run as a test.
 *
 *   make-package [OPTIONS] SEED DIR          a random valid package in DIR
 *   make-package [OPTIONS] --flat SEED FILE  the flat form of a random dataset
 *                                            the flat form can hold
 *   make-package --dump PATH OUTDIR          the values the library holds for a
 *                                            package or flat file: OUTDIR/TABLE.tsv
 *   make-package --cells CSV OUT             the cells of a CSV file, as libcsv
 *                                            reads it strictly (header included)
 *   make-package --probes OUT                values near each column's rules and
 *                                            whether the library accepts them
 *
 * OPTIONS: --reviews N (default 200); --awkward: the test suite's random_dataset()
 * values (edge spaces, lone CR, formula triggers, integers up to 2^63-1), with
 * "NA", "null", "010" and the like here and there, instead of realistic ones;
 * --max-int N: no integer above N (2^53-1 for readers that hold numbers as
 * doubles); --lf: line breaks in realistic text are LF only, never CR LF.
 *
 * The realistic data is what a council or the LGA would record: real-looking
 * https URLs, text with commas, quotes, apostrophes, line breaks and
 * non-ASCII letters, no value starting or ending with a space, some reviews
 * with dozens of items or a large team. Each dataset is saved, loaded back and
 * compared with what was generated; the save must raise no problem at all.
 *
 * A .tsv dump (--dump, --cells) has one line per record (the first is the
 * header) and, on each line, every field as the lowercase hex of its bytes,
 * fields separated by TAB; an empty field is an empty value (the library
 * holds no empty strings: empty means absent). Every reader of it (Node, R,
 * Python) decodes it with a few lines and no JSON library.
 */
#define _GNU_SOURCE
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "helpers.h"

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("make-package: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static unsigned below(uint64_t *s, unsigned n)
{
    return (unsigned)((rng_next(s) >> 11) % n);
}

#define PICK(s, a) ((a)[below(s, sizeof(a) / sizeof((a)[0]))])

/* ---- growing strings ---- */

typedef struct str {
    char *p;
    size_t len, cap;
} str;

static void s_add(str *b, const char *t, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            die("out of memory");
    }
    memcpy(b->p + b->len, t, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void s_adds(str *b, const char *t)
{
    s_add(b, t, strlen(t));
}

/* ---- setting values (any problem is fatal) ---- */

static void set_review(peerreview_review *r, const char *col, const char *v)
{
    peerreview_diag *d = peerreview_diag_new();
    int rc = peerreview_review_set_byname(r, col, v, d);
    if (rc != PEERREVIEW_OK) {
        dump_diag(d);
        die("setting reviews.%s to \"%s\": %s", col, v, peerreview_status_name(rc));
    }
    peerreview_diag_free(d);
}

static void set_row(peerreview_row *row, const char *col, const char *v)
{
    peerreview_diag *d = peerreview_diag_new();
    int rc = peerreview_row_set_byname(row, col, v, d);
    if (rc != PEERREVIEW_OK) {
        dump_diag(d);
        die("setting %s.%s to \"%s\": %s", peerreview_table_name(peerreview_row_table(row)), col, v,
            peerreview_status_name(rc));
    }
    peerreview_diag_free(d);
}

static peerreview_row *add_child(peerreview_review *r, int table, unsigned seq)
{
    peerreview_row *row = NULL;
    if (peerreview_review_add_child(r, table, &row) != PEERREVIEW_OK)
        die("adding a %s row", peerreview_table_name(table));
    char num[16];
    snprintf(num, sizeof num, "%u", seq);
    set_row(row, "seq", num);
    return row;
}

/* ---- realistic values ---- */

typedef struct council {
    const char *gss, *name, *auth, *domain, *dfe;
    int region; /* 1..9, 0 = none (Wales) */
} council;

static const council councils[] = {
    {"E06000043", "Brighton & Hove City Council", "unitary", "brighton-hove", "846", 8},
    {"E10000034", "Worcestershire County Council", "county", "worcestershire", "885", 5},
    {"E07000235", "Malvern Hills District Council", "non_metropolitan_district", "malvernhills",
     NULL, 5},
    {"E07000238", "Wychavon District Council", "non_metropolitan_district", "wychavon", NULL, 5},
    {"E08000025", "Birmingham City Council", "metropolitan_borough", "birmingham", "330", 5},
    {"E09000033", "Westminster City Council", "london_borough", "westminster", "213", 7},
    {"E06000023", "Bristol, City of", "unitary", "bristol", "801", 9},
    {"E06000019", "Herefordshire, County of", "unitary", "herefordshire", "884", 5},
    {"E08000013", "St. Helens Borough Council", "metropolitan_borough", "sthelens", "342", 2},
    {"E07000146", "King's Lynn and West Norfolk Borough Council", "non_metropolitan_district",
     "west-norfolk", NULL, 6},
    {"E10000031", "Warwickshire County Council", "county", "warwickshire", "937", 5},
    {"E06000047", "Durham County Council", "unitary", "durham", "840", 1},
    {"E08000035", "Leeds City Council", "metropolitan_borough", "leeds", "383", 3},
    {"E06000018", "Nottingham City Council", "unitary", "nottinghamcity", "892", 4},
    {"E09000012", "London Borough of Hackney", "london_borough", "hackney", "204", 7},
    {"E07000008", "Cambridge City Council", "non_metropolitan_district", "cambridge", NULL, 6},
    {"E10000014", "Hampshire County Council", "county", "hants", "850", 8},
    {"E06000052", "Cornwall Council", "unitary", "cornwall", "908", 9},
    {"E08000021", "Newcastle upon Tyne City Council", "metropolitan_borough", "newcastle", "391",
     1},
    {"E06000016", "Leicester City Council", "unitary", "leicester", "856", 4},
    {"E07000117", "Burnley Borough Council", "non_metropolitan_district", "burnley", NULL, 2},
    {"W06000001", "Cyngor Sir Ynys M\xc3\xb4n \xe2\x80\x93 Isle of Anglesey County Council",
     "unitary", "anglesey", NULL, 0},
};
#define NCOUNCILS (sizeof councils / sizeof councils[0])

static const char *const regions[] = {"North East",    "North West",    "Yorkshire and The Humber",
                                      "East Midlands", "West Midlands", "East of England",
                                      "London",        "South East",    "South West"};

/* Sentences: no line break, no '|', no edge space, no formula start. */
static const char *const sentences[] = {
    "The council has a clear vision, strong political leadership and a good understanding of "
    "its place",
    "Members and officers described the culture as \"open, honest and supportive\"",
    "Partners spoke highly of the council\xe2\x80\x99s role in the Health and Wellbeing Board",
    "Review the Medium Term Financial Strategy (MTFS) to close the \xc2\xa3"
    "4.2m gap by 2026",
    "Make sure the \xe2\x80\x98One Council\xe2\x80\x99 programme is understood by staff at all "
    "levels",
    "Caf\xc3\xa9-style sessions reached 1,200 residents, including Welsh speakers (Cymraeg)",
    "Improve the pace of decision-making \xe2\x80\x93 some decisions took over six months",
    "Develop a narrative for the place, e.g. \xe2\x80\x9cGrowing Together\xe2\x80\x9d",
    "Strengthen scrutiny; the committee's work programme is not yet aligned to priorities",
    "A r\xc3\xa9sum\xc3\xa9 of the findings was shared with the Leader and the Chief Executive",
    "Staff said: \"we know what is expected of us, and we feel trusted\"",
    "Invest in digital services, data and insight, so that decisions rest on evidence",
    "The peer team spoke to more than 150 people, in 40 meetings, over 4 days on site",
    "Children\xe2\x80\x99s services have improved since the 2019 Ofsted inspection",
    "Clarify roles between the cabinet, the scrutiny committees and the senior leadership team",
    "Na\xc3\xafve assumptions about income from commercial property should be revisited",
    "The \"Fit for the Future\" transformation is ambitious, but capacity is stretched",
    "Work with the voluntary and community sector (VCS) on early help",
    "Climate emergency declared in 2019; the action plan needs milestones and costs",
    "Residents rate the council's services well: 78% are satisfied (2023 survey)",
    "Build on the strong partnership with the NHS Integrated Care Board",
    "Z\xc3\xbcrich-style tram proposals were mentioned by several partners \xf0\x9f\x9a\x8b",
};

static const char *const first_names[] = {
    "Tony",        "Keith", "Si\xc3\xa2n", "Zo\xc3\xab", "Se\xc3\xa1n", "Chlo\xc3\xa9",
    "Jos\xc3\xa9", "Priya", "Amara",       "Mohammed",   "Helen",       "Bart\xc5\x82omiej",
    "\xc3\x85sa",  "Gwen",  "Oluwaseun",   "Mary-Jane"};
static const char *const last_names[] = {
    "McArdle", "Glazier", "O'Brien", "Smith-Jones", "M\xc3\xbcller", "N\xc3\xad Bhriain",
    "Nowak",   "Patel",   "Okonkwo", "Davies",      "Walker",        "de la Cruz",
    "Ap Rhys", "Khan",    "Evans",   "L\xc3\xb3pez"};
static const char *const job_titles[] = {"Chief Executive",
                                         "Leader",
                                         "Director of Children's Services",
                                         "Cabinet Member for Finance, Resources and Assets",
                                         "Deputy Leader",
                                         "Strategic Director, Place",
                                         "Head of Policy \xe2\x80\x93 Performance and Insight",
                                         "Director of Adult Social Services (DASS)",
                                         "Chief Fire Officer"};
static const char *const parties[] = {"Labour",      "Conservative", "Liberal Democrat",
                                      "Independent", "Green Party",  "Plaid Cymru"};
static const char *const role_labels[] = {"Lead peer", "Member peer", "Officer peer",
                                          "Peer challenge manager", "Shadow peer (NGDP)"};
static const char *const bodies[] = {"Cabinet",
                                     "Full Council",
                                     "Overview and Scrutiny Management Board",
                                     "Audit, Risk and Governance Committee",
                                     "Children\xe2\x80\x99s Services Scrutiny Panel",
                                     "Policy & Resources Committee"};
static const char *const type_abbrev[] = {"cpc", "fin", "gov", "csg", "cs",
                                          "asc", "pln", "com", "oth"};
static const char *const type_labels[] = {"Corporate Peer Challenge",
                                          "Finance peer review",
                                          "Governance peer review",
                                          "Safeguarding children peer review",
                                          "Children's services peer challenge",
                                          "Adults\xe2\x80\x99 social care peer challenge",
                                          "Planning Advisory Service peer challenge, follow-up",
                                          "Communications peer review",
                                          "Peer review (\"other\")"};
static const char *const providers[] = {"LGA", "LGA/PAS", "LGA with ADASS",
                                        "Local Government Association", "LGA & CfPS"};
static const char *const months[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};

/* --lf: paragraphs end with LF only (spreadsheets store CR LF in a cell as LF) */
static int lf_only;

/* One to max sentences; paragraphs (LF or CRLF) only when lines is set. */
static char *prose(uint64_t *s, unsigned max, int lines)
{
    str b = {0};
    unsigned n = 1 + below(s, max);
    for (unsigned i = 0; i < n; i++) {
        if (i)
            s_adds(&b, !lines || below(s, 3) ? ". " : lf_only || below(s, 2) ? ".\n" : ".\r\n\r\n");
        s_adds(&b, PICK(s, sentences));
    }
    if (below(s, 2))
        s_adds(&b, ".");
    return b.p;
}

static void set_prose(uint64_t *s, peerreview_row *row, const char *col, unsigned max, int lines)
{
    char *t = prose(s, max, lines);
    set_row(row, col, t);
    free(t);
}

static void date_str(uint64_t *s, int y, int m, int d, char *buf, size_t size, int min_prec)
{
    unsigned p = (unsigned)min_prec + below(s, 3 - (unsigned)min_prec);
    if (p == 0)
        snprintf(buf, size, "%04d", y);
    else if (p == 1)
        snprintf(buf, size, "%04d-%02d", y, m);
    else
        snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

static int days_in(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

static void add_days(int *y, int *m, int *d, int n)
{
    *d += n;
    while (*d > days_in(*y, *m)) {
        *d -= days_in(*y, *m);
        if (++*m > 12) {
            *m = 1;
            ++*y;
        }
    }
}

static void url(uint64_t *s, const council *c, int y, char *buf, size_t size)
{
    switch (below(s, 5)) {
    case 0:
        snprintf(buf, size,
                 "https://www.local.gov.uk/sites/default/files/documents/%s-peer-challenge-"
                 "feedback-report-%d.pdf",
                 c->domain, y);
        break;
    case 1:
        snprintf(buf, size, "https://www.%s.gov.uk/downloads/file/%u/peer-challenge-report-%d",
                 c->domain, 100 + below(s, 9000), y);
        break;
    case 2:
        snprintf(buf, size,
                 "https://democracy.%s.gov.uk/documents/s%u/Peer%%20Review%%20Report.pdf?T=9",
                 c->domain, 10000 + below(s, 90000));
        break;
    case 3:
        snprintf(buf, size,
                 "https://www.%s.gov.uk/news/article/%u/peer_review_findings_published?ref=twt&"
                 "utm_source=news",
                 c->domain, below(s, 5000));
        break;
    default:
        snprintf(buf, size, "https://www.local.gov.uk/case-studies/%s-%d#findings", c->domain, y);
    }
}

/* A realistic review: flat keeps child values on one line. */
static peerreview_review *real_review(uint64_t *s, peerreview_dataset *ds, size_t i, int flat)
{
    char buf[512];
    peerreview_review *r = peerreview_review_new();
    if (!r)
        die("out of memory");
    unsigned ncouncils = below(s, 8) ? 1 : 2 + below(s, 2);
    const council *cs[3];
    for (unsigned k = 0; k < ncouncils; k++) {
        cs[k] = &councils[below(s, NCOUNCILS)];
        for (unsigned j = 0; j < k; j++)
            if (cs[j] == cs[k]) {
                cs[k] = &councils[(size_t)(cs[k] - councils + 1) % NCOUNCILS];
                j = (unsigned)-1; /* check again */
            }
    }
    unsigned type = below(s, 9);
    int y = 2010 + (int)below(s, 16), m = 1 + (int)below(s, 12);
    int d = 1 + (int)below(s, (unsigned)days_in(y, m));
    /* review_id as the sample has them, unique */
    char id[96];
    snprintf(id, sizeof id, "%s-%s-%d-%02d", cs[0]->gss, type_abbrev[type], y, m);
    for (char *p = id; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (peerreview_dataset_review_byid(ds, id)) {
        size_t len = strlen(id);
        for (unsigned k = 2; peerreview_dataset_review_byid(ds, id); k++)
            snprintf(id + len, sizeof id - len, "-%u", k);
    }
    set_review(r, "review_id", id);
    set_review(r, "review_type", peerreview_column_enum_value(PEERREVIEW_REVIEWS, 1, type));
    if (below(s, 4))
        set_review(r, "review_type_label", type_labels[type]);
    /* a progress review follows up an earlier initial one */
    const char *parent = NULL;
    if (i > 0 && below(s, 5) == 0) {
        peerreview_review *p = peerreview_dataset_review_byindex_mut(ds, below(s, (unsigned)i));
        if (strcmp(review_str(p, "stage"), "initial") == 0)
            parent = review_str(p, "review_id");
    }
    set_review(r, "stage", parent ? "progress" : "initial");
    if (parent)
        set_review(r, "parent_review_id", parent);
    if (below(s, 5))
        set_review(r, "provider", PICK(s, providers));
    /* dates in order, at random precision; onsite_start always there */
    static const char *const ordered[] = {"onsite_start", "onsite_end", "report_date",
                                          "published_date"};
    static const int gaps[] = {0, 4, 40, 30};
    for (size_t k = 0; k < 4; k++) {
        add_days(&y, &m, &d, gaps[k] + (k ? (int)below(s, 20) : 0));
        if (k && below(s, 3) == 0)
            continue;
        date_str(s, y, m, d, buf, sizeof buf, k ? 1 : 0);
        set_review(r, ordered[k], buf);
    }
    if (below(s, 2))
        set_review(r, "onsite_mode",
                   peerreview_column_enum_value(PEERREVIEW_REVIEWS, 8, below(s, 3)));
    if (below(s, 3) == 0) {
        snprintf(buf, sizeof buf, "%04d-%02d", y + (m > 9), m > 9 ? m - 9 : m + 3);
        set_review(r, "action_plan_due", buf);
    }
    if (below(s, 3) == 0) {
        snprintf(buf, sizeof buf, "%04d", y + 1);
        set_review(r, "progress_review_planned", buf);
    }
    if (below(s, 4)) {
        url(s, cs[0], y, buf, sizeof buf);
        set_review(r, "report_url", buf);
    }
    if (below(s, 3)) {
        char *t = prose(s, 5, 1);
        set_review(r, "notes", t);
        free(t);
    }

    /* councils */
    for (unsigned k = 0; k < ncouncils; k++) {
        peerreview_row *row = add_child(r, PEERREVIEW_REVIEW_COUNCILS, k + 1);
        set_row(row, "gss_code", cs[k]->gss);
        set_row(row, "council_name", cs[k]->name);
        set_row(row, "authority_type", cs[k]->auth);
        if (cs[k]->region && below(s, 4)) {
            snprintf(buf, sizeof buf, "E1200000%d", cs[k]->region);
            set_row(row, "region_gss", buf);
            set_row(row, "region_name", regions[cs[k]->region - 1]);
        }
        if (cs[k]->dfe && below(s, 3))
            set_row(row, "dfe_la_code", cs[k]->dfe);
    }
    /* team: sometimes large; some members unnamed (as in the sample) */
    unsigned nteam = below(s, 3) ? below(s, 9) : 0;
    if (below(s, 20) == 0)
        nteam = 12 + below(s, 10);
    for (unsigned k = 0; k < nteam; k++) {
        peerreview_row *row = add_child(r, PEERREVIEW_TEAM_MEMBERS, k + 1);
        unsigned role = below(s, 7);
        int member = role == 1 || (role == 0 && below(s, 2));
        if (below(s, 6)) {
            snprintf(buf, sizeof buf, "%s%s %s", member && below(s, 2) ? "Cllr " : "",
                     PICK(s, first_names), PICK(s, last_names));
            set_row(row, "name", buf);
        }
        if (below(s, 5))
            set_row(row, "role", peerreview_column_enum_value(PEERREVIEW_TEAM_MEMBERS, 3, role));
        if (below(s, 4) == 0)
            set_row(row, "role_label", PICK(s, role_labels));
        if (member && below(s, 3))
            set_row(row, "member_party", PICK(s, parties));
        if (below(s, 3))
            set_row(row, "job_title", PICK(s, job_titles));
        if (below(s, 4))
            set_row(row, "organisation",
                    below(s, 6) ? councils[below(s, NCOUNCILS)].name
                                : "Local Government Association");
        if (!row_str(row, "name") && !row_str(row, "organisation"))
            set_row(row, "organisation", councils[below(s, NCOUNCILS)].name);
    }
    /* items: a few per kind, sometimes dozens */
    unsigned nrec = 0;
    for (size_t k = 0; k < 6; k++) {
        const char *kind = peerreview_column_enum_value(PEERREVIEW_ITEMS, 1, k);
        unsigned n = below(s, 2) ? below(s, 5) : 0;
        if ((k == 2 || k == 3) && below(s, 15) == 0)
            n = 25 + below(s, 40);
        if (k == 3)
            nrec = n;
        for (unsigned q = 0; q < n; q++) {
            peerreview_row *row = NULL;
            if (peerreview_review_add_child(r, PEERREVIEW_ITEMS, &row) != PEERREVIEW_OK)
                die("adding an item");
            set_row(row, "kind", kind);
            snprintf(buf, sizeof buf, "%u", q + 1);
            set_row(row, "seq", buf);
            set_prose(s, row, "text", 3, !flat);
        }
    }
    /* considerations */
    unsigned ncons = below(s, 3) ? 0 : 1 + below(s, 2);
    for (unsigned k = 0; k < ncons; k++) {
        peerreview_row *row = add_child(r, PEERREVIEW_CONSIDERATIONS, k + 1);
        if (below(s, 4)) {
            int cy = y, cm = m, cd = d;
            add_days(&cy, &cm, &cd, 20 + (int)below(s, 200));
            date_str(s, cy, cm, cd, buf, sizeof buf, 1);
            set_row(row, "date", buf);
        }
        set_row(row, "body", PICK(s, bodies));
        if (below(s, 2))
            set_prose(s, row, "outcome", 2, !flat);
    }
    /* sources */
    unsigned nsrc = 1 + below(s, 3);
    for (unsigned k = 0; k < nsrc; k++) {
        peerreview_row *row = add_child(r, PEERREVIEW_SOURCES, k + 1);
        url(s, cs[below(s, ncouncils)], y, buf, sizeof buf);
        set_row(row, "url", buf);
        if (below(s, 4)) {
            switch (below(s, 3)) {
            case 0:
                snprintf(buf, sizeof buf, "Council news release, %d %s %d", d, months[m - 1], y);
                break;
            case 1:
                snprintf(buf, sizeof buf, "LGA report: \xe2\x80\x9c%s\xe2\x80\x9d",
                         type_labels[type]);
                break;
            default:
                snprintf(buf, sizeof buf, "%s minutes, item %u", PICK(s, bodies), 1 + below(s, 12));
            }
            set_row(row, "description", buf);
        }
    }
    /* counts: never below what is listed */
    if (below(s, 3)) {
        snprintf(buf, sizeof buf, "%u", nrec + below(s, 4));
        set_review(r, "recommendation_count", buf);
    }
    if (below(s, 3)) {
        snprintf(buf, sizeof buf, "%u", nteam + below(s, 3) + (nteam ? 0 : 1));
        set_review(r, "team_size", buf);
    }
    if (below(s, 2)) {
        snprintf(buf, sizeof buf, "%u", 20 + below(s, 430));
        set_review(r, "people_engaged", buf);
    }
    if (below(s, 2)) {
        snprintf(buf, sizeof buf, "%u", 5 + below(s, 115));
        set_review(r, "meetings_held", buf);
    }
    return r;
}

static peerreview_dataset *realistic(uint64_t *s, size_t n, int flat)
{
    peerreview_dataset *ds = peerreview_dataset_new();
    if (!ds)
        die("out of memory");
    for (size_t i = 0; i < n; i++) {
        peerreview_review *r = real_review(s, ds, i, flat);
        if (peerreview_dataset_add(ds, r, NULL) != PEERREVIEW_OK)
            die("adding review %zu", i);
    }
    return ds;
}

/* ---- awkward values: random_dataset() of the unit tests, gathered ---- */

static void copy_into(peerreview_dataset *dst, const peerreview_dataset *src)
{
    for (size_t i = 0; i < peerreview_dataset_count(src); i++) {
        const peerreview_review *a = peerreview_dataset_review_byindex(src, i);
        peerreview_review *b = peerreview_review_new();
        if (!b)
            die("out of memory");
        for (size_t c = 0; c < peerreview_column_count(PEERREVIEW_REVIEWS); c++)
            if (peerreview_review_set_byindex(b, c, review_str_at(a, c), NULL) != PEERREVIEW_OK)
                die("copying reviews.%s", peerreview_column_name(PEERREVIEW_REVIEWS, c));
        for (int t = 1; t < PEERREVIEW_TABLE_COUNT; t++)
            for (size_t k = 0; k < peerreview_review_child_count(a, t); k++) {
                const peerreview_row *x = peerreview_review_child_byindex(a, t, k);
                peerreview_row *y = NULL;
                if (peerreview_review_add_child(b, t, &y) != PEERREVIEW_OK)
                    die("copying a %s row", peerreview_table_name(t));
                for (size_t c = 1; c < peerreview_column_count(t); c++)
                    if (peerreview_row_set_byindex(y, c, row_str_at(x, c), NULL) != PEERREVIEW_OK)
                        die("copying %s.%s", peerreview_table_name(t),
                            peerreview_column_name(t, c));
            }
        if (peerreview_dataset_add(dst, b, NULL) != PEERREVIEW_OK)
            die("adding a copied review");
    }
}

static peerreview_dataset *awkward(uint64_t *s, size_t n, int flat)
{
    peerreview_dataset *ds = peerreview_dataset_new();
    if (!ds)
        die("out of memory");
    while (peerreview_dataset_count(ds) < n) {
        peerreview_dataset *part = random_dataset(s, flat, 0);
        copy_into(ds, part);
        peerreview_dataset_free(part);
    }
    return ds;
}

/*
 * Text that readers take for something else at their defaults: NA markers
 * (readr's "NA", pandas' "NA", "N/A", "null", "nan", ...), booleans, numbers
 * with leading zeros or exponents. Set on about one review in four (and its
 * first child rows), in columns that take any text.
 */
static void sprinkle(uint64_t *s, peerreview_dataset *ds)
{
    static const char *const tricky[] = {"NA",  "N/A",  "n/a",  "null",    "NULL", "nan",
                                         "NaN", "#N/A", "None", "<NA>",    "TRUE", "false",
                                         "010", "1e3",  "1,5",  "2015-04", "007"};
    static const struct {
        int table;
        const char *col;
    } where[] = {{PEERREVIEW_REVIEWS, "review_type_label"},
                 {PEERREVIEW_REVIEWS, "provider"},
                 {PEERREVIEW_REVIEWS, "notes"},
                 {PEERREVIEW_TEAM_MEMBERS, "name"},
                 {PEERREVIEW_TEAM_MEMBERS, "member_party"},
                 {PEERREVIEW_ITEMS, "text"},
                 {PEERREVIEW_CONSIDERATIONS, "outcome"},
                 {PEERREVIEW_SOURCES, "description"}};
    for (size_t i = 0; i < peerreview_dataset_count(ds); i++) {
        if (below(s, 4))
            continue;
        peerreview_review *r = peerreview_dataset_review_byindex_mut(ds, i);
        for (size_t k = 0; k < sizeof where / sizeof where[0]; k++) {
            if (below(s, 2))
                continue;
            const char *v = PICK(s, tricky);
            if (where[k].table == PEERREVIEW_REVIEWS)
                set_review(r, where[k].col, v);
            else if (peerreview_review_child_count(r, where[k].table))
                set_row(peerreview_review_child_byindex_mut(r, where[k].table, 0), where[k].col, v);
        }
    }
}

static void cap_integers(peerreview_dataset *ds, unsigned long long max)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", max);
    for (size_t i = 0; i < peerreview_dataset_count(ds); i++) {
        peerreview_review *r = peerreview_dataset_review_byindex_mut(ds, i);
        for (size_t c = 0; c < peerreview_column_count(PEERREVIEW_REVIEWS); c++) {
            const char *v = review_str_at(r, c);
            if (peerreview_column_type(PEERREVIEW_REVIEWS, c) == PEERREVIEW_TYPE_INTEGER && v &&
                strtoull(v, NULL, 10) > max)
                if (peerreview_review_set_byindex(r, c, buf, NULL) != PEERREVIEW_OK)
                    die("capping an integer");
        }
    }
}

/* ---- dumps ---- */

static void put_hex(FILE *f, const char *v, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        putc(hex[c >> 4], f);
        putc(hex[c & 15], f);
    }
}

static FILE *open_out(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot write %s: %s", path, strerror(errno));
    return f;
}

static void close_out(FILE *f, const char *path)
{
    if (ferror(f) | fclose(f))
        die("cannot write %s", path);
}

/* The library's export order: items by kind (schema order) then seq; others by seq. */
static long long kind_index(const peerreview_row *row)
{
    const char *k = row_str(row, "kind");
    for (size_t i = 0; k && i < peerreview_column_enum_count(PEERREVIEW_ITEMS, 1); i++)
        if (strcmp(k, peerreview_column_enum_value(PEERREVIEW_ITEMS, 1, i)) == 0)
            return (long long)i;
    return 1000;
}

static int before(const peerreview_row *a, const peerreview_row *b)
{
    if (peerreview_row_table(a) == PEERREVIEW_ITEMS && kind_index(a) != kind_index(b))
        return kind_index(a) < kind_index(b);
    const char *sa = row_str(a, "seq"), *sb = row_str(b, "seq");
    long long x = sa ? strtoll(sa, NULL, 10) : INT64_MAX,
              y = sb ? strtoll(sb, NULL, 10) : INT64_MAX;
    return x < y;
}

static void dump_table(const peerreview_dataset *ds, int t, const char *dir)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%s.tsv", dir, peerreview_table_name(t)) < 0)
        die("out of memory");
    FILE *f = open_out(path);
    size_t nc = peerreview_column_count(t);
    for (size_t c = 0; c < nc; c++) {
        if (c)
            putc('\t', f);
        put_hex(f, peerreview_column_name(t, c), strlen(peerreview_column_name(t, c)));
    }
    putc('\n', f);
    for (size_t i = 0; i < peerreview_dataset_count(ds); i++) {
        const peerreview_review *r = peerreview_dataset_review_byindex(ds, i);
        size_t n = t ? peerreview_review_child_count(r, t) : 1;
        const peerreview_row **rows = calloc(n + 1, sizeof *rows);
        if (!rows)
            die("out of memory");
        for (size_t k = 0; t && k < n; k++) {
            /* stable insertion in export order */
            const peerreview_row *x = peerreview_review_child_byindex(r, t, k);
            size_t j = k;
            for (; j > 0 && before(x, rows[j - 1]); j--)
                rows[j] = rows[j - 1];
            rows[j] = x;
        }
        for (size_t k = 0; k < n; k++) {
            for (size_t c = 0; c < nc; c++) {
                const char *v = t ? row_str_at(rows[k], c) : review_str_at(r, c);
                if (c)
                    putc('\t', f);
                if (v)
                    put_hex(f, v, strlen(v));
            }
            putc('\n', f);
        }
        free(rows);
    }
    close_out(f, path);
    free(path);
}

static void dump(const char *in, const char *dir)
{
    peerreview_dataset *ds = load_ok(in, NULL);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        die("cannot make %s: %s", dir, strerror(errno));
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++)
        dump_table(ds, t, dir);
    peerreview_dataset_free(ds);
}

/* --cells: libcsv, strict, every record as it is (nothing trimmed) */
typedef struct cells {
    FILE *f;
    int first; /* no field yet on this line */
} cells;

static void cell_cb(void *s, size_t len, void *data)
{
    cells *c = data;
    if (!c->first)
        putc('\t', c->f);
    c->first = 0;
    put_hex(c->f, s, len);
}

static void record_cb(int ch, void *data)
{
    (void)ch;
    cells *c = data;
    putc('\n', c->f);
    c->first = 1;
}

/* libcsv trims spaces and tabs at both ends of unquoted fields unless told otherwise */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static void dump_cells(const char *in, const char *out)
{
    size_t len = 0;
    char *text = read_file(in, &len);
    if (!text)
        die("cannot read %s", in);
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        die("csv_init");
    csv_set_space_func(&p, no_space);
    cells c = {open_out(out), 1};
    if (csv_parse(&p, text, len, cell_cb, record_cb, &c) != len ||
        csv_fini(&p, cell_cb, record_cb, &c) != 0)
        die("%s is not strict CSV: %s", in, csv_strerror(csv_error(&p)));
    csv_free(&p);
    close_out(c.f, out);
    free(text);
}

/*
 * --probes: values around each checked column's rules, with the library's
 * verdict (peerreview_check_value), so that other tools' readings of the
 * descriptor can be held to the same rules. One line per probe: table,
 * column, hex of the value, 1 (accepted) or 0 (rejected), TAB-separated.
 */
static const char *const date_probes[] = {
    "2015",       "2015-04",    "2015-04-30", "2015-02-28",       "2016-02-29",
    "2000-02-29", "2015-02-29", "1900-02-29", "2015-02-30",       "2015-04-31",
    "2015-06-31", "2015-13",    "2015-00",    "2015-01-00",       "2015-01-32",
    "2015-1-5",   "15",         "20150",      "2015-04-30T10:00", " 2015",
    "2015 ",      "2015/04",    "9999-12-31"};
static const char *const integer_probes[] = {"0",   "1",   "42", "+3", "03",    "-1",
                                             "1.0", "1e3", " 3", "3 ", "1,000", "9007199254740991"};
static const char *const code_probes[] = {
    "E10000034", "e10000034", "E1000003",  "E100000345", "e10000034-cpc-2012",
    "-cpc",      "a b",       "ABC",       "abc",        "885",
    "85",        "0885",      "E12000005", "E12000010",  "W06000001"};

static void probe(FILE *f, int t, size_t c, const char *v)
{
    peerreview_diag *d = peerreview_diag_new();
    int rc = peerreview_check_value(t, c, v, d);
    if (rc != PEERREVIEW_OK && rc != PEERREVIEW_EDATA)
        die("check_value %s.%s: %s", peerreview_table_name(t), peerreview_column_name(t, c),
            peerreview_status_name(rc));
    peerreview_diag_free(d);
    fprintf(f, "%s\t%s\t", peerreview_table_name(t), peerreview_column_name(t, c));
    put_hex(f, v, strlen(v));
    fprintf(f, "\t%d\n", rc == PEERREVIEW_OK);
}

static void probes(const char *out)
{
    FILE *f = open_out(out);
    for (int t = 0; t < PEERREVIEW_TABLE_COUNT; t++)
        for (size_t c = 0; c < peerreview_column_count(t); c++) {
            const char *const *v = NULL;
            size_t n = 0;
            switch (peerreview_column_type(t, c)) {
            case PEERREVIEW_TYPE_DATE:
                v = date_probes, n = sizeof date_probes / sizeof *v;
                break;
            case PEERREVIEW_TYPE_INTEGER:
                v = integer_probes, n = sizeof integer_probes / sizeof *v;
                break;
            case PEERREVIEW_TYPE_CODE:
                v = code_probes, n = sizeof code_probes / sizeof *v;
                break;
            case PEERREVIEW_TYPE_ENUM:
                for (size_t i = 0; i < peerreview_column_enum_count(t, c); i++) {
                    const char *e = peerreview_column_enum_value(t, c, i);
                    char buf[128];
                    probe(f, t, c, e);
                    snprintf(buf, sizeof buf, "%s ", e);
                    probe(f, t, c, buf);
                    snprintf(buf, sizeof buf, "%c%s",
                             islower((unsigned char)e[0]) ? toupper((unsigned char)e[0])
                                                          : tolower((unsigned char)e[0]),
                             e + 1);
                    probe(f, t, c, buf);
                }
                probe(f, t, c, "unknown_value");
                break;
            default:
                break;
            }
            for (size_t i = 0; i < n; i++)
                probe(f, t, c, v[i]);
        }
    close_out(f, out);
}

/* ---- main ---- */

static void save_checked(const peerreview_dataset *ds, const char *path, int flat)
{
    peerreview_options *o = peerreview_options_new();
    if (!o || peerreview_options_set_form(o, flat ? PEERREVIEW_FORM_FLAT : PEERREVIEW_FORM_PACKAGE))
        die("options");
    peerreview_diag *d = peerreview_diag_new();
    int rc = peerreview_save(ds, path, o, d);
    /* realistic data must save with no problem at all; awkward may warn (seq gaps) */
    if (rc != PEERREVIEW_OK || peerreview_diag_errors(d)) {
        dump_diag(d);
        die("saving %s: %s", path, peerreview_status_name(rc));
    }
    peerreview_diag_free(d);
    peerreview_dataset *back = load_ok(path, o);
    assert_dataset_equal(ds, back);
    peerreview_dataset_free(back);
    peerreview_options_free(o);
}

static void usage(void)
{
    fputs("usage: make-package [--reviews N] [--awkward] [--max-int N] [--lf] [--flat] SEED PATH\n"
          "       make-package --dump PATH OUTDIR\n"
          "       make-package --cells CSV OUT\n"
          "       make-package --probes OUT\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    size_t n = 200;
    int flat = 0, awk = 0;
    unsigned long long max_int = 0;
    int i = 1;
    if (argc == 4 && strcmp(argv[1], "--dump") == 0) {
        dump(argv[2], argv[3]);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--probes") == 0) {
        probes(argv[2]);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "--cells") == 0) {
        dump_cells(argv[2], argv[3]);
        return 0;
    }
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (strcmp(argv[i], "--flat") == 0)
            flat = 1;
        else if (strcmp(argv[i], "--awkward") == 0)
            awk = 1;
        else if (strcmp(argv[i], "--lf") == 0)
            lf_only = 1;
        else if (strcmp(argv[i], "--reviews") == 0 && i + 1 < argc)
            n = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--max-int") == 0 && i + 1 < argc)
            max_int = strtoull(argv[++i], NULL, 10);
        else
            usage();
    }
    if (argc - i != 2)
        usage();
    uint64_t seed = strtoull(argv[i], NULL, 10);
    /* xorshift needs a non-zero state; mix the seed so that 1, 2, 3 differ at once */
    uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
    if (!s)
        s = 1;
    peerreview_dataset *ds = awk ? awkward(&s, n, flat) : realistic(&s, n, flat);
    if (awk)
        sprinkle(&s, ds);
    if (max_int)
        cap_integers(ds, max_int);
    save_checked(ds, argv[i + 1], flat);
    peerreview_dataset_free(ds);
    return 0;
}
