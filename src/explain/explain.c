/*
 * explain.c - the forward and backward phase written out number by
 * number, the way the seeds do it by hand.
 *
 * The values shown are read from the library's own phases run on a copy
 * of the network (z, out, delta, gradients, updated weights); this file
 * only prints them and the chain-rule factors they are products of, in
 * plain text or in Markdown with LaTeX. With --check, each gradient gets
 * its central finite difference beside it.
 */
#include "core/internal.h"

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
    return o;
}

/* ----------------------------------------------------------- the writer */

typedef struct {
    bp_write_fn write;
    void *ctx;
    int md;              /* Markdown + LaTeX */
    const bp_net *net;   /* for names */
    char ring[32][128];  /* formatted numbers and names: several are */
    int next;            /* alive in one emit call, so they rotate */
} out_t;

/* The next formatting buffer. 32 of them: no emit call formats more. */
static char *slot(out_t *o)
{
    return o->ring[o->next++ & 31];
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void emit(out_t *o, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->write(o->ctx, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* A result: 9 decimals like the seeds' tables, or exponent form when
 * that would hide the value. Rotating buffers, so several numbers can
 * be formatted for one emit call. */
static const char *num(out_t *o, double v)
{
    char *s = slot(o);
    double a = fabs(v);
    if (v == 0 || (a >= 1e-6 && a < 1e7))
        snprintf(s, 40, "%.9f", v);
    else
        snprintf(s, 40, "%.6e", v);
    return s;
}

/* An operand as given (a weight, an input): its shortest exact form, so
 * 0.15 prints as 0.15. */
static const char *given(out_t *o, double v)
{
    char *s = slot(o);
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(s, 40, "%.*g", prec, v);
        if ((bp_real)strtod(s, NULL) == (bp_real)v)
            break;
    }
    return s;
}

/* -v, the exponent of e in a sigmoid: e^-0.377499998 for v > 0 and
 * e^0.020000000 for v < 0, never e^--0.02 (and e^0 for 0, not e^-0). */
static const char *negated(out_t *o, double v)
{
    return num(o, v == 0 ? 0.0 : -v);
}

/* ----------------------------------------------------------- the names */

enum sym { S_NET, S_OUT, S_DELTA, S_W, S_B, S_T };

/* Neuron j of layer l (-1: the inputs): i3, h2, h1.4, o1 */
static void neuron(const bp_net *net, int l, int j, char *s, size_t cap)
{
    const int L = net->n_layers;
    if (l < 0)
        snprintf(s, cap, "i%d", j + 1);
    else if (l == L - 1)
        snprintf(s, cap, "o%d", j + 1);
    else if (L == 2)
        snprintf(s, cap, "h%d", j + 1);
    else
        snprintf(s, cap, "h%d.%d", l + 1, j + 1);
}

/* The seeds' weight number: w1.. counted layer by layer, row by row. */
static long weight_number(const bp_net *net, int l, int j, int k)
{
    long n = 0;
    for (int i = 0; i < l; i++)
        n += (long)net->layers[i].n_out * net->layers[i].n_in;
    return n + (long)j * net->layers[l].n_in + k + 1;
}

/* A symbol for neuron (l, j) or weight (l, j, k), in text or LaTeX. */
static const char *sym(out_t *o, enum sym kind, int l, int j, int k)
{
    char *s = slot(o), who[24];
    if (kind == S_W) {
        snprintf(s, 48, o->md ? "w_{%ld}" : "w%ld",
                 weight_number(o->net, l, j, k));
        return s;
    }
    if (kind == S_T) {
        snprintf(s, 48, o->md ? "t_{%d}" : "t%d", j + 1);
        return s;
    }
    neuron(o->net, l, j, who, sizeof who);
    if (kind == S_OUT && l < 0) { /* the output of an input is the input */
        snprintf(s, 48, o->md ? "i_{%d}" : "i%d", j + 1);
        return s;
    }
    static const char *const text[] = {"net_", "out_", "delta_", "", "b_", ""};
    static const char *const tex[] = {"net_", "out_", "\\delta_", "", "b_", ""};
    snprintf(s, 48, o->md ? "%s{%s}" : "%s%s", o->md ? tex[kind] : text[kind],
             who);
    return s;
}

static const char *times(const out_t *o) { return o->md ? " \\times " : " * "; }

/* dA/dB in text or as a LaTeX fraction. */
static const char *partial(out_t *o, const char *a, const char *b)
{
    char *s = slot(o);
    if (o->md)
        snprintf(s, 128, "\\frac{\\partial %s}{\\partial %s}", a, b);
    else
        snprintf(s, 128, "d%s/d%s", a, b);
    return s;
}

static void eq_begin(out_t *o) { emit(o, o->md ? "$$" : "    "); }
static void eq_end(out_t *o) { emit(o, o->md ? "$$\n\n" : "\n"); }

static void heading(out_t *o, const char *title)
{
    emit(o, o->md ? "\n## %s\n\n" : "\n%s\n", title);
}

static void subheading(out_t *o, const char *title)
{
    emit(o, o->md ? "### %s\n\n" : "  %s\n", title);
}

/* f(net) written out, and its derivative dout/dnet as a formula. */
static const char *act_formula(out_t *o, bp_act act)
{
    switch (act) {
    case BP_ACT_SIGMOID: return o->md ? "\\sigma" : "sigmoid";
    case BP_ACT_TANH: return o->md ? "\\tanh" : "tanh";
    case BP_ACT_RELU: return "relu";
    case BP_ACT_LEAKY_RELU: return o->md ? "leaky\\_relu" : "leaky_relu";
    case BP_ACT_STEP: return "step";
    case BP_ACT_SOFTMAX: return "softmax";
    default: return "";
    }
}

static const char *deriv_formula(out_t *o, bp_act act, const char *out,
                                 const char *net)
{
    char *s = slot(o);
    const size_t cap = sizeof o->ring[0];
    switch (act) {
    case BP_ACT_SIGMOID:
        snprintf(s, cap, "%s (1 - %s)", out, out);
        break;
    case BP_ACT_TANH:
        snprintf(s, cap, "1 - %s^2", out);
        break;
    case BP_ACT_RELU:
        snprintf(s, cap, o->md ? "[%s > 0]" : "(%s > 0 ? 1 : 0)", net);
        break;
    case BP_ACT_LEAKY_RELU:
        snprintf(s, cap, o->md ? "(%s > 0 ? 1 : a)" : "(%s > 0 ? 1 : slope)",
                 net);
        break;
    case BP_ACT_STEP:
        snprintf(s, cap, "0");
        break;
    default:
        snprintf(s, cap, "1");
        break;
    }
    return s;
}

static double act_deriv(bp_act act, double param, double z, double a)
{
    switch (act) {
    case BP_ACT_SIGMOID: return a * (1 - a);
    case BP_ACT_TANH: return 1 - a * a;
    case BP_ACT_RELU: return z > 0 ? 1 : 0;
    case BP_ACT_LEAKY_RELU: return z > 0 ? 1 : param;
    case BP_ACT_STEP: return 0;
    default: return 1;
    }
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
    return l ? num(o, v) : given(o, v);
}

static void forward_detail(out_t *o, const bp_net *net)
{
    heading(o, "Forward phase");
    for (int l = 0; l < net->n_layers; l++) {
        const bp_layer *ly = &net->layers[l];
        char title[96];
        snprintf(title, sizeof title, "Layer %d (%s, %s)", l + 1,
                 l == net->n_layers - 1 ? "output" : "hidden",
                 bp_act_name(ly->act));
        subheading(o, title);
        const bp_real *in = below_out(net, l);
        for (int j = 0; j < ly->n_out; j++) {
            const bp_real *w = net->params + ly->w_off + (size_t)j * ly->n_in;
            eq_begin(o);
            emit(o, "%s = ", sym(o, S_NET, l, j, 0));
            for (int k = 0; k < ly->n_in; k++)
                emit(o, "%s%s%s + ", sym(o, S_W, l, j, k), times(o),
                     sym(o, S_OUT, l - 1, k, 0));
            emit(o, "%s = ", sym(o, S_B, l, j, 0));
            for (int k = 0; k < ly->n_in; k++)
                emit(o, "%s%s%s + ", given(o, w[k]), times(o), operand(o, l, in[k]));
            emit(o, "%s = %s", given(o, net->params[ly->b_off + j]),
                 num(o, ly->z[j]));
            eq_end(o);
            eq_begin(o);
            if (ly->act == BP_ACT_SIGMOID)
                /* e^(-z) written with one sign: e^-0.38, e^0.02 */
                emit(o, o->md ? "%s = \\sigma(%s) = \\frac{1}{1 + e^{%s}} = %s"
                              : "%s = sigmoid(%s) = 1 / (1 + e^%s) = %s",
                     sym(o, S_OUT, l, j, 0), sym(o, S_NET, l, j, 0),
                     negated(o, ly->z[j]), num(o, ly->a[j]));
            else
                emit(o, "%s = %s(%s) = %s", sym(o, S_OUT, l, j, 0),
                     act_formula(o, ly->act), sym(o, S_NET, l, j, 0),
                     num(o, ly->a[j]));
            eq_end(o);
        }
    }
}

static void error_detail(out_t *o, const bp_net *net, const bp_real *t,
                         double e_total)
{
    const int L = net->n_layers;
    const bp_layer *top = &net->layers[L - 1];
    heading(o, "Error");
    for (int j = 0; j < top->n_out && net->loss != BP_LOSS_CE; j++) {
        double a = top->a[j], tj = t[j], e;
        eq_begin(o);
        const char *E = o->md ? "E_{o%d}" : "E_o%d";
        emit(o, E, j + 1);
        if (net->loss == BP_LOSS_SSE) {
            e = 0.5 * (tj - a) * (tj - a);
            emit(o, o->md ? " = \\frac{1}{2}(%s - %s)^2 = \\frac{1}{2}(%s - %s)^2 = %s"
                          : " = 1/2 (%s - %s)^2 = 1/2 (%s - %s)^2 = %s",
                 sym(o, S_T, L - 1, j, 0), sym(o, S_OUT, L - 1, j, 0),
                 given(o, tj), num(o, a), num(o, e));
        } else {
            double z = top->z[j];
            e = (z > 0 ? z : 0) - tj * z + log1p(exp(-fabs(z)));
            emit(o, o->md ? " = -(%s \\log %s + (1 - %s) \\log(1 - %s)) = %s"
                          : " = -(%s log %s + (1 - %s) log(1 - %s)) = %s",
                 sym(o, S_T, L - 1, j, 0), sym(o, S_OUT, L - 1, j, 0),
                 sym(o, S_T, L - 1, j, 0), sym(o, S_OUT, L - 1, j, 0), num(o, e));
        }
        eq_end(o);
    }
    eq_begin(o);
    if (net->loss == BP_LOSS_CE)
        emit(o, o->md ? "E = -\\sum_j t_j \\log out_{oj} = %s"
                      : "E = -sum_j t_j log out_oj = %s", num(o, e_total));
    else
        emit(o, o->md ? "E_{total} = \\sum_j E_{oj} = %s" : "E_total = %s",
             num(o, e_total));
    eq_end(o);
}

/* dE/dout of neuron (l, j): the output's from the loss, a hidden one's as
 * the sum over the layer above of delta * weight. Prints and returns it. */
static double dE_dout(out_t *o, const bp_net *net, const bp_real *t, int l,
                      int j)
{
    const int L = net->n_layers;
    char outn[48]; /* held across many formatting calls: a copy */
    snprintf(outn, sizeof outn, "%s", sym(o, S_OUT, l, j, 0));
    eq_begin(o);
    emit(o, "%s = ", partial(o, "E", outn));
    double g = 0;
    if (l == L - 1) {
        const bp_layer *ly = &net->layers[l];
        g = (double)ly->a[j] - t[j];
        emit(o, "%s - %s = %s - %s = %s", outn, sym(o, S_T, l, j, 0),
             num(o, ly->a[j]), given(o, t[j]), num(o, g));
    } else {
        const bp_layer *up = &net->layers[l + 1];
        for (int i = 0; i < up->n_out; i++)
            emit(o, "%s%s%s%s", i ? " + " : "", sym(o, S_DELTA, l + 1, i, 0),
                 times(o), sym(o, S_W, l + 1, i, j));
        emit(o, " = ");
        for (int i = 0; i < up->n_out; i++) {
            double d = up->delta[i], w = net->params[up->w_off +
                                                     (size_t)i * up->n_in + j];
            emit(o, "%s%s%s%s", i ? " + " : "", num(o, d), times(o), given(o, w));
            g += d * w;
        }
        emit(o, " = %s", num(o, g));
    }
    eq_end(o);
    return g;
}

static void backward_layer(out_t *o, const bp_net *net, const bp_real *t,
                           int l, const double *fd)
{
    const int L = net->n_layers;
    const bp_layer *ly = &net->layers[l];
    const bp_real *in = below_out(net, l);
    const int closed = l == L - 1 && net->loss != BP_LOSS_SSE;
    for (int j = 0; j < ly->n_out; j++) {
        char d[48]; /* held across many formatting calls: a copy */
        snprintf(d, sizeof d, "%s", sym(o, S_DELTA, l, j, 0));
        if (closed) {
            eq_begin(o);
            emit(o, "%s = %s - %s = %s - %s = %s", d,
                 sym(o, S_OUT, l, j, 0), sym(o, S_T, l, j, 0),
                 num(o, ly->a[j]), given(o, t[j]), num(o, ly->delta[j]));
            eq_end(o);
            emit(o, o->md ? "(%s and cross-entropy: $\\frac{\\partial E}"
                            "{\\partial out} \\cdot \\frac{\\partial out}"
                            "{\\partial net}$ cancels to $out - t$.)\n\n"
                          : "    (%s + cross-entropy: dE/dout * dout/dnet "
                            "cancels to out - t)\n",
                 bp_act_name(ly->act));
        } else if (ly->act == BP_ACT_SOFTMAX) {
            dE_dout(o, net, t, l, j);
            eq_begin(o);
            emit(o, o->md ? "%s = out_j (\\frac{\\partial E}{\\partial out_j} - "
                            "\\sum_k \\frac{\\partial E}{\\partial out_k} out_k) = %s"
                          : "%s = out_j (dE/dout_j - sum_k dE/dout_k out_k) = %s",
                 d, num(o, ly->delta[j]));
            eq_end(o);
        } else {
            double g = dE_dout(o, net, t, l, j);
            double f = act_deriv(ly->act, ly->act_param, ly->z[j], ly->a[j]);
            char outn[48], netn[48];
            snprintf(outn, sizeof outn, "%s", sym(o, S_OUT, l, j, 0));
            snprintf(netn, sizeof netn, "%s", sym(o, S_NET, l, j, 0));
            eq_begin(o);
            emit(o, "%s = %s = %s", partial(o, outn, netn),
                 deriv_formula(o, ly->act, outn, netn), num(o, f));
            eq_end(o);
            eq_begin(o);
            emit(o, "%s = %s%s%s = %s%s%s = %s", d, partial(o, "E", outn),
                 times(o), partial(o, outn, netn), num(o, g), times(o), num(o, f),
                 num(o, ly->delta[j]));
            eq_end(o);
        }
        for (int k = 0; k <= ly->n_in; k++) {
            const int is_b = k == ly->n_in;
            size_t idx = is_b ? ly->b_off + j : ly->w_off + (size_t)j * ly->n_in + k;
            eq_begin(o);
            if (is_b)
                emit(o, "%s = %s = %s", partial(o, "E", sym(o, S_B, l, j, 0)),
                     d, num(o, net->grads[idx]));
            else
                emit(o, "%s = %s%s%s = %s%s%s = %s",
                     partial(o, "E", sym(o, S_W, l, j, k)), d, times(o),
                     sym(o, S_OUT, l - 1, k, 0), num(o, ly->delta[j]), times(o),
                     operand(o, l, in[k]), num(o, net->grads[idx]));
            if (fd)
                emit(o, o->md ? "\\quad \\text{(finite difference: %s)}"
                              : "   [finite difference %s]", num(o, fd[idx]));
            if ((is_b && ly->freeze_b) || (!is_b && ly->freeze_w))
                emit(o, o->md ? "\\quad \\text{(frozen)}" : "   (frozen)");
            eq_end(o);
        }
    }
}

static void backward_detail(out_t *o, const bp_net *net, const bp_real *t,
                            const double *fd)
{
    heading(o, "Backward phase");
    for (int l = net->n_layers - 1; l >= 0; l--) {
        char title[96];
        snprintf(title, sizeof title, "Layer %d (%s)", l + 1,
                 l == net->n_layers - 1 ? "output" : "hidden");
        subheading(o, title);
        backward_layer(o, net, t, l, fd);
    }
}

static void update_detail(out_t *o, const bp_net *before, const bp_net *after,
                          double lr)
{
    char title[96];
    snprintf(title, sizeof title, "Update (gradient descent, learning rate %s)",
             given(o, lr));
    heading(o, title);
    for (int l = before->n_layers - 1; l >= 0; l--) {
        const bp_layer *ly = &before->layers[l];
        for (int j = 0; j < ly->n_out; j++)
            for (int k = 0; k <= ly->n_in; k++) {
                const int is_b = k == ly->n_in;
                if ((is_b && ly->freeze_b) || (!is_b && ly->freeze_w))
                    continue;
                size_t idx = is_b ? ly->b_off + j
                                  : ly->w_off + (size_t)j * ly->n_in + k;
                const char *name = is_b ? sym(o, S_B, l, j, 0)
                                        : sym(o, S_W, l, j, k);
                eq_begin(o);
                emit(o, o->md ? "%s^{+} = %s - \\eta %s = %s - %s%s%s = %s"
                              : "%s+ = %s - lr * %s = %s - %s%s%s = %s",
                     name, name, partial(o, "E", name),
                     given(o, before->params[idx]), given(o, lr), times(o),
                     num(o, before->grads[idx]), num(o, after->params[idx]));
                eq_end(o);
            }
        int frozen = ly->freeze_w + ly->freeze_b;
        if (frozen)
            emit(o, o->md ? "Layer %d: %s frozen, not updated.\n\n"
                          : "    (layer %d: %s frozen, not updated)\n",
                 l + 1, frozen == 2 ? "weights and biases"
                        : ly->freeze_w ? "weights" : "biases");
    }
}

/* Per-layer summary for networks too big to show weight by weight. */
static void summary(out_t *o, const bp_net *net, const double *fd)
{
    heading(o, "Layer by layer (too many weights to show each)");
    for (int l = 0; l < net->n_layers; l++) {
        const bp_layer *ly = &net->layers[l];
        size_t nw = (size_t)ly->n_out * ly->n_in;
        double gmax = 0, gsq = 0, dmax = 0, worst = 0;
        for (size_t i = 0; i < nw + (size_t)ly->n_out; i++) {
            double g = net->grads[ly->w_off + i];
            gsq += g * g;
            if (fabs(g) > gmax)
                gmax = fabs(g);
            if (fd) {
                double s = fabs(g) > fabs(fd[ly->w_off + i]) ? fabs(g)
                                                             : fabs(fd[ly->w_off + i]);
                double r = fabs(g - fd[ly->w_off + i]) / (s > 1e-3 ? s : 1e-3);
                if (r > worst)
                    worst = r;
            }
        }
        for (int j = 0; j < ly->n_out; j++)
            if (fabs(ly->delta[j]) > dmax)
                dmax = fabs(ly->delta[j]);
        emit(o, o->md ? "- layer %d (%s, %d -> %d): |dE/dw| max %s, norm %s; "
                        "|delta| max %s"
                      : "    layer %d (%s, %d -> %d): |dE/dw| max %s, norm %s; "
                        "|delta| max %s",
             l + 1, bp_act_name(ly->act), ly->n_in, ly->n_out, num(o, gmax),
             num(o, sqrt(gsq)), num(o, dmax));
        if (fd)
            emit(o, "; finite differences agree to %.1e", worst);
        emit(o, "\n");
    }
}

/* ---------------------------------------------------------- the driver */

typedef struct {
    bp_net *net;
    double e_after1, e_after_n;
    const bp_real *out_n;      /* outputs after n steps */
    bp_real *first_grads;      /* gradients of the first update */
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

/* f(z) of one row in place, in double, as act.c defines it in the
 * working precision. */
static void act_double(bp_act act, double param, double *z, int m)
{
    double max = z[0], sum = 0;
    for (int j = 0; j < m; j++) {
        const double v = z[j];
        switch (act) {
        case BP_ACT_SIGMOID:
            z[j] = v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v));
            break;
        case BP_ACT_TANH: z[j] = tanh(v); break;
        case BP_ACT_RELU: z[j] = v > 0 ? v : 0; break;
        case BP_ACT_LEAKY_RELU: z[j] = v > 0 ? v : param * v; break;
        case BP_ACT_STEP: z[j] = v >= 0 ? 1 : 0; break;
        case BP_ACT_SOFTMAX: max = v > max ? v : max; break;
        default: break; /* identity */
        }
    }
    if (act != BP_ACT_SOFTMAX)
        return;
    for (int j = 0; j < m; j++)
        sum += z[j] = exp(z[j] - max);
    for (int j = 0; j < m; j++)
        z[j] /= sum;
}

/* E of one sample with the parameters p, computed in double throughout
 * by the definitions of act.c and loss.c: an evaluation independent of the
 * library's own forward phase, so the finite differences it gives check
 * the gradients to as many digits as they are shown, in the float32
 * build too. buf holds 2 x widest doubles. */
static double loss_double(const bp_net *net, const double *p,
                          const bp_real *x, const bp_real *t, double *buf)
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
            act_double(ly->act, ly->act_param, z, ly->n_out);
            double *swap = in;
            in = z;
            z = swap;
        }
    }
    /* z: the output layer's net input, as loss.c takes it */
    const bp_layer *top = &net->layers[L - 1];
    const int m = top->n_out;
    double e = 0, max = z[0], sum = 0, tsum = 0, tz = 0;
    switch (net->loss) {
    case BP_LOSS_BCE:
        for (int j = 0; j < m; j++)
            e += (z[j] > 0 ? z[j] : 0) - t[j] * z[j] + log1p(exp(-fabs(z[j])));
        return e;
    case BP_LOSS_CE:
        for (int j = 1; j < m; j++)
            max = z[j] > max ? z[j] : max;
        for (int j = 0; j < m; j++) {
            sum += exp(z[j] - max);
            tsum += t[j];
            tz += t[j] * z[j];
        }
        return tsum * (max + log(sum)) - tz;
    default: /* SSE on the output's activation */
        act_double(top->act, top->act_param, z, m);
        for (int j = 0; j < m; j++)
            e += 0.5 * (t[j] - z[j]) * (t[j] - z[j]);
        return e;
    }
}

