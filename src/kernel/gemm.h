/*
 * gemm.h - the blocked float32 matrix product behind the forward and
 * backward phases, and its run-time choice of micro-kernel.
 */
#ifndef BP_GEMM_H
#define BP_GEMM_H

#include "core/internal.h"

#if (defined(__x86_64__) || defined(__i386__)) && \
    (defined(__GNUC__) || defined(__clang__)) && !defined(__EMSCRIPTEN__)
#define BP_GEMM_X86 1
#else
#define BP_GEMM_X86 0
#endif

/* C[mr][nr] (+)= A-strip[kc][MR] x B-panel[kc][NR], the valid corner of an
 * MR x NR tile: A's element (i, p) at a[p * sa + i], B's (p, j) at
 * b[p * sb + j] (packed: sa = MR, sb = NR, zero-padded). */
typedef void (*bp_ukernel)(int kc, const float *a, int sa, const float *b,
                           int sb, float *c, int ldc, int mr, int nr,
                           int accumulate, const float *bias);

/* y[j] = b[j] + sum_p w[j][p] x[p] for j < m: one sample through a layer
 * (w is [m][k], row-major). */
typedef void (*bp_gemv_fn)(int m, int k, const float *x, const float *w,
                           const float *b, float *y);
/* p[q] = sum_j d[j] w[j][q] for q < k, j ascending: one sample's delta
 * back through a layer. */
typedef void (*bp_gemvt_fn)(int m, int k, const float *d, const float *w,
                            float *p);

/* A CPU's kernels: name ("portable", "avx2", "avx512"), the blocked
 * product's micro-kernel and tile, the matrix-vector kernels; NULL
 * members mean the portable loops of kernel.c. */
typedef bp_kernel_info bp_kernel_choice;

#if BP_GEMM_X86
void bp__uk_avx512(int kc, const float *a, int sa, const float *b, int sb,
                   float *c, int ldc, int mr, int nr, int accumulate,
                   const float *bias);
void bp__uk_avx2(int kc, const float *a, int sa, const float *b, int sb,
                 float *c, int ldc, int mr, int nr, int accumulate,
                 const float *bias);
void bp__uk_avx512_rows(int kc, const float *a, int lda, const float *b,
                        int sb, float *c, int ldc, int mr, int nr,
                        int accumulate, const float *bias);
int bp__finite_avx512(const float *v, size_t n);
int bp__finite_avx2(const float *v, size_t n);
void bp__transpose_avx2(const float *src, int lds, int rows, int cols,
                        float *dst, int ldd);
void bp__gemv_avx512(int m, int k, const float *x, const float *w,
                     const float *b, float *y);
void bp__gemv_avx2(int m, int k, const float *x, const float *w,
                   const float *b, float *y);
void bp__gemvt_avx512(int m, int k, const float *d, const float *w, float *p);
void bp__gemvt_avx2(int m, int k, const float *d, const float *w, float *p);
#endif
/* 1 if this CPU has the feature ("avx512f", "avx2" meaning AVX2 + FMA). */
int bp__cpu_has(const char *feature);

/* Blocking: K in slices of KC, N in blocks of NC, M in strips of MR. */
enum { BP_KC = 256, BP_NC = 512, BP_MR_MAX = 12, BP_NR_MAX = 32 };

/* The best kernel this CPU runs, or the one BP_KERNEL names (portable,
 * avx2, avx512) when that is available. */
bp_kernel_choice bp__kernel_pick(const char *want);

/* Floats of packing space one thread needs for products whose K and N
 * are at most max_k and max_n. */
size_t bp__gemm_pack_floats(int max_k, int max_n);

/* C[M][N] = (accumulate ? C : bias ? bias[j] : 0) + op(A)[M][K] op(B)[K][N],
 * where
 * op(A)[i][p] = ta ? A[p lda + i] : A[i lda + p] and likewise for B.
 * Split over the net's threads by columns of C. */
void bp__sgemm(bp_net *net, int ta, int tb, int M, int N, int K,
               const float *A, int lda, const float *B, int ldb, float *C,
               int ldc, int accumulate, const float *bias);

#endif
