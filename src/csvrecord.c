/* One CSV record written as the canonical writer writes its rows. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "buf.h"
#include "csvout.h"

PEERREVIEW_API peerreview_status peerreview_render_csv_record(const char *const *fields, size_t n,
                                                              peerreview_write_fn write, void *ctx)
{
    if (!write || !fields || n == 0)
        return PEERREVIEW_EINVAL;
    pr_buf b = PR_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if ((i && pr_buf_addc(&b, ',')) ||
            pr_csv_field(&b, fields[i], fields[i] ? strlen(fields[i]) : 0)) {
            pr_buf_free(&b);
            return PEERREVIEW_ENOMEM;
        }
    }
    if (pr_buf_add(&b, "\r\n", 2)) {
        pr_buf_free(&b);
        return PEERREVIEW_ENOMEM;
    }
    errno = 0;
    int failed = write(ctx, b.data, b.len) != 0;
    int err = errno;
    pr_buf_free(&b);
    errno = err; /* as the write function left it */
    return failed ? PEERREVIEW_EIO : PEERREVIEW_OK;
}
