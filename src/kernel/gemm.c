/*
 * gemm.c - the blocked float32 product C = op(A) op(B).
 *
 * The columns of C are cut into chunks of a few NR-wide panels; threads
 * take chunks as they come free (pool.c). Within a chunk K runs in
 * slices of at most KC; for each slice B's panels are packed (only where
 * B is transposed or a panel is partial: a row-major B is read in place),
 * and each panel meets every MR-row strip of A, read in place: A's rows
 * by the kernel's rows variant, or A transposed, whose columns already
 * run along the strip. Only a last, partial strip is packed.
 *
 * Every element of C is computed by the same micro-kernel over the same
 * K slices in the same order, whichever chunk holds it and whichever
 * thread takes that chunk, so results are bit-identical for any number
 * of threads.
 */
#include "kernel/gemm.h"
#include "kernel/pool.h"

static int round_up(int v, int m) { return (v + m - 1) / m * m; }

/* K in the fewest slices of at most KC, of equal size (a multiple of 4):
 * 784 runs as 264 + 264 + 256, not 320 + 320 + 144. */
static int slice_of(int K)
{
    const int n = (K + BP_KC - 1) / BP_KC;
    return round_up((K + n - 1) / n, 4);
}

/* Columns of one chunk: whole panels, as many as make a chunk worth
 * handing to another thread, at most NC. */
static int chunk_cols(const bp_kernel *k, int M, int N, int K)
{
    const int NR = k->nr;
    const int panels = (N + NR - 1) / NR;
    /* about 2^18 multiply-adds a chunk (tens of microseconds) */
    const double per_panel = (double)M * K * NR;
    int want = (int)((1 << 18) / per_panel) + 1;
    if (want > panels)
        want = panels;
    if (want * NR > BP_NC)
        want = BP_NC / NR;
    return want * NR;
}

size_t bp__gemm_pack_floats(const bp_kernel *k, int max_k, int max_n)
{
    (void)max_n;
    /* slice_of(K) <= this for every K <= max_k */
    const int kc = round_up(max_k < BP_KC ? max_k : BP_KC, 4);
    /* one B panel (each is packed just before the strips meet it), then
     * one A strip */
    return (size_t)kc * k->nr + (size_t)k->mr * kc;
}

typedef struct {
    bp_kctx *c;
    int ta, tb, M, N, K, lda, ldb, ldc, accumulate;
    const float *A, *B;
    float *C;
    const float *bias;
    int cols, kc;
} job;

/* op(B) rows pc..pc+kc, columns j..j+cols of panel width NR into bp[p][NR],
 * zero-padded. */
static void pack_panel(const job *g, int pc, int kc, int j, int cols, int NR,
                       float *bp)
{
    if (!g->tb) { /* B[p][j]: rows are contiguous */
        for (int p = 0; p < kc; p++) {
            const float *src = g->B + (size_t)(pc + p) * g->ldb + j;
            float *dst = bp + (size_t)p * NR;
            for (int q = 0; q < NR; q++)
                dst[q] = q < cols ? src[q] : 0;
        }
        return;
    }
    /* B[j][p]: each column of op(B) is a row of B */
    g->c->k->transpose(g->B + (size_t)j * g->ldb + pc, g->ldb, cols, kc, bp, NR);
    for (int p = 0; p < kc && cols < NR; p++)
        for (int q = cols; q < NR; q++)
            bp[(size_t)p * NR + q] = 0;
}

/* op(A) rows 0..M (fewer than MR), columns pc..pc+kc into ap[p][MR],
 * zero-padded. */
static void pack_strip(const job *g, int pc, int kc, int MR, float *ap)
{
    for (int p = 0; p < kc; p++)
        for (int i = 0; i < MR; i++)
            ap[(size_t)p * MR + i] =
                i >= g->M ? 0
                : g->ta   ? g->A[(size_t)(pc + p) * g->lda + i]
                          : g->A[(size_t)i * g->lda + pc + p];
}

/* Rows r0.. and columns c0.. of a tile t[MR][NR] the kernel stored
 * whole (no bias, no accumulation) into C at c, as the kernel would have
 * stored them: the same additions, so the same numbers. */
static void merge(const float *t, int NR, int r0, int rows, int c0, int cols,
                  float *c, int ldc, int acc, const float *bias)
{
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            const float v = t[(size_t)(r0 + i) * NR + c0 + j];
            float *cij = c + (size_t)i * ldc + j;
            *cij = acc ? *cij + v : bias ? v + bias[j] : v;
        }
}

