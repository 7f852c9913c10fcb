/*
 * test_tables.c - the descriptions of every activation, loss and
 * optimizer (bp_act_describe, bp_loss_describe, bp_optim_describe) are
 * complete and say what the library does: names parse back, each
 * activation's derivative is the slope of its forward phase, its range
 * holds its outputs, the loss pairings are the ones bp_net_set_loss
 * enforces, the parameter checks follow the optimizer's flags; and
 * bp_net_layer_view points at the parameters of each layer.
 */
#include "backprop.h"
#include "test.h"

#include <stdlib.h>

static int filled(const char *s) { return s && s[0]; }

static void act_entries(void)
{
    printf("activations: every entry filled, names parse back\n");
    for (int i = 0; i < BP_ACT_COUNT_; i++) {
        const bp_act_info *f = bp_act_describe((bp_act)i);
        bp_act back = BP_ACT_COUNT_;
        CHECK(f && filled(f->name) && filled(f->label) && f->symbol &&
                  f->symbol_tex && filled(f->formula) &&
                  filled(f->formula_tex) && filled(f->derivative) &&
                  filled(f->derivative_tex),
              "%s: names and formulas", f ? f->name : "?");
        CHECK(f && bp_act_parse(f->name, &back) == BP_OK && back == (bp_act)i &&
                  bp_act_name((bp_act)i) == f->name,
              "%s parses back to %d", f ? f->name : "?", i);
        CHECK(f && f->out_min < f->out_max &&
                  (unsigned)f->out_loss < BP_LOSS_COUNT_ &&
                  (unsigned)f->init < BP_INIT_COUNT_,
              "%s: range [%g, %g], loss %d, init %d", f ? f->name : "?",
              f ? f->out_min : 0, f ? f->out_max : 0, f ? (int)f->out_loss : -1,
              f ? (int)f->init : -1);
        CHECK(f && (f->fann < 0 || f->fann_steepness > 0) &&
                  (!f->onnx_attr || (f->onnx_op && f->onnx_op[0])),
              "%s: FANN %d (steepness %g), ONNX %s", f ? f->name : "?",
              f ? f->fann : 0, f ? f->fann_steepness : 0,
              f && f->onnx_op ? f->onnx_op : "(none)");
    }
    bp_act a;
    CHECK(bp_act_describe(BP_ACT_COUNT_) == NULL &&
              bp_act_name(BP_ACT_COUNT_) == NULL &&
              bp_act_describe((bp_act)-1) == NULL,
          "no description past the end");
    CHECK_STATUS(bp_act_parse("sigmoidal", &a), BP_ERR_ARG);
    CHECK_STATUS(bp_act_parse(NULL, &a), BP_ERR_NULL);
}

/* One unit with weight 1 and bias 0, so that its net input is x. */
static bp_net *unit(bp_act act, int n_out)
{
    bp_layer_desc d = {n_out, act, bp_act_describe(act)->param_default};
    if (bp_act_describe(act)->param)
        d.act_param = 0.1;
    bp_net *net;
    if (bp_net_create(1, 1, &d, NULL, &net, NULL))
        return NULL;
    for (int j = 0; j < n_out; j++)
        bp_net_set_weight(net, 0, j, 0, (bp_real)(1 + 0.5 * j));
    return net;
}

/* Output j for input x, with bias k set to bk (net_k = w_k x + bk). */
static double out_at(bp_net *net, double x, int j, int k, double bk)
{
    const bp_real in = (bp_real)x;
    bp_net_set_bias(net, 0, k, (bp_real)bk);
    bp_net_forward(net, &in, 1);
    bp_net_set_bias(net, 0, k, 0);
    return bp_net_output(net)[j];
}

/* delta of unit j when dE/dout = 1 for output 0 and 0 for the others
 * (half squared error, summed, t = out - 1 there and out elsewhere): the
 * library's d out_0 / d net_j. */
static double delta_at(bp_net *net, double x, int j, int m)
{
    const bp_real in = (bp_real)x;
    bp_real t[4];
    bp_net_forward(net, &in, 1);
    for (int k = 0; k < m; k++)
        t[k] = bp_net_output(net)[k] - (k == 0);
    bp_net_backward(net, t, NULL);
    return bp_net_layer_delta(net, 0)[j];
}

