/*
 * portable.c - the portable kernel: plain C that any compiler and CPU
 * runs, in either precision. Its products are the plain loops of
 * products.c (it has no blocked product); here are its finite check and
 * transpose, which the SIMD kernels may also fall back on.
 */
#include "kernel/gemm.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

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

static int always(void) { return 1; }

const bp_kernel bp__kernel_portable = {
    .name = "portable",
    .needs = "nothing",
    .runs_here = always,
};