/* One panel (columns j.. of C, nr of them) over one K slice: every strip
 * of MR rows of A against B's panel bs (element (p, q) at bs[p * sb + q]),
 * whose first `skip` columns lie left of j (an edge panel moved back to
 * stay inside B). A last partial strip is moved back the same way, or
 * packed when A has fewer rows than a strip. */
static void panel(const job *g, int pc, int kc, int j, int nr, int skip,
                  const float *bs, int sb, float *ap, int acc)
{
    const bp_kernel *k = g->c->k;
    const int MR = k->mr, NR = k->nr, M = g->M;
    const float *bias = acc || !g->bias ? NULL : g->bias + j;
    float t[BP_TILE_FLOATS];
#define STRIP(ic, c, ldc, mr, nr, accu, bi)                                     \
    (g->ta ? k->gemm(kc, g->A + (size_t)pc * g->lda + (ic), g->lda, bs, sb, c,  \
                     ldc, mr, nr, accu, bi)                                    \
           : k->gemm_rows(kc, g->A + (size_t)(ic) * g->lda + pc, g->lda, bs,   \
                          sb, c, ldc, mr, nr, accu, bi))
    if (M < MR) {
        k->gemm(kc, ap, MR, bs, sb, t, NR, MR, NR, 0, NULL);
        merge(t, NR, 0, M, skip, nr, g->C + j, g->ldc, acc, bias);
        return;
    }
    float *cj = g->C + j;
    int ic = 0;
    for (; ic + MR <= M; ic += MR) {
        if (!skip)
            STRIP(ic, cj + (size_t)ic * g->ldc, g->ldc, MR, nr, acc, bias);
        else {
            STRIP(ic, t, NR, MR, NR, 0, NULL);
            merge(t, NR, 0, MR, skip, nr, cj + (size_t)ic * g->ldc, g->ldc, acc,
                  bias);
        }
    }
    if (ic < M) { /* the last MR rows, of which the first were done above */
        STRIP(M - MR, t, NR, MR, NR, 0, NULL);
        merge(t, NR, ic - (M - MR), M - ic, skip, nr, cj + (size_t)ic * g->ldc,
              g->ldc, acc, bias);
    }
#undef STRIP
}

static void run_chunk(void *arg, int chunk, int tid)
{
    const job *g = arg;
    const int NR = g->c->k->nr;
    const int j0 = chunk * g->cols;
    const int nc = g->N - j0 < g->cols ? g->N - j0 : g->cols;
    float *bp = g->c->pack + (size_t)tid * g->c->pack_per_thread;
    float *ap = bp + (size_t)g->kc * NR;
    for (int pc = 0; pc < g->K; pc += g->kc) {
        const int kc = g->K - pc < g->kc ? g->K - pc : g->kc;
        const int acc = g->accumulate || pc > 0;
        if (g->M < g->c->k->mr)
            pack_strip(g, pc, kc, g->c->k->mr, ap);
        for (int q = 0; q * NR < nc; q++) {
            const int j = j0 + q * NR;
            const int nr = nc - q * NR < NR ? nc - q * NR : NR;
            if (g->tb || (nr < NR && g->N < NR)) {
                pack_panel(g, pc, kc, j, nr, NR, bp);
                panel(g, pc, kc, j, nr, 0, bp, NR, ap, acc);
            } else { /* in place; a last partial panel moved back */
                const int skip = NR - nr;
                panel(g, pc, kc, j, nr, skip,
                      g->B + (size_t)pc * g->ldb + j - skip, g->ldb, ap, acc);
            }
        }
    }
}

void bp__sgemm(bp_kctx *c, int ta, int tb, int M, int N, int K,
               const float *A, int lda, const float *B, int ldb, float *C,
               int ldc, int accumulate, const float *bias)
{
    job g = {c, ta, tb, M, N, K, lda, ldb, ldc, accumulate, A, B, C, bias,
             chunk_cols(c->k, M, N, K), slice_of(K)};
    const int chunks = (N + g.cols - 1) / g.cols;
    /* a product too small to share runs on the caller alone (pool.c runs
     * a single chunk inline) */
    bp__pool_run(c->pool, chunks, run_chunk, &g);
}
