/*
 * internal.h - the network's memory layout and the library's private
 * helpers. Not installed; nothing here is API.
 *
 * Memory layout of a network (all owned by it, allocated by create and
 * reserve only):
 *
 *   params [n_params]   layer 0: W[n_out][n_in], b[n_out]; layer 1: ...
 *   grads  [n_params]   the same layout: dE/dW, dE/db
 *   opt_a, opt_b [n_params]   optimizer state (velocity; Adam m and v;
 *                       RPROP previous gradient and step), allocated once
 *   ws (workspace, per reserved batch size max_batch):
 *     x     [max_batch][n_in]         the batch's inputs
 *     per layer z, a, delta [max_batch][n_out]
 *     t     [max_batch][n_out]        targets the trainer gathers (one-hot
 *                                     rows made from class labels)
 */
#ifndef BP_INTERNAL_H
#define BP_INTERNAL_H

#include "backprop.h"
#include "kernel/kernel.h"

#include <math.h>
#include <stdarg.h>

/* libm in the working precision */
#ifdef BP_DOUBLE
#define bp_exp exp
#define bp_tanh tanh
#define bp_log log
#define bp_sqrt sqrt
#define bp_fabs fabs
#else
#define bp_exp expf
#define bp_tanh tanhf
#define bp_log logf
#define bp_sqrt sqrtf
#define bp_fabs fabsf
#endif

typedef struct {
    int n_in, n_out;
    bp_act act;
    bp_real act_param;
    size_t w_off, b_off; /* offsets into params / grads */
    int freeze_w, freeze_b;
    bp_real *z, *a, *delta; /* [max_batch][n_out], into the workspace */
} bp_layer;

struct bp_net {
    bp_allocator alloc;
    int n_in, n_layers;
    bp_layer *layers;
    size_t n_params;
    bp_real *params, *grads;
    bp_real *opt_a, *opt_b;
    int max_widest; /* widest layer (or input) */

    /* workspace */
    int max_batch;
    bp_real *ws;          /* one block for x, z, a, delta of every layer */
    bp_real *x;           /* [max_batch][n_in] */
    bp_real *t;           /* [max_batch][n_out of the last layer] */
    int batch;            /* rows of the last forward phase; 0 before any */
    int small;            /* at most 8 layers, each under 16 inputs: a
                         per-sample step may take the lean path (phases.c) */
    int have_delta;       /* a backward phase ran on the current forward */
    int update_nonfinite; /* the last update wrote a NaN or Inf weight */
    int grads_finite;     /* the last backward phase found every gradient
                       * finite as the products stored them; trusted only
                       * by the library's own steps, where nothing can
                       * change the gradients in between */

    /* speed: what the products run with (the kernel chosen at creation,
     * the threads, the packing space), owned by the network */
    bp_kctx kc;

    bp_loss loss;
    bp_reduction reduction;
    bp_optim optim; /* set through bp__optim_set alone, which keeps: */
    int penalty;    /* optim has L1 or L2 terms */
    int plain_sgd;  /* optim is SGD without decay or penalty (the lean
                         per-sample update, phases.c) */
    long step;      /* optimizer steps taken since the last reset */

    char err[256];
};

/* A network, with its gradient and optimizer arrays (train_arrays 1, as
 * bp_net_create) or its parameters alone (0: a network read from a model
 * file, for inference; the arrays come with its first training call). */
bp_status bp__net_create(bp_net **out, int n_in, int n_layers,
                         const bp_layer_desc *layers, const bp_allocator *alloc,
                         int train_arrays, bp_error *err);
/* The gradient and optimizer arrays, allocated (zeroed) if the network
 * has none yet: called before any step, never inside one. */
bp_status bp__net_train_arrays(bp_net *net);