static void act_slopes(void)
{
    printf("activations: the derivative is the slope of the forward phase, "
           "outputs in range\n");
    static const double xs[] = {-2.5, -0.7, -0.05, 0.3, 1.1, 3.0};
    const double h = sizeof(bp_real) == 8 ? 1e-6 : 1e-2;
    const double tol = sizeof(bp_real) == 8 ? 1e-6 : 2e-3;
    for (int i = 0; i < BP_ACT_COUNT_; i++) {
        const bp_act_info *f = bp_act_describe((bp_act)i);
        const int m = f->flags & BP_ACTF_ROWWISE ? 3 : 1;
        bp_net *net = unit((bp_act)i, m);
        if (!net || bp_net_set_loss(net, BP_LOSS_SSE, BP_REDUCE_SUM)) {
            CHECK(0, "%s: a one-unit network", f->name);
            continue;
        }
        double worst = 0, lo = INFINITY, hi = -INFINITY, worst_x = 0;
        for (size_t s = 0; s < sizeof xs / sizeof xs[0]; s++)
            for (int j = 0; j < m; j++) {
                /* d out_0 / d net_j: move net_j alone, by its bias */
                const double x = xs[s];
                double slope =
                    (out_at(net, x, 0, j, h) - out_at(net, x, 0, j, -h)) /
                    (2 * h);
                if (f->flags & BP_ACTF_NO_GRADIENT)
                    slope = 0; /* flat almost everywhere, by definition */
                const double got = delta_at(net, x, j, m);
                const double err = fabs(got - slope) / (1 + fabs(slope));
                if (err > worst)
                    worst = err, worst_x = x;
                const double o = out_at(net, x, j, j, 0);
                lo = o < lo ? o : lo;
                hi = o > hi ? o : hi;
            }
        CHECK(worst <= tol, "%s: delta vs slope, worst %.2e at x = %g", f->name,
              worst, worst_x);
        CHECK(lo >= f->out_min && hi <= f->out_max,
              "%s: outputs %g..%g within [%g, %g]", f->name, lo, hi, f->out_min,
              f->out_max);
        bp_net_free(net);
    }
}

static void loss_entries(void)
{
    printf("losses: entries, names, pairings as bp_net_set_loss enforces\n");
    for (int i = 0; i < BP_LOSS_COUNT_; i++) {
        const bp_loss_info *e = bp_loss_describe((bp_loss)i);
        bp_loss back = BP_LOSS_COUNT_;
        CHECK(e && filled(e->name) && filled(e->label) && filled(e->total) &&
                  filled(e->total_tex) && !e->term == !e->term_tex,
              "%s: names and formulas", e ? e->name : "?");
        CHECK(e && bp_loss_parse(e->name, &back) == BP_OK && back == (bp_loss)i,
              "%s parses back", e ? e->name : "?");
        for (const char *p = e && e->aliases ? e->aliases : ""; *p;) {
            char word[32];
            size_t n = strcspn(p, " ");
            snprintf(word, sizeof word, "%.*s", (int)n, p);
            back = BP_LOSS_COUNT_;
            CHECK(bp_loss_parse(word, &back) == BP_OK && back == (bp_loss)i,
                  "alias %s parses to %s", word, e->name);
            p += n + (p[n] == ' ');
        }
        CHECK(e &&
                  !((e->flags & BP_LOSSF_ARGMAX) &&
                    (e->flags & BP_LOSSF_THRESHOLD)),
              "%s: one way to count right answers", e ? e->name : "?");
        /* with every output activation: accepted exactly when not in
         * closed form, or when it is the activation's own loss */
        int wrong = 0, accepted = 0;
        for (int a = 0; e && a < BP_ACT_COUNT_; a++) {
            const bp_act_info *f = bp_act_describe((bp_act)a);
            bp_layer_desc d = {f->flags & BP_ACTF_ROWWISE ? 3 : 2, (bp_act)a,
                               f->param_default};
            bp_net *net;
            if (bp_net_create(2, 1, &d, NULL, &net, NULL))
                continue;
            const int want =
                !(e->flags & BP_LOSSF_CLOSED_FORM) || f->out_loss == (bp_loss)i;
            const bp_status st =
                bp_net_set_loss(net, (bp_loss)i, BP_REDUCE_MEAN);
            accepted += st == BP_OK;
            if (want != (st == BP_OK) ||
                (!want && !strstr(bp_net_errmsg(net), e->name))) {
                wrong++;
                printf("    %s with a %s output: status %d (%s)\n", e->name,
                       f->name, (int)st, bp_net_errmsg(net));
            }
            bp_net_free(net);
        }
        CHECK(e && !wrong && accepted >= 1,
              "%s: accepted on %d of %d output "
              "activations, as its flags say",
              e ? e->name : "?", accepted, BP_ACT_COUNT_);
    }
    CHECK(bp_loss_describe(BP_LOSS_COUNT_) == NULL, "no loss past the end");
}

