/*
 * model.c - models (a network plus its input scaling and class names):
 * life cycle, loading and saving in either form, and the atomic write
 * every file the library produces goes through.
 */
#define _POSIX_C_SOURCE 200809L
#include "io/model_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Model files are small next to memory; this bound keeps a corrupt or
 * hostile length field from asking for absurd allocations. */
#if SIZE_MAX > 0xffffffffu
#define MAX_MODEL_FILE ((size_t)1 << 34)
#else /* 32-bit targets (WebAssembly): 1 GiB */
#define MAX_MODEL_FILE ((size_t)1 << 30)
#endif

bp_status bp_model_new(bp_model **out, bp_net *net, bp_error *err)
{
    if (!out || !net)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL", out ? "net" : "out");
    bp_model *m = calloc(1, sizeof *m);
    if (!m)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    m->net = net;
    m->best_val_loss = INFINITY;
    m->batch = 1;
    *out = m;
    return BP_OK;
}

static void free_classes(bp_model *m)
{
    for (int i = 0; m->class_names && i < m->n_classes; i++)
        free(m->class_names[i]);
    free(m->class_names);
    m->class_names = NULL;
    m->n_classes = 0;
}

void bp_model_free(bp_model *m)
{
    if (!m)
        return;
    bp_net_free(m->net);
    free(m->scale_offset);
    free(m->scale_factor);
    free_classes(m);
    free(m);
}

bp_status bp_model_set_scaling(bp_model *m, bp_scaling kind,
                               const double *offset, const double *factor,
                               bp_error *err)
{
    if (!m || !m->net)
        return bp__fail_err(err, BP_ERR_NULL, "model is NULL");
    if (kind != BP_SCALING_NONE && kind != BP_SCALING_MINMAX &&
        kind != BP_SCALING_STANDARD)
        return bp__fail_err(err, BP_ERR_ARG, "unknown scaling %d", (int)kind);
    const int n = bp_net_n_in(m->net);
    double *o = NULL, *f = NULL;
    if (kind != BP_SCALING_NONE) {
        if (!offset || !factor)
            return bp__fail_err(err, BP_ERR_NULL, "scaling arrays are NULL");
        for (int i = 0; i < n; i++)
            if (!isfinite(offset[i]) || !isfinite(factor[i]))
                return bp__fail_err(err, BP_ERR_NONFINITE,
                                    "scaling of input %d is not finite", i);
        o = malloc((size_t)n * sizeof *o);
        f = malloc((size_t)n * sizeof *f);
        if (!o || !f) {
            free(o);
            free(f);
            return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
        }
        memcpy(o, offset, (size_t)n * sizeof *o);
        memcpy(f, factor, (size_t)n * sizeof *f);
    }
    free(m->scale_offset);
    free(m->scale_factor);
    m->scaling = kind;
    m->scale_offset = o;
    m->scale_factor = f;
    return BP_OK;
}

bp_status bp_model_set_classes(bp_model *m, int n, const char *const *names,
                               bp_error *err)
{
    if (!m || !m->net)
        return bp__fail_err(err, BP_ERR_NULL, "model is NULL");
    const int n_out = bp_net_n_out(m->net);
    if (n < 0 || (n > 0 && n != n_out && !(n == 2 && n_out == 1)))
        return bp__fail_err(err, BP_ERR_SIZE,
                            "%d class names for %d outputs", n, n_out);
    if (n > 0 && !names)
        return bp__fail_err(err, BP_ERR_NULL, "names is NULL");
    char **copy = n ? calloc((size_t)n, sizeof *copy) : NULL;
    if (n && !copy)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        if (!names[i] || !(copy[i] = malloc(strlen(names[i]) + 1))) {
            for (int k = 0; k < i; k++)
                free(copy[k]);
            free(copy);
            return bp__fail_err(err, names[i] ? BP_ERR_NOMEM : BP_ERR_NULL,
                                "class name %d", i);
        }
        strcpy(copy[i], names[i]);
    }
    free_classes(m);
    m->n_classes = n;
    m->class_names = copy;
    return BP_OK;
}

void bp_model_scale(const bp_model *m, bp_real *x, int n)
{
    if (!m || !x || m->scaling == BP_SCALING_NONE || !m->scale_offset)
        return;
    const int d = bp_net_n_in(m->net);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) {
            bp_real *v = &x[(size_t)i * d + j];
            *v = (bp_real)((*v - m->scale_offset[j]) * m->scale_factor[j]);
        }
}

/* ------------------------------------------------------------ the buffer */

void bp__buf_put(bp_buf *b, const void *data, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
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
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    bp__buf_put(b, big, (size_t)n);
    free(big);
}

