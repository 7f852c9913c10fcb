/*
 * summary.c - explain for a network of any size, on one screen: the
 * sample and the prediction, each layer's forward figures (the range and
 * mean of its net inputs and outputs, its saturated and dead units), its
 * backward figures (the norms of its deltas, weight gradients, weights
 * and update), and a line per layer saying in words what stands out.
 *
 * Every figure comes from stats.c, which reads the network after the
 * library's own forward and backward phase; this file only prints them
 * and compares them with each other.
 */
#include "explain/check.h"
#include "explain/stats.h"
#include "explain/summary.h"

#include <stdio.h>
#include <string.h>

/* Deltas shrinking or growing by more than this factor from one layer to
 * the one below are called vanishing or exploding. Sigmoid's derivative
 * is at most 1/4, so a sigmoid layer with weights of unit gain already
 * shrinks them by 4. */
#define VANISH 3.0
/* An update larger than this share of the weights' norm is too large;
 * one smaller than TINY barely moves them. */
#define TOO_LARGE 0.1
#define TINY 1e-6
/* How many of each layer's largest gradients --check compares. */
#define CHECKED 3

/* A figure for a table: 3 significant digits, 9 characters at most. */
static const char *fig(out_t *o, double v)
{
    char *s = bp__slot(o);
    snprintf(s, 24, "%.3g", v == 0 ? 0.0 : v);
    return s;
}

/* A factor in words: 40, 4.1, 1200. */
static const char *factor(out_t *o, double r)
{
    char *s = bp__slot(o);
    snprintf(s, 24, r >= 100 ? "%.0f" : "%.2g", r);
    return s;
}

/* A count of units, or "-" where it does not apply. */
static const char *count(out_t *o, int n)
{
    char *s = bp__slot(o);
    snprintf(s, 24, n < 0 ? "-" : "%d", n);
    return s;
}

/* One table row from cells: fixed columns in text (the first, a label,
 * left-aligned), a Markdown table row otherwise. */
static void row(out_t *o, const char *const *cell, int n, const int *width)
{
    for (int i = 0; i < n; i++) {
        if (o->md) { /* a | inside a cell is \| in Markdown */
            bp__emit(o, "| ");
            for (const char *c = cell[i]; *c; c++)
                bp__emit(o, *c == '|' ? "\\|" : "%c", *c);
            bp__emit(o, " ");
        } else if (i == 0)
            bp__emit(o, "  %-*s", width[i], cell[i]);
        else
            bp__emit(o, " %*s", width[i], cell[i]);
    }
    bp__emit(o, o->md ? "|\n" : "\n");
    if (o->md && cell[0][0] == 'l' && strcmp(cell[0], "layer") == 0) {
        for (int i = 0; i < n; i++)
            bp__emit(o, i ? "---|" : "|---|");
        bp__emit(o, "\n");
    }
}

static const char *layer_label(out_t *o, const bp_net *net, int l)
{
    char *s = bp__slot(o);
    snprintf(s, 40, "%d %s", l + 1, bp_act_name(net->layers[l].act));
    return s;
}

/* ------------------------------------------------------- the sample */

/* Output j as a reader knows it: its class name, or o<j>. */
static const char *output_name(out_t *o, const bp_explain_opts *opts, int n_out,
                               int j)
{
    char *s = bp__slot(o);
    if (opts->class_names && opts->n_classes == n_out)
        snprintf(s, 192, "%s (o%d)", opts->class_names[j], j + 1);
    else
        snprintf(s, 192, "o%d", j + 1);
    return s;
}

/* n numbers: each, when there are few, else their range and mean. */
static void numbers(out_t *o, const char *what, const bp_real *v, int n,
                    int computed)
{
    bp__emit(o, o->md ? "- %s:" : "  %s:", what);
    if (n <= 8) {
        for (int i = 0; i < n; i++)
            bp__emit(o, "%s %s", i ? "," : "",
                     computed ? bp__num(o, v[i]) : bp__given(o, v[i]));
    } else {
        double lo = v[0], hi = v[0], sum = 0;
        for (int i = 0; i < n; i++) {
            lo = v[i] < lo ? v[i] : lo;
            hi = v[i] > hi ? v[i] : hi;
            sum += v[i];
        }
        bp__emit(o, " %d numbers from %s to %s, mean %s", n, fig(o, lo),
                 fig(o, hi), fig(o, sum / n));
    }
    bp__emit(o, "\n");
}

