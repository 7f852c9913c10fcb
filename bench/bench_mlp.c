/*
 * bench_mlp.c - backprop's side of the benchmark: the Fashion-MNIST
 * recipe (784-256-128-10, ReLU, softmax cross-entropy, batch 128, SGD lr
 * 0.1, float32, inputs scaled to [0, 1]).
 *
 *   bench_mlp DIR EPOCHS RUNS       test accuracy after EPOCHS epochs, the
 *                                   mean of RUNS runs (one seed each);
 *                                   inference; tiny networks
 *   bench_mlp epochs DIR N THREADS  one run of N epochs, each timed (data
 *                                   in memory; the kernel BP_KERNEL names)
 *   bench_mlp sweep | memory DIR | small | steps BATCHES EPOCHS THREADS
 *
 * Prints "key value" lines for bench/run.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include "backprop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static bp_net *fashion_net(int threads)
{
    const bp_layer_desc d[] = {
        {256, BP_ACT_RELU, 0}, {128, BP_ACT_RELU, 0}, {10, BP_ACT_SOFTMAX, 0}};
    bp_net *net;
    if (bp_net_create(784, 3, d, NULL, &net, NULL))
        return NULL;
    bp_optim o = bp_optim_defaults(BP_OPT_SGD);
    o.lr = 0.1;
    bp_net_init(net, BP_INIT_HE_UNIFORM, 1);
    bp_net_set_loss(net, BP_LOSS_CE, BP_REDUCE_MEAN);
    bp_net_set_optim(net, &o);
    bp_net_set_threads(net, threads);
    return net;
}

static void tiny(const char *name, int n_in, int hidden, int n_out)
{
    const bp_layer_desc d[] = {{hidden, BP_ACT_SIGMOID, 0},
                               {n_out, BP_ACT_SIGMOID, 0}};
    bp_net *net;
    bp_net_create(n_in, 2, d, NULL, &net, NULL);
    bp_net_init(net, BP_INIT_XAVIER_UNIFORM, 3);
    bp_optim o = bp_optim_defaults(BP_OPT_SGD);
    o.lr = 0.5;
    bp_net_set_optim(net, &o);
    static const bp_real x[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    static const bp_real t[4][2] = {{0, 0}, {1, 1}, {1, 1}, {0, 0}};
    const long steps = 2000000;
    double best = 1e30;
    for (int r = 0; r < 3; r++) {
        double t0 = now();
        for (long i = 0; i < steps; i++)
            bp_net_train_step(net, x[i & 3], t[i & 3], 1, BP_ORDER_STANDARD,
                              NULL);
        double ns = (now() - t0) / steps * 1e9;
        best = ns < best ? ns : best;
    }
    printf("tiny_%s_ns %.1f\n", name, best);
    bp_net_free(net);
}

/* Inference, one thread: latency of one sample, throughput of 10000;
 * x holds n >= 10000 samples of 784. */
static void inference(const bp_real *x, int n)
{
    bp_net *inf = fashion_net(1);
    bp_real out[10];
    bp_net_reserve(inf, 10000);
    bp_real *big = malloc((size_t)10000 * 10 * sizeof *big);
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        for (int i = 0; i < 2000; i++)
            bp_net_predict(inf, x + (size_t)(i % n) * 784, 1, out);
        double us = (now() - t0) / 2000 * 1e6;
        best = us < best ? us : best;
    }
    printf("infer_batch1_us %.2f\n", best);
    best = 1e30;
    for (int r = 0; r < 3; r++) {
        double t0 = now();
        bp_net_predict(inf, x, 10000, big);
        double s = now() - t0;
        best = s < best ? s : best;
    }
    printf("infer_batch10000_per_s %.0f\n", 10000 / best);
    free(big);
    bp_net_free(inf);
}

/* Time per sample of training, for hidden widths x batch sizes, on
 * random data (the cost does not depend on the values). */
