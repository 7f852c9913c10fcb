/*
 * peak.c - the machine's float32 peak on one core, measured: a loop of
 * independent fused multiply-adds on the widest vectors the CPU has.
 * Prints GFLOP/s for AVX-512 and AVX2 (those the CPU runs), and the same
 * loop on two threads at once: whether the second core adds its own FMA
 * units (two cores) or shares the first one's (two hyperthreads), which
 * bounds what a second thread can give any program here.
 */
#define _POSIX_C_SOURCE 200809L
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* 12 independent accumulators hide the FMA latency on two FMA ports. */
__attribute__((target("avx512f"))) static double peak512(long iters)
{
    __m512 a[12], m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < 12; i++)
        a[i] = _mm512_set1_ps((float)i);
    double t = now();
    for (long k = 0; k < iters; k++) {
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++)
            a[i] = _mm512_fmadd_ps(a[i], m, c);
    }
    t = now() - t;
    float sink = 0, out[16];
    for (int i = 0; i < 12; i++) {
        _mm512_storeu_ps(out, a[i]);
        sink += out[0];
    }
    if (sink == 12345.f)
        printf("#");
    return 12.0 * 16 * 2 * iters / t / 1e9;
}

__attribute__((target("avx2,fma"))) static double peak256(long iters)
{
    __m256 a[12], m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < 12; i++)
        a[i] = _mm256_set1_ps((float)i);
    double t = now();
    for (long k = 0; k < iters; k++) {
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++)
            a[i] = _mm256_fmadd_ps(a[i], m, c);
    }
    t = now() - t;
    float sink = 0, out[8];
    for (int i = 0; i < 12; i++) {
        _mm256_storeu_ps(out, a[i]);
        sink += out[0];
    }
    if (sink == 12345.f)
        printf("#");
    return 12.0 * 8 * 2 * iters / t / 1e9;
}

typedef struct {
    long iters;
    int wide;
    double gflops;
} job;

static void *run(void *arg)
{
    job *j = arg;
    j->gflops = j->wide ? peak512(j->iters) : peak256(j->iters);
    return NULL;
}

/* The same loop on two threads at once: the sum of their rates. */
static double peak_two(long iters, int wide)
{
    job j[2] = {{iters, wide, 0}, {iters, wide, 0}};
    pthread_t t;
    if (pthread_create(&t, NULL, run, &j[1]) != 0)
        return 0;
    run(&j[0]);
    pthread_join(t, NULL);
    return j[0].gflops + j[1].gflops;
}

int main(void)
{
    __builtin_cpu_init();
    const long iters = 100000000;
    double best = 0;
    if (__builtin_cpu_supports("avx512f")) {
        double g = peak512(iters / 2);
        for (int r = 0; r < 2; r++) {
            double h = peak512(iters / 2);
            g = h > g ? h : g;
        }
        printf("peak_avx512 %.1f\n", g);
        best = g > best ? g : best;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        double g = peak256(iters / 2);
        printf("peak_avx2 %.1f\n", g);
        best = g > best ? g : best;
    }
    printf("peak %.1f\n", best);
    const int wide = __builtin_cpu_supports("avx512f");
    double two = 0;
    for (int r = 0; r < 3; r++) {
        double g = peak_two(iters / 2, wide);
        two = g > two ? g : two;
    }
    printf("peak_2t %.1f\n", two);
    return 0;
}
