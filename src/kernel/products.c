/*
 * products.c - the matrix products of the forward and backward phases:
 * the blocked SIMD product of gemm.c for float32 products of some size,
 * the kernel's matrix-vector products for a few samples, and plain C
 * loops for the rest (and for double, and any CPU).
 *
 * The plain loops run on the caller's thread. Their loop orders put
 * contiguous memory in the innermost loop of both operands, so the
 * compiler can vectorise them; each output element is summed in a fixed
 * order (k ascending, or sample ascending).
 */
#include "kernel/gemm.h"

#include <string.h>
#ifdef BP_CBLAS
/* make BLAS=openblas: the same products on the system's CBLAS, for
 * comparison (bench/); the default build has no such dependency */
#include <cblas.h>
#ifdef BP_DOUBLE
#define bp_cblas_gemm cblas_dgemm
#else
#define bp_cblas_gemm cblas_sgemm
#endif
#endif

/* The blocked SIMD product pays for its packing from about this much
 * work on, and from a batch of 8; smaller products (the worked example's nets,
 * per-sample steps, inference of one sample) run the plain loops below,
 * with no setup at all. */
#if defined(BP_CBLAS)
static int use_blocked(const bp_kctx *c, int n, int m, int k)
{
    (void)c;
    return n >= 8 && (double)n * m * k >= 8192;
}
#elif !defined(BP_DOUBLE)
/* n is the batch: packing a weight matrix pays only when several samples
 * share it; one sample (inference at batch 1, per-sample training) is a
 * matrix-vector product the plain loops do at memory speed. */
static int use_blocked(const bp_kctx *c, int n, int m, int k)
{
    return c->k->gemm && n >= 8 && (double)n * m * k >= 8192;
}
#endif

static bp_real dot(const bp_real *a, const bp_real *b, int k)
{
    if (k < 16) { /* the worked example's nets: lanes would only add overhead */
        bp_real s = 0;
        for (int p = 0; p < k; p++)
            s += a[p] * b[p];
        return s;
    }
    bp_real lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int p = 0;
    for (; p + 8 <= k; p += 8)
        for (int l = 0; l < 8; l++)
            lane[l] += a[p + l] * b[p + l];
    for (int l = 0; p < k; p++, l++)
        lane[l] += a[p] * b[p];
    return ((lane[0] + lane[1]) + (lane[2] + lane[3])) +
        ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

/* The stores a fused product does (bp_tile_ops), as a pass of their own
 * after the plain loops, the matrix-vector kernels or CBLAS: the same
 * operations, so the same numbers. */
static void relu_pass(const bp_real *y, bp_real *a, size_t len)
{
    for (size_t i = 0; i < len; i++)
        a[i] = y[i] > 0 ? y[i] : 0;
}

static void gate_pass(bp_real *p, const bp_real *gate, size_t len)
{
    for (size_t i = 0; i < len; i++)
        p[i] = gate[i] > 0 ? p[i] : 0;
}

void bp__gemm_xwt_bias(bp_kctx *c, int n, int m, int k, const bp_real *x,
                       const bp_real *w, const bp_real *b, bp_real *y,
                       bp_real *relu)
{
    (void)c; /* the double build has no blocked product */
#if defined(BP_CBLAS)
    if (use_blocked(c, n, m, k)) {
        for (int i = 0; i < n; i++)
            memcpy(y + (size_t)i * m, b, (size_t)m * sizeof *y);
        bp_cblas_gemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, m, k, 1, x, k,
                      w, k, 1, y, m);
        if (relu)
            relu_pass(y, relu, (size_t)n * m);
        return;
    }
#elif !defined(BP_DOUBLE)
    if (use_blocked(c, n, m, k)) {
        /* the bias goes in as each tile is first stored, the ReLU as it
         * is last stored */
        const bp_tile_ops ops = {0, b, NULL, relu, NULL};
        const bp_sgemm_args p = {0, 1, n, m, k, x, k, w, k, y, m, &ops};
        bp__sgemm(c, &p);
        return;
    }
#endif
#ifndef BP_DOUBLE
    /* one or a few samples through a wide layer: the SIMD matrix-vector
     * kernel of this CPU, if it has one */
    if (c->k->gemv && k >= 32) {
        for (int i = 0; i < n; i++)
            c->k->gemv(m, k, x + (size_t)i * k, w, b, y + (size_t)i * m);
        if (relu)
            relu_pass(y, relu, (size_t)n * m);
        return;
    }
#endif
    /* y_ij = b_j + sum_p x_ip w_jp: a dot product of two contiguous rows,
     * summed in eight lanes (lane l takes p = l mod 8) that are then added
     * in a fixed order. A single running sum is a chain the compiler may
     * not reorder, so it would run one multiply-add at a time; eight
     * independent lanes vectorise, on any CPU, with the same result
     * everywhere. */
    for (int i = 0; i < n; i++) {
        const bp_real *xi = x + (size_t)i * k;
        bp_real *yi = y + (size_t)i * m;
        for (int j = 0; j < m; j++)
            yi[j] = dot(xi, w + (size_t)j * k, k) + b[j];
    }
    if (relu)
        relu_pass(y, relu, (size_t)n * m);
}

