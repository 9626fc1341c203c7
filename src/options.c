/* Options, version and status strings. */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "alloc.h"
#include "options.h"

static const peerreview_options defaults = {
    100,                  /* max_problems */
    1024 * 1024,          /* max_field_size */
    1000 * 1000,          /* max_records: in all the tables of a load together */
    0,                    /* ignore_unknown_columns */
    PEERREVIEW_FORM_AUTO, /* form */
    0,                    /* spreadsheet_safe */
    NULL,                 /* progress */
    NULL,                 /* progress_void */
    NULL,                 /* progress_ctx */
    NULL,                 /* progress_void_ctx */
    ',',                  /* delimiter */
    "",                   /* encoding: UTF-8 */
    {{0}},                /* decode */
};

const peerreview_options *pr_options(const peerreview_options *opts)
{
    return opts ? opts : &defaults;
}

PEERREVIEW_API peerreview_options *peerreview_options_new(void)
{
    peerreview_options *o = pr_malloc(sizeof *o);
    if (o)
        *o = defaults;
    return o;
}

PEERREVIEW_API void peerreview_options_free(peerreview_options *o)
{
    pr_free(o);
}

PEERREVIEW_API peerreview_status peerreview_options_set_max_problems(peerreview_options *o,
                                                                     size_t n)
{
    if (!o)
        return PEERREVIEW_EINVAL;
    o->max_problems = n;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_options_set_max_field_size(peerreview_options *o,
                                                                       size_t n)
{
    if (!o || n == 0)
        return PEERREVIEW_EINVAL;
    o->max_field_size = n;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_options_set_max_records(peerreview_options *o, size_t n)
{
    if (!o || n == 0)
        return PEERREVIEW_EINVAL;
    o->max_records = n;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status
peerreview_options_set_ignore_unknown_columns(peerreview_options *o, int yes)
{
    if (!o)
        return PEERREVIEW_EINVAL;
    o->ignore_unknown_columns = yes != 0;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_options_set_form(peerreview_options *o,
                                                             peerreview_form form)
{
    if (!o || form < PEERREVIEW_FORM_AUTO || form > PEERREVIEW_FORM_FLAT)
        return PEERREVIEW_EINVAL;
    o->form = form;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_options_set_spreadsheet_safe(peerreview_options *o,
                                                                         int yes)
{
    if (!o)
        return PEERREVIEW_EINVAL;
    o->spreadsheet_safe = yes != 0;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_options_set_progress_cb(peerreview_options *o,
                                                                    peerreview_progress_cb cb,
                                                                    void *ctx)
{
    if (!o)
        return PEERREVIEW_EINVAL;
    o->progress = cb;
    o->progress_void = NULL;
    o->progress_ctx = ctx;
    return PEERREVIEW_OK;
}

/* The old callback, which cannot cancel, called through the new one. */
static int call_void_progress(unsigned long long done, unsigned long long total, void *ctx)
{
    const peerreview_options *o = ctx;
    o->progress_void(done, total, o->progress_void_ctx);
    return 0;
}

PEERREVIEW_API peerreview_status peerreview_options_set_progress(peerreview_options *o,
                                                                 peerreview_progress_fn fn,
                                                                 void *ctx)
{
    if (!o)
        return PEERREVIEW_EINVAL;
    o->progress = fn ? call_void_progress : NULL;
    o->progress_void = fn;
    o->progress_ctx = fn ? o : NULL;
    o->progress_void_ctx = ctx;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_options_set_delimiter(peerreview_options *o,
                                                                  char delimiter)
{
    unsigned char c = (unsigned char)delimiter;
    if (!o || c == '"' || !(c == '\t' || (c > 0x20 && c < 0x7F)) || (c >= '0' && c <= '9') ||
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return PEERREVIEW_EINVAL;
    o->delimiter = delimiter;
    return PEERREVIEW_OK;
}

/* "utf-8", "UTF8", "Utf-8", ...: the default encoding. */
static int is_utf8_name(const char *e)
{
    const char *u = "utf8";
    for (; *e && *u; e++) {
        char c = *e >= 'A' && *e <= 'Z' ? (char)(*e - 'A' + 'a') : *e;
        if (c == '-' && u[0] == '8' && u[-1] == 'f')
            continue; /* utf-8 */
        if (c != *u++)
            return 0;
    }
    return !*e && !*u;
}

/*
 * Convert one byte with cd into UTF-8 (at most 3 bytes: every single-byte
 * encoding maps into the Basic Multilingual Plane). Returns the length, 0 when
 * the byte has no character in the encoding, -1 when it starts a multi-byte
 * sequence (the encoding is not single-byte).
 */
static int decode_byte(iconv_t cd, unsigned char b, unsigned char *out)
{
    char in[1] = {(char)b}, buf[8];
    char *ip = in, *op = buf;
    size_t il = 1, ol = sizeof buf;
    iconv(cd, NULL, NULL, NULL, NULL);
    size_t r = iconv(cd, &ip, &il, &op, &ol);
    if (r == (size_t)-1 && errno == EINVAL)
        return -1; /* incomplete: a lead byte */
    if (r == (size_t)-1 || il != 0)
        return 0;
    /* a stateful or multi-byte encoding may still hold back output */
    if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1)
        return -1;
    size_t n = sizeof buf - ol;
    if (n == 0)
        return 0;
    if (n > 3)
        return -1;
    memcpy(out, buf, n);
    return (int)n;
}

PEERREVIEW_API peerreview_status peerreview_options_set_encoding(peerreview_options *o,
                                                                 const char *encoding)
{
    if (!o)
        return PEERREVIEW_EINVAL;
    if (!encoding || is_utf8_name(encoding)) {
        o->encoding[0] = '\0';
        return PEERREVIEW_OK;
    }
    /* "" would be the locale's encoding to iconv: say which one instead */
    if (!encoding[0] || strlen(encoding) >= sizeof o->encoding)
        return PEERREVIEW_EINVAL;
    iconv_t cd = iconv_open("UTF-8", encoding);
    if (cd == (iconv_t)-1)
        return errno == ENOMEM ? PEERREVIEW_ENOMEM : PEERREVIEW_EINVAL;
    unsigned char decode[128][4];
    int ok = 1;
    /* ASCII-compatible: every byte below 0x80 must be itself */
    for (unsigned b = 1; b < 0x80 && ok; b++) {
        unsigned char u[4];
        ok = decode_byte(cd, (unsigned char)b, u) == 1 && u[0] == b;
    }
    for (unsigned b = 0x80; b < 0x100 && ok; b++) {
        unsigned char *d = decode[b - 0x80];
        memset(d, 0, 4);
        int n = decode_byte(cd, (unsigned char)b, d + 1);
        if (n < 0) {
            ok = 0;
            break;
        }
        /* windows-1252 leaves five bytes undefined; like the WHATWG decoder
           (what browsers use), read the C1 range as the same code points */
        if (n == 0 && b < 0xA0) {
            d[1] = 0xC2;
            d[2] = (unsigned char)b;
            n = 2;
        }
        d[0] = (unsigned char)n;
    }
    iconv_close(cd);
    if (!ok)
        return PEERREVIEW_EINVAL;
    memcpy(o->decode, decode, sizeof decode);
    memcpy(o->encoding, encoding, strlen(encoding) + 1);
    return PEERREVIEW_OK;
}

/* ---- version and status ---- */

PEERREVIEW_API const char *peerreview_version(void)
{
    return PEERREVIEW_VERSION;
}

PEERREVIEW_API unsigned long peerreview_version_number(void)
{
    return PEERREVIEW_VERSION_NUMBER;
}

_Static_assert(PEERREVIEW_STATUS_MIN == PEERREVIEW_ECANCELED,
               "PEERREVIEW_STATUS_MIN must be the last status");

PEERREVIEW_API int peerreview_status_min(void)
{
    return PEERREVIEW_STATUS_MIN;
}

static const struct {
    int status;
    const char *name;
    const char *text;
} statuses[] = {
    {PEERREVIEW_OK, "PEERREVIEW_OK", "success"},
    {PEERREVIEW_EINVAL, "PEERREVIEW_EINVAL", "invalid argument"},
    {PEERREVIEW_ENOMEM, "PEERREVIEW_ENOMEM", "out of memory"},
    {PEERREVIEW_EIO, "PEERREVIEW_EIO", "input/output error"},
    {PEERREVIEW_EDATA, "PEERREVIEW_EDATA", "the data has errors"},
    {PEERREVIEW_ENOTFOUND, "PEERREVIEW_ENOTFOUND", "not found"},
    {PEERREVIEW_EEXIST, "PEERREVIEW_EEXIST", "already exists"},
    {PEERREVIEW_EUNSUPPORTED, "PEERREVIEW_EUNSUPPORTED",
     "the target form cannot represent the data"},
    {PEERREVIEW_EFORMAT, "PEERREVIEW_EFORMAT", "the file cannot be read further"},
    {PEERREVIEW_ECANCELED, "PEERREVIEW_ECANCELED", "canceled by the progress callback"},
};

PEERREVIEW_API const char *peerreview_strerror(int status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].status == status)
            return statuses[i].text;
    return "unknown status";
}

PEERREVIEW_API const char *peerreview_status_name(int status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].status == status)
            return statuses[i].name;
    return "PEERREVIEW_UNKNOWN";
}
