/*
 * buf.c - the growable byte buffer of buf.h, in the memory of the
 * buffer's allocator.
 */
#include "io/buf.h"
#include "kernel/kernel.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const bp_allocator plain = {NULL, NULL, NULL};

/* Room for extra more bytes; 0 when there is none (and oom set). */
static int reserve(bp_buf *b, size_t extra)
{
    if (b->oom)
        return 0;
    if (b->len + extra <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra)
        cap *= 2;
    const bp_allocator *a = b->alloc ? b->alloc : &plain;
    unsigned char *p = bp__alloc(a, cap);
    if (!p) {
        b->oom = 1;
        return 0;
    }
    if (b->len)
        memcpy(p, b->p, b->len);
    bp__free(a, b->p);
    b->p = p;
    b->cap = cap;
    return 1;
}

void bp__buf_put(bp_buf *b, const void *data, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
}

void bp__buf_printf(bp_buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        bp__buf_put(b, small, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n + 1)) /* vsnprintf writes a NUL too */
        return;
    va_start(ap, fmt);
    vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void bp__buf_free(bp_buf *b)
{
    const bp_allocator *a = b->alloc;
    bp__free(a ? a : &plain, b->p);
    memset(b, 0, sizeof *b);
    b->alloc = a;
}
