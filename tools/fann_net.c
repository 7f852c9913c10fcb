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

/* FANN's numbers of the two functions this file treats specially (the
 * mapping of every activation is in the library's table:
 * bp_act_info.fann and .fann_steepness) */
enum { F_LINEAR = 0, F_THRESHOLD = 1 };

static int fail(bp_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->status = BP_ERR_FORMAT;
    return -1;
}

/* FANN's activation and steepness for the library's act, or -1. */
static int fann_act(bp_act act, double *steep)
{
    const bp_act_info *f = bp_act_describe(act);
    *steep = f->fann_steepness;
    return f->fann;
}

/* The training parameters FANN's reader expects, and the layer sizes
 * (each with its bias neuron). */
static void fann_head(FILE *f, const bp_net *net)
{
    const int L = bp_net_n_layers(net);
    fprintf(
        f,
        "FANN_FLO_2.1\nnum_layers=%d\nlearning_rate=0.700000\n"
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
        "layer_sizes=%d",
        L + 1, bp_net_n_in(net) + 1);
    for (int l = 0; l < L; l++) {
        bp_layer_desc d;
        bp_net_layer(net, l, &d, NULL);
        fprintf(f, " %d", d.n_out + 1);
    }
    fprintf(f, " \nscale_included=0\n");
}

/* Every neuron: (inputs, activation, steepness), the bias neurons too;
 * the output layer's steepness is out_steep. */
