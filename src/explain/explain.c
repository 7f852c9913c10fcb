/*
 * explain.c - the forward and backward phase written out number by
 * number, the way Matt Mazur's worked example (2015) does it by hand.
 *
 * The values shown are read from the library's own phases run on a copy
 * of the network (z, out, delta, gradients, updated weights); this file
 * only prints them and the chain-rule factors they are products of, in
 * plain text or in Markdown with LaTeX. With --check, each gradient gets
 * its central finite difference beside it.
 */
#include "explain/check.h"
#include "explain/summary.h"
#include "explain/write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bp_explain_opts bp_explain_defaults(void)
{
    bp_explain_opts o;
    memset(&o, 0, sizeof o);
    o.format = BP_EXPLAIN_TEXT;
    o.lr = 0.5;
    o.steps = 1;
    o.order = BP_EXPLAIN_ORDER_BOTH;
    o.check = 0;
    o.max_weights = 50;
    o.view = BP_EXPLAIN_AUTO;
    o.top = 5;
    return o;
}

/* ------------------------------------------------------ the phases */

static long count_weights(const bp_net *net)
{
    long n = 0;
    for (int l = 0; l < net->n_layers; l++)
        n += (long)net->layers[l].n_out * net->layers[l].n_in;
    return n;
}

static const bp_real *below_out(const bp_net *net, int l)
{
    return l ? net->layers[l - 1].a : net->x;
}

/* An input is given (shortest exact form); a hidden output is computed. */
static const char *operand(out_t *o, int l, double v)
{
    return l ? bp__num(o, v) : bp__given(o, v);
}

/* out = f(net) of neuron j of layer l, with f written out with the
 * number where the table asks for it (the worked example's sigmoid). */
static void output_line(out_t *o, int l, int j)
{
    const bp_layer *ly = &o->net->layers[l];
    const bp_act_info *f = bp_act_describe(ly->act);
    bp__eq_begin(o);
    bp__emit(o, "%s = %s(%s) = ", bp__sym(o, S_OUT, l, j, 0),
             o->md ? f->symbol_tex : f->symbol, bp__sym(o, S_NET, l, j, 0));
    if (f->flags & BP_ACTF_EXPAND) /* e^-net with one sign: e^0.02 */
        bp__emit(o, "%s = ",
                 bp__subst_neg(o, o->md ? f->formula_tex : f->formula,
                               bp__num(o, ly->z[j]), bp__negated(o, ly->z[j]),
                               NULL, NULL));
    bp__emit(o, "%s", bp__num(o, ly->a[j]));
    bp__eq_end(o);
}

static void forward_detail(out_t *o, const bp_net *net)
{
    bp__heading(o, "Forward phase");
    for (int l = 0; l < net->n_layers; l++) {
        const bp_layer *ly = &net->layers[l];
        char title[96];
        snprintf(title, sizeof title, "Layer %d (%s, %s)", l + 1,
                 l == net->n_layers - 1 ? "output" : "hidden",
                 bp_act_name(ly->act));
        bp__subheading(o, title);
        const bp_real *in = below_out(net, l);
        for (int j = 0; j < ly->n_out; j++) {
            const bp_real *w = net->params + ly->w_off + (size_t)j * ly->n_in;
            bp__eq_begin(o);
            bp__emit(o, "%s = ", bp__sym(o, S_NET, l, j, 0));
            for (int k = 0; k < ly->n_in; k++)
                bp__emit(o, "%s%s%s + ", bp__sym(o, S_W, l, j, k), bp__times(o),
                         bp__sym(o, S_OUT, l - 1, k, 0));
            bp__emit(o, "%s = ", bp__sym(o, S_B, l, j, 0));
            for (int k = 0; k < ly->n_in; k++)
                bp__emit(o, "%s%s%s + ", bp__given(o, w[k]), bp__times(o),
                         operand(o, l, in[k]));
            bp__emit(o, "%s = %s", bp__given(o, net->params[ly->b_off + j]),
                     bp__num(o, ly->z[j]));
            bp__eq_end(o);
            output_line(o, l, j);
        }
    }
}

