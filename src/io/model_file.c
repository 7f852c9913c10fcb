/*
 * model_file.c - models to and from files and memory: picks the form
 * (binary or text) and hands the bytes to its encoder or decoder, and the
 * whole file to the atomic write. Above the two forms, which sit above
 * model.c: no file here is called back by the ones it calls.
 */
#include "io/model_internal.h"
#include "io/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Model files are small next to memory; this bound keeps a corrupt or
 * hostile length field from asking for absurd allocations. */
#if SIZE_MAX > 0xffffffffu
#define MAX_MODEL_FILE ((size_t)1 << 34)
#else /* 32-bit targets (WebAssembly): 1 GiB */
#define MAX_MODEL_FILE ((size_t)1 << 30)
#endif

/* The whole file of m in one buffer (the model's memory); dest names
 * where it goes, for messages. */
static bp_status encode(const bp_model *m, const char *dest,
                        bp_model_format format, int with_state, bp_buf *b,
                        bp_error *err)
{
    if (!m || !m->net)
        return bp__fail_err(err, BP_ERR_NULL, "model is NULL");
    if (format != BP_FORMAT_BINARY && format != BP_FORMAT_TEXT)
        return bp__fail_err(err, BP_ERR_ARG, "unknown model format %d",
                            (int)format);
    if (with_state && format == BP_FORMAT_TEXT)
        return bp__fail_err(err, BP_ERR_ARG, "%s: checkpoints are binary only",
                            dest);
    bp_status st = bp__model_check(m, err);
    if (st) {
        if (err) { /* name the file the save was for */
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            bp__fail_err(err, st, "%s: %s", dest, msg);
        }
        return st;
    }
    b->alloc = &m->alloc;
    st = format == BP_FORMAT_BINARY
        ? bp__model_encode_bin(m, with_state, b, err)
        : bp__model_encode_text(m, b, err);
    if (!st && b->oom)
        st = bp__fail_err(err, BP_ERR_NOMEM, "%s: out of memory", dest);
    return st;
}

bp_status bp_model_save(const bp_model *m, const char *path,
                        bp_model_format format, int with_state, bp_error *err)
{
    if (!path)
        return bp__fail_err(err, BP_ERR_NULL, "path is NULL");
    bp_buf b = {NULL, 0, 0, 0, NULL};
    bp_status st = encode(m, path, format, with_state, &b, err);
    if (!st)
        st = bp__write_atomic(path, b.p, b.len, &m->alloc, err);
    bp__buf_free(&b);
    return st;
}

bp_status bp_model_write(const bp_model *m, bp_model_format format,
                         int with_state, bp_write_fn write, void *ctx,
                         bp_error *err)
{
    if (!write)
        return bp__fail_err(err, BP_ERR_NULL, "write is NULL");
    bp_buf b = {NULL, 0, 0, 0, NULL};
    bp_status st = encode(m, "(model)", format, with_state, &b, err);
    if (!st)
        write(ctx, (const char *)b.p, b.len);
    bp__buf_free(&b);
    return st;
}

bp_status bp_model_parse(const void *data, size_t size, const char *name,
                         const bp_allocator *alloc, bp_model **out,
                         bp_error *err)
{
    if (!out)
        return bp__fail_err(err, BP_ERR_NULL, "out is NULL");
    *out = NULL;
    if (!data && size)
        return bp__fail_err(err, BP_ERR_NULL, "data is NULL");
    if (!name)
        name = "(model)";
    const size_t mlen = sizeof BP_MODEL_MAGIC;
    if (size >= mlen && memcmp(data, BP_MODEL_MAGIC, mlen) == 0)
        return bp__model_decode_bin(data, size, name, alloc, out, err);
    const size_t tlen = strlen(BP_MODEL_TEXT_MAGIC);
    const char *s = data;
    /* a text editor's UTF-8 byte-order mark is not part of the text */
    if (size >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
        s += 3;
        size -= 3;
    }
    /* the text form may start with comment lines */
    size_t i = 0;
    while (i < size &&
           (s[i] == '#' || s[i] == '\n' || s[i] == '\r' || s[i] == ' ' ||
            s[i] == '\t')) {
        if (s[i] == '#')
            while (i < size && s[i] != '\n')
                i++;
        else
            i++;
    }
    if (size - i >= tlen && memcmp(s + i, BP_MODEL_TEXT_MAGIC, tlen) == 0)
        return bp__model_decode_text(s, size, name, alloc, out, err);
    return bp__fail_err(err, BP_ERR_FORMAT,
                        "%s: not a backprop model (neither the binary nor "
                        "the text form)",
                        name);
}

bp_status bp_model_load(const char *path, const bp_allocator *alloc,
                        bp_model **out, bp_error *err)
{
    static const bp_allocator plain = {NULL, NULL, NULL};
    if (!path || !out)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL",
                            path ? "out" : "path");
    *out = NULL;
    unsigned char *data;
    size_t n;
    bp_status st = bp__read_file(path, MAX_MODEL_FILE, alloc ? alloc : &plain,
                                 &data, &n, err);
    if (st)
        return st;
    st = bp_model_parse(data, n, path, alloc, out, err);
    bp__free(alloc ? alloc : &plain, data);
    return st;
}
