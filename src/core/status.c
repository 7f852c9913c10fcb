/*
 * status.c - status strings, error messages and allocation: the small
 * plumbing every other file leans on.
 */
#include "core/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *bp_status_str(bp_status status)
{
    switch (status) {
    case BP_OK: return "ok";
    case BP_ERR_NULL: return "NULL pointer";
    case BP_ERR_SIZE: return "bad size";
    case BP_ERR_ARG: return "invalid argument";
    case BP_ERR_NOMEM: return "out of memory";
    case BP_ERR_NONFINITE: return "NaN or Inf value";
    case BP_ERR_STATE: return "call out of order";
    case BP_ERR_IO: return "input/output error";
    case BP_ERR_FORMAT: return "malformed data";
    }
    return "unknown status";
}

int bp_real_size(void) { return (int)sizeof(bp_real); }

void *bp__alloc(const bp_allocator *a, size_t size)
{
    if (size == 0)
        size = 1;
    return a->alloc ? a->alloc(a->ctx, size) : malloc(size);
}

void bp__free(const bp_allocator *a, void *p)
{
    if (!p)
        return;
    if (a->free)
        a->free(a->ctx, p);
    else
        free(p);
}

bp_status bp__fail(bp_net *net, bp_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(net->err, sizeof net->err, fmt, ap);
    va_end(ap);
    return st;
}

bp_status bp__fail_err(bp_error *err, bp_status st, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = st;
    }
    return st;
}

int bp__all_finite(const bp_real *v, size_t n)
{
    /* A float is NaN or Inf exactly when its exponent bits are all ones.
     * Testing the bits with integer operations lets the compiler
     * vectorise the loop (a floating-point sum could not be reordered),
     * so the check costs little next to the products it guards. */
#ifdef BP_DOUBLE
    const uint64_t mask = 0x7ff0000000000000ULL;
    uint64_t u, bad = 0;
#else
    const uint32_t mask = 0x7f800000u;
    uint32_t u, bad = 0;
#endif
    if (n < 16) { /* per-sample steps: skip the vector loop's setup */
        for (size_t i = 0; i < n; i++)
            if (!isfinite(v[i]))
                return 0;
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(&u, &v[i], sizeof u);
        bad |= (u & mask) == mask;
    }
    return !bad;
}
