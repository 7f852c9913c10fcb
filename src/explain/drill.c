/*
 * drill.c - one neuron or one weight of a network of any size, followed
 * through both phases: a sum of hundreds of terms is shown as its largest
 * terms with the rest summed, and every result is the full walk's own
 * (the library's z, out, delta and gradients on a copy of the network;
 * dE/dout summed in the same order as explain.c sums it).
 */
#include "explain/check.h"
#include "explain/stats.h"
#include "explain/write.h"

#include <stdio.h>
#include <string.h>

/* The output of neuron k of layer l - 1, the input when l is 0. */
static double below(const bp_net *net, int l, int k)
{
    return l ? net->layers[l - 1].a[k] : net->x[k];
}

/* An input is given (shortest exact form); a hidden output is computed. */
static const char *operand(out_t *o, int l, double v)
{
    return l ? bp__num(o, v) : bp__given(o, v);
}

/* The indices of the `top` largest of |term(i)|, i < n, largest first,
 * the lower index first among equals. Returns how many (at most top). */
static int largest(int n, int top,
                   double (*term)(const bp_net *, int, int, int),
                   const bp_net *net, int l, int j, int *pick)
{
    int m = 0;
    for (int i = 0; i < n; i++) {
        const double a = fabs(term(net, l, j, i));
        int at = m < top ? m : top;
        while (at > 0 && fabs(term(net, l, j, pick[at - 1])) < a)
            at--;
        if (at >= top)
            continue;
        if (m < top)
            m++;
        memmove(pick + at + 1, pick + at, (size_t)(m - 1 - at) * sizeof *pick);
        pick[at] = i;
    }
    return m;
}

/* Term k of neuron (l, j)'s net input: w_jk * out_k. */
static double net_term(const bp_net *net, int l, int j, int k)
{
    const bp_layer *ly = &net->layers[l];
    return (double)net->params[ly->w_off + (size_t)j * ly->n_in + k] *
        below(net, l, k);
}

/* Term i of neuron (l, j)'s dE/dout: delta_i of the layer above * w_ij. */
static double up_term(const bp_net *net, int l, int j, int i)
{
    const bp_layer *up = &net->layers[l + 1];
    return (double)up->delta[i] *
        net->params[up->w_off + (size_t)i * up->n_in + j];
}

/* The sum of n terms but those in pick[0..m), in order. */
static double rest(int n, double (*term)(const bp_net *, int, int, int),
                   const bp_net *net, int l, int j, const int *pick, int m)
{
    double s = 0;
    for (int i = 0; i < n; i++) {
        int shown = 0;
        for (int q = 0; q < m; q++)
            shown |= pick[q] == i;
        if (!shown)
            s += term(net, l, j, i);
    }
    return s;
}

/* Which terms are listed: "the 5 largest", or all of them. */
static const char *which(out_t *o, int m, int n)
{
    char *s = bp__slot(o);
    snprintf(s, 48, m < n ? "the %d largest" : "largest first", m);
    return s;
}

static void rest_line(out_t *o, int n, int m, double s)
{
    if (n <= m)
        return;
    bp__eq_begin(o);
    bp__emit(o,
             o->md ? "\\text{the other %d term%s} = %s"
                   : "  the other %d term%s = %s",
             n - m, n - m == 1 ? "" : "s", bp__num(o, s));
    bp__eq_end(o);
}

