/*
 * neon.c - the AArch64 kernel (Advanced SIMD with fused multiply-add,
 * part of every AArch64 CPU): an 8 x 12 micro-kernel (24 of the 32
 * 128-bit registers hold the tile, 3 hold a row of B's panel), also
 * reading A's rows in place; 4 x 4 register transposes for packing;
 * matrix-vector kernels; the finite check on 16 floats a step.
 *
 * The packing is gemm.c's, the same as on x86: A strips [p][8], B
 * panels [p][12]. Per step p the kernel loads B's 12 values and 8 of A,
 * and does 24 multiply-adds, each with one lane of A (fmla by element).
 */
#include "kernel/gemm.h"

#if BP_KERNEL_NEON && !defined(BP_DOUBLE)

#include <arm_neon.h>
#include <string.h>
#if defined(__linux__)
#include <sys/auxv.h>
#endif

enum { MR = 8, NR = 12 };

/* Store the tile acc[i][v] (row i, columns 4v..4v+3) as ops says
 * (bp_tile_ops). */
static inline void store_tile(float32x4_t acc[MR][3], float *c, int ldc, int mr,
                              int nr, const bp_tile_ops *o)
{
    if (mr < MR || nr < NR) {
        float tile[MR][NR];
        for (int i = 0; i < MR; i++) {
            vst1q_f32(tile[i], acc[i][0]);
            vst1q_f32(tile[i] + 4, acc[i][1]);
            vst1q_f32(tile[i] + 8, acc[i][2]);
        }
        bp__store_ops(tile[0], NR, c, ldc, mr, nr, o);
        return;
    }
    /* in locals: the stores below could alias *o as far as the compiler
     * knows */
    const int accumulate = o->accumulate, check = o->nonfinite != NULL;
    const float *const gate = o->gate;
    float *const relu = o->relu;
    const float32x4_t zero = vdupq_n_f32(0);
    const int add_bias = !accumulate && o->bias;
    float32x4_t bias[3] = {zero, zero, zero};
    if (add_bias)
        for (int v = 0; v < 3; v++)
            bias[v] = vld1q_f32(o->bias + 4 * v);
    const uint32x4_t e = vdupq_n_u32(0x7f800000u);
    uint32x4_t bad = vdupq_n_u32(0);
    for (int i = 0; i < MR; i++) {
        const size_t at = (size_t)i * ldc;
        for (int v = 0; v < 3; v++) {
            float32x4_t x = acc[i][v];
            if (accumulate)
                x = vaddq_f32(vld1q_f32(c + at + 4 * v), x);
            else if (add_bias)
                x = vaddq_f32(x, bias[v]);
            if (gate) /* gate > 0 ? v : 0, as a mask */
                x = vreinterpretq_f32_u32(
                    vandq_u32(vcgtq_f32(vld1q_f32(gate + at + 4 * v), zero),
                              vreinterpretq_u32_f32(x)));
            vst1q_f32(c + at + 4 * v, x);
            if (relu) /* v > 0 ? v : 0 (0 for NaN and -0) */
                vst1q_f32(relu + at + 4 * v,
                          vreinterpretq_f32_u32(vandq_u32(
                              vcgtq_f32(x, zero), vreinterpretq_u32_f32(x))));
            if (check) /* exponent bits all ones: NaN or Inf */
                bad = vorrq_u32(
                    bad, vceqq_u32(vandq_u32(vreinterpretq_u32_f32(x), e), e));
        }
    }
    if (check && vmaxvq_u32(bad))
        *o->nonfinite = 1;
}

