/* prgen: the synthetic package of make bench (bench/README.md), written as
 * canonical CSV (doc/format.md §8) straight from a seeded generator, so that
 * the same arguments always give the same bytes.
 *
 *   prgen [--seed=S] [--errors] N DIR     a package of N reviews in DIR (the
 *                                         six table files; copy a
 *                                         datapackage.json beside them)
 *   prgen [--seed=S] --items=ROWS FILE    an items.csv of ROWS rows alone
 *
 * Each review has 1 council, 6 team members, 12 items (2 focus, 3 strengths,
 * 3 areas for consideration, 3 recommendations, 1 council priority), 1
 * consideration and 1 or 2 sources; about 1 review in 8 is a progress review
 * of an earlier initial one. Free text has commas, doubled quotes, line
 * breaks and some non-ASCII UTF-8. The package has no problem at all (no
 * error, no warning). With --errors every data row of every table carries
 * exactly one error instead (a bad date, pattern, enum, integer or URL) and
 * nothing else; the files have nearly the same size. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- a seeded generator (splitmix64): the same seed, the same bytes ---- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A number in [0, n). */
static unsigned rnd(unsigned n)
{
    return (unsigned)(rng_next() % n);
}

#define PICK(arr) (arr[rnd(sizeof arr / sizeof arr[0])])

/* ---- output: one table file, fields with minimal quoting ---- */

struct out {
    FILE *f;
    const char *path;
    int first; /* no field written yet in this record */
};

static void die(const char *what, const char *path)
{
    fprintf(stderr, "prgen: %s %s: %s\n", what, path, strerror(errno));
    exit(2);
}

static void out_open(struct out *o, const char *path, const char *header)
{
    o->path = path;
    o->f = fopen(path, "wb");
    if (!o->f)
        die("cannot create", path);
    setvbuf(o->f, NULL, _IOFBF, 1 << 18);
    fputs(header, o->f);
    fputs("\r\n", o->f);
    o->first = 1;
}

static void out_close(struct out *o)
{
    if (ferror(o->f) || fclose(o->f) != 0)
        die("cannot write", o->path);
}

/* One field (NULL or "" is an empty field), quoted only when it holds a
 * comma, a quote, CR or LF, as a save writes it. */
static void field(struct out *o, const char *s)
{
    if (!o->first)
        putc(',', o->f);
    o->first = 0;
    if (!s || !*s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, o->f);
        return;
    }
    putc('"', o->f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            putc('"', o->f);
        putc(*p, o->f);
    }
    putc('"', o->f);
}

static void fieldf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fieldf(struct out *o, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    field(o, buf);
}

static void end_record(struct out *o)
{
    fputs("\r\n", o->f);
    o->first = 1;
}

/* ---- free text ---- */

static const char *const words[] = {
    "council",
    "peer",
    "team",
    "members",
    "officers",
    "residents",
    "partners",
    "leadership",
    "strategy",
    "the",
    "and",
    "of",
    "to",
    "in",
    "a",
    "with",
    "for",
    "on",
    "its",
    "their",
    "financial",
    "planning",
    "governance",
    "capacity",
    "delivery",
    "priorities",
    "performance",
    "improvement",
    "challenge",
    "services",
    "children's",
    "adult",
    "social",
    "care",
    "housing",
    "budget",
    "savings",
    "transformation",
    "communities",
    "engagement",
    "scrutiny",
    "culture",
    "workforce",
    "digital",
    "customer",
    "place",
    "growth",
    "economy",
    "health",
    "wellbeing",
    "climate",
    "resilience",
    "commissioning",
    "contracts",
    "risk",
    "assurance",
    "audit",
    "medium-term",
    "plan",
    "programme",
    "clear",
    "shared",
    "ambitious",
    "strong",
    "effective",
    "consistent",
    "visible",
    "local",
    "regional",
    "national",
    "front-line",
    "senior",
    "political",
    "cross-party",
    "member-officer",
    "relationships",
    "decisions",
    "evidence",
    "outcomes",
    "demand",
    "pressures",
    "investment",
    "reserves",
    "£4 million",
    "café",
    "naïve",
    "2015",
    "24%",
    "3,000",
    "one-off",
};

static const char *const openers[] = {
    "The council", "Members", "The peer team", "Officers", "Partners",    "Residents",
    "Leadership",  "Staff",   "The authority", "Scrutiny", "The cabinet", "Managers",
};

/* Free text of about len bytes into buf (size > len + 64): sentences of
 * words, sometimes a comma, a quoted phrase ("" in the file), a line break
 * between sentences. Starts with a capital letter, never with a formula
 * prefix, never with white space. */
