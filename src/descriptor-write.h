/* Writing datapackage.json (descriptor-write.c). */
#ifndef PR_DESCRIPTOR_WRITE_H
#define PR_DESCRIPTOR_WRITE_H

#include "buf.h"
#include "model.h"

/*
 * Render datapackage.json: generated from the schema table, with what the
 * loaded descriptor held beyond that kept (descriptor-write.c). With
 * spreadsheet_safe the tables start with a BOM and say so (utf-8-sig).
 */
int pr_render_descriptor(const peerreview_dataset *ds, int spreadsheet_safe, pr_buf *out);

#endif