static void fann_neurons(FILE *f, const bp_net *net, double out_steep)
{
    const int n_in = bp_net_n_in(net);
    fprintf(f,
            "neurons (num_inputs, activation_function, "
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
    const bp_net *net = m->net;
    const int L = bp_net_n_layers(net);
    const bp_scaler *in = &m->scaler, *out = &m->target_scaler;
    fprintf(f, "connections (connected_to_neuron, weight)=");
    int first_below = 0; /* index of the first neuron of the layer below */
    for (int l = 0; l < L; l++) {
        bp_layer_view v;
        bp_net_layer_view(net, l, &v);
        const int k = v.n_in;
        const int unscale = l == L - 1 && out->kind != BP_SCALING_NONE;
        for (int j = 0; j < v.n_out; j++) {
            double bias = v.b[j];
            for (int q = 0; q < k; q++) {
                double w = v.w[(size_t)j * k + q];
                if (l == 0 && in->kind != BP_SCALING_NONE) {
                    bias -= w * in->factor[q] * in->offset[q];
                    w *= in->factor[q];
                }
                fprintf(f, "(%d, %.20e) ", first_below + q,
                        unscale ? w / out->factor[j] / out_steep : w);
            }
            fprintf(f, "(%d, %.20e) ", first_below + k,
                    unscale
                        ? (bias / out->factor[j] + out->offset[j]) / out_steep
                        : bias);
        }
        first_below += k + 1;
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
            return fail(err,
                        "%s: layer %d is %s, which FANN 2.2 does not have "
                        "(it has sigmoid, tanh, linear and threshold)",
                        path, l + 1, bp_act_name(d.act));
        if (l == L - 1 && fann_act(d.act, &steep) != F_LINEAR &&
            m->target_scaler.kind != BP_SCALING_NONE)
            return fail(err,
                        "%s: the model scales its targets, which a FANN "
                        "file can hold only for a linear (identity) output "
                        "layer",
                        path);
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
        const double reach =
            1e3 * (fabs(ts->offset[j]) + 1 / fabs(ts->factor[j]));
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

/* What a FANN file says about its neurons: the layer sizes (each with
 * its bias neuron) and each neuron's inputs, activation and steepness. */
typedef struct {
    int n_layers;
    int *sizes; /* [n_layers] */
    long total; /* neurons */
    int *n_inputs, *acts;
    double *steep; /* [total] */
} fann_file;

static void fann_file_free(fann_file *f)
{
    free(f->sizes);
    free(f->n_inputs);
    free(f->acts);
    free(f->steep);
}

/* The header lines: a layered, fully connected float network, and its
 * layer sizes. */
static int read_layout(const char *text, const char *path, fann_file *f,
                       bp_error *err)
{
    if (strncmp(text, "FANN_FLO_2.1", 12) != 0)
        return fail(err, "%s: not a FANN float network file (FANN_FLO_2.1)%s",
                    path,
                    strncmp(text, "FANN_FIX", 8) == 0
                        ? "; fixed-point files are not read"
                        : "");
    const char *v;
    f->n_layers = (v = field(text, "num_layers")) ? atoi(v) : 0;
    if (f->n_layers < 2 || f->n_layers > 4096)
        return fail(err, "%s: num_layers missing or impossible", path);
    if ((v = field(text, "network_type")) && atoi(v) != 0)
        return fail(err,
                    "%s: a shortcut network (network_type=%d): not a "
                    "layered network",
                    path, atoi(v));
    if ((v = field(text, "connection_rate")) && strtod(v, NULL) != 1.0)
        return fail(err,
                    "%s: a sparse network (connection_rate=%.20s): only "
                    "fully connected networks are read",
                    path, v);
    if ((v = field(text, "scale_included")) && atoi(v) != 0)
        return fail(err,
                    "%s: includes FANN's scaling parameters, which are "
                    "not read",
                    path);
    f->sizes = calloc((size_t)f->n_layers, sizeof *f->sizes);
    const char *ls = field(text, "layer_sizes");
    for (int l = 0; l < f->n_layers && ls && f->sizes; l++) {
        char *end;
        long n = strtol(ls, &end, 10);
        if (end == ls || n < 2 || n > (1 << 24)) {
            ls = NULL;
            break;
        }
        f->sizes[l] = (int)n;
        f->total += n;
        ls = end;
    }
    if (!f->sizes || !ls)
        return fail(err, "%s: layer_sizes missing or impossible", path);
    return 0;
}

/* The neurons line: (inputs, activation, steepness) for every neuron. */
static int read_neurons(const char *text, const char *path, fann_file *f,
                        bp_error *err)
{
    f->n_inputs = malloc((size_t)f->total * sizeof *f->n_inputs);
    f->acts = malloc((size_t)f->total * sizeof *f->acts);
    f->steep = malloc((size_t)f->total * sizeof *f->steep);
    const char *np = strstr(text,
                            "neurons (num_inputs, activation_function, "
                            "activation_steepness)=");
    if (!f->n_inputs || !f->acts || !f->steep)
        return fail(err, "%s: out of memory", path);
    if (!np)
        return fail(err, "%s: the neurons line is missing", path);
    np = strchr(np, '=') + 1;
    for (long i = 0; i < f->total; i++) {
        int used = 0;
        if (sscanf(np, " (%d, %d, %lf)%n", &f->n_inputs[i], &f->acts[i],
                   &f->steep[i], &used) != 3 ||
            !used)
            return fail(err, "%s: neuron %ld of %ld is missing or malformed",
                        path, i + 1, f->total);
        if (!isfinite(f->steep[i]) || fabs(f->steep[i]) > 1e30)
            return fail(err,
                        "%s: neuron %ld: steepness %g is not a usable "
                        "number",
                        path, i + 1, f->steep[i]);
        np += used;
    }
    return 0;
}

/* The library's layers d[n_layers - 1]: widths without the bias neurons,
 * one activation per layer, every layer fully connected. */
static int to_layers(const fann_file *f, const char *path, bp_layer_desc *d,
                     bp_error *err)
{
    long at = f->sizes[0];
    for (int l = 1; l < f->n_layers; l++) {
        d[l - 1].n_out = f->sizes[l] - 1;
        d[l - 1].act_param = 0;
        const int fa = f->acts[at];
        for (int j = 0; j < f->sizes[l] - 1; j++) {
            if (f->acts[at + j] != fa)
                return fail(err,
                            "%s: layer %d mixes activation functions %d "
                            "and %d",
                            path, l, fa, f->acts[at + j]);
            if (f->n_inputs[at + j] != f->sizes[l - 1])
                return fail(err,
                            "%s: neuron %ld has %d inputs, not the %d of "
                            "a fully connected layer",
                            path, at + j, f->n_inputs[at + j], f->sizes[l - 1]);
        }
        d[l - 1].act = BP_ACT_COUNT_; /* the one FANN calls fa */
        for (int a = 0; a < BP_ACT_COUNT_; a++)
            if (bp_act_describe((bp_act)a)->fann == fa)
                d[l - 1].act = (bp_act)a;
        if (d[l - 1].act == BP_ACT_COUNT_)
            return fail(err,
                        "%s: layer %d uses FANN activation %d; sigmoid "
                        "(3), symmetric sigmoid (5), linear (0) and threshold "
                        "(1) are read",
                        path, l, fa);
        at += f->sizes[l];
    }
    return 0;
}

/* The connections line into net's parameters, with FANN's steepness s
 * folded into the weights: the library's function is FANN's at
 * bp_act_info.fann_steepness, so s over that (2s for its sigmoid, s for
 * the others; a threshold ignores a positive steepness). */
static int read_weights(const char *text, const char *path, const fann_file *f,
                        bp_net *net, bp_error *err)
{
    const char *cp = strstr(text, "connections (connected_to_neuron, weight)=");
    if (!cp)
        return fail(err, "%s: the connections line is missing", path);
    cp = strchr(cp, '=') + 1;
    bp_real *p = bp_net_params(net);
    long at = f->sizes[0], first_below = 0;
    for (int l = 1; l < f->n_layers; l++) {
        size_t wo, bo;
        bp_layer_desc d;
        bp_net_layer_offsets(net, l - 1, &wo, &bo);
        bp_net_layer(net, l - 1, &d, NULL);
        const double at_one = bp_act_describe(d.act)->fann_steepness;
        const int k = f->sizes[l - 1] - 1, act = f->acts[at];
        for (int j = 0; j < f->sizes[l] - 1; j++) {
            const double s = f->steep[at + j];
            const double fold = act == F_THRESHOLD && s > 0 ? 1 : s / at_one;
            for (int q = 0; q <= k; q++) {
                int to, used = 0;
                double w;
                if (sscanf(cp, " (%d, %lf)%n", &to, &w, &used) != 2 || !used ||
                    to != first_below + q)
                    return fail(err,
                                "%s: connection %d of neuron %ld is "
                                "missing or not in layer order",
                                path, q + 1, at + j);
                cp += used;
                const bp_real folded = (bp_real)(w * fold);
                if (!isfinite(w) || !isfinite(folded))
                    return fail(err,
                                "%s: connection %d of neuron %ld: weight "
                                "%g times steepness %g is not a finite number",
                                path, q + 1, at + j, w, fold);
                if (q < k)
                    p[wo + (size_t)j * k + q] = folded;
                else
                    p[bo + j] = folded;
            }
        }
        first_below += f->sizes[l - 1];
        at += f->sizes[l];
    }
    return 0;
}

int fann_import(const char *path, bp_model **out, bp_error *err)
{
    *out = NULL;
    char *text = read_text(path, err);
    if (!text)
        return -1;
    fann_file f = {0};
    bp_layer_desc *d = NULL;
    bp_net *net = NULL;
    int rc = -1;
    if (read_layout(text, path, &f, err) || read_neurons(text, path, &f, err))
        goto out;
    if (!(d = malloc((size_t)(f.n_layers - 1) * sizeof *d))) {
        fail(err, "%s: out of memory", path);
        goto out;
    }
    if (to_layers(&f, path, d, err) ||
        bp_net_create(f.sizes[0] - 1, f.n_layers - 1, d, NULL, &net, err) ||
        read_weights(text, path, &f, net, err))
        goto out;
    /* the loss stays a new network's: squared error, FANN's own */
    if (bp_model_new(net, out, err))
        goto out;
    net = NULL;
    rc = 0;
out:
    bp_net_free(net);
    free(d);
    fann_file_free(&f);
    free(text);
    return rc;
}