int bp__gemm_dta(bp_kctx *c, int n, int m, int k, const bp_real *d,
                 const bp_real *a, bp_real *g)
{
    (void)c; /* the double build has no blocked product */
#if defined(BP_CBLAS)
    if (use_blocked(c, n, m, k)) {
        bp_cblas_gemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, k, n, 1, d, m,
                      a, k, 0, g, k);
        return bp__all_finite(g, (size_t)m * k);
    }
#elif !defined(BP_DOUBLE)
    if (use_blocked(c, n, m, k)) {
        int bad = 0; /* the gradient checked as it is stored */
        const bp_tile_ops ops = {0, NULL, NULL, NULL, &bad};
        const bp_sgemm_args p = {1, 0, m, k, n, d, m, a, k, g, k, &ops};
        bp__sgemm(c, &p);
        return !bad;
    }
#endif
    /* g_jp = sum_i d_ij a_ip: the first sample's outer product, then the
     * others added row by row, the inner loop over contiguous p (no
     * zeroing pass: it showed in per-sample profiles) */
    for (int j = 0; j < m; j++) {
        const bp_real d0j = d[j];
        bp_real *gj = g + (size_t)j * k;
        for (int p = 0; p < k; p++)
            gj[p] = d0j * a[p];
    }
    for (int i = 1; i < n; i++) {
        const bp_real *di = d + (size_t)i * m, *ai = a + (size_t)i * k;
        for (int j = 0; j < m; j++) {
            const bp_real dij = di[j];
            bp_real *gj = g + (size_t)j * k;
            for (int p = 0; p < k; p++)
                gj[p] += dij * ai[p];
        }
    }
    return bp__all_finite(g, (size_t)m * k);
}

void bp__gemm_dw(bp_kctx *c, int n, int m, int k, const bp_real *d,
                 const bp_real *w, bp_real *p, const bp_real *gate)
{
    (void)c; /* the double build has no blocked product */
#if defined(BP_CBLAS)
    if (use_blocked(c, n, m, k)) {
        bp_cblas_gemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, k, m, 1, d,
                      m, w, k, 0, p, k);
        if (gate)
            gate_pass(p, gate, (size_t)n * k);
        return;
    }
#elif !defined(BP_DOUBLE)
    if (use_blocked(c, n, m, k)) {
        const bp_tile_ops ops = {0, NULL, gate, NULL, NULL};
        const bp_sgemm_args x = {0, 0, n, k, m, d, m, w, k, p, k, &ops};
        bp__sgemm(c, &x);
        return;
    }
#endif
#ifndef BP_DOUBLE
    if (c->k->gemvt && k >= 32) {
        for (int i = 0; i < n; i++)
            c->k->gemvt(m, k, d + (size_t)i * m, w, p + (size_t)i * k);
        if (gate)
            gate_pass(p, gate, (size_t)n * k);
        return;
    }
#endif
    /* p_iq = sum_j d_ij w_jq: the j = 0 term, then the others; the inner
     * loop over contiguous q */
    for (int i = 0; i < n; i++) {
        const bp_real *di = d + (size_t)i * m;
        bp_real *pi = p + (size_t)i * k;
        for (int q = 0; q < k; q++)
            pi[q] = di[0] * w[q];
        for (int j = 1; j < m; j++) {
            const bp_real dij = di[j];
            const bp_real *wj = w + (size_t)j * k;
            for (int q = 0; q < k; q++)
                pi[q] += dij * wj[q];
        }
    }
    if (gate)
        gate_pass(p, gate, (size_t)n * k);
}

int bp__gemm_backward(bp_kctx *c, int n, int m, int k, const bp_real *d,
                      const bp_real *a, bp_real *g, const bp_real *w,
                      bp_real *p, const bp_real *gate)
{
#if !defined(BP_CBLAS) && !defined(BP_DOUBLE)
    /* the two products have the same sizes, so the same choice */
    if (use_blocked(c, n, m, k)) {
        int bad = 0;
        const bp_tile_ops og = {0, NULL, NULL, NULL, &bad};
        const bp_tile_ops op = {0, NULL, gate, NULL, NULL};
        const bp_sgemm_args dta = {1, 0, m, k, n, d, m, a, k, g, k, &og};
        const bp_sgemm_args dw = {0, 0, n, k, m, d, m, w, k, p, k, &op};
        bp__sgemm2(c, &dta, &dw);
        return !bad;
    }
#endif
    const int finite = bp__gemm_dta(c, n, m, k, d, a, g);
    bp__gemm_dw(c, n, m, k, d, w, p, gate);
    return finite;
}

void bp__colsum(int n, int m, const bp_real *d, bp_real *g)
{
    memcpy(g, d, (size_t)m * sizeof *g);
    for (int i = 1; i < n; i++) {
        const bp_real *di = d + (size_t)i * m;
        for (int j = 0; j < m; j++)
            g[j] += di[j];
    }
}
