/* Export: canonical CSV bytes, the descriptor, and atomic saving. */
#ifndef PR_EXPORT_H
#define PR_EXPORT_H

#include "buf.h"
#include "model.h"

/* Append one CSV field with minimal quoting (through libcsv when quoted). */
int pr_csv_field(pr_buf *b, const char *s, size_t len);

/*
 * Append a text cell; with spreadsheet_safe a leading = + - @ TAB or CR gets
 * an apostrophe first.
 */
int pr_csv_cell(pr_buf *b, const char *s, int is_text, int spreadsheet_safe);

/* Render one table of the dataset in canonical form. */
int pr_render_table(const peerreview_dataset *ds, int table, int spreadsheet_safe, pr_buf *out);

/*
 * Render datapackage.json: generated from the schema table, with what the
 * loaded descriptor held beyond that kept (descriptor-write.c). With
 * spreadsheet_safe the tables start with a BOM and say so (utf-8-sig).
 */
int pr_render_descriptor(const peerreview_dataset *ds, int spreadsheet_safe, pr_buf *out);

#endif
