/*
 * phases.c - the forward phase, the error, the backward phase and the
 * update, for a batch: the seeds' per-sample formulas with a row per
 * sample.
 *
 *   forward:   z_l = a_{l-1} W_l^T + b_l,  a_l = f_l(z_l)       (a_{-1} = x)
 *   output:    delta_L = dE/dz_L                                (loss.c)
 *   backward:  dE/dW_l = delta_l^T a_{l-1},  dE/db_l = sum_rows delta_l,
 *              delta_{l-1} = (delta_l W_l) * f'_{l-1}(z_{l-1})
 *   update:    the optimizer on every unfrozen group            (optim.c)
 *
 * Nothing here allocates: everything lives in the workspace that create
 * and reserve sized.
 */
#include "core/internal.h"

#include <stdint.h>
#include <string.h>

static inline void act_rows(bp_net *net, const bp_layer *ly, int n, int backward);

static bp_status check_batch(bp_net *net, const void *p, int n,
                             const char *what)
{
    if (!p)
        return bp__fail(net, BP_ERR_NULL, "%s is NULL", what);
    if (n < 1 || n > net->max_batch)
        return bp__fail(net, BP_ERR_SIZE,
                        "batch of %d: must be 1..%d (see bp_net_reserve)", n,
                        net->max_batch);
    return BP_OK;
}

void bp__forward_x(bp_net *net, int n)
{
    const bp_real *below = net->x;
    for (int l = 0; l < net->n_layers; l++) {
        bp_layer *ly = &net->layers[l];
        bp__gemm_xwt_bias(&net->kc, n, ly->n_out, ly->n_in, below,
                          net->params + ly->w_off, net->params + ly->b_off,
                          ly->z);
        act_rows(net, ly, n, 0);
        below = ly->a;
    }
    net->batch = n;
    net->have_delta = 0;
}

bp_status bp_net_forward(bp_net *net, const bp_real *x, int n)
{
    if (!net)
        return BP_ERR_NULL;
    bp_status st = check_batch(net, x, n, "x");
    if (st)
        return st;
    size_t len = (size_t)n * net->n_in;
    if (!bp__all_finite(x, len))
        return bp__fail(net, BP_ERR_NONFINITE,
                        "input holds NaN or Inf (batch of %d)", n);
    memcpy(net->x, x, len * sizeof *x);
    bp__forward_x(net, n);
    return bp__ok(net);
}

const bp_real *bp_net_output(const bp_net *net)
{
    return net && net->batch ? net->layers[net->n_layers - 1].a : NULL;
}

static const bp_layer *layer_at(const bp_net *net, int l)
{
    return net && l >= 0 && l < net->n_layers ? &net->layers[l] : NULL;
}

const bp_real *bp_net_layer_z(const bp_net *net, int l)
{
    const bp_layer *ly = layer_at(net, l);
    return ly ? ly->z : NULL;
}

const bp_real *bp_net_layer_out(const bp_net *net, int l)
{
    const bp_layer *ly = layer_at(net, l);
    return ly ? ly->a : NULL;
}

const bp_real *bp_net_layer_delta(const bp_net *net, int l)
{
    const bp_layer *ly = layer_at(net, l);
    return ly ? ly->delta : NULL;
}

bp_status bp_net_predict(bp_net *net, const bp_real *x, int n, bp_real *out)
{
    if (!net)
        return BP_ERR_NULL;
    if (!x || !out)
        return bp__fail(net, BP_ERR_NULL, "%s is NULL", x ? "out" : "x");
    if (n < 0)
        return bp__fail(net, BP_ERR_SIZE, "n: %d is negative", n);
    const int n_out = bp_net_n_out(net);
    for (int done = 0; done < n;) {
        int chunk = n - done < net->max_batch ? n - done : net->max_batch;
        bp_status st = bp_net_forward(net, x + (size_t)done * net->n_in,
                                      chunk);
        if (st)
            return st;
        memcpy(out + (size_t)done * n_out, bp_net_output(net),
               (size_t)chunk * n_out * sizeof *out);
        done += chunk;
    }
    return bp__ok(net);
}

static bp_status check_targets(bp_net *net, const bp_real *t)
{
    if (!t)
        return bp__fail(net, BP_ERR_NULL, "targets are NULL");
    if (!net->batch)
        return bp__fail(net, BP_ERR_STATE,
                        "no forward phase to compare targets with");
    const bp_layer *top = &net->layers[net->n_layers - 1];
    if (!bp__all_finite(t, (size_t)net->batch * top->n_out))
        return bp__fail(net, BP_ERR_NONFINITE, "targets hold NaN or Inf");
    return BP_OK;
}

