/*
 * test_pg.c - the playground's C side (playground/pg.c) compiled natively:
 * its explain calls for bigger networks. pg_explain_summary is the text
 * of bp_explain's summary, pg_layer_stats the numbers of
 * bp_explain_stats, pg_explain_neuron and pg_explain_weight the
 * drill-down's text, for the same network and sample; and
 * pg_explain_summarises is bp_explain's own choice of view; and
 * pg_grad_norms is bp_net_layer_norms' over training steps. (The page
 * itself is tested in a browser: tests/playground.) Compiled with the
 * warnings of every build, so a message buffer too small for the
 * library's messages (-Wformat-truncation) fails it under -Werror.
 */
/* pg.c is written for emscripten: its calls have no prototypes (they are
 * for JavaScript) */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wunknown-warning-option"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#endif
#include "../playground/pg.c"
#include "test.h"

/* The drill-down: pg_explain_neuron and pg_explain_weight are
 * bp_explain_neuron's and bp_explain_weight's text with every term of a
 * sum listed; k < 0 is the bias; a neuron that is not there is refused
 * with the library's message. p: 2 inputs, 8 layers of 8 and 1. */
static void drill(pg *p, const double *x, const double *t)
{
    const bp_real xs[2] = {(bp_real)x[0], (bp_real)x[1]},
                  ts[1] = {(bp_real)t[0]};
    bp_explain_opts o = bp_explain_defaults();
    o.lr = 0.03;
    o.top = 64;
    o.check = 1;
    bp_error err;
    tst_text neuron = {0}, weight = {0}, bias = {0};
    CHECK_OK(bp_explain_neuron(p->net, xs, ts, 3, 2, &o, tst_collect, &neuron,
                               &err));
    CHECK_OK(bp_explain_weight(p->net, xs, ts, 3, 2, 5, &o, tst_collect,
                               &weight, &err));
    CHECK_OK(bp_explain_weight(p->net, xs, ts, 3, 2, 8, &o, tst_collect, &bias,
                               &err));
    const char *n = pg_explain_neuron(p, x, t, 0.03, 3, 2, 1);
    CHECK(n && neuron.p && strcmp(n, neuron.p) == 0 &&
              strstr(n, "net_h4.3 = the sum of 8 terms") &&
              strstr(n, "largest first:") && strstr(n, "finite difference"),
          "pg_explain_neuron: bp_explain_neuron's text, all 8 terms listed");
    const char *w = pg_explain_weight(p, x, t, 0.03, 3, 2, 5, 1);
    CHECK(w && weight.p && strcmp(w, weight.p) == 0 && strstr(w, "dE/dw") &&
              strstr(w, "finite difference"),
          "pg_explain_weight: bp_explain_weight's text");
    const char *b = pg_explain_weight(p, x, t, 0.03, 3, 2, -1, 1);
    CHECK(b && bias.p && strstr(b, "b_h4.3") && strcmp(b, bias.p) == 0,
          "pg_explain_weight with k < 0: the bias, '%.*s'",
          b ? (int)strcspn(b, "\n") : 0, b ? b : "");
    const char *none = pg_explain_neuron(p, x, t, 0.03, 8, 0, 0);
    CHECK(none == NULL && strstr(pg_error(p), "no layer 9"),
          "a layer that is not there: '%s'", pg_error(p));
    free(neuron.p), free(weight.p), free(bias.p);
}

/* pg_explain_summarises says what bp_explain's AUTO view does, on either
 * side of its 50 weights (biases apart), and pg_explain_summary says why
 * where the library would summarise. */