/* Five-point central differences of E for every parameter, in double
 * (one sample: the mean and the sum over the batch are the same). */
static bp_status finite_differences(const bp_net *net, const bp_real *x,
                                    const bp_real *t, double *fd)
{
    double *p = malloc((net->n_params + 2 * (size_t)net->max_widest) *
                       sizeof *p);
    if (!p)
        return BP_ERR_NOMEM;
    double *buf = p + net->n_params;
    for (size_t i = 0; i < net->n_params; i++)
        p[i] = net->params[i];
    const double h = 1e-4; /* truncation O(h^4), rounding ~1e-16 / h */
    for (size_t i = 0; i < net->n_params; i++) {
        const double keep = p[i];
        static const double at[4] = {-2, -1, 1, 2};
        double e[4];
        for (int s = 0; s < 4; s++) {
            p[i] = keep + at[s] * h;
            e[s] = loss_double(net, p, x, t, buf);
        }
        p[i] = keep;
        fd[i] = (8 * (e[2] - e[1]) - (e[3] - e[0])) / (12 * h);
    }
    free(p);
    return BP_OK;
}

/* The hidden layers' gradients in both orders, side by side. */
static void hidden_grads_both(out_t *o, const bp_net *net,
                              const bp_real *seeds_grads)
{
    emit(o, o->md ? "\nThe hidden layers' gradients in both orders:\n\n"
                    "| | standard order | seeds' order |\n|---|---|---|\n"
                  : "\n    hidden gradients          standard order     "
                    "seeds' order\n");
    for (int l = net->n_layers - 2; l >= 0; l--) {
        const bp_layer *ly = &net->layers[l];
        for (int j = 0; j < ly->n_out; j++)
            for (int k = 0; k < ly->n_in; k++) {
                size_t idx = ly->w_off + (size_t)j * ly->n_in + k;
                char name[64];
                snprintf(name, sizeof name, "%s",
                         partial(o, "E", sym(o, S_W, l, j, k)));
                emit(o, o->md ? "| $%s$ | %s | %s |\n"
                              : "    %-22s %16s %16s\n",
                     name, num(o, net->grads[idx]), num(o, seeds_grads[idx]));
            }
    }
}