/* net of neuron (l, j): its largest terms, the rest, the bias, the sum. */
static void net_lines(out_t *o, int l, int j, int top, int *pick)
{
    const bp_net *net = o->net;
    const bp_layer *ly = &net->layers[l];
    const int m = largest(ly->n_in, top, net_term, net, l, j, pick);
    char netn[48];
    snprintf(netn, sizeof netn, "%s", bp__sym(o, S_NET, l, j, 0));
    bp__emit(o,
             o->md ? "$%s$ is the sum of %d term%s $w \\times out$ and "
                     "the bias; %s:\n\n"
                   : "    %s = the sum of %d term%s w * out, plus the "
                     "bias; %s:\n",
             netn, ly->n_in, ly->n_in == 1 ? "" : "s", which(o, m, ly->n_in));
    for (int q = 0; q < m; q++) {
        const int k = pick[q];
        bp__eq_begin(o);
        bp__emit(
            o, "%s%s%s%s = %s%s%s = %s", o->md ? "" : "  ",
            bp__sym(o, S_W, l, j, k), bp__times(o),
            bp__sym(o, S_OUT, l - 1, k, 0),
            bp__given(o, net->params[ly->w_off + (size_t)j * ly->n_in + k]),
            bp__times(o), operand(o, l, below(net, l, k)),
            bp__num(o, net_term(net, l, j, k)));
        bp__eq_end(o);
    }
    rest_line(o, ly->n_in, m, rest(ly->n_in, net_term, net, l, j, pick, m));
    bp__eq_begin(o);
    bp__emit(o, "%s%s = %s", o->md ? "" : "  ", bp__sym(o, S_B, l, j, 0),
             bp__given(o, net->params[ly->b_off + j]));
    bp__eq_end(o);
    bp__eq_begin(o);
    bp__emit(o, "%s = %s", netn, bp__num(o, ly->z[j]));
    bp__eq_end(o);
}

/* out = f(net), with the formula's number where the table asks for it. */
static void out_line(out_t *o, int l, int j)
{
    const bp_layer *ly = &o->net->layers[l];
    const bp_act_info *f = bp_act_describe(ly->act);
    bp__eq_begin(o);
    bp__emit(o, "%s = %s(%s) = ", bp__sym(o, S_OUT, l, j, 0),
             o->md ? f->symbol_tex : f->symbol, bp__sym(o, S_NET, l, j, 0));
    if (f->flags & BP_ACTF_EXPAND)
        bp__emit(o, "%s = ",
                 bp__subst_neg(o, o->md ? f->formula_tex : f->formula,
                               bp__num(o, ly->z[j]), bp__negated(o, ly->z[j]),
                               NULL, NULL));
    bp__emit(o, "%s", bp__num(o, ly->a[j]));
    bp__eq_end(o);
}

/* dE/dout of neuron (l, j), printed and returned: out - t at the output
 * (squared error), else the sum over the layer above of delta * w as its
 * largest terms and the rest, summed in order as the full walk sums it. */
static double dE_dout_lines(out_t *o, const bp_real *t, int l, int j, int top,
                            int *pick)
{
    const bp_net *net = o->net;
    const int L = net->n_layers;
    char outn[48];
    snprintf(outn, sizeof outn, "%s", bp__sym(o, S_OUT, l, j, 0));
    double g = 0;
    if (l == L - 1) {
        const bp_layer *ly = &net->layers[l];
        g = (double)ly->a[j] - t[j];
        bp__eq_begin(o);
        bp__emit(o, "%s = %s - %s = %s - %s = %s", bp__partial(o, "E", outn),
                 outn, bp__sym(o, S_T, l, j, 0), bp__num(o, ly->a[j]),
                 bp__given(o, t[j]), bp__num(o, g));
        bp__eq_end(o);
        return g;
    }
    const bp_layer *up = &net->layers[l + 1];
    const int m = largest(up->n_out, top, up_term, net, l, j, pick);
    bp__emit(o,
             o->md ? "$%s$ is the sum of %d term%s $\\delta \\times w$ "
                     "from layer %d; %s:\n\n"
                   : "    %s = the sum of %d term%s delta * w from layer "
                     "%d; %s:\n",
             bp__partial(o, "E", outn), up->n_out, up->n_out == 1 ? "" : "s",
             l + 2, which(o, m, up->n_out));
    for (int q = 0; q < m; q++) {
        const int i = pick[q];
        bp__eq_begin(o);
        bp__emit(
            o, "%s%s%s%s = %s%s%s = %s", o->md ? "" : "  ",
            bp__sym(o, S_DELTA, l + 1, i, 0), bp__times(o),
            bp__sym(o, S_W, l + 1, i, j), bp__num(o, up->delta[i]),
            bp__times(o),
            bp__given(o, net->params[up->w_off + (size_t)i * up->n_in + j]),
            bp__num(o, up_term(net, l, j, i)));
        bp__eq_end(o);
    }
    rest_line(o, up->n_out, m, rest(up->n_out, up_term, net, l, j, pick, m));
    for (int i = 0; i < up->n_out; i++)
        g += up_term(net, l, j, i);
    bp__eq_begin(o);
    bp__emit(o, "%s = %s", bp__partial(o, "E", outn), bp__num(o, g));
    bp__eq_end(o);
    return g;
}

