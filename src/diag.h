/* Internal side of the diagnostics object, and the reporting sink with the cap. */
#ifndef PR_DIAG_H
#define PR_DIAG_H

#include <stddef.h>

#include "buf.h"
#include "peerreview.h"

/* Where a problem is; zero / NULL / -1 members mean "not applicable". */
typedef struct pr_where {
    const char *file;
    unsigned long line;
    unsigned long column; /* 1-based field index in the file */
    unsigned long record; /* 1-based, header = 1 (spreadsheet row) */
    long long offset;     /* byte offset, -1 none */
    const char *field;
} pr_where;

#define PR_WHERE_NONE                                                                              \
    {                                                                                              \
        NULL, 0, 0, 0, -1, NULL                                                                    \
    }

/*
 * A sink collects problems for one operation, applying the cap:
 * max_problems stored; 0 = stop at the first error.
 */
typedef struct pr_sink {
    peerreview_diag *diag; /* may be NULL */
    size_t max;
    size_t stored;
    size_t errors;
    size_t warnings;
    int stop;        /* set once the operation should stop looking */
    int oom;         /* an allocation failed */
    int errors_only; /* count warnings but do not store them */
} pr_sink;

void pr_sink_init(pr_sink *s, peerreview_diag *diag, size_t max);

/*
 * Record a problem. The message is fmt; when w has a column and a record it
 * is prefixed with the spreadsheet cell ("cell F6: "). Returns 0, or -1 when
 * out of memory (s->oom set, an out-of-memory problem recorded if possible).
 */
int pr_report(pr_sink *s, peerreview_severity sev, peerreview_code code, const pr_where *w,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Record that memory ran out (code out-of-memory). */
void pr_report_oom(pr_sink *s, const char *file);

/* Record out-of-memory in diag (may be NULL) and return PEERREVIEW_ENOMEM. */
peerreview_status pr_diag_oom(peerreview_diag *diag);

/* Spreadsheet column letters for a 1-based column ("A", "AA"); buf >= 8. */
void pr_column_letters(unsigned long col, char *buf);

/* Spreadsheet cell name ("F6") of a 1-based column and row; buf >= 32. */
void pr_cell_name(unsigned long col, unsigned long row, char *buf);

/*
 * Numbers (lines, rows) in increasing order, kept as at most PR_RANGES_MAX
 * runs for a message ("4\u201312, 15, 20\u201321, and 9 more").
 */
#define PR_RANGES_MAX 8
typedef struct pr_ranges {
    unsigned long lo[PR_RANGES_MAX], hi[PR_RANGES_MAX];
    size_t n;
    unsigned long count; /* numbers added */
    unsigned long more;  /* numbers not in a kept run */
} pr_ranges;

void pr_ranges_add(pr_ranges *r, unsigned long x);
/* Append the runs as text; 0 or -1 when out of memory. */
int pr_ranges_format(const pr_ranges *r, pr_buf *out);

#endif