bp_status bp_net_loss(bp_net *net, const bp_real *t, double *loss)
{
    if (!net)
        return BP_ERR_NULL;
    if (!loss)
        return bp__fail(net, BP_ERR_NULL, "loss is NULL");
    bp_status st = check_targets(net, t);
    if (st)
        return st;
    const bp_layer *top = &net->layers[net->n_layers - 1];
    *loss = bp__loss_value(net->loss, net->reduction, top->z, top->a, t,
                           net->batch, top->n_out);
    return bp__ok(net);
}

/* Gradient of layer l from its delta and the output of the layer below. */
static void layer_grads(bp_net *net, int l)
{
    bp_layer *ly = &net->layers[l];
    const bp_real *below = l ? net->layers[l - 1].a : net->x;
    bp__gemm_dta(&net->kc, net->batch, ly->n_out, ly->n_in, ly->delta, below,
                 net->grads + ly->w_off);
    bp__colsum(net->batch, ly->n_out, ly->delta, net->grads + ly->b_off);
}

/* delta of layer l-1 from layer l's delta and (current) weights. */
static void pass_delta_down(bp_net *net, int l)
{
    bp_layer *ly = &net->layers[l], *lo = &net->layers[l - 1];
    bp__gemm_dw(&net->kc, net->batch, ly->n_out, ly->n_in, ly->delta,
                net->params + ly->w_off, lo->delta);
    act_rows(net, lo, net->batch, 1);
}

/* Elementwise work shared by the net's threads (kernel/parallel.c): each
 * takes contiguous ranges, so the results are those of one thread. Below
 * this many values a range costs more to hand over than to do. */
enum { GRAIN = 1 << 15 };

typedef struct {
    bp_net *net;
    size_t off;
    int bad[BP_MAX_THREADS];
} optim_job;

static void optim_part(void *arg, size_t lo, size_t hi, int tid)
{
    optim_job *j = arg;
    j->bad[tid] |= bp__optim_apply(j->net, j->off + lo, hi - lo, j->net->step);
}

/* Returns non-zero if a weight written is NaN or Inf. */
static inline int optim_range(bp_net *net, size_t off, size_t count)
{
    if (!net->kc.pool || count < 2 * GRAIN) /* per-sample steps: no detour */
        return bp__optim_apply(net, off, count, net->step);
    optim_job j;
    j.net = net;
    j.off = off;
    for (int i = 0; i < net->kc.threads; i++)
        j.bad[i] = 0;
    bp__parallel(&net->kc, count, GRAIN, optim_part, &j);
    int bad = 0;
    for (int i = 0; i < net->kc.threads; i++)
        bad |= j.bad[i];
    return bad;
}

static void update_layer(bp_net *net, int l)
{
    const bp_layer *ly = &net->layers[l];
    if (!ly->freeze_w)
        net->update_nonfinite |=
            optim_range(net, ly->w_off, (size_t)ly->n_out * ly->n_in);
    if (!ly->freeze_b)
        net->update_nonfinite |= optim_range(net, ly->b_off, (size_t)ly->n_out);
}

/* The activation of a block of rows (forward) or its derivative
 * (backward), in ranges of rows over the threads. */
typedef struct {
    const bp_layer *ly;
    int backward;
} act_job;

static void act_part(void *arg, size_t lo, size_t hi, int tid)
{
    const act_job *j = arg;
    const bp_layer *ly = j->ly;
    const size_t o = lo * (size_t)ly->n_out;
    (void)tid;
    if (j->backward)
        bp__act_backward(ly->act, ly->act_param, ly->z + o, ly->a + o,
                         ly->delta + o, ly->delta + o, (int)(hi - lo), ly->n_out);
    else
        bp__act_forward(ly->act, ly->act_param, ly->z + o, ly->a + o,
                        (int)(hi - lo), ly->n_out);
}

static inline void act_rows(bp_net *net, const bp_layer *ly, int n, int backward)
{
    if (!net->kc.pool || (size_t)n * ly->n_out < GRAIN / 2) {
        if (backward) /* per-sample steps: no detour */
            bp__act_backward(ly->act, ly->act_param, ly->z, ly->a, ly->delta,
                             ly->delta, n, ly->n_out);
        else
            bp__act_forward(ly->act, ly->act_param, ly->z, ly->a, n,
                            ly->n_out);
        return;
    }
    act_job j = {ly, backward};
    const size_t rows = (GRAIN / 4 + (size_t)ly->n_out - 1) / (size_t)ly->n_out;
    bp__parallel(&net->kc, (size_t)n, rows, act_part, &j);
}

/* The backward phase in either order. With BP_ORDER_SEEDS each layer is
 * updated as soon as its gradient is known, before delta passes back
 * through it; net->step must already count this step. */
