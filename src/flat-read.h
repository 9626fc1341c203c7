/* Reading the flat form: one CSV row per review, child rows in its list cells. */
#ifndef PR_FLAT_READ_H
#define PR_FLAT_READ_H

#include "csvin.h"
#include "diag.h"
#include "model.h"
#include "options.h"

/* Load the flat form from src, called path in problems. */
int pr_flat_load(const pr_source *src, const char *path, const peerreview_options *o, pr_sink *sink,
                 peerreview_dataset *ds, pr_progress *progress);

#endif