static void orders_detail(out_t *o, const bp_explain_opts *opts,
                          const run_t *std, const run_t *seeds, int n_out,
                          int L)
{
    char title[96];
    heading(o, "After the update");
    const int both = opts->order == BP_EXPLAIN_ORDER_BOTH;
    if (both)
        emit(o, o->md ? "| | standard order | seeds' order |\n|---|---|---|\n"
                      : "    %-28s %16s %16s\n", "", "standard order",
             "seeds' order");
    const run_t *one = opts->order == BP_EXPLAIN_ORDER_SEEDS ? seeds : std;
    snprintf(title, sizeof title, "E_total after 1 update");
    if (both)
        emit(o, o->md ? "| %s | %s | %s |\n" : "    %-28s %16s %16s\n", title,
             num(o, std->e_after1), num(o, seeds->e_after1));
    else
        emit(o, o->md ? "%s: %s\n\n" : "    %s: %s\n", title,
             num(o, one->e_after1));
    if (opts->steps > 1) {
        snprintf(title, sizeof title, "E_total after %d updates", opts->steps);
        if (both)
            emit(o, o->md ? "| %s | %s | %s |\n" : "    %-28s %16s %16s\n",
                 title, num(o, std->e_after_n), num(o, seeds->e_after_n));
        else
            emit(o, o->md ? "%s: %s\n\n" : "    %s: %s\n", title,
                 num(o, one->e_after_n));
        for (int j = 0; j < n_out; j++) {
            snprintf(title, sizeof title, "out_o%d after %d", j + 1,
                     opts->steps);
            if (both)
                emit(o, o->md ? "| %s | %s | %s |\n" : "    %-28s %16s %16s\n",
                     title, num(o, std->out_n[j]), num(o, seeds->out_n[j]));
            else
                emit(o, o->md ? "%s: %s\n\n" : "    %s: %s\n", title,
                     num(o, one->out_n[j]));
        }
    }
    if (both) {
        if (L > 1 && o->net->n_params <= (size_t)opts->max_weights * 2 &&
            seeds->first_grads)
            hidden_grads_both(o, o->net, seeds->first_grads);
        emit(o, "\n");
        if (L > 1)
            emit(o, "%sThe standard order takes every gradient at the weights "
                    "of the forward phase. The seeds' order updates the "
                    "output layer first and then passes delta back through "
                    "the already-updated output weights, so the hidden "
                    "layers' gradients (and so the error after the update) "
                    "differ slightly; it is how the seeds' published figures "
                    "were computed.\n",
                 o->md ? "" : "    ");
        else
            emit(o, "%sWith one layer nothing passes back through updated "
                    "weights: the two orders are the same.\n",
                 o->md ? "" : "    ");
    }
}

