/* peerreview command line: writing HTML and SVG (see html.h). */
#define _XOPEN_SOURCE 700 /* POSIX 2008: strncasecmp */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "html.h"
#include "output.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD in UTF-8 */

void html_escape(FILE *out, const char *s)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    while (len > 0) {
        unsigned c = *p;
        size_t n = 1;
        switch (c) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        case '\t':
        case '\n':
        case '\r':
            fputc((int)c, out);
            break;
        default:
            if (c < 0x20 || c == 0x7F) {
                fputs(REPLACEMENT, out);
            } else if (c < 0x80) {
                fputc((int)c, out);
            } else if ((n = utf8_sequence(p, len)) == 0) {
                fputs(REPLACEMENT, out); /* not UTF-8: one U+FFFD per byte */
                n = 1;
            } else if (n == 2 && c == 0xC2 && p[1] < 0xA0) {
                fputs(REPLACEMENT, out); /* U+0080-U+009F: C1 control characters */
            } else {
                fwrite(p, 1, n, out);
            }
        }
        p += n;
        len -= n;
    }
}

void html_raw(FILE *out, const char *markup)
{
    fputs(markup, out);
}

void html_uint(FILE *out, unsigned long long v)
{
    fprintf(out, "%llu", v);
}

void html_tag(FILE *out, const char *name)
{
    fputc('<', out);
    fputs(name, out);
}

void html_attr(FILE *out, const char *name, const char *value)
{
    if (!value)
        return;
    fprintf(out, " %s=\"", name);
    html_escape(out, value);
    fputc('"', out);
}

void html_attr_int(FILE *out, const char *name, long long value)
{
    fprintf(out, " %s=\"%lld\"", name, value);
}

void html_tag_end(FILE *out)
{
    fputc('>', out);
}

void html_tag_empty(FILE *out)
{
    fputs("/>", out);
}

void html_open(FILE *out, const char *name, const char *cls)
{
    html_tag(out, name);
    html_attr(out, "class", cls);
    html_tag_end(out);
}

void html_close(FILE *out, const char *name)
{
    fprintf(out, "</%s>", name);
}

void html_element(FILE *out, const char *name, const char *cls, const char *text)
{
    html_open(out, name, cls);
    html_escape(out, text);
    html_close(out, name);
}

void html_element_uint(FILE *out, const char *name, const char *cls, unsigned long long v)
{
    html_open(out, name, cls);
    html_uint(out, v);
    html_close(out, name);
}

int html_is_web_url(const char *url)
{
    return url && (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0);
}

void html_link(FILE *out, const char *url, const char *text)
{
    if (!text)
        text = url;
    if (!html_is_web_url(url)) {
        html_escape(out, text);
        return;
    }
    html_tag(out, "a");
    html_attr(out, "href", url);
    html_tag_end(out);
    html_escape(out, text);
    html_close(out, "a");
}
