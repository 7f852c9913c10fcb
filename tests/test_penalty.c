/*
 * test_penalty.c - L1 and L2 regularization: the penalty's value, the
 * gradient an update follows against central finite differences of the
 * loss plus the penalty, biases and frozen weights left alone, how l2
 * relates to weight_decay, the rates changed in flight, what a training
 * epoch reports. PyTorch's numbers for every optimizer are test_ref's
 * (tests/ref, the *_l1_l2 entries).
 */
#include "backprop.h"
#include "test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef BP_DOUBLE
static const double H = 1e-5, TOL = 1e-6, FLOOR = 1e-7;
#else
static const double H = 1e-2, TOL = 1e-2, FLOOR = 1e-2;
#endif

enum { N_IN = 3, HID = 4, N_OUT = 2, BATCH = 5 };
static bp_real X[BATCH * N_IN], T[BATCH * N_OUT];

static bp_net *make(double l1, double l2, bp_optim_kind kind)
{
    const bp_layer_desc d[] = {{HID, BP_ACT_TANH, 0},
                               {N_OUT, BP_ACT_SIGMOID, 0}};
    bp_net *net = NULL;
    bp_optim o = bp_optim_defaults(kind);
    o.lr = 1; /* the update then shows the gradient at full size */
    o.l1 = l1;
    o.l2 = l2;
    if (bp_net_create(N_IN, 2, d, NULL, &net, NULL) ||
        bp_net_init(net, BP_INIT_XAVIER_NORMAL, 5) ||
        bp_net_set_loss(net, BP_LOSS_BCE, BP_REDUCE_MEAN) ||
        bp_net_set_optim(net, &o) || bp_net_reserve(net, BATCH)) {
        bp_net_free(net);
        return NULL;
    }
    return net;
}

/* Is parameter i a weight (not a bias)? */
static int is_weight(const bp_net *net, size_t i)
{
    for (int l = 0; l < bp_net_n_layers(net); l++) {
        size_t w, b;
        bp_net_layer_offsets(net, l, &w, &b);
        if (i >= w && i < b)
            return 1;
    }
    return 0;
}

/* The objective: the loss of the batch plus the penalty. */
static double objective(bp_net *net)
{
    double e = NAN;
    if (bp_net_forward(net, X, BATCH) || bp_net_loss(net, T, &e))
        return NAN;
    return e + bp_net_penalty(net);
}

static void test_value(void)
{
    printf("the penalty: l1 * sum |w| + l2 / 2 * sum w^2, weights only\n");
    bp_net *net = make(0.1, 0.2, BP_OPT_SGD);
    bp_real *p = bp_net_params(net);
    const size_t np = bp_net_n_params(net);
    double l1 = 0, l2 = 0;
    for (size_t i = 0; i < np; i++) {
        p[i] = (bp_real)(i % 2 ? -0.25 : 0.5);
        if (is_weight(net, i)) {
            l1 += fabs(p[i]);
            l2 += p[i] * p[i];
        } else {
            p[i] = 100; /* a bias: never in the penalty */
        }
    }
    const double want = 0.1 * l1 + 0.2 / 2 * l2;
    CHECK_CLOSE(bp_net_penalty(net), want, 1e-12, "penalty of set weights");
    bp_net_set_penalty(net, 0, 0);
    CHECK(bp_net_penalty(net) == 0, "0 without regularization");
    CHECK(bp_net_penalty(NULL) == 0, "0 for NULL");
    bp_net_free(net);
}

/* The update's gradient, (w - w') / lr with lr = 1, against the central
 * difference of the objective, parameter by parameter. */
static void test_finite_differences(void)
{
    printf("an update follows the gradient of loss + penalty\n");
    static const double rates[][2] = {{0.05, 0}, {0, 0.3}, {0.05, 0.3}};
    for (int c = 0; c < 3; c++) {
        bp_net *net = make(rates[c][0], rates[c][1], BP_OPT_SGD);
        const size_t np = bp_net_n_params(net);
        bp_real *p = bp_net_params(net);
        double *fd = malloc(np * sizeof *fd);
        int *skip = calloc(np, sizeof *skip), skipped = 0;
        for (size_t i = 0; i < np; i++) {
            const bp_real keep = p[i];
            if (is_weight(net, i) && fabs((double)keep) < 2 * H) {
                skip[i] = 1; /* |w|'s kink at 0 is within reach */
                skipped++;
                continue;
            }
            const bp_real hi = (bp_real)(keep + H), lo = (bp_real)(keep - H);
            p[i] = hi;
            const double up = objective(net);
            p[i] = lo;
            const double down = objective(net);
            p[i] = keep;
            fd[i] = (up - down) / ((double)hi - (double)lo);
        }
        bp_real *w0 = malloc(np * sizeof *w0);
        memcpy(w0, p, np * sizeof *w0);
        CHECK_OK(bp_net_train_step(net, X, T, BATCH, BP_ORDER_STANDARD, NULL));
        double worst = 0;
        for (size_t i = 0; i < np; i++) {
            if (skip[i])
                continue;
            const double g = (double)w0[i] - (double)p[i]; /* lr = 1 */
            const double err =
                fabs(g - fd[i]) / fmax(fmax(fabs(g), fabs(fd[i])), FLOOR);
            worst = err > worst ? err : worst;
        }
        CHECK(worst <= TOL,
              "l1 %g, l2 %g: worst relative error %.2e over %zu "
              "parameters (%d by the kink skipped)",
              rates[c][0], rates[c][1], worst, np, skipped);
        free(fd);
        free(skip);
        free(w0);
        bp_net_free(net);
    }
}