static void views(void)
{
    static const struct {
        int n_in, n_layers, widths[3], weights;
    } nets[] = {{2, 3, {4, 8, 1}, 48},
                {5, 2, {5, 5}, 50},
                {2, 2, {17, 1}, 51},
                {2, 3, {5, 7, 1}, 52},
                {2, 3, {8, 8, 1}, 88}};
    int agree = 0;
    const int n_nets = (int)(sizeof nets / sizeof nets[0]);
    for (int i = 0; i < n_nets; i++) {
        const int acts[3] = {BP_ACT_TANH, BP_ACT_TANH, BP_ACT_TANH};
        pg *p = pg_new();
        CHECK_OK(pg_build(p, nets[i].n_in, nets[i].n_layers, nets[i].widths,
                          acts, BP_LOSS_SSE, BP_OPT_SGD, 0.1, 3));
        const double x[5] = {0.5, -1, 0.25, 2, -0.125}, t[8] = {0};
        bp_real xs[5], ts[8] = {0};
        for (int k = 0; k < 5; k++)
            xs[k] = (bp_real)x[k];
        bp_explain_opts o = bp_explain_defaults();
        tst_text auto_text = {0};
        bp_error err;
        CHECK_OK(bp_explain(p->net, xs, ts, &o, tst_collect, &auto_text, &err));
        const int summarised = auto_text.p &&
            strstr(auto_text.p, "Backpropagation, layer by layer") != NULL;
        const char *s = pg_explain_summary(p, x, t, 0.5, 2);
        const int why = s && strstr(s, "weights, more than 50") != NULL;
        agree += pg_explain_summarises(p) == summarised && why == summarised &&
            summarised == (nets[i].weights > 50);
        free(auto_text.p);
        pg_delete(p);
    }
    CHECK(agree == n_nets,
          "pg_explain_summarises: bp_explain's own choice "
          "for 48, 50, 51, 52 and 88 weights (%d of %d agree)",
          agree, n_nets);
}

/* pg_grad_norms: each layer's |dE/dW| as bp_net_layer_norms gives it
 * after a step, the mean over the steps since the last call, NULL when
 * none was taken; and a model of more layers than the page's arrays is
 * refused by name. */
static void grads(void)
{
    static const int widths[] = {4, 3, 1};
    const int acts[] = {BP_ACT_TANH, BP_ACT_TANH, BP_ACT_SIGMOID};
    const double x[8] = {0.1, -0.4, 0.9, 0.3, -0.7, 0.2, 0.5, -0.5};
    const double t[4] = {1, 0, 1, 0};
    pg *a = pg_new(), *b = pg_new();
    CHECK_OK(pg_build(a, 2, 3, widths, acts, BP_LOSS_BCE, BP_OPT_SGD, 0.3, 9));
    CHECK_OK(pg_build(b, 2, 3, widths, acts, BP_LOSS_BCE, BP_OPT_SGD, 0.3, 9));
    CHECK_OK(pg_set_training(a, 1, 0, 0.3));
    CHECK_OK(pg_set_training(b, 1, 0, 0.3));
    CHECK_OK(pg_set_data(a, x, t, 4, x, t, 4));
    CHECK_OK(pg_set_data(b, x, t, 4, x, t, 4));
    CHECK(pg_grad_norms(a) == NULL, "pg_grad_norms: NULL before a step");
    /* b one step at a time, each step's norms from the library */
    double each[3][3], lib[3];
    int same = 1;
    for (int s = 0; s < 3; s++) {
        double loss;
        CHECK_OK(pg_train(b, 1, &loss));
        CHECK_OK(bp_net_layer_norms(b->net, NULL, lib));
        const double *g = pg_grad_norms(b);
        for (int l = 0; l < 3; l++) {
            each[s][l] = g ? g[l] : -1;
            same &= g && g[l] == lib[l] && g[l] > 0;
        }
    }
    CHECK(same,
          "pg_grad_norms after a step: bp_net_layer_norms' numbers "
          "(%.6g %.6g %.6g)",
          each[0][0], each[0][1], each[0][2]);
    /* a three steps at once: their mean */
    double loss;
    CHECK_OK(pg_train(a, 3, &loss));
    const double *m = pg_grad_norms(a);
    int mean = m != NULL;
    for (int l = 0; m && l < 3; l++) {
        const double want = (each[0][l] + each[1][l] + each[2][l]) / 3;
        mean &= fabs(m[l] - want) <= 1e-12 * want;
    }
    CHECK(mean && pg_grad_norms(a) == NULL,
          "pg_grad_norms after 3 steps: their mean, then NULL until the next");
    pg_delete(a);
    pg_delete(b);

    /* a model of 9 layers (written by pg_export_text from a network made
     * directly) is refused */
    bp_layer_desc d[9];
    for (int l = 0; l < 9; l++)
        d[l] = (bp_layer_desc){2, BP_ACT_TANH, 0};
    bp_net *net = NULL;
    bp_error err;
    CHECK_OK(bp_net_create(2, 9, d, NULL, &net, &err));
    pg *w = pg_new(), *r = pg_new();
    w->net = net;
    const char *text = pg_export_text(w);
    const int st = text ? pg_load_model(r, text, (int)strlen(text)) : -1;
    CHECK(st == BP_ERR_SIZE && strstr(pg_error(r), "9 layers") &&
              r->net == NULL,
          "a model of 9 layers: '%s'", pg_error(r));
    pg_delete(w);
    pg_delete(r);
}

