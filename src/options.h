#ifndef PR_OPTIONS_H
#define PR_OPTIONS_H

#include <stddef.h>

#include "peerreview.h"

struct peerreview_options {
    size_t max_problems;
    size_t max_field_size;
    size_t max_records;
    int ignore_unknown_columns;
    peerreview_form form;
    int spreadsheet_safe;
    peerreview_progress_cb progress;      /* NULL: none */
    peerreview_progress_fn progress_void; /* set with the old setter: progress calls it */
    void *progress_ctx;                   /* passed to progress */
    void *progress_void_ctx;              /* passed to progress_void */
    char delimiter;
    /* a single-byte encoding (encoding[0] == 0: UTF-8): the UTF-8 of the
       bytes 0x80..0xFF, decode[b - 0x80][0] bytes long (0: no character) */
    char encoding[32];
    unsigned char decode[128][4];
};

/* The options to use: opts, or the defaults when opts is NULL. */
const peerreview_options *pr_options(const peerreview_options *opts);

#endif
