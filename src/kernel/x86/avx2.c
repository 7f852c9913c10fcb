/*
 * avx2.c - the AVX2 + FMA kernel: a 6 x 16 micro-kernel (12 of the 16
 * ymm registers hold the tile), also reading A's rows in place; 8 x 8
 * register transposes for packing; matrix-vector kernels; the finite
 * check on 32 floats a step.
 *
 * Per-function target attributes: the default build needs no -march
 * flag, and nothing here runs unless cpuid said the CPU has AVX2 and FMA.
 */
#include "kernel/x86/x86.h"

#if BP_KERNEL_X86

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

/* Store the R x 16 tile held in c0, c1 (R is 6, or 4 for the short
 * strips) as ops says (bp_tile_ops). */
__attribute__((target("avx2,fma"), always_inline)) static inline void
store_tile(__m256 *c0, __m256 *c1, const int R, float *c, int ldc, int mr,
           int nr, const bp_tile_ops *o)
{
    if (mr < R || nr < 16) {
        float tile[6][16];
#pragma GCC unroll 6
        for (int i = 0; i < R; i++) {
            _mm256_storeu_ps(tile[i], c0[i]);
            _mm256_storeu_ps(tile[i] + 8, c1[i]);
        }
        bp__store_ops(tile[0], 16, c, ldc, mr, nr, o);
        return;
    }
    /* in locals: the stores below could alias *o as far as the compiler
     * knows */
    const int accumulate = o->accumulate, check = o->nonfinite != NULL;
    const int add_bias = !accumulate && o->bias;
    const float *const gate = o->gate;
    float *const relu = o->relu;
    const __m256 zero = _mm256_setzero_ps();
    const __m256 bias0 = add_bias ? _mm256_loadu_ps(o->bias) : zero;
    const __m256 bias1 = add_bias ? _mm256_loadu_ps(o->bias + 8) : zero;
    const __m256i e = _mm256_set1_epi32(0x7f800000);
    __m256i bad = _mm256_setzero_si256();
#pragma GCC unroll 6
    for (int i = 0; i < R; i++) {
        const size_t at = (size_t)i * ldc;
        float *ci = c + at;
        if (accumulate) {
            c0[i] = _mm256_add_ps(_mm256_loadu_ps(ci), c0[i]);
            c1[i] = _mm256_add_ps(_mm256_loadu_ps(ci + 8), c1[i]);
        } else if (add_bias) {
            c0[i] = _mm256_add_ps(c0[i], bias0);
            c1[i] = _mm256_add_ps(c1[i], bias1);
        }
        if (gate) { /* gate > 0 ? v : 0, as a mask */
            c0[i] = _mm256_and_ps(
                _mm256_cmp_ps(_mm256_loadu_ps(gate + at), zero, _CMP_GT_OQ),
                c0[i]);
            c1[i] = _mm256_and_ps(
                _mm256_cmp_ps(_mm256_loadu_ps(gate + at + 8), zero, _CMP_GT_OQ),
                c1[i]);
        }
        _mm256_storeu_ps(ci, c0[i]);
        _mm256_storeu_ps(ci + 8, c1[i]);
        if (relu) { /* max(v, 0) is 0 for NaN and -0, as v > 0 ? v : 0 */
            _mm256_storeu_ps(relu + at, _mm256_max_ps(c0[i], zero));
            _mm256_storeu_ps(relu + at + 8, _mm256_max_ps(c1[i], zero));
        }
        if (check) { /* exponent bits all ones: NaN or Inf */
            const __m256i x0 = _mm256_and_si256(_mm256_castps_si256(c0[i]), e);
            const __m256i x1 = _mm256_and_si256(_mm256_castps_si256(c1[i]), e);
            bad = _mm256_or_si256(bad,
                                  _mm256_or_si256(_mm256_cmpeq_epi32(x0, e),
                                                  _mm256_cmpeq_epi32(x1, e)));
        }
    }
    if (check && !_mm256_testz_si256(bad, bad))
        *o->nonfinite = 1;
}

