/*
 * products.c - the products of one Fashion-MNIST training step
 * (784-256-128-10, batch 128) timed one by one on a kernel, against the
 * FMA peak of that kernel's instruction set measured in the same run:
 * where an epoch's time goes, product by product.
 *
 * Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), best of many
 * repetitions, so a busy machine distorts them less than wall time would
 * (it still shares the caches). Usage: products [KERNEL] (default: the
 * best this CPU runs). A developer's tool: it links the kernel layer's
 * internal calls.
 */
#define _POSIX_C_SOURCE 200809L
#include "kernel/kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static float *rnd(size_t n, unsigned seed)
{
    float *v = malloc(n * sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        v[i] = (float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f;
    }
    return v;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* The AVX2 FMA peak of one core: 12 independent accumulators, enough to
 * hide the latency on two FMA pipes. */
__attribute__((target("avx2,fma"))) static double peak_avx2(void)
{
    __m256 acc[12], m = _mm256_set1_ps(0.999999f), add = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < 12; i++)
        acc[i] = _mm256_set1_ps((float)i);
    const long iters = 20000000;
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        double t = cpu_now();
        for (long it = 0; it < iters; it++) {
#pragma GCC unroll 12
            for (int i = 0; i < 12; i++)
                acc[i] = _mm256_fmadd_ps(acc[i], m, add);
        }
        t = cpu_now() - t;
        best = t < best ? t : best;
    }
    float out[8], sink = 0;
    for (int i = 0; i < 12; i++) {
        _mm256_storeu_ps(out, acc[i]);
        sink += out[0];
    }
    if (sink == 12345.f)
        printf("#");
    return 12.0 * 8 * 2 * iters / best / 1e9;
}
#endif

typedef struct {
    const char *name;
    int kind; /* 0 forward (xwt_bias), 1 dE/dW (dta), 2 delta back (dw) */
    int n, m, k;
} shape;

int main(int argc, char **argv)
{
    static const shape shapes[] = {
        {"forward 784->256", 0, 128, 256, 784},
        {"forward 256->128", 0, 128, 128, 256},
        {"forward 128->10", 0, 128, 10, 128},
        {"dE/dW 256x784", 1, 128, 256, 784},
        {"dE/dW 128x256", 1, 128, 128, 256},
        {"dE/dW 10x128", 1, 128, 10, 128},
        {"delta 128->256", 2, 128, 128, 256},
        {"delta 10->128", 2, 128, 10, 128},
    };
    const bp_kernel *k;
    char msg[200];
    if (bp__kernel_choose(argc > 1 ? argv[1] : NULL, &k, msg, sizeof msg)) {
        fprintf(stderr, "products: %s\n", msg);
        return 2;
    }
    bp_allocator a = {NULL, NULL, NULL};
    bp_kctx c;
    bp__kctx_init(&c, k, &a);
    if (bp__kctx_reserve(&c, 784, 784))
        return 1;
    float *x = rnd(128 * 784, 1), *w = rnd(256 * 784, 2), *b = rnd(784, 3),
          *y = rnd(256 * 784, 4), *act = rnd(256 * 784, 5),
          *gate = rnd(256 * 784, 6);
    int bad = 0;
    printf("kernel %s\n", k->name);
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    const double peak =
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
        ? peak_avx2()
        : 0;
    printf("AVX2 FMA peak, one core: %.1f GFLOP/s\n", peak);
#endif
    /* the micro-kernel alone, on packed operands that stay in L1: what
     * the products would reach if memory cost nothing */
    {
        const int kc = 256, MR = k->mr, NR = k->nr;
        float *ap = rnd((size_t)MR * kc * 8, 7), *bp = rnd((size_t)NR * kc, 8),
              *cp = rnd((size_t)MR * NR * 8, 9);
        const bp_tile_ops plain = {0, NULL, NULL, NULL, NULL};
        double best = 1e30;
        for (int r = 0; k->gemm && r < 40; r++) {
            double t = cpu_now();
            for (int it = 0; it < 500; it++)
                for (int s = 0; s < 8; s++)
                    k->gemm(kc, ap + (size_t)s * MR * kc, MR, bp, NR,
                            cp + (size_t)s * MR * NR, NR, MR, NR, &plain);
            t = cpu_now() - t;
            best = t < best ? t : best;
        }
        if (k->gemm)
            printf(
                "%-18s %8.1f us %7.1f GFLOP/s (%d x %d tiles, K %d, in L1)\n",
                "micro-kernel", best * 1e6 / 4000,
                2.0 * MR * NR * kc * 4000 / best / 1e9, MR, NR, kc);
        free(ap);
        free(bp);
        free(cp);
    }
    double total_s = 0, total_f = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const shape *sh = &shapes[s];
        const double flops = 2.0 * sh->n * sh->m * sh->k;
        double best = 1e30;
        const int reps = (int)(2e9 / flops) + 5;
        for (int r = 0; r < reps; r++) {
            double t = cpu_now();
            if (sh->kind == 0)
                /* the hidden layers' ReLU in the stores, as a step has it */
                bp__gemm_xwt_bias(&c, sh->n, sh->m, sh->k, x, w, b, y,
                                  sh->m > 10 ? act : NULL);
            else if (sh->kind == 1)
                bad |= !bp__gemm_dta(&c, sh->n, sh->m, sh->k, x, w, y);
            else
                bp__gemm_dw(&c, sh->n, sh->m, sh->k, x, w, y, gate);
            t = cpu_now() - t;
            best = t < best ? t : best;
        }
        /* how often the step runs each: the first layer has no delta */
        total_s += best;
        total_f += flops;
        printf("%-18s %8.1f us %7.1f GFLOP/s\n", sh->name, best * 1e6,
               flops / best / 1e9);
    }
    printf("%-18s %8.1f us %7.1f GFLOP/s (the products of one step)\n", "all",
           total_s * 1e6, total_f / total_s / 1e9);
    if (bad)
        printf("(a gradient was not finite)\n");
    bp__kctx_free(&c);
    free(act);
    free(gate);
    free(x);
    free(w);
    free(b);
    free(y);
    return 0;
}