/* E of output j: its term of the loss in symbols, then (where the table
 * asks) in numbers, then its value (the library's loss of that output). */
static void error_term(out_t *o, const bp_loss_info *e, const bp_real *t, int j)
{
    const int L = o->net->n_layers;
    const bp_layer *top = &o->net->layers[L - 1];
    const char *term = o->md ? e->term_tex : e->term;
    double v = bp__loss_value(o->net->loss, BP_REDUCE_SUM, top->z + j,
                              top->a + j, t + j, 1, 1);
    bp__eq_begin(o);
    bp__emit(o, o->md ? "E_{o%d} = %s" : "E_o%d = %s", j + 1,
             bp__subst(o, term, NULL, bp__sym(o, S_OUT, L - 1, j, 0),
                       bp__sym(o, S_T, L - 1, j, 0)));
    if (e->flags & BP_LOSSF_EXPAND)
        bp__emit(o, " = %s",
                 bp__subst(o, term, NULL, bp__num(o, top->a[j]),
                           bp__given(o, t[j])));
    bp__emit(o, " = %s", bp__num(o, v));
    bp__eq_end(o);
}

static void error_detail(out_t *o, const bp_net *net, const bp_real *t,
                         double e_total)
{
    const bp_loss_info *e = bp_loss_describe(net->loss);
    bp__heading(o, "Error");
    for (int j = 0; e->term && j < net->layers[net->n_layers - 1].n_out; j++)
        error_term(o, e, t, j);
    bp__eq_begin(o);
    bp__emit(o, "%s = %s", o->md ? e->total_tex : e->total,
             bp__num(o, e_total));
    bp__eq_end(o);
}

/* dE/dout of neuron (l, j): the output's from the loss, a hidden one's as
 * the sum over the layer above of delta * weight. Prints and returns it. */
static double dE_dout(out_t *o, const bp_net *net, const bp_real *t, int l,
                      int j)
{
    const int L = net->n_layers;
    char outn[48]; /* held across many formatting calls: a copy */
    snprintf(outn, sizeof outn, "%s", bp__sym(o, S_OUT, l, j, 0));
    bp__eq_begin(o);
    bp__emit(o, "%s = ", bp__partial(o, "E", outn));
    double g = 0;
    if (l == L - 1) {
        const bp_layer *ly = &net->layers[l];
        g = (double)ly->a[j] - t[j];
        bp__emit(o, "%s - %s = %s - %s = %s", outn, bp__sym(o, S_T, l, j, 0),
                 bp__num(o, ly->a[j]), bp__given(o, t[j]), bp__num(o, g));
    } else {
        const bp_layer *up = &net->layers[l + 1];
        for (int i = 0; i < up->n_out; i++)
            bp__emit(o, "%s%s%s%s", i ? " + " : "",
                     bp__sym(o, S_DELTA, l + 1, i, 0), bp__times(o),
                     bp__sym(o, S_W, l + 1, i, j));
        bp__emit(o, " = ");
        for (int i = 0; i < up->n_out; i++) {
            double d = up->delta[i],
                   w = net->params[up->w_off + (size_t)i * up->n_in + j];
            bp__emit(o, "%s%s%s%s", i ? " + " : "", bp__num(o, d), bp__times(o),
                     bp__given(o, w));
            g += d * w;
        }
        bp__emit(o, " = %s", bp__num(o, g));
    }
    bp__eq_end(o);
    return g;
}

/* delta of neuron j of the output layer under a loss in closed form: out
 * - t, and why. */
static void delta_closed(out_t *o, const bp_real *t, int l, int j,
                         const char *d)
{
    const bp_layer *ly = &o->net->layers[l];
    bp__eq_begin(o);
    bp__emit(o, "%s = %s - %s = %s - %s = %s", d, bp__sym(o, S_OUT, l, j, 0),
             bp__sym(o, S_T, l, j, 0), bp__num(o, ly->a[j]), bp__given(o, t[j]),
             bp__num(o, ly->delta[j]));
    bp__eq_end(o);
    bp__emit(o,
             o->md ? "(%s and cross-entropy: $\\frac{\\partial E}"
                     "{\\partial out} \\cdot \\frac{\\partial out}"
                     "{\\partial net}$ cancels to $out - t$.)\n\n"
                   : "    (%s + cross-entropy: dE/dout * dout/dnet "
                     "cancels to out - t)\n",
             bp_act_name(ly->act));
}

