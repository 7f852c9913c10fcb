/*
 * test_explain_any.c - explain for networks of any size: the summary's
 * numbers (bp_explain_stats) are the library's phases' own, recomputed
 * here from the public calls; the summary fits a screen and names every
 * layer; the drill-down (bp_explain_neuron, bp_explain_weight) prints the
 * very numbers the full walk prints; the per-layer norms and the
 * activations' curves are right; kernels give the same summary where the
 * products run the plain loops; bad arguments are refused.
 */
#include "backprop.h"
#include "test.h"

#include <stdlib.h>

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

/* A network of widths w[0..L) (w[L-1] the output), hidden activation
 * `hidden`, output `out` with `loss`, drawn from seed, and a sample. */
static bp_net *random_net(int n_in, int L, const int *w, bp_act hidden,
                          bp_act out, bp_loss loss, uint64_t seed, bp_real *x,
                          bp_real *t)
{
    bp_layer_desc d[32];
    for (int l = 0; l < L; l++)
        d[l] = (bp_layer_desc){w[l], l == L - 1 ? out : hidden, 0.1};
    bp_net *net;
    if (bp_net_create(n_in, L, d, NULL, &net, NULL))
        return NULL;
    bp_net_init(net, bp_act_describe(hidden)->init, seed);
    bp_net_set_loss(net, loss, BP_REDUCE_MEAN);
    bp_rng r;
    bp_rng_seed(&r, seed);
    bp_real *p = bp_net_params(net);
    for (size_t i = 0; i < bp_net_n_params(net); i++)
        p[i] += (bp_real)(0.05 * bp_rng_normal(&r));
    for (int k = 0; k < n_in; k++)
        x[k] = (bp_real)(2 * bp_rng_uniform(&r) - 1);
    const int m = w[L - 1];
    for (int j = 0; j < m; j++)
        t[j] = loss == BP_LOSS_CE ? (bp_real)(j == m / 2)
                                  : (bp_real)(0.1 + 0.8 * bp_rng_uniform(&r));
    return net;
}

/* ------------------------------------------- the summary's numbers */

static double norm(const bp_real *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)v[i] * v[i];
    return sqrt(s);
}

/* bp_explain_stats against the same figures read here from a clone's
 * forward and backward phase through the public calls. */