/* The R x 16 tile: per step p, two vectors of B's row p and R broadcasts
 * of A's column p, 2R fused multiply-adds into 2R accumulators (with R =
 * 6, the other four registers hold the operands). A's element (i, p) at
 * a[p * sa + i]. The loop over p is unrolled by four: the loop's own
 * instructions showed as 2% of the big products. Every element is the
 * same chain of multiply-adds, p ascending, whatever R is, so a row's
 * numbers do not depend on the height of the strip that held it. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
tile_cols(const int R, int kc, const float *a, int sa, const float *b, int sb,
          float *c, int ldc, int mr, int nr, const bp_tile_ops *ops)
{
    __m256 c0[6], c1[6];
#pragma GCC unroll 6
    for (int i = 0; i < R; i++) {
        c0[i] = _mm256_setzero_ps();
        c1[i] = _mm256_setzero_ps();
    }
#pragma GCC unroll 4
    for (int p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(b + (size_t)p * sb);
        const __m256 b1 = _mm256_loadu_ps(b + (size_t)p * sb + 8);
        const float *ap = a + (size_t)p * sa;
#pragma GCC unroll 6
        for (int i = 0; i < R; i++) {
            const __m256 ai = _mm256_broadcast_ss(ap + i);
            c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);
            c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);
        }
    }
    store_tile(c0, c1, R, c, ldc, mr, nr, ops);
}

/* The same reading A in place from R rows of a row-major matrix (element
 * (i, p) at a[i * lda + p]): no packing of A. Each row is a stream the
 * prefetchers follow; the broadcasts are loads either way. Rows are
 * addressed from two bases, a and a + 3 lda, so each address is a base
 * plus a scaled index. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
tile_rows(const int R, int kc, const float *a, int lda, const float *b, int sb,
          float *c, int ldc, int mr, int nr, const bp_tile_ops *ops)
{
    __m256 c0[6], c1[6];
#pragma GCC unroll 6
    for (int i = 0; i < R; i++) {
        c0[i] = _mm256_setzero_ps();
        c1[i] = _mm256_setzero_ps();
    }
    const size_t L = (size_t)lda;
    const float *a0 = a, *a3 = a + 3 * L;
#pragma GCC unroll 4
    for (int p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(b + (size_t)p * sb);
        const __m256 b1 = _mm256_loadu_ps(b + (size_t)p * sb + 8);
        const float *r[2] = {a0 + p, a3 + p};
#pragma GCC unroll 2
        for (int g = 0; g < 2; g++)
#pragma GCC unroll 3
            for (int k = 0; k < 3; k++) {
                const int i = 3 * g + k;
                if (i >= R)
                    break;
                const __m256 ai = _mm256_broadcast_ss(r[g] + k * L);
                c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);
                c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);
            }
    }
    store_tile(c0, c1, R, c, ldc, mr, nr, ops);
}

/* The kernels of the registry: 6 x 16 tiles, and 4 x 16 for the short
 * strips (a batch of 128 is 20 strips of 6 and 2 of 4, rather than 21
 * of 6 and one of 6 moved back to compute 2 new rows: 3% of the forward
 * product's work). Four rows keep eight accumulators, enough chains for
 * both FMA units; two rows would not. */
__attribute__((target("avx2,fma"))) static void
uk_avx2(int kc, const float *a, int sa, const float *b, int sb, float *c,
        int ldc, int mr, int nr, const bp_tile_ops *ops)
{
    tile_cols(6, kc, a, sa, b, sb, c, ldc, mr, nr, ops);
}

__attribute__((target("avx2,fma"))) static void
uk_avx2_rows(int kc, const float *a, int lda, const float *b, int sb, float *c,
             int ldc, int mr, int nr, const bp_tile_ops *ops)
{
    tile_rows(6, kc, a, lda, b, sb, c, ldc, mr, nr, ops);
}

