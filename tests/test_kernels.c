/*
 * test_kernels.c - the fast paths compute what the plain loops compute:
 * for shapes with every kind of edge (1, odd, just past a register tile,
 * past a cache block), each SIMD kernel this CPU has gives the portable
 * kernel's outputs and gradients to float rounding; and any number of
 * threads gives bit-identical results, with no allocation in a step.
 */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include "backprop.h"
#include "test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    long allocs;
} counter;

static void *count_alloc(void *ctx, size_t size)
{
    ((counter *)ctx)->allocs++;
    return malloc(size);
}

static void count_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

/* The hidden layers' activation of the nets make() builds: tanh takes
 * the separate activation passes, ReLU the products' fused stores. */
static bp_act hidden_act = BP_ACT_TANH;

/* A net n_in -> hidden -> n_out, weights from seed, a batch and targets. */
static bp_net *make(int n_in, int hidden, int n_out, int batch,
                    const char *kernel, int threads, const bp_allocator *a)
{
    const bp_layer_desc d[] = {{hidden, hidden_act, 0},
                               {n_out, BP_ACT_SOFTMAX, 0}};
    bp_net *net;
    if (bp_net_create(n_in, 2, d, a, &net, NULL))
        return NULL;
    if (bp_net_set_kernel(net, kernel) || bp_net_set_threads(net, threads) ||
        bp_net_reserve(net, batch)) {
        bp_net_free(net);
        return NULL;
    }
    bp_net_init(net, BP_INIT_XAVIER_NORMAL, 5);
    bp_net_set_loss(net, BP_LOSS_CE, BP_REDUCE_MEAN);
    bp_optim o = bp_optim_defaults(BP_OPT_MOMENTUM);
    o.lr = 0.05;
    bp_net_set_optim(net, &o);
    return net;
}

static void data(int n_in, int n_out, int batch, bp_real *x, bp_real *t)
{
    bp_rng r;
    bp_rng_seed(&r, 77);
    for (int i = 0; i < batch * n_in; i++)
        x[i] = (bp_real)bp_rng_normal(&r);
    for (int i = 0; i < batch; i++)
        for (int j = 0; j < n_out; j++)
            t[i * n_out + j] = (bp_real)(j == i % n_out);
}

/* The check before an update (each kernel has its own, on its vectors):
 * a NaN, +Inf or -Inf at any position of the gradient block, vector
 * tails included, refuses the update and leaves the weights alone. */
static void test_finite_check(void)
{
    static const size_t pos[] = {0,  1,  7,   8,   15,  16, 31,
                                 63, 64, 100, 320, 336, 337};
    const bp_real poison[] = {(bp_real)NAN, (bp_real)INFINITY,
                              -(bp_real)INFINITY};
    int runs = 0, refused = 0, want = 0;
    for (int kk = 0; bp_kernel_name(kk); kk++) {
        if (!bp_kernel_available(bp_kernel_name(kk)))
            continue;
        bp_net *net =
            make(3, 37, 5, 1, bp_kernel_name(kk), 1, NULL); /* 338 params */
        if (!net) {
            CHECK(0, "a network on kernel %s", bp_kernel_name(kk));
            continue;
        }
        const bp_real x[3] = {0.1f, -0.2f, 0.3f}, t[5] = {0, 1, 0, 0, 0};
        const size_t np = bp_net_n_params(net);
        bp_real *before = malloc(np * sizeof *before);
        for (size_t p = 0; p < sizeof pos / sizeof *pos; p++)
            for (int q = 0; q < 3; q++) {
                bp_net_forward(net, x, 1);
                bp_net_backward(net, t, NULL);
                bp_net_grads(net)[pos[p]] = poison[q];
                memcpy(before, bp_net_params(net), np * sizeof *before);
                bp_status st = bp_net_update(net);
                want++;
                refused += st == BP_ERR_NONFINITE &&
                    memcmp(before, bp_net_params(net), np * sizeof *before) ==
                        0;
            }
        bp_net_forward(net, x, 1);
        bp_net_backward(net, t, NULL);
        CHECK_OK(bp_net_update(net)); /* and a clean one passes */
        free(before);
        bp_net_free(net);
        runs++;
    }
    CHECK(refused == want && runs >= 1,
          "NaN, +Inf, -Inf at %zu positions: %d of %d updates refused, weights "
          "untouched (%d kernels)",
          sizeof pos / sizeof *pos, refused, want, runs);
}