/* The index of the largest of v[n] not in skip[0..ns). */
static int largest(const bp_real *v, int n, const int *skip, int ns)
{
    int best = -1;
    for (int j = 0; j < n; j++) {
        int taken = 0;
        for (int i = 0; i < ns; i++)
            taken |= skip[i] == j;
        if (!taken && (best < 0 || v[j] > v[best]))
            best = j;
    }
    return best;
}

/* A classifier's target and its prediction with the runners-up. */
static void argmax_lines(out_t *o, const bp_net *net, const bp_real *t,
                         const bp_explain_opts *opts)
{
    const bp_layer *top = &net->layers[net->n_layers - 1];
    const int m = top->n_out;
    int pick[3], n = 0;
    const int want = largest(t, m, NULL, 0);
    bp__emit(o, o->md ? "- target: %s\n" : "  target: %s\n",
             output_name(o, opts, m, want));
    while (n < 3 && n < m) {
        pick[n] = largest(top->a, m, pick, n);
        n++;
    }
    bp__emit(o,
             o->md ? "- prediction: %s with %s (%s)"
                   : "  prediction: %s with %s (%s)",
             output_name(o, opts, m, pick[0]), fig(o, top->a[pick[0]]),
             pick[0] == want ? "right" : "wrong");
    for (int i = 1; i < n; i++)
        bp__emit(o, "%s%s %s", i == 1 ? "; next " : ", ",
                 output_name(o, opts, m, pick[i]), fig(o, top->a[pick[i]]));
    bp__emit(o, "\n");
}

/* Outputs against their targets, for regression and for sigmoid outputs
 * each read on its own. */
static void output_lines(out_t *o, const bp_net *net, const bp_real *t,
                         const bp_explain_opts *opts)
{
    const bp_layer *top = &net->layers[net->n_layers - 1];
    const int m = top->n_out;
    const int threshold =
        bp_loss_describe(net->loss)->flags & BP_LOSSF_THRESHOLD;
    if (threshold && m == 1 && opts->class_names && opts->n_classes == 2) {
        const int c = top->a[0] > 0.5, want = t[0] > 0.5;
        bp__emit(o,
                 o->md ? "- target: %s\n- prediction: %s (out_o1 = %s)"
                         " (%s)\n"
                       : "  target: %s\n  prediction: %s (out_o1 = %s)"
                         " (%s)\n",
                 opts->class_names[want], opts->class_names[c],
                 fig(o, top->a[0]), c == want ? "right" : "wrong");
        return;
    }
    numbers(o, "target", t, m, 0);
    numbers(o, "output", top->a, m, 1);
    if (m > 8) {
        int worst = 0;
        for (int j = 1; j < m; j++)
            if (fabs((double)top->a[j] - t[j]) >
                fabs((double)top->a[worst] - t[worst]))
                worst = j;
        bp__emit(o,
                 o->md ? "- largest |out - t|: %s at o%d\n"
                       : "  largest |out - t|: %s at o%d\n",
                 fig(o, fabs((double)top->a[worst] - t[worst])), worst + 1);
    }
}

