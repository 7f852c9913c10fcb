/*
 * perceptron.c - Rosenblatt's learning rule (1958) for one layer of step
 * units. Not gradient descent: the step has no useful derivative,
 * so the rule moves the weights by the error itself.
 */
#include "core/internal.h"

bp_status bp_perceptron_train(bp_net *net, const bp_real *x, const bp_real *t,
                              int n, double lr, int max_epochs, int *epochs,
                              int *converged)
{
    if (!net)
        return BP_ERR_NULL;
    if (!x || !t)
        return bp__fail(net, BP_ERR_NULL, "%s is NULL", x ? "t" : "x");
    if (net->n_layers != 1 || net->layers[0].act != BP_ACT_STEP)
        return bp__fail(net, BP_ERR_ARG,
                        "the perceptron rule needs one layer of step units");
    if (n < 1 || max_epochs < 0)
        return bp__fail(net, BP_ERR_SIZE,
                        "n (%d) must be >= 1 and "
                        "max_epochs (%d) >= 0",
                        n, max_epochs);
    if (!(lr > 0 && lr < 1e30))
        return bp__fail(net, BP_ERR_ARG,
                        isnan(lr) ? "lr: not a finite number"
                                  : "lr: %g is not in (0, %g]",
                        lr, 1e30);
    bp_layer *ly = &net->layers[0];
    const int n_in = ly->n_in, n_out = ly->n_out;
    if (!bp__all_finite(x, (size_t)n * n_in) ||
        !bp__all_finite(t, (size_t)n * n_out))
        return bp__fail(net, BP_ERR_NONFINITE, "x or t holds NaN or Inf");
    bp_real *w = net->params + ly->w_off, *b = net->params + ly->b_off;
    const bp_real rate = (bp_real)lr;
    int epoch = 0, errors = 1;
    while (errors && epoch < max_epochs) {
        errors = 0;
        for (int i = 0; i < n; i++) {
            const bp_real *xi = x + (size_t)i * n_in;
            bp_status st = bp_net_forward(net, xi, 1);
            if (st)
                return st;
            for (int j = 0; j < n_out; j++) {
                bp_real err = t[(size_t)i * n_out + j] - ly->a[j];
                if (err == 0)
                    continue;
                errors++;
                for (int k = 0; k < n_in; k++)
                    w[(size_t)j * n_in + k] += rate * err * xi[k];
                b[j] += rate * err;
            }
        }
        epoch++;
    }
    if (epochs)
        *epochs = epoch;
    if (converged)
        *converged = errors == 0;
    return bp__ok(net);
}
