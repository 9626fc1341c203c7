/* CSV out: one field or cell with minimal quoting, and where rendered bytes go. */
#include "config.h"

#include <csv.h>
#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "csvout.h"
#include "value.h"

int pr_csv_field(pr_buf *b, const char *s, size_t len)
{
    if (!s || !len)
        return 0;
    if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\r', len) &&
        !memchr(s, '\n', len))
        return pr_buf_add(b, s, len);
    /* quoted: libcsv writes the quotes and doubles the ones inside */
    size_t max;
    if (pr_mul_size(len, 2, &max) || pr_add_size(max, 2, &max) || pr_buf_reserve(b, max))
        return -1;
    size_t n = csv_write(b->data + b->len, max, s, len);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int pr_csv_cell(pr_buf *b, const char *s, int is_text, int safe)
{
    if (!s)
        return 0;
    size_t len = strlen(s);
    if (safe && is_text && len && pr_formula_char(s[0])) {
        pr_buf tmp = PR_BUF_INIT;
        int r = pr_buf_addc(&tmp, '\'') || pr_buf_add(&tmp, s, len) ||
                pr_csv_field(b, tmp.data, tmp.len);
        pr_buf_free(&tmp);
        return r ? -1 : 0;
    }
    return pr_csv_field(b, s, len);
}

int pr_out_flush(pr_out *o)
{
    if (o->failed)
        return -1;
    if (o->b->len && !o->discard && o->write) {
        errno = 0;
        if (o->write(o->ctx, o->b->data, o->b->len)) {
            o->failed = 1;
            o->err = errno;
            return -1;
        }
        o->sent += o->b->len;
    }
    if (o->discard || o->write)
        pr_buf_reset(o->b);
    return 0;
}

int pr_out_row(pr_out *o)
{
    return o->b->len >= PR_OUT_CHUNK || o->discard ? pr_out_flush(o) : 0;
}