static void intro(out_t *o, const bp_net *net, const bp_real *x,
                  const bp_real *t, const bp_explain_opts *opts, double e_total)
{
    const int L = net->n_layers;
    long weights = 0;
    for (int l = 0; l < L; l++)
        weights += (long)net->layers[l].n_out * net->layers[l].n_in;
    bp__emit(o,
             o->md ? "# Backpropagation, layer by layer\n\n"
                   : "Backpropagation, layer by layer\n");
    bp__emit(o, o->md ? "- network: %d inputs" : "  network: %d inputs",
             net->n_in);
    for (int l = 0, run; l < L; l += run) { /* 5 x 16 sigmoid */
        const bp_layer *ly = &net->layers[l];
        for (run = 1; l + run < L && net->layers[l + run].n_out == ly->n_out &&
             net->layers[l + run].act == ly->act;
             run++)
            ;
        if (run > 1)
            bp__emit(o, ", %d layers of %d %s", run, ly->n_out,
                     bp_act_name(ly->act));
        else
            bp__emit(o, ", %d %s", ly->n_out, bp_act_name(ly->act));
    }
    bp__emit(o, " (%ld weights); loss %s; %s\n", weights,
             bp_loss_name(net->loss),
             sizeof(bp_real) == 8 ? "double" : "float32");
    if (opts->sample)
        bp__emit(o, o->md ? "- sample: %s\n" : "  sample: %s\n", opts->sample);
    numbers(o, "input", x, net->n_in, 0);
    if (bp_loss_describe(net->loss)->flags & BP_LOSSF_ARGMAX)
        argmax_lines(o, net, t, opts);
    else
        output_lines(o, net, t, opts);
    bp__emit(o, o->md ? "- error: E = %s\n" : "  error: E = %s\n",
             bp__num(o, e_total));
    if (opts->view == BP_EXPLAIN_AUTO)
        bp__emit(o,
                 o->md ? "\nThis network has %ld weights, more than %d: "
                         "each layer is summarised instead of shown "
                         "weight by weight.\n"
                       : "  (%ld weights, more than %d: each layer is "
                         "summarised instead of shown weight by weight)\n",
                 weights, opts->max_weights);
}

/* ------------------------------------------------------ the figures */

static void forward_table(out_t *o, const bp_net *net, const bp_layer_stats *s)
{
    static const int w[] = {12, 5, 9, 9, 9, 9, 9, 9, 9, 5};
    static const char *const head[] = {
        "layer",   "units",    "net min", "net mean",  "net max",
        "out min", "out mean", "out max", "saturated", "dead"};
    bp__heading(o, "Forward phase: each layer's net inputs and outputs");
    row(o, head, 10, w);
    for (int l = 0; l < net->n_layers; l++) {
        const char *c[10] = {layer_label(o, net, l),   count(o, s[l].n_out),
                             fig(o, s[l].net_min),     fig(o, s[l].net_mean),
                             fig(o, s[l].net_max),     fig(o, s[l].out_min),
                             fig(o, s[l].out_mean),    fig(o, s[l].out_max),
                             count(o, s[l].saturated), count(o, s[l].dead)};
        row(o, c, 10, w);
    }
}

/* With --check: how closely the finite differences of layer l's CHECKED
 * largest weight gradients agree with them (relative, floor 1e-3). */
static double check_layer(const bp_net *net, const bp_real *x, const bp_real *t,
                          int l, double *p)
{
    const bp_layer *ly = &net->layers[l];
    const size_t nw = (size_t)ly->n_out * ly->n_in;
    size_t pick[CHECKED];
    int n = 0;
    double worst = 0;
    for (; n < CHECKED && (size_t)n < nw; n++) {
        size_t best = 0;
        double bg = -1;
        for (size_t i = 0; i < nw; i++) {
            int taken = 0;
            for (int q = 0; q < n; q++)
                taken |= pick[q] == i;
            double g = fabs((double)net->grads[ly->w_off + i]);
            if (!taken && g > bg)
                bg = g, best = i;
        }
        pick[n] = best;
        const double g = net->grads[ly->w_off + best];
        const double fd = bp__fd_at(net, p, x, t, ly->w_off + best);
        double s = fabs(g) > fabs(fd) ? fabs(g) : fabs(fd);
        double r = fabs(g - fd) / (s > 1e-3 ? s : 1e-3);
        worst = r > worst ? r : worst;
    }
    return worst;
}

