/*
 * parallel.c - elementwise work shared by a context's threads, and the
 * finite checks built on it.
 */
#include "kernel/gemm.h"
#include "kernel/pool.h"

typedef struct {
    void (*fn)(void *arg, size_t lo, size_t hi, int tid);
    void *arg;
    size_t n, grain;
} par_job;

static void par_chunk(void *arg, int chunk, int tid)
{
    const par_job *j = arg;
    const size_t lo = (size_t)chunk * j->grain;
    const size_t hi = j->n - lo < j->grain ? j->n : lo + j->grain;
    j->fn(j->arg, lo, hi, tid);
}

void bp__parallel(bp_kctx *c, size_t n, size_t grain,
                  void (*fn)(void *arg, size_t lo, size_t hi, int tid),
                  void *arg)
{
    if (n == 0)
        return;
    if (grain < 1)
        grain = 1;
    const size_t chunks = (n + grain - 1) / grain;
    if (!c->pool || chunks < 2 || chunks > (size_t)1 << 30) {
        fn(arg, 0, n, 0); /* elementwise: one range gives the same numbers */
        return;
    }
    par_job j = {fn, arg, n, grain};
    bp__pool_run(c->pool, (int)chunks, par_chunk, &j);
}

int bp__finite_vec(const bp_kernel *k, const bp_real *v, size_t n)
{
#ifndef BP_DOUBLE
    if (k->finite && n >= 256) /* per-sample steps: no detour */
        return k->finite(v, n);
#else
    (void)k;
#endif
    return bp__all_finite(v, n);
}

typedef struct {
    const bp_kernel *k;
    const bp_real *v;
    int bad[BP_MAX_THREADS];
} finite_job;

static void finite_part(void *arg, size_t lo, size_t hi, int tid)
{
    finite_job *j = arg;
    j->bad[tid] |= !bp__finite_vec(j->k, j->v + lo, hi - lo);
}

int bp__finite_par(bp_kctx *c, const bp_real *v, size_t n)
{
    enum { GRAIN = 1 << 15 }; /* below this the hand-off costs more */
    if (!c->pool || n < 2 * GRAIN)
        return bp__finite_vec(c->k, v, n);
    finite_job j;
    j.k = c->k;
    j.v = v;
    for (int i = 0; i < c->threads; i++)
        j.bad[i] = 0;
    bp__parallel(c, n, GRAIN, finite_part, &j);
    for (int i = 0; i < c->threads; i++)
        if (j.bad[i])
            return 0;
    return 1;
}
