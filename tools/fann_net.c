/*
 * fann_net.c - FANN's float network files (FANN_FLO_2.1), both ways.
 *
 * FANN computes y = f(s * sum), with a steepness s per neuron, and puts a
 * bias neuron (always 1) at the end of every layer. Its sigmoid is
 * 1/(1 + e^(-2 s x)), its symmetric sigmoid 2/(1 + e^(-2 s x)) - 1 =
 * tanh(s x), linear s x, threshold x < 0 ? 0 : 1. Those map exactly onto
 * the library's sigmoid, tanh, identity and step, with the factor (2s or
 * s) folded into the incoming weights and bias. Other FANN activations,
 * sparse and shortcut networks are refused with a message.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include "export.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_LINEAR = 0, F_THRESHOLD = 1, F_SIGMOID = 3, F_SIGMOID_SYMMETRIC = 5 };

static int fail(bp_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->status = BP_ERR_FORMAT;
    return -1;
}

/* FANN's activation and steepness for layer l's, or -1. */
static int fann_act(bp_act act, double *steep)
{
    *steep = 1;
    switch (act) {
    case BP_ACT_SIGMOID: *steep = 0.5; return F_SIGMOID;
    case BP_ACT_TANH: return F_SIGMOID_SYMMETRIC;
    case BP_ACT_IDENTITY: return F_LINEAR;
    case BP_ACT_STEP: return F_THRESHOLD;
    default: return -1;
    }
}

/* The training parameters FANN's reader expects, and the layer sizes
 * (each with its bias neuron). */
static void fann_head(FILE *f, bp_net *net)
{
    const int L = bp_net_n_layers(net);
    fprintf(f, "FANN_FLO_2.1\nnum_layers=%d\nlearning_rate=0.700000\n"
               "connection_rate=1.000000\nnetwork_type=0\n"
               "learning_momentum=0.000000\ntraining_algorithm=2\n"
               "train_error_function=1\ntrain_stop_function=0\n"
               "cascade_output_change_fraction=0.010000\nquickprop_decay=-0.000100\n"
               "quickprop_mu=1.750000\nrprop_increase_factor=1.200000\n"
               "rprop_decrease_factor=0.500000\nrprop_delta_min=0.000000\n"
               "rprop_delta_max=50.000000\nrprop_delta_zero=0.100000\n"
               "cascade_output_stagnation_epochs=12\n"
               "cascade_candidate_change_fraction=0.010000\n"
               "cascade_candidate_stagnation_epochs=12\ncascade_max_out_epochs=150\n"
               "cascade_min_out_epochs=50\ncascade_max_cand_epochs=150\n"
               "cascade_min_cand_epochs=50\ncascade_num_candidate_groups=2\n"
               "bit_fail_limit=3.49999994039535522461e-01\n"
               "cascade_candidate_limit=1.00000000000000000000e+03\n"
               "cascade_weight_multiplier=4.00000005960464477539e-01\n"
               "cascade_activation_functions_count=10\n"
               "cascade_activation_functions=3 5 7 8 10 11 14 15 16 17 \n"
               "cascade_activation_steepnesses_count=4\n"
               "cascade_activation_steepnesses=2.5e-01 5.0e-01 7.5e-01 1.0e+00 \n"
               "layer_sizes=%d", L + 1, bp_net_n_in(net) + 1);
    for (int l = 0; l < L; l++) {
        bp_layer_desc d;
        bp_net_layer(net, l, &d, NULL);
        fprintf(f, " %d", d.n_out + 1);
    }
    fprintf(f, " \nscale_included=0\n");
}

/* Every neuron: (inputs, activation, steepness), the bias neurons too;
 * the output layer's steepness is out_steep. */