/* Set the network's message and return the status. printf-style. */
bp_status bp__fail(bp_net *net, bp_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Same for a caller-owned bp_error (NULL allowed). */
bp_status bp__fail_err(bp_error *err, bp_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Clear the message at the start of a successful call. */
static inline bp_status bp__ok(bp_net *net)
{
    net->err[0] = '\0';
    return BP_OK;
}

/* ---- the one step path (phases.c), for the trainer ----
 * The trainer gathers a batch into net->x and net->t itself, having
 * checked the whole data set once, then runs the step in three parts so
 * that it can act between the backward phase and the update (sum
 * gradients across processes, clip them). A step of one sample through a
 * small network takes the lean specialisation of each part. */

/* The forward phase of the n samples in net->x. */
void bp__step_forward(bp_net *net, int n);
/* The backward phase against t[batch][n_out]; with the layer-wise order
 * it also updates each layer (and then no bp__step_update follows). */
bp_status bp__step_backward(bp_net *net, const bp_real *t, bp_order order,
                            double *loss);
/* The standard order's update from net->grads, unless a gradient is NaN
 * or Inf. trusted: nothing changed the gradients since the backward
 * phase but scaling by at most 1, so its check as they were stored
 * stands (no exchange across processes ran). */
bp_status bp__step_update(bp_net *net, int trusted);

/* ---- metrics (evaluate.c) ---- */

/* 1 for the classification losses (CE, BCE), whose accuracy is counted. */
int bp__is_classifier(const bp_net *net);
/* Samples of the last forward phase's first n classified right against
 * t[n][n_out] (CE: argmax; BCE: every output on t's side of 0.5). */
int bp__count_correct(const bp_net *net, const bp_real *t, int n);

/* ---- activations (act.c) ---- */

/* a = f(z) for a [n][m] block, row by row (softmax is per row). */
void bp__act_forward(bp_act act, bp_real param, const bp_real *z, bp_real *a,
                     int n, int m);
/* delta = g * f'(z) elementwise given z and a = f(z); for softmax the
 * Jacobian product delta_j = a_j (g_j - sum_k g_k a_k) per row. g and delta
 * may be the same array. */
void bp__act_backward(bp_act act, bp_real param, const bp_real *z,
                      const bp_real *a, const bp_real *g, bp_real *delta, int n,
                      int m);

/* dout/dnet of one neuron with net input z and output a, in double (for
 * explain); 1 for a row-wise activation. */
double bp__act_deriv_at(bp_act act, double param, double z, double a);
/* f of one row of m net inputs z, in place, in double throughout: the
 * definitions above without the working precision (explain's checks). */
void bp__act_double(bp_act act, double param, double *z, int m);
/* The activation whose out_loss is loss (BP_ACT_COUNT_ if none): the
 * output layer a BP_LOSSF_CLOSED_FORM loss needs. */
bp_act bp__act_for_loss(bp_loss loss);

/* ---- losses (loss.c) ---- */

/* E of one sample from the output layer's net inputs z[m] (overwritten),
 * in double throughout; act and param are the output layer's. */
double bp__loss_double(bp_loss loss, bp_act act, double param, double *z,
                       const bp_real *t, int m);
/* 1 if name is one of the space-separated words of list (NULL: none). */
int bp__name_in_list(const char *name, const char *list);

/* Error of outputs a (net inputs z) against t, [n][m], reduced. */
double bp__loss_value(bp_loss loss, bp_reduction red, const bp_real *z,
                      const bp_real *a, const bp_real *t, int n, int m);
/* dE/dz of the output layer into delta [n][m], including the 1/n of the
 * mean reduction. Uses the closed form a - t for BCE (sigmoid) and CE
 * (softmax); for SSE (t - a)' = a - t times f'(z). */
void bp__loss_delta(bp_loss loss, bp_reduction red, bp_act act, bp_real param,
                    const bp_real *z, const bp_real *a, const bp_real *t,
                    bp_real *delta, int n, int m);

/* 1 / (1 + e^-z) for z >= 0 and e^z / (1 + e^z) below: the exponential
 * never overflows. Written with one exponential of -|z| and a select, not
 * a branch on the sign (which a per-sample step mispredicts half the
 * time); the values are those of the two-branch form, bit for bit. Here
 * so that act.c and the per-sample step of phases.c share it. */
static inline bp_real bp__sigmoid(bp_real z)
{
    const bp_real e = bp_exp(-bp_fabs(z));
    return (z >= 0 ? 1 : e) / (1 + e);
}

/* ---- optimizer (optim.c) ---- */

bp_status bp__optim_check(const bp_optim *o, char *msg, size_t len);
/* net->optim = *o (checked), and the flags the update reads from it. */
void bp__optim_set(bp_net *net, const bp_optim *o);
/* One step of the net's optimizer on params[off..off+count) with the
 * gradients at the same place; step t >= 1 (Adam's bias correction).
 * weights: the range holds weights, whose gradients get the L1/L2 terms
 * (biases do not). Returns non-zero if a weight it wrote is NaN or Inf. */
int bp__optim_apply(bp_net *net, size_t off, size_t count, long t, int weights);

/* ---- the library's own logarithm (rng.c), for portable normals ---- */
double bp__ln(double x);

#endif
