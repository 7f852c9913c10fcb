/*
 * mazur.c - Matt Mazur's worked 2-2-2 example (2015), computed by the
 * library and printed beside the published numbers.
 *
 *   i1=0.05 i2=0.10 -> h1 h2 (sigmoid) -> o1 o2 (sigmoid), targets 0.01 0.99
 *   w1..w4 = 0.15 0.20 0.25 0.30, hidden bias 0.35
 *   w5..w8 = 0.40 0.45 0.50 0.55, output bias 0.60
 *   E = sum 1/2 (t - o)^2, learning rate 0.5, biases frozen (as published)
 *
 * Every value comes from the library's forward and backward phase; this
 * program only reads them out (and multiplies the chain-rule factors the
 * worked example multiplies, to show them). The reference column is section A of
 * WORKED_EXAMPLES.md. Each row says "ok" if the library's value matches
 * it (double build: the same digits when printed to 9 decimals; float32
 * build: within 1e-5 relative), and the program ends with the plain
 * "mazur: N passed, N failed" line and exit status 1 on any mismatch,
 * which is how `make check` uses it.
 *
 * Weight numbering (the worked example's): w1 = i1->h1, w2 = i2->h1, w3 = i1->h2,
 * w4 = i2->h2, w5 = h1->o1, w6 = h2->o1, w7 = h1->o2, w8 = h2->o2, i.e.
 * layer l, row j (the neuron fed), column k (the feeding neuron).
 */
#include "backprop.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int passed, failed;

