/* Format versions: the mark a package's descriptor or a flat file's header carries. */
#ifndef PR_FORMAT_VERSION_H
#define PR_FORMAT_VERSION_H

#include <stddef.h>

#include "diag.h"

/*
 * Format versions (doc/datapackage.md, doc/flat-format.md): a package's
 * descriptor holds PR_FORMAT_KEY; a flat file of a later format has a column
 * named PR_FORMAT_KEY "=N".
 */
#define PR_FORMAT_KEY "peerreview:format"
/* A format version as written, s[0..len): a whole number from 1 without
   sign or leading zero (capped at INT_MAX), or -1. */
int pr_format_number(const char *s, size_t len);
/*
 * Report newer-format (version[0..len) as written) at w and stop the sink: nothing else of the
 * input is read or reported. 0, or -1 when out of memory.
 */
int pr_report_newer_format(pr_sink *sink, const pr_where *w, const char *version, size_t len);
/*
 * A flat header's column name: -2 when it is not a format mark, -1 when it
 * is a malformed one (PR_FORMAT_KEY without "=N"), else the version N.
 */
int pr_flat_mark(const char *name, size_t len);

#endif
