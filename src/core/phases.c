/*
 * phases.c - the forward phase, the error, the backward phase and the
 * update, for a batch: the per-sample formulas of Matt Mazur's worked
 * example (2015) with a row per sample.
 *
 *   forward:   z_l = a_{l-1} W_l^T + b_l,  a_l = f_l(z_l)       (a_{-1} = x)
 *   output:    delta_L = dE/dz_L                                (loss.c)
 *   backward:  dE/dW_l = delta_l^T a_{l-1},  dE/db_l = sum_rows delta_l,
 *              [layer-wise order: update layer l here]
 *              delta_{l-1} = (delta_l W_l) * f'_{l-1}(z_{l-1})
 *   update:    the optimizer on every unfrozen group            (optim.c)
 *
 * There is one step path. The public calls (bp_net_forward, _backward,
 * _update, _train_step) and the trainer (trainer.c) all run the
 * functions below; a per-sample step of a small network (lean_net: no
 * threads, nothing frozen, every layer fewer than 16 inputs wide) runs the
 * same sequence specialised at compile time (the `lean` argument of the
 * always-inlined parts below): plain loops instead of the kernels' dispatch,
 * the sigmoid inline, bit tests instead of the finite checks' set-up. The
 * numbers are the same bit for bit (tests/test_train.c compares them).
 *
 * Nothing here allocates: everything lives in the workspace that create
 * and reserve sized.
 */
#include "core/internal.h"

#include <stdint.h>
#include <string.h>

/* The lean specialisation is a compile-time constant only if the step's
 * parts are inlined into its two callers. */
#if defined(__GNUC__) || defined(__clang__)
#define SPECIALISED static inline __attribute__((always_inline))
#else
#define SPECIALISED static inline
#endif

static const char msg_grad_nonfinite[] =
    "a gradient is NaN or Inf; weights left unchanged (lower the learning "
    "rate, or clip gradients)";

/* ------------------------------------------------ work split over threads */

/* Elementwise work shared by the net's threads (kernel/parallel.c): each
 * takes contiguous ranges, so the results are those of one thread. Below
 * this many values a range costs more to hand over than to do. */
enum { GRAIN = 1 << 15 };

typedef struct {
    bp_net *net;
    size_t off;
    int weights;
    int bad[BP_MAX_THREADS];
} optim_job;

static void optim_part(void *arg, size_t lo, size_t hi, int tid)
{
    optim_job *j = arg;
    j->bad[tid] |=
        bp__optim_apply(j->net, j->off + lo, hi - lo, j->net->step, j->weights);
}

/* One optimizer step on params[off..off+count), weights (with the L1/L2
 * penalty) or not; non-zero if a weight written is NaN or Inf. */
static inline int optim_range(bp_net *net, size_t off, size_t count,
                              int weights)
{
    if (!net->kc.pool || count < 2 * GRAIN) /* per-sample steps: no detour */
        return bp__optim_apply(net, off, count, net->step, weights);
    optim_job j;
    j.net = net;
    j.off = off;
    j.weights = weights;
    for (int i = 0; i < net->kc.threads; i++)
        j.bad[i] = 0;
    bp__parallel(&net->kc, count, GRAIN, optim_part, &j);
    int bad = 0;
    for (int i = 0; i < net->kc.threads; i++)
        bad |= j.bad[i];
    return bad;
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
                         ly->delta + o, ly->delta + o, (int)(hi - lo),
                         ly->n_out);
    else
        bp__act_forward(ly->act, ly->act_param, ly->z + o, ly->a + o,
                        (int)(hi - lo), ly->n_out);
}

static inline void act_rows(bp_net *net, const bp_layer *ly, int n,
                            int backward)
{
    if (!net->kc.pool || (size_t)n * ly->n_out < GRAIN / 2) {
        if (backward) /* per-sample steps: no detour */
            bp__act_backward(ly->act, ly->act_param, ly->z, ly->a, ly->delta,
                             ly->delta, n, ly->n_out);
        else
            bp__act_forward(ly->act, ly->act_param, ly->z, ly->a, n, ly->n_out);
        return;
    }
    act_job j = {ly, backward};
    const size_t rows = (GRAIN / 4 + (size_t)ly->n_out - 1) / (size_t)ly->n_out;
    bp__parallel(&net->kc, (size_t)n, rows, act_part, &j);
}

/* ---------------------------------------------- the parts of one step
 *
 * Each takes `lean`: 1 for one sample through a small network (the plain
 * loops kernel.c would choose anyway, written out without its dispatch),
 * 0 for everything else. */

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

static inline int finite_lean(const bp_real *v, size_t n)
{
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++)
        bad |= nonfinite(v[i]);
    return !bad;
}

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