static bp_status backward_table(out_t *o, const bp_net *net, const bp_real *x,
                                const bp_real *t, const bp_explain_opts *opts,
                                const bp_layer_stats *s)
{
    static const int w[] = {12, 9, 9, 9, 11, 9, 11};
    static const char *const head[] = {"layer", "|delta|",     "|dE/dW|",
                                       "|W|",   "|dE/dW|/|W|", "|update|",
                                       "check"};
    double *p = NULL;
    if (opts->check && !(p = bp__fd_params(net)))
        return BP_ERR_NOMEM;
    char title[128];
    snprintf(title, sizeof title,
             "Backward phase: norms of the gradients, "
             "and the update at learning rate %s",
             bp__given(o, opts->lr));
    bp__heading(o, title);
    row(o, head, opts->check ? 7 : 6, w);
    for (int l = net->n_layers - 1; l >= 0; l--) {
        char agree[24] = "";
        if (p)
            snprintf(agree, sizeof agree, "%.1e", check_layer(net, x, t, l, p));
        const char *c[7] = {layer_label(o, net, l),
                            fig(o, s[l].delta_norm),
                            fig(o, s[l].grad_norm),
                            fig(o, s[l].weight_norm),
                            s[l].weight_norm > 0
                                ? fig(o, s[l].grad_norm / s[l].weight_norm)
                                : "-",
                            fig(o, s[l].update_norm),
                            agree};
        row(o, c, opts->check ? 7 : 6, w);
    }
    if (p)
        bp__emit(o,
                 o->md ? "\n*check*: how closely the finite differences "
                         "of each layer's %d largest weight gradients "
                         "agree with them (relative).\n"
                       : "  check: how closely the finite differences of "
                         "each layer's %d largest weight gradients agree "
                         "with them (relative)\n",
                 CHECKED);
    bp__free(&net->alloc, p);
    return BP_OK;
}

/* ---------------------------------------------------------- the words */

/* Appends "; " between the phrases of a line. */
typedef struct {
    out_t *o;
    int n;
} phrases;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
say(phrases *ph, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    bp__emit(ph->o, "%s%s", ph->n++ ? "; " : "", buf);
}

/* How layer l's deltas compare with the layer above's. */
static void delta_words(phrases *ph, const bp_layer_stats *s, int l, int L)
{
    out_t *o = ph->o;
    const double d = s[l].delta_norm, up = s[l + 1].delta_norm;
    if (up == 0) {
        say(ph, "no gradient reaches this layer: every delta above is 0");
        return;
    }
    if (d == 0) {
        say(ph, "every delta is 0: no gradient passes below here");
        return;
    }
    const double r = d / up, total = d / s[L - 1].delta_norm;
    if (r < 1 / VANISH) {
        say(ph,
            "deltas %sx smaller than the layer above: the gradient is "
            "vanishing here",
            factor(o, 1 / r));
        if (l + 1 < L - 1 && total < 1 / (VANISH * VANISH))
            say(ph, "%sx smaller than at the output", factor(o, 1 / total));
    } else if (r > VANISH) {
        say(ph,
            "deltas %sx larger than the layer above: the gradient is "
            "exploding here",
            factor(o, r));
    } else {
        say(ph, "deltas %sx the layer above's: the gradient passes through",
            factor(o, r));
    }
}

/* What the units of layer l did with this sample. */
static void unit_words(phrases *ph, const bp_net *net, const bp_layer_stats *s,
                       int l)
{
    const int n = s[l].n_out;
    /* an output trained with the loss its derivative cancels with
     * (sigmoid and cross-entropy): saturation does not slow it */
    const int cancels = l == net->n_layers - 1 &&
        bp_act_describe(s[l].act)->out_loss == net->loss &&
        (bp_loss_describe(net->loss)->flags & BP_LOSSF_CLOSED_FORM);
    if (bp_act_describe(s[l].act)->flags & BP_ACTF_NO_GRADIENT)
        say(ph,
            "%s units have no gradient: backpropagation cannot train "
            "them",
            bp_act_name(s[l].act));
    if (s[l].dead > 0 && 2 * s[l].dead >= n)
        say(ph,
            "%d of %d units dead (%s at 0 here): no gradient through "
            "them",
            s[l].dead, n, bp_act_describe(s[l].act)->label);
    if (s[l].saturated > 0 && 4 * s[l].saturated >= n && cancels)
        say(ph,
            "%d of %d units saturated, harmless with %s, whose "
            "derivative cancels theirs",
            s[l].saturated, n, bp_loss_describe(net->loss)->label);
    else if (s[l].saturated > 0 && 4 * s[l].saturated >= n)
        say(ph, "%d of %d units saturated: their derivative is near 0",
            s[l].saturated, n);
}