__attribute__((target("avx2,fma"))) static void
uk_avx2_4(int kc, const float *a, int sa, const float *b, int sb, float *c,
          int ldc, int mr, int nr, const bp_tile_ops *ops)
{
    tile_cols(4, kc, a, sa, b, sb, c, ldc, mr, nr, ops);
}

__attribute__((target("avx2,fma"))) static void
uk_avx2_rows4(int kc, const float *a, int lda, const float *b, int sb, float *c,
              int ldc, int mr, int nr, const bp_tile_ops *ops)
{
    tile_rows(4, kc, a, lda, b, sb, c, ldc, mr, nr, ops);
}

/* ---- packing: transposed copies ----
 *
 * dst[c * ldd + r] = src[r * lds + c] for r < rows, c < cols: the packing
 * of an operand whose rows run across the tile (W for the forward phase's
 * product). Blocks of 8 x 8 are transposed in registers (unpack, shuffle,
 * lane permute), the edges element by element. */
__attribute__((target("avx2"))) void bp__transpose_avx2(const float *src,
                                                        int lds, int rows,
                                                        int cols, float *dst,
                                                        int ldd)
{
    int r = 0;
    for (; r + 8 <= rows; r += 8) {
        int c = 0;
        for (; c + 8 <= cols; c += 8) {
            const float *s0 = src + (size_t)r * lds + c;
            __m256 a0 = _mm256_loadu_ps(s0);
            __m256 a1 = _mm256_loadu_ps(s0 + (size_t)lds);
            __m256 a2 = _mm256_loadu_ps(s0 + (size_t)2 * lds);
            __m256 a3 = _mm256_loadu_ps(s0 + (size_t)3 * lds);
            __m256 a4 = _mm256_loadu_ps(s0 + (size_t)4 * lds);
            __m256 a5 = _mm256_loadu_ps(s0 + (size_t)5 * lds);
            __m256 a6 = _mm256_loadu_ps(s0 + (size_t)6 * lds);
            __m256 a7 = _mm256_loadu_ps(s0 + (size_t)7 * lds);
            __m256 t0 = _mm256_unpacklo_ps(a0, a1),
                   t1 = _mm256_unpackhi_ps(a0, a1);
            __m256 t2 = _mm256_unpacklo_ps(a2, a3),
                   t3 = _mm256_unpackhi_ps(a2, a3);
            __m256 t4 = _mm256_unpacklo_ps(a4, a5),
                   t5 = _mm256_unpackhi_ps(a4, a5);
            __m256 t6 = _mm256_unpacklo_ps(a6, a7),
                   t7 = _mm256_unpackhi_ps(a6, a7);
            __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44),
                   u1 = _mm256_shuffle_ps(t0, t2, 0xee);
            __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44),
                   u3 = _mm256_shuffle_ps(t1, t3, 0xee);
            __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44),
                   u5 = _mm256_shuffle_ps(t4, t6, 0xee);
            __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44),
                   u7 = _mm256_shuffle_ps(t5, t7, 0xee);
            float *d0 = dst + (size_t)c * ldd + r;
            _mm256_storeu_ps(d0, _mm256_permute2f128_ps(u0, u4, 0x20));
            _mm256_storeu_ps(d0 + (size_t)ldd,
                             _mm256_permute2f128_ps(u1, u5, 0x20));
            _mm256_storeu_ps(d0 + (size_t)2 * ldd,
                             _mm256_permute2f128_ps(u2, u6, 0x20));
            _mm256_storeu_ps(d0 + (size_t)3 * ldd,
                             _mm256_permute2f128_ps(u3, u7, 0x20));
            _mm256_storeu_ps(d0 + (size_t)4 * ldd,
                             _mm256_permute2f128_ps(u0, u4, 0x31));
            _mm256_storeu_ps(d0 + (size_t)5 * ldd,
                             _mm256_permute2f128_ps(u1, u5, 0x31));
            _mm256_storeu_ps(d0 + (size_t)6 * ldd,
                             _mm256_permute2f128_ps(u2, u6, 0x31));
            _mm256_storeu_ps(d0 + (size_t)7 * ldd,
                             _mm256_permute2f128_ps(u3, u7, 0x31));
        }
        for (; c < cols; c++)
            for (int i = 0; i < 8; i++)
                dst[(size_t)c * ldd + r + i] = src[(size_t)(r + i) * lds + c];
    }
    for (; r < rows; r++)
        for (int c = 0; c < cols; c++)
            dst[(size_t)c * ldd + r] = src[(size_t)r * lds + c];
}