static void text(char *buf, size_t size, size_t len)
{
    size_t n = 0;
    int sentence = 1;
    while (n < len && n + 64 < size) {
        if (sentence) {
            n += (size_t)snprintf(buf + n, size - n, "%s", PICK(openers));
            sentence = 0;
        }
        unsigned r = rnd(100);
        const char *w = PICK(words);
        if (r < 6)
            n += (size_t)snprintf(buf + n, size - n, " \"%s %s\"", w, PICK(words));
        else if (r < 16)
            n += (size_t)snprintf(buf + n, size - n, ", %s", w);
        else
            n += (size_t)snprintf(buf + n, size - n, " %s", w);
        if (rnd(100) < 9 && n < len) {
            /* end the sentence: a full stop, then a space or a line break */
            unsigned b = rnd(100);
            n += (size_t)snprintf(buf + n, size - n, "%s", b < 15 ? ".\n" : ". ");
            sentence = 1;
        }
    }
    buf[n++] = '.';
    buf[n] = '\0';
}

/* ---- the package ---- */

static const char *const review_types[] = {"corporate",
                                           "finance",
                                           "governance",
                                           "childrens_safeguarding",
                                           "childrens_services",
                                           "adult_social_care",
                                           "planning",
                                           "communications",
                                           "other"};
static const char *const type_abbrev[] = {"cpc", "fin", "gov", "csg", "csv",
                                          "asc", "pln", "com", "oth"};
static const char *const type_labels[] = {"Corporate Peer Challenge",
                                          "Finance peer review",
                                          "Governance peer review",
                                          "Safeguarding children peer review",
                                          "Children's services peer review",
                                          "Adult social care peer challenge",
                                          "Planning peer challenge, PAS",
                                          "Communications health check",
                                          "Other peer support"};
static const char *const modes[] = {"onsite", "virtual", "hybrid"};

/* Councils: a GSS prefix fixes the authority type (doc/format.md §4.5). */
static const char *const gss_prefix[] = {"E06", "E07", "E08", "E09", "E10", "W06"};
static const char *const auth_type[] = {
    "unitary", "non_metropolitan_district", "metropolitan_borough", "london_borough", "county",
    "unitary"};
static const char *const region_name[] = {
    "North East",    "North West",    "Yorkshire and The Humber",
    "East Midlands", "West Midlands", "East of England",
    "London",        "South East",    "South West"};
static const char *const places[] = {"Worcestershire", "Warwickshire", "Kirklees", "Camden",
                                     "Cornwall",       "Leeds",        "Norfolk",  "Bristol",
                                     "Wychavon",       "Sefton",       "Harrow",   "Durham"};
static const char *const roles[] = {"lead_peer",
                                    "member_peer",
                                    "officer_peer",
                                    "officer_peer",
                                    "peer_challenge_manager",
                                    "lived_experience_peer"};
static const char *const role_labels[] = {
    "Lead peer",    "Member peer, Labour",          "Officer peer",
    "Officer peer", "Peer challenge manager (LGA)", ""};
static const char *const parties[] = {"Labour",      "Conservative", "Liberal Democrat",
                                      "Independent", "Green",        ""};
static const char *const first_names[] = {"Tony", "Keith", "Alan",   "Sarah", "Priya", "Joanne",
                                          "Mark", "Helen", "Rachel", "Owen",  "Zoë",   "Siân"};
static const char *const surnames[] = {"McArdle",  "Glazier", "Rhodes", "O'Brien", "Patel",
                                       "Williams", "Jones",   "Smith",  "Khan",    "Evans"};
static const char *const jobs[] = {
    "Chief Executive",         "Leader",         "Director of Children's Services",
    "Cabinet Member, Finance", "Head of Policy", "Strategic Director"};
static const char *const kinds[] = {"focus", "strength", "area_for_consideration", "recommendation",
                                    "council_priority"};
static const int kind_count[] = {2, 3, 3, 3, 1}; /* 12 items */
static const char *const bodies[] = {"Cabinet", "Overview and Scrutiny Committee", "Full Council",
                                     "Audit, Governance and Standards Committee", "Executive"};

struct date {
    int y, m, d;
};

static void fmt_date(char *buf, size_t size, struct date t, int precision)
{
    if (precision == 1)
        snprintf(buf, size, "%04d", t.y);
    else if (precision == 2)
        snprintf(buf, size, "%04d-%02d", t.y, t.m);
    else
        snprintf(buf, size, "%04d-%02d-%02d", t.y, t.m, t.d);
}

/* t plus days (days < 28), with months of 28 days at most: always a date. */
static struct date add_days(struct date t, int days)
{
    t.d += days;
    while (t.d > 28) {
        t.d -= 28;
        if (++t.m > 12) {
            t.m = 1;
            t.y++;
        }
    }
    return t;
}

