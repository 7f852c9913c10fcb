/*
 * test_explain.c - what explain prints is the library's own numbers: for
 * random small networks of every activation and loss, each dE/dw and
 * dE/db in its text equals the gradient bp_net_backward computes, to the
 * digits printed; each delta equals the library's delta and the
 * product of the factors explain shows for it (dE/dout from the layer
 * above, dout/dnet from the activation's table entry); each finite
 * difference of --check (the tables' double-precision functions) agrees
 * with its gradient; and in both forms the math delimiters balance.
 */
#include "backprop.h"
#include "test.h"

#include <stdlib.h>

/* The last number on the line of `text` that starts (after spaces) with
 * `prefix`; NAN if there is no such line. */
static double value_of(const char *text, const char *prefix)
{
    const char *line = text;
    size_t n = strlen(prefix);
    while (line && *line) {
        const char *s = line;
        while (*s == ' ')
            s++;
        const char *eol = strchr(s, '\n');
        if (strncmp(s, prefix, n) == 0) {
            /* the value before any "[finite difference" or "(frozen)" */
            const char *end = eol ? eol : s + strlen(s);
            const char *cut = strstr(s, "   ");
            if (cut && cut < end)
                end = cut;
            const char *p = end;
            while (p > s && p[-1] != ' ')
                p--;
            return strtod(p, NULL);
        }
        line = eol ? eol + 1 : NULL;
    }
    return NAN;
}

/* Printed with %.9f (or %.6e when tiny or huge): that much must agree. */
static int same_printed(double printed, double exact)
{
    double a = fabs(exact);
    if (exact == 0 || (a >= 1e-6 && a < 1e7))
        return fabs(printed - exact) <= 5.01e-10;
    return fabs(printed - exact) <= 5.01e-7 * a;
}

static void neuron_name(int L, int l, int j, char *s, size_t cap)
{
    if (l == L - 1)
        snprintf(s, cap, "o%d", j + 1);
    else if (L == 2)
        snprintf(s, cap, "h%d", j + 1);
    else
        snprintf(s, cap, "h%d.%d", l + 1, j + 1);
}

/* Explain's own numbers against each other: each "delta = dE/dout *
 * dout/dnet = g * f = delta" line, f from the activation's derivative in
 * explain's table and delta from the library's backward phase, agrees
 * to the digits printed; and each gradient agrees with its finite
 * difference (computed in double from the tables' functions). *chains
 * and *fds count the lines checked; returns the lines that disagree. */
static int check_lines(const char *text, int smooth, int *chains, int *fds)
{
    /* the library's delta is computed in bp_real, explain's g * f in
     * double from printed factors */
    const double tol = sizeof(bp_real) == 8 ? 1e-7 : 2e-5;
    const double tol_chain = sizeof(bp_real) == 8 ? 2e-9 : 3e-7;
    int bad = 0;
    for (const char *line = text; line && *line;) {
        const char *eol = strchr(line, '\n');
        char buf[512];
        snprintf(buf, sizeof buf, "%.*s",
                 (int)(eol ? eol - line : (long)strlen(line)), line);
        double g, f, d;
        const char *dot = strstr(buf, "/dnet_");
        const char *eq = dot ? strstr(dot, " = ") : NULL;
        if (strstr(buf, "delta_") && strstr(buf, " = dE/dout_") && eq &&
            sscanf(eq, " = %lf * %lf = %lf", &g, &f, &d) == 3) {
            ++*chains;
            if (fabs(g * f - d) > tol_chain * (1 + fabs(g) + fabs(f))) {
                bad++;
                printf("    %s: g * f = %.9g\n", buf, g * f);
            }
        }
        const char *fd = strstr(buf, "   [finite difference ");
        /* a kink (ReLU at 0) within the differences' few 1e-4 would
         * spoil them: only smooth networks are held to their digits */
        if (smooth && fd && sscanf(fd, "   [finite difference %lf", &f) == 1) {
            const char *v = fd;
            while (v > buf && v[-1] != ' ')
                v--;
            g = strtod(v, NULL);
            ++*fds;
            if (fabs(g - f) > tol * (1 + fabs(f))) {
                bad++;
                printf("    %s\n", buf);
            }
        }
        line = eol ? eol + 1 : NULL;
    }
    return bad;
}