/* delta of neuron j of layer l by the chain rule: dE/dout, then dout/dnet
 * from the activation's formula, then their product. */
static void delta_chain(out_t *o, const bp_real *t, int l, int j, const char *d)
{
    const bp_layer *ly = &o->net->layers[l];
    const bp_act_info *f = bp_act_describe(ly->act);
    double g = dE_dout(o, o->net, t, l, j);
    char outn[48], netn[48]; /* held across many formatting calls: copies */
    snprintf(outn, sizeof outn, "%s", bp__sym(o, S_OUT, l, j, 0));
    snprintf(netn, sizeof netn, "%s", bp__sym(o, S_NET, l, j, 0));
    if (f->flags & BP_ACTF_ROWWISE) { /* the Jacobian's product, as a whole */
        bp__eq_begin(o);
        bp__emit(o, "%s = %s = %s", d,
                 o->md ? f->derivative_tex : f->derivative,
                 bp__num(o, ly->delta[j]));
        bp__eq_end(o);
        return;
    }
    double fd = bp__act_deriv_at(ly->act, ly->act_param, ly->z[j], ly->a[j]);
    bp__eq_begin(o);
    bp__emit(o, "%s = %s = %s", bp__partial(o, outn, netn),
             bp__subst(o, o->md ? f->derivative_tex : f->derivative, netn, outn,
                       NULL),
             bp__num(o, fd));
    bp__eq_end(o);
    bp__eq_begin(o);
    bp__emit(o, "%s = %s%s%s = %s%s%s = %s", d, bp__partial(o, "E", outn),
             bp__times(o), bp__partial(o, outn, netn), bp__num(o, g),
             bp__times(o), bp__num(o, fd), bp__num(o, ly->delta[j]));
    bp__eq_end(o);
}

/* dE/dw of every weight into neuron j of layer l, and dE/db: delta times
 * the input it multiplies; with the finite difference and frozen marks. */
static void gradient_lines(out_t *o, int l, int j, const char *d,
                           const double *fd)
{
    const bp_net *net = o->net;
    const bp_layer *ly = &net->layers[l];
    const bp_real *in = below_out(net, l);
    for (int k = 0; k <= ly->n_in; k++) {
        const int is_b = k == ly->n_in;
        size_t idx =
            is_b ? ly->b_off + j : ly->w_off + (size_t)j * ly->n_in + k;
        bp__eq_begin(o);
        if (is_b)
            bp__emit(o, "%s = %s = %s",
                     bp__partial(o, "E", bp__sym(o, S_B, l, j, 0)), d,
                     bp__num(o, net->grads[idx]));
        else
            bp__emit(o, "%s = %s%s%s = %s%s%s = %s",
                     bp__partial(o, "E", bp__sym(o, S_W, l, j, k)), d,
                     bp__times(o), bp__sym(o, S_OUT, l - 1, k, 0),
                     bp__num(o, ly->delta[j]), bp__times(o),
                     operand(o, l, in[k]), bp__num(o, net->grads[idx]));
        if (fd)
            bp__emit(o,
                     o->md ? "\\quad \\text{(finite difference: %s)}"
                           : "   [finite difference %s]",
                     bp__num(o, fd[idx]));
        if ((is_b && ly->freeze_b) || (!is_b && ly->freeze_w))
            bp__emit(o, o->md ? "\\quad \\text{(frozen)}" : "   (frozen)");
        bp__eq_end(o);
    }
}

static void backward_layer(out_t *o, const bp_real *t, int l, const double *fd)
{
    const bp_net *net = o->net;
    const int closed = l == net->n_layers - 1 &&
        (bp_loss_describe(net->loss)->flags & BP_LOSSF_CLOSED_FORM);
    for (int j = 0; j < net->layers[l].n_out; j++) {
        char d[48]; /* held across many formatting calls: a copy */
        snprintf(d, sizeof d, "%s", bp__sym(o, S_DELTA, l, j, 0));
        if (closed)
            delta_closed(o, t, l, j, d);
        else
            delta_chain(o, t, l, j, d);
        gradient_lines(o, l, j, d, fd);
    }
}

