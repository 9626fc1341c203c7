/*
 * peerreview command line: writing HTML and SVG (for `report`).
 *
 * Every piece of text that comes from data (and every attribute value) goes
 * through html_escape, the one escaping function; markup is written only by
 * the element writers below or, for the program's own constant markup (the
 * style sheet, the script), by html_raw. Nothing else writes markup.
 *
 * Line breaks: html_escape keeps them as they are; the page's style sheet
 * shows them in the elements that hold free text (white-space: pre-line),
 * so the escaping is the same for text and for attribute values.
 */
#ifndef PEERREVIEW_HTML_H
#define PEERREVIEW_HTML_H

#include <stdio.h>

/*
 * s as HTML text or a quoted attribute value: & < > " ' as character
 * references; tab, line feed and carriage return as they are; valid UTF-8
 * as it is; every other control character (U+0000-U+001F, U+007F-U+009F)
 * and every byte that is not part of valid UTF-8 as U+FFFD, so that the
 * output is valid UTF-8 and valid HTML for any bytes. NULL writes nothing.
 */
void html_escape(FILE *out, const char *s);

/* The program's own constant markup (never data): written as it is. */
void html_raw(FILE *out, const char *markup);

/* A number as text. */
void html_uint(FILE *out, unsigned long long v);

/*
 * A start tag in parts: html_tag writes "<name", then each html_attr* one
 * attribute, then html_tag_end ">" or html_tag_empty "/>" (SVG elements
 * without content).
 */
void html_tag(FILE *out, const char *name);
void html_attr(FILE *out, const char *name, const char *value); /* value escaped; NULL: none */
void html_attr_int(FILE *out, const char *name, long long value);
void html_tag_end(FILE *out);
void html_tag_empty(FILE *out);

/* <name> or <name class="cls"> (cls NULL: no class). */
void html_open(FILE *out, const char *name, const char *cls);

/* </name> */
void html_close(FILE *out, const char *name);

/* <name class="cls">text</name>, text escaped (cls NULL: no class). */
void html_element(FILE *out, const char *name, const char *cls, const char *text);

/* <name class="cls">N</name>: a number. */
void html_element_uint(FILE *out, const char *name, const char *cls, unsigned long long v);

/* 1 if url is an http:// or https:// address (any case): one to link to. */
int html_is_web_url(const char *url);

/*
 * text as a link to url when url is a web address (html_is_web_url), else
 * text alone (text NULL: the url as its text).
 */
void html_link(FILE *out, const char *url, const char *text);

#endif