/* One Adam step on 8 weights from p (lanes where `mask` is set: the last
 * few are masked loads and stores, zeros in the other lanes, whose
 * results are not stored), in bp_adam_step's order of operations (no
 * fused multiply-adds: they would round differently from the plain
 * loop). */
__attribute__((target("avx2"), always_inline)) static inline void
adam8(float *w, const float *g, float *m, float *v, __m256i mask,
      const bp_adam_step *a)
{
    const __m256 gi = _mm256_maskload_ps(g, mask);
    const __m256 wi =
        _mm256_mul_ps(_mm256_maskload_ps(w, mask), _mm256_set1_ps(a->decay));
    const __m256 mi = _mm256_add_ps(
        _mm256_mul_ps(_mm256_set1_ps(a->b1), _mm256_maskload_ps(m, mask)),
        _mm256_mul_ps(_mm256_set1_ps(a->one_b1), gi));
    const __m256 vi = _mm256_add_ps(
        _mm256_mul_ps(_mm256_set1_ps(a->b2), _mm256_maskload_ps(v, mask)),
        _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(a->one_b2), gi), gi));
    const __m256 den = _mm256_add_ps(
        _mm256_mul_ps(_mm256_sqrt_ps(vi), _mm256_set1_ps(a->inv_sqrt_bc2)),
        _mm256_set1_ps(a->eps));
    _mm256_maskstore_ps(m, mask, mi);
    _mm256_maskstore_ps(v, mask, vi);
    _mm256_maskstore_ps(
        w, mask,
        _mm256_sub_ps(
            wi,
            _mm256_div_ps(_mm256_mul_ps(_mm256_set1_ps(a->step), mi), den)));
}

/* One Adam step, eight weights at a time (bp_adam_step). */
__attribute__((target("avx2"))) void bp__adam_avx2(float *w, const float *g,
                                                   float *m, float *v, size_t n,
                                                   const bp_adam_step *a)
{
    const __m256i all = _mm256_set1_epi32(-1);
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        adam8(w + i, g + i, m + i, v + i, all, a);
    if (i < n) { /* lanes 0 .. n - i - 1 */
        const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        adam8(w + i, g + i, m + i, v + i,
              _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - i)), lane), a);
    }
}

__attribute__((target("avx2"))) static int finite_avx2(const float *v, size_t n)
{
    const __m256i e = _mm256_set1_epi32(0x7f800000);
    __m256i bad = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i a =
            _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(v + i)), e);
        const __m256i b = _mm256_and_si256(
            _mm256_loadu_si256((const __m256i *)(v + i + 8)), e);
        const __m256i c = _mm256_and_si256(
            _mm256_loadu_si256((const __m256i *)(v + i + 16)), e);
        const __m256i d = _mm256_and_si256(
            _mm256_loadu_si256((const __m256i *)(v + i + 24)), e);
        bad = _mm256_or_si256(
            bad,
            _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi32(a, e),
                                            _mm256_cmpeq_epi32(b, e)),
                            _mm256_or_si256(_mm256_cmpeq_epi32(c, e),
                                            _mm256_cmpeq_epi32(d, e))));
    }
    int ok = _mm256_testz_si256(bad, bad);
    for (; i < n; i++) {
        uint32_t u;
        memcpy(&u, v + i, sizeof u);
        ok &= (u & 0x7f800000u) != 0x7f800000u;
    }
    return ok;
}