static void backward_detail(out_t *o, const bp_net *net, const bp_real *t,
                            const double *fd)
{
    bp__heading(o, "Backward phase");
    for (int l = net->n_layers - 1; l >= 0; l--) {
        char title[96];
        snprintf(title, sizeof title, "Layer %d (%s)", l + 1,
                 l == net->n_layers - 1 ? "output" : "hidden");
        bp__subheading(o, title);
        backward_layer(o, t, l, fd);
    }
}

static void update_detail(out_t *o, const bp_net *before, const bp_net *after,
                          double lr)
{
    char title[96];
    snprintf(title, sizeof title, "Update (gradient descent, learning rate %s)",
             bp__given(o, lr));
    bp__heading(o, title);
    for (int l = before->n_layers - 1; l >= 0; l--) {
        const bp_layer *ly = &before->layers[l];
        for (int j = 0; j < ly->n_out; j++)
            for (int k = 0; k <= ly->n_in; k++) {
                const int is_b = k == ly->n_in;
                if ((is_b && ly->freeze_b) || (!is_b && ly->freeze_w))
                    continue;
                size_t idx =
                    is_b ? ly->b_off + j : ly->w_off + (size_t)j * ly->n_in + k;
                const char *name =
                    is_b ? bp__sym(o, S_B, l, j, 0) : bp__sym(o, S_W, l, j, k);
                bp__eq_begin(o);
                bp__emit(o,
                         o->md ? "%s^{+} = %s - \\eta %s = %s - %s%s%s = %s"
                               : "%s+ = %s - lr * %s = %s - %s%s%s = %s",
                         name, name, bp__partial(o, "E", name),
                         bp__given(o, before->params[idx]), bp__given(o, lr),
                         bp__times(o), bp__num(o, before->grads[idx]),
                         bp__num(o, after->params[idx]));
                bp__eq_end(o);
            }
        int frozen = ly->freeze_w + ly->freeze_b;
        if (frozen)
            bp__emit(o,
                     o->md ? "Layer %d: %s frozen, not updated.\n\n"
                           : "    (layer %d: %s frozen, not updated)\n",
                     l + 1,
                     frozen == 2        ? "weights and biases"
                         : ly->freeze_w ? "weights"
                                        : "biases");
    }
}

/* ---------------------------------------------------------- the driver */

typedef struct {
    bp_net *net;
    double e_after1, e_after_n;
    const bp_real *out_n; /* outputs after n steps */
    bp_real *first_grads; /* gradients of the first update */
} run_t;

/* Train a copy for `steps` updates in one order; record errors. */
static bp_status run_order(const bp_net *src, const bp_real *x,
                           const bp_real *t, int steps, bp_order order,
                           run_t *r)
{
    bp_status st = bp_net_clone(src, &r->net);
    for (int i = 0; !st && i < steps; i++) {
        st = bp_net_train_step(r->net, x, t, 1, order, NULL);
        if (!st && i == 0 && r->first_grads)
            memcpy(r->first_grads, r->net->grads,
                   r->net->n_params * sizeof(bp_real));
        if (!st && i == 0) {
            st = bp_net_forward(r->net, x, 1);
            if (!st)
                st = bp_net_loss(r->net, t, &r->e_after1);
        }
    }
    if (!st)
        st = bp_net_forward(r->net, x, 1);
    if (!st)
        st = bp_net_loss(r->net, t, &r->e_after_n);
    r->out_n = bp_net_output(r->net);
    return st;
}

