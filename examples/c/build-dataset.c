/* Build a dataset in code and save it as a package. Build alone with:
 *   cc build-dataset.c $(pkg-config --cflags --libs libpeerreview)
 * Usage: ./a.out [FOLDER]   (default: example-package)
 *
 * Every call is checked: a value the format does not accept (say, a date
 * 2015-02-30 or an unknown review_type) is refused when it is set, with a
 * problem in the diag saying why. */
#include <peerreview.h>
#include <stdio.h>

/* Print the problems of diag and what failed; returns 1 for main. */
static int fail(peerreview_diag *diag, const char *what, int status)
{
    char line[1024];
    for (size_t i = 0; i < peerreview_diag_count(diag); i++) {
        peerreview_problem_format(peerreview_diag_get(diag, i), line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    fprintf(stderr, "build-dataset: %s: %s\n", what, peerreview_strerror(status));
    return 1;
}

/* Set the columns of a child row from name/value pairs ending with NULL. */
static int set_row(peerreview_row *row, const char *const *pairs, peerreview_diag *diag)
{
    for (size_t i = 0; pairs[i]; i += 2) {
        int rc = peerreview_row_set_byname(row, pairs[i], pairs[i + 1], diag);
        if (rc != PEERREVIEW_OK)
            return rc;
    }
    return PEERREVIEW_OK;
}

/* Append a row to a child list of review and fill it. */
static int add_row(peerreview_review *review, int table, const char *const *pairs,
                   peerreview_diag *diag)
{
    peerreview_row *row = NULL;
    int rc = peerreview_review_add_child(review, table, &row);
    if (rc != PEERREVIEW_OK)
        return rc;
    return set_row(row, pairs, diag);
}

/* Name, value pairs. */
/* clang-format off */
static const char *const review_fields[] = {
    "review_id", "e10000034-csg-2015-04",
    "review_type", "childrens_safeguarding",
    "review_type_label", "Safeguarding children peer review",
    "stage", "initial",
    "provider", "LGA",
    "onsite_start", "2015-04", /* reduced precision: April 2015 */
    "published_date", "2015-06-18",
    "team_size", "1",
    NULL};

static const char *const council[] = {
    "gss_code", "E10000034",
    "council_name", "Worcestershire County Council",
    "authority_type", "county",
    "region_gss", "E12000005",
    "region_name", "West Midlands",
    "dfe_la_code", "885",
    NULL};

static const char *const member[] = {
    "name", "A. Peer",
    "role", "officer_peer",
    "job_title", "Director of Children's Services",
    "organisation", "Another County Council",
    NULL};

/* Items: kind first, so that seq numbers each kind from 1. */
static const char *const focus_item[] = {
    "kind", "focus",
    "text", "Whether current strategies and plans are having the right impact",
    NULL};

static const char *const strength_item[] = {
    "kind", "strength",
    "text", "Strong political and corporate commitment to children's services",
    NULL};

static const char *const source[] = {
    "url", "https://www.worcestershire.gov.uk/",
    "description", "Council news release, 18 June 2015",
    NULL};
/* clang-format on */

int main(int argc, char **argv)
{
    const char *folder = argc > 1 ? argv[1] : "example-package";
    peerreview_diag *diag = peerreview_diag_new();
    peerreview_dataset *ds = peerreview_dataset_new();
    peerreview_review *review = peerreview_review_new();
    peerreview_options *opts = peerreview_options_new();
    int status = 0;
    int rc;

    if (!diag || !ds || !review || !opts) {
        fprintf(stderr, "build-dataset: out of memory\n");
        status = 1;
        goto done;
    }

    for (size_t i = 0; review_fields[i]; i += 2) {
        rc = peerreview_review_set_byname(review, review_fields[i], review_fields[i + 1], diag);
        if (rc != PEERREVIEW_OK) {
            status = fail(diag, review_fields[i], rc);
            goto done;
        }
    }
    if ((rc = add_row(review, PEERREVIEW_REVIEW_COUNCILS, council, diag)) != PEERREVIEW_OK) {
        status = fail(diag, "council", rc);
        goto done;
    }
    if ((rc = add_row(review, PEERREVIEW_TEAM_MEMBERS, member, diag)) != PEERREVIEW_OK) {
        status = fail(diag, "team member", rc);
        goto done;
    }
    if ((rc = add_row(review, PEERREVIEW_ITEMS, focus_item, diag)) != PEERREVIEW_OK ||
        (rc = add_row(review, PEERREVIEW_ITEMS, strength_item, diag)) != PEERREVIEW_OK) {
        status = fail(diag, "item", rc);
        goto done;
    }
    if ((rc = add_row(review, PEERREVIEW_SOURCES, source, diag)) != PEERREVIEW_OK) {
        status = fail(diag, "source", rc);
        goto done;
    }

    /* The dataset takes the review over only when the call succeeds. */
    rc = peerreview_dataset_add(ds, review, diag);
    if (rc != PEERREVIEW_OK) {
        status = fail(diag, "add the review", rc);
        goto done;
    }
    review = NULL;

    /* Check every rule before saving (peerreview_save checks them too). */
    rc = peerreview_dataset_validate(ds, NULL, diag);
    if (rc != PEERREVIEW_OK) {
        status = fail(diag, "validate", rc);
        goto done;
    }
    peerreview_diag_clear(diag);

    /* A package folder, whatever its name (created if absent). */
    rc = peerreview_options_set_form(opts, PEERREVIEW_FORM_PACKAGE);
    if (rc == PEERREVIEW_OK)
        rc = peerreview_save(ds, folder, opts, diag);
    if (rc != PEERREVIEW_OK) {
        status = fail(diag, folder, rc);
        goto done;
    }
    printf("saved %zu review to %s/\n", peerreview_dataset_count(ds), folder);

done:
    peerreview_options_free(opts);
    peerreview_review_free(review); /* NULL once the dataset owns it */
    peerreview_dataset_free(ds);
    peerreview_diag_free(diag);
    return status;
}