/* The fastest epoch's seconds, through bp_train's on_epoch. */
static int fastest_epoch(void *ctx, const bp_epoch_report *r)
{
    double *best = ctx;
    if (*best == 0 || r->seconds < *best)
        *best = r->seconds;
    return 0;
}

/* Microseconds per sample of the fastest of three epochs of 2048 samples
 * (256 at batch 1): the epoch's own time, so neither the trainer's set-up
 * (its workspace first touched, the data checked) nor the first epoch's
 * cold caches count. Timing one epoch with its set-up made batch 1024,
 * two steps an epoch, look 1.3x dearer per sample than batch 128. */
static void sweep(void)
{
    static const int widths[] = {256, 1024, 4096},
                     batches[] = {1, 32, 128, 1024};
    const int n = 2048;
    bp_real *x = malloc((size_t)n * 784 * sizeof *x),
            *t = calloc((size_t)n * 10, sizeof *t);
    bp_rng r;
    bp_rng_seed(&r, 1);
    for (size_t i = 0; i < (size_t)n * 784; i++)
        x[i] = (bp_real)bp_rng_uniform(&r);
    for (int i = 0; i < n; i++)
        t[i * 10 + i % 10] = 1;
    for (int w = 0; w < 3; w++)
        for (int b = 0; b < 4; b++) {
            const bp_layer_desc d[] = {{widths[w], BP_ACT_RELU, 0},
                                       {10, BP_ACT_SOFTMAX, 0}};
            bp_net *net;
            bp_net_create(784, 2, d, NULL, &net, NULL);
            bp_net_init(net, BP_INIT_HE_UNIFORM, 1);
            bp_net_set_loss(net, BP_LOSS_CE, BP_REDUCE_MEAN);
            bp_train_opts o = bp_train_defaults();
            double best = 0;
            o.epochs = 3;
            o.batch = batches[b];
            o.on_epoch = fastest_epoch;
            o.ctx = &best;
            const int m = batches[b] == 1 ? 256 : n; /* batch 1 is slow */
            const bp_data set = {m, 784, 10, x, t, NULL};
            bp_train(net, &set, &o, NULL);
            printf("sweep_%d_%d_us %.2f\n", widths[w], batches[b],
                   best / m * 1e6);
            bp_net_free(net);
        }
    free(x);
    free(t);
}

/* Peak resident memory of a Fashion-MNIST epoch against what it must
 * hold: the data, four parameter-sized arrays (parameters, gradients,
 * two optimizer states), the batch workspace and the packing space. */
/* A Fashion-MNIST split, its pixels scaled to [0, 1] by a fixed scaler
 * (scale 0: as read), its classes as labels (expanded to one-hot rows
 * batch by batch, by training and evaluation). */
static bp_dataset *fashion(const char *dir, const char *split, int scale,
                           bp_data *d)
{
    bp_data_opts o = bp_data_defaults();
    o.split = split;
    bp_dataset *ds = NULL;
    bp_error err;
    double off[784], fac[784];
    for (int i = 0; i < 784; i++) {
        off[i] = 0;
        fac[i] = 1.0 / 255;
    }
    bp_scaler s = {BP_SCALING_NONE, 0, NULL, NULL, {NULL, NULL, NULL}};
    if (bp_dataset_load(dir, &o, &ds, &err) ||
        (scale &&
         (bp_scaler_set(&s, BP_SCALING_MINMAX, 784, off, fac, NULL, &err) ||
          bp_dataset_scale(ds, &s, NULL, &err)))) {
        fprintf(stderr, "bench_mlp: %s\n", err.msg);
        bp_scaler_free(&s);
        bp_dataset_free(ds);
        return NULL;
    }
    bp_scaler_free(&s);
    *d = bp_dataset_data(ds);
    return ds;
}

