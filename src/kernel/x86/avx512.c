/*
 * avx512.c - the AVX-512 kernel: a 12 x 32 micro-kernel (24 of the 32
 * zmm registers hold the tile), also reading A's rows in place;
 * matrix-vector kernels with masked tails; the finite check on 64 floats
 * a step. Packing transposes use the AVX2 kernel's (every AVX-512 CPU
 * has AVX2).
 *
 * Per-function target attributes: the default build needs no -march
 * flag, and nothing here runs unless cpuid said the CPU has AVX-512F.
 */
#include "kernel/x86/x86.h"

#if BP_KERNEL_X86

#include <immintrin.h>

/* Store the 12 x 32 tile held in c0, c1 as ops says (bp_tile_ops). */
__attribute__((target("avx512f"), always_inline)) static inline void
store512(__m512 *c0, __m512 *c1, float *c, int ldc, int mr, int nr,
         const bp_tile_ops *o)
{
    if (mr < 12 || nr < 32) {
        float tile[12][32];
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++) {
            _mm512_storeu_ps(tile[i], c0[i]);
            _mm512_storeu_ps(tile[i] + 16, c1[i]);
        }
        bp__store_ops(tile[0], 32, c, ldc, mr, nr, o);
        return;
    }
    /* in locals: the stores below could alias *o as far as the compiler
     * knows */
    const int accumulate = o->accumulate, check = o->nonfinite != NULL;
    const float *const gate = o->gate;
    float *const relu = o->relu;
    const __m512 zero = _mm512_setzero_ps();
    const int add_bias = !accumulate && o->bias;
    const __m512 bias0 = add_bias ? _mm512_loadu_ps(o->bias) : zero;
    const __m512 bias1 = add_bias ? _mm512_loadu_ps(o->bias + 16) : zero;
    const __m512i e = _mm512_set1_epi32(0x7f800000);
    __mmask16 bad = 0;
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) {
        const size_t at = (size_t)i * ldc;
        float *ci = c + at;
        if (accumulate) {
            c0[i] = _mm512_add_ps(_mm512_loadu_ps(ci), c0[i]);
            c1[i] = _mm512_add_ps(_mm512_loadu_ps(ci + 16), c1[i]);
        } else if (add_bias) {
            c0[i] = _mm512_add_ps(c0[i], bias0);
            c1[i] = _mm512_add_ps(c1[i], bias1);
        }
        if (gate) { /* gate > 0 ? v : 0: v where the mask is set, else +0 */
            c0[i] = _mm512_maskz_mov_ps(
                _mm512_cmp_ps_mask(_mm512_loadu_ps(gate + at), zero,
                                   _CMP_GT_OQ),
                c0[i]);
            c1[i] = _mm512_maskz_mov_ps(
                _mm512_cmp_ps_mask(_mm512_loadu_ps(gate + at + 16), zero,
                                   _CMP_GT_OQ),
                c1[i]);
        }
        _mm512_storeu_ps(ci, c0[i]);
        _mm512_storeu_ps(ci + 16, c1[i]);
        if (relu) { /* v > 0 ? v : 0 (0 for NaN and -0) */
            _mm512_storeu_ps(
                relu + at,
                _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(c0[i], zero, _CMP_GT_OQ),
                                    c0[i]));
            _mm512_storeu_ps(
                relu + at + 16,
                _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(c1[i], zero, _CMP_GT_OQ),
                                    c1[i]));
        }
        if (check) /* exponent bits all ones: NaN or Inf */
            bad |= _mm512_cmpeq_epi32_mask(
                       _mm512_and_si512(_mm512_castps_si512(c0[i]), e), e) |
                _mm512_cmpeq_epi32_mask(
                       _mm512_and_si512(_mm512_castps_si512(c1[i]), e), e);
    }
    if (check && bad)
        *o->nonfinite = 1;
}

