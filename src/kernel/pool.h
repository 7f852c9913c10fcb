/*
 * pool.h - a context's threads (pool.c). Private to src/kernel.
 */
#ifndef BP_POOL_H
#define BP_POOL_H

#include "kernel/kernel.h"

/* n threads counting the caller (n - 1 workers), started here. */
bp_status bp__pool_create(bp_pool **out, int n, const bp_allocator *a);
/* Stop and join the workers. NULL is allowed. */
void bp__pool_free(bp_pool *pool);

/* fn(arg, chunk, tid) once for each chunk = 0 .. n_chunks - 1; returns
 * when every chunk is done. Thread t (the caller is tid 0 and takes
 * chunks too) runs the t-th of n equal contiguous shares of the chunks,
 * in order, unless another thread that finished its own took some from
 * the back of it: chunks that touch the same data in successive jobs
 * belong in the same share. A worker that is slow to wake simply takes
 * no chunk: the call never waits for a thread that has not started one.
 * A NULL pool runs them all on the caller. */
void bp__pool_run(bp_pool *pool, int n_chunks,
                  void (*fn)(void *arg, int chunk, int tid), void *arg);

#endif
