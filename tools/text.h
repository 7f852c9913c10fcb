/*
 * text.h - a growable text buffer for the files the commands write in
 * one piece (predictions, plots, generated code, FANN data): built in
 * memory, then written atomically with bp_write_file_atomic.
 */
#ifndef BP_TEXT_H
#define BP_TEXT_H

#include <stddef.h>

typedef struct {
    char *p; /* NUL-terminated once anything was added */
    size_t len, cap;
    int oom; /* an append failed: the text is incomplete */
} text;

/* Append printf-style; any length. */
void text_printf(text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void text_free(text *t);

/* Append prefix and s as one CSV field (RFC 4180): as they are, or in
 * double quotes with each quote doubled when they hold a comma, a quote,
 * a line break or space at either end. */
void text_csv_field(text *t, const char *prefix, const char *s);

/* Append s with XML's special characters escaped (&lt; &gt; &amp;
 * &quot;): text in an SVG file. */
void text_xml(text *t, const char *s);

#endif
