/*
 * fann_mlp.c - FANN's side of the benchmark (Debian's libfann 2.2).
 *
 * FANN trains one sample at a time (incremental training, its per-sample
 * mode), in float, and has no ReLU or softmax in 2.2: the network is
 * 784-256-128-10 with symmetric sigmoids (tanh) and a sigmoid output,
 * FANN's mean squared error, learning rate 0.1. Timed on the first N
 * training samples (default 6000) and reported per sample and scaled to
 * a 60000-sample epoch. Then per-sample steps on the tiny networks.
 * Prints "key value" lines for bench/run.sh.
 */
#define _POSIX_C_SOURCE 200809L

#include "backprop.h"

#include <fann.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void tiny(const char *name, unsigned n_in, unsigned hidden,
                 unsigned n_out)
{
    struct fann *ann = fann_create_standard(3, n_in, hidden, n_out);
    fann_set_activation_function_hidden(ann, FANN_SIGMOID);
    fann_set_activation_function_output(ann, FANN_SIGMOID);
    fann_set_training_algorithm(ann, FANN_TRAIN_INCREMENTAL);
    fann_set_learning_rate(ann, 0.5f);
    static fann_type x[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    static fann_type t[4][2] = {{0, 0}, {1, 1}, {1, 1}, {0, 0}};
    const long steps = 2000000;
    double best = 1e30;
    for (int r = 0; r < 3; r++) {
        double t0 = now();
        for (long i = 0; i < steps; i++)
            fann_train(ann, x[i & 3], t[i & 3]);
        double ns = (now() - t0) / steps * 1e9;
        best = ns < best ? ns : best;
    }
    printf("tiny_%s_ns %.1f\n", name, best);
    fann_destroy(ann);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
    const int n = argc > 2 ? atoi(argv[2]) : 6000;
    bp_dataset *ds = NULL;
    bp_error err;
    if (bp_dataset_load(dir, NULL, &ds, &err)) {
        fprintf(stderr, "fann_mlp: %s\n", err.msg);
        return 1;
    }
    const bp_data tr = bp_dataset_data(ds);
    if (n < 1 || n > tr.n || tr.n_in != 784 || tr.n_out != 10)
        return 1;
    fann_type *x = malloc((size_t)n * 784 * sizeof *x);
    fann_type *t = malloc((size_t)n * 10 * sizeof *t);
    for (size_t i = 0; i < (size_t)n * 784; i++)
        x[i] = (fann_type)(tr.x[i] / 255);
    for (size_t i = 0; i < (size_t)n * 10; i++)
        t[i] = (fann_type)(tr.label[i / 10] == (int32_t)(i % 10));
    struct fann *ann = fann_create_standard(4, 784, 256, 128, 10);
    fann_set_activation_function_hidden(ann, FANN_SIGMOID_SYMMETRIC);
    fann_set_activation_function_output(ann, FANN_SIGMOID);
    fann_set_training_algorithm(ann, FANN_TRAIN_INCREMENTAL);
    fann_set_learning_rate(ann, 0.1f);
    double t0 = now();
    for (int i = 0; i < n; i++)
        fann_train(ann, x + (size_t)i * 784, t + (size_t)i * 10);
    double per = (now() - t0) / n;
    printf("fann_sample_us %.2f\nepoch_s_1t %.3f\nfann_samples %d\n", per * 1e6,
           per * 60000, n);
    fann_destroy(ann);
    free(x);
    free(t);
    bp_dataset_free(ds);
    tiny("xor_2_2_1", 2, 2, 1);
    tiny("xor_2_4_1", 2, 4, 1);
    tiny("mazur_2_2_2", 2, 2, 2);
    return 0;
}
