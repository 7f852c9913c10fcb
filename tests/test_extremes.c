/*
 * test_extremes.c - numbers at the edges: inputs of +-1e30 through
 * sigmoid, tanh, softmax and the cross-entropies stay finite; a data set
 * of one sample; a layer 10^4 wide; a batch larger than the data.
 */
#include "backprop.h"
#include "test.h"

#include <stdlib.h>

static int finite_all(const bp_real *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* One layer of act with weights 1 and bias b, input x: out, loss and
 * gradients must be finite. */
static void huge(bp_act act, bp_loss loss, double x_value, double bias)
{
    const int n_out = act == BP_ACT_SOFTMAX ? 3 : 2;
    bp_layer_desc d = {n_out, act, 0};
    bp_net *net;
    if (bp_net_create(2, 1, &d, NULL, &net, NULL)) {
        CHECK(0, "create");
        return;
    }
    bp_net_set_loss(net, loss, BP_REDUCE_MEAN);
    for (int j = 0; j < n_out; j++) {
        bp_net_set_weight(net, 0, j, 0, (bp_real)(j % 2 ? -1 : 1));
        bp_net_set_weight(net, 0, j, 1, (bp_real)(j == 2 ? 0.5 : 1));
        bp_net_set_bias(net, 0, j, (bp_real)bias);
    }
    const bp_real x[2] = {(bp_real)x_value, (bp_real)(x_value / 2)};
    const bp_real t[3] = {1, 0, 0};
    double e = NAN;
    bp_status st = bp_net_forward(net, x, 1);
    if (!st)
        st = bp_net_backward(net, t, &e);
    CHECK(st == BP_OK && isfinite(e) &&
              finite_all(bp_net_output(net), (size_t)n_out) &&
              finite_all(bp_net_grads(net), bp_net_n_params(net)),
          "%-8s %-3s x = %-6g bias %-6g: output, loss (%.3g), gradients finite",
          bp_act_name(act), bp_loss_name(loss), x_value, bias, e);
    bp_net_free(net);
}

int main(void)
{
    printf("+-1e30 through the activations and losses\n");
    const double xs[] = {1e30, -1e30};
    for (int i = 0; i < 2; i++) {
        huge(BP_ACT_SIGMOID, BP_LOSS_BCE, xs[i], 0);
        huge(BP_ACT_SIGMOID, BP_LOSS_SSE, xs[i], 0);
        huge(BP_ACT_SOFTMAX, BP_LOSS_CE, xs[i], 0);
        huge(BP_ACT_SOFTMAX, BP_LOSS_SSE, xs[i], 0);
        huge(BP_ACT_TANH, BP_LOSS_SSE, xs[i], 0);
        huge(BP_ACT_SIGMOID, BP_LOSS_BCE, 1, xs[i]);
        huge(BP_ACT_SOFTMAX, BP_LOSS_CE, 1, xs[i]);
    }

    printf("a data set of one sample, and a batch larger than the data\n");
    {
        const bp_layer_desc d[] = {{4, BP_ACT_TANH, 0}, {1, BP_ACT_SIGMOID, 0}};
        bp_net *net;
        bp_net_create(3, 2, d, NULL, &net, NULL);
        bp_net_init(net, BP_INIT_XAVIER_UNIFORM, 1);
        bp_net_set_loss(net, BP_LOSS_BCE, BP_REDUCE_MEAN);
        const bp_real x[3] = {0.5f, -1, 2}, t[1] = {1};
        bp_train_opts o = bp_train_defaults();
        o.epochs = 50;
        o.batch = 64;
        bp_train_result r;
        const bp_data one = {1, 3, 1, x, t, NULL};
        CHECK_OK(bp_train(net, &one, &o, &r));
        bp_net_forward(net, x, 1);
        CHECK(bp_net_output(net)[0] > 0.9, "one sample learned (%.3f)",
              (double)bp_net_output(net)[0]);
        bp_net_free(net);
    }

    printf("a layer 10^4 wide\n");
    {
        const bp_layer_desc d[] = {{10000, BP_ACT_RELU, 0},
                                   {10, BP_ACT_SOFTMAX, 0}};
        bp_net *net;
        CHECK_OK(bp_net_create(20, 2, d, NULL, &net, NULL));
        bp_net_init(net, BP_INIT_HE_UNIFORM, 2);
        bp_net_set_loss(net, BP_LOSS_CE, BP_REDUCE_MEAN);
        bp_net_reserve(net, 8);
        bp_real x[8 * 20], t[8 * 10] = {0};
        bp_rng rng;
        bp_rng_seed(&rng, 3);
        for (int i = 0; i < 8 * 20; i++)
            x[i] = (bp_real)bp_rng_normal(&rng);
        for (int i = 0; i < 8; i++)
            t[i * 10 + i] = 1;
        double first = 0, last = 0;
        for (int s = 0; s < 20; s++)
            bp_net_train_step(net, x, t, 8, BP_ORDER_STANDARD,
                              s ? &last : &first);
        CHECK(isfinite(last) && last < first,
              "20 steps on 10^4 hidden units: loss %.4f -> %.4f", first, last);
        bp_net_free(net);
    }
    return tst_summary("test_extremes");
}
