/* CSV out: one field or cell with minimal quoting, and where rendered bytes go. */
#ifndef PR_CSVOUT_H
#define PR_CSVOUT_H

#include "buf.h"
#include "peerreview.h"

/* Append one CSV field with minimal quoting (quoted as libcsv's csv_write quotes). */
int pr_csv_field(pr_buf *b, const char *s, size_t len);

/*
 * Append a text cell; with spreadsheet_safe a leading = + - @ TAB or CR gets
 * an apostrophe first.
 */
int pr_csv_cell(pr_buf *b, const char *s, int is_text, int spreadsheet_safe);

/*
 * Write the field s[0..len) (after an apostrophe when apostrophe is set) at
 * d as pr_csv_field writes it, into room made for it (pr_csv_room); returns
 * the end of what was written (no NUL). For writers that make room for a
 * whole row at once.
 */
char *pr_csv_put(char *d, const char *s, size_t len, int apostrophe);
/* *room = the bytes pr_csv_put may write for len bytes; -1 if that overflows. */
static inline int pr_csv_room(size_t len, size_t *room)
{
    if (len > ((size_t)-1 - 4) / 2)
        return -1;
    *room = 2 * len + 4;
    return 0;
}

/*
 * Where rendered bytes go: they are made in b and, when write is set, passed
 * on whenever a row ends with PR_OUT_CHUNK bytes or more made (and at the
 * end, pr_out_flush), so that b never holds much more than a row; with
 * discard, what is made is dropped instead (a dry run).
 */
#define PR_OUT_CHUNK (64 * 1024)
typedef struct pr_out {
    pr_buf *b;
    peerreview_write_fn write;
    void *ctx;
    int discard;
    int failed;              /* a write failed: nothing more is written */
    int err;                 /* ... with this errno (0: none given) */
    unsigned long long sent; /* bytes written */
} pr_out;

/* A row ended: pass b on if it holds enough. 0, or -1 when a write failed (o->failed). */
int pr_out_row(pr_out *o);
/* Pass on what b holds: 0 or -1 as pr_out_row. */
int pr_out_flush(pr_out *o);

#endif