static void check_stats(bp_net *net, const bp_real *x, const bp_real *t,
                        const char *what)
{
    const int L = bp_net_n_layers(net);
    bp_layer_stats s[32];
    double loss, loss2;
    bp_error err;
    bp_net *c;
    CHECK_OK(bp_explain_stats(net, x, t, 0.25, s, &loss, &err));
    if (bp_net_clone(net, &c) || bp_net_forward(c, x, 1) ||
        bp_net_backward(c, t, &loss2)) {
        CHECK(0, "%s: clone, forward, backward", what);
        return;
    }
    int wrong = 0;
    for (int l = 0; l < L; l++) {
        bp_layer_view v;
        bp_net_layer_view(c, l, &v);
        const bp_real *z = bp_net_layer_z(c, l), *a = bp_net_layer_out(c, l);
        const bp_real *d = bp_net_layer_delta(c, l);
        size_t wo, bo;
        bp_net_layer_offsets(c, l, &wo, &bo);
        const size_t nw = (size_t)v.n_out * v.n_in;
        double zmin = z[0], zmax = z[0], amin = a[0], amax = a[0], zs = 0,
               as = 0;
        int sat = 0, dead = 0;
        for (int j = 0; j < v.n_out; j++) {
            zmin = fmin(zmin, z[j]), zmax = fmax(zmax, z[j]);
            amin = fmin(amin, a[j]), amax = fmax(amax, a[j]);
            zs += z[j], as += a[j];
            sat += v.act == BP_ACT_SIGMOID ? a[j] < 0.025 || a[j] > 0.975
                : v.act == BP_ACT_TANH     ? fabs(a[j]) > 0.95
                                           : 0;
            dead += v.act == BP_ACT_RELU && z[j] <= 0;
        }
        const int bounded = v.act == BP_ACT_SIGMOID || v.act == BP_ACT_TANH;
        const int relu_like =
            v.act == BP_ACT_RELU || v.act == BP_ACT_LEAKY_RELU;
        const double gn = norm(bp_net_grads(c) + wo, nw);
        const double wn = norm(bp_net_params(c) + wo, nw);
        int ok = s[l].n_in == v.n_in && s[l].n_out == v.n_out &&
            s[l].act == v.act && s[l].net_min == zmin && s[l].net_max == zmax &&
            s[l].out_min == amin && s[l].out_max == amax &&
            s[l].net_mean == zs / v.n_out && s[l].out_mean == as / v.n_out &&
            s[l].saturated == (bounded ? sat : -1) &&
            s[l].dead == (relu_like ? dead : -1) &&
            s[l].delta_norm == norm(d, (size_t)v.n_out) &&
            s[l].grad_norm == gn && s[l].weight_norm == wn &&
            s[l].update_norm == 0.25 * gn;
        if (!ok) {
            wrong++;
            printf("    layer %d: |delta| %.9g vs %.9g, |dE/dW| %.9g vs %.9g, "
                   "sat %d vs %d, dead %d vs %d\n",
                   l + 1, s[l].delta_norm, norm(d, (size_t)v.n_out),
                   s[l].grad_norm, gn, s[l].saturated, sat, s[l].dead, dead);
        }
    }
    double wn[32], gn[32];
    CHECK_OK(bp_net_layer_norms(c, wn, gn));
    for (int l = 0; l < L; l++)
        wrong += wn[l] != s[l].weight_norm || gn[l] != s[l].grad_norm;
    CHECK(wrong == 0 && loss == loss2,
          "%s: every figure of %d layers is the library's (E %.9g, %.9g)", what,
          L, loss, loss2);
    bp_net_free(c);
}

/* ------------------------------------------------------ one screen */

static void check_screen(int n_in, int L, const int *w, bp_act hidden,
                         bp_act out, bp_loss loss, const char *what,
                         const char *must)
{
    bp_real *x = malloc(sizeof *x * (size_t)n_in), t[16];
    bp_net *net = random_net(n_in, L, w, hidden, out, loss, 7, x, t);
    tst_text s = {0};
    bp_error err;
    bp_explain_opts o = bp_explain_defaults();
    CHECK_OK(bp_explain(net, x, t, &o, tst_collect, &s, &err));
    const int lines = count_lines(s.p);
    int named = 0;
    for (int l = 0; l < L; l++) {
        char name[64];
        snprintf(name, sizeof name, "\n  layer %d (%s): ", l + 1,
                 bp_act_name(l == L - 1 ? out : hidden));
        named += s.p && strstr(s.p, name) != NULL;
    }
    CHECK(lines <= 60 && named == L && s.p && strstr(s.p, must),
          "%s: summary of %d lines (at most 60), %d of %d layers named, "
          "says '%s'",
          what, lines, named, L, must);
    check_stats(net, x, t, what);
    /* Markdown: every table row has its header's number of cells */
    o.format = BP_EXPLAIN_MARKDOWN;
    tst_text md = {0};
    CHECK_OK(bp_explain(net, x, t, &o, tst_collect, &md, &err));
    int bad = 0, rows = 0, cells = -1;
    for (char *line = md.p; line && *line;) {
        char *eol = strchr(line, '\n');
        int bars = 0, dollars = 0;
        for (char *c = line; c < (eol ? eol : line + strlen(line)); c++)
            bars += *c == '|' && (c == line || c[-1] != '\\'),
                dollars += *c == '$';
        if (*line == '|') {
            bad += cells >= 0 && bars != cells;
            cells = bars;
            rows++;
        } else {
            cells = -1;
        }
        bad += dollars % 2;
        line = eol ? eol + 1 : NULL;
    }
    CHECK(bad == 0 && rows >= 2 * L + 2,
          "%s: Markdown tables of %d rows, %d malformed", what, rows, bad);
    free(s.p);
    free(md.p);
    free(x);
    bp_net_free(net);
}

