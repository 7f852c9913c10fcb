/*
 * model_internal.h - what the model files' encoders and decoders share:
 * a growable byte buffer and the atomic file write.
 */
#ifndef BP_MODEL_INTERNAL_H
#define BP_MODEL_INTERNAL_H

#include "core/internal.h"

typedef struct {
    unsigned char *p;
    size_t len, cap;
    int oom; /* an append failed: the buffer is incomplete */
} bp_buf;

void bp__buf_put(bp_buf *b, const void *data, size_t n);
void bp__buf_printf(bp_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void bp__buf_free(bp_buf *b);

/* Write data to path atomically: a temporary file in the same directory,
 * flushed to disk, renamed over path. */
bp_status bp__write_atomic(const char *path, const void *data, size_t n,
                           bp_error *err);
/* Read a whole file (at most max bytes) into a malloc'ed buffer. */
bp_status bp__read_file(const char *path, size_t max, unsigned char **data,
                        size_t *n, bp_error *err);

/* Encoders and decoders (model_bin.c, model_text.c). */
bp_status bp__model_encode_bin(const bp_model *m, int with_state, bp_buf *b,
                               bp_error *err);
bp_status bp__model_decode_bin(const unsigned char *p, size_t n,
                               const char *name, bp_model **out,
                               bp_error *err);
bp_status bp__model_encode_text(const bp_model *m, bp_buf *b, bp_error *err);
bp_status bp__model_decode_text(const char *p, size_t n, const char *name,
                                bp_model **out, bp_error *err);

#define BP_MODEL_MAGIC "BPMODEL"  /* 8 bytes with its NUL */
#define BP_MODEL_TEXT_MAGIC "backprop-model"

#endif