/* One step: the tile += a[0..8) (outer) b[0..12). */
#define STEP(a_lo, a_hi, bv0, bv1, bv2)                                        \
    do {                                                                       \
        acc[0][0] = vfmaq_laneq_f32(acc[0][0], bv0, a_lo, 0);                  \
        acc[0][1] = vfmaq_laneq_f32(acc[0][1], bv1, a_lo, 0);                  \
        acc[0][2] = vfmaq_laneq_f32(acc[0][2], bv2, a_lo, 0);                  \
        acc[1][0] = vfmaq_laneq_f32(acc[1][0], bv0, a_lo, 1);                  \
        acc[1][1] = vfmaq_laneq_f32(acc[1][1], bv1, a_lo, 1);                  \
        acc[1][2] = vfmaq_laneq_f32(acc[1][2], bv2, a_lo, 1);                  \
        acc[2][0] = vfmaq_laneq_f32(acc[2][0], bv0, a_lo, 2);                  \
        acc[2][1] = vfmaq_laneq_f32(acc[2][1], bv1, a_lo, 2);                  \
        acc[2][2] = vfmaq_laneq_f32(acc[2][2], bv2, a_lo, 2);                  \
        acc[3][0] = vfmaq_laneq_f32(acc[3][0], bv0, a_lo, 3);                  \
        acc[3][1] = vfmaq_laneq_f32(acc[3][1], bv1, a_lo, 3);                  \
        acc[3][2] = vfmaq_laneq_f32(acc[3][2], bv2, a_lo, 3);                  \
        acc[4][0] = vfmaq_laneq_f32(acc[4][0], bv0, a_hi, 0);                  \
        acc[4][1] = vfmaq_laneq_f32(acc[4][1], bv1, a_hi, 0);                  \
        acc[4][2] = vfmaq_laneq_f32(acc[4][2], bv2, a_hi, 0);                  \
        acc[5][0] = vfmaq_laneq_f32(acc[5][0], bv0, a_hi, 1);                  \
        acc[5][1] = vfmaq_laneq_f32(acc[5][1], bv1, a_hi, 1);                  \
        acc[5][2] = vfmaq_laneq_f32(acc[5][2], bv2, a_hi, 1);                  \
        acc[6][0] = vfmaq_laneq_f32(acc[6][0], bv0, a_hi, 2);                  \
        acc[6][1] = vfmaq_laneq_f32(acc[6][1], bv1, a_hi, 2);                  \
        acc[6][2] = vfmaq_laneq_f32(acc[6][2], bv2, a_hi, 2);                  \
        acc[7][0] = vfmaq_laneq_f32(acc[7][0], bv0, a_hi, 3);                  \
        acc[7][1] = vfmaq_laneq_f32(acc[7][1], bv1, a_hi, 3);                  \
        acc[7][2] = vfmaq_laneq_f32(acc[7][2], bv2, a_hi, 3);                  \
    } while (0)

/* A's element (i, p) at a[p * sa + i]. */
static void uk_neon(int kc, const float *a, int sa, const float *b, int sb,
                    float *c, int ldc, int mr, int nr, const bp_tile_ops *ops)
{
    float32x4_t acc[MR][3];
    for (int i = 0; i < MR; i++)
        acc[i][0] = acc[i][1] = acc[i][2] = vdupq_n_f32(0);
    for (int p = 0; p < kc; p++) {
        const float *bp = b + (size_t)p * sb, *ap = a + (size_t)p * sa;
        const float32x4_t b0 = vld1q_f32(bp), b1 = vld1q_f32(bp + 4),
                          b2 = vld1q_f32(bp + 8);
        const float32x4_t a_lo = vld1q_f32(ap), a_hi = vld1q_f32(ap + 4);
        STEP(a_lo, a_hi, b0, b1, b2);
    }
    store_tile(acc, c, ldc, mr, nr, ops);
}

/* The same with A read in place from 8 rows (element (i, p) at
 * a[i * lda + p]): four steps at a time, each row's four values loaded
 * as one vector and the 4 x 4 blocks transposed in registers, so the
 * multiply-adds are the same, in the same order. */