/* x[n][n_in], checked, into the network's input block. */
SPECIALISED bp_status load_input(bp_net *net, const bp_real *x, int n,
                                 const int lean)
{
    const size_t len = (size_t)n * net->n_in;
    if (!lean) {
        bp_status st = check_batch(net, x, n, "x");
        if (st)
            return st;
    }
    if (!(lean ? finite_lean(x, len) : bp__all_finite(x, len)))
        return bp__fail(net, BP_ERR_NONFINITE,
                        "input holds NaN or Inf (batch of %d)", n);
    if (lean) /* a few numbers: no memcpy call */
        for (size_t i = 0; i < len; i++)
            net->x[i] = x[i];
    else
        memcpy(net->x, x, len * sizeof *x);
    return BP_OK;
}

/* z_j = (sum_p a_p w_jp) + b_j, summed in order of p, and a = f(z), for
 * one sample: kernel.c's plain loop for fewer than 16 inputs. */
static inline void layer_forward_lean(bp_layer *ly, const bp_real *w,
                                      const bp_real *b, const bp_real *below)
{
    for (int j = 0; j < ly->n_out; j++) {
        const bp_real *wj = w + (size_t)j * ly->n_in;
        bp_real s = 0;
        for (int p = 0; p < ly->n_in; p++)
            s += below[p] * wj[p];
        ly->z[j] = s + b[j];
    }
    if (ly->act == BP_ACT_SIGMOID) /* the worked example's unit, inline */
        for (int j = 0; j < ly->n_out; j++)
            ly->a[j] = bp__sigmoid(ly->z[j]);
    else
        bp__act_forward(ly->act, ly->act_param, ly->z, ly->a, 1, ly->n_out);
}