static void package(unsigned long n, const char *dir, int errors)
{
    char path[4096];
    struct out rv, co, tm, it, cn, so;
#define OPEN(o, name, header)                                                                      \
    (snprintf(path, sizeof path, "%s/%s", dir, name), out_open(&o, strdup(path), header))
    OPEN(rv, "reviews.csv",
         "review_id,review_type,review_type_label,stage,parent_review_id,provider,onsite_start,"
         "onsite_end,onsite_mode,report_date,published_date,action_plan_due,"
         "progress_review_planned,recommendation_count,team_size,people_engaged,meetings_held,"
         "report_url,notes");
    OPEN(co, "review_councils.csv",
         "review_id,seq,gss_code,council_name,authority_type,region_gss,region_name,dfe_la_code");
    OPEN(tm, "team_members.csv",
         "review_id,seq,name,role,role_label,member_party,job_title,organisation");
    OPEN(it, "items.csv", "review_id,kind,seq,text");
    OPEN(cn, "considerations.csv", "review_id,seq,date,body,outcome");
    OPEN(so, "sources.csv", "review_id,seq,url,description");
#undef OPEN

    char id[96], parent[96] = "", buf[2048], d1[40], d2[40], d3[40], d4[40];
    int have_initial = 0;
    for (unsigned long i = 0; i < n; i++) {
        unsigned t = rnd(9), g = rnd(6), region = rnd(9);
        unsigned council = 1 + rnd(999999);
        struct date start = {2010 + (int)rnd(15), 1 + (int)rnd(12), 1 + (int)rnd(28)};
        snprintf(id, sizeof id, "%c%s%06u-%s-%04d-%02d-%07lu", g == 5 ? 'w' : 'e',
                 gss_prefix[g] + 1, council, type_abbrev[t], start.y, start.m, i + 1);
        /* a progress review follows up the last initial one */
        int progress = have_initial && rnd(8) == 0;

        /* reviews.csv */
        field(&rv, id);
        field(&rv, review_types[t]);
        field(&rv, type_labels[t]);
        field(&rv, progress ? "progress" : "initial");
        field(&rv, progress ? parent : NULL);
        field(&rv, rnd(4) ? "LGA" : "LGA/PAS");
        struct date end = add_days(start, 3 + (int)rnd(3));
        struct date report = add_days(end, 14 + (int)rnd(14));
        struct date published = add_days(report, 7 + (int)rnd(20));
        fmt_date(d1, sizeof d1, start, rnd(10) ? 3 : 2);
        if (errors) /* bad-date: no month 13 */
            snprintf(d1, sizeof d1, "%04d-13-%02d", start.y, start.d);
        fmt_date(d2, sizeof d2, end, 3);
        fmt_date(d3, sizeof d3, report, rnd(3) ? 3 : 2);
        fmt_date(d4, sizeof d4, published, 3);
        field(&rv, d1);
        field(&rv, rnd(5) ? d2 : NULL);
        field(&rv, PICK(modes));
        field(&rv, d3);
        field(&rv, rnd(3) ? d4 : NULL);
        fmt_date(d2, sizeof d2, add_days(published, 20), 2);
        field(&rv, rnd(2) ? d2 : NULL);
        fmt_date(d2, sizeof d2, (struct date){published.y + 1, published.m, 1}, 1);
        field(&rv, rnd(3) ? NULL : d2);
        fieldf(&rv, "%u", 3 + rnd(10)); /* at least the 3 recommendation items */
        fieldf(&rv, "%u", 6 + rnd(3));  /* at least the 6 team members */
        if (rnd(2))
            fieldf(&rv, "%u", 20 + rnd(300));
        else
            field(&rv, NULL);
        if (rnd(2))
            fieldf(&rv, "%u", rnd(60));
        else
            field(&rv, NULL);
        fieldf(&rv,
               "https://www.local.gov.uk/sites/default/files/documents/%s-peer-challenge-%u.pdf",
               id, rnd(1000));
        text(buf, sizeof buf, 60 + rnd(245));
        field(&rv, buf);
        end_record(&rv);
        if (!progress) {
            memcpy(parent, id, sizeof id);
            have_initial = 1;
        }

        /* review_councils.csv */
        const char *place = PICK(places);
        field(&co, id);
        field(&co, "1");
        fieldf(&co, "%s%06u", gss_prefix[g], council);
        fieldf(&co, "%s %s Council", place,
               g == 4             ? "County"
               : g == 2 || g == 3 ? "Borough"
                                  : "District");
        field(&co, auth_type[g]);
        fieldf(&co, "E1200000%u", region + 1);
        field(&co, region_name[region]);
        if (errors) /* bad-pattern: four digits */
            fieldf(&co, "%04u", rnd(10000));
        else if (g == 4 || g == 0 || g == 2 || g == 3)
            fieldf(&co, "%03u", rnd(1000));
        else
            field(&co, NULL);
        end_record(&co);

        /* team_members.csv */
        for (unsigned k = 0; k < 6; k++) {
            field(&tm, id);
            fieldf(&tm, "%u", k + 1);
            fieldf(&tm, "%s %s", PICK(first_names), PICK(surnames));
            if (errors) { /* bad-enum: a capital letter */
                fieldf(&tm, "%c%s", roles[k][0] - 'a' + 'A', roles[k] + 1);
            } else {
                field(&tm, roles[k]);
            }
            field(&tm, role_labels[k]);
            field(&tm, k == 1 ? PICK(parties) : NULL);
            field(&tm, PICK(jobs));
            fieldf(&tm, "%s %s Council", PICK(places), rnd(2) ? "County" : "City");
            end_record(&tm);
        }

        /* items.csv: kinds in schema order, seq 1, 2, ... in each */
        for (unsigned k = 0; k < 5; k++)
            for (int s = 1; s <= kind_count[k]; s++) {
                field(&it, id);
                field(&it, kinds[k]);
                if (errors) /* bad-integer: a leading zero */
                    fieldf(&it, "0%d", s);
                else
                    fieldf(&it, "%d", s);
                text(buf, sizeof buf, 12 + rnd(80));
                field(&it, buf);
                end_record(&it);
            }

        /* considerations.csv */
        field(&cn, id);
        field(&cn, "1");
        fmt_date(d2, sizeof d2, add_days(published, 10), 3);
        if (errors) /* bad-date: February 30 */
            snprintf(d2, sizeof d2, "%04d-02-30", published.y);
        field(&cn, d2);
        field(&cn, PICK(bodies));
        text(buf, sizeof buf, 30 + rnd(60));
        field(&cn, buf);
        end_record(&cn);

        /* sources.csv */
        unsigned nsrc = 1 + rnd(2);
        for (unsigned k = 0; k < nsrc; k++) {
            field(&so, id);
            fieldf(&so, "%u", k + 1);
            fieldf(&so, "%s://www.%s.gov.uk/news/article/%u/peer_review_findings_published",
                   errors ? "ftp" : "https", places[rnd(12)], rnd(100000)); /* bad-url */
            fieldf(&so, "Council news release, %d %s %d", 1 + (int)rnd(28),
                   rnd(2) ? "June" : "October", published.y);
            end_record(&so);
        }
    }
    struct out *all[] = {&rv, &co, &tm, &it, &cn, &so};
    for (size_t k = 0; k < 6; k++) {
        out_close(all[k]);
        free((char *)all[k]->path);
    }
}