static void uk_neon_rows(int kc, const float *a, int lda, const float *b,
                         int sb, float *c, int ldc, int mr, int nr,
                         const bp_tile_ops *ops)
{
    float32x4_t acc[MR][3];
    for (int i = 0; i < MR; i++)
        acc[i][0] = acc[i][1] = acc[i][2] = vdupq_n_f32(0);
    const size_t L = (size_t)lda;
    int p = 0;
    for (; p + 4 <= kc; p += 4) {
        float32x4_t lo[4], hi[4]; /* lo[s]: rows 0-3 at step p + s */
        {
            const float32x4_t r0 = vld1q_f32(a + p), r1 = vld1q_f32(a + L + p),
                              r2 = vld1q_f32(a + 2 * L + p),
                              r3 = vld1q_f32(a + 3 * L + p);
            const float32x4_t t0 = vtrn1q_f32(r0, r1), t1 = vtrn2q_f32(r0, r1),
                              t2 = vtrn1q_f32(r2, r3), t3 = vtrn2q_f32(r2, r3);
            lo[0] = vreinterpretq_f32_f64(vtrn1q_f64(
                vreinterpretq_f64_f32(t0), vreinterpretq_f64_f32(t2)));
            lo[1] = vreinterpretq_f32_f64(vtrn1q_f64(
                vreinterpretq_f64_f32(t1), vreinterpretq_f64_f32(t3)));
            lo[2] = vreinterpretq_f32_f64(vtrn2q_f64(
                vreinterpretq_f64_f32(t0), vreinterpretq_f64_f32(t2)));
            lo[3] = vreinterpretq_f32_f64(vtrn2q_f64(
                vreinterpretq_f64_f32(t1), vreinterpretq_f64_f32(t3)));
        }
        {
            const float *a4 = a + 4 * L;
            const float32x4_t r0 = vld1q_f32(a4 + p),
                              r1 = vld1q_f32(a4 + L + p),
                              r2 = vld1q_f32(a4 + 2 * L + p),
                              r3 = vld1q_f32(a4 + 3 * L + p);
            const float32x4_t t0 = vtrn1q_f32(r0, r1), t1 = vtrn2q_f32(r0, r1),
                              t2 = vtrn1q_f32(r2, r3), t3 = vtrn2q_f32(r2, r3);
            hi[0] = vreinterpretq_f32_f64(vtrn1q_f64(
                vreinterpretq_f64_f32(t0), vreinterpretq_f64_f32(t2)));
            hi[1] = vreinterpretq_f32_f64(vtrn1q_f64(
                vreinterpretq_f64_f32(t1), vreinterpretq_f64_f32(t3)));
            hi[2] = vreinterpretq_f32_f64(vtrn2q_f64(
                vreinterpretq_f64_f32(t0), vreinterpretq_f64_f32(t2)));
            hi[3] = vreinterpretq_f32_f64(vtrn2q_f64(
                vreinterpretq_f64_f32(t1), vreinterpretq_f64_f32(t3)));
        }
        for (int s = 0; s < 4; s++) {
            const float *bp = b + (size_t)(p + s) * sb;
            const float32x4_t b0 = vld1q_f32(bp), b1 = vld1q_f32(bp + 4),
                              b2 = vld1q_f32(bp + 8);
            STEP(lo[s], hi[s], b0, b1, b2);
        }
    }
    for (; p < kc; p++) {
        const float *bp = b + (size_t)p * sb;
        const float32x4_t b0 = vld1q_f32(bp), b1 = vld1q_f32(bp + 4),
                          b2 = vld1q_f32(bp + 8);
        float col[MR];
        for (int i = 0; i < MR; i++)
            col[i] = a[i * L + p];
        const float32x4_t a_lo = vld1q_f32(col), a_hi = vld1q_f32(col + 4);
        STEP(a_lo, a_hi, b0, b1, b2);
    }
    store_tile(acc, c, ldc, mr, nr, ops);
}

/* dst[c * ldd + r] = src[r * lds + c]: 4 x 4 blocks in registers, the
 * edges element by element. */
