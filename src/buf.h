/* Growable byte buffer, always NUL-terminated when non-empty. */
#ifndef PR_BUF_H
#define PR_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct pr_buf {
    char *data;
    size_t len;
    size_t cap;
} pr_buf;

#define PR_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

int pr_buf_reserve(pr_buf *b, size_t extra);
int pr_buf_add(pr_buf *b, const void *data, size_t len);
/* Append one byte (in place when there is room: most calls). */
static inline int pr_buf_addc(pr_buf *b, char c)
{
    if (b->len + 1 < b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return 0;
    }
    return pr_buf_add(b, &c, 1);
}
int pr_buf_adds(pr_buf *b, const char *s);
int pr_buf_printf(pr_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int pr_buf_vprintf(pr_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append s as a double-quoted, truncated, escaped quotation for messages. */
int pr_buf_quote(pr_buf *b, const char *s, size_t len);
/*
 * Append s for a one-line diagnostic: control characters (\n, \r, \t,
 * \xNN), C1 controls and bidirectional formatting characters (\uNNNN) and
 * bytes that are not UTF-8 (\xNN) are escaped, so that a file name or value
 * can neither break the line nor make it read as something else.
 */
int pr_buf_escape(pr_buf *b, const char *s, size_t len);
/* The same, passing each piece to put (which returns non-zero to stop). */
int pr_escape(const char *s, size_t len, int (*put)(void *ctx, const char *p, size_t n), void *ctx);
/* 1 if pr_buf_escape would change s. */
int pr_needs_escape(const char *s, size_t len);
/*
 * Length of the longest prefix of s that pr_buf_escape would leave as it is,
 * whole characters: escaping s is that prefix, then the rest escaped.
 */
size_t pr_escape_prefix(const char *s, size_t len);

/* Append s as a JSON string literal (with quotes). */
int pr_buf_json(pr_buf *b, const char *s, size_t len);
void pr_buf_reset(pr_buf *b);
void pr_buf_free(pr_buf *b);
/* The contents as a string ("" when empty). */
const char *pr_buf_str(const pr_buf *b);

#endif
