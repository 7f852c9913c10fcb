/*
 * pool.c - the threads of one context: started by bp__kctx_set_threads,
 * parked between jobs, joined when the context is freed.
 *
 * A job is a number of chunks, dealt out in equal contiguous shares,
 * one per thread: each thread takes the next chunk of its own share, and
 * when that is gone takes chunks from the back of another's. Threads
 * that keep up thus keep computing the same part of each product (the
 * same units of a layer) step after step, so the weights, gradients and
 * activations of those units stay in their cache: on a VM whose two
 * vCPUs sit on different core complexes, a cache line written by one
 * and read by the other costs a few hundred nanoseconds (a ping-pong
 * round trip measured 66-515 ns here), and a step of the benchmark
 * network with chunks taken in first-come order moved about a megabyte
 * of such lines; dealing shares made two-thread steps 4-12% faster.
 * A share is claimed with a compare-and-swap on one word that holds the
 * job's number and the share's bounds, so a worker that wakes late (a
 * descheduled vCPU on a busy machine) finds its share taken by the
 * others and the job finished, and the caller waits only for chunks
 * that were started. What a chunk computes depends on the chunk alone,
 * never on the thread, so results do not depend on the number of
 * threads or on who was fast.
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

/* Chunks lo..hi-1 of job `job` as one word: job << 32 | lo << 16 | hi,
 * so one compare-and-swap both claims a chunk and checks that the job is
 * still the one read. A share holds at most 65535 chunks (SHARE_MAX). */
enum { SHARE_MAX = 0xffff };
static uint64_t share_word(uint32_t job, int lo, int hi)
{
    return (uint64_t)job << 32 | (uint64_t)lo << 16 | (uint64_t)hi;
}

/* One share to a cache line: its owner's claims do not evict the
 * others'. */
typedef struct {
    _Alignas(64) _Atomic uint64_t w;
} share;

struct bp_pool {
    bp_allocator alloc;
    int n;              /* threads, counting the caller */
    pthread_t *workers; /* [n - 1] */
    uint32_t job;       /* the caller's count of jobs published */
    int solo;           /* jobs still to run on the caller alone */
    int backoff;        /* how many the next straggler earns */
    int clean;          /* shared jobs since the last straggler */
    /* the number of the job last published, << 32 */
    _Atomic uint64_t work;
    share *shares;    /* [n]: thread t's share of the job (share_word) */
    void *shares_mem; /* what was allocated for them */
    /* job j in slot j & 1, written before the shares publish it. A
     * worker reads a share's word, then the slot of the job it names,
     * then claims with a compare-and-swap on the word, which succeeds
     * only if job and bounds are unchanged: the job still had chunks
     * left, so the slot it read was not yet rewritten, as slot j & 1 is
     * next written for job j + 2. (With one word for the job and its
     * next chunk, and one slot, a worker once paired job j's word with
     * job j + 1's chunk count and claimed a chunk that does not exist:
     * the caller waited forever.) */
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

/* Claim chunk i of the share in *sh, read as w: from the front for the
 * share's owner, else from the back. Returns 0 if the share is empty, -1
 * if another thread changed it first, else 1. */
static int claim(share *sh, uint64_t w, int own, int *i)
{
    const int lo = (int)((w >> 16) & 0xffff), hi = (int)(w & 0xffff);
    if (lo >= hi)
        return 0;
    *i = own ? lo : hi - 1;
    return atomic_compare_exchange_weak(&sh->w, &w,
                                        own ? w + (1u << 16) : w - 1)
        ? 1
        : -1;
}

/* Take and run chunks of the published jobs until none is left: first
 * from thread tid's own share, then from the others'. Returns the number
 * of the last job published when it started. */
static uint32_t take_chunks(bp_pool *p, int tid)
{
    const uint32_t seen = (uint32_t)(atomic_load(&p->work) >> 32);
    for (int k = 0; k < p->n; k++) {
        share *sh = &p->shares[(tid + k) % p->n];
        for (;;) {
            const uint64_t w =
                atomic_load_explicit(&sh->w, memory_order_acquire);
            /* w's job's slot; if it is being rewritten for a job two
             * later, w is stale and the claim below fails */
            const int sl = (int)((w >> 32) & 1);
            const chunk_fn fn =
                atomic_load_explicit(&p->slot[sl].fn, memory_order_relaxed);
            void *const arg =
                atomic_load_explicit(&p->slot[sl].arg, memory_order_relaxed);
            const int n = atomic_load_explicit(&p->slot[sl].n_chunks,
                                               memory_order_relaxed);
            int i;
            const int got = claim(sh, w, k == 0, &i);
            if (got == 0)
                break;
            if (got < 0)
                continue;
            fn(arg, i, tid);
            if (atomic_fetch_add(&p->done, 1) + 1 == n &&
                atomic_load(&p->waiting)) {
                pthread_mutex_lock(&p->lock);
                pthread_cond_signal(&p->finished);
                pthread_mutex_unlock(&p->lock);
            }
        }
    }
    return seen;
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

/* More chunks than shares can hold, in groups of `per`. */
typedef struct {
    chunk_fn fn;
    void *arg;
    int n, per;
} group;

static void run_group(void *arg, int g, int tid)
{
    const group *x = arg;
    const int lo = g * x->per, hi = x->n - lo < x->per ? x->n : lo + x->per;
    for (int i = lo; i < hi; i++)
        x->fn(x->arg, i, tid);
}

void bp__pool_run(bp_pool *p, int n_chunks,
                  void (*fn)(void *arg, int chunk, int tid), void *arg)
{
    if (n_chunks > SHARE_MAX) {
        group x = {fn, arg, n_chunks, (n_chunks + SHARE_MAX - 1) / SHARE_MAX};
        bp__pool_run(p, (n_chunks + x.per - 1) / x.per, run_group, &x);
        return;
    }
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
    /* the shares publish the above to a thread that finds them before
     * `work` wakes it */
    for (int t = 0; t < p->n; t++)
        atomic_store_explicit(
            &p->shares[t].w,
            share_word(p->job, (int)((int64_t)n_chunks * t / p->n),
                       (int)((int64_t)n_chunks * (t + 1) / p->n)),
            memory_order_release);
    atomic_store(&p->work, (uint64_t)p->job << 32);
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
    bp__free(&a, p->shares_mem);
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
    /* the shares on cache lines of their own: the allocator promises
     * only malloc's alignment */
    p->shares_mem = bp__alloc(a, (size_t)n * sizeof(share) + 63);
    if (!p->workers || !p->shares_mem || pthread_mutex_init(&p->lock, NULL)) {
        bp__free(a, p->workers);
        bp__free(a, p->shares_mem);
        bp__free(a, p);
        return BP_ERR_NOMEM;
    }
    p->shares = (share *)(((uintptr_t)p->shares_mem + 63) & ~(uintptr_t)63);
    for (int t = 0; t < n; t++)
        atomic_init(&p->shares[t].w, share_word(0, 0, 0));
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