static void transpose_neon(const float *src, int lds, int rows, int cols,
                           float *dst, int ldd)
{
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
        int c = 0;
        for (; c + 4 <= cols; c += 4) {
            const float *s = src + (size_t)r * lds + c;
            const float32x4_t r0 = vld1q_f32(s), r1 = vld1q_f32(s + lds),
                              r2 = vld1q_f32(s + 2 * (size_t)lds),
                              r3 = vld1q_f32(s + 3 * (size_t)lds);
            const float32x4_t t0 = vtrn1q_f32(r0, r1), t1 = vtrn2q_f32(r0, r1),
                              t2 = vtrn1q_f32(r2, r3), t3 = vtrn2q_f32(r2, r3);
            float *d = dst + (size_t)c * ldd + r;
            vst1q_f32(
                d,
                vreinterpretq_f32_f64(vtrn1q_f64(vreinterpretq_f64_f32(t0),
                                                 vreinterpretq_f64_f32(t2))));
            vst1q_f32(
                d + ldd,
                vreinterpretq_f32_f64(vtrn1q_f64(vreinterpretq_f64_f32(t1),
                                                 vreinterpretq_f64_f32(t3))));
            vst1q_f32(
                d + 2 * (size_t)ldd,
                vreinterpretq_f32_f64(vtrn2q_f64(vreinterpretq_f64_f32(t0),
                                                 vreinterpretq_f64_f32(t2))));
            vst1q_f32(
                d + 3 * (size_t)ldd,
                vreinterpretq_f32_f64(vtrn2q_f64(vreinterpretq_f64_f32(t1),
                                                 vreinterpretq_f64_f32(t3))));
        }
        for (; c < cols; c++)
            for (int i = 0; i < 4; i++)
                dst[(size_t)c * ldd + r + i] = src[(size_t)(r + i) * lds + c];
    }
    for (; r < rows; r++)
        for (int c = 0; c < cols; c++)
            dst[(size_t)c * ldd + r] = src[(size_t)r * lds + c];
}

/* 1 if no element of v is NaN or Inf (exponent bits all ones). */
/* One Adam step, four weights at a time, in bp_adam_step's order of
 * operations (no fused multiply-adds). */
static void adam_neon(float *w, const float *g, float *m, float *v, size_t n,
                      const bp_adam_step *a)
{
    const float32x4_t b1 = vdupq_n_f32(a->b1), one_b1 = vdupq_n_f32(a->one_b1);
    const float32x4_t b2 = vdupq_n_f32(a->b2), one_b2 = vdupq_n_f32(a->one_b2);
    const float32x4_t step = vdupq_n_f32(a->step), eps = vdupq_n_f32(a->eps);
    const float32x4_t inv = vdupq_n_f32(a->inv_sqrt_bc2);
    const float32x4_t decay = vdupq_n_f32(a->decay);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float32x4_t gi = vld1q_f32(g + i);
        const float32x4_t wi = vmulq_f32(vld1q_f32(w + i), decay);
        const float32x4_t mi =
            vaddq_f32(vmulq_f32(b1, vld1q_f32(m + i)), vmulq_f32(one_b1, gi));
        const float32x4_t vi = vaddq_f32(vmulq_f32(b2, vld1q_f32(v + i)),
                                         vmulq_f32(vmulq_f32(one_b2, gi), gi));
        const float32x4_t den = vaddq_f32(vmulq_f32(vsqrtq_f32(vi), inv), eps);
        vst1q_f32(m + i, mi);
        vst1q_f32(v + i, vi);
        vst1q_f32(w + i, vsubq_f32(wi, vdivq_f32(vmulq_f32(step, mi), den)));
    }
    if (i < n) /* the last few: the plain loop */
        bp__adam_vec(NULL, w + i, g + i, m + i, v + i, n - i, a);
}

static int finite_neon(const float *v, size_t n)
{
    const uint32x4_t e = vdupq_n_u32(0x7f800000u);
    uint32x4_t bad = vdupq_n_u32(0);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const uint32x4_t a = vandq_u32(vld1q_u32((const uint32_t *)(v + i)), e);
        const uint32x4_t b =
            vandq_u32(vld1q_u32((const uint32_t *)(v + i + 4)), e);
        const uint32x4_t c =
            vandq_u32(vld1q_u32((const uint32_t *)(v + i + 8)), e);
        const uint32x4_t d =
            vandq_u32(vld1q_u32((const uint32_t *)(v + i + 12)), e);
        bad = vorrq_u32(bad,
                        vorrq_u32(vorrq_u32(vceqq_u32(a, e), vceqq_u32(b, e)),
                                  vorrq_u32(vceqq_u32(c, e), vceqq_u32(d, e))));
    }
    int ok = vmaxvq_u32(bad) == 0;
    for (; i < n; i++) {
        uint32_t u;
        memcpy(&u, v + i, sizeof u);
        ok &= (u & 0x7f800000u) != 0x7f800000u;
    }
    return ok;
}

