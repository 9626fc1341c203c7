/* Reading a package folder: datapackage.json and the six tables -> a checked dataset. */
#ifndef PR_PACKAGE_READ_H
#define PR_PACKAGE_READ_H

#include "csvin.h"
#include "diag.h"
#include "model.h"
#include "options.h"

/*
 * Read the package folder dir into ds (empty): its descriptor, its tables in
 * schema order, then the rules across rows and tables. Problems go to sink,
 * reads to progress. PEERREVIEW_EIO when the folder or a file could not be
 * read (reported: the data is not at fault), else 0; running out of memory
 * shows in sink->oom.
 */
int pr_package_load(const char *dir, const peerreview_options *o, pr_sink *sink,
                    peerreview_dataset *ds, pr_progress *progress);

/*
 * The reviews table on its own, read from src (called name in problems) as a
 * package's reviews.csv is: a dataset without child rows. Returns as
 * pr_package_load.
 */
int pr_reviews_load(const pr_source *src, const char *name, const peerreview_options *o,
                    pr_sink *sink, peerreview_dataset *ds, pr_progress *progress);

#endif
