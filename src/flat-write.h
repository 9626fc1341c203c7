/* Writing the flat form: canonical bytes of a dataset as one CSV row per review. */
#ifndef PR_FLAT_WRITE_H
#define PR_FLAT_WRITE_H

#include "buf.h"
#include "csvout.h"
#include "diag.h"
#include "model.h"
#include "options.h"

/* Render the dataset in the flat form into out: 0, PEERREVIEW_EUNSUPPORTED when a value
   cannot be held (reported) or PEERREVIEW_ENOMEM. */
int pr_flat_render(const peerreview_dataset *ds, const peerreview_options *o, pr_sink *sink,
                   pr_buf *out);
/* pr_flat_render into out; PEERREVIEW_EIO when a write failed (out->failed, not reported). */
int pr_flat_render_out(const peerreview_dataset *ds, const peerreview_options *o, pr_sink *sink,
                       pr_out *out);

#endif
