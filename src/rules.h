/* Row, cross-field and cross-table rules (doc/format.md §4) over the data model. */
#ifndef PR_RULES_H
#define PR_RULES_H

#include "diag.h"
#include "model.h"
#include "options.h"
#include "strmap.h"

/*
 * Rules of one row on its own: required values, authority type vs GSS code,
 * region code vs name, date order, stage/parent, no date, formula prefixes.
 * pos (may be NULL) says where loaded rows came from, for problem positions.
 * review_id names the row's review (for messages when the row has no source
 * position). reported (may be NULL) marks columns whose invalid value was
 * reported already, so they are not also reported as missing. formulas: warn
 * about text values that start like a formula (0 for the child rows of the
 * flat form, where only the start of a list cell is a cell's start; see
 * pr_rules_dataset). Returns -1 on out-of-memory, else 0.
 */
int pr_rules_row(pr_sink *sink, const pr_posmap *pos, const peerreview_row *row,
                 const char *review_id, const uint8_t *reported, int formulas);

/*
 * What a load knows beyond the dataset it built, so that one fault is
 * reported once: the review_ids of reviews.csv rows it could not read
 * (they exist, so references to them are not foreign-key errors), and
 * whether reviews were read to the end (if not, no reference can be checked).
 */
typedef struct pr_loadinfo {
    const pr_strmap *rejected; /* may be NULL */
    int reviews_partial;
} pr_loadinfo;

/*
 * Rules across rows and tables: parent reviews, child keys unique, seq gaps,
 * counts against listed rows. info may be NULL (a dataset in memory).
 */
int pr_rules_dataset(pr_sink *sink, const peerreview_dataset *ds, const pr_loadinfo *info);

/* Every rule over a whole dataset: PEERREVIEW_OK, _EDATA or _ENOMEM. */
int pr_validate(const peerreview_dataset *ds, const peerreview_options *o, pr_sink *sink);

#endif
