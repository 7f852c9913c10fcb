/*
 * perceptron.c - Rosenblatt's perceptron: step units, AND, and why XOR
 * needs a second layer.
 *
 * 1. A hand-set AND unit: y = step(x1 + x2 - 1.5).
 * 2. The perceptron rule learns AND from zero weights.
 * 3. The same rule on XOR never reaches an epoch without errors: it stops
 *    at its epoch limit and says so (no line separates XOR's classes).
 * 4. A hand-built two-layer net, y' = step(x1 + x2 - 1.5),
 *    y = step(x1 + x2 - 2 y' - 0.5). Its output unit also sees x1 and x2
 *    directly; in a strictly layered network those pass through hidden
 *    step units step(x - 0.5), which copy a 0/1 input exactly.
 * Ends with "perceptron: N passed, N failed".
 */
#include "backprop.h"

#include <stdio.h>

static const bp_real x[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
static const bp_real t_and[4] = {0, 0, 0, 1};
static const bp_real t_xor[4] = {0, 1, 1, 0};
static int passed, failed;

static int fail(bp_net *net)
{
    fprintf(stderr, "perceptron: %s\n", bp_net_errmsg(net));
    return 2;
}

/* Print the truth table of a net's output and count rows that match. */
static int truth_table(bp_net *net, const char *title, const bp_real *t)
{
    bp_real y[4];
    if (bp_net_predict(net, &x[0][0], 4, y))
        return fail(net);
    printf("%s\n  x1 x2  y  want\n", title);
    for (int i = 0; i < 4; i++) {
        int ok = y[i] == t[i];
        ok ? passed++ : failed++;
        printf("   %g  %g  %g  %g  %s\n", x[i][0], x[i][1], y[i], t[i],
               ok ? "ok" : "WRONG");
    }
    return 0;
}

static bp_net *one_unit(void)
{
    const bp_layer_desc step = {1, BP_ACT_STEP, 0};
    bp_net *net = NULL;
    bp_error err;
    if (bp_net_create(2, 1, &step, NULL, &net, &err))
        fprintf(stderr, "perceptron: %s\n", err.msg);
    return net;
}

int main(void)
{
    /* 1. a hand-set AND: W1 = W2 = 1, theta = 1.5 (bias = -theta) */
    bp_net *net = one_unit();
    if (!net)
        return 2;
    if (bp_net_set_weight(net, 0, 0, 0, 1) ||
        bp_net_set_weight(net, 0, 0, 1, 1) ||
        bp_net_set_bias(net, 0, 0, (bp_real)-1.5))
        return fail(net);
    if (truth_table(net, "AND by hand: y = step(x1 + x2 - 1.5)", t_and))
        return 2;

    /* 2. AND learned by the perceptron rule from zero weights */
    bp_net_free(net);
    net = one_unit();
    int epochs, converged;
    if (!net ||
        bp_perceptron_train(net, &x[0][0], t_and, 4, 1.0, 100, &epochs,
                            &converged))
        return net ? fail(net) : 2;
    bp_real w1, w2, b;
    bp_net_weight(net, 0, 0, 0, &w1);
    bp_net_weight(net, 0, 0, 1, &w2);
    bp_net_bias(net, 0, 0, &b);
    printf("perceptron rule on AND: %s after %d epochs (w1 %.1f, w2 %.1f, "
           "b %.1f)\n",
           converged ? "converged" : "did NOT converge", epochs, w1, w2, b);
    converged ? passed++ : failed++;
    if (truth_table(net, "AND learned", t_and))
        return 2;

    /* 3. XOR: the rule cannot succeed with one layer */
    bp_net_free(net);
    net = one_unit();
    if (!net ||
        bp_perceptron_train(net, &x[0][0], t_xor, 4, 1.0, 1000, &epochs,
                            &converged))
        return net ? fail(net) : 2;
    printf("perceptron rule on XOR: %s after %d epochs: one layer of step "
           "units cannot compute XOR\n",
           converged ? "converged (impossible!)" : "did not converge", epochs);
    !converged &&epochs == 1000 ? passed++ : failed++;
    bp_net_free(net);

    /* 4. the hand-built two-layer XOR net */
    const bp_layer_desc layers[] = {{3, BP_ACT_STEP, 0}, {1, BP_ACT_STEP, 0}};
    bp_error err;
    if (bp_net_create(2, 2, layers, NULL, &net, &err)) {
        fprintf(stderr, "perceptron: %s\n", err.msg);
        return 2;
    }
    /* hidden: copy x1, copy x2, y' = step(x1 + x2 - 1.5) */
    static const bp_real w_hidden[3][2] = {{1, 0}, {0, 1}, {1, 1}};
    static const bp_real b_hidden[3] = {-0.5, -0.5, -1.5};
    /* output: y = step(x1 + x2 - 2 y' - 0.5) */
    static const bp_real w_out[3] = {1, 1, -2};
    bp_status st = BP_OK;
    for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 2 && !st; k++)
            st = bp_net_set_weight(net, 0, j, k, w_hidden[j][k]);
        if (!st)
            st = bp_net_set_bias(net, 0, j, b_hidden[j]);
        if (!st)
            st = bp_net_set_weight(net, 1, 0, j, w_out[j]);
    }
    if (!st)
        st = bp_net_set_bias(net, 1, 0, (bp_real)-0.5);
    if (!st)
        st = bp_net_reserve(net, 4);
    if (st)
        return fail(net);
    if (truth_table(net, "XOR by the hand-built two-layer net", t_xor))
        return 2;
    bp_net_free(net);
    printf("perceptron: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