/* -------------------------------------- drill-down = the full walk */

/* The value printed on the line of text starting (after spaces) with
 * "lhs = ", its last number before any "   [" or "   ("; fd gets the
 * finite difference shown in brackets ("" if none). 0 if no such line
 * ends in a number. A line's value is its last field. */
static int printed(const char *text, const char *lhs, char *val, char *fd,
                   size_t cap)
{
    size_t n = strlen(lhs);
    for (const char *line = text; line && *line;) {
        const char *s = line, *eol = strchr(line, '\n');
        const char *end = eol ? eol : line + strlen(line);
        while (*s == ' ')
            s++;
        if (strncmp(s, lhs, n) == 0 && strncmp(s + n, " = ", 3) == 0) {
            const char *stop = end, *cut = strstr(s, "   ");
            if (cut && cut < end)
                stop = cut;
            const char *p = stop;
            while (p > s && p[-1] != ' ')
                p--;
            char *q;
            strtod(p, &q);
            if (q == stop && q > p) {
                snprintf(val, cap, "%.*s", (int)(stop - p), p);
                fd[0] = '\0';
                const char *b = strstr(s, "[finite difference ");
                if (b && b < end)
                    snprintf(fd, cap, "%.*s", (int)strcspn(b + 19, "]"),
                             b + 19);
                return 1;
            }
        }
        line = eol ? eol + 1 : NULL;
    }
    return 0;
}

/* Every "lhs = number" line of the drill-down text has its number in the
 * full walk, to the last printed digit (and the same finite difference). */
static void same_numbers(const char *drill, const char *full, int *checked,
                         int *wrong)
{
    for (const char *line = drill; line && *line;) {
        const char *s = line, *eol = strchr(line, '\n');
        while (*s == ' ')
            s++;
        const char *eq = strstr(s, " = ");
        char lhs[96], v1[64], f1[64], v2[64], f2[64];
        if (eq && (!eol || eq < eol) && eq - s < (long)sizeof lhs &&
            !strchr("(t", *s)) {
            snprintf(lhs, sizeof lhs, "%.*s", (int)(eq - s), s);
            /* results, not the operands a drill-down lists (w1 = 0.15) */
            const int result = strncmp(lhs, "net_", 4) == 0 ||
                strncmp(lhs, "out_", 4) == 0 || strncmp(lhs, "dout_", 5) == 0 ||
                strncmp(lhs, "delta_", 6) == 0 ||
                strncmp(lhs, "dE/d", 4) == 0 || lhs[strlen(lhs) - 1] == '+';
            if (result && !strchr(lhs, ' ') &&
                printed(s, lhs, v1, f1, sizeof v1)) {
                ++*checked;
                if (!printed(full, lhs, v2, f2, sizeof v2) ||
                    strcmp(v1, v2) != 0 || (f1[0] && strcmp(f1, f2) != 0)) {
                    ++*wrong;
                    printf("    %s: drill-down %s [%s], full walk %s [%s]\n",
                           lhs, v1, f1, v2, f2);
                }
            }
        }
        line = eol ? eol + 1 : NULL;
    }
}