/* Adam's update runs on each kernel's vectors (kernel.h: adam): every
 * kernel gives the portable loop's weights bit for bit, with AdamW's
 * decay and without, over 2628 parameters (a 2048-value chunk of the
 * update, then a tail that is not a whole vector). The gradients are set
 * by hand before each update, so all kernels update from the same. */
static void test_adam_bits(void)
{
    int runs = 0, same = 0;
    for (int wd = 0; wd < 2; wd++) {
        bp_real *ref = NULL;
        size_t np = 0;
        for (int kk = 0; bp_kernel_name(kk); kk++) {
            const char *name = bp_kernel_name(kk);
            if (!bp_kernel_available(name))
                continue;
            bp_net *net = make(37, 61, 5, 1, name, 1, NULL);
            if (!net) {
                CHECK(0, "a network on kernel %s", name);
                continue;
            }
            bp_optim o = bp_optim_defaults(BP_OPT_ADAM);
            o.lr = 0.01;
            o.weight_decay = wd ? 0.05 : 0;
            bp_net_set_optim(net, &o);
            np = bp_net_n_params(net);
            const bp_real x[37] = {0.5f}, t[5] = {0, 1, 0, 0, 0};
            for (int step = 1; step <= 3; step++) {
                bp_net_forward(net, x, 1);
                bp_net_backward(net, t, NULL);
                bp_real *g = bp_net_grads(net);
                for (size_t i = 0; i < np; i++) /* signs, sizes, zeros */
                    g[i] = (bp_real)(((long)(i * 7919 + (size_t)step * 104729) %
                                      2001) -
                                     1000) *
                        1e-3f * (i % 13 == 0 ? 0 : 1);
                CHECK_OK(bp_net_update(net));
            }
            if (!ref) {
                /* the first kernel listed that runs here: the reference */
                ref = malloc(np * sizeof *ref);
                memcpy(ref, bp_net_params(net), np * sizeof *ref);
            } else {
                same += memcmp(ref, bp_net_params(net), np * sizeof *ref) == 0;
                runs++;
            }
            bp_net_free(net);
        }
        free(ref);
    }
    /* the portable kernel is always there, so a CPU with a SIMD kernel
     * compares it with the portable loop */
    CHECK(same == runs,
          "Adam, 3 steps of %d parameters, with and without decay: every "
          "kernel's weights bit for bit those of the others (%d of %d)",
          2628, same, runs);
}

/* A gradient that overflows inside the blocked product (inputs near the
 * float range, weights tiny: every forward value finite) is caught as it
 * is stored: the step refuses the update and leaves the weights alone. */
static void test_overflow_in_product(void)
{
    const int n_in = 40, n_out = 8, batch = 128;
    const bp_layer_desc d[] = {{n_out, BP_ACT_IDENTITY, 0}};
    bp_real *x = malloc((size_t)batch * n_in * sizeof *x);
    bp_real *t = calloc((size_t)batch * n_out, sizeof *t);
    /* near the top of the working precision's range */
    const double big = sizeof(bp_real) == 4 ? 3e38 : 1e307;
    const double tiny = sizeof(bp_real) == 4 ? 1e-30 : 1e-300;
    for (int i = 0; i < batch * n_in; i++)
        x[i] = (bp_real)big;
    int runs = 0, refused = 0;
    for (int kk = 0; bp_kernel_name(kk); kk++) {
        if (!bp_kernel_available(bp_kernel_name(kk)))
            continue;
        for (int th = 1; th <= 2; th++) {
            bp_net *net;
            if (bp_net_create(n_in, 1, d, NULL, &net, NULL))
                continue;
            bp_net_set_kernel(net, bp_kernel_name(kk));
            bp_net_set_threads(net, th);
            bp_net_reserve(net, batch);
            bp_net_set_loss(net, BP_LOSS_SSE, BP_REDUCE_MEAN);
            const size_t np = bp_net_n_params(net);
            for (size_t i = 0; i < np; i++)
                bp_net_params(net)[i] = (bp_real)tiny;
            bp_real *before = malloc(np * sizeof *before);
            memcpy(before, bp_net_params(net), np * sizeof *before);
            bp_status st =
                bp_net_train_step(net, x, t, batch, BP_ORDER_STANDARD, NULL);
            runs++;
            refused += st == BP_ERR_NONFINITE &&
                memcmp(before, bp_net_params(net), np * sizeof *before) == 0;
            free(before);
            bp_net_free(net);
        }
    }
    CHECK(runs >= 2 && refused == runs,
          "a gradient overflowing inside the product: %d of %d steps refused, "
          "weights untouched",
          refused, runs);
    free(x);
    free(t);
}

