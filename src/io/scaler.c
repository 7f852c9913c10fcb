/*
 * scaler.c - the scaler value type: x' = (x - offset) * factor per
 * column, fitted on data, applied, inverted, copied, compared.
 */
#include "core/internal.h"

#include <string.h>

void bp_scaler_free(bp_scaler *s)
{
    if (!s)
        return;
    bp__free(&s->alloc, s->offset);
    bp__free(&s->alloc, s->factor);
    memset(s, 0, sizeof *s);
}

/* Room for n columns, arrays uninitialised; s untouched on failure. */
static bp_status make(bp_scaler *s, bp_scaling kind, int n,
                      const bp_allocator *alloc, bp_error *err)
{
    bp_allocator a = {NULL, NULL, NULL};
    if (alloc)
        a = *alloc;
    if ((a.alloc == NULL) != (a.free == NULL))
        return bp__fail_err(err, BP_ERR_ARG,
                            "allocator: give both alloc and free");
    memset(s, 0, sizeof *s);
    s->alloc = a;
    if (kind == BP_SCALING_NONE)
        return BP_OK;
    s->offset = bp__alloc(&a, (size_t)n * sizeof *s->offset);
    s->factor = bp__alloc(&a, (size_t)n * sizeof *s->factor);
    if (!s->offset || !s->factor) {
        bp_scaler_free(s);
        return bp__fail_err(err, BP_ERR_NOMEM,
                            "out of memory for a "
                            "scaler of %d columns",
                            n);
    }
    s->kind = kind;
    s->n = n;
    return BP_OK;
}

static bp_status check_kind(bp_scaling kind, bp_error *err)
{
    if (kind != BP_SCALING_NONE && kind != BP_SCALING_MINMAX &&
        kind != BP_SCALING_STANDARD)
        return bp__fail_err(err, BP_ERR_ARG, "unknown scaling %d", (int)kind);
    return BP_OK;
}

bp_status bp_scaler_set(bp_scaler *s, bp_scaling kind, int n,
                        const double *offset, const double *factor,
                        const bp_allocator *alloc, bp_error *err)
{
    if (!s)
        return bp__fail_err(err, BP_ERR_NULL, "scaler is NULL");
    bp_status st = check_kind(kind, err);
    if (st)
        return st;
    if (kind != BP_SCALING_NONE) {
        if (n < 1)
            return bp__fail_err(err, BP_ERR_SIZE, "a scaler of %d columns", n);
        if (!offset || !factor)
            return bp__fail_err(err, BP_ERR_NULL, "scaling arrays are NULL");
        for (int i = 0; i < n; i++)
            if (!isfinite(offset[i]) || !isfinite(factor[i]) || factor[i] == 0)
                return bp__fail_err(err, BP_ERR_NONFINITE,
                                    "scaling of column "
                                    "%d is not finite (or its factor is 0)",
                                    i + 1);
    }
    bp_scaler t;
    if ((st = make(&t, kind, n, alloc, err)))
        return st;
    if (kind != BP_SCALING_NONE) {
        memcpy(t.offset, offset, (size_t)n * sizeof *t.offset);
        memcpy(t.factor, factor, (size_t)n * sizeof *t.factor);
    }
    *s = t;
    return BP_OK;
}

bp_status bp_scaler_copy(bp_scaler *dst, const bp_scaler *src,
                         const bp_allocator *alloc, bp_error *err)
{
    if (!dst || !src)
        return bp__fail_err(err, BP_ERR_NULL, "scaler is NULL");
    return bp_scaler_set(dst, src->kind, src->n, src->offset, src->factor,
                         alloc, err);
}

bp_status bp_scaler_fit(bp_scaler *s, bp_scaling kind, const bp_real *x,
                        int64_t n, int width, const bp_allocator *alloc,
                        bp_error *err)
{
    if (!s || (!x && kind != BP_SCALING_NONE))
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL", s ? "x" : "scaler");
    bp_status st = check_kind(kind, err);
    if (st)
        return st;
    if (kind != BP_SCALING_NONE && (n < 1 || width < 1))
        return bp__fail_err(err, BP_ERR_SIZE,
                            "fitting a scaler to %lld rows "
                            "of %d columns",
                            (long long)n, width);
    bp_scaler t;
    if ((st = make(&t, kind, width, alloc, err)))
        return st;
    for (int j = 0; j < t.n; j++) {
        double lo = INFINITY, hi = -INFINITY, sum = 0, sq = 0;
        for (int64_t i = 0; i < n; i++) {
            const double v = x[(size_t)i * (size_t)width + (size_t)j];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            sum += v;
        }
        const double mean = sum / (double)n;
        for (int64_t i = 0; i < n; i++) {
            const double v = x[(size_t)i * (size_t)width + (size_t)j] - mean;
            sq += v * v;
        }
        const double sd = sqrt(sq / (double)n);
        /* a constant column keeps factor 1: nothing to divide by */
        if (kind == BP_SCALING_MINMAX) {
            t.offset[j] = lo;
            t.factor[j] = hi > lo ? 1 / (hi - lo) : 1;
        } else {
            t.offset[j] = mean;
            t.factor[j] = sd > 1e-12 * (fabs(mean) + 1) ? 1 / sd : 1;
        }
        if (!isfinite(t.factor[j]) || t.factor[j] == 0)
            t.factor[j] = 1; /* a range beyond double: leave it */
        if (!isfinite(t.offset[j]))
            t.offset[j] = 0;
    }
    *s = t;
    return BP_OK;
}

void bp_scaler_apply(const bp_scaler *s, bp_real *x, int64_t n)
{
    if (!s || !x || s->kind == BP_SCALING_NONE || !s->offset)
        return;
    const size_t w = (size_t)s->n;
    for (int64_t i = 0; i < n; i++)
        for (size_t j = 0; j < w; j++) {
            bp_real *v = &x[(size_t)i * w + j];
            *v = (bp_real)((*v - s->offset[j]) * s->factor[j]);
        }
}

void bp_scaler_invert(const bp_scaler *s, bp_real *x, int64_t n)
{
    if (!s || !x || s->kind == BP_SCALING_NONE || !s->offset)
        return;
    const size_t w = (size_t)s->n;
    for (int64_t i = 0; i < n; i++)
        for (size_t j = 0; j < w; j++) {
            bp_real *v = &x[(size_t)i * w + j];
            *v = (bp_real)(*v / s->factor[j] + s->offset[j]);
        }
}

int bp_scaler_equal(const bp_scaler *a, const bp_scaler *b)
{
    const int none_a = !a || a->kind == BP_SCALING_NONE;
    const int none_b = !b || b->kind == BP_SCALING_NONE;
    if (none_a || none_b)
        return none_a == none_b;
    if (a->kind != b->kind || a->n != b->n)
        return 0;
    for (int j = 0; j < a->n; j++)
        if (a->offset[j] != b->offset[j] || a->factor[j] != b->factor[j])
            return 0;
    return 1;
}
