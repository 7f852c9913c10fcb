/*
 * gemm.c - the blocked float32 product C = op(A) op(B): K in slices of
 * KC, N in blocks of NC packed into NR-wide panels, M in MR-row strips
 * packed once per panel block, and a micro-kernel (gemm_x86.c) that
 * keeps an MR x NR tile of C in registers.
 *
 * Threads split the columns of C at multiples of NR. Every element of C
 * is then computed by the same micro-kernel over the same K slices in
 * the same order whichever thread owns it, so results are bit-identical
 * for any number of threads.
 */
#include "kernel/gemm.h"

#include <stdlib.h>
#include <string.h>

bp_kernel_choice bp__kernel_pick(const char *want)
{
    bp_kernel_choice portable = {"portable", NULL, NULL, 0, 0, NULL, NULL, NULL};
#if BP_GEMM_X86 && !defined(BP_DOUBLE)
    bp_kernel_choice avx512 = {"avx512", bp__uk_avx512, bp__uk_avx512_rows, 12, 32,
                               bp__gemv_avx512, bp__gemvt_avx512,
                               bp__finite_avx512};
    bp_kernel_choice avx2 = {"avx2", bp__uk_avx2, NULL, 6, 16, bp__gemv_avx2,
                             bp__gemvt_avx2, bp__finite_avx2};
    const int has512 = bp__cpu_has("avx512f"), has2 = bp__cpu_has("avx2");
    if (want && strcmp(want, "portable") == 0)
        return portable;
    if (want && strcmp(want, "avx2") == 0 && has2)
        return avx2;
    if (has512)
        return avx512;
    if (has2)
        return avx2;
#else
    (void)want;
#endif
    return portable;
}

static int round_up(int v, int m) { return (v + m - 1) / m * m; }

size_t bp__gemm_pack_floats(int max_k, int max_n)
{
    /* the A strip is small (12 KB) and always full size, so the B panels
     * start at a fixed offset */
    const int kc = max_k < BP_KC ? max_k : BP_KC;
    const int nc = round_up(max_n < BP_NC ? max_n : BP_NC, BP_NR_MAX);
    return (size_t)BP_MR_MAX * BP_KC + (size_t)kc * nc;
}

typedef struct {
    bp_net *net;
    int ta, tb, M, N, K, lda, ldb, ldc, accumulate;
    const float *A, *B;
    float *C;
    const float *bias;
} job;

/* dst[c * ldd + r] = src[r * lds + c], r < rows, c < cols: in registers
 * where the CPU has AVX2 (every CPU the blocked product runs on with a
 * SIMD kernel), else element by element. */
static void transpose(const float *src, int lds, int rows, int cols,
                      float *dst, int ldd)
{
#if BP_GEMM_X86 && !defined(BP_DOUBLE)
    bp__transpose_avx2(src, lds, rows, cols, dst, ldd);
#else
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            dst[(size_t)c * ldd + r] = src[(size_t)r * lds + c];
#endif
}

/* op(B) rows pc..pc+kc, columns jc..jc+nc into NR-wide zero-padded
 * panels: bp[q][p][NR]. */
static void pack_b(const job *g, int pc, int kc, int jc, int nc, int NR,
                   float *bp)
{
    for (int q = 0; q * NR < nc; q++) {
        float *dst = bp + (size_t)q * kc * NR;
        const int cols = nc - q * NR < NR ? nc - q * NR : NR;
        if (!g->tb) { /* B[p][j]: rows are contiguous */
            for (int p = 0; p < kc; p++) {
                const float *src = g->B + (size_t)(pc + p) * g->ldb + jc + q * NR;
                memcpy(dst + (size_t)p * NR, src, (size_t)cols * sizeof *src);
                for (int j = cols; j < NR; j++)
                    dst[(size_t)p * NR + j] = 0;
            }
        } else { /* B[j][p]: each column of op(B) is a row of B */
            transpose(g->B + (size_t)(jc + q * NR) * g->ldb + pc, g->ldb, cols,
                      kc, dst, NR);
            for (int p = 0; p < kc; p++)
                for (int j = cols; j < NR; j++)
                    dst[(size_t)p * NR + j] = 0;
        }
    }
}