/* The hidden layers' gradients in both orders, side by side. */
static void hidden_grads_both(out_t *o, const bp_net *net,
                              const bp_real *layerwise_grads)
{
    if (o->md)
        bp__emit(o,
                 "\nThe hidden layers' gradients in both orders:\n\n"
                 "| | standard order | layer-wise order |\n|---|---|---|\n");
    else
        bp__emit(o, "\n    %-22s %16s %16s\n", "hidden gradients",
                 "standard order", "layer-wise order");
    for (int l = net->n_layers - 2; l >= 0; l--) {
        const bp_layer *ly = &net->layers[l];
        for (int j = 0; j < ly->n_out; j++)
            for (int k = 0; k < ly->n_in; k++) {
                size_t idx = ly->w_off + (size_t)j * ly->n_in + k;
                char name[64];
                snprintf(name, sizeof name, "%s",
                         bp__partial(o, "E", bp__sym(o, S_W, l, j, k)));
                bp__emit(
                    o, o->md ? "| $%s$ | %s | %s |\n" : "    %-22s %16s %16s\n",
                    name, bp__num(o, net->grads[idx]),
                    bp__num(o, layerwise_grads[idx]));
            }
    }
}

static void orders_detail(out_t *o, const bp_explain_opts *opts,
                          const run_t *std, const run_t *layerwise, int n_out,
                          int L)
{
    char title[96];
    bp__heading(o, "After the update");
    const int both = opts->order == BP_EXPLAIN_ORDER_BOTH;
    if (both)
        bp__emit(o,
                 o->md ? "| | standard order | layer-wise order |\n"
                         "|---|---|---|\n"
                       : "    %-28s %16s %16s\n",
                 "", "standard order", "layer-wise order");
    const run_t *one =
        opts->order == BP_EXPLAIN_ORDER_LAYERWISE ? layerwise : std;
    snprintf(title, sizeof title, "E_total after 1 update");
    if (both)
        bp__emit(o, o->md ? "| %s | %s | %s |\n" : "    %-28s %16s %16s\n",
                 title, bp__num(o, std->e_after1),
                 bp__num(o, layerwise->e_after1));
    else
        bp__emit(o, o->md ? "%s: %s\n\n" : "    %s: %s\n", title,
                 bp__num(o, one->e_after1));
    if (opts->steps > 1) {
        snprintf(title, sizeof title, "E_total after %d updates", opts->steps);
        if (both)
            bp__emit(o, o->md ? "| %s | %s | %s |\n" : "    %-28s %16s %16s\n",
                     title, bp__num(o, std->e_after_n),
                     bp__num(o, layerwise->e_after_n));
        else
            bp__emit(o, o->md ? "%s: %s\n\n" : "    %s: %s\n", title,
                     bp__num(o, one->e_after_n));
        for (int j = 0; j < n_out; j++) {
            snprintf(title, sizeof title, "out_o%d after %d", j + 1,
                     opts->steps);
            if (both)
                bp__emit(o,
                         o->md ? "| %s | %s | %s |\n" : "    %-28s %16s %16s\n",
                         title, bp__num(o, std->out_n[j]),
                         bp__num(o, layerwise->out_n[j]));
            else
                bp__emit(o, o->md ? "%s: %s\n\n" : "    %s: %s\n", title,
                         bp__num(o, one->out_n[j]));
        }
    }
    if (!both && opts->order == BP_EXPLAIN_ORDER_LAYERWISE && L > 1 &&
        o->net->n_params <= (size_t)opts->max_weights * 2 &&
        layerwise->first_grads)
        hidden_grads_both(o, o->net, layerwise->first_grads);
    if (both) {
        if (L > 1 && o->net->n_params <= (size_t)opts->max_weights * 2 &&
            layerwise->first_grads)
            hidden_grads_both(o, o->net, layerwise->first_grads);
        bp__emit(o, "\n");
        if (L > 1)
            bp__emit(o,
                     "%sThe standard order takes every gradient at the weights "
                     "of the forward phase. The layer-wise order updates the "
                     "output layer first and then passes delta back through "
                     "the already-updated output weights, so the hidden "
                     "layers' gradients (and so the error after the update) "
                     "differ slightly; it is how Matt Mazur's worked example "
                     "(2015) computed its published figures.\n",
                     o->md ? "" : "    ");
        else
            bp__emit(o,
                     "%sWith one layer nothing passes back through updated "
                     "weights: the two orders are the same.\n",
                     o->md ? "" : "    ");
    }
}

