/*
 * x86.h - what the x86 kernels share. Private to src/kernel/x86.
 */
#ifndef BP_X86_H
#define BP_X86_H

#include "kernel/gemm.h"

#if BP_KERNEL_X86

/* Store a tile: all of it, or its valid mr x nr corner; overwrite, add
 * the bias, or add C's old value (see bp_ukernel). Uses c, ldc, mr, nr,
 * accumulate and bias from the calling kernel. */
#define STORE_TILE(MR, NR, tile)                                              \
    do {                                                                      \
        for (int i = 0; i < mr; i++)                                          \
            for (int j = 0; j < nr; j++)                                      \
                c[(size_t)i * ldc + j] =                                      \
                    accumulate ? c[(size_t)i * ldc + j] + tile[i][j]          \
                    : bias     ? tile[i][j] + bias[j]                         \
                               : tile[i][j];                                  \
    } while (0)

/* dst[c * ldd + r] = src[r * lds + c]: 8 x 8 blocks in registers (avx2.c). */
void bp__transpose_avx2(const float *src, int lds, int rows, int cols,
                        float *dst, int ldd);

#endif
#endif
