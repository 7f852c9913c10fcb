/*
 * gemm.c - the blocked float32 product C = op(A) op(B).
 *
 * C is cut into chunks: a block of rows (all of them up to BP_MC) by a
 * few NR-wide panels of columns, numbered block by block, so the pool's
 * shares (pool.h) give each thread the same columns of a one-block
 * product step after step, and the same blocks of rows of a bigger one
 * (whose blocks of A then stay in its L2); two independent products can
 * share one job. Within a
 * chunk K runs in slices of at most KC; for each slice B's panels are
 * packed (where B is transposed, a panel is partial, or enough strips
 * meet a panel to pay for the copy; otherwise a row-major B is read in
 * place), and each panel meets the block's strips of A, read in place:
 * A's rows by the kernel's rows variant, or A transposed, whose columns
 * already run along the strip. Strips are MR rows, then the kernel's
 * short strips where they fit the rows left exactly, else one strip
 * moved back; only when A has fewer rows than a strip is it packed.
 *
 * Every element of C is computed by the same chain of multiply-adds over
 * the same K slices in the same order, whichever strip, block or chunk
 * holds it and whichever thread takes that chunk, so results are
 * bit-identical for any number of threads.
 */
#include "kernel/gemm.h"
#include "kernel/pool.h"

#include <string.h>

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

/* Rows of A in one block: all of them up to BP_MC; beyond, blocks of
 * equal size in whole strips, so that a block of A stays in the L2 cache
 * while every panel of B meets it (10,000 samples through a layer in one
 * call streamed all of A from memory once per panel: 3.2x slower than
 * PyTorch). A chunk is a block of rows by a few panels. A product of a
 * single panel (an output layer of 10 units) with work for two chunks is
 * cut into two blocks, so that two threads can share it. */
static int block_rows(const bp_kernel *k, int M, int N, int K)
{
    if (M > BP_MC) {
        const int blocks = (M + BP_MC - 1) / BP_MC;
        return round_up((M + blocks - 1) / blocks, k->mr);
    }
    if (N <= k->nr && M >= 8 * k->mr && (double)M * k->nr * K >= 1 << 18)
        return round_up((M + 1) / 2, k->mr);
    return M;
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
    int ta, tb, M, N, K, lda, ldb, ldc;
    const float *A, *B;
    float *C;
    const bp_tile_ops *ops; /* for the whole of C */
    int cols, kc;
    int mc;         /* rows of A in one block (M if A is not cut) */
    int col_chunks; /* chunks of columns per block of rows */
    int pack_b;     /* B's panels packed (always where B is transposed) */
    int bad[BP_MAX_THREADS]; /* each thread's nonfinite flag */
} job;

/* n floats, n a panel's width: a constant size for the widths the
 * kernels have, so the compiler copies with a few moves instead of
 * calling memcpy for every 64 bytes (1.3% of an AVX2 epoch). */
static inline void copy_row(float *dst, const float *src, int n)
{
    switch (n) {
    case 12:
        memcpy(dst, src, 12 * sizeof *dst);
        break;
    case 16:
        memcpy(dst, src, 16 * sizeof *dst);
        break;
    case 32:
        memcpy(dst, src, 32 * sizeof *dst);
        break;
    default:
        memcpy(dst, src, (size_t)n * sizeof *dst);
        break;
    }
}

/* op(B) rows pc..pc+kc, columns j..j+cols of panel width NR into bp[p][NR],
 * zero-padded. */
static void pack_panel(const job *g, int pc, int kc, int j, int cols, int NR,
                       float *bp)
{
    if (!g->tb) { /* B[p][j]: rows are contiguous */
        for (int p = 0; p < kc; p++) {
            const float *src = g->B + (size_t)(pc + p) * g->ldb + j;
            float *dst = bp + (size_t)p * NR;
            if (cols == NR) {
                copy_row(dst, src, NR);
                continue;
            }
            for (int q = 0; q < NR; q++)
                dst[q] = q < cols ? src[q] : 0;
        }
        return;
    }
    /* B[j][p]: each column of op(B) is a row of B */
    g->c->k->transpose(g->B + (size_t)j * g->ldb + pc, g->ldb, cols, kc, bp,
                       NR);
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
            ap[(size_t)p * MR + i] = i >= g->M ? 0
                : g->ta ? g->A[(size_t)(pc + p) * g->lda + i]
                        : g->A[(size_t)i * g->lda + pc + p];
}

/* The ops of the tile at rows i.., columns j.. of C in K slice pc..pc+kc:
 * the bias with the first slice, the rest with the last. */