/* The fused ReLU: a = max(z, 0) exactly, and the delta passed down is 0
 * wherever z <= 0 and untouched elsewhere (the same net with tanh is the
 * unfused reference for the products themselves). */
static void test_fused_relu(void)
{
    hidden_act = BP_ACT_RELU;
    const int n_in = 300, h = 200, n_out = 10, batch = 64;
    bp_real *x = malloc((size_t)batch * n_in * sizeof *x);
    bp_real *t = malloc((size_t)batch * n_out * sizeof *t);
    data(n_in, n_out, batch, x, t);
    for (int kk = 0; bp_kernel_name(kk); kk++) {
        if (!bp_kernel_available(bp_kernel_name(kk)))
            continue;
        bp_net *net = make(n_in, h, n_out, batch, bp_kernel_name(kk), 2, NULL);
        if (!net) {
            CHECK(0, "a network on kernel %s", bp_kernel_name(kk));
            continue;
        }
        bp_net_forward(net, x, batch);
        bp_net_backward(net, t, NULL);
        const bp_real *z = bp_net_layer_z(net, 0),
                      *a = bp_net_layer_out(net, 0),
                      *dl = bp_net_layer_delta(net, 0);
        long wrong = 0, zeros = 0, live = 0;
        for (size_t i = 0; i < (size_t)batch * h; i++) {
            wrong += a[i] != (z[i] > 0 ? z[i] : 0);
            if (z[i] > 0)
                live += dl[i] != 0;
            else
                zeros += dl[i] == 0;
        }
        CHECK(wrong == 0 && zeros + live > batch * h / 2,
              "%-8s fused ReLU: a = max(z, 0) everywhere (%ld wrong), delta 0 "
              "where z <= 0 (%ld), nonzero elsewhere (%ld)",
              bp_kernel_name(kk), wrong, zeros, live);
        bp_net_free(net);
    }
    hidden_act = BP_ACT_TANH;
    free(x);
    free(t);
}

static double max_rel(const bp_real *a, const bp_real *b, size_t n)
{
    double scale = 1e-30, worst = 0;
    for (size_t i = 0; i < n; i++)
        scale = fabs(b[i]) > scale ? fabs(b[i]) : scale;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]) / scale;
        worst = d > worst || isnan(d) ? d : worst;
    }
    return worst;
}

/* The registry: names, what this CPU runs, BP_KERNEL read when a network
 * is created, and clear refusals. */
