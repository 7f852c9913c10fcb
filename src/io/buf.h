/*
 * buf.h - a growable byte buffer: the model encoders write a whole file
 * into one before it goes to disk in a single atomic write.
 */
#ifndef BP_IO_BUF_H
#define BP_IO_BUF_H

#include <stddef.h>

#include "backprop.h"

typedef struct {
    unsigned char *p;
    size_t len, cap;
    int oom;                   /* an append failed: the buffer is incomplete */
    const bp_allocator *alloc; /* whose memory (NULL: malloc's) */
} bp_buf;

/* Append n bytes; on failure set oom and leave the buffer as it was. */
void bp__buf_put(bp_buf *b, const void *data, size_t n);
void bp__buf_printf(bp_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void bp__buf_free(bp_buf *b);

#endif