/* op(A) rows ic..ic+mr, columns pc..pc+kc into ap[p][MR], zero-padded. */
static void pack_a(const job *g, int ic, int mr, int pc, int kc, int MR,
                   float *ap)
{
    if (!g->ta) {
        transpose(g->A + (size_t)ic * g->lda + pc, g->lda, mr, kc, ap, MR);
        for (int p = 0; p < kc; p++)
            for (int i = mr; i < MR; i++)
                ap[(size_t)p * MR + i] = 0;
    } else {
        for (int p = 0; p < kc; p++) {
            const float *src = g->A + (size_t)(pc + p) * g->lda + ic;
            float *dst = ap + (size_t)p * MR;
            memcpy(dst, src, (size_t)mr * sizeof *src);
            for (int i = mr; i < MR; i++)
                dst[i] = 0;
        }
    }
}

static void run(void *arg, int tid, int n_threads)
{
    const job *g = arg;
    const bp_net *net = g->net;
    const int MR = net->kern.mr, NR = net->kern.nr;
    const bp_ukernel uk = net->kern.kernel, uk_rows = net->kern.kernel_rows;
    const int panels = (g->N + NR - 1) / NR;
    const int j0 = (int)((long)panels * tid / n_threads) * NR;
    int j1 = (int)((long)panels * (tid + 1) / n_threads) * NR;
    if (j1 > g->N)
        j1 = g->N;
    if (j0 >= j1)
        return;
    float *ap = net->pack + (size_t)tid * net->pack_per_thread;
    float *bp = ap + (size_t)BP_MR_MAX * BP_KC;
    /* Operands whose rows already run along the tile (B not transposed:
     * B[p][j..]; A transposed: A[p][i..]) are read in place, full tiles
     * at least; only the rest is packed. */
    const int direct_b = !g->tb, direct_a = g->ta;
    for (int pc = 0; pc < g->K; pc += BP_KC) {
        const int kc = g->K - pc < BP_KC ? g->K - pc : BP_KC;
        const int acc = g->accumulate || pc > 0;
        for (int jc = j0; jc < j1; jc += BP_NC) {
            const int nc = j1 - jc < BP_NC ? j1 - jc : BP_NC;
            const int full = direct_b ? nc / NR : 0; /* panels read in place */
            if (full * NR < nc)
                pack_b(g, pc, kc, jc + full * NR, nc - full * NR, NR, bp);
            for (int ic = 0; ic < g->M; ic += MR) {
                const int mr = g->M - ic < MR ? g->M - ic : MR;
                const float *as = ap;
                int sa = MR;
                const int rows = !g->ta && uk_rows && mr == MR;
                if (direct_a && mr == MR) {
                    as = g->A + (size_t)pc * g->lda + ic;
                    sa = g->lda;
                } else if (rows) { /* A's rows read in place */
                    as = g->A + (size_t)ic * g->lda + pc;
                    sa = g->lda;
                } else {
                    pack_a(g, ic, mr, pc, kc, MR, ap);
                }
                for (int q = 0; q * NR < nc; q++) {
                    const int nr = nc - q * NR < NR ? nc - q * NR : NR;
                    const float *bs;
                    int sb;
                    if (q < full) {
                        bs = g->B + (size_t)pc * g->ldb + jc + q * NR;
                        sb = g->ldb;
                    } else {
                        bs = bp + (size_t)(q - full) * kc * NR;
                        sb = NR;
                    }
                    (rows ? uk_rows : uk)(kc, as, sa, bs, sb,
                       g->C + (size_t)ic * g->ldc + jc + q * NR, g->ldc, mr,
                       nr, acc, acc || !g->bias ? NULL : g->bias + jc + q * NR);
                }
            }
        }
    }
}

void bp__sgemm(bp_net *net, int ta, int tb, int M, int N, int K,
               const float *A, int lda, const float *B, int ldb, float *C,
               int ldc, int accumulate, const float *bias)
{
    job g = {net, ta, tb, M, N, K, lda, ldb, ldc, accumulate, A, B, C, bias};
    /* threads only pay off on a product of some size */
    if (net->pool && (double)M * N * K >= 1 << 18)
        bp__pool_run(net->pool, run, &g);
    else
        run(&g, 0, 1);
}