static void test_registry(void)
{
    int n = 0, here = 0, portable = 0;
    for (int i = 0; bp_kernel_name(i); i++) {
        n++;
        here += bp_kernel_available(bp_kernel_name(i));
        portable += strcmp(bp_kernel_name(i), "portable") == 0;
    }
    CHECK(n >= 1 && here >= 1 && portable == 1 &&
              bp_kernel_available("portable") && !bp_kernel_available("sse9") &&
              !bp_kernel_available(NULL),
          "%d kernels in this build, %d on this CPU, portable among them", n,
          here);
    const char *saved = getenv("BP_KERNEL");
    char keep[64] = "";
    if (saved)
        snprintf(keep, sizeof keep, "%s", saved);
    const bp_layer_desc d[] = {{3, BP_ACT_TANH, 0}};
    bp_net *net = NULL;
    bp_error err;
    setenv("BP_KERNEL", "portable", 1);
    bp_status st = bp_net_create(2, 1, d, NULL, &net, &err);
    CHECK(st == BP_OK && strcmp(bp_net_kernel(net), "portable") == 0,
          "BP_KERNEL=portable: the network runs '%s'",
          net ? bp_net_kernel(net) : "?");
    bp_net_free(net);
    net = NULL;
    setenv("BP_KERNEL", "sse9", 1);
    st = bp_net_create(2, 1, d, NULL, &net, &err);
    CHECK(st == BP_ERR_ARG && !net && strstr(err.msg, "BP_KERNEL") &&
              strstr(err.msg, "sse9"),
          "BP_KERNEL=sse9: refused (%s)", err.msg);
    for (int i = 0; bp_kernel_name(i); i++) {
        const char *k = bp_kernel_name(i);
        if (bp_kernel_available(k))
            continue;
        setenv("BP_KERNEL", k, 1);
        net = NULL;
        st = bp_net_create(2, 1, d, NULL, &net, &err);
        CHECK(st == BP_ERR_ARG && !net && strstr(err.msg, "lacks"),
              "BP_KERNEL=%s on a CPU without it: refused (%s)", k, err.msg);
    }
    setenv("BP_KERNEL", "", 1);
    net = NULL;
    const char *best = NULL;
    for (int i = 0; bp_kernel_name(i) && !best; i++)
        if (bp_kernel_available(bp_kernel_name(i)))
            best = bp_kernel_name(i);
    st = bp_net_create(2, 1, d, NULL, &net, &err);
    CHECK(st == BP_OK && strcmp(bp_net_kernel(net), best) == 0,
          "BP_KERNEL empty: the best kernel here (%s)",
          net ? bp_net_kernel(net) : "?");
    if (net) {
        CHECK_STATUS(bp_net_set_kernel(net, "sse9"), BP_ERR_ARG);
        CHECK(strstr(bp_net_errmsg(net), "unknown kernel 'sse9'") != NULL,
              "set_kernel(sse9): %s", bp_net_errmsg(net));
    }
    bp_net_free(net);
    if (saved)
        setenv("BP_KERNEL", keep, 1);
    else
        unsetenv("BP_KERNEL");
}
/* A row's numbers do not depend on the strip of the blocked product that
 * computed it: full strips, the short strips that cover the rows left
 * (batch 128 = 20 x 6 + 2 x 4 on AVX2), or a last strip moved back, in
 * whichever block of rows (above 256). So a
 * sample's outputs are bit for bit the same in a batch of any size, and
 * the gradient rows of a hidden unit the same in a layer of any width
 * (the transposed-A product, whose rows are the layer's units). */