static void fann_neurons(FILE *f, bp_net *net, double out_steep)
{
    const int n_in = bp_net_n_in(net);
    fprintf(f, "neurons (num_inputs, activation_function, "
               "activation_steepness)=");
    for (int i = 0; i <= n_in; i++)
        fprintf(f, "(0, 0, 0.00000000000000000000e+00) ");
    int below = n_in;
    for (int l = 0; l < bp_net_n_layers(net); l++) {
        bp_layer_desc d;
        bp_net_layer(net, l, &d, NULL);
        double steep;
        const int act = fann_act(d.act, &steep);
        if (l == bp_net_n_layers(net) - 1 && out_steep != 1)
            steep = out_steep;
        for (int j = 0; j < d.n_out; j++)
            fprintf(f, "(%d, %d, %.20e) ", below + 1, act, steep);
        fprintf(f, "(0, %d, 0.00000000000000000000e+00) ", act);
        below = d.n_out;
    }
    fprintf(f, "\n");
}

/* Every connection's weight, with the input scaling folded into the
 * first layer, w (x - o) f = (w f) x - w f o, and the targets' scaling
 * into the last (identity) layer, (w a + b) / f + o, divided by that
 * layer's steepness out_steep (FANN computes out_steep x sum). */
static void fann_connections(FILE *f, const bp_model *m, double out_steep)
{
    bp_net *net = m->net;
    const int L = bp_net_n_layers(net);
    const bp_real *p = bp_net_params(net);
    const bp_scaler *in = &m->scaler, *out = &m->target_scaler;
    fprintf(f, "connections (connected_to_neuron, weight)=");
    int first_below = 0; /* index of the first neuron of the layer below */
    int below = bp_net_n_in(net);
    for (int l = 0; l < L; l++) {
        bp_layer_desc d;
        int k;
        size_t wo, bo;
        bp_net_layer(net, l, &d, &k);
        bp_net_layer_offsets(net, l, &wo, &bo);
        const int unscale = l == L - 1 && out->kind != BP_SCALING_NONE;
        for (int j = 0; j < d.n_out; j++) {
            double bias = p[bo + j];
            for (int q = 0; q < k; q++) {
                double w = p[wo + (size_t)j * k + q];
                if (l == 0 && in->kind != BP_SCALING_NONE) {
                    bias -= w * in->factor[q] * in->offset[q];
                    w *= in->factor[q];
                }
                fprintf(f, "(%d, %.20e) ", first_below + q,
                        unscale ? w / out->factor[j] / out_steep : w);
            }
            fprintf(f, "(%d, %.20e) ", first_below + k,
                    unscale ? (bias / out->factor[j] + out->offset[j]) /
                                  out_steep
                            : bias);
        }
        first_below += below + 1;
        below = d.n_out;
    }
    fprintf(f, "\n");
}

int fann_export(const bp_model *m, const char *path, bp_error *err)
{
    bp_net *net = m->net;
    const int L = bp_net_n_layers(net);
    for (int l = 0; l < L; l++) {
        bp_layer_desc d;
        double steep;
        bp_net_layer(net, l, &d, NULL);
        if (fann_act(d.act, &steep) < 0)
            return fail(err, "%s: layer %d is %s, which FANN 2.2 does not have "
                        "(it has sigmoid, tanh, linear and threshold)", path,
                        l + 1, bp_act_name(d.act));
        if (l == L - 1 && d.act != BP_ACT_IDENTITY &&
            m->target_scaler.kind != BP_SCALING_NONE)
            return fail(err, "%s: the model scales its targets, which a FANN "
                        "file can hold only for a linear (identity) output "
                        "layer", path);
    }
    /* the text is built in memory, then written atomically */
    size_t len = 0;
    char *text = NULL;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return fail(err, "out of memory");
    /* FANN clips steepness x sum to +-150 / steepness, so an output in
     * the targets' units (a price, a temperature in kelvin) needs a
     * steepness small enough for a thousand standard deviations around
     * the offset */
    double out_steep = 1;
    const bp_scaler *ts = &m->target_scaler;
    for (int j = 0; ts->kind != BP_SCALING_NONE && j < ts->n; j++) {
        const double reach = 1e3 * (fabs(ts->offset[j]) + 1 / fabs(ts->factor[j]));
        out_steep = 150 / reach < out_steep ? 150 / reach : out_steep;
    }
    fann_head(f, net);
    fann_neurons(f, net, out_steep);
    fann_connections(f, m, out_steep);
    if (fclose(f) != 0 || !text) {
        free(text);
        return fail(err, "out of memory");
    }
    int rc = bp_write_file_atomic(path, text, len, err) ? -1 : 0;
    free(text);
    return rc;
}

