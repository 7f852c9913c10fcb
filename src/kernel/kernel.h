/*
 * kernel.h - the kernel layer as src/core sees it: the registry of
 * kernels (one per instruction set), the context a product runs in
 * (kernel, threads, packing space), the three products of the two
 * phases, the finite checks, and elementwise work split over threads.
 *
 * Nothing here knows a network: src/kernel includes only the public
 * header (for bp_real, bp_status and bp_allocator) and its own files.
 */
#ifndef BP_KERNEL_H
#define BP_KERNEL_H

#include "backprop.h"

#include <stddef.h>

/* ---- memory: every allocation goes through the caller's allocator ---- */

/* a->alloc(a->ctx, size), or malloc when the allocator has none. */
void *bp__alloc(const bp_allocator *a, size_t size);
void bp__free(const bp_allocator *a, void *p);

/* ---- the registry ---- */

/* What a micro-kernel does as it stores its tile, element (i, j) of C for
 * i < mr, j < nr, so that the work around a product touches the block
 * while it is in registers rather than in another pass:
 *
 *   v = tile + (accumulate ? C : bias ? bias[j] : 0)
 *   if gate:       v = gate[i * ldc + j] > 0 ? v : 0   (ReLU's derivative)
 *   C = v
 *   if relu:       relu[i * ldc + j] = v > 0 ? v : 0   (ReLU)
 *   if nonfinite:  *nonfinite = 1 when v is NaN or Inf
 *
 * gate and relu are laid out as C (same ldc). */
typedef struct {
    int accumulate;
    const float *bias;
    const float *gate;
    float *relu;
    int *nonfinite;
} bp_tile_ops;

/* C[mr][nr] = A-strip x B-panel over kc steps, stored as ops says: the
 * valid mr x nr corner of an MR x NR tile. A's element (i, p) at
 * a[p * sa + i] (packed strips, or A transposed in place) and B's (p, j)
 * at b[p * sb + j]. */
typedef void (*bp_ukernel)(int kc, const float *a, int sa, const float *b,
                           int sb, float *c, int ldc, int mr, int nr,
                           const bp_tile_ops *ops);
/* The same with A read in place from MR rows of a row-major matrix:
 * element (i, p) at a[i * lda + p]. */
typedef bp_ukernel bp_ukernel_rows;

/* The constants of one Adam step (optim.c derives them from the
 * optimizer's settings and the step count): for each i, in this order,
 *   w *= decay                        (1 without weight decay: w * 1 is w)
 *   m  = b1 m + one_b1 g
 *   v  = b2 v + one_b2 g g
 *   w -= step m / (sqrt(v) inv_sqrt_bc2 + eps)
 * Every kernel does exactly these roundings, so every kernel gives the
 * same numbers. */
typedef struct {
    bp_real b1, one_b1, b2, one_b2, step, inv_sqrt_bc2, eps, decay;
} bp_adam_step;

/* One instruction set's kernels. A NULL member means the portable code
 * does that job (the portable kernel has no blocked product at all: its
 * products are the plain loops of products.c). */
typedef struct bp_kernel {
    const char *name;          /* "portable", "avx2", "avx512", "neon" */
    const char *needs;         /* what the CPU must have, for messages */
    int (*runs_here)(void);    /* this CPU has it (cpuid, hwcaps) */
    bp_ukernel gemm;           /* the blocked product's micro-kernel */
    bp_ukernel_rows gemm_rows; /* the same reading A's rows in place */
    int mr, nr;                /* its register tile */
    /* Optional: the same with a tile of mr_short < mr rows, for the
     * strips left over when M is not a multiple of mr (gemm.c chooses
     * them where they cover the rest exactly). */
    bp_ukernel gemm_short;
    bp_ukernel_rows gemm_rows_short;
    int mr_short;
    /* y[j] = b[j] + sum_p w[j][p] x[p], j < m: one sample through a
     * layer (w is [m][k]) */
    void (*gemv)(int m, int k, const float *x, const float *w, const float *b,
                 float *y);
    /* p[q] = sum_j d[j] w[j][q], q < k, j ascending: one sample's delta
     * back through a layer */
    void (*gemvt)(int m, int k, const float *d, const float *w, float *p);
    /* 1 if no value of v[n] is NaN or Inf */
    int (*finite)(const float *v, size_t n);
    /* dst[c * ldd + r] = src[r * lds + c], r < rows, c < cols */
    void (*transpose)(const float *src, int lds, int rows, int cols, float *dst,
                      int ldd);
    /* One Adam step on w, m, v[n] with gradients g[n] (bp_adam_step) */
    void (*adam)(float *w, const float *g, float *m, float *v, size_t n,
                 const bp_adam_step *a);
} bp_kernel;

/* One Adam step on w, m, v[n] (bp_adam_step): kernel k's, or the plain
 * loop where it has none (and in the double build); the same numbers
 * either way (adam.c). */
