/*
 * peak.c - the machine's float32 FMA peak, measured: a loop of
 * independent fused multiply-adds on the vectors of each instruction set
 * the CPU runs (AVX-512 and AVX2 + FMA on x86-64, Advanced SIMD on
 * AArch64), on one core and on two threads at once (whether a second
 * core adds its own FMA units or shares the first one's bounds what a
 * second thread can give any program here).
 *
 * Prints "peak_ISA GFLOP/s" and "peak_ISA_2t GFLOP/s" for each, then
 * "peak" and "peak_2t" for the widest. Wall time, best of a few runs:
 * run it on a quiet machine.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static float sink;

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/* 12 independent accumulators hide the FMA latency on two FMA pipes. */
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
    float out[16];
    for (int i = 0; i < 12; i++) {
        _mm512_storeu_ps(out, a[i]);
        sink += out[0];
    }
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
    float out[8];
    for (int i = 0; i < 12; i++) {
        _mm256_storeu_ps(out, a[i]);
        sink += out[0];
    }
    return 12.0 * 8 * 2 * iters / t / 1e9;
}

static const char *const isa_name[] = {"avx512", "avx2"};
static double (*const isa_fn[])(long) = {peak512, peak256};
static int isa_here(int i)
{
    __builtin_cpu_init();
    return i == 0 ? __builtin_cpu_supports("avx512f")
                  : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
enum { N_ISA = 2 };

#elif defined(__aarch64__)
#include <arm_neon.h>

/* 16 accumulators: enough for 4 FMA pipes of latency 4. */
static double peak_neon(long iters)
{
    float32x4_t a[16], m = vdupq_n_f32(0.999999f), c = vdupq_n_f32(1e-7f);
    for (int i = 0; i < 16; i++)
        a[i] = vdupq_n_f32((float)i);
    double t = now();
    for (long k = 0; k < iters; k++) {
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++)
            a[i] = vfmaq_f32(c, a[i], m);
    }
    t = now() - t;
    for (int i = 0; i < 16; i++)
        sink += vgetq_lane_f32(a[i], 0);
    return 16.0 * 4 * 2 * iters / t / 1e9;
}

static const char *const isa_name[] = {"neon"};
static double (*const isa_fn[])(long) = {peak_neon};
static int isa_here(int i) { return i == 0; }
enum { N_ISA = 1 };

#else
static const char *const isa_name[] = {"none"};
static double (*const isa_fn[])(long) = {NULL};
static int isa_here(int i) { (void)i; return 0; }
enum { N_ISA = 1 };
#endif

typedef struct {
    long iters;
    double (*fn)(long);
    double gflops;
} job;

static void *run(void *arg)
{
    job *j = arg;
    j->gflops = j->fn(j->iters);
    return NULL;
}

/* The same loop on two threads at once: the sum of their rates. */
static double peak_two(long iters, double (*fn)(long))
{
    job j[2] = {{iters, fn, 0}, {iters, fn, 0}};
    pthread_t t;
    if (pthread_create(&t, NULL, run, &j[1]) != 0)
        return 0;
    run(&j[0]);
    pthread_join(t, NULL);
    return j[0].gflops + j[1].gflops;
}

int main(void)
{
    const long iters = getenv("PEAK_ITERS") ? atol(getenv("PEAK_ITERS")) : 50000000;
    double best = 0, best2 = 0;
    for (int i = 0; i < N_ISA; i++) {
        if (!isa_here(i))
            continue;
        double one = 0, two = 0;
        for (int r = 0; r < 3; r++) {
            double g = isa_fn[i](iters);
            one = g > one ? g : one;
            g = peak_two(iters, isa_fn[i]);
            two = g > two ? g : two;
        }
        printf("peak_%s %.1f\npeak_%s_2t %.1f\n", isa_name[i], one,
               isa_name[i], two);
        if (!best) {
            best = one;
            best2 = two;
        }
    }
    printf("peak %.1f\npeak_2t %.1f\n", best, best2);
    if (sink == 12345.f)
        printf("#\n");
    return 0;
}
