/*
 * x86.h - what the x86 kernels share. Private to src/kernel/x86.
 */
#ifndef BP_X86_H
#define BP_X86_H

#include "kernel/gemm.h"

#if BP_KERNEL_X86

/* dst[c * ldd + r] = src[r * lds + c]: 8 x 8 blocks in registers (avx2.c). */
void bp__transpose_avx2(const float *src, int lds, int rows, int cols,
                        float *dst, int ldd);
/* One Adam step, eight weights at a time (avx2.c; bp_adam_step). */
void bp__adam_avx2(float *w, const float *g, float *m, float *v, size_t n,
                   const bp_adam_step *a);

#endif
#endif