/* The exact update: w -= lr * (g + l1 sign(w) + l2 w), b -= lr * g, with
 * bp_net_grads holding g, the loss's gradient alone. */
static void test_exact(void)
{
    printf("SGD's update, number for number\n");
    bp_net *net = make(0.02, 0.5, BP_OPT_SGD);
    const size_t np = bp_net_n_params(net);
    bp_real *p = bp_net_params(net);
    bp_real *w0 = malloc(np * sizeof *w0), *want = malloc(np * sizeof *want);
    memcpy(w0, p, np * sizeof *w0);
    p[1] = 0; /* sign(0) = 0: only the L2 term, which is 0 too */
    w0[1] = 0;
    CHECK_OK(bp_net_forward(net, X, BATCH));
    CHECK_OK(bp_net_backward(net, T, NULL));
    const bp_real *g = bp_net_grads(net);
    const bp_real l1 = (bp_real)0.02, l2 = (bp_real)0.5, lr = 1;
    for (size_t i = 0; i < np; i++) {
        bp_real gi = g[i];
        if (is_weight(net, i)) {
            const bp_real s = w0[i] > 0 ? 1 : w0[i] < 0 ? -1 : 0;
            gi = g[i] + l1 * s + l2 * w0[i];
        }
        want[i] = w0[i] - lr * gi;
    }
    CHECK_OK(bp_net_update(net));
    CHECK(memcmp(p, want, np * sizeof *p) == 0,
          "weights and biases after one update, bit for bit");
    CHECK(p[1] == -g[1], "a weight at 0 moves by its loss gradient alone");
    free(w0);
    free(want);
    bp_net_free(net);
}

/* With SGD, weight_decay adds weight_decay * w to every parameter's
 * gradient: on the weights that is l2's term, on the biases it is not. */
static void test_weight_decay(void)
{
    printf("l2 and weight_decay with SGD: one term on the weights\n");
    bp_net *a = make(0, 0.1, BP_OPT_SGD), *b = make(0, 0, BP_OPT_SGD);
    bp_optim o = bp_net_optim(b);
    o.weight_decay = 0.1;
    bp_net_set_optim(b, &o);
    bp_net_set_bias(a, 1, 0, (bp_real)0.5); /* a bias weight_decay can see */
    bp_net_set_bias(b, 1, 0, (bp_real)0.5);
    bp_net_train_step(a, X, T, BATCH, BP_ORDER_STANDARD, NULL);
    bp_net_train_step(b, X, T, BATCH, BP_ORDER_STANDARD, NULL);
    int same_w = 1, same_b = 1;
    for (size_t i = 0; i < bp_net_n_params(a); i++) {
        const int eq = bp_net_params(a)[i] == bp_net_params(b)[i];
        if (is_weight(a, i))
            same_w &= eq;
        else
            same_b &= eq;
    }
    CHECK(same_w && !same_b,
          "one step: weights identical, biases not "
          "(weight_decay reaches them)");
    bp_net_free(a);
    bp_net_free(b);
    /* with the biases frozen the two are one training, step after step */
    a = make(0, 0.1, BP_OPT_MOMENTUM);
    b = make(0, 0, BP_OPT_MOMENTUM);
    o = bp_net_optim(b);
    o.weight_decay = 0.1;
    bp_net_set_optim(b, &o);
    bp_net_freeze(a, -1, BP_PARAM_BIASES, 1);
    bp_net_freeze(b, -1, BP_PARAM_BIASES, 1);
    for (int s = 0; s < 5; s++) {
        bp_net_train_step(a, X, T, BATCH, BP_ORDER_STANDARD, NULL);
        bp_net_train_step(b, X, T, BATCH, BP_ORDER_STANDARD, NULL);
    }
    CHECK(memcmp(bp_net_params(a), bp_net_params(b),
                 bp_net_n_params(a) * sizeof(bp_real)) == 0,
          "biases frozen: 5 steps of momentum identical, bit for bit");
    bp_net_free(a);
    bp_net_free(b);
}

