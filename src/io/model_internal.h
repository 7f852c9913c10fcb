/*
 * model_internal.h - the two model forms' encoders and decoders, called
 * by model_file.c; they build models with model.c's calls and write into
 * a bp_buf (buf.h).
 */
#ifndef BP_MODEL_INTERNAL_H
#define BP_MODEL_INTERNAL_H

#include "core/internal.h"
#include "io/buf.h"

/* Encoders and decoders (model_bin.c, model_text.c). */
bp_status bp__model_encode_bin(const bp_model *m, int with_state, bp_buf *b,
                               bp_error *err);
bp_status bp__model_decode_bin(const unsigned char *p, size_t n,
                               const char *name, const bp_allocator *alloc,
                               bp_model **out, bp_error *err);
bp_status bp__model_encode_text(const bp_model *m, bp_buf *b, bp_error *err);
bp_status bp__model_decode_text(const char *p, size_t n, const char *name,
                                const bp_allocator *alloc, bp_model **out,
                                bp_error *err);

/* What every writer checks before writing (model.c): nothing goes to a
 * file that its reader would refuse. */
bp_status bp__model_check(const bp_model *m, bp_error *err);

#define BP_MODEL_MAGIC "BPMODEL" /* 8 bytes with its NUL */
#define BP_MODEL_TEXT_MAGIC "backprop-model"

#endif