/* ---- one sample: matrix-vector products ----
 *
 * At batch 1 a layer is a matrix-vector product: each weight is used once,
 * so the time is the time to stream W from the cache. These read four
 * rows (gemv) or 64 columns (gemvt) per pass with full-width loads and
 * fused multiply-adds; a tail shorter than a vector is read with a mask
 * (AVX-512) or by a scalar loop (AVX2). */

/* Horizontal sum of eight lanes. */
__attribute__((target("avx2,fma"))) static inline float hsum8(__m256 v)
{
    __m128 s =
        _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma"))) static void
gemv_avx2(int m, int k, const float *x, const float *w, const float *b,
          float *y)
{
    const int kv = k & ~7;
    int j = 0;
    for (; j + 4 <= m; j += 4) {
        const float *w0 = w + (size_t)j * k, *w1 = w0 + k, *w2 = w1 + k,
                    *w3 = w2 + k;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int p = 0; p < kv; p += 8) {
            const __m256 xv = _mm256_loadu_ps(x + p);
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w0 + p), xv, a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w1 + p), xv, a1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(w2 + p), xv, a2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(w3 + p), xv, a3);
        }
        float s0 = hsum8(a0), s1 = hsum8(a1), s2 = hsum8(a2), s3 = hsum8(a3);
        for (int p = kv; p < k; p++) {
            s0 += w0[p] * x[p];
            s1 += w1[p] * x[p];
            s2 += w2[p] * x[p];
            s3 += w3[p] * x[p];
        }
        y[j] = b[j] + s0;
        y[j + 1] = b[j + 1] + s1;
        y[j + 2] = b[j + 2] + s2;
        y[j + 3] = b[j + 3] + s3;
    }
    for (; j < m; j++) {
        const float *wj = w + (size_t)j * k;
        __m256 a = _mm256_setzero_ps();
        for (int p = 0; p < kv; p += 8)
            a = _mm256_fmadd_ps(_mm256_loadu_ps(wj + p), _mm256_loadu_ps(x + p),
                                a);
        float s = hsum8(a);
        for (int p = kv; p < k; p++)
            s += wj[p] * x[p];
        y[j] = b[j] + s;
    }
}

__attribute__((target("avx2,fma"))) static void
gemvt_avx2(int m, int k, const float *d, const float *w, float *p)
{
    int q = 0;
    for (; q + 32 <= k; q += 32) {
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < m; j++) {
            const __m256 dj = _mm256_set1_ps(d[j]);
            const float *wj = w + (size_t)j * k + q;
            a0 = _mm256_fmadd_ps(dj, _mm256_loadu_ps(wj), a0);
            a1 = _mm256_fmadd_ps(dj, _mm256_loadu_ps(wj + 8), a1);
            a2 = _mm256_fmadd_ps(dj, _mm256_loadu_ps(wj + 16), a2);
            a3 = _mm256_fmadd_ps(dj, _mm256_loadu_ps(wj + 24), a3);
        }
        _mm256_storeu_ps(p + q, a0);
        _mm256_storeu_ps(p + q + 8, a1);
        _mm256_storeu_ps(p + q + 16, a2);
        _mm256_storeu_ps(p + q + 24, a3);
    }
    for (; q < k; q++) { /* j ascending, as above */
        float s = 0;
        for (int j = 0; j < m; j++)
            s += d[j] * w[(size_t)j * k + q];
        p[q] = s;
    }
}

static int runs_here(void) { return bp__x86_has("avx2"); }

const bp_kernel bp__kernel_avx2 = {
    .name = "avx2",
    .needs = "AVX2 and FMA",
    .runs_here = runs_here,
    .gemm = uk_avx2,
    .gemm_rows = uk_avx2_rows,
    .mr = 6,
    .nr = 16,
    .gemm_short = uk_avx2_4,
    .gemm_rows_short = uk_avx2_rows4,
    .mr_short = 4,
    .gemv = gemv_avx2,
    .gemvt = gemvt_avx2,
    .finite = finite_avx2,
    .adam = bp__adam_avx2,
    .transpose = bp__transpose_avx2,
};

#endif
