#include "config.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"

int pr_buf_reserve(pr_buf *b, size_t extra)
{
    size_t need;
    if (pr_add_size(b->len, extra, &need) || pr_add_size(need, 1, &need))
        return -1;
    if (need <= b->cap)
        return 0;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need) {
        if (ncap > ((size_t)-1) / 2) {
            ncap = need;
            break;
        }
        ncap *= 2;
    }
    char *n = pr_realloc(b->data, ncap);
    if (!n)
        return -1;
    b->data = n;
    b->cap = ncap;
    return 0;
}

int pr_buf_add(pr_buf *b, const void *data, size_t len)
{
    if (pr_buf_reserve(b, len))
        return -1;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int pr_buf_addc(pr_buf *b, char c)
{
    return pr_buf_add(b, &c, 1);
}

int pr_buf_adds(pr_buf *b, const char *s)
{
    return pr_buf_add(b, s, strlen(s));
}

int pr_buf_vprintf(pr_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || pr_buf_reserve(b, (size_t)n))
        return -1;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int pr_buf_printf(pr_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = pr_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return r;
}

/* Quote at most this many bytes of a bad value in a message. */
#define QUOTE_MAX 40

int pr_buf_quote(pr_buf *b, const char *s, size_t len)
{
    int r = pr_buf_addc(b, '"');
    size_t shown = len;
    if (shown > QUOTE_MAX) {
        shown = QUOTE_MAX;
        /* do not cut a UTF-8 sequence in half */
        while (shown > 0 && ((unsigned char)s[shown] & 0xC0) == 0x80)
            shown--;
    }
    for (size_t i = 0; i < shown && !r; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            r = pr_buf_adds(b, "\\n");
        else if (c == '\r')
            r = pr_buf_adds(b, "\\r");
        else if (c == '\t')
            r = pr_buf_adds(b, "\\t");
        else if (c == '"')
            r = pr_buf_adds(b, "\\\"");
        else if (c == '\\')
            r = pr_buf_adds(b, "\\\\");
        else if (c < 0x20 || c == 0x7f)
            r = pr_buf_printf(b, "\\x%02x", c);
        else
            r = pr_buf_addc(b, (char)c);
    }
    if (!r && shown < len)
        r = pr_buf_adds(b, "...");
    if (!r)
        r = pr_buf_addc(b, '"');
    return r;
}

int pr_buf_json(pr_buf *b, const char *s, size_t len)
{
    int r = pr_buf_addc(b, '"');
    for (size_t i = 0; i < len && !r; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            r = pr_buf_adds(b, "\\\"");
            break;
        case '\\':
            r = pr_buf_adds(b, "\\\\");
            break;
        case '\n':
            r = pr_buf_adds(b, "\\n");
            break;
        case '\r':
            r = pr_buf_adds(b, "\\r");
            break;
        case '\t':
            r = pr_buf_adds(b, "\\t");
            break;
        case '\b':
            r = pr_buf_adds(b, "\\b");
            break;
        case '\f':
            r = pr_buf_adds(b, "\\f");
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                r = pr_buf_printf(b, "\\u%04x", c);
            else
                r = pr_buf_addc(b, (char)c);
        }
    }
    if (!r)
        r = pr_buf_addc(b, '"');
    return r;
}

void pr_buf_reset(pr_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void pr_buf_free(pr_buf *b)
{
    pr_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

const char *pr_buf_str(const pr_buf *b)
{
    return b->data ? b->data : "";
}
