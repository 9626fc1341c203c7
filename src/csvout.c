/* CSV out: one field or cell with minimal quoting, and where rendered bytes go. */
#include "config.h"

#include <errno.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define QUOTE_SSE2 1
#endif

#include "alloc.h"
#include "csvout.h"
#include "value.h"

/* Index of the first byte of s[0..len) a field is quoted for (, " CR LF), or len. */
static size_t quote_at(const char *s, size_t len)
{
    size_t i = 0;
#ifdef QUOTE_SSE2
    const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"');
    const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');
    for (; len - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, quote)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
#endif
    for (; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            return i;
    return len;
}

char *pr_csv_put(char *d, const char *s, size_t len, int apostrophe)
{
    if (quote_at(s, len) == len) {
        if (apostrophe)
            *d++ = '\'';
        memcpy(d, s, len);
        return d + len;
    }
    /* quoted, as libcsv's csv_write writes it: the quotes inside doubled */
    *d++ = '"';
    if (apostrophe)
        *d++ = '\'';
    const char *p = s, *end = s + len;
    while (p < end) {
        const char *e = memchr(p, '"', (size_t)(end - p));
        size_t run = e ? (size_t)(e - p) + 1 : (size_t)(end - p);
        memcpy(d, p, run);
        d += run;
        p += run;
        if (e)
            *d++ = '"';
    }
    *d++ = '"';
    return d;
}

/* Append what pr_csv_put writes. */
static int add_field(pr_buf *b, const char *s, size_t len, int apostrophe)
{
    size_t room;
    if (pr_csv_room(len, &room) || pr_buf_reserve(b, room))
        return -1;
    char *d = pr_csv_put(b->data + b->len, s, len, apostrophe);
    b->len = (size_t)(d - b->data);
    b->data[b->len] = '\0';
    return 0;
}

int pr_csv_field(pr_buf *b, const char *s, size_t len)
{
    return !s || !len ? 0 : add_field(b, s, len, 0);
}

int pr_csv_cell(pr_buf *b, const char *s, int is_text, int safe)
{
    if (!s)
        return 0;
    size_t len = strlen(s);
    /* spreadsheet-safe: an apostrophe before what a spreadsheet would run */
    return !len ? 0 : add_field(b, s, len, safe && is_text && pr_formula_char(s[0]));
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
