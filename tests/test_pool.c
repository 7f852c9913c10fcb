/*
 * test_pool.c - the threads' jobs (src/kernel/pool.c): every chunk of
 * every job runs exactly once, on whichever thread, and a job never
 * waits forever.
 *
 * Many tiny jobs back to back, their chunk counts going up and down (2,
 * 16, 3, 49, ...: a layer's products and passes), so that a worker is
 * still looking at one job's counter while the caller sets up the next:
 * a worker that paired one job's counter with the next job's chunk count
 * once claimed a chunk that did not exist, and the caller then waited
 * forever. A job of more chunks than a thread's share can hold runs
 * them in groups. A hang is this test's failure: an alarm ends it with a FAIL
 * line rather than letting the suite stall.
 */
#define _POSIX_C_SOURCE 200809L
#include "kernel/pool.h"
#include "test.h"

#include <signal.h>
#include <stdatomic.h>
#include <unistd.h>

enum { MAX_CHUNKS = 64 };

typedef struct {
    int n;                      /* this job's chunks */
    atomic_int ran[MAX_CHUNKS]; /* times each chunk ran */
    atomic_int outside;         /* chunks run with an index >= n */
} job;

static void run(void *arg, int chunk, int tid)
{
    job *j = arg;
    (void)tid;
    if (chunk < 0 || chunk >= j->n) {
        atomic_fetch_add(&j->outside, 1);
        return;
    }
    atomic_fetch_add(&j->ran[chunk], 1);
}

typedef struct {
    int n;
    atomic_int *ran;
} big;

static void run_big(void *arg, int chunk, int tid)
{
    big *b = arg;
    (void)tid;
    if (chunk >= 0 && chunk < b->n)
        atomic_fetch_add(&b->ran[chunk], 1);
}

static void on_alarm(int sig)
{
    static const char msg[] =
        "  FAIL a job of the pool never finished (the caller waits for a "
        "chunk no thread will run)\n";
    (void)sig;
    /* async-signal-safe: write and _exit only */
    if (write(1, msg, sizeof msg - 1) < 0)
        _exit(1);
    _exit(1);
}

/* jobs jobs on threads threads; returns the number of jobs whose chunks
 * did not each run exactly once. */
static long stress(int threads, long jobs)
{
    static const int counts[] = {2, 16, 3, 49, 8, 2, 2, 7, 16, 1, 5, 64};
    const bp_allocator a = {NULL, NULL, NULL};
    bp_pool *p;
    if (bp__pool_create(&p, threads, &a) != BP_OK)
        return -1;
    long wrong = 0;
    for (long i = 0; i < jobs; i++) {
        job j;
        j.n = counts[i % (long)(sizeof counts / sizeof *counts)];
        for (int c = 0; c < MAX_CHUNKS; c++)
            atomic_init(&j.ran[c], 0);
        atomic_init(&j.outside, 0);
        bp__pool_run(p, j.n, run, &j);
        int ok = atomic_load(&j.outside) == 0;
        for (int c = 0; c < MAX_CHUNKS; c++)
            ok &= atomic_load(&j.ran[c]) == (c < j.n);
        wrong += !ok;
    }
    bp__pool_free(p);
    return wrong;
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    /* generous: the whole run takes about a second natively, and a few
     * tens of seconds under qemu or valgrind on a busy machine */
    alarm(600);
    static const int threads[] = {2, 3, 7};
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
        const long jobs = 200000;
        const long wrong = stress(threads[t], jobs);
        CHECK(wrong == 0,
              "%d threads, %ld jobs of 1 to 64 chunks: every chunk ran once "
              "(%ld jobs wrong)",
              threads[t], jobs, wrong);
    }
    /* more chunks than a thread's share holds (65535): the pool runs
     * them in groups, still each once */
    {
        const bp_allocator a = {NULL, NULL, NULL};
        bp_pool *p;
        enum { BIG = 200003 };
        static atomic_int ran[BIG];
        big b = {BIG, ran};
        for (int i = 0; i < BIG; i++)
            atomic_init(&ran[i], 0);
        if (bp__pool_create(&p, 2, &a) != BP_OK)
            return 1;
        bp__pool_run(p, BIG, run_big, &b);
        bp__pool_free(p);
        int once = 0;
        for (int i = 0; i < BIG; i++)
            once += atomic_load(&ran[i]) == 1;
        CHECK(once == BIG,
              "a job of %d chunks on 2 threads: every chunk ran once "
              "(%d did)",
              BIG, once);
    }
    alarm(0);
    return tst_summary("test_pool");
}
