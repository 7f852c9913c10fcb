/*
 * pool.c - the threads of one context: started by bp__kctx_set_threads,
 * parked between jobs, joined when the context is freed.
 *
 * A job is a number of chunks; every thread, the caller included, takes
 * the next untaken chunk until none is left. Chunks are claimed with a
 * compare-and-swap on one word that holds the job's number and the next
 * chunk, so a worker that wakes late (a descheduled vCPU on a busy
 * machine) finds the job finished and takes nothing, and the caller
 * waits only for chunks that were started. What a chunk computes depends
 * on the chunk alone, never on the thread, so results do not depend on
 * the number of threads or on who was fast.
 *
 * A worker descheduled in the middle of a chunk (more runnable threads
 * than cores) still holds the caller up until it runs again, which can
 * be milliseconds. When the caller finds it waited on stragglers much
 * longer than the chunks take, it runs the next jobs alone (a number that
 * doubles while that keeps happening, and halves only after as many
 * shared jobs without one), so a busy machine costs two threads about
 * what it costs one.
 */
#define _POSIX_C_SOURCE 200809L
#include "kernel/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* Between two products of one training step the workers wait only a few
 * microseconds; a futex sleep and wake-up costs more than that on a VM
 * (measured: 2 threads were slower than 1 with sleeping workers), so a
 * waiting thread spins a while first (SPIN_NS), then yields its core a
 * while (YIELD_NS: with more runnable threads than cores, the thread it
 * waits for may need it), then sleeps. */
enum { SPIN_NS = 200000, YIELD_NS = 2000000 };
/* Jobs run alone after a straggler: at first, and at most. */
enum { SOLO_MIN = 8, SOLO_MAX = 4096 };

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

typedef void (*chunk_fn)(void *arg, int chunk, int tid);

/* The CPU's hint that this is a spin-wait: x86 PAUSE, ARM YIELD. */
static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && __ARM_ARCH >= 7)
    __asm__ __volatile__("yield" ::: "memory");
#endif
}

struct bp_pool {
    bp_allocator alloc;
    int n;              /* threads, counting the caller */
    pthread_t *workers; /* [n - 1] */
    uint32_t job;       /* the caller's count of jobs published */
    int solo;           /* jobs still to run on the caller alone */
    int backoff;        /* how many the next straggler earns */
    int clean;          /* shared jobs since the last straggler */
    /* job number << 32 | next chunk to take */
    _Atomic uint64_t work;
    /* job j in slot j & 1, written before `work` publishes it. Two slots:
     * a worker that read `work` of job j just as the caller wrote job
     * j + 1 would otherwise pair j's word with j + 1's chunk count, and
     * could claim chunk n_j of job j - a chunk that does not exist - the
     * instant before j + 1 is published (seen once: `done` one too many,
     * the caller waiting forever). Slot j & 1 is next written for job
     * j + 2, after j + 1 is published, when a claim on j's word fails. */
    struct {
        _Atomic(chunk_fn) fn;
        _Atomic(void *) arg;
        atomic_int n_chunks;
    } slot[2];
    atomic_int done; /* chunks of the current job finished */
    atomic_int quit;
    atomic_int sleepers; /* workers asleep on `wake` */
    atomic_int waiting;  /* the caller is asleep on `finished` */
    pthread_mutex_t lock;
    pthread_cond_t wake, finished;
};

typedef struct {
    bp_pool *pool;
    int tid;
} worker_arg;

/* Take and run chunks of the published job until none is left; returns
 * the number of the job found exhausted. */
static uint32_t take_chunks(bp_pool *p, int tid)
{
    for (;;) {
        uint64_t w = atomic_load_explicit(&p->work, memory_order_acquire);
        /* w's job's slot; if it is being rewritten for a job two later,
         * w is stale and the exchange below fails */
        const int sl = (int)((w >> 32) & 1);
        const chunk_fn fn =
            atomic_load_explicit(&p->slot[sl].fn, memory_order_relaxed);
        void *const arg =
            atomic_load_explicit(&p->slot[sl].arg, memory_order_relaxed);
        const int n =
            atomic_load_explicit(&p->slot[sl].n_chunks, memory_order_relaxed);
        const int i = (int)(uint32_t)w;
        if (i >= n)
            return (uint32_t)(w >> 32);
        if (atomic_compare_exchange_weak(&p->work, &w, w + 1)) {
            fn(arg, i, tid);
            if (atomic_fetch_add(&p->done, 1) + 1 == n &&
                atomic_load(&p->waiting)) {
                pthread_mutex_lock(&p->lock);
                pthread_cond_signal(&p->finished);
                pthread_mutex_unlock(&p->lock);
            }
        }
    }
}

/* Wait until a job newer than `seen` is published (or quit is set). */
static void await_job(bp_pool *p, uint32_t seen)
{
    /* sequentially consistent loads: with the caller's store of `work`
     * and load of `sleepers`, one side always sees the other */
#define FRESH()                                                                \
    ((uint32_t)(atomic_load(&p->work) >> 32) != seen || atomic_load(&p->quit))
    const int64_t t0 = now_ns();
    for (int s = 1;; s++) {
        if (FRESH())
            return;
        relax();
        if (s % 64 == 0 && now_ns() - t0 > SPIN_NS)
            break;
    }
    while (now_ns() - t0 < SPIN_NS + YIELD_NS) {
        if (FRESH())
            return;
        sched_yield();
    }
    pthread_mutex_lock(&p->lock);
    atomic_fetch_add(&p->sleepers, 1);
    while (!FRESH())
        pthread_cond_wait(&p->wake, &p->lock);
    atomic_fetch_sub(&p->sleepers, 1);
    pthread_mutex_unlock(&p->lock);
#undef FRESH
}

