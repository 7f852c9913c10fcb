/*
 * gemm.h - inside the kernel layer: the blocked float32 product, its
 * blocking, and each instruction set's kernel table entry. Private to
 * src/kernel (src/core includes kernel/kernel.h only).
 */
#ifndef BP_GEMM_H
#define BP_GEMM_H

#include "kernel/kernel.h"

/* Which instruction-set files have code in this build: x86-64 with GCC
 * or clang (per-function target attributes, no -march needed), and
 * AArch64 (Advanced SIMD is part of the architecture). The WebAssembly
 * build has neither. */
#if (defined(__x86_64__) || defined(__i386__)) &&                              \
    (defined(__GNUC__) || defined(__clang__)) && !defined(__EMSCRIPTEN__)
#define BP_KERNEL_X86 1
#else
#define BP_KERNEL_X86 0
#endif
#if defined(__aarch64__) && defined(__ARM_NEON) && !defined(__EMSCRIPTEN__)
#define BP_KERNEL_NEON 1
#else
#define BP_KERNEL_NEON 0
#endif

/* The table entries (portable.c, x86/avx2.c, x86/avx512.c, arm/neon.c). */
extern const bp_kernel bp__kernel_portable;
#if BP_KERNEL_X86
extern const bp_kernel bp__kernel_avx2, bp__kernel_avx512;
/* 1 if this CPU has the feature: "avx2" (meaning AVX2 and FMA) or
 * "avx512f" (x86/cpu.c). */
int bp__x86_has(const char *feature);
#endif
#if BP_KERNEL_NEON
extern const bp_kernel bp__kernel_neon;
#endif

/* Blocking: K in slices of at most KC (split evenly: no thin last
 * slice), N in blocks of at most NC columns taken by one thread at a
 * time, M in blocks of at most MC rows (split evenly) and those in
 * MR-row strips. */
enum { BP_KC = 320, BP_NC = 256, BP_MC = 256 };
/* The largest register tile of any kernel (AVX-512's 12 x 32): an edge
 * tile is computed whole into this much stack, then merged. */
enum { BP_TILE_FLOATS = 12 * 32 };

/* Floats of packing space one thread needs with kernel k for products
 * whose K and N are at most max_k and max_n. */
size_t bp__gemm_pack_floats(const bp_kernel *k, int max_k, int max_n);

/* C[M][N] = op(A)[M][K] op(B)[K][N] stored as ops says (bp_tile_ops, its
 * pointers for the whole of C: bias[N], gate and relu [M][ldc]), where
 * op(A)[i][p] = ta ? A[p lda + i] : A[i lda + p] and likewise for B. */
typedef struct {
    int ta, tb, M, N, K;
    const float *A;
    int lda;
    const float *B;
    int ldb;
    float *C;
    int ldc;
    const bp_tile_ops *ops;
} bp_sgemm_args;

/* The product x on the context's kernel (which must have a blocked
 * product) and threads. */
void bp__sgemm(bp_kctx *c, const bp_sgemm_args *x);
/* Two independent products (neither writes what the other reads) as one
 * job: one wait for the threads instead of two, and two products too
 * small to share each run side by side. The same numbers as one after
 * the other. */
void bp__sgemm2(bp_kctx *c, const bp_sgemm_args *x, const bp_sgemm_args *y);

/* The stores of bp_tile_ops for t[mr][nr] (row stride ldt) into C, one
 * element at a time: the kernels' partial tiles and gemm.c's edges. The
 * same operations as the vector stores, so the same numbers. */
static inline void bp__store_ops(const float *t, int ldt, float *c, int ldc,
                                 int mr, int nr, const bp_tile_ops *o)
{
    /* in locals: the stores below could alias *o as far as the compiler
     * knows */
    const int accumulate = o->accumulate;
    const float *const bias = accumulate ? NULL : o->bias;
    const float *const gate = o->gate;
    float *const relu = o->relu;
    int bad = 0;
    for (int i = 0; i < mr; i++) {
        const float *ti = t + (size_t)i * ldt;
        float *ci = c + (size_t)i * ldc;
        for (int j = 0; j < nr; j++) {
            float v = ti[j];
            v = accumulate ? ci[j] + v : bias ? v + bias[j] : v;
            if (gate && !(gate[(size_t)i * ldc + j] > 0))
                v = 0;
            ci[j] = v;
            if (relu)
                relu[(size_t)i * ldc + j] = v > 0 ? v : 0;
            bad |= !(v - v == 0); /* NaN or Inf */
        }
    }
    if (o->nonfinite && bad)
        *o->nonfinite = 1;
}

#endif