static int matches(double got, double want)
{
#ifdef BP_DOUBLE
    /* every printed digit: equal when both are printed to 9 decimals */
    char a[64], b[64];
    snprintf(a, sizeof a, "%.9f", got);
    snprintf(b, sizeof b, "%.9f", want);
    for (int i = 0; a[i] || b[i]; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
#else
    /* 1e-5 relative, plus the reference's own uncertainty: it is printed
     * to 9 decimals, so it is known only to +-5e-10 (which matters for
     * the tiny E after 10000 updates) */
    return fabs(got - want) <= 1e-5 * fabs(want) + 5e-10;
#endif
}

static void row(const char *name, double got, double want)
{
    int ok = matches(got, want);
    ok ? passed++ : failed++;
    printf("  %-22s %14.9f %14.9f   %s\n", name, got, want,
           ok ? "ok" : "MISMATCH");
}

static void die(bp_net *net, bp_status st, const char *what)
{
    fprintf(stderr, "mazur: %s: %s (%s)\n", what, bp_net_errmsg(net),
            bp_status_str(st));
    exit(2);
}

#define TRY(net, call)                                                         \
    do {                                                                       \
        bp_status st_ = (call);                                                \
        if (st_)                                                               \
            die(net, st_, #call);                                              \
    } while (0)

static bp_net *build(void)
{
    static const bp_layer_desc layers[] = {{2, BP_ACT_SIGMOID, 0},
                                           {2, BP_ACT_SIGMOID, 0}};
    static const double w[8] = {0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55};
    bp_net *net;
    bp_error err;
    if (bp_net_create(2, 2, layers, NULL, &net, &err)) {
        fprintf(stderr, "mazur: %s\n", err.msg);
        exit(2);
    }
    for (int i = 0; i < 8; i++)
        TRY(net,
            bp_net_set_weight(net, i / 4, (i / 2) % 2, i % 2, (bp_real)w[i]));
    for (int j = 0; j < 2; j++) {
        TRY(net, bp_net_set_bias(net, 0, j, (bp_real)0.35));
        TRY(net, bp_net_set_bias(net, 1, j, (bp_real)0.60));
    }
    TRY(net, bp_net_freeze(net, -1, BP_PARAM_BIASES, 1));
    TRY(net, bp_net_set_loss(net, BP_LOSS_SSE, BP_REDUCE_SUM));
    bp_optim sgd = bp_optim_defaults(BP_OPT_SGD);
    sgd.lr = 0.5;
    TRY(net, bp_net_set_optim(net, &sgd));
    return net;
}

static const bp_real x[2] = {(bp_real)0.05, (bp_real)0.10};
static const bp_real t[2] = {(bp_real)0.01, (bp_real)0.99};

/* Error after the current weights: a fresh forward phase. */
static double error_now(bp_net *net)
{
    double e;
    TRY(net, bp_net_forward(net, x, 1));
    TRY(net, bp_net_loss(net, t, &e));
    return e;
}

static void first_iteration(void)
{
    bp_net *net = build();
    double e_total;
    TRY(net, bp_net_forward(net, x, 1));
    TRY(net, bp_net_backward(net, t, &e_total));
    const bp_real *z_h = bp_net_layer_z(net, 0),
                  *out_h = bp_net_layer_out(net, 0);
    const bp_real *z_o = bp_net_layer_z(net, 1),
                  *out_o = bp_net_layer_out(net, 1);
    const bp_real *delta_o = bp_net_layer_delta(net, 1);

    printf("Forward phase\n");
    printf("  %-22s %14s %14s\n", "quantity", "backprop", "published");
    row("net_h1", z_h[0], 0.3775);
    row("out_h1", out_h[0], 0.593269992);
    row("out_h2", out_h[1], 0.596884378);
    row("net_o1", z_o[0], 1.105905967);
    row("out_o1", out_o[0], 0.751365070);
    row("out_o2", out_o[1], 0.772928465);
    row("E_o1", 0.5 * (t[0] - out_o[0]) * (t[0] - out_o[0]), 0.274811083);
    row("E_o2", 0.5 * (t[1] - out_o[1]) * (t[1] - out_o[1]), 0.023560026);
    row("E_total", e_total, 0.298371109);

    printf("Backward phase, first iteration\n");
    /* the worked example's chain-rule factors, read off the forward phase */
    row("dE/dout_o1", out_o[0] - t[0], 0.74136507);
    row("dout_o1/dnet_o1", out_o[0] * (1 - out_o[0]), 0.186815602);
    static const double dw_out[4] = {0.082167041, 0.082667628, -0.022602540,
                                     -0.022740242};
    static const double dw_hid[4] = {0.000438568, 0.000877135, 0.000497713,
                                     0.000995425};
    char name[32];
    for (int i = 0; i < 4; i++) {
        bp_real g;
        TRY(net, bp_net_weight_grad(net, 1, i / 2, i % 2, &g));
        snprintf(name, sizeof name, "dE/dw%d", i + 5);
        row(name, g, dw_out[i]);
    }
    /* dE/dout_h1 = sum over outputs of delta_o * (weight from h1) */
    bp_real w5, w7;
    TRY(net, bp_net_weight(net, 1, 0, 0, &w5));
    TRY(net, bp_net_weight(net, 1, 1, 0, &w7));
    row("dE/dout_h1", delta_o[0] * w5 + delta_o[1] * w7, 0.036350306);
    row("dout_h1/dnet_h1", out_h[0] * (1 - out_h[0]), 0.241300709);
    for (int i = 0; i < 4; i++) {
        bp_real g;
        TRY(net, bp_net_weight_grad(net, 0, i / 2, i % 2, &g));
        snprintf(name, sizeof name, "dE/dw%d", i + 1);
        row(name, g, dw_hid[i]);
    }

    printf("Update (learning rate 0.5)\n");
    TRY(net, bp_net_update(net));
    static const double w_new[8] = {0.149780716, 0.199561432, 0.249751144,
                                    0.299502287, 0.358916480, 0.408666186,
                                    0.511301270, 0.561370121};
    for (int i = 0; i < 8; i++) {
        bp_real w;
        TRY(net, bp_net_weight(net, i / 4, (i / 2) % 2, i % 2, &w));
        snprintf(name, sizeof name, "w%d+", i + 1);
        row(name, w, w_new[i]);
    }
    bp_net_free(net);
}

/* Train with one backward order; print E after 1 and 10000 updates. */
static void run(bp_order order, const char *title, const double want[4])
{
    bp_net *net = build();
    printf("%s\n", title);
    double e;
    TRY(net, bp_net_train_step(net, x, t, 1, order, &e));
    row("E_total after 1", error_now(net), want[0]);
    for (int i = 1; i < 10000; i++)
        TRY(net, bp_net_train_step(net, x, t, 1, order, &e));
    row("E_total after 10000", error_now(net), want[1]);
    const bp_real *o = bp_net_output(net);
    row("out_o1 after 10000", o[0], want[2]);
    row("out_o2 after 10000", o[1], want[3]);
    bp_net_free(net);
}

int main(void)
{
    printf("Matt Mazur's worked 2-2-2 example, 2015 (%s precision)\n",
           bp_real_size() == 8 ? "double" : "float32");
    first_iteration();
    static const double standard[4] = {0.291027774, 0.000035102, 0.015913620,
                                       0.984064274};
    static const double layerwise[4] = {0.291027924, 0.000035085, 0.015912196,
                                        0.984065734};
    run(BP_ORDER_STANDARD,
        "Training, standard backward phase (all gradients at the forward "
        "phase's weights)",
        standard);
    run(BP_ORDER_LAYERWISE,
        "Training, the layer-wise order (output layer updated before delta "
        "passes back; the published figures)",
        layerwise);
    printf("mazur: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