static bp_status backward(bp_net *net, const bp_real *t, double *loss,
                          bp_order order)
{
    bp_status st = check_targets(net, t);
    if (st)
        return st;
    const int top = net->n_layers - 1;
    bp_layer *ly = &net->layers[top];
    if (loss)
        *loss = bp__loss_value(net->loss, net->reduction, ly->z, ly->a, t,
                               net->batch, ly->n_out);
    bp__loss_delta(net->loss, net->reduction, ly->act, ly->act_param, ly->z,
                   ly->a, t, ly->delta, net->batch, ly->n_out);
    for (int l = top; l >= 0; l--) {
        layer_grads(net, l);
        if (order == BP_ORDER_SEEDS)
            update_layer(net, l);
        if (l > 0)
            pass_delta_down(net, l);
    }
    net->have_delta = 1;
    return BP_OK;
}

bp_status bp_net_backward(bp_net *net, const bp_real *t, double *loss)
{
    if (!net)
        return BP_ERR_NULL;
    bp_status st = backward(net, t, loss, BP_ORDER_STANDARD);
    return st ? st : bp__ok(net);
}

bp_status bp_net_update(bp_net *net)
{
    if (!net)
        return BP_ERR_NULL;
    if (!net->have_delta)
        return bp__fail(net, BP_ERR_STATE,
                        "update without a backward phase since the last "
                        "forward phase");
    if (!bp__finite_par(&net->kc, net->grads, net->n_params))
        return bp__fail(net, BP_ERR_NONFINITE,
                        "a gradient is NaN or Inf; weights left unchanged "
                        "(lower the learning rate, or clip gradients)");
    net->step++;
    int frozen = 0;
    for (int l = 0; l < net->n_layers; l++)
        frozen |= net->layers[l].freeze_w | net->layers[l].freeze_b;
    net->update_nonfinite = 0;
    if (!frozen) /* every step is elementwise: one pass over the block */
        net->update_nonfinite = optim_range(net, 0, net->n_params);
    else
        for (int l = net->n_layers - 1; l >= 0; l--)
            update_layer(net, l);
    net->have_delta = 0; /* one update per backward phase */
    return bp__ok(net);
}