static void check_drill(int n_in, int L, const int *w, bp_act hidden,
                        bp_act out, bp_loss loss, uint64_t seed, int top)
{
    bp_real x[16], t[16];
    bp_net *net = random_net(n_in, L, w, hidden, out, loss, seed, x, t);
    bp_explain_opts o = bp_explain_defaults();
    o.view = BP_EXPLAIN_FULL;
    o.check = 1;
    o.order = BP_EXPLAIN_ORDER_STANDARD;
    o.top = top;
    bp_net_freeze(net, 0, BP_PARAM_BIASES, 1);
    tst_text full = {0};
    bp_error err;
    bp_status st = bp_explain(net, x, t, &o, tst_collect, &full, &err);
    int checked = 0, wrong = 0, calls = 0, failed = 0;
    for (int l = 0; l < L && !st; l++) {
        int n_below = l ? w[l - 1] : n_in;
        for (int j = 0; j < w[l]; j++) {
            tst_text d = {0};
            failed += bp_explain_neuron(net, x, t, l, j, &o, tst_collect, &d,
                                        &err) != BP_OK;
            same_numbers(d.p, full.p, &checked, &wrong);
            free(d.p);
            calls++;
            for (int k = 0; k <= n_below; k++) {
                tst_text e = {0};
                failed += bp_explain_weight(net, x, t, l, j, k, &o, tst_collect,
                                            &e, &err) != BP_OK;
                same_numbers(e.p, full.p, &checked, &wrong);
                free(e.p);
                calls++;
            }
        }
    }
    CHECK(st == BP_OK && !failed && wrong == 0 && checked > 4 * calls,
          "%d-%d-...-%d %-10s -> %-8s %-3s top %d: %d calls, %d numbers as "
          "the full walk prints them",
          n_in, w[0], w[L - 1], bp_act_name(hidden), bp_act_name(out),
          bp_loss_name(loss), top, calls, checked - wrong);
    free(full.p);
    bp_net_free(net);
}

/* --------------------------------------------------- the activations */

static void check_curves(void)
{
    enum { N = 41 };
    double z[N], out[N], dout[N];
    for (int i = 0; i < N; i++)
        z[i] = -4 + 0.2 * i + 0.013; /* not at a kink */
    int n = 0;
    for (bp_act a = 0; bp_act_describe(a); a++, n++) {
        const bp_act_info *f = bp_act_describe(a);
        const double p = f->param ? f->param_default : 0;
        double h[2] = {-1e-3, 1e-3}, oh[2], dh[2], worst = 0, fwd = 0;
        CHECK_OK(bp_act_eval(a, p, z, N, out, dout));
        /* the forward phase of a 1-input layer (a row (z, 0) for a
         * row-wise activation) gives the same outputs */
        const int m = f->flags & BP_ACTF_ROWWISE ? 2 : 1;
        bp_layer_desc d = {m, a, p};
        bp_net *net;
        bp_net_create(1, 1, &d, NULL, &net, NULL);
        bp_net_set_weight(net, 0, 0, 0, 1);
        for (int i = 0; i < N; i++) {
            const bp_real zi = (bp_real)z[i];
            bp_net_forward(net, &zi, 1);
            fwd = fmax(fwd, fabs(bp_net_output(net)[0] - out[i]));
            double zz[2] = {z[i] + h[0], z[i] + h[1]};
            bp_act_eval(a, p, zz, 2, oh, dh);
            const double slope = (oh[1] - oh[0]) / (h[1] - h[0]);
            worst = fmax(worst, fabs(slope - dout[i]));
        }
        bp_net_free(net);
        CHECK(fwd == 0 && worst < (sizeof(bp_real) == 4 ? 2e-2 : 1e-5),
              "bp_act_eval %-10s: outputs as the forward phase's, derivative "
              "within %.1e of the slope",
              f->name, worst);
    }
    CHECK(n >= 7, "%d activations in the table", n);
    CHECK_STATUS(bp_act_eval(BP_ACT_COUNT_, 0, z, N, out, dout), BP_ERR_ARG);
    CHECK_STATUS(bp_act_eval(BP_ACT_SIGMOID, 0, NULL, N, out, dout),
                 BP_ERR_NULL);
}

/* ------------------------------------------------------- the kernels */

/* The summary's text under every kernel this CPU runs: the same for a
 * network whose products all run the plain loops (fewer than 32 inputs a
 * layer, one sample), whatever the kernel. */