__attribute__((target("avx512f"))) static void
uk_avx512(int kc, const float *a, int sa, const float *b, int sb, float *c,
          int ldc, int mr, int nr, const bp_tile_ops *ops)
{
    __m512 c0[12], c1[12];
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) {
        c0[i] = _mm512_setzero_ps();
        c1[i] = _mm512_setzero_ps();
    }
    for (int p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(b + (size_t)p * sb);
        const __m512 b1 = _mm512_loadu_ps(b + (size_t)p * sb + 16);
        const float *ap = a + (size_t)p * sa;
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++) {
            const __m512 ai = _mm512_set1_ps(ap[i]);
            c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
            c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
        }
    }
    store512(c0, c1, c, ldc, mr, nr, ops);
}

/* The same with A read in place from 12 rows of a row-major matrix
 * (element (i, p) at a[i * lda + p]): no packing of A at all. Each row is
 * a stream the prefetchers follow; the broadcasts are loads either way.
 * Same multiply-adds in the same order, so the same numbers. */
__attribute__((target("avx512f"))) static void
uk_avx512_rows(int kc, const float *a, int lda, const float *b, int sb,
               float *c, int ldc, int mr, int nr, const bp_tile_ops *ops)
{
    __m512 c0[12], c1[12];
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) {
        c0[i] = _mm512_setzero_ps();
        c1[i] = _mm512_setzero_ps();
    }
    const size_t L = (size_t)lda;
    const float *a0 = a, *a4 = a + 4 * L, *a8 = a + 8 * L;
    for (int p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(b + (size_t)p * sb);
        const __m512 b1 = _mm512_loadu_ps(b + (size_t)p * sb + 16);
        const float *r[3] = {a0 + p, a4 + p, a8 + p};
#pragma GCC unroll 3
        for (int g = 0; g < 3; g++)
#pragma GCC unroll 4
            for (int k = 0; k < 4; k++) {
                const int i = 4 * g + k;
                const __m512 ai = _mm512_set1_ps(r[g][k * L]);
                c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
                c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
            }
    }
    store512(c0, c1, c, ldc, mr, nr, ops);
}

/* ---- finite checks ----
 *
 * 1 if no element of v is NaN or Inf (exponent bits all ones), in full
 * vectors: the check of every gradient before an update reads a block as
 * large as the weights. */
__attribute__((target("avx512f"))) static int finite_avx512(const float *v,
                                                            size_t n)
{
    const __m512i e = _mm512_set1_epi32(0x7f800000);
    __mmask16 bad = 0;
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        const __m512i a = _mm512_and_si512(_mm512_loadu_si512(v + i), e);
        const __m512i b = _mm512_and_si512(_mm512_loadu_si512(v + i + 16), e);
        const __m512i c = _mm512_and_si512(_mm512_loadu_si512(v + i + 32), e);
        const __m512i d = _mm512_and_si512(_mm512_loadu_si512(v + i + 48), e);
        bad |= _mm512_cmpeq_epi32_mask(a, e) | _mm512_cmpeq_epi32_mask(b, e) |
            _mm512_cmpeq_epi32_mask(c, e) | _mm512_cmpeq_epi32_mask(d, e);
    }
    for (; i < n; i += 16) {
        const __mmask16 k =
            n - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - i)) - 1);
        const __m512i a =
            _mm512_and_si512(_mm512_maskz_loadu_epi32(k, v + i), e);
        bad |= _mm512_mask_cmpeq_epi32_mask(k, a, e);
    }
    return bad == 0;
}

