/*
 * text.c - the growable text buffer of text.h.
 */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void text_printf(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || t->oom)
        return;
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1 << 16;
        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        char *q = realloc(t->p, cap);
        if (!q) {
            t->oom = 1;
            return;
        }
        t->p = q;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

void text_free(text *t)
{
    free(t->p);
    t->p = NULL;
    t->len = t->cap = 0;
    t->oom = 0;
}

/* p with every double quote doubled */
static void put_doubled(text *t, const char *p)
{
    for (const char *q; (q = strchr(p, '"')) != NULL; p = q + 1)
        text_printf(t, "%.*s\"\"", (int)(q - p), p);
    text_printf(t, "%s", p);
}

void text_csv_field(text *t, const char *prefix, const char *s)
{
    const size_t n = strlen(s);
    if (!strpbrk(prefix, ",\"\r\n") && !strpbrk(s, ",\"\r\n") &&
        !(n && (s[0] == ' ' || s[n - 1] == ' '))) {
        text_printf(t, "%s%s", prefix, s);
        return;
    }
    text_printf(t, "\"");
    put_doubled(t, prefix);
    put_doubled(t, s);
    text_printf(t, "\"");
}

void text_xml(text *t, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            text_printf(t, "&lt;");
            break;
        case '>':
            text_printf(t, "&gt;");
            break;
        case '&':
            text_printf(t, "&amp;");
            break;
        case '"':
            text_printf(t, "&quot;");
            break;
        default:
            text_printf(t, "%c", *s);
        }
    }
}