bp_status bp_explain(const bp_net *src, const bp_real *x, const bp_real *t,
                     const bp_explain_opts *opts, bp_write_fn write,
                     void *ctx, bp_error *err)
{
    if (!src || !x || !t || !opts || !write)
        return bp__fail_err(err, BP_ERR_NULL, "explain: %s is NULL",
                            !src ? "net" : !x ? "x" : !t ? "t"
                                       : !opts ? "opts" : "write");
    if (!(opts->lr > 0 && opts->lr < 1e30) || opts->steps < 1 ||
        opts->steps > 100000000 || (unsigned)opts->order > 2 ||
        (unsigned)opts->format > 1)
        return bp__fail_err(err, BP_ERR_ARG, "explain: lr must be > 0, steps "
                            ">= 1, order and format known");
    bp_net *net = NULL;
    double *fd = NULL, e_total = 0;
    run_t std = {0}, seeds = {0};
    bp_optim sgd = bp_optim_defaults(BP_OPT_SGD);
    sgd.lr = opts->lr;
    bp_status st = bp_net_clone(src, &net);
    if (!st)
        st = bp_net_set_optim(net, &sgd);
    if (!st && opts->check) {
        fd = malloc(net->n_params * sizeof *fd);
        st = fd ? finite_differences(net, x, t, fd) : BP_ERR_NOMEM;
    }
    if (!st)
        st = bp_net_forward(net, x, 1);
    if (!st)
        st = bp_net_backward(net, t, &e_total);
    if (!st && !(seeds.first_grads = malloc(net->n_params * sizeof(bp_real))))
        st = BP_ERR_NOMEM;
    if (!st)
        st = run_order(net, x, t, opts->steps, BP_ORDER_STANDARD, &std);
    if (!st)
        st = run_order(net, x, t, opts->steps, BP_ORDER_SEEDS, &seeds);
    if (st) {
        bp__fail_err(err, st, "explain: %s",
                     net && net->err[0] ? net->err : bp_status_str(st));
        goto done;
    }
    out_t o = {write, ctx, opts->format == BP_EXPLAIN_MARKDOWN, net, {{0}}, 0};
    const int L = net->n_layers;
    emit(&o, o.md ? "# Backpropagation, number by number\n\n"
                  : "Backpropagation, number by number\n");
    emit(&o, o.md ? "Network: %d inputs" : "  network: %d inputs", net->n_in);
    for (int l = 0; l < L; l++)
        emit(&o, ", %d %s", net->layers[l].n_out, bp_act_name(net->layers[l].act));
    emit(&o, o.md ? "; loss %s; %s precision.\n" : "; loss %s; %s\n",
         bp_loss_name(net->loss), sizeof(bp_real) == 8 ? "double" : "float32");
    emit(&o, o.md ? "\nInput:" : "  input:");
    for (int k = 0; k < net->n_in; k++)
        emit(&o, o.md ? "%s $%s = %s$" : "%s %s = %s", k ? "," : "",
             sym(&o, S_OUT, -1, k, 0), given(&o, x[k]));
    emit(&o, "; target:");
    for (int j = 0; j < net->layers[L - 1].n_out; j++)
        emit(&o, o.md ? "%s $%s = %s$" : "%s %s = %s", j ? "," : "",
             sym(&o, S_T, L - 1, j, 0), given(&o, t[j]));
    emit(&o, "\n");

    if (count_weights(net) <= opts->max_weights) {
        forward_detail(&o, net);
        error_detail(&o, net, t, e_total);
        backward_detail(&o, net, t, fd);
        /* the update of the chosen order; both: the standard one here and
         * the seeds' order in the comparison below */
        bp_real *std_grads = NULL;
        if (opts->order == BP_EXPLAIN_ORDER_SEEDS &&
            (std_grads = malloc(net->n_params * sizeof(bp_real)))) {
            /* show the update with the gradients the seeds' order used */
            memcpy(std_grads, net->grads, net->n_params * sizeof(bp_real));
            memcpy(net->grads, seeds.first_grads,
                   net->n_params * sizeof(bp_real));
        }
        bp_net *after;
        if (!bp_net_clone(net, &after)) {
            bp_net_train_step(after, x, t, 1,
                              opts->order == BP_EXPLAIN_ORDER_SEEDS
                                  ? BP_ORDER_SEEDS : BP_ORDER_STANDARD, NULL);
            update_detail(&o, net, after, opts->lr);
            bp_net_free(after);
        }
        if (std_grads) {
            memcpy(net->grads, std_grads, net->n_params * sizeof(bp_real));
            free(std_grads);
        }
    } else {
        emit(&o, o.md ? "\nThis network has %ld weights, more than %d: each "
                        "layer is summarised instead of shown weight by weight.\n"
                      : "\n  This network has %ld weights, more than %d: each "
                        "layer is summarised instead of shown weight by weight.\n",
             count_weights(net), opts->max_weights);
        eq_begin(&o);
        emit(&o, "E = %s", num(&o, e_total));
        eq_end(&o);
        summary(&o, net, fd);
    }
    orders_detail(&o, opts, &std, &seeds, net->layers[L - 1].n_out, L);
done:
    free(fd);
    bp_net_free(net);
    bp_net_free(std.net);
    bp_net_free(seeds.net);
    free(seeds.first_grads);
    return st;
}