void bp__adam_vec(const bp_kernel *k, bp_real *w, const bp_real *g, bp_real *m,
                  bp_real *v, size_t n, const bp_adam_step *a);

/* The kernels this build knows, best first: bp__kernel_at(0), (1), ...
 * until NULL. Whether this CPU runs one: k->runs_here(). */
const bp_kernel *bp__kernel_at(int i);
/* The best kernel this CPU runs (the portable one at worst). */
const bp_kernel *bp__kernel_best(void);
/* The kernel `want` names: NULL, "" or "auto" mean the best. On failure
 * (an unknown name, a kernel this CPU or build lacks) a one-line reason
 * goes to msg and the result is BP_ERR_ARG. */
bp_status bp__kernel_choose(const char *want, const bp_kernel **out, char *msg,
                            size_t len);

/* ---- the context: what a product runs with ---- */

typedef struct bp_pool bp_pool;

typedef struct {
    const bp_kernel *k;
    bp_allocator alloc;
    bp_pool *pool;          /* NULL: the caller's thread alone */
    int threads;            /* counting the caller */
    int max_k, max_n;       /* the largest products the space is sized for */
    float *pack;            /* packing space, 64-byte aligned, inside: */
    void *pack_mem;         /* this allocation */
    size_t pack_per_thread; /* floats; a multiple of 16 */
} bp_kctx;

/* A context on kernel k, one thread, no packing space yet. */
void bp__kctx_init(bp_kctx *c, const bp_kernel *k, const bp_allocator *a);
/* Packing space for products whose K and N are at most max_k and max_n.
 * On failure the context keeps what it had. */
bp_status bp__kctx_reserve(bp_kctx *c, int max_k, int max_n);
/* n threads (1..BP_MAX_THREADS); on failure the context is unchanged. */
bp_status bp__kctx_set_threads(bp_kctx *c, int n);
/* Another kernel; on failure the context is unchanged. */
bp_status bp__kctx_set_kernel(bp_kctx *c, const bp_kernel *k);
/* Stop the threads and free the space (the context itself is the
 * caller's). */
void bp__kctx_free(bp_kctx *c);

/* The most threads a context may use. */
#define BP_MAX_THREADS 1024

/* ---- the products (products.c), row-major ---- */

/* Y[n][m] = X[n][k] W[m][k]^T + b[m]      (forward: z = W x + b);
 * relu, if not NULL, also gets max(Y, 0) ([n][m]) */
void bp__gemm_xwt_bias(bp_kctx *c, int n, int m, int k, const bp_real *x,
                       const bp_real *w, const bp_real *b, bp_real *y,
                       bp_real *relu);
/* G[m][k] = D[n][m]^T A[n][k]             (dE/dW = delta^T a_below);
 * returns 0 if a value of G is NaN or Inf (checked as it is stored) */
int bp__gemm_dta(bp_kctx *c, int n, int m, int k, const bp_real *d,
                 const bp_real *a, bp_real *g);
/* P[n][k] = D[n][m] W[m][k]               (delta passed back); with gate
 * ([n][k], not NULL) P is kept only where gate > 0 (ReLU's derivative
 * from its net input) */
void bp__gemm_dw(bp_kctx *c, int n, int m, int k, const bp_real *d,
                 const bp_real *w, bp_real *p, const bp_real *gate);
/* bp__gemm_dta and bp__gemm_dw of one layer (both read D; neither writes
 * what the other reads) as one job for the threads: one wait instead of
 * two, and the small products of a narrow layer side by side. The same
 * numbers; returns bp__gemm_dta's finite flag. */
int bp__gemm_backward(bp_kctx *c, int n, int m, int k, const bp_real *d,
                      const bp_real *a, bp_real *g, const bp_real *w,
                      bp_real *p, const bp_real *gate);
/* g[m] = sum over rows of D[n][m]          (dE/db) */
void bp__colsum(int n, int m, const bp_real *d, bp_real *g);

/* ---- finite checks ---- */

/* 1 if no value of v[n] is NaN or Inf: plain loop, any precision. */
int bp__all_finite(const bp_real *v, size_t n);
/* The same on the kernel's vectors (for a caller already inside a
 * parallel job). */
int bp__finite_vec(const bp_kernel *k, const bp_real *v, size_t n);
/* The same shared by the context's threads when v is long. */
int bp__finite_par(bp_kctx *c, const bp_real *v, size_t n);

/* ---- elementwise work over the context's threads ---- */

/* fn(arg, lo, hi, tid) over consecutive ranges [lo, hi) that cover
 * [0, n), each at least `grain` long (but the last); the ranges do not
 * depend on the number of threads and any thread may take any range, so
 * work that is elementwise, or by rows, gives the same numbers however
 * it is shared. tid (0 = the caller) tells a thread's own scratch. */
void bp__parallel(bp_kctx *c, size_t n, size_t grain,
                  void (*fn)(void *arg, size_t lo, size_t hi, int tid),
                  void *arg);

#endif