__attribute__((target("avx512f"))) static void
gemv_avx512(int m, int k, const float *x, const float *w, const float *b,
            float *y)
{
    const int kv = k & ~15;
    const __mmask16 tail = (__mmask16)((1u << (k & 15)) - 1);
    int j = 0;
    for (; j + 4 <= m; j += 4) {
        const float *w0 = w + (size_t)j * k, *w1 = w0 + k, *w2 = w1 + k,
                    *w3 = w2 + k;
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int p = 0; p < kv; p += 16) {
            const __m512 xv = _mm512_loadu_ps(x + p);
            a0 = _mm512_fmadd_ps(_mm512_loadu_ps(w0 + p), xv, a0);
            a1 = _mm512_fmadd_ps(_mm512_loadu_ps(w1 + p), xv, a1);
            a2 = _mm512_fmadd_ps(_mm512_loadu_ps(w2 + p), xv, a2);
            a3 = _mm512_fmadd_ps(_mm512_loadu_ps(w3 + p), xv, a3);
        }
        if (tail) {
            const __m512 xv = _mm512_maskz_loadu_ps(tail, x + kv);
            a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w0 + kv), xv, a0);
            a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w1 + kv), xv, a1);
            a2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w2 + kv), xv, a2);
            a3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, w3 + kv), xv, a3);
        }
        y[j] = b[j] + _mm512_reduce_add_ps(a0);
        y[j + 1] = b[j + 1] + _mm512_reduce_add_ps(a1);
        y[j + 2] = b[j + 2] + _mm512_reduce_add_ps(a2);
        y[j + 3] = b[j + 3] + _mm512_reduce_add_ps(a3);
    }
    for (; j < m; j++) {
        const float *wj = w + (size_t)j * k;
        __m512 a = _mm512_setzero_ps();
        for (int p = 0; p < kv; p += 16)
            a = _mm512_fmadd_ps(_mm512_loadu_ps(wj + p), _mm512_loadu_ps(x + p),
                                a);
        if (tail)
            a = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, wj + kv),
                                _mm512_maskz_loadu_ps(tail, x + kv), a);
        y[j] = b[j] + _mm512_reduce_add_ps(a);
    }
}

__attribute__((target("avx512f"))) static void
gemvt_avx512(int m, int k, const float *d, const float *w, float *p)
{
    int q = 0;
    for (; q + 64 <= k; q += 64) {
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < m; j++) {
            const __m512 dj = _mm512_set1_ps(d[j]);
            const float *wj = w + (size_t)j * k + q;
            a0 = _mm512_fmadd_ps(dj, _mm512_loadu_ps(wj), a0);
            a1 = _mm512_fmadd_ps(dj, _mm512_loadu_ps(wj + 16), a1);
            a2 = _mm512_fmadd_ps(dj, _mm512_loadu_ps(wj + 32), a2);
            a3 = _mm512_fmadd_ps(dj, _mm512_loadu_ps(wj + 48), a3);
        }
        _mm512_storeu_ps(p + q, a0);
        _mm512_storeu_ps(p + q + 16, a1);
        _mm512_storeu_ps(p + q + 32, a2);
        _mm512_storeu_ps(p + q + 48, a3);
    }
    for (; q < k; q += 16) {
        const __mmask16 mk =
            k - q >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (k - q)) - 1);
        __m512 a = _mm512_setzero_ps();
        for (int j = 0; j < m; j++)
            a = _mm512_fmadd_ps(
                _mm512_set1_ps(d[j]),
                _mm512_maskz_loadu_ps(mk, w + (size_t)j * k + q), a);
        _mm512_mask_storeu_ps(p + q, mk, a);
    }
}

static int runs_here(void) { return bp__x86_has("avx512f"); }

const bp_kernel bp__kernel_avx512 = {
    .name = "avx512",
    .needs = "AVX-512F",
    .runs_here = runs_here,
    .gemm = uk_avx512,
    .gemm_rows = uk_avx512_rows,
    .mr = 12,
    .nr = 32,
    .gemv = gemv_avx512,
    .gemvt = gemvt_avx512,
    .finite = finite_avx512,
    .transpose = bp__transpose_avx2,
    .adam = bp__adam_avx2, /* bound by the square roots and divisions */
};

#endif