/* y[j] = b[j] + sum_p w[j][p] x[p]: four rows a pass, four lanes each,
 * the lanes added in a fixed order, then the tail. */
static void gemv_neon(int m, int k, const float *x, const float *w,
                      const float *b, float *y)
{
    const int kv = k & ~3;
    int j = 0;
    for (; j + 4 <= m; j += 4) {
        const float *w0 = w + (size_t)j * k, *w1 = w0 + k, *w2 = w1 + k,
                    *w3 = w2 + k;
        float32x4_t a0 = vdupq_n_f32(0), a1 = a0, a2 = a0, a3 = a0;
        for (int p = 0; p < kv; p += 4) {
            const float32x4_t xv = vld1q_f32(x + p);
            a0 = vfmaq_f32(a0, vld1q_f32(w0 + p), xv);
            a1 = vfmaq_f32(a1, vld1q_f32(w1 + p), xv);
            a2 = vfmaq_f32(a2, vld1q_f32(w2 + p), xv);
            a3 = vfmaq_f32(a3, vld1q_f32(w3 + p), xv);
        }
        float s0 = vaddvq_f32(a0), s1 = vaddvq_f32(a1), s2 = vaddvq_f32(a2),
              s3 = vaddvq_f32(a3);
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
        float32x4_t a = vdupq_n_f32(0);
        for (int p = 0; p < kv; p += 4)
            a = vfmaq_f32(a, vld1q_f32(wj + p), vld1q_f32(x + p));
        float s = vaddvq_f32(a);
        for (int p = kv; p < k; p++)
            s += wj[p] * x[p];
        y[j] = b[j] + s;
    }
}

/* p[q] = sum_j d[j] w[j][q], j ascending: 16 columns a pass. */
static void gemvt_neon(int m, int k, const float *d, const float *w, float *p)
{
    int q = 0;
    for (; q + 16 <= k; q += 16) {
        float32x4_t a0 = vdupq_n_f32(0), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < m; j++) {
            const float *wj = w + (size_t)j * k + q;
            a0 = vfmaq_n_f32(a0, vld1q_f32(wj), d[j]);
            a1 = vfmaq_n_f32(a1, vld1q_f32(wj + 4), d[j]);
            a2 = vfmaq_n_f32(a2, vld1q_f32(wj + 8), d[j]);
            a3 = vfmaq_n_f32(a3, vld1q_f32(wj + 12), d[j]);
        }
        vst1q_f32(p + q, a0);
        vst1q_f32(p + q + 4, a1);
        vst1q_f32(p + q + 8, a2);
        vst1q_f32(p + q + 12, a3);
    }
    for (; q < k; q++) { /* j ascending, as above */
        float s = 0;
        for (int j = 0; j < m; j++)
            s += d[j] * w[(size_t)j * k + q];
        p[q] = s;
    }
}

static int runs_here(void)
{
#if defined(__linux__) && defined(HWCAP_ASIMD)
    return (getauxval(AT_HWCAP) & HWCAP_ASIMD) != 0;
#else
    return 1; /* part of the architecture (Apple silicon, the BSDs) */
#endif
}

const bp_kernel bp__kernel_neon = {
    .name = "neon",
    .needs = "Advanced SIMD (ASIMD)",
    .runs_here = runs_here,
    .gemm = uk_neon,
    .gemm_rows = uk_neon_rows,
    .mr = MR,
    .nr = NR,
    .gemv = gemv_neon,
    .gemvt = gemvt_neon,
    .finite = finite_neon,
    .adam = adam_neon,
    .transpose = transpose_neon,
};

#endif