/* ---------------------------------------------------------------- import */

static char *read_text(const char *path, bp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(err, "%s: %s", path, strerror(errno));
        err->status = BP_ERR_IO;
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap + 1);
    while (s) {
        len += fread(s + len, 1, cap - len, f);
        if (len < cap)
            break;
        char *q = cap < (1u << 30) ? realloc(s, 2 * cap + 1) : NULL;
        if (!q)
            free(s);
        s = q;
        cap *= 2;
    }
    fclose(f);
    if (!s) {
        fail(err, "%s: out of memory or too large", path);
        return NULL;
    }
    s[len] = '\0';
    return s;
}

/* The value after "key=" on its own line, or NULL. */
static const char *field(const char *text, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (strncmp(p, key, n) == 0 && p[n] == '=')
            return p + n + 1;
    return NULL;
}

int fann_import(const char *path, bp_model **out, bp_error *err)
{
    *out = NULL;
    char *text = read_text(path, err);
    if (!text)
        return -1;
    int rc = -1, *sizes = NULL, *n_inputs = NULL, *acts = NULL;
    double *steep = NULL;
    bp_net *net = NULL;
    if (strncmp(text, "FANN_FLO_2.1", 12) != 0) {
        fail(err, "%s: not a FANN float network file (FANN_FLO_2.1)%s", path,
             strncmp(text, "FANN_FIX", 8) == 0 ? "; fixed-point files are not "
                                                  "read" : "");
        goto out;
    }
    const char *v;
    int n_layers = (v = field(text, "num_layers")) ? atoi(v) : 0;
    if (n_layers < 2 || n_layers > 4096) {
        fail(err, "%s: num_layers missing or impossible", path);
        goto out;
    }
    if ((v = field(text, "network_type")) && atoi(v) != 0) {
        fail(err, "%s: a shortcut network (network_type=%d): not a layered "
             "network", path, atoi(v));
        goto out;
    }
    if ((v = field(text, "connection_rate")) && strtod(v, NULL) != 1.0) {
        fail(err, "%s: a sparse network (connection_rate=%s): only fully "
             "connected networks are read", path, v);
        goto out;
    }
    if ((v = field(text, "scale_included")) && atoi(v) != 0) {
        fail(err, "%s: includes FANN's scaling parameters, which are not read",
             path);
        goto out;
    }
    sizes = calloc((size_t)n_layers, sizeof *sizes);
    const char *ls = field(text, "layer_sizes");
    long total = 0;
    for (int l = 0; l < n_layers && ls; l++) {
        char *end;
        long s = strtol(ls, &end, 10);
        if (end == ls || s < 2 || s > (1 << 24)) {
            ls = NULL;
            break;
        }
        sizes[l] = (int)s;
        total += s;
        ls = end;
    }
    if (!sizes || !ls) {
        fail(err, "%s: layer_sizes missing or impossible", path);
        goto out;
    }
    n_inputs = malloc((size_t)total * sizeof *n_inputs);
    acts = malloc((size_t)total * sizeof *acts);
    steep = malloc((size_t)total * sizeof *steep);
    const char *np = strstr(text, "neurons (num_inputs, activation_function, "
                                  "activation_steepness)=");
    if (!n_inputs || !acts || !steep || !np) {
        fail(err, "%s: the neurons line is missing", path);
        goto out;
    }
    np = strchr(np, '=') + 1;
    for (long i = 0; i < total; i++) {
        int a, b, used = 0;
        double s;
        if (sscanf(np, " (%d, %d, %lf)%n", &a, &b, &s, &used) != 3 || !used) {
            fail(err, "%s: neuron %ld of %ld is missing or malformed", path,
                 i + 1, total);
            goto out;
        }
        n_inputs[i] = a;
        acts[i] = b;
        steep[i] = s;
        np += used;
    }
    /* the library's layers: widths without the bias neurons, one
     * activation per layer */
    bp_layer_desc d[4096];
    long at = sizes[0];
    for (int l = 1; l < n_layers; l++) {
        d[l - 1].n_out = sizes[l] - 1;
        d[l - 1].act_param = 0;
        const int fa = acts[at];
        for (int j = 0; j < sizes[l] - 1; j++) {
            if (acts[at + j] != fa) {
                fail(err, "%s: layer %d mixes activation functions %d and %d",
                     path, l, fa, acts[at + j]);
                goto out;
            }
            if (n_inputs[at + j] != sizes[l - 1]) {
                fail(err, "%s: neuron %ld has %d inputs, not the %d of a fully "
                     "connected layer", path, at + j, n_inputs[at + j],
                     sizes[l - 1]);
                goto out;
            }
        }
        switch (fa) {
        case F_LINEAR: d[l - 1].act = BP_ACT_IDENTITY; break;
        case F_THRESHOLD: d[l - 1].act = BP_ACT_STEP; break;
        case F_SIGMOID: d[l - 1].act = BP_ACT_SIGMOID; break;
        case F_SIGMOID_SYMMETRIC: d[l - 1].act = BP_ACT_TANH; break;
        default:
            fail(err, "%s: layer %d uses FANN activation %d; sigmoid (3), "
                 "symmetric sigmoid (5), linear (0) and threshold (1) are read",
                 path, l, fa);
            goto out;
        }
        at += sizes[l];
    }
    if (bp_net_create(&net, sizes[0] - 1, n_layers - 1, d, NULL, err))
        goto out;
    const char *cp = strstr(text, "connections (connected_to_neuron, weight)=");
    if (!cp) {
        fail(err, "%s: the connections line is missing", path);
        goto out;
    }
    cp = strchr(cp, '=') + 1;
    bp_real *p = bp_net_params(net);
    at = sizes[0];
    long first_below = 0;
    for (int l = 1; l < n_layers; l++) {
        size_t wo, bo;
        bp_net_layer_offsets(net, l - 1, &wo, &bo);
        const int k = sizes[l - 1] - 1;
        for (int j = 0; j < sizes[l] - 1; j++) {
            /* fold FANN's steepness into the weights */
            const double s = steep[at + j];
            const double fold = acts[at] == F_SIGMOID ? 2 * s : s;
            for (int q = 0; q <= k; q++) {
                int to, used = 0;
                double w;
                if (sscanf(cp, " (%d, %lf)%n", &to, &w, &used) != 2 || !used ||
                    to != first_below + q) {
                    fail(err, "%s: connection %d of neuron %ld is missing or "
                         "not in layer order", path, q + 1, at + j);
                    goto out;
                }
                cp += used;
                if (!isfinite(w)) {
                    fail(err, "%s: a weight is not finite", path);
                    goto out;
                }
                bp_real folded = (bp_real)(w * (acts[at] == F_THRESHOLD && s > 0 ? 1 : fold));
                if (q < k)
                    p[wo + (size_t)j * k + q] = folded;
                else
                    p[bo + j] = folded;
            }
        }
        first_below += sizes[l - 1];
        at += sizes[l];
    }
    bp_net_set_loss(net, BP_LOSS_SSE, BP_REDUCE_MEAN);
    if (bp_model_new(out, net, err))
        goto out;
    net = NULL;
    rc = 0;
out:
    bp_net_free(net);
    free(sizes);
    free(n_inputs);
    free(acts);
    free(steep);
    free(text);
    return rc;
}
