/*
 * stats.c - the numbers of explain's summary: for each layer, what its
 * net inputs and outputs span, which units are saturated or dead, and
 * the norms of its deltas, weight gradients, weights and update, read
 * from a network after the library's own forward and backward phase on
 * one sample. And the norms alone, for following them over training.
 */
#include "explain/stats.h"

#include <string.h>

/* Within this share of its range from a limit, a bounded activation is
 * saturated: sigmoid below 0.025 or above 0.975 (out (1 - out) < 0.0244,
 * under a tenth of its 0.25 at 0), tanh beyond +-0.95 (1 - out^2 <
 * 0.0975, under a tenth of its 1 at 0). */
#define SATURATION 0.025

/* Euclidean norm of v[n], summed in double in order. */
static double norm(const bp_real *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)v[i] * v[i];
    return sqrt(s);
}

/* Saturated and dead units of layer ly for sample 0 (-1: not this
 * activation's kind). */
static void count_units(const bp_layer *ly, int *saturated, int *dead)
{
    const bp_act_info *f = bp_act_describe(ly->act);
    const int bounded = isfinite(f->out_min) && isfinite(f->out_max);
    const int special = f->flags & (BP_ACTF_ROWWISE | BP_ACTF_NO_GRADIENT);
    *saturated = bounded && !special ? 0 : -1;
    *dead = !bounded && !special && isfinite(f->out_min) ? 0 : -1;
    const double margin = SATURATION * (f->out_max - f->out_min);
    for (int j = 0; j < ly->n_out; j++) {
        const double a = ly->a[j];
        if (*saturated >= 0 &&
            (a - f->out_min < margin || f->out_max - a < margin))
            ++*saturated;
        if (*dead >= 0 &&
            bp__act_deriv_at(ly->act, ly->act_param, ly->z[j], a) == 0)
            ++*dead;
    }
}

void bp__layer_stats(const bp_net *net, double lr, bp_layer_stats *stats)
{
    for (int l = 0; l < net->n_layers; l++) {
        const bp_layer *ly = &net->layers[l];
        bp_layer_stats *s = &stats[l];
        const size_t nw = (size_t)ly->n_out * ly->n_in;
        memset(s, 0, sizeof *s);
        s->n_in = ly->n_in;
        s->n_out = ly->n_out;
        s->act = ly->act;
        s->net_min = s->net_max = ly->z[0];
        s->out_min = s->out_max = ly->a[0];
        double zs = 0, as = 0;
        for (int j = 0; j < ly->n_out; j++) {
            const double z = ly->z[j], a = ly->a[j];
            zs += z;
            as += a;
            s->net_min = z < s->net_min ? z : s->net_min;
            s->net_max = z > s->net_max ? z : s->net_max;
            s->out_min = a < s->out_min ? a : s->out_min;
            s->out_max = a > s->out_max ? a : s->out_max;
        }
        s->net_mean = zs / ly->n_out;
        s->out_mean = as / ly->n_out;
        count_units(ly, &s->saturated, &s->dead);
        s->delta_norm = norm(ly->delta, (size_t)ly->n_out);
        s->grad_norm = norm(net->grads + ly->w_off, nw);
        s->weight_norm = norm(net->params + ly->w_off, nw);
        s->update_norm = lr * s->grad_norm;
    }
}

bp_status bp__explained_copy(const bp_net *src, const bp_real *x,
                             const bp_real *t, bp_net **out, double *loss,
                             bp_error *err)
{
    bp_status st = bp_net_clone(src, out);
    if (!st)
        st = bp_net_forward(*out, x, 1);
    if (!st)
        st = bp_net_backward(*out, t, loss);
    if (st) {
        bp__fail_err(err, st, "explain: %s",
                     *out && (*out)->err[0] ? (*out)->err : bp_status_str(st));
        bp_net_free(*out);
        *out = NULL;
    }
    return st;
}

bp_status bp_explain_stats(const bp_net *net, const bp_real *x,
                           const bp_real *t, double lr, bp_layer_stats *stats,
                           double *loss, bp_error *err)
{
    if (!net || !x || !t || !stats)
        return bp__fail_err(err, BP_ERR_NULL, "explain: %s is NULL",
                            !net     ? "net"
                                : !x ? "x"
                                : !t ? "t"
                                     : "stats");
    if (!(lr > 0 && lr < 1e30))
        return bp__fail_err(err, BP_ERR_ARG, "explain: lr must be > 0");
    bp_net *copy;
    double e;
    bp_status st = bp__explained_copy(net, x, t, &copy, &e, err);
    if (st)
        return st;
    bp__layer_stats(copy, lr, stats);
    if (loss)
        *loss = e;
    bp_net_free(copy);
    return BP_OK;
}

bp_status bp_net_layer_norms(const bp_net *net, double *w_norm,
                             double *grad_norm)
{
    if (!net)
        return BP_ERR_NULL;
    for (int l = 0; l < net->n_layers; l++) {
        const bp_layer *ly = &net->layers[l];
        const size_t nw = (size_t)ly->n_out * ly->n_in;
        if (w_norm)
            w_norm[l] = norm(net->params + ly->w_off, nw);
        if (grad_norm)
            grad_norm[l] = norm(net->grads + ly->w_off, nw);
    }
    return BP_OK;
}
