/*
 * xor.c - a sigmoid 2-3-1 network learns XOR by backpropagation.
 *
 * One hidden layer is what XOR needs: no single unit separates it (see
 * perceptron.c). Full batch of the four cases, half squared error, plain
 * gradient descent, a fixed seed: the same run on every machine. Ends
 * with "xor: N passed, N failed": each of the four outputs on the right
 * side of 0.5, and E < 0.01.
 */
#include "backprop.h"

#include <stdio.h>

int main(void)
{
    static const bp_real x[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    static const bp_real t[4][1] = {{0}, {1}, {1}, {0}};
    const bp_layer_desc layers[] = {{3, BP_ACT_SIGMOID, 0},
                                    {1, BP_ACT_SIGMOID, 0}};
    const int epochs = 5000;
    bp_net *net;
    bp_error err;
    if (bp_net_create(2, 2, layers, NULL, &net, &err)) {
        fprintf(stderr, "xor: %s\n", err.msg);
        return 2;
    }
    bp_optim sgd = bp_optim_defaults(BP_OPT_SGD);
    sgd.lr = 2.0;
    bp_status st = bp_net_init(net, BP_INIT_XAVIER_UNIFORM, 7);
    if (!st)
        st = bp_net_set_loss(net, BP_LOSS_SSE, BP_REDUCE_SUM);
    if (!st)
        st = bp_net_set_optim(net, &sgd);
    if (!st)
        st = bp_net_reserve(net, 4);
    double e = 0;
    for (int i = 0; !st && i < epochs; i++) {
        st = bp_net_train_step(net, &x[0][0], &t[0][0], 4, BP_ORDER_STANDARD,
                               &e);
        if (!st && (i % 1000 == 0))
            printf("epoch %5d  E = %.6f\n", i, e);
    }
    if (!st)
        st = bp_net_forward(net, &x[0][0], 4);
    if (!st)
        st = bp_net_loss(net, &t[0][0], &e);
    if (st) {
        fprintf(stderr, "xor: %s\n", bp_net_errmsg(net));
        bp_net_free(net);
        return 2;
    }
    const bp_real *o = bp_net_output(net);
    int passed = 0, failed = 0;
    printf("after %d epochs: E = %.6f\n  x1 x2  target  output\n", epochs, e);
    for (int i = 0; i < 4; i++) {
        int ok = (o[i] > 0.5) == (t[i][0] > 0.5);
        ok ? passed++ : failed++;
        printf("   %g  %g     %g    %.4f  %s\n", x[i][0], x[i][1], t[i][0],
               o[i], ok ? "ok" : "WRONG");
    }
    e < 0.01 ? passed++ : failed++;
    printf("E < 0.01: %s\n", e < 0.01 ? "ok" : "NO");
    printf("xor: %d passed, %d failed\n", passed, failed);
    bp_net_free(net);
    return failed ? 1 : 0;
}