static int memory(const char *dir)
{
    bp_data tr;
    bp_dataset *ds = fashion(dir, "train", 0, &tr);
    if (!ds)
        return 1;
    bp_net *net = fashion_net(1);
    bp_train_opts to = bp_train_defaults();
    to.batch = 128;
    to.epochs = 1;
    bp_train(net, &tr, &to, NULL);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const double data = (double)tr.n * tr.n_in * sizeof(bp_real) +
        (double)tr.n * sizeof(int32_t); /* the labels */
    const double params = 4.0 * bp_net_n_params(net) * sizeof(bp_real);
    const double work =
        128.0 * (784 + 3 * (256 + 128 + 10) + 10) * sizeof(bp_real) +
        (12.0 * 256 + 256.0 * 512) * 4 + (double)tr.n * 8.0;
    printf("mem_peak_mb %.1f\nmem_needed_mb %.1f\nmem_ratio %.2f\n",
           ru.ru_maxrss / 1024.0, (data + params + work) / 1048576,
           ru.ru_maxrss * 1024.0 / (data + params + work));
    bp_net_free(net);
    bp_dataset_free(ds);
    return 0;
}

static int print_epoch(void *ctx, const bp_epoch_report *r)
{
    (void)ctx;
    printf("epoch %d %.4f\n", r->epoch, r->seconds);
    return 0;
}

/* The recipe on `batches` batches of random inputs (the cost does not
 * depend on the values), `epochs` times: seconds per epoch, for comparing
 * two builds or kernels quickly, or under callgrind. */
static int steps(int batches, int epochs, int threads)
{
    const int n = batches * 128;
    bp_real *x = malloc((size_t)n * 784 * sizeof *x),
            *t = calloc((size_t)n * 10, sizeof *t);
    if (!x || !t)
        return 1;
    bp_rng r;
    bp_rng_seed(&r, 1);
    for (size_t i = 0; i < (size_t)n * 784; i++)
        x[i] = (bp_real)bp_rng_uniform(&r);
    for (int i = 0; i < n; i++)
        t[i * 10 + (int)(bp_rng_uniform(&r) * 10) % 10] = 1;
    bp_net *net = fashion_net(threads);
    printf("kernel %s, %d threads\n", bp_net_kernel(net), bp_net_threads(net));
    bp_train_opts o = bp_train_defaults();
    o.batch = 128;
    o.epochs = epochs;
    o.on_epoch = print_epoch;
    const bp_data set = {n, 784, 10, x, t, NULL};
    bp_train(net, &set, &o, NULL);
    bp_net_free(net);
    free(x);
    free(t);
    return 0;
}

typedef struct {
    double s[1000], cpu[1000], cpu_at;
    int n;
} times;