static void check_kernels(void)
{
    static const int w[] = {16, 16, 16, 16, 16, 3};
    bp_real x[4], t[3];
    bp_net *net = random_net(4, 6, w, BP_ACT_SIGMOID, BP_ACT_SOFTMAX,
                             BP_LOSS_CE, 11, x, t);
    bp_explain_opts o = bp_explain_defaults();
    o.view = BP_EXPLAIN_SUMMARY;
    tst_text first = {0};
    bp_error err;
    int kernels = 0, differ = 0;
    for (int i = 0; bp_kernel_name(i); i++) {
        if (!bp_kernel_available(bp_kernel_name(i)) ||
            bp_net_set_kernel(net, bp_kernel_name(i)))
            continue;
        tst_text s = {0};
        bp_explain(net, x, t, &o, tst_collect, kernels ? &s : &first, &err);
        differ += kernels && (!s.p || strcmp(s.p, first.p) != 0);
        kernels++;
        free(s.p);
    }
    CHECK(kernels >= 1 && differ == 0 && first.p &&
              strstr(first.p, "vanishing"),
          "the summary of a 6-layer sigmoid net: the same text on %d "
          "kernel(s), and the gradient is vanishing",
          kernels);
    /* threads: the work is done on a copy, which runs on one */
    static const int wide[] = {64, 64, 10};
    bp_real xw[300], tw[10];
    bp_net *big = random_net(300, 3, wide, BP_ACT_RELU, BP_ACT_SOFTMAX,
                             BP_LOSS_CE, 12, xw, tw);
    tst_text one = {0}, two = {0};
    bp_explain(big, xw, tw, &o, tst_collect, &one, &err);
    CHECK_OK(bp_net_set_threads(big, 2));
    bp_explain(big, xw, tw, &o, tst_collect, &two, &err);
    CHECK(one.p && two.p && strcmp(one.p, two.p) == 0,
          "300-64-64-10: the same summary with 1 and 2 threads");
    free(one.p);
    free(two.p);
    bp_net_free(big);
    free(first.p);
    bp_net_free(net);
}

/* A saturated sigmoid output is harmless under binary cross-entropy (the
 * derivatives cancel: delta = out - t) and not under squared error: the
 * summary's words say which. */
static void check_saturated_output(void)
{
    static const bp_layer_desc layers[] = {{2, BP_ACT_TANH, 0},
                                           {1, BP_ACT_SIGMOID, 0}};
    static const bp_loss loss[2] = {BP_LOSS_BCE, BP_LOSS_SSE};
    static const char *const want[2] = {
        "saturated, harmless with binary cross-entropy",
        "1 of 1 units saturated: their derivative is near 0"};
    const bp_real x[2] = {1, 1}, t[1] = {0};
    for (int i = 0; i < 2; i++) {
        bp_net *net = NULL;
        bp_error err;
        CHECK_OK(bp_net_create(2, 2, layers, NULL, &net, &err));
        if (!net)
            return;
        bp_net_set_loss(net, loss[i], BP_REDUCE_SUM);
        for (int j = 0; j < 2; j++)
            for (int k = 0; k < 2; k++)
                bp_net_set_weight(net, 0, j, k, j ? -3 : 3);
        bp_net_set_weight(net, 1, 0, 0, 20);
        bp_net_set_weight(net, 1, 0, 1, -20);
        bp_explain_opts o = bp_explain_defaults();
        o.view = BP_EXPLAIN_SUMMARY;
        tst_text s = {0};
        bp_explain(net, x, t, &o, tst_collect, &s, &err);
        const char *last = s.p ? strstr(s.p, "layer 2 (sigmoid)") : NULL;
        CHECK(last && strstr(last, want[i]),
              "a saturated sigmoid output with %s: '%s'", bp_loss_name(loss[i]),
              want[i]);
        free(s.p);
        bp_net_free(net);
    }
}

/* ------------------------------------------------------ refusals */