int main(void)
{
    /* the page's biggest kind of network: 8 layers of 8 tanh units */
    static const int widths[] = {8, 8, 8, 8, 8, 8, 8, 1};
    int acts[8];
    for (int l = 0; l < 8; l++)
        acts[l] = l < 7 ? BP_ACT_TANH : BP_ACT_SIGMOID;
    pg *p = pg_new();
    CHECK_OK(pg_build(p, 2, 8, widths, acts, BP_LOSS_BCE, BP_OPT_SGD, 0.03, 5));
    const double x[2] = {1.5, -0.7}, t[1] = {1};
    const char *text = pg_explain_summary(p, x, t, 0.03, 2);
    const bp_real xs[2] = {(bp_real)x[0], (bp_real)x[1]}, ts[1] = {1};
    bp_explain_opts o = bp_explain_defaults(); /* AUTO: the summary here */
    o.lr = 0.03;
    tst_text want = {0};
    bp_error err;
    CHECK_OK(bp_explain(p->net, xs, ts, &o, tst_collect, &want, &err));
    CHECK(text && want.p && strcmp(text, want.p) == 0 &&
              strstr(text, "layer 8 (sigmoid)") &&
              strstr(text, "(408 weights, more than 50"),
          "pg_explain_summary: bp_explain's summary, as it chooses it for "
          "408 weights (%zu bytes)",
          text ? strlen(text) : 0);

    const double *v = pg_layer_stats(p, x, t, 0.03);
    bp_layer_stats s[8];
    double e;
    CHECK_OK(bp_explain_stats(p->net, xs, ts, 0.03, s, &e, &err));
    int wrong = !v;
    for (int l = 0; v && l < 8; l++) {
        const double *r = v + l * PG_STATS;
        wrong += r[0] != s[l].net_min || r[1] != s[l].net_mean ||
            r[2] != s[l].net_max || r[3] != s[l].out_min ||
            r[4] != s[l].out_mean || r[5] != s[l].out_max ||
            r[6] != s[l].saturated || r[7] != s[l].dead ||
            r[8] != s[l].delta_norm || r[9] != s[l].grad_norm ||
            r[10] != s[l].weight_norm || r[11] != s[l].update_norm ||
            r[12] != s[l].n_out || r[13] != e;
    }
    CHECK(wrong == 0,
          "pg_layer_stats: %d layers of %d numbers as "
          "bp_explain_stats gives them (E %.9g)",
          8, PG_STATS, e);

    drill(p, x, t);

    const char *refused = pg_explain_summary(p, x, t, -1, 2);
    CHECK(refused == NULL && strstr(pg_error(p), "lr"),
          "a bad learning rate refused: '%s'", pg_error(p));
    pg *none = pg_new();
    CHECK(pg_layer_stats(none, x, t, 0.1) == NULL &&
              pg_explain_summary(none, x, t, 0.1, 0) == NULL,
          "no network, no numbers");
    pg_delete(none);
    /* more inputs than the page's sample buffers: said, not a stale message */
    pg *wide = pg_new();
    const int one[1] = {1}, sig[1] = {BP_ACT_SIGMOID};
    CHECK_OK(pg_build(wide, 70, 1, one, sig, BP_LOSS_SSE, BP_OPT_SGD, 0.1, 1));
    const double x70[70] = {0}, t1[1] = {0};
    const char *wide_text = pg_explain(wide, x70, t1, 0.1, 0, 0);
    CHECK(wide_text == NULL && strstr(pg_error(wide), "at most 64 inputs"),
          "pg_explain of 70 inputs: '%s'", pg_error(wide));
    pg_delete(wide);
    free(want.p);
    pg_delete(p);
    views();
    grads();
    return tst_summary("test_pg");
}