static inline bp_tile_ops tile_ops(job *g, int i, int j, int pc, int kc,
                                   int tid)
{
    const bp_tile_ops *o = g->ops;
    const size_t at = (size_t)i * g->ldc + j;
    const int last = pc + kc >= g->K;
    bp_tile_ops t = {o->accumulate || pc > 0, NULL, NULL, NULL, NULL};
    if (!t.accumulate && o->bias)
        t.bias = o->bias + j;
    if (last && o->gate)
        t.gate = o->gate + at;
    if (last && o->relu)
        t.relu = o->relu + at;
    if (last && o->nonfinite)
        t.nonfinite = &g->bad[tid];
    return t;
}

/* How M rows split into strips: `full` strips of MR rows, then `shorts`
 * of the kernel's MS = mr_short rows, then `rest` rows (fewer than MR)
 * in one last strip moved back to end at row M, or packed when M < MR.
 * Short strips are used where they cover the rows left exactly, taking
 * one full strip with them if need be: 128 rows = 20 x 6 + 2 x 4. The
 * plan depends on M alone, and a row's numbers not at all on the strip
 * that holds it (every kernel runs the same multiply-adds per element). */
typedef struct {
    int full, shorts, rest;
} strips;

static strips plan_strips(const bp_kernel *k, int M)
{
    const int MR = k->mr, MS = k->mr_short;
    strips s = {M / MR, 0, M % MR};
    if (s.rest && MS && k->gemm_short) {
        if (s.rest % MS == 0)
            s.shorts = s.rest / MS, s.rest = 0;
        else if (s.full > 0 && (s.rest + MR) % MS == 0)
            s.full--, s.shorts = (s.rest + MR) / MS, s.rest = 0;
    }
    return s;
}

/* One panel (columns j.. of C, nr of them) over one K slice: every strip
 * of A (plan_strips) against B's panel bs (element (p, q) at
 * bs[p * sb + q]), whose first `skip` columns lie left of j (an edge
 * panel moved back to stay inside B). A last strip of `rest` rows is
 * moved back the same way, or packed when A has fewer rows than a strip.
 * Edge tiles are computed whole into t and stored from there as the
 * kernel would store them. */
static void panel(job *g, int r0, int M, int pc, int kc, int j, int nr,
                  int skip, const float *bs, int sb, const float *ap, int tid)
{
    const bp_kernel *k = g->c->k;
    const int MR = k->mr, NR = k->nr;
    static const bp_tile_ops plain = {0, NULL, NULL, NULL, NULL};
    float t[BP_TILE_FLOATS];
    bp_tile_ops o;
#define STRIP(uk, ukrows, ic, c, ldc, mr, nr, ops)                             \
    (g->ta ? uk(kc, g->A + (size_t)pc * g->lda + (ic), g->lda, bs, sb, c, ldc, \
                mr, nr, ops)                                                   \
           : ukrows(kc, g->A + (size_t)(ic)*g->lda + pc, g->lda, bs, sb, c,    \
                    ldc, mr, nr, ops))
    const strips s = plan_strips(k, M);
    if (g->M < MR && s.rest) { /* A is one block, r0 = 0 */
        k->gemm(kc, ap, MR, bs, sb, t, NR, MR, NR, &plain);
        o = tile_ops(g, 0, j, pc, kc, tid);
        bp__store_ops(t + skip, NR, g->C + j, g->ldc, M, nr, &o);
        return;
    }
    int ic = r0;
    for (int n = 0; n < s.full + s.shorts; n++) {
        const int rows = n < s.full ? MR : k->mr_short;
        const bp_ukernel uk = n < s.full ? k->gemm : k->gemm_short;
        const bp_ukernel_rows ukrows =
            n < s.full ? k->gemm_rows : k->gemm_rows_short;
        float *c = g->C + (size_t)ic * g->ldc + j;
        o = tile_ops(g, ic, j, pc, kc, tid);
        if (!skip)
            STRIP(uk, ukrows, ic, c, g->ldc, rows, nr, &o);
        else {
            STRIP(uk, ukrows, ic, t, NR, rows, NR, &plain);
            bp__store_ops(t + skip, NR, c, g->ldc, rows, nr, &o);
        }
        ic += rows;
    }
    const int end = r0 + M;
    if (ic < end) { /* the MR rows up to `end`, the first done above (or
                     * in the block above: read again, not stored) */
        const int first = ic - (end - MR);
        STRIP(k->gemm, k->gemm_rows, end - MR, t, NR, MR, NR, &plain);
        o = tile_ops(g, ic, j, pc, kc, tid);
        bp__store_ops(t + (size_t)first * NR + skip, NR,
                      g->C + (size_t)ic * g->ldc + j, g->ldc, end - ic, nr, &o);
    }
#undef STRIP
}