static void check_refusals(void)
{
    static const int w[] = {3, 2};
    bp_real x[2], t[2];
    bp_net *net =
        random_net(2, 2, w, BP_ACT_TANH, BP_ACT_SIGMOID, BP_LOSS_BCE, 3, x, t);
    bp_explain_opts o = bp_explain_defaults();
    tst_text s = {0};
    bp_error err;
    CHECK_STATUS(bp_explain_neuron(net, x, t, 2, 0, &o, tst_collect, &s, &err),
                 BP_ERR_ARG);
    CHECK(strstr(err.msg, "layer 3") != NULL, "no layer 3: '%s'", err.msg);
    CHECK_STATUS(bp_explain_neuron(net, x, t, 1, 2, &o, tst_collect, &s, &err),
                 BP_ERR_ARG);
    CHECK_STATUS(
        bp_explain_weight(net, x, t, 1, 0, 4, &o, tst_collect, &s, &err),
        BP_ERR_ARG);
    CHECK(strstr(err.msg, "input 5") != NULL, "no input 5: '%s'", err.msg);
    CHECK_STATUS(
        bp_explain_weight(net, x, t, 0, 0, -1, &o, tst_collect, &s, &err),
        BP_ERR_ARG);
    CHECK_STATUS(
        bp_explain_neuron(net, NULL, t, 0, 0, &o, tst_collect, &s, &err),
        BP_ERR_NULL);
    o.top = 0;
    CHECK_STATUS(bp_explain_neuron(net, x, t, 0, 0, &o, tst_collect, &s, &err),
                 BP_ERR_ARG);
    o = bp_explain_defaults();
    o.view = (bp_explain_view)3;
    CHECK_STATUS(bp_explain(net, x, t, &o, tst_collect, &s, &err), BP_ERR_ARG);
    o = bp_explain_defaults();
    o.n_classes = 2;
    CHECK_STATUS(bp_explain(net, x, t, &o, tst_collect, &s, &err), BP_ERR_ARG);
    bp_layer_stats st[2];
    CHECK_STATUS(bp_explain_stats(net, x, t, 0, st, NULL, &err), BP_ERR_ARG);
    CHECK_STATUS(bp_explain_stats(net, x, t, 0.1, NULL, NULL, &err),
                 BP_ERR_NULL);
    CHECK_STATUS(bp_net_layer_norms(NULL, NULL, NULL), BP_ERR_NULL);
    CHECK(s.len == 0, "nothing written by a refused call (%zu bytes)", s.len);
    free(s.p);
    bp_net_free(net);
}

int main(void)
{
    static const int fashion[] = {256, 128, 10};
    static const int deep[] = {32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 5};
    check_screen(784, 3, fashion, BP_ACT_RELU, BP_ACT_SOFTMAX, BP_LOSS_CE,
                 "784-256-128-10 relu", "Forward phase");
    check_screen(20, 12, deep, BP_ACT_SIGMOID, BP_ACT_SIGMOID, BP_LOSS_BCE,
                 "12 layers of sigmoid", "vanishing here");
    check_screen(20, 12, deep, BP_ACT_TANH, BP_ACT_IDENTITY, BP_LOSS_SSE,
                 "12 layers of tanh", "What stands out");

    static const bp_act acts[] = {BP_ACT_IDENTITY, BP_ACT_SIGMOID, BP_ACT_TANH,
                                  BP_ACT_RELU, BP_ACT_LEAKY_RELU};
    static const struct {
        bp_act out;
        bp_loss loss;
    } outs[] = {{BP_ACT_SIGMOID, BP_LOSS_SSE},
                {BP_ACT_IDENTITY, BP_LOSS_SSE},
                {BP_ACT_SIGMOID, BP_LOSS_BCE},
                {BP_ACT_SOFTMAX, BP_LOSS_CE},
                {BP_ACT_SOFTMAX, BP_LOSS_SSE}};
    static const int w3[] = {5, 4, 3};
    uint64_t seed = 1;
    for (size_t a = 0; a < sizeof acts / sizeof *acts; a++)
        for (size_t o = 0; o < sizeof outs / sizeof *outs; o++) {
            check_drill(4, 3, w3, acts[a], outs[o].out, outs[o].loss, seed, 2);
            check_drill(4, 3, w3, acts[a], outs[o].out, outs[o].loss, seed++,
                        100);
        }
    check_curves();
    check_kernels();
    check_saturated_output();
    check_refusals();
    return tst_summary("test_explain_any");
}