/* delta of neuron (l, j) and the factors it is the product of. */
static void delta_lines(out_t *o, const bp_real *t, int l, int j, int top,
                        int *pick)
{
    const bp_net *net = o->net;
    const bp_layer *ly = &net->layers[l];
    const bp_act_info *f = bp_act_describe(ly->act);
    char d[48], outn[48], netn[48];
    snprintf(d, sizeof d, "%s", bp__sym(o, S_DELTA, l, j, 0));
    snprintf(outn, sizeof outn, "%s", bp__sym(o, S_OUT, l, j, 0));
    snprintf(netn, sizeof netn, "%s", bp__sym(o, S_NET, l, j, 0));
    if (l == net->n_layers - 1 &&
        (bp_loss_describe(net->loss)->flags & BP_LOSSF_CLOSED_FORM)) {
        bp__eq_begin(o);
        bp__emit(o, "%s = %s - %s = %s - %s = %s", d, outn,
                 bp__sym(o, S_T, l, j, 0), bp__num(o, ly->a[j]),
                 bp__given(o, t[j]), bp__num(o, ly->delta[j]));
        bp__eq_end(o);
        bp__emit(o,
                 o->md ? "(%s and cross-entropy: the derivatives cancel "
                         "to $out - t$.)\n\n"
                       : "    (%s + cross-entropy: dE/dout * dout/dnet "
                         "cancels to out - t)\n",
                 bp_act_name(ly->act));
        return;
    }
    const double g = dE_dout_lines(o, t, l, j, top, pick);
    if (f->flags & BP_ACTF_ROWWISE) {
        bp__eq_begin(o);
        bp__emit(o, "%s = %s = %s", d,
                 o->md ? f->derivative_tex : f->derivative,
                 bp__num(o, ly->delta[j]));
        bp__eq_end(o);
        return;
    }
    const double fd =
        bp__act_deriv_at(ly->act, ly->act_param, ly->z[j], ly->a[j]);
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

/* The finite difference of parameter idx, as the full walk shows it. */
static bp_status fd_note(out_t *o, const bp_real *x, const bp_real *t,
                         size_t idx)
{
    double *p = bp__fd_params(o->net);
    if (!p)
        return BP_ERR_NOMEM;
    bp__emit(o,
             o->md ? "\\quad \\text{(finite difference: %s)}"
                   : "   [finite difference %s]",
             bp__num(o, bp__fd_at(o->net, p, x, t, idx)));
    bp__free(&o->net->alloc, p);
    return BP_OK;
}

/* Which sample, when the caller said. */
static void sample_line(out_t *o, const bp_explain_opts *opts)
{
    if (opts->sample)
        bp__emit(o, o->md ? "\nSample: %s.\n" : "  sample: %s\n", opts->sample);
}

static const char *where(const bp_net *net, int l)
{
    return l == net->n_layers - 1 ? "output" : "hidden";
}

/* Arguments common to both drill-downs: the checks, the copy. */
static bp_status start(const bp_net *net, const bp_real *x, const bp_real *t,
                       int l, int j, const bp_explain_opts *opts,
                       bp_write_fn write, bp_net **copy, int **pick,
                       bp_error *err)
{
    bp_status st = bp__explain_check_args(net, x, t, opts, write, err);
    if (st)
        return st;
    if (l < 0 || l >= net->n_layers)
        return bp__fail_err(err, BP_ERR_ARG,
                            "explain: no layer %d: the "
                            "network has %d (1 to %d)",
                            l + 1, net->n_layers, net->n_layers);
    if (j < 0 || j >= net->layers[l].n_out)
        return bp__fail_err(err, BP_ERR_ARG,
                            "explain: no neuron %d in layer "
                            "%d: it has %d",
                            j + 1, l + 1, net->layers[l].n_out);
    if ((st = bp__explained_copy(net, x, t, copy, NULL, err)))
        return st;
    if (!(*pick = bp__alloc(&net->alloc, (size_t)opts->top * sizeof **pick))) {
        bp_net_free(*copy);
        return bp__fail_err(err, BP_ERR_NOMEM, "explain: out of memory");
    }
    return BP_OK;
}

bp_status bp_explain_neuron(const bp_net *src, const bp_real *x,
                            const bp_real *t, int l, int j,
                            const bp_explain_opts *opts, bp_write_fn write,
                            void *ctx, bp_error *err)
{
    bp_net *net;
    int *pick;
    bp_status st = start(src, x, t, l, j, opts, write, &net, &pick, err);
    if (st)
        return st;
    out_t o = {write, ctx, opts->format == BP_EXPLAIN_MARKDOWN, net, {{0}}, 0};
    char title[96], who[24];
    bp__neuron_name(net, l, j, who, sizeof who);
    snprintf(title, sizeof title, "Neuron %s (layer %d, %s, %s)", who, l + 1,
             where(net, l), bp_act_name(net->layers[l].act));
    bp__emit(&o, o.md ? "# %s\n" : "%s\n", title);
    sample_line(&o, opts);
    bp__heading(&o, "Forward phase");
    net_lines(&o, l, j, opts->top, pick);
    out_line(&o, l, j);
    bp__heading(&o, "Backward phase");
    delta_lines(&o, t, l, j, opts->top, pick);
    bp__eq_begin(&o);
    bp__emit(&o, "%s = %s = %s",
             bp__partial(&o, "E", bp__sym(&o, S_B, l, j, 0)),
             bp__sym(&o, S_DELTA, l, j, 0),
             bp__num(&o, net->grads[net->layers[l].b_off + j]));
    if (opts->check)
        st = fd_note(&o, x, t, net->layers[l].b_off + j);
    if (net->layers[l].freeze_b)
        bp__emit(&o, o.md ? "\\quad \\text{(frozen)}" : "   (frozen)");
    bp__eq_end(&o);
    bp__free(&src->alloc, pick);
    bp_net_free(net);
    return st ? bp__fail_err(err, st, "explain: out of memory") : BP_OK;
}

/* w+ after one step of plain gradient descent at opts->lr, in the
 * standard order: the library's own update, on a copy. */
static bp_status update_line(out_t *o, const bp_real *x, const bp_real *t,
                             const bp_explain_opts *opts, int l, size_t idx,
                             const char *name)
{
    const bp_layer *ly = &o->net->layers[l];
    const int is_b = idx >= ly->b_off;
    if ((is_b && ly->freeze_b) || (!is_b && ly->freeze_w)) {
        bp__emit(o,
                 o->md ? "%s is frozen: not updated.\n\n"
                       : "    (%s is frozen: not updated)\n",
                 name);
        return BP_OK;
    }
    bp_net *after;
    bp_optim sgd = bp_optim_defaults(BP_OPT_SGD);
    sgd.lr = opts->lr;
    bp_status st = bp_net_clone(o->net, &after);
    if (!st)
        st = bp_net_set_optim(after, &sgd);
    if (!st)
        st = bp_net_train_step(after, x, t, 1, BP_ORDER_STANDARD, NULL);
    if (!st) {
        bp__eq_begin(o);
        bp__emit(o,
                 o->md ? "%s^{+} = %s - \\eta %s = %s - %s%s%s = %s"
                       : "%s+ = %s - lr * %s = %s - %s%s%s = %s",
                 name, name, bp__partial(o, "E", name),
                 bp__given(o, o->net->params[idx]), bp__given(o, opts->lr),
                 bp__times(o), bp__num(o, o->net->grads[idx]),
                 bp__num(o, after->params[idx]));
        bp__eq_end(o);
    }
    bp_net_free(after);
    return st;
}

/* dE/dw of the weight (l, j, k) (k = n_in: the bias) as the product of
 * its three factors, and each factor's own chain. */
static void weight_chain(out_t *o, const bp_real *t, int l, int j, int k,
                         const char *name, int top, int *pick)
{
    const bp_net *net = o->net;
    const bp_layer *ly = &net->layers[l];
    const int is_b = k == ly->n_in;
    const size_t idx =
        is_b ? ly->b_off + j : ly->w_off + (size_t)j * ly->n_in + k;
    char d[48], netn[48], in[48];
    snprintf(d, sizeof d, "%s", bp__sym(o, S_DELTA, l, j, 0));
    snprintf(netn, sizeof netn, "%s", bp__sym(o, S_NET, l, j, 0));
    snprintf(in, sizeof in, "%s", is_b ? "1" : bp__sym(o, S_OUT, l - 1, k, 0));
    bp__eq_begin(o);
    if (is_b) /* dnet/db = 1 */
        bp__emit(o, "%s = %s = %s", bp__partial(o, "E", name), d,
                 bp__num(o, net->grads[idx]));
    else
        bp__emit(o, "%s = %s%s%s = %s%s%s = %s", bp__partial(o, "E", name), d,
                 bp__times(o), in, bp__num(o, ly->delta[j]), bp__times(o),
                 operand(o, l, below(net, l, k)), bp__num(o, net->grads[idx]));
    bp__eq_end(o);
    bp__emit(o,
             o->md ? "\nwhere $%s = %s$ (what the %s multiplies), and\n\n"
                   : "  where %s = %s (what the %s multiplies), and\n",
             bp__partial(o, netn, name), is_b ? "1" : in,
             is_b ? "bias" : "weight");
    delta_lines(o, t, l, j, top, pick);
}

bp_status bp_explain_weight(const bp_net *src, const bp_real *x,
                            const bp_real *t, int l, int j, int k,
                            const bp_explain_opts *opts, bp_write_fn write,
                            void *ctx, bp_error *err)
{
    bp_net *net;
    int *pick;
    bp_status st = start(src, x, t, l, j, opts, write, &net, &pick, err);
    if (st)
        return st;
    const bp_layer *ly = &net->layers[l];
    if (k < 0 || k > ly->n_in) {
        const int n_in = ly->n_in; /* ly goes with the copy */
        bp__free(&src->alloc, pick);
        bp_net_free(net);
        return bp__fail_err(err, BP_ERR_ARG,
                            "explain: no input %d of layer "
                            "%d (it has %d, and the bias)",
                            k + 1, l + 1, n_in);
    }
    out_t o = {write, ctx, opts->format == BP_EXPLAIN_MARKDOWN, net, {{0}}, 0};
    const int is_b = k == ly->n_in;
    const size_t idx =
        is_b ? ly->b_off + j : ly->w_off + (size_t)j * ly->n_in + k;
    char name[48], to[24], from[24];
    snprintf(name, sizeof name, "%s", bp__sym(&o, is_b ? S_B : S_W, l, j, k));
    bp__neuron_name(net, l, j, to, sizeof to);
    bp__neuron_name(net, l - 1, k, from, sizeof from);
    if (is_b)
        bp__emit(&o,
                 o.md ? "# The bias of %s (layer %d, %s)\n"
                      : "The bias of %s (layer %d, %s)\n",
                 to, l + 1, where(net, l));
    else
        bp__emit(&o,
                 o.md ? "# Weight w%ld, from %s into %s (layer %d, %s)\n"
                      : "Weight w%ld, from %s into %s (layer %d, %s)\n",
                 bp__weight_number(net, l, j, k), from, to, l + 1,
                 where(net, l));
    sample_line(&o, opts);
    bp__eq_begin(&o);
    bp__emit(&o, "%s = %s", name, bp__given(&o, net->params[idx]));
    bp__eq_end(&o);
    bp__heading(&o, "Its gradient, factor by factor");
    weight_chain(&o, t, l, j, k, name, opts->top, pick);
    if (opts->check) {
        bp__eq_begin(&o);
        bp__emit(&o, "%s = %s", bp__partial(&o, "E", name),
                 bp__num(&o, net->grads[idx]));
        st = fd_note(&o, x, t, idx);
        bp__eq_end(&o);
    }
    char title[96];
    snprintf(title, sizeof title, "Update (gradient descent, learning rate %s)",
             bp__given(&o, opts->lr));
    bp__heading(&o, title);
    if (!st)
        st = update_line(&o, x, t, opts, l, idx, name);
    bp__free(&src->alloc, pick);
    bp_net_free(net);
    return st ? bp__fail_err(err, st, "explain: %s", bp_status_str(st)) : BP_OK;
}