static void test_strip_heights(const char *kernel)
{
    enum { N_IN = 100, N_OUT = 10, BIG = 700 };
    bp_real *x = malloc((size_t)BIG * N_IN * sizeof *x);
    bp_real *t = malloc((size_t)BIG * N_OUT * sizeof *t);
    bp_net *all = make(N_IN, 64, N_OUT, BIG, kernel, 1, NULL);
    if (!x || !t || !all) {
        CHECK(0, "strip heights: setup");
        goto out;
    }
    data(N_IN, N_OUT, BIG, x, t);
    bp_net_forward(all, x, BIG);
    /* and beyond 256 rows, A cut into blocks of rows */
    static const int batches[] = {14,  16,  20,  22,  122, 124, 125,
                                  126, 128, 130, 256, 257, 300, 520};
    for (size_t b = 0; b < sizeof batches / sizeof *batches; b++) {
        const int n = batches[b];
        bp_net *few = make(N_IN, 64, N_OUT, n, kernel, 1, NULL);
        if (!few) {
            CHECK(0, "strip heights: a net for batch %d", n);
            continue;
        }
        bp_net_forward(few, x, n);
        CHECK(memcmp(bp_net_layer_out(few, 0), bp_net_layer_out(all, 0),
                     (size_t)n * 64 * sizeof(bp_real)) == 0 &&
                  memcmp(bp_net_output(few), bp_net_output(all),
                         (size_t)n * N_OUT * sizeof(bp_real)) == 0,
              "%s: a batch of %d gives the first %d rows of a batch of %d, "
              "bit for bit",
              kernel, n, n, BIG);
        bp_net_free(few);
    }
    /* hidden widths 122..128 and 236 against 700 (cut into blocks of
     * rows in dE/dW: 234 + 234 + 232), the extra units' outgoing weights
     * zero: the shared units' gradient rows agree bit for bit (up to 236
     * units the output layer's K is one slice, so the outputs are the
     * same chains of multiply-adds) */
    for (int h = 122; h <= 236; h += h < 128 ? 2 : 108) {
        bp_net *wide = make(N_IN, BIG, N_OUT, 64, kernel, 1, NULL);
        bp_net *narrow = make(N_IN, h, N_OUT, 64, kernel, 1, NULL);
        if (!wide || !narrow) {
            CHECK(0, "strip heights: nets of width %d", h);
            bp_net_free(wide);
            bp_net_free(narrow);
            continue;
        }
        size_t nw0, nb0, nw1, nb1, ww0, wb0, ww1, wb1;
        bp_net_layer_offsets(narrow, 0, &nw0, &nb0);
        bp_net_layer_offsets(narrow, 1, &nw1, &nb1);
        bp_net_layer_offsets(wide, 0, &ww0, &wb0);
        bp_net_layer_offsets(wide, 1, &ww1, &wb1);
        bp_real *pn = bp_net_params(narrow), *pw = bp_net_params(wide);
        for (int j = 0; j < BIG; j++) {
            for (int i = 0; i < N_IN; i++)
                pw[ww0 + (size_t)j * N_IN + i] =
                    j < h ? pn[nw0 + (size_t)j * N_IN + i] : (bp_real)0.5;
            pw[wb0 + j] = j < h ? pn[nb0 + j] : 0;
        }
        for (int o = 0; o < N_OUT; o++) {
            for (int j = 0; j < BIG; j++)
                pw[ww1 + (size_t)o * BIG + j] =
                    j < h ? pn[nw1 + (size_t)o * h + j] : 0;
            pw[wb1 + o] = pn[nb1 + o];
        }
        bp_net_forward(narrow, x, 64);
        bp_net_backward(narrow, t, NULL);
        bp_net_forward(wide, x, 64);
        bp_net_backward(wide, t, NULL);
        const bp_real *gn = bp_net_grads(narrow), *gw = bp_net_grads(wide);
        CHECK(memcmp(gn + nw0, gw + ww0, (size_t)h * N_IN * sizeof *gn) == 0,
              "%s: a hidden layer of %d units gives the same dE/dW rows as "
              "one of %d, bit for bit",
              kernel, h, BIG);
        bp_net_free(wide);
        bp_net_free(narrow);
    }
out:
    bp_net_free(all);
    free(x);
    free(t);
}

