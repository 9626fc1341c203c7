#include "config.h"

#include <stdio.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define BUF_SSE2 1
#endif

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

int pr_buf_adds(pr_buf *b, const char *s)
{
    return pr_buf_add(b, s, strlen(s));
}

/* Append the decimal digits of v, after a minus sign when neg. */
static int add_decimal(pr_buf *b, unsigned long long v, int neg)
{
    char d[24];
    size_t i = sizeof d;
    do {
        d[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg)
        d[--i] = '-';
    return pr_buf_add(b, d + i, sizeof d - i);
}

/*
 * Print fmt as vsnprintf would when it has no conversions but %s (of a
 * string), %c (of a byte other than NUL), %d, %u, %ld, %lu, %lld, %llu, %zu
 * and %%, without flags, width or precision: 0, appended. 1 when fmt has
 * anything else or a NULL string, with nothing appended (vsnprintf prints
 * it). -1 when out of memory.
 */
static int print_simple(pr_buf *b, const char *fmt, va_list ap)
{
    size_t start = b->len;
    const char *p = fmt;
    int r = 0;
    while (*p && !r) {
        const char *q = strchr(p, '%');
        size_t run = q ? (size_t)(q - p) : strlen(p);
        if (run && (r = pr_buf_add(b, p, run)) != 0)
            break;
        if (!q)
            break;
        p = q + 1;
        int lng = 0;
        while (*p == 'l' && lng < 2) {
            lng++;
            p++;
        }
        int size = !lng && *p == 'z';
        if (size)
            p++;
        if (!*p) {
            r = 1;
            break;
        }
        char conv = *p++;
        if (conv == '%' && !lng && !size) {
            r = pr_buf_add(b, "%", 1);
        } else if (conv == 's' && !lng && !size) {
            const char *str = va_arg(ap, const char *);
            r = str ? pr_buf_add(b, str, strlen(str)) : 1;
        } else if (conv == 'c' && !lng && !size) {
            char c = (char)va_arg(ap, int);
            r = c ? pr_buf_add(b, &c, 1) : 1;
        } else if (conv == 'd' && !size) {
            long long v = lng == 2 ? va_arg(ap, long long)
                          : lng    ? va_arg(ap, long)
                                   : va_arg(ap, int);
            r = add_decimal(b, v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v, v < 0);
        } else if (conv == 'u') {
            unsigned long long v = size       ? va_arg(ap, size_t)
                                   : lng == 2 ? va_arg(ap, unsigned long long)
                                   : lng      ? va_arg(ap, unsigned long)
                                              : va_arg(ap, unsigned);
            r = add_decimal(b, v, 0);
        } else {
            r = 1;
        }
    }
    if (r) { /* what was appended is not the buffer's */
        b->len = start;
        if (b->data)
            b->data[start] = '\0';
    }
    return r;
}

int pr_buf_vprintf(pr_buf *b, const char *fmt, va_list ap)
{
    va_list ap1;
    va_copy(ap1, ap);
    int simple = print_simple(b, fmt, ap1);
    va_end(ap1);
    if (simple <= 0)
        return simple;
    /* a new buffer gets room for a line: most texts are printed in one pass */
    if (!b->cap && pr_buf_reserve(b, 127))
        return -1;
    size_t room = b->cap - b->len;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(b->data + b->len, room, fmt, ap2);
    va_end(ap2);
    if (n >= 0 && (size_t)n < room) {
        b->len += (size_t)n;
        return 0;
    }
    b->data[b->len] = '\0'; /* what did not fit is not the buffer's */
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

/* 1 for a byte pr_buf_quote shows as it is. */
static int quoted_as_is(unsigned char c)
{
    return c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
}

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
        size_t k = i; /* a run of bytes shown as they are */
        while (k < shown && quoted_as_is((unsigned char)s[k]))
            k++;
        if (k > i) {
            r = pr_buf_add(b, s + i, k - i);
            i = k - 1;
            continue;
        }
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

/*
 * Length of the character at s (1..4) if it may be shown as it is, 0 if it
 * must be escaped (with *cp its code point, or -1 for a byte that is not
 * UTF-8).
 */
static size_t printable(const unsigned char *s, size_t len, long *cp)
{
    unsigned char c = s[0];
    *cp = c;
    if (c < 0x80)
        return c < 0x20 || c == 0x7F ? 0 : 1;
    size_t n = c >= 0xC2 && c <= 0xDF   ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    if (!n || n > len) {
        *cp = -1;
        return 0;
    }
    long v = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = -1;
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    static const long min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = -1;
        return 0;
    }
    *cp = v;
    /* C1 controls; bidirectional embeddings, overrides and isolates; line separators */
    if ((v >= 0x80 && v <= 0x9F) || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069) ||
        v == 0x200E || v == 0x200F || v == 0x061C || v == 0x2028 || v == 0x2029)
        return 0;
    return n;
}

size_t pr_escape_prefix(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    long cp;
    size_t i = 0;
#ifdef BUF_SSE2
    /* sixteen bytes at a time while they are all printable ASCII */
    const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F);
    for (; len - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* signed: bytes >= 0x80 are below 0x20 too */
        __m128i odd = _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del));
        if (_mm_movemask_epi8(odd))
            break;
    }
#endif
    while (i < len) {
        if (s[i] >= 0x20 && s[i] < 0x7F) {
            i++;
            continue;
        }
        size_t n = printable(s + i, len - i, &cp);
        if (!n)
            break;
        i += n;
    }
    return i;
}

int pr_needs_escape(const char *str, size_t len)
{
    return pr_escape_prefix(str, len) < len;
}

int pr_escape(const char *str, size_t len, int (*put)(void *ctx, const char *p, size_t n),
              void *ctx)
{
    const unsigned char *s = (const unsigned char *)str;
    int r = 0;
    for (size_t i = 0; i < len && !r;) {
        size_t k = i; /* a run of printable ASCII, passed on at once */
        while (k < len && s[k] >= 0x20 && s[k] < 0x7F)
            k++;
        if (k > i) {
            r = put(ctx, (const char *)s + i, k - i);
            i = k;
            continue;
        }
        long cp;
        size_t n = printable(s + i, len - i, &cp);
        if (n) {
            r = put(ctx, (const char *)s + i, n);
            i += n;
            continue;
        }
        char e[24];
        if (cp == '\n')
            strcpy(e, "\\n");
        else if (cp == '\r')
            strcpy(e, "\\r");
        else if (cp == '\t')
            strcpy(e, "\\t");
        else if (cp < 0x80)
            snprintf(e, sizeof e, "\\x%02X", s[i]);
        else
            snprintf(e, sizeof e, "\\u%04lX", (unsigned long)cp);
        r = put(ctx, e, strlen(e));
        /* past the escaped character (one byte when it is not UTF-8) */
        i += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
    return r;
}

static int put_buf(void *ctx, const char *p, size_t n)
{
    return pr_buf_add(ctx, p, n);
}

int pr_buf_escape(pr_buf *b, const char *s, size_t len)
{
    /* at least len bytes: room for them at once */
    return pr_buf_reserve(b, len) || pr_escape(s, len, put_buf, b);
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