/* Everything explain shows, computed before a word is written. */
typedef struct {
    bp_net *net;    /* a copy on plain gradient descent, after its forward
                       and backward phase on the sample */
    double *fd;     /* finite differences of every parameter, or NULL */
    double e_total; /* the error of the forward phase */
    run_t std, layerwise;
    bp_allocator alloc; /* the network's: every allocation */
} work_t;

static bp_status compute(const bp_net *src, const bp_real *x, const bp_real *t,
                         const bp_explain_opts *opts, int full, work_t *w)
{
    bp_optim sgd = bp_optim_defaults(BP_OPT_SGD);
    sgd.lr = opts->lr;
    w->alloc = src->alloc;
    bp_status st = bp_net_clone(src, &w->net);
    bp_net *net = w->net;
    if (!st)
        st = bp_net_set_optim(net, &sgd);
    if (!st && opts->check && full) { /* the summary checks a few */
        w->fd = bp__alloc(&w->alloc, net->n_params * sizeof *w->fd);
        st = w->fd ? bp__finite_differences(net, x, t, w->fd) : BP_ERR_NOMEM;
    }
    if (!st)
        st = bp_net_forward(net, x, 1);
    if (!st)
        st = bp_net_backward(net, t, &w->e_total);
    if (!st &&
        !(w->layerwise.first_grads =
              bp__alloc(&w->alloc, net->n_params * sizeof(bp_real))))
        st = BP_ERR_NOMEM;
    if (!st)
        st = run_order(net, x, t, opts->steps, BP_ORDER_STANDARD, &w->std);
    if (!st)
        st = run_order(net, x, t, opts->steps, BP_ORDER_LAYERWISE,
                       &w->layerwise);
    return st;
}

static void work_free(work_t *w)
{
    bp__free(&w->alloc, w->fd);
    bp_net_free(w->net);
    bp_net_free(w->std.net);
    bp_net_free(w->layerwise.net);
    bp__free(&w->alloc, w->layerwise.first_grads);
}

/* The network, the sample and its target. */
static void intro(out_t *o, const bp_real *x, const bp_real *t,
                  const char *sample)
{
    const bp_net *net = o->net;
    const int L = net->n_layers;
    bp__emit(o,
             o->md ? "# Backpropagation, number by number\n\n"
                   : "Backpropagation, number by number\n");
    bp__emit(o, o->md ? "Network: %d inputs" : "  network: %d inputs",
             net->n_in);
    for (int l = 0; l < L; l++)
        bp__emit(o, ", %d %s", net->layers[l].n_out,
                 bp_act_name(net->layers[l].act));
    bp__emit(o, o->md ? "; loss %s; %s precision.\n" : "; loss %s; %s\n",
             bp_loss_name(net->loss),
             sizeof(bp_real) == 8 ? "double" : "float32");
    if (sample)
        bp__emit(o, o->md ? "\nSample: %s.\n" : "  sample: %s\n", sample);
    bp__emit(o, o->md ? "\nInput:" : "  input:");
    for (int k = 0; k < net->n_in; k++)
        bp__emit(o, o->md ? "%s $%s = %s$" : "%s %s = %s", k ? "," : "",
                 bp__sym(o, S_OUT, -1, k, 0), bp__given(o, x[k]));
    bp__emit(o, "; target:");
    for (int j = 0; j < net->layers[L - 1].n_out; j++)
        bp__emit(o, o->md ? "%s $%s = %s$" : "%s %s = %s", j ? "," : "",
                 bp__sym(o, S_T, L - 1, j, 0), bp__given(o, t[j]));
    bp__emit(o, "\n");
}

/* The update of the chosen order, weight by weight (both orders: the
 * standard one; the comparison follows). The layer-wise order's update is
 * shown with the gradients it used. */