/* Bits of v that are all ones in the exponent: non-zero for NaN or Inf. */
static inline unsigned nonfinite(bp_real v)
{
#ifdef BP_DOUBLE
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return (u & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL;
#else
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return (u & 0x7f800000u) == 0x7f800000u;
#endif
}

/* Is this step one for the lean path: one sample, the standard order, a
 * network whose every layer takes fewer than 16 inputs (the products'
 * plain, sequential loops), nothing frozen, no threads? */
static int small_step(const bp_net *net, int n, bp_order order)
{
    if (n != 1 || order != BP_ORDER_STANDARD || net->kc.pool ||
        net->n_layers > 8)
        return 0;
    for (int l = 0; l < net->n_layers; l++) {
        const bp_layer *ly = &net->layers[l];
        if (ly->n_in >= 16 || ly->freeze_w || ly->freeze_b)
            return 0;
    }
    return 1;
}

/* One standard-order step on one sample through a small network: the
 * per-sample training of the seeds' nets and of XOR. The same operations
 * in the same order as bp_net_forward + bp_net_backward + bp_net_update
 * (so the same numbers, bit for bit: tests/test_train.c compares them),
 * without their per-call checks, kernel choices and loop set-up, which
 * for a 2-2-1 net cost more than the arithmetic. */
static bp_status step_small(bp_net *net, const bp_real *x, const bp_real *t,
                            double *loss)
{
    const int L = net->n_layers, top = L - 1;
    const int n_out = net->layers[top].n_out;
    unsigned bad = 0;
    for (int i = 0; i < net->n_in; i++)
        bad |= nonfinite(x[i]);
    if (bad)
        return bp__fail(net, BP_ERR_NONFINITE,
                        "input holds NaN or Inf (batch of 1)");
    for (int i = 0; i < net->n_in; i++) /* a few numbers: no memcpy call */
        net->x[i] = x[i];
    /* forward: z_j = (sum_p a_p w_jp) + b_j, summed in order of p */
    const bp_real *below = net->x;
    for (int l = 0; l < L; l++) {
        bp_layer *ly = &net->layers[l];
        const bp_real *w = net->params + ly->w_off, *b = net->params + ly->b_off;
        for (int j = 0; j < ly->n_out; j++) {
            const bp_real *wj = w + (size_t)j * ly->n_in;
            bp_real s = 0;
            for (int p = 0; p < ly->n_in; p++)
                s += below[p] * wj[p];
            ly->z[j] = s + b[j];
        }
        if (ly->act == BP_ACT_SIGMOID) /* the seeds' unit, inline */
            for (int j = 0; j < ly->n_out; j++)
                ly->a[j] = bp__sigmoid(ly->z[j]);
        else
            bp__act_forward(ly->act, ly->act_param, ly->z, ly->a, 1, ly->n_out);
        below = ly->a;
    }
    net->batch = 1;
    net->have_delta = 0;
    for (int i = 0; i < n_out; i++) /* checked where backward checks them */
        bad |= nonfinite(t[i]);
    if (bad)
        return bp__fail(net, BP_ERR_NONFINITE, "targets hold NaN or Inf");
    bp_layer *out = &net->layers[top];
    if (loss)
        *loss = bp__loss_value(net->loss, net->reduction, out->z, out->a, t,
                               1, n_out);
    if (out->act == BP_ACT_SIGMOID &&
        (net->loss == BP_LOSS_BCE || net->loss == BP_LOSS_SSE)) {
        /* loss.c's deltas for one sample (its scale is 1): a - t, and
         * for SSE times the seeds' out (1 - out) */
        for (int j = 0; j < n_out; j++) {
            const bp_real d = out->a[j] - t[j];
            out->delta[j] = net->loss == BP_LOSS_BCE
                                ? d : d * out->a[j] * (1 - out->a[j]);
        }
    } else {
        bp__loss_delta(net->loss, net->reduction, out->act, out->act_param,
                       out->z, out->a, t, out->delta, 1, n_out);
    }
    /* backward: dE/dw_jp = delta_j a_p, dE/db_j = delta_j, then delta
     * below = (sum_j delta_j w_jq, j ascending) * f'(z) */
    for (int l = top; l >= 0; l--) {
        bp_layer *ly = &net->layers[l];
        const bp_real *a = l ? net->layers[l - 1].a : net->x;
        const bp_real *w = net->params + ly->w_off;
        bp_real *gw = net->grads + ly->w_off, *gb = net->grads + ly->b_off;
        for (int j = 0; j < ly->n_out; j++) {
            const bp_real dj = ly->delta[j];
            for (int p = 0; p < ly->n_in; p++)
                gw[(size_t)j * ly->n_in + p] = dj * a[p];
            gb[j] = dj;
        }
        if (l == 0)
            break;
        bp_layer *lo = &net->layers[l - 1];
        for (int q = 0; q < ly->n_in; q++)
            lo->delta[q] = ly->delta[0] * w[q];
        for (int j = 1; j < ly->n_out; j++) {
            const bp_real dj = ly->delta[j];
            const bp_real *wj = w + (size_t)j * ly->n_in;
            for (int q = 0; q < ly->n_in; q++)
                lo->delta[q] += dj * wj[q];
        }
        if (lo->act == BP_ACT_SIGMOID) /* act.c's formula, inline */
            for (int q = 0; q < lo->n_out; q++)
                lo->delta[q] = lo->delta[q] * lo->a[q] * (1 - lo->a[q]);
        else
            bp__act_backward(lo->act, lo->act_param, lo->z, lo->a, lo->delta,
                             lo->delta, 1, lo->n_out);
    }
    /* update, unless a gradient is NaN or Inf */
    for (size_t i = 0; i < net->n_params; i++)
        bad |= nonfinite(net->grads[i]);
    if (bad) {
        net->have_delta = 1; /* as after a backward phase */
        return bp__fail(net, BP_ERR_NONFINITE,
                        "a gradient is NaN or Inf; weights left unchanged "
                        "(lower the learning rate, or clip gradients)");
    }
    net->step++;
    const bp_optim *o = &net->optim;
    if (o->kind == BP_OPT_SGD && o->weight_decay == 0) { /* optim.c's sgd */
        const bp_real lr = (bp_real)o->lr;
        for (size_t i = 0; i < net->n_params; i++) {
            net->params[i] -= lr * net->grads[i];
            bad |= nonfinite(net->params[i]);
        }
        net->update_nonfinite = bad != 0;
    } else {
        net->update_nonfinite = bp__optim_apply(net, 0, net->n_params, net->step);
    }
    net->have_delta = 0;
    return bp__ok(net);
}

bp_status bp_net_train_step(bp_net *net, const bp_real *x, const bp_real *t,
                            int n, bp_order order, double *loss)
{
    if (!net)
        return BP_ERR_NULL;
    if (order != BP_ORDER_STANDARD && order != BP_ORDER_SEEDS)
        return bp__fail(net, BP_ERR_ARG, "unknown backward order %d",
                        (int)order);
    if (x && t && net->max_batch >= 1 && small_step(net, n, order))
        return step_small(net, x, t, loss);
    bp_status st = bp_net_forward(net, x, n);
    if (st)
        return st;
    if (order == BP_ORDER_STANDARD) {
        st = backward(net, t, loss, order);
        return st ? st : bp_net_update(net);
    }
    net->step++;
    st = backward(net, t, loss, order);
    if (st) {
        net->step--;
        return st;
    }
    net->have_delta = 0;
    return bp__ok(net);
}