static void *worker(void *v)
{
    worker_arg wa = *(worker_arg *)v;
    bp_pool *p = wa.pool;
    bp__free(&p->alloc, v);
    uint32_t seen = 0;
    for (;;) {
        await_job(p, seen);
        if (atomic_load(&p->quit))
            return NULL;
        seen = take_chunks(p, wa.tid);
    }
}

/* Wait until every chunk of the current job is done; returns the
 * nanoseconds waited. */
static int64_t await_chunks(bp_pool *p, int n_chunks)
{
#define DONE() (atomic_load(&p->done) == n_chunks)
    if (DONE())
        return 0;
    const int64_t t0 = now_ns();
    for (int s = 1; !DONE(); s++) {
        relax();
        if (s % 64 == 0 && now_ns() - t0 > SPIN_NS) {
            while (!DONE() && now_ns() - t0 < SPIN_NS + YIELD_NS)
                sched_yield();
            break;
        }
    }
    if (!DONE()) {
        pthread_mutex_lock(&p->lock);
        atomic_store(&p->waiting, 1);
        while (!DONE())
            pthread_cond_wait(&p->finished, &p->lock);
        atomic_store(&p->waiting, 0);
        pthread_mutex_unlock(&p->lock);
    }
#undef DONE
    return now_ns() - t0;
}

void bp__pool_run(bp_pool *p, int n_chunks,
                  void (*fn)(void *arg, int chunk, int tid), void *arg)
{
    if (!p || p->n == 1 || n_chunks <= 1 || p->solo > 0) {
        if (p && n_chunks > 1)
            p->solo--;
        for (int i = 0; i < n_chunks; i++)
            fn(arg, i, 0);
        return;
    }
    const int64_t t0 = now_ns();
    p->job++;
    const int sl = (int)(p->job & 1);
    atomic_store_explicit(&p->slot[sl].fn, fn, memory_order_relaxed);
    atomic_store_explicit(&p->slot[sl].arg, arg, memory_order_relaxed);
    atomic_store_explicit(&p->slot[sl].n_chunks, n_chunks,
                          memory_order_relaxed);
    atomic_store_explicit(&p->done, 0, memory_order_relaxed);
    atomic_store(&p->work, (uint64_t)p->job << 32); /* publishes the above */
    if (atomic_load(&p->sleepers)) {
        pthread_mutex_lock(&p->lock);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->lock);
    }
    take_chunks(p, 0);
    /* every chunk is taken; wait for those still running elsewhere */
    const int64_t own = now_ns() - t0, waited = await_chunks(p, n_chunks);
    if (waited > own / 2 + 50000) { /* a straggler: go alone a while */
        p->solo = p->backoff;
        p->backoff = p->backoff < SOLO_MAX ? 2 * p->backoff : SOLO_MAX;
        p->clean = 0;
    } else if (p->backoff > SOLO_MIN && ++p->clean >= p->backoff) {
        /* as many clean shared jobs as the last solo spell was long: one
         * lucky job on a busy machine does not halve it */
        p->backoff /= 2;
        p->clean = 0;
    }
}

void bp__pool_free(bp_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    atomic_store(&p->quit, 1);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->n - 1; i++)
        pthread_join(p->workers[i], NULL);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->finished);
    pthread_mutex_destroy(&p->lock);
    bp_allocator a = p->alloc;
    bp__free(&a, p->workers);
    bp__free(&a, p);
}

bp_status bp__pool_create(bp_pool **out, int n, const bp_allocator *a)
{
    *out = NULL;
    bp_pool *p = bp__alloc(a, sizeof *p);
    if (!p)
        return BP_ERR_NOMEM;
    memset(p, 0, sizeof *p);
    p->alloc = *a;
    p->n = 1;
    p->backoff = SOLO_MIN;
    atomic_init(&p->work, 0);
    for (int i = 0; i < 2; i++) {
        atomic_init(&p->slot[i].fn, NULL);
        atomic_init(&p->slot[i].arg, NULL);
        atomic_init(&p->slot[i].n_chunks, 0);
    }
    atomic_init(&p->done, 0);
    atomic_init(&p->quit, 0);
    atomic_init(&p->sleepers, 0);
    atomic_init(&p->waiting, 0);
    p->workers = bp__alloc(a, (size_t)n * sizeof *p->workers);
    if (!p->workers || pthread_mutex_init(&p->lock, NULL)) {
        bp__free(a, p->workers);
        bp__free(a, p);
        return BP_ERR_NOMEM;
    }
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->finished, NULL);
    for (int i = 0; i < n - 1; i++) {
        worker_arg *wa = bp__alloc(a, sizeof *wa);
        if (!wa) {
            bp__pool_free(p);
            return BP_ERR_NOMEM;
        }
        wa->pool = p;
        wa->tid = i + 1;
        if (pthread_create(&p->workers[i], NULL, worker, wa)) {
            bp__free(a, wa);
            bp__pool_free(p);
            return BP_ERR_NOMEM;
        }
        p->n = i + 2;
    }
    *out = p;
    return BP_OK;
}