/* What the update would do to layer l's weights. */
static void update_words(phrases *ph, const bp_net *net,
                         const bp_layer_stats *s, int l, double lr)
{
    out_t *o = ph->o;
    const bp_layer *ly = &net->layers[l];
    if (s[l].weight_norm == 0) {
        say(ph, "every weight is 0: was the network initialised?");
        return;
    }
    const double u = s[l].update_norm / s[l].weight_norm;
    if (ly->freeze_w)
        say(ph, "weights frozen: not updated");
    else if (u > TOO_LARGE)
        say(ph, "a step at learning rate %s is %.0f%% of |W|: a large one",
            bp__given(o, lr), 100 * u);
    else if (s[l].grad_norm > 0 && u < TINY)
        say(ph,
            "a step at learning rate %s is %s of |W|: this layer barely "
            "learns",
            bp__given(o, lr), fig(o, u));
}

static void words(out_t *o, const bp_net *net, const bp_layer_stats *s,
                  double lr)
{
    const int L = net->n_layers;
    const int closed =
        bp_loss_describe(net->loss)->flags & BP_LOSSF_CLOSED_FORM;
    bp__heading(o, "What stands out");
    for (int l = L - 1; l >= 0; l--) {
        phrases ph = {o, 0};
        bp__emit(o, o->md ? "- layer %d (%s): " : "  layer %d (%s): ", l + 1,
                 bp_act_name(s[l].act));
        if (l == L - 1)
            say(&ph,
                closed ? "the error enters here: delta = out - t"
                       : "the error enters here: delta = (out - t) "
                         "times dout/dnet");
        else
            delta_words(&ph, s, l, L);
        unit_words(&ph, net, s, l);
        update_words(&ph, net, s, l, lr);
        bp__emit(o, "\n");
    }
}

/* The error after the updates of the orders shown. */
static void after_lines(out_t *o, const bp_explain_opts *opts,
                        const double e1[2], const double en[2])
{
    const int first = opts->order == BP_EXPLAIN_ORDER_LAYERWISE;
    const int last = opts->order == BP_EXPLAIN_ORDER_STANDARD ? 0 : 1;
    static const char *const name[2] = {"standard order", "layer-wise order"};
    bp__emit(o, "\n");
    for (int n = 0; n < (opts->steps > 1 ? 2 : 1); n++) {
        if (n)
            bp__emit(o,
                     o->md ? "\nAfter %d updates: E ="
                           : "  after %d updates: E =",
                     opts->steps);
        else
            bp__emit(o,
                     o->md ? "After one update of plain gradient descent "
                             "at learning rate %s: E ="
                           : "  after one update of plain gradient descent "
                             "at learning rate %s: E =",
                     bp__given(o, opts->lr));
        for (int i = first; i <= last; i++)
            bp__emit(o, "%s %s (%s)", i > first ? "," : "",
                     bp__num(o, n ? en[i] : e1[i]), name[i]);
        bp__emit(o, "\n");
    }
}

bp_status bp__summary(out_t *o, const bp_net *net, const bp_real *x,
                      const bp_real *t, const bp_explain_opts *opts,
                      double e_total, const double e1[2], const double en[2])
{
    bp_layer_stats *s =
        bp__alloc(&net->alloc, (size_t)net->n_layers * sizeof *s);
    if (!s)
        return BP_ERR_NOMEM;
    bp__layer_stats(net, opts->lr, s);
    intro(o, net, x, t, opts, e_total);
    forward_table(o, net, s);
    bp_status st = backward_table(o, net, x, t, opts, s);
    if (!st) {
        words(o, net, s, opts->lr);
        after_lines(o, opts, e1, en);
    }
    bp__free(&net->alloc, s);
    return st;
}