static void test_frozen_and_orders(void)
{
    printf("frozen weights, the layer-wise order, every optimizer\n");
    bp_net *net = make(0.1, 0.1, BP_OPT_ADAM);
    size_t w0, b0;
    bp_net_layer_offsets(net, 0, &w0, &b0);
    bp_real first = bp_net_params(net)[w0];
    bp_net_freeze(net, 0, BP_PARAM_WEIGHTS, 1);
    for (int s = 0; s < 3; s++)
        bp_net_train_step(net, X, T, BATCH, BP_ORDER_STANDARD, NULL);
    CHECK(bp_net_params(net)[w0] == first, "a frozen weight is not decayed");
    bp_net_free(net);
    /* a one-layer network: both orders are the same step */
    for (int k = 0; k < BP_OPT_COUNT_; k++) {
        const bp_layer_desc d[] = {{N_OUT, BP_ACT_SIGMOID, 0}};
        bp_net *a, *b;
        bp_optim o = bp_optim_defaults((bp_optim_kind)k);
        o.l1 = 0.01;
        o.l2 = 0.1;
        bp_net_create(N_IN, 1, d, NULL, &a, NULL);
        bp_net_init(a, BP_INIT_XAVIER_UNIFORM, 2);
        bp_net_set_optim(a, &o);
        bp_net_reserve(a, BATCH);
        bp_net_clone(a, &b);
        for (int s = 0; s < 4; s++) {
            bp_net_train_step(a, X, T, BATCH, BP_ORDER_STANDARD, NULL);
            bp_net_train_step(b, X, T, BATCH, BP_ORDER_LAYERWISE, NULL);
        }
        CHECK(memcmp(bp_net_params(a), bp_net_params(b),
                     bp_net_n_params(a) * sizeof(bp_real)) == 0,
              "%s: both orders apply the penalty alike",
              bp_optim_name((bp_optim_kind)k));
        bp_net_free(a);
        bp_net_free(b);
    }
}

static void test_settings(void)
{
    printf("setting the rates\n");
    bp_net *net = make(0, 0, BP_OPT_ADAM);
    bp_optim o = bp_net_optim(net);
    o.l1 = -1;
    CHECK_STATUS(bp_net_set_optim(net, &o), BP_ERR_ARG);
    CHECK(strstr(bp_net_errmsg(net), "l1") != NULL, "'%s'", bp_net_errmsg(net));
    o.l1 = 0;
    o.l2 = NAN;
    CHECK_STATUS(bp_net_set_optim(net, &o), BP_ERR_ARG);
    CHECK_STATUS(bp_net_set_penalty(net, 0.1, -2), BP_ERR_ARG);
    CHECK_STATUS(bp_net_set_penalty(NULL, 0, 0), BP_ERR_NULL);
    /* set_penalty changes the rates alone: before any step, a network
     * given them that way trains like one created with them */
    bp_net *a = make(0.01, 0.2, BP_OPT_ADAM), *b = make(0, 0, BP_OPT_ADAM);
    CHECK_OK(bp_net_set_penalty(b, 0.01, 0.2));
    bp_optim ob = bp_net_optim(b);
    CHECK(ob.l1 == 0.01 && ob.l2 == 0.2 && ob.kind == BP_OPT_ADAM,
          "the rates are set, the rest kept");
    for (int s = 0; s < 3; s++) {
        bp_net_train_step(a, X, T, BATCH, BP_ORDER_STANDARD, NULL);
        bp_net_train_step(b, X, T, BATCH, BP_ORDER_STANDARD, NULL);
    }
    CHECK(memcmp(bp_net_params(a), bp_net_params(b),
                 bp_net_n_params(a) * sizeof(bp_real)) == 0,
          "rates set before training == rates given at creation");
    bp_net_free(a);
    bp_net_free(b);
    bp_net_free(net);
}

/* What an epoch reports: the loss alone, and the penalty beside it. */
static void test_report(void)
{
    printf("an epoch's report: the loss alone, the penalty beside it\n");
    bp_net *a = make(0.01, 0.1, BP_OPT_SGD);
    const bp_data d = {BATCH, N_IN, N_OUT, X, T, NULL};
    bp_train_opts o = bp_train_defaults();
    o.epochs = 1;
    o.batch = BATCH; /* one step: the epoch's loss is the step's */
    bp_trainer *tr = NULL;
    bp_epoch_report r;
    memset(&r, 0, sizeof r);
    CHECK_OK(bp_trainer_create(a, &d, &o, &tr, NULL));
    double e0;
    bp_net_forward(a, X, BATCH);
    bp_net_loss(a, T, &e0);
    CHECK_OK(bp_trainer_epoch(tr, &r));
    CHECK(r.train_loss == e0,
          "train_loss is the loss before the step, "
          "without the penalty (%.9g, %.9g)",
          r.train_loss, e0);
    CHECK(r.penalty > 0 && r.penalty == bp_net_penalty(a),
          "penalty %.6f: the weights' at the epoch's end", r.penalty);
    bp_trainer_free(tr);
    bp_net_free(a);
}

int main(void)
{
    bp_rng r;
    bp_rng_seed(&r, 9);
    for (int i = 0; i < BATCH * N_IN; i++)
        X[i] = (bp_real)bp_rng_normal(&r);
    for (int i = 0; i < BATCH * N_OUT; i++)
        T[i] = (bp_real)(0.1 + 0.8 * bp_rng_uniform(&r));
    test_value();
    test_finite_differences();
    test_exact();
    test_weight_decay();
    test_frozen_and_orders();
    test_settings();
    test_report();
    return tst_summary("test_penalty");
}
