/* Canonical bytes of one table (doc/format.md §8.1). */
#ifndef PR_TABLE_WRITE_H
#define PR_TABLE_WRITE_H

#include "buf.h"
#include "csvout.h"
#include "model.h"

/* Render one table of the dataset in canonical form. */
int pr_render_table(const peerreview_dataset *ds, int table, int spreadsheet_safe, pr_buf *out);

/* pr_render_table into o: 0, or -1 when out of memory or a write failed (o->failed). */
int pr_render_table_out(const peerreview_dataset *ds, int table, int spreadsheet_safe, pr_out *o);

#endif