static void optim_entries(void)
{
    printf("optimizers: entries, names, defaults, checks by their flags\n");
    bp_layer_desc d = {2, BP_ACT_TANH, 0};
    bp_net *net;
    if (bp_net_create(2, 1, &d, NULL, &net, NULL)) {
        CHECK(0, "a network");
        return;
    }
    for (int i = 0; i < BP_OPT_COUNT_; i++) {
        const bp_optim_info *p = bp_optim_describe((bp_optim_kind)i);
        bp_optim_kind back = BP_OPT_COUNT_;
        CHECK(p && filled(p->name) && filled(p->label) && filled(p->formula) &&
                  p->lr > 0,
              "%s: names, formula, lr %g", p ? p->name : "?", p ? p->lr : 0);
        CHECK(p && bp_optim_parse(p->name, &back) == BP_OK &&
                  back == (bp_optim_kind)i && bp_optim_name(back) == p->name,
              "%s parses back", p ? p->name : "?");
        bp_optim o = bp_optim_defaults((bp_optim_kind)i);
        CHECK(o.lr == p->lr && bp_net_set_optim(net, &o) == BP_OK,
              "%s: defaults accepted", p->name);
        /* each setting refused out of range when the flags say it is
         * read, ignored when they say it is not */
        static const struct {
            unsigned flag;
            const char *field;
        } uses[] = {{BP_OPTF_MOMENTUM, "momentum"},
                    {BP_OPTF_ADAM, "beta1"},
                    {BP_OPTF_RPROP, "eta_minus"}};
        for (int u = 0; u < 3; u++) {
            bp_optim bad = o;
            if (u == 0)
                bad.momentum = 1.5;
            else if (u == 1)
                bad.beta1 = 1.5;
            else
                bad.eta_minus = 1.5;
            const int reads = (p->flags & uses[u].flag) != 0;
            CHECK((bp_net_set_optim(net, &bad) != BP_OK) == reads,
                  "%s: %s 1.5 %s", p->name, uses[u].field,
                  reads ? "refused" : "ignored");
        }
    }
    bp_optim_kind k;
    CHECK(bp_optim_parse("adamw", &k) == BP_OK &&
              bp_optim_describe(k)->flags & BP_OPTF_ADAM,
          "adamw is Adam with decoupled weight decay");
    CHECK(bp_optim_describe(BP_OPT_COUNT_) == NULL,
          "no optimizer past the end");
    bp_net_free(net);
}

static void layer_views(void)
{
    printf("bp_net_layer_view: each layer's shape and parameters in place\n");
    const bp_layer_desc d[] = {{4, BP_ACT_LEAKY_RELU, 0.2},
                               {3, BP_ACT_TANH, 0},
                               {2, BP_ACT_SOFTMAX, 0}};
    bp_net *net;
    if (bp_net_create(5, 3, d, NULL, &net, NULL)) {
        CHECK(0, "a network");
        return;
    }
    bp_net_init(net, BP_INIT_XAVIER_UNIFORM, 4);
    const bp_real *p = bp_net_params(net);
    int below = 5;
    size_t at = 0;
    for (int l = 0; l < 3; l++) {
        bp_layer_view v;
        size_t wo, bo;
        CHECK_OK(bp_net_layer_view(net, l, &v));
        bp_net_layer_offsets(net, l, &wo, &bo);
        CHECK(v.n_in == below && v.n_out == d[l].n_out && v.act == d[l].act &&
                  (bp_real)v.act_param == (bp_real)d[l].act_param,
              "layer %d: %d -> %d %s", l, v.n_in, v.n_out, bp_act_name(v.act));
        CHECK(v.w == p + wo && v.b == p + bo && wo == at &&
                  bo == wo + (size_t)v.n_in * v.n_out,
              "layer %d: W at %zu, b at %zu", l, wo, bo);
        bp_real w12;
        bp_net_weight(net, l, v.n_out - 1, v.n_in - 1, &w12);
        CHECK(v.w[(size_t)(v.n_out - 1) * v.n_in + v.n_in - 1] == w12,
              "layer %d: the last weight read in place", l);
        at = bo + (size_t)v.n_out;
        below = v.n_out;
    }
    bp_layer_view v;
    CHECK_STATUS(bp_net_layer_view(net, 3, &v), BP_ERR_SIZE);
    CHECK_STATUS(bp_net_layer_view(net, -1, &v), BP_ERR_SIZE);
    CHECK_STATUS(bp_net_layer_view(NULL, 0, &v), BP_ERR_NULL);
    CHECK_STATUS(bp_net_layer_view(net, 0, NULL), BP_ERR_NULL);
    bp_net_free(net);
}

int main(void)
{
    act_entries();
    act_slopes();
    loss_entries();
    optim_entries();
    layer_views();
    return tst_summary("test_tables");
}
