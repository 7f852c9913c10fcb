/*
 * kernel.c - the portable matrix kernels of the forward and backward
 * phases, in plain C.
 *
 * Loop orders are chosen so the innermost loop runs over contiguous
 * memory in both operands and the compiler can vectorise it; each output
 * element is summed in a fixed order (k ascending, or sample ascending),
 * so results do not depend on how a later threaded version splits the
 * output rows or columns.
 */
#include "internal.h"

#include <string.h>

void bp__gemm_xwt_bias(int n, int m, int k, const bp_real *x,
                       const bp_real *w, const bp_real *b, bp_real *y)
{
    /* y_ij = b_j + sum_p x_ip w_jp: a dot product of two contiguous rows */
    for (int i = 0; i < n; i++) {
        const bp_real *xi = x + (size_t)i * k;
        bp_real *yi = y + (size_t)i * m;
        for (int j = 0; j < m; j++) {
            const bp_real *wj = w + (size_t)j * k;
            bp_real s = 0;
            for (int p = 0; p < k; p++)
                s += xi[p] * wj[p];
            yi[j] = s + b[j];
        }
    }
}

void bp__gemm_dta(int n, int m, int k, const bp_real *d, const bp_real *a,
                  bp_real *g)
{
    /* g_jp = sum_i d_ij a_ip: accumulate row by row of the batch, the
     * inner loop over contiguous p */
    memset(g, 0, (size_t)m * k * sizeof *g);
    for (int i = 0; i < n; i++) {
        const bp_real *di = d + (size_t)i * m, *ai = a + (size_t)i * k;
        for (int j = 0; j < m; j++) {
            const bp_real dij = di[j];
            bp_real *gj = g + (size_t)j * k;
            for (int p = 0; p < k; p++)
                gj[p] += dij * ai[p];
        }
    }
}

void bp__gemm_dw(int n, int m, int k, const bp_real *d, const bp_real *w,
                 bp_real *p)
{
    /* p_iq = sum_j d_ij w_jq: inner loop over contiguous q */
    memset(p, 0, (size_t)n * k * sizeof *p);
    for (int i = 0; i < n; i++) {
        const bp_real *di = d + (size_t)i * m;
        bp_real *pi = p + (size_t)i * k;
        for (int j = 0; j < m; j++) {
            const bp_real dij = di[j];
            const bp_real *wj = w + (size_t)j * k;
            for (int q = 0; q < k; q++)
                pi[q] += dij * wj[q];
        }
    }
}

void bp__colsum(int n, int m, const bp_real *d, bp_real *g)
{
    memset(g, 0, (size_t)m * sizeof *g);
    for (int i = 0; i < n; i++) {
        const bp_real *di = d + (size_t)i * m;
        for (int j = 0; j < m; j++)
            g[j] += di[j];
    }
}
