/*
 * context.c - a kernel context's life: which kernel, how many threads,
 * and the packing space of the blocked product, all allocated here
 * (never in a product) through the owner's allocator.
 */
#include "kernel/gemm.h"
#include "kernel/pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void bp__kctx_init(bp_kctx *c, const bp_kernel *k, const bp_allocator *a)
{
    memset(c, 0, sizeof *c);
    c->k = k;
    c->alloc = *a;
    c->threads = 1;
}

/* Packing space for kernel k on `threads` threads; none when k has no
 * blocked product. Each thread's part starts on a cache line: the
 * micro-kernels' loads from a packed panel then never straddle two
 * lines, and no line is shared by two threads (malloc promises 16
 * bytes). */
static bp_status alloc_pack(bp_kctx *c, const bp_kernel *k, int threads,
                            int max_k, int max_n)
{
    if (!k->gemm || max_k < 1 || max_n < 1) {
        bp__free(&c->alloc, c->pack_mem);
        c->pack_mem = NULL;
        c->pack = NULL;
        c->pack_per_thread = 0;
        return BP_OK;
    }
    const size_t per = (bp__gemm_pack_floats(k, max_k, max_n) + 15) / 16 * 16;
    if (per > (SIZE_MAX - 64) / sizeof(float) / (size_t)threads)
        return BP_ERR_NOMEM;
    void *mem =
        bp__alloc(&c->alloc, (size_t)threads * per * sizeof(float) + 64);
    if (!mem)
        return BP_ERR_NOMEM;
    bp__free(&c->alloc, c->pack_mem);
    c->pack_mem = mem;
    c->pack = (float *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
    c->pack_per_thread = per;
    return BP_OK;
}

bp_status bp__kctx_reserve(bp_kctx *c, int max_k, int max_n)
{
    bp_status st = alloc_pack(c, c->k, c->threads, max_k, max_n);
    if (st)
        return st;
    c->max_k = max_k;
    c->max_n = max_n;
    return BP_OK;
}

bp_status bp__kctx_set_threads(bp_kctx *c, int n)
{
    if (n < 1 || n > BP_MAX_THREADS)
        return BP_ERR_SIZE;
    if (n == c->threads)
        return BP_OK;
    bp_pool *pool = NULL;
    if (n > 1 && bp__pool_create(&pool, n, &c->alloc))
        return BP_ERR_NOMEM;
    if (alloc_pack(c, c->k, n, c->max_k, c->max_n)) {
        bp__pool_free(pool);
        return BP_ERR_NOMEM;
    }
    bp__pool_free(c->pool);
    c->pool = pool;
    c->threads = n;
    return BP_OK;
}

bp_status bp__kctx_set_kernel(bp_kctx *c, const bp_kernel *k)
{
    if (k == c->k)
        return BP_OK;
    bp_status st = alloc_pack(c, k, c->threads, c->max_k, c->max_n);
    if (st)
        return st;
    c->k = k;
    return BP_OK;
}

void bp__kctx_free(bp_kctx *c)
{
    bp__pool_free(c->pool);
    bp__free(&c->alloc, c->pack_mem);
    c->pool = NULL;
    c->pack_mem = NULL;
    c->pack = NULL;
    c->threads = 1;
}