int main(void)
{
    static const int shapes[][4] = {
        /* n_in, hidden, n_out, batch */
        {1, 1, 2, 1},
        {3, 5, 2, 7},
        {13, 33, 17, 12},
        {64, 300, 10, 64},
        {784, 256, 10, 128},
        {257, 7, 3, 300},
        {37, 600, 513, 37},
        {5, 2000, 4, 3},
        {600, 40, 33, 257},
        /* batches under 8: the matrix-vector kernels, with row and
         * vector tails of every kind */
        {47, 45, 35, 1},
        {784, 256, 10, 1},
        {100, 67, 33, 5},
        {33, 129, 2, 2},
        /* fewer outputs than a register tile has rows, and a K of 3 */
        {50, 700, 5, 20},
        {3, 40, 9, 64}};
    /* every kernel this CPU has but the portable one, the reference */
    const char *kernels[8];
    int n_kernels = 0;
    printf("kernels on this CPU:");
    for (int i = 0; bp_kernel_name(i) && n_kernels < 8; i++)
        if (bp_kernel_available(bp_kernel_name(i))) {
            printf(" %s", bp_kernel_name(i));
            if (strcmp(bp_kernel_name(i), "portable") != 0)
                kernels[n_kernels++] = bp_kernel_name(i);
        }
    printf("\n");
    test_registry();
    for (int k = 0; k < n_kernels; k++)
        test_strip_heights(kernels[k]);
    int tried = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const int n_in = shapes[s][0], h = shapes[s][1], n_out = shapes[s][2],
                  batch = shapes[s][3];
        bp_real *x = malloc((size_t)batch * n_in * sizeof *x);
        bp_real *t = malloc((size_t)batch * n_out * sizeof *t);
        data(n_in, n_out, batch, x, t);
        bp_net *ref = make(n_in, h, n_out, batch, "portable", 1, NULL);
        if (!ref || !x || !t) {
            CHECK(0, "setup");
            return 1;
        }
        for (int step = 0; step < 3; step++)
            bp_net_train_step(ref, x, t, batch, BP_ORDER_STANDARD, NULL);
        bp_net_forward(ref, x, batch);
        bp_net_backward(ref, t, NULL);
        for (int k = 0; k < n_kernels; k++) {
            bp_net *fast = make(n_in, h, n_out, batch, kernels[k], 1, NULL);
            if (!fast) {
                CHECK(0, "a network on kernel %s", kernels[k]);
                continue;
            }
            tried++;
            for (int step = 0; step < 3; step++)
                bp_net_train_step(fast, x, t, batch, BP_ORDER_STANDARD, NULL);
            bp_net_forward(fast, x, batch);
            bp_net_backward(fast, t, NULL);
            double eo = max_rel(bp_net_output(fast), bp_net_output(ref),
                                (size_t)batch * n_out);
            double eg = max_rel(bp_net_grads(fast), bp_net_grads(ref),
                                bp_net_n_params(ref));
            double ep = max_rel(bp_net_params(fast), bp_net_params(ref),
                                bp_net_n_params(ref));
            CHECK(eo < 1e-4 && eg < 1e-4 && ep < 1e-5,
                  "%-6s %4d-%4d-%3d batch %3d: outputs %.1e, gradients %.1e, "
                  "weights after 3 steps %.1e from portable",
                  kernels[k], n_in, h, n_out, batch, eo, eg, ep);
            bp_net_free(fast);
        }
        /* threads: bit for bit, and no allocation in a step; one
         * thread's 3 steps are the same for every count, so taken once
         * (a third fewer steps: this is most of the run under qemu) */
        bp_net *one = make(n_in, h, n_out, batch, "auto", 1, NULL);
        for (int step = 0; one && step < 3; step++)
            bp_net_train_step(one, x, t, batch, BP_ORDER_STANDARD, NULL);
        for (int th = 2; th <= 7;
             th += th == 3 ? 4 : 1) { /* 7: more threads than cores */
            counter c = {0};
            bp_allocator a = {count_alloc, count_free, &c};
            bp_net *many = make(n_in, h, n_out, batch, "auto", th, &a);
            if (!many || !one) {
                CHECK(0, "threads setup");
                bp_net_free(many);
                break;
            }
            long before = c.allocs;
            for (int step = 0; step < 3; step++)
                bp_net_train_step(many, x, t, batch, BP_ORDER_STANDARD, NULL);
            CHECK(memcmp(bp_net_params(many), bp_net_params(one),
                         bp_net_n_params(many) * sizeof(bp_real)) == 0 &&
                      c.allocs == before,
                  "%d threads == 1 thread, bit for bit, %ld allocations in "
                  "3 steps (%d-%d-%d, batch %d)",
                  th, c.allocs - before, n_in, h, n_out, batch);
            bp_net_free(many);
        }
        bp_net_free(one);
        bp_net_free(ref);
        free(x);
        free(t);
    }
    /* every SIMD kernel this CPU runs was compared; an x86-64 or AArch64
     * CPU has one unless this is the double build */
#if (defined(__x86_64__) || defined(__aarch64__)) && !defined(BP_DOUBLE) &&    \
    !defined(__EMSCRIPTEN__)
    CHECK(n_kernels >= 1 &&
              tried == n_kernels * (int)(sizeof shapes / sizeof *shapes),
          "every SIMD kernel this CPU has (%d) was compared with the portable "
          "one: %d runs",
          n_kernels, tried);
#else
    CHECK(tried == n_kernels * (int)(sizeof shapes / sizeof *shapes),
          "every SIMD kernel of this build (%d) was compared: %d runs",
          n_kernels, tried);
#endif
    test_finite_check();
    test_adam_bits();
    test_overflow_in_product();
    test_fused_relu();
    bp_net *n = make(2, 2, 2, 1, "auto", 1, NULL);
    CHECK_STATUS(bp_net_set_kernel(n, "sse9"), BP_ERR_ARG);
    CHECK_STATUS(bp_net_set_threads(n, 0), BP_ERR_SIZE);
    CHECK_STATUS(bp_net_set_threads(NULL, 2), BP_ERR_NULL);
    CHECK_OK(bp_net_set_kernel(n, "portable"));
    CHECK(strcmp(bp_net_kernel(n), "portable") == 0, "portable chosen");
    bp_net_free(n);
    return tst_summary("test_kernels");
}
