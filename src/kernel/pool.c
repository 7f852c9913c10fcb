/*
 * pool.c - the threads of one network: started by bp_net_set_threads,
 * parked on a condition variable between jobs, joined by bp_net_free.
 *
 * A job is one function run by every thread at once with its thread
 * number; the caller is thread 0, so n threads means n - 1 workers. Work
 * is split by output rows or columns (gemm.c), never over a sum, so the
 * numbers do not depend on the number of threads.
 */
#define _POSIX_C_SOURCE 200809L
#include "core/internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

/* Between two products of one training step the workers wait only a few
 * microseconds; a futex sleep and wake-up costs more than that on a VM
 * (measured: 2 threads were slower than 1 with sleeping workers). So both
 * sides spin a while before they sleep. */
enum { SPIN = 20000 };

static void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

struct bp_pool {
    bp_allocator alloc;
    int n;                     /* threads, counting the caller */
    pthread_t *workers;        /* [n - 1] */
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    atomic_ulong generation;   /* bumped for each job */
    atomic_int pending;        /* workers still running the job */
    atomic_int quit;
    void (*fn)(void *arg, int tid, int n);
    void *arg;
};

typedef struct {
    bp_pool *pool;
    int tid;
} worker_arg;

static void *worker(void *p)
{
    worker_arg wa = *(worker_arg *)p;
    bp_pool *pool = wa.pool;
    bp__free(&pool->alloc, p);
    unsigned long seen = 0;
    for (;;) {
        /* spin first, then sleep until the generation moves */
        int spins = 0;
        while (atomic_load_explicit(&pool->generation, memory_order_acquire) == seen &&
               !atomic_load(&pool->quit) && spins < SPIN) {
            relax();
            spins++;
        }
        if (atomic_load_explicit(&pool->generation, memory_order_acquire) == seen &&
            !atomic_load(&pool->quit)) {
            pthread_mutex_lock(&pool->lock);
            while (atomic_load(&pool->generation) == seen && !atomic_load(&pool->quit))
                pthread_cond_wait(&pool->wake, &pool->lock);
            pthread_mutex_unlock(&pool->lock);
        }
        if (atomic_load(&pool->quit))
            break;
        seen = atomic_load_explicit(&pool->generation, memory_order_acquire);
        pool->fn(pool->arg, wa.tid, pool->n);
        if (atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&pool->lock);
            pthread_cond_signal(&pool->done);
            pthread_mutex_unlock(&pool->lock);
        }
    }
    return NULL;
}

void bp__pool_free(bp_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    atomic_store(&pool->quit, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->n - 1; i++)
        if (pool->workers[i])
            pthread_join(pool->workers[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    pthread_mutex_destroy(&pool->lock);
    bp_allocator a = pool->alloc;
    bp__free(&a, pool->workers);
    bp__free(&a, pool);
}

bp_status bp__pool_create(bp_pool **out, int n, const bp_allocator *a)
{
    *out = NULL;
    bp_pool *pool = bp__alloc(a, sizeof *pool);
    if (!pool)
        return BP_ERR_NOMEM;
    memset(pool, 0, sizeof *pool);
    pool->alloc = *a;
    pool->n = 1;
    pool->workers = bp__alloc(a, (size_t)n * sizeof *pool->workers);
    if (!pool->workers || pthread_mutex_init(&pool->lock, NULL)) {
        bp__free(a, pool->workers);
        bp__free(a, pool);
        return BP_ERR_NOMEM;
    }
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    memset(pool->workers, 0, (size_t)n * sizeof *pool->workers);
    for (int i = 0; i < n - 1; i++) {
        worker_arg *wa = bp__alloc(a, sizeof *wa);
        if (!wa) {
            bp__pool_free(pool);
            return BP_ERR_NOMEM;
        }
        wa->pool = pool;
        wa->tid = i + 1;
        if (pthread_create(&pool->workers[i], NULL, worker, wa)) {
            bp__free(a, wa);
            bp__pool_free(pool);
            return BP_ERR_NOMEM;
        }
        pool->n = i + 2;
    }
    *out = pool;
    return BP_OK;
}

int bp__pool_size(const bp_pool *pool) { return pool ? pool->n : 1; }

void bp__pool_run(bp_pool *pool, void (*fn)(void *, int, int), void *arg)
{
    if (!pool || pool->n == 1) {
        fn(arg, 0, 1);
        return;
    }
    pool->fn = fn;
    pool->arg = arg;
    atomic_store_explicit(&pool->pending, pool->n - 1, memory_order_relaxed);
    pthread_mutex_lock(&pool->lock);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    fn(arg, 0, pool->n);
    int spins = 0;
    while (atomic_load_explicit(&pool->pending, memory_order_acquire) > 0 &&
           spins < SPIN) {
        relax();
        spins++;
    }
    if (atomic_load_explicit(&pool->pending, memory_order_acquire) > 0) {
        pthread_mutex_lock(&pool->lock);
        while (atomic_load(&pool->pending) > 0)
            pthread_cond_wait(&pool->done, &pool->lock);
        pthread_mutex_unlock(&pool->lock);
    }
}