static void check_net(int n_in, int L, const int *widths, bp_act hidden,
                      bp_act out, bp_loss loss, uint64_t seed)
{
    bp_layer_desc d[4];
    for (int l = 0; l < L; l++) {
        d[l].n_out = widths[l];
        d[l].act = l == L - 1 ? out : hidden;
        d[l].act_param = 0.1;
    }
    bp_net *net;
    if (bp_net_create(n_in, L, d, NULL, &net, NULL)) {
        CHECK(0, "create");
        return;
    }
    bp_net_init(net, BP_INIT_XAVIER_NORMAL, seed);
    bp_net_set_loss(net, loss, BP_REDUCE_SUM);
    bp_rng r;
    bp_rng_seed(&r, seed);
    bp_real *p = bp_net_params(net), x[8], t[8];
    for (size_t i = 0; i < bp_net_n_params(net); i++)
        p[i] += (bp_real)(0.1 * bp_rng_normal(&r));
    const int m = widths[L - 1];
    for (int k = 0; k < n_in; k++)
        x[k] = (bp_real)(2 * bp_rng_uniform(&r) - 1);
    for (int j = 0; j < m; j++)
        t[j] = loss == BP_LOSS_CE ? (bp_real)(j == 0)
                                  : (bp_real)(0.1 + 0.8 * bp_rng_uniform(&r));
    tst_text s = {0};
    bp_explain_opts o = bp_explain_defaults();
    o.max_weights = 1000;
    bp_error err;
    bp_status st = bp_explain(net, x, t, &o, tst_collect, &s, &err);
    /* the library's own numbers, on the same network */
    bp_net_forward(net, x, 1);
    bp_net_backward(net, t, NULL);
    int checked = 0, wrong = 0;
    long w_number = 0;
    char prefix[64], who[32];
    for (int l = 0; l < L && !st; l++) {
        int n_below = l ? widths[l - 1] : n_in;
        const bp_real *delta = bp_net_layer_delta(net, l);
        for (int j = 0; j < widths[l]; j++) {
            neuron_name(L, l, j, who, sizeof who);
            for (int k = 0; k < n_below; k++) {
                bp_real g;
                bp_net_weight_grad(net, l, j, k, &g);
                snprintf(prefix, sizeof prefix, "dE/dw%ld = ", ++w_number);
                double v = value_of(s.p, prefix);
                checked++;
                if (!same_printed(v, g)) {
                    wrong++;
                    printf("    %s printed %.9g, library %.9g\n", prefix, v, g);
                }
            }
            bp_real g;
            bp_net_bias_grad(net, l, j, &g);
            snprintf(prefix, sizeof prefix, "dE/db_%s = ", who);
            double v = value_of(s.p, prefix);
            checked++;
            if (!same_printed(v, g)) {
                wrong++;
                printf("    %s printed %.9g, library %.9g\n", prefix, v, g);
            }
            snprintf(prefix, sizeof prefix, "delta_%s = ", who);
            v = value_of(s.p, prefix);
            checked++;
            if (!same_printed(v, delta[j])) {
                wrong++;
                printf("    %s printed %.9g, library %.9g\n", prefix, v,
                       delta[j]);
            }
        }
    }
    CHECK(st == BP_OK && wrong == 0 && checked > 0,
          "%d-%d%s%s%s %-10s -> %-8s %s: %d numbers match the library", n_in,
          widths[0], L > 1 ? "-" : "", L > 1 ? "..." : "", "",
          bp_act_name(hidden), bp_act_name(out), bp_loss_name(loss),
          checked - wrong);
    /* the same network with --check: chain-rule lines and finite
     * differences */
    free(s.p);
    memset(&s, 0, sizeof s);
    o.check = 1;
    int chains = 0, fds = 0, bad = 0;
    st = bp_explain(net, x, t, &o, tst_collect, &s, &err);
    const int smooth = hidden != BP_ACT_RELU && hidden != BP_ACT_LEAKY_RELU;
    if (!st)
        bad = check_lines(s.p, smooth, &chains, &fds);
    CHECK(st == BP_OK && bad == 0 &&
              fds == (smooth ? (int)bp_net_n_params(net) : 0) &&
              (chains > 0 || L == 1), /* one layer in closed form: none */
          "   and %d chain-rule products, %d finite differences agree", chains,
          fds);
    free(s.p);
    bp_net_free(net);
}

/* $$ ... $$ and $ ... $ pairs and braces balance on every line. */
static void check_markdown(void)
{
    bp_net *net;
    const bp_layer_desc d[] = {{3, BP_ACT_TANH, 0}, {2, BP_ACT_SOFTMAX, 0}};
    bp_net_create(2, 2, d, NULL, &net, NULL);
    bp_net_init(net, BP_INIT_XAVIER_UNIFORM, 1);
    bp_net_set_loss(net, BP_LOSS_CE, BP_REDUCE_SUM);
    const bp_real x[2] = {0.5f, -1}, t[2] = {0, 1};
    tst_text s = {0};
    bp_explain_opts o = bp_explain_defaults();
    o.format = BP_EXPLAIN_MARKDOWN;
    o.check = 1;
    bp_error err;
    CHECK_OK(bp_explain(net, x, t, &o, tst_collect, &s, &err));
    int bad_lines = 0, lines = 0;
    for (char *line = s.p; line && *line;) {
        char *eol = strchr(line, '\n');
        int dollars = 0, depth = 0, neg = 0;
        for (char *c = line; c < (eol ? eol : line + strlen(line)); c++) {
            dollars += *c == '$';
            depth += (*c == '{') - (*c == '}');
            neg |= depth < 0;
        }
        bad_lines += dollars % 2 != 0 || depth != 0 || neg;
        lines++;
        line = eol ? eol + 1 : NULL;
    }
    CHECK(bad_lines == 0 && lines > 20,
          "markdown: %d lines, %d with unbalanced $ or braces", lines,
          bad_lines);
    free(s.p);
    bp_net_free(net);
}

int main(void)
{
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
    static const int w2[] = {3, 2}, w3[] = {3, 2, 2}, w1[] = {2};
    uint64_t seed = 1;
    for (size_t a = 0; a < sizeof acts / sizeof *acts; a++)
        for (size_t o = 0; o < sizeof outs / sizeof *outs; o++) {
            check_net(2, 2, w2, acts[a], outs[o].out, outs[o].loss, seed++);
            check_net(3, 3, w3, acts[a], outs[o].out, outs[o].loss, seed++);
        }
    check_net(4, 1, w1, BP_ACT_IDENTITY, BP_ACT_SIGMOID, BP_LOSS_BCE, seed++);
    check_markdown();
    return tst_summary("test_explain");
}