static void run_chunk(void *arg, int chunk, int tid)
{
    job *g = arg;
    const int NR = g->c->k->nr;
    const int r0 = chunk / g->col_chunks * g->mc;
    const int rows = g->M - r0 < g->mc ? g->M - r0 : g->mc;
    chunk %= g->col_chunks;
    const int j0 = chunk * g->cols;
    const int nc = g->N - j0 < g->cols ? g->N - j0 : g->cols;
    float *bp = g->c->pack + (size_t)tid * g->c->pack_per_thread;
    float *ap = bp + (size_t)g->kc * NR;
    for (int pc = 0; pc < g->K; pc += g->kc) {
        const int kc = g->K - pc < g->kc ? g->K - pc : g->kc;
        if (g->M < g->c->k->mr && plan_strips(g->c->k, g->M).rest)
            pack_strip(g, pc, kc, g->c->k->mr, ap);
        for (int q = 0; q * NR < nc; q++) {
            const int j = j0 + q * NR;
            const int nr = nc - q * NR < NR ? nc - q * NR : NR;
            if (g->pack_b || (nr < NR && g->N < NR)) {
                pack_panel(g, pc, kc, j, nr, NR, bp);
                panel(g, r0, rows, pc, kc, j, nr, 0, bp, NR, ap, tid);
            } else { /* in place; a last partial panel moved back */
                const int skip = NR - nr;
                panel(g, r0, rows, pc, kc, j, nr, skip,
                      g->B + (size_t)pc * g->ldb + j - skip, g->ldb, ap, tid);
            }
        }
    }
}

/* Set up product x as job g; returns its number of chunks. */
static int job_init(job *g, bp_kctx *c, const bp_sgemm_args *x)
{
    g->c = c;
    g->ta = x->ta, g->tb = x->tb, g->M = x->M, g->N = x->N, g->K = x->K;
    g->lda = x->lda, g->ldb = x->ldb, g->ldc = x->ldc;
    g->A = x->A, g->B = x->B, g->C = x->C, g->ops = x->ops;
    g->mc = block_rows(c->k, x->M, x->N, x->K);
    g->cols = chunk_cols(c->k, g->mc, x->N, x->K);
    g->kc = slice_of(x->K);
    /* A row-major B is packed too when four or more strips meet each
     * panel: a panel read in place touches one row of B per step of K,
     * and with rows a page or more apart (dE/dW's activations) that is
     * more pages than the data TLB holds while the strips go by; a copy
     * per panel costs less (measured on dE/dW 256x784: 655 -> 600 us
     * with AVX2). With fewer strips the copy does not pay. */
    g->pack_b = x->tb || g->mc >= 4 * c->k->mr;
    for (int i = 0; i < c->threads; i++)
        g->bad[i] = 0;
    g->col_chunks = (x->N + g->cols - 1) / g->cols;
    return (x->M + g->mc - 1) / g->mc * g->col_chunks;
}

static void job_done(const job *g)
{
    if (g->ops->nonfinite)
        for (int i = 0; i < g->c->threads; i++)
            *g->ops->nonfinite |= g->bad[i];
}

/* Two products as one job: the chunks of the first, then the second's. */
typedef struct {
    job *first, *second;
    int split; /* the first's number of chunks */
} pair;

static void run_pair(void *arg, int chunk, int tid)
{
    const pair *p = arg;
    if (chunk < p->split)
        run_chunk(p->first, chunk, tid);
    else
        run_chunk(p->second, chunk - p->split, tid);
}

void bp__sgemm(bp_kctx *c, const bp_sgemm_args *x)
{
    job g;
    const int chunks = job_init(&g, c, x);
    /* a product too small to share runs on the caller alone (pool.c runs
     * a single chunk inline) */
    bp__pool_run(c->pool, chunks, run_chunk, &g);
    job_done(&g);
}

void bp__sgemm2(bp_kctx *c, const bp_sgemm_args *x, const bp_sgemm_args *y)
{
    job gx, gy;
    pair p = {&gx, &gy, job_init(&gx, c, x)};
    const int chunks = p.split + job_init(&gy, c, y);
    bp__pool_run(c->pool, chunks, run_pair, &p);
    job_done(&gx);
    job_done(&gy);
}