void bp__buf_free(bp_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* --------------------------------------------------------------- files */

bp_status bp__write_atomic(const char *path, const void *data, size_t n,
                           bp_error *err)
{
    if (!path || !*path)
        return bp__fail_err(err, BP_ERR_ARG, "no file name");
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        bp_status st = bp__fail_err(err, BP_ERR_IO, "%s: cannot create a "
                                    "temporary file beside it: %s", path,
                                    strerror(errno));
        free(tmp);
        return st;
    }
    const unsigned char *p = data;
    size_t left = n;
    int bad = 0;
    while (left > 0 && !bad) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            bad = errno ? errno : EIO;
        else {
            p += w;
            left -= (size_t)w;
        }
    }
    if (!bad && fsync(fd) != 0)
        bad = errno;
    if (close(fd) != 0 && !bad)
        bad = errno;
    /* mkstemp makes the file 0600; a model is an ordinary file */
    if (!bad)
        chmod(tmp, 0644);
    if (!bad && rename(tmp, path) != 0)
        bad = errno;
    if (bad) {
        unlink(tmp);
        free(tmp);
        return bp__fail_err(err, BP_ERR_IO, "%s: write failed: %s", path,
                            strerror(bad));
    }
    free(tmp);
    /* make the rename itself durable */
    char *dir = malloc(len + 2);
    if (dir) {
        memcpy(dir, path, len + 1);
        char *slash = strrchr(dir, '/');
        if (slash)
            slash[slash == dir ? 1 : 0] = '\0';
        else
            strcpy(dir, ".");
        int dfd = open(dir, O_RDONLY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return BP_OK;
}

bp_status bp_write_file_atomic(const char *path, const void *data, size_t n,
                               bp_error *err)
{
    if (!data && n)
        return bp__fail_err(err, BP_ERR_NULL, "data is NULL");
    return bp__write_atomic(path, data ? data : "", n, err);
}

bp_status bp__read_file(const char *path, size_t max, unsigned char **data,
                        size_t *n, bp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return bp__fail_err(err, BP_ERR_IO, "%s: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    unsigned char *p = malloc(cap);
    while (p) {
        size_t got = fread(p + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        if (cap >= max) {
            free(p);
            fclose(f);
            return bp__fail_err(err, BP_ERR_FORMAT, "%s: larger than %zu "
                                "bytes", path, max);
        }
        unsigned char *q = realloc(p, cap * 2);
        if (!q) {
            free(p);
            p = NULL;
            break;
        }
        p = q;
        cap *= 2;
    }
    int failed = ferror(f);
    fclose(f);
    if (!p)
        return bp__fail_err(err, BP_ERR_NOMEM, "%s: out of memory", path);
    if (failed) {
        free(p);
        return bp__fail_err(err, BP_ERR_IO, "%s: read error", path);
    }
    *data = p;
    *n = len;
    return BP_OK;
}

/* ------------------------------------------------------ save and load */

bp_status bp_model_save(const bp_model *m, const char *path,
                        bp_model_format format, int with_state,
                        bp_error *err)
{
    if (!m || !m->net || !path)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL",
                            path ? "model" : "path");
    if (format != BP_FORMAT_BINARY && format != BP_FORMAT_TEXT)
        return bp__fail_err(err, BP_ERR_ARG, "unknown model format %d",
                            (int)format);
    if (with_state && format == BP_FORMAT_TEXT)
        return bp__fail_err(err, BP_ERR_ARG,
                            "%s: checkpoints are binary only", path);
    bp_buf b = {0};
    bp_status st = format == BP_FORMAT_BINARY
                       ? bp__model_encode_bin(m, with_state, &b, err)
                       : bp__model_encode_text(m, &b, err);
    if (!st && b.oom)
        st = bp__fail_err(err, BP_ERR_NOMEM, "%s: out of memory", path);
    if (!st)
        st = bp__write_atomic(path, b.p, b.len, err);
    bp__buf_free(&b);
    return st;
}

bp_status bp_model_parse(const void *data, size_t size, const char *name,
                         bp_model **out, bp_error *err)
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
        return bp__model_decode_bin(data, size, name, out, err);
    const size_t tlen = strlen(BP_MODEL_TEXT_MAGIC);
    const char *s = data;
    /* the text form may start with comment lines */
    size_t i = 0;
    while (i < size && (s[i] == '#' || s[i] == '\n' || s[i] == '\r' ||
                        s[i] == ' ' || s[i] == '\t')) {
        if (s[i] == '#')
            while (i < size && s[i] != '\n')
                i++;
        else
            i++;
    }
    if (size - i >= tlen && memcmp(s + i, BP_MODEL_TEXT_MAGIC, tlen) == 0)
        return bp__model_decode_text(s, size, name, out, err);
    return bp__fail_err(err, BP_ERR_FORMAT,
                        "%s: not a backprop model (neither the binary nor "
                        "the text form)", name);
}

bp_status bp_model_load(const char *path, bp_model **out, bp_error *err)
{
    if (!path || !out)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL",
                            path ? "out" : "path");
    *out = NULL;
    unsigned char *data;
    size_t n;
    bp_status st = bp__read_file(path, MAX_MODEL_FILE, &data, &n, err);
    if (st)
        return st;
    st = bp_model_parse(data, n, path, out, err);
    free(data);
    return st;
}
