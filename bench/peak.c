/*
 * peak.c - the machine's float32 FMA peak, measured: a loop of
 * independent fused multiply-adds on the vectors of each instruction set
 * the CPU runs (AVX-512 and AVX2 + FMA on x86-64, Advanced SIMD on
 * AArch64), on one core and on two threads at once (whether a second
 * core adds its own FMA units or shares the first one's bounds what a
 * second thread can give any program here).
 *
 * Prints "peak_ISA GFLOP/s" and "peak_ISA_2t GFLOP/s" for each, then
 * "peak" and "peak_2t" for the widest. Wall time, best of many short
 * runs: on a busy machine it reads low, never high.
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
    return i == 0
        ? __builtin_cpu_supports("avx512f")
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
static int isa_here(int i)
{
    (void)i;
    return 0;
}
enum { N_ISA = 1 };
#endif

/* Flops of one iteration of each loop above: 12 FMAs (16 for NEON) of
 * a vector's lanes, 2 flops each. */
static double flops_per_iter(int i)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    return 12.0 * (i == 0 ? 16 : 8) * 2;
#else
    (void)i;
    return 16.0 * 4 * 2;
#endif
}

/* Two threads run the loop at once, ROUNDS times, each round started
 * together at a barrier and timed on the wall from the start to when
 * both have finished: the round's rate is both threads' flops over that
 * time, so a round in which the threads did not overlap (another
 * process held a core) can only read low, never high. */
typedef struct {
    long iters;
    int rounds;
    double (*fn)(long);
    pthread_barrier_t start, end;
} pair;

static void *second(void *arg)
{
    pair *p = arg;
    for (int r = 0; r < p->rounds; r++) {
        pthread_barrier_wait(&p->start);
        p->fn(p->iters);
        pthread_barrier_wait(&p->end);
    }
    return NULL;
}

static double peak_two(long iters, int rounds, int isa)
{
    pair p = {iters, rounds, isa_fn[isa], {{0}}, {{0}}};
    pthread_t t;
    double best = 0;
    pthread_barrier_init(&p.start, NULL, 2);
    pthread_barrier_init(&p.end, NULL, 2);
    if (pthread_create(&t, NULL, second, &p) == 0) {
        for (int r = 0; r < rounds; r++) {
            pthread_barrier_wait(&p.start);
            const double t0 = now();
            p.fn(iters);
            pthread_barrier_wait(&p.end);
            const double g =
                2 * iters * flops_per_iter(isa) / (now() - t0) / 1e9;
            best = g > best ? g : best;
        }
        pthread_join(t, NULL);
    }
    pthread_barrier_destroy(&p.start);
    pthread_barrier_destroy(&p.end);
    return best;
}

/* Best of many short runs (about 10 ms each at full speed): on a shared
 * machine a short run is more likely to find a core to itself than a
 * long one, and the best run is the closest to what the core can do. */
int main(void)
{
    const long iters =
        getenv("PEAK_ITERS") ? atol(getenv("PEAK_ITERS")) : 5000000;
    const int rounds = getenv("PEAK_ROUNDS") ? atoi(getenv("PEAK_ROUNDS")) : 40;
    double best = 0, best2 = 0;
    for (int i = 0; i < N_ISA; i++) {
        if (!isa_here(i))
            continue;
        double one = 0;
        for (int r = 0; r < rounds; r++) {
            const double g = isa_fn[i](iters);
            one = g > one ? g : one;
        }
        const double two = peak_two(iters, rounds, i);
        printf("peak_%s %.1f\npeak_%s_2t %.1f\n", isa_name[i], one, isa_name[i],
               two);
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