static void update_shown(out_t *o, const bp_real *x, const bp_real *t,
                         const bp_explain_opts *opts, work_t *w)
{
    bp_net *net = w->net;
    const size_t bytes = net->n_params * sizeof(bp_real);
    const int layerwise = opts->order == BP_EXPLAIN_ORDER_LAYERWISE;
    bp_real *std_grads = layerwise ? bp__alloc(&w->alloc, bytes) : NULL;
    if (std_grads) {
        memcpy(std_grads, net->grads, bytes);
        memcpy(net->grads, w->layerwise.first_grads, bytes);
    }
    bp_net *after;
    if (!bp_net_clone(net, &after)) {
        bp_net_train_step(after, x, t, 1,
                          layerwise ? BP_ORDER_LAYERWISE : BP_ORDER_STANDARD,
                          NULL);
        update_detail(o, net, after, opts->lr);
        bp_net_free(after);
    }
    /* the backward phase above took every gradient at the forward
     * phase's weights: say why the hidden ones here differ */
    if (layerwise && net->n_layers > 1)
        bp__emit(o,
                 "%sThe layer-wise order updates the output layer first and "
                 "passes delta back through its updated weights, so the "
                 "hidden layers' dE/dw in this update differ from the "
                 "backward phase's above (taken at the weights of the "
                 "forward phase); both are set side by side below.\n",
                 o->md ? "\n" : "\n    ");
    if (std_grads) {
        memcpy(net->grads, std_grads, bytes);
        bp__free(&w->alloc, std_grads);
    }
}

/* The full walk, or the summary: what opts ask of a network this size. */
static int full_walk(const bp_net *net, const bp_explain_opts *opts)
{
    return opts->view == BP_EXPLAIN_FULL ||
        (opts->view == BP_EXPLAIN_AUTO &&
         count_weights(net) <= opts->max_weights);
}

bp_status bp__explain_check_args(const bp_net *net, const bp_real *x,
                                 const bp_real *t, const bp_explain_opts *opts,
                                 bp_write_fn write, bp_error *err)
{
    if (!net || !x || !t || !opts || !write)
        return bp__fail_err(err, BP_ERR_NULL, "explain: %s is NULL",
                            !net        ? "net"
                                : !x    ? "x"
                                : !t    ? "t"
                                : !opts ? "opts"
                                        : "write");
    const char *why = !(opts->lr > 0 && opts->lr < 1e30) ? "lr must be > 0"
        : opts->steps < 1 || opts->steps > 100000000
        ? "steps must be 1 to 100000000"
        : (unsigned)opts->order > 2  ? "unknown order"
        : (unsigned)opts->format > 1 ? "unknown format"
        : (unsigned)opts->view > 2   ? "unknown view"
        : opts->top < 1              ? "top must be >= 1"
        : opts->n_classes < 0 || (opts->n_classes > 0 && !opts->class_names)
        ? "n_classes needs as many class_names"
        : NULL;
    return why ? bp__fail_err(err, BP_ERR_ARG, "explain: %s", why) : BP_OK;
}

bp_status bp_explain(const bp_net *src, const bp_real *x, const bp_real *t,
                     const bp_explain_opts *opts, bp_write_fn write, void *ctx,
                     bp_error *err)
{
    bp_status st = bp__explain_check_args(src, x, t, opts, write, err);
    if (st)
        return st;
    const int full = full_walk(src, opts);
    work_t w = {0};
    st = compute(src, x, t, opts, full, &w);
    if (st) {
        bp__fail_err(err, st, "explain: %s",
                     w.net && w.net->err[0] ? w.net->err : bp_status_str(st));
        work_free(&w);
        return st;
    }
    const bp_net *net = w.net;
    out_t o = {write, ctx, opts->format == BP_EXPLAIN_MARKDOWN, net, {{0}}, 0};
    if (full) {
        intro(&o, x, t, opts->sample);
        forward_detail(&o, net);
        error_detail(&o, net, t, w.e_total);
        backward_detail(&o, net, t, w.fd);
        update_shown(&o, x, t, opts, &w);
        orders_detail(&o, opts, &w.std, &w.layerwise,
                      net->layers[net->n_layers - 1].n_out, net->n_layers);
    } else {
        const double e1[2] = {w.std.e_after1, w.layerwise.e_after1};
        const double en[2] = {w.std.e_after_n, w.layerwise.e_after_n};
        st = bp__summary(&o, net, x, t, opts, w.e_total, e1, en);
        if (st)
            bp__fail_err(err, st, "explain: %s", bp_status_str(st));
    }
    work_free(&w);
    return st;
}
