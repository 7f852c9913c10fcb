/*
 * check.c - explain's finite differences: the error of one sample
 * evaluated in double by the definitions of act.c and loss.c, and the
 * five-point central difference of it in one parameter or in all.
 */
#include "explain/check.h"

#include <string.h>

/* E of one sample with the parameters p, computed in double throughout
 * by the definitions of act.c and loss.c: an evaluation independent of the
 * library's own forward phase, so the finite differences it gives check
 * the gradients to as many digits as they are shown, in the float32
 * build too. buf holds 2 x widest doubles. */
static double loss_double(const bp_net *net, const double *p, const bp_real *x,
                          const bp_real *t, double *buf)
{
    const int L = net->n_layers, w = net->max_widest;
    double *in = buf, *z = buf + w;
    for (int k = 0; k < net->n_in; k++)
        in[k] = x[k];
    for (int l = 0; l < L; l++) {
        const bp_layer *ly = &net->layers[l];
        for (int j = 0; j < ly->n_out; j++) {
            double s = p[ly->b_off + j];
            for (int k = 0; k < ly->n_in; k++)
                s += p[ly->w_off + (size_t)j * ly->n_in + k] * in[k];
            z[j] = s;
        }
        if (l < L - 1) {
            bp__act_double(ly->act, ly->act_param, z, ly->n_out);
            double *swap = in;
            in = z;
            z = swap;
        }
    }
    /* z: the output layer's net input, as loss.c takes it */
    const bp_layer *top = &net->layers[L - 1];
    return bp__loss_double(net->loss, top->act, top->act_param, z, t,
                           top->n_out);
}

double *bp__fd_params(const bp_net *net)
{
    double *p = bp__alloc(
        &net->alloc, (net->n_params + 2 * (size_t)net->max_widest) * sizeof *p);
    if (p)
        for (size_t i = 0; i < net->n_params; i++)
            p[i] = net->params[i];
    return p;
}

double bp__fd_at(const bp_net *net, double *p, const bp_real *x,
                 const bp_real *t, size_t i)
{
    double *buf = p + net->n_params;
    const double h = 1e-4; /* truncation O(h^4), rounding ~1e-16 / h */
    const double keep = p[i];
    static const double at[4] = {-2, -1, 1, 2};
    double e[4];
    for (int s = 0; s < 4; s++) {
        p[i] = keep + at[s] * h;
        e[s] = loss_double(net, p, x, t, buf);
    }
    p[i] = keep;
    return (8 * (e[2] - e[1]) - (e[3] - e[0])) / (12 * h);
}

bp_status bp__finite_differences(const bp_net *net, const bp_real *x,
                                 const bp_real *t, double *fd)
{
    double *p = bp__fd_params(net);
    if (!p)
        return BP_ERR_NOMEM;
    for (size_t i = 0; i < net->n_params; i++)
        fd[i] = bp__fd_at(net, p, x, t, i);
    bp__free(&net->alloc, p);
    return BP_OK;
}