/* An items.csv of rows rows alone, for the streaming reader: reviews of 12
 * items each, numbered as in a package. */
static void items_only(unsigned long rows, const char *path)
{
    struct out it;
    out_open(&it, path, "review_id,kind,seq,text");
    char id[64], buf[2048];
    unsigned long r = 0;
    for (unsigned long i = 0; r < rows; i++) {
        snprintf(id, sizeof id, "e06%06u-cpc-2015-%07lu", rnd(1000000), i + 1);
        for (unsigned k = 0; k < 5 && r < rows; k++)
            for (int s = 1; s <= kind_count[k] && r < rows; s++, r++) {
                field(&it, id);
                field(&it, kinds[k]);
                fieldf(&it, "%d", s);
                text(buf, sizeof buf, 12 + rnd(80));
                field(&it, buf);
                end_record(&it);
            }
    }
    out_close(&it);
}

static int usage(void)
{
    fputs("usage: prgen [--seed=S] [--errors] N DIR\n"
          "       prgen [--seed=S] --items=ROWS FILE\n",
          stderr);
    return 2;
}

static int parse_ulong(const char *s, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || *s == '-')
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long seed = 12, items = 0, n;
    int errors = 0, have_items = 0, i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strncmp(argv[i], "--seed=", 7) == 0) {
            if (parse_ulong(argv[i] + 7, &seed) != 0)
                return usage();
        } else if (strcmp(argv[i], "--errors") == 0) {
            errors = 1;
        } else if (strncmp(argv[i], "--items=", 8) == 0) {
            if (parse_ulong(argv[i] + 8, &items) != 0)
                return usage();
            have_items = 1;
        } else {
            return usage();
        }
    }
    rng_state = seed;
    if (have_items) {
        if (argc - i != 1)
            return usage();
        items_only(items, argv[i]);
        return 0;
    }
    if (argc - i != 2 || parse_ulong(argv[i], &n) != 0)
        return usage();
    if (mkdir(argv[i + 1], 0777) != 0 && errno != EEXIST)
        die("cannot create", argv[i + 1]);
    package(n, argv[i + 1], errors);
    return 0;
}