/* The forward phase of the n samples in net->x. */
SPECIALISED void forward_phase(bp_net *net, int n, const int lean)
{
    const bp_real *below = net->x;
    for (int l = 0; l < net->n_layers; l++) {
        bp_layer *ly = &net->layers[l];
        const bp_real *w = net->params + ly->w_off;
        const bp_real *b = net->params + ly->b_off;
        if (lean) {
            layer_forward_lean(ly, w, b, below);
        } else if (ly->act == BP_ACT_RELU) { /* in the product's stores */
            bp__gemm_xwt_bias(&net->kc, n, ly->n_out, ly->n_in, below, w, b,
                              ly->z, ly->a);
        } else {
            bp__gemm_xwt_bias(&net->kc, n, ly->n_out, ly->n_in, below, w, b,
                              ly->z, NULL);
            act_rows(net, ly, n, 0);
        }
        below = ly->a;
    }
    net->batch = n;
    net->have_delta = 0;
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

/* The error (into *loss if asked) and the output layer's delta. */
SPECIALISED void output_delta(bp_net *net, const bp_real *t, double *loss,
                              const int lean)
{
    bp_layer *out = &net->layers[net->n_layers - 1];
    const int n = net->batch, m = out->n_out;
    if (loss)
        *loss =
            bp__loss_value(net->loss, net->reduction, out->z, out->a, t, n, m);
    if (lean && out->act == BP_ACT_SIGMOID &&
        (net->loss == BP_LOSS_BCE || net->loss == BP_LOSS_SSE)) {
        /* loss.c's deltas for one sample (its scale is 1): a - t, and for
         * SSE times the sigmoid's out (1 - out) */
        for (int j = 0; j < m; j++) {
            const bp_real d = out->a[j] - t[j];
            out->delta[j] =
                net->loss == BP_LOSS_BCE ? d : d * out->a[j] * (1 - out->a[j]);
        }
        return;
    }
    bp__loss_delta(net->loss, net->reduction, out->act, out->act_param, out->z,
                   out->a, t, out->delta, n, m);
}

/* dE/dW = delta^T a_below and dE/db = column sums of delta, layer l. */
SPECIALISED void layer_grads(bp_net *net, int l, const int lean)
{
    const bp_layer *ly = &net->layers[l];
    const bp_real *below = l ? net->layers[l - 1].a : net->x;
    bp_real *gw = net->grads + ly->w_off, *gb = net->grads + ly->b_off;
    if (!lean) { /* each gradient checked as it is stored */
        net->grads_finite &= bp__gemm_dta(&net->kc, net->batch, ly->n_out,
                                          ly->n_in, ly->delta, below, gw);
        bp__colsum(net->batch, ly->n_out, ly->delta, gb);
        net->grads_finite &= bp__all_finite(gb, (size_t)ly->n_out);
        return;
    }
    for (int j = 0; j < ly->n_out; j++) { /* dE/dw_jp = delta_j a_p */
        const bp_real dj = ly->delta[j];
        for (int p = 0; p < ly->n_in; p++)
            gw[(size_t)j * ly->n_in + p] = dj * below[p];
        gb[j] = dj;
    }
}

/* delta of layer l-1 from layer l's delta and its (current) weights. */
SPECIALISED void pass_delta_down(bp_net *net, int l, const int lean)
{
    const bp_layer *ly = &net->layers[l];
    bp_layer *lo = &net->layers[l - 1];
    const bp_real *w = net->params + ly->w_off;
    if (!lean) { /* ReLU's derivative in the product's stores */
        const int relu = lo->act == BP_ACT_RELU;
        bp__gemm_dw(&net->kc, net->batch, ly->n_out, ly->n_in, ly->delta, w,
                    lo->delta, relu ? lo->z : NULL);
        if (!relu)
            act_rows(net, lo, net->batch, 1);
        return;
    }
    /* sum_j delta_j w_jq, j ascending, then times f'(z) */
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

/* layer_grads and pass_delta_down of layer l > 0 in the standard order
 * (not lean): their products both read delta and are independent, so
 * they run as one job for the threads (bp__gemm_backward). */
static void grads_and_delta(bp_net *net, int l)
{
    const bp_layer *ly = &net->layers[l];
    bp_layer *lo = &net->layers[l - 1];
    bp_real *gw = net->grads + ly->w_off, *gb = net->grads + ly->b_off;
    const int relu = lo->act == BP_ACT_RELU;
    net->grads_finite &= bp__gemm_backward(
        &net->kc, net->batch, ly->n_out, ly->n_in, ly->delta, lo->a, gw,
        net->params + ly->w_off, lo->delta, relu ? lo->z : NULL);
    bp__colsum(net->batch, ly->n_out, ly->delta, gb);
    net->grads_finite &= bp__all_finite(gb, (size_t)ly->n_out);
    if (!relu)
        act_rows(net, lo, net->batch, 1);
}

static int any_frozen(const bp_net *net)
{
    for (int l = 0; l < net->n_layers; l++)
        if (net->layers[l].freeze_w | net->layers[l].freeze_b)
            return 1;
    return 0;
}

/* Is a per-sample step of this network one for the lean path: a small
 * shape (net->small: at most 8 layers, each under 16 inputs, so the
 * products' plain sequential loops), no threads, nothing frozen? */
static inline int lean_net(const bp_net *net)
{
    return net->small && !net->kc.pool && !any_frozen(net);
}

/* The optimizer on layer l's unfrozen groups. */
static void update_layer(bp_net *net, int l)
{
    const bp_layer *ly = &net->layers[l];
    if (!ly->freeze_w)
        net->update_nonfinite |=
            optim_range(net, ly->w_off, (size_t)ly->n_out * ly->n_in, 1);
    if (!ly->freeze_b)
        net->update_nonfinite |=
            optim_range(net, ly->b_off, (size_t)ly->n_out, 0);
}

/* The backward phase against t for the batch of the last forward phase,
 * in either order. With the layer-wise order each layer is updated as
 * soon as its gradient is known, before delta passes down through it, and
 * the step is counted here (Adam's bias correction needs it). */
SPECIALISED bp_status backward_phase(bp_net *net, const bp_real *t,
                                     bp_order order, double *loss,
                                     const int lean)
{
    const int layerwise = order == BP_ORDER_LAYERWISE;
    if (lean ? !finite_lean(t, (size_t)net->layers[net->n_layers - 1].n_out)
             : 0)
        return bp__fail(net, BP_ERR_NONFINITE, "targets hold NaN or Inf");
    if (!lean) {
        bp_status st = check_targets(net, t);
        if (st)
            return st;
    }
    output_delta(net, t, loss, lean);
    net->grads_finite = !lean;
    if (layerwise) {
        net->step++;
        net->update_nonfinite = 0;
    }
    for (int l = net->n_layers - 1; l >= 0; l--) {
        if (!lean && !layerwise && l > 0) {
            grads_and_delta(net, l);
            continue;
        }
        layer_grads(net, l, lean);
        if (layerwise)
            update_layer(net, l);
        if (l > 0)
            pass_delta_down(net, l, lean);
    }
    net->have_delta = !layerwise; /* layer-wise: updated already */
    return BP_OK;
}

/* w -= lr * g on every parameter (plain SGD), each weight checked. */
static inline int sgd_lean(bp_net *net)
{
    const bp_real lr = (bp_real)net->optim.lr;
    unsigned bad = 0;
    for (size_t i = 0; i < net->n_params; i++) {
        net->params[i] -= lr * net->grads[i];
        bad |= nonfinite(net->params[i]);
    }
    return bad != 0;
}

/* The update of the standard order from the gradients in net->grads,
 * unless one of them is NaN or Inf (trusted: see bp__step_update). */
SPECIALISED bp_status update_phase(bp_net *net, const int lean, int trusted)
{
    if (!(lean ? finite_lean(net->grads, net->n_params)
              : trusted && net->grads_finite
              ? 1
              : bp__finite_par(&net->kc, net->grads, net->n_params)))
        return bp__fail(net, BP_ERR_NONFINITE, "%s", msg_grad_nonfinite);
    net->step++;
    if (lean && net->plain_sgd) {
        net->update_nonfinite = sgd_lean(net); /* optim.c's sgd, inline */
    } else if (!net->penalty && (lean || !any_frozen(net))) {
        /* every step is elementwise: one pass over the block */
        net->update_nonfinite = optim_range(net, 0, net->n_params, 0);
    } else { /* frozen groups, or a penalty for the weights alone */
        net->update_nonfinite = 0;
        for (int l = net->n_layers - 1; l >= 0; l--)
            update_layer(net, l);
    }
    net->have_delta = 0; /* one update per backward phase */
    return bp__ok(net);
}

/* One whole step on x[n][n_in] and t[n][n_out]. */
SPECIALISED bp_status train_step(bp_net *net, const bp_real *x,
                                 const bp_real *t, int n, bp_order order,
                                 double *loss, const int lean)
{
    bp_status st = load_input(net, x, n, lean);
    if (st)
        return st;
    forward_phase(net, n, lean);
    if ((st = backward_phase(net, t, order, loss, lean)))
        return st;
    return order == BP_ORDER_LAYERWISE ? bp__ok(net)
                                       : update_phase(net, lean, 1);
}

static bp_status train_step_lean(bp_net *net, const bp_real *x,
                                 const bp_real *t, bp_order order, double *loss)
{
    return train_step(net, x, t, 1, order, loss, 1);
}

static bp_status train_step_any(bp_net *net, const bp_real *x, const bp_real *t,
                                int n, bp_order order, double *loss)
{
    return train_step(net, x, t, n, order, loss, 0);
}

/* ------------------------------------------ the step, for the trainer */

void bp__step_forward(bp_net *net, int n)
{
    if (n == 1 && lean_net(net))
        forward_phase(net, 1, 1);
    else
        forward_phase(net, n, 0);
}

bp_status bp__step_backward(bp_net *net, const bp_real *t, bp_order order,
                            double *loss)
{
    if (net->batch == 1 && lean_net(net))
        return backward_phase(net, t, order, loss, 1);
    return backward_phase(net, t, order, loss, 0);
}

bp_status bp__step_update(bp_net *net, int trusted)
{
    return lean_net(net) ? update_phase(net, 1, 0)
                         : update_phase(net, 0, trusted);
}

/* ------------------------------------------------------- the public calls */

bp_status bp_net_forward(bp_net *net, const bp_real *x, int n)
{
    if (!net)
        return BP_ERR_NULL;
    bp_status st = load_input(net, x, n, 0);
    if (st)
        return st;
    forward_phase(net, n, 0);
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
    const int n_out = net->layers[net->n_layers - 1].n_out;
    for (int done = 0; done < n;) {
        int chunk = n - done < net->max_batch ? n - done : net->max_batch;
        bp_status st = bp_net_forward(net, x + (size_t)done * net->n_in, chunk);
        if (st)
            return st;
        memcpy(out + (size_t)done * n_out, bp_net_output(net),
               (size_t)chunk * n_out * sizeof *out);
        done += chunk;
    }
    return bp__ok(net);
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

bp_status bp_net_backward(bp_net *net, const bp_real *t, double *loss)
{
    if (!net)
        return BP_ERR_NULL;
    bp_status st = bp__net_train_arrays(net); /* a model read for inference */
    if (st)
        return st;
    st = backward_phase(net, t, BP_ORDER_STANDARD, loss, 0);
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
    return update_phase(net, 0, 0); /* the caller may have changed them */
}

bp_status bp_net_train_step(bp_net *net, const bp_real *x, const bp_real *t,
                            int n, bp_order order, double *loss)
{
    if (!net)
        return BP_ERR_NULL;
    if (order != BP_ORDER_STANDARD && order != BP_ORDER_LAYERWISE)
        return bp__fail(net, BP_ERR_ARG, "unknown backward order %d",
                        (int)order);
    bp_status st; /* a model read for inference has no training arrays */
    if (!net->grads && (st = bp__net_train_arrays(net)))
        return st;
    if (n == 1 && x && t && lean_net(net))
        return train_step_lean(net, x, t, order, loss);
    return train_step_any(net, x, t, n, order, loss);
}