/* The process's CPU time: on a busy machine closer to the work done than
 * the wall time (for one thread; for two, their sum). */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int keep_epoch(void *ctx, const bp_epoch_report *r)
{
    times *t = ctx;
    const double c = cpu_now();
    if (t->n < 1000) {
        t->cpu[t->n] = c - t->cpu_at;
        t->s[t->n++] = r->seconds;
    }
    t->cpu_at = c;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One training run of `epochs` epochs of the recipe on `threads` threads
 * (the kernel as BP_KERNEL says, else the best): every epoch's seconds,
 * then their minimum, median and maximum. */
static int epochs_run(const char *dir, int epochs, int threads)
{
    bp_data tr;
    bp_dataset *ds = fashion(dir, "train", 1, &tr);
    bp_net *net = ds ? fashion_net(threads) : NULL;
    if (!net)
        return 1;
#ifdef BP_CBLAS
    printf("kernel_name cblas\nthreads %d\n", bp_net_threads(net));
#else
    printf("kernel_name %s\nthreads %d\n", bp_net_kernel(net),
           bp_net_threads(net));
#endif
    static times t;
    bp_train_opts to = bp_train_defaults();
    to.batch = 128;
    to.epochs = epochs;
    to.on_epoch = keep_epoch;
    to.ctx = &t;
    t.cpu_at =
        cpu_now(); /* the first epoch's CPU time includes the data's check */
    bp_train(net, &tr, &to, NULL);
    printf("epoch_cpu_times");
    for (int i = 0; i < t.n; i++)
        printf(" %.3f", t.cpu[i]);
    printf("\nepoch_times");
    for (int i = 0; i < t.n; i++)
        printf(" %.3f", t.s[i]);
    qsort(t.s, (size_t)t.n, sizeof *t.s, cmp_double);
    /* flops of one sample: forward 2W, dE/dW 2W, delta back 2(W - W0) */
    const double w = 784.0 * 256 + 256.0 * 128 + 128.0 * 10, w0 = 784.0 * 256;
    const double flops = (6 * w - 2 * w0) * (double)tr.n;
    if (t.n > 0)
        printf("\nepoch_min %.3f\nepoch_median %.3f\nepoch_max %.3f\n"
               "gflops_median %.1f\n",
               t.s[0], t.s[t.n / 2], t.s[t.n - 1], flops / t.s[t.n / 2] / 1e9);
    bp_net_free(net);
    bp_dataset_free(ds);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 4 && strcmp(argv[1], "epochs") == 0)
        return epochs_run(argv[2], atoi(argv[3]), atoi(argv[4]));
    if (argc > 4 && strcmp(argv[1], "steps") == 0)
        return steps(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    if (argc > 2 && strcmp(argv[1], "memory") == 0)
        return memory(argv[2]);
    if (argc > 1 && strcmp(argv[1], "small") == 0) {
        /* the small cases alone, on random inputs: quick to rerun */
        bp_real *x = malloc(sizeof *x * 10000 * 784);
        bp_rng r;
        bp_rng_seed(&r, 5);
        for (size_t i = 0; x && i < (size_t)10000 * 784; i++)
            x[i] = (bp_real)bp_rng_uniform(&r);
        if (x)
            inference(x, 10000);
        free(x);
        tiny("xor_2_2_1", 2, 2, 1);
        tiny("xor_2_4_1", 2, 4, 1);
        tiny("mazur_2_2_2", 2, 2, 2);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "sweep") == 0) {
        sweep();
        return 0;
    }
    const char *dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
    const int acc_epochs = argc > 2 ? atoi(argv[2]) : 10;
    /* the test accuracy after a few epochs of SGD swings by 1-3 points
     * from seed to seed: compare means over several */
    const int acc_runs = argc > 3 ? atoi(argv[3]) : 8;
    bp_data tr, te;
    bp_dataset *tr_ds = fashion(dir, "train", 1, &tr);
    bp_dataset *te_ds = tr_ds ? fashion(dir, "t10k", 1, &te) : NULL;
    if (!te_ds)
        return 1;
    /* (the epoch's time: `bench_mlp epochs`, one run per kernel and
     * thread count) */
    bp_train_opts to = bp_train_defaults();
    to.batch = 128;
    /* accuracy: acc_runs runs, one seed each (weights and shuffling), as
     * the PyTorch side */
    double acc_sum = 0;
    printf("test_acc_runs");
    for (int seed = 1; seed <= acc_runs; seed++) {
        bp_net *net = fashion_net(2);
        bp_net_init(net, BP_INIT_HE_UNIFORM, (uint64_t)seed);
        to.epochs = acc_epochs;
        to.seed = (uint64_t)seed;
        bp_train(net, &tr, &to, NULL);
        double loss, acc;
        bp_net_reserve(net, 1000);
        bp_net_evaluate(net, &te, &loss, &acc);
        printf(" %.4f", acc);
        acc_sum += acc;
        bp_net_free(net);
    }
    printf("\ntest_acc %.4f\ntest_epochs %d\n", acc_sum / acc_runs, acc_epochs);
    inference(te.x, (int)te.n);
    tiny("xor_2_2_1", 2, 2, 1);
    tiny("xor_2_4_1", 2, 4, 1);
    tiny("mazur_2_2_2", 2, 2, 2);
    bp_dataset_free(tr_ds);
    bp_dataset_free(te_ds);
    return 0;
}
