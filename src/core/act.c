/*
 * act.c - the activations: one table entry each, holding everything the
 * library and its tools know about it (names, formulas as explain writes
 * them, its parameter, its ONNX, FANN and C-export forms) and its two
 * block functions, forward and derivative, on [n][m] blocks.
 *
 * Adding an activation: a value in bp_act (include/backprop.h), its two
 * block functions and its entry below; then its tests (docs/ARCHITECTURE.md
 * lists them). Nothing else switches on bp_act.
 *
 * Every function here is overflow-safe for any finite z: sigmoid picks the
 * form whose exponential cannot overflow, softmax subtracts the row
 * maximum. The derivatives are written in terms of the output a where that
 * is the worked example's form (sigmoid: a (1 - a)) and of z where a loses
 * the information (ReLU at 0).
 */
#include "core/internal.h"

#include <string.h>

/* ----------------------------------------------------- forward, f(z) */

static void identity_fwd(bp_real param, const bp_real *z, bp_real *a, int n,
                         int m)
{
    (void)param;
    if (a != z)
        memcpy(a, z, (size_t)n * m * sizeof *a);
}

static void sigmoid_fwd(bp_real param, const bp_real *z, bp_real *a, int n,
                        int m)
{
    (void)param;
    for (size_t i = 0, len = (size_t)n * m; i < len; i++)
        a[i] = bp__sigmoid(z[i]);
}

static void tanh_fwd(bp_real param, const bp_real *z, bp_real *a, int n, int m)
{
    (void)param;
    for (size_t i = 0, len = (size_t)n * m; i < len; i++)
        a[i] = bp_tanh(z[i]);
}

static void relu_fwd(bp_real param, const bp_real *z, bp_real *a, int n, int m)
{
    (void)param;
    for (size_t i = 0, len = (size_t)n * m; i < len; i++)
        a[i] = z[i] > 0 ? z[i] : 0;
}

static void leaky_fwd(bp_real slope, const bp_real *z, bp_real *a, int n, int m)
{
    for (size_t i = 0, len = (size_t)n * m; i < len; i++)
        a[i] = z[i] > 0 ? z[i] : slope * z[i];
}

static void step_fwd(bp_real param, const bp_real *z, bp_real *a, int n, int m)
{
    (void)param;
    for (size_t i = 0, len = (size_t)n * m; i < len; i++)
        a[i] = z[i] >= 0 ? 1 : 0;
}

/* Row by row, shifted by the row's maximum so no exponential overflows. */
static void softmax_fwd(bp_real param, const bp_real *z, bp_real *a, int n,
                        int m)
{
    (void)param;
    for (int i = 0; i < n; i++) {
        const bp_real *zi = z + (size_t)i * m;
        bp_real *ai = a + (size_t)i * m;
        bp_real max = zi[0];
        for (int j = 1; j < m; j++)
            if (zi[j] > max)
                max = zi[j];
        bp_real sum = 0;
        for (int j = 0; j < m; j++) {
            ai[j] = bp_exp(zi[j] - max);
            sum += ai[j];
        }
        bp_real inv = 1 / sum;
        for (int j = 0; j < m; j++)
            ai[j] *= inv;
    }
}

/* ------------------------------------- backward, delta = g * f'(z) */

static void identity_bwd(bp_real param, const bp_real *z, const bp_real *a,
                         const bp_real *g, bp_real *delta, int n, int m)
{
    (void)param, (void)z, (void)a;
    if (delta != g)
        memcpy(delta, g, (size_t)n * m * sizeof *delta);
}

/* the worked example's out (1 - out) */
static void sigmoid_bwd(bp_real param, const bp_real *z, const bp_real *a,
                        const bp_real *g, bp_real *delta, int n, int m)
{
    (void)param, (void)z;
    for (size_t i = 0, len = (size_t)n * m; i < len; i++)
        delta[i] = g[i] * a[i] * (1 - a[i]);
}

static void tanh_bwd(bp_real param, const bp_real *z, const bp_real *a,
                     const bp_real *g, bp_real *delta, int n, int m)
{
    (void)param, (void)z;
    for (size_t i = 0, len = (size_t)n * m; i < len; i++)
        delta[i] = g[i] * (1 - a[i] * a[i]);
}

/* g is read unconditionally: a conditional read of g (which may be delta
 * itself) kept GCC from vectorising this loop, and its branch on the sign
 * of z mispredicted half the time (it was 13% of a Fashion-MNIST epoch) */
static void relu_bwd(bp_real param, const bp_real *z, const bp_real *a,
                     const bp_real *g, bp_real *delta, int n, int m)
{
    (void)param, (void)a;
    for (size_t i = 0, len = (size_t)n * m; i < len; i++) {
        const bp_real gi = g[i];
        delta[i] = z[i] > 0 ? gi : 0;
    }
}

static void leaky_bwd(bp_real slope, const bp_real *z, const bp_real *a,
                      const bp_real *g, bp_real *delta, int n, int m)
{
    (void)a;
    for (size_t i = 0, len = (size_t)n * m; i < len; i++)
        delta[i] = z[i] > 0 ? g[i] : slope * g[i];
}

/* flat almost everywhere: nothing flows back */
static void step_bwd(bp_real param, const bp_real *z, const bp_real *a,
                     const bp_real *g, bp_real *delta, int n, int m)
{
    (void)param, (void)z, (void)a, (void)g;
    for (size_t i = 0, len = (size_t)n * m; i < len; i++)
        delta[i] = 0;
}

/* da_j/dz_k = a_j (1[j=k] - a_k), so
 * delta_k = sum_j g_j a_j (1[j=k] - a_k) = a_k (g_k - sum_j g_j a_j) */
static void softmax_bwd(bp_real param, const bp_real *z, const bp_real *a,
                        const bp_real *g, bp_real *delta, int n, int m)
{
    (void)param, (void)z;
    for (int i = 0; i < n; i++) {
        const bp_real *ai = a + (size_t)i * m, *gi = g + (size_t)i * m;
        bp_real *di = delta + (size_t)i * m;
        bp_real dot = 0;
        for (int j = 0; j < m; j++)
            dot += gi[j] * ai[j];
        for (int j = 0; j < m; j++)
            di[j] = ai[j] * (gi[j] - dot);
    }
}

/* --------------------------- f'(z) at one point, in double (explain) */

static double identity_at(double p, double z, double a)
{
    (void)p, (void)z, (void)a;
    return 1;
}
static double sigmoid_at(double p, double z, double a)
{
    (void)p, (void)z;
    return a * (1 - a);
}
static double tanh_at(double p, double z, double a)
{
    (void)p, (void)z;
    return 1 - a * a;
}
static double relu_at(double p, double z, double a)
{
    (void)p, (void)a;
    return z > 0 ? 1 : 0;
}
static double leaky_at(double slope, double z, double a)
{
    (void)a;
    return z > 0 ? 1 : slope;
}
static double step_at(double p, double z, double a)
{
    (void)p, (void)z, (void)a;
    return 0;
}

/* ------------- f of one row in place, in double (explain's checks) */

static void identity_dbl(double p, double *z, int m)
{
    (void)p, (void)z, (void)m;
}
static void sigmoid_dbl(double p, double *z, int m)
{
    (void)p;
    for (int j = 0; j < m; j++) {
        const double v = z[j];
        z[j] = v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v));
    }
}
static void tanh_dbl(double p, double *z, int m)
{
    (void)p;
    for (int j = 0; j < m; j++)
        z[j] = tanh(z[j]);
}
static void relu_dbl(double p, double *z, int m)
{
    (void)p;
    for (int j = 0; j < m; j++)
        z[j] = z[j] > 0 ? z[j] : 0;
}
static void leaky_dbl(double slope, double *z, int m)
{
    for (int j = 0; j < m; j++)
        z[j] = z[j] > 0 ? z[j] : slope * z[j];
}
static void step_dbl(double p, double *z, int m)
{
    (void)p;
    for (int j = 0; j < m; j++)
        z[j] = z[j] >= 0 ? 1 : 0;
}
static void softmax_dbl(double p, double *z, int m)
{
    (void)p;
    double max = z[0], sum = 0;
    for (int j = 0; j < m; j++)
        max = z[j] > max ? z[j] : max;
    for (int j = 0; j < m; j++)
        sum += z[j] = exp(z[j] - max);
    for (int j = 0; j < m; j++)
        z[j] /= sum;
}

/* ---------------------------------------------------------- the table */

typedef struct {
    bp_act_info info;
    const char *alias; /* one more name bp_act_parse accepts, or NULL */
    void (*forward)(bp_real param, const bp_real *z, bp_real *a, int n, int m);
    void (*backward)(bp_real param, const bp_real *z, const bp_real *a,
                     const bp_real *g, bp_real *delta, int n, int m);
    /* dout/dnet of one neuron, in double; NULL for BP_ACTF_ROWWISE */
    double (*deriv_at)(double param, double z, double a);
    /* f of one row of m net inputs, in place, in double */
    void (*row_double)(double param, double *z, int m);
} act_entry;

/* The exported C's layer function (tools/export_c.c) runs the c_code of
 * the layer's activation on z[0..n_out) in place, with `slope` (the
 * parameter) and the scratch floats `max` and `sum` in scope. */
static const act_entry acts[] = {
    [BP_ACT_IDENTITY] = {.info =
                             {
                                 .name = "identity",
                                 .label = "identity",
                                 .symbol = "",
                                 .symbol_tex = "",
                                 .formula = "net",
                                 .formula_tex = "net",
                                 .derivative = "1",
                                 .derivative_tex = "1",
                                 .out_min = -HUGE_VAL,
                                 .out_max = HUGE_VAL,
                                 .out_loss = BP_LOSS_SSE,
                                 .init = BP_INIT_XAVIER_UNIFORM,
                                 .onnx_op = "", /* a Gemm alone */
                                 .fann = 0,
                                 .fann_steepness = 1, /* FANN_LINEAR */
                                 .c_code = NULL,      /* nothing to do */
                             },
                         .alias = "linear",
                         .forward = identity_fwd,
                         .backward = identity_bwd,
                         .deriv_at = identity_at,
                         .row_double = identity_dbl},
    [BP_ACT_SIGMOID] =
        {.info =
             {
                 .name = "sigmoid",
                 .label = "sigmoid",
                 .symbol = "sigmoid",
                 .symbol_tex = "\\sigma",
                 .formula = "1 / (1 + e^-net)",
                 .formula_tex = "\\frac{1}{1 + e^{-net}}",
                 .derivative = "out (1 - out)",
                 .derivative_tex = "out (1 - out)",
                 .out_min = 0,
                 .out_max = 1,
                 .flags = BP_ACTF_EXPAND,
                 .out_loss = BP_LOSS_BCE,
                 .init = BP_INIT_XAVIER_UNIFORM,
                 .onnx_op = "Sigmoid",
                 /* FANN_SIGMOID is 1 / (1 + e^(-2 s x)) */
                 .fann = 3,
                 .fann_steepness = 0.5,
                 .c_code =
                     " /* sigmoid */\n"
                     "        for (int j = 0; j < n_out; j++)\n"
                     "            z[j] = z[j] >= 0 ? 1 / (1 + expf(-z[j])) : "
                     "expf(z[j]) / (1 + expf(z[j]));\n"
                     "        break;\n",
             },
         .forward = sigmoid_fwd,
         .backward = sigmoid_bwd,
         .deriv_at = sigmoid_at,
         .row_double = sigmoid_dbl},
    [BP_ACT_TANH] =
        {.info =
             {
                 .name = "tanh",
                 .label = "tanh",
                 .symbol = "tanh",
                 .symbol_tex = "\\tanh",
                 .formula = "tanh(net)",
                 .formula_tex = "\\tanh(net)",
                 .derivative = "1 - out^2",
                 .derivative_tex = "1 - out^2",
                 .out_min = -1,
                 .out_max = 1,
                 .out_loss = BP_LOSS_SSE,
                 .init = BP_INIT_XAVIER_UNIFORM,
                 .onnx_op = "Tanh",
                 /* FANN_SIGMOID_SYMMETRIC is 2 / (1 + e^(-2 s x)) - 1 = tanh(s x) */
                 .fann = 5,
                 .fann_steepness = 1,
                 .c_code =
                     " for (int j = 0; j < n_out; j++) z[j] = tanhf(z[j]); "
                     "break;\n",
             },
         .forward = tanh_fwd,
         .backward = tanh_bwd,
         .deriv_at = tanh_at,
         .row_double = tanh_dbl},
    [BP_ACT_RELU] =
        {.info =
             {
                 .name = "relu",
                 .label = "ReLU",
                 .symbol = "relu",
                 .symbol_tex = "relu",
                 .formula = "max(0, net)",
                 .formula_tex = "\\max(0, net)",
                 .derivative = "(net > 0 ? 1 : 0)",
                 .derivative_tex = "[net > 0]",
                 .out_min = 0,
                 .out_max = HUGE_VAL,
                 .out_loss = BP_LOSS_SSE,
                 .init = BP_INIT_HE_UNIFORM,
                 .onnx_op = "Relu",
                 .fann = -1, /* FANN 2.2 has none */
                 .c_code = " for (int j = 0; j < n_out; j++) z[j] = z[j] > 0 ? "
                           "z[j] : 0; break;\n",
             },
         .forward = relu_fwd,
         .backward = relu_bwd,
         .deriv_at = relu_at,
         .row_double = relu_dbl},
    [BP_ACT_LEAKY_RELU] =
        {.info =
             {
                 .name = "leaky_relu",
                 .label = "leaky ReLU",
                 .symbol = "leaky_relu",
                 .symbol_tex = "leaky\\_relu",
                 .formula = "net > 0 ? net : slope * net",
                 .formula_tex = "(net > 0 ? net : a \\cdot net)",
                 .derivative = "(net > 0 ? 1 : slope)",
                 .derivative_tex = "(net > 0 ? 1 : a)",
                 .param = "slope",
                 .param_default = 0.01,
                 .out_min = -HUGE_VAL,
                 .out_max = HUGE_VAL,
                 .out_loss = BP_LOSS_SSE,
                 .init = BP_INIT_HE_UNIFORM,
                 .onnx_op = "LeakyRelu",
                 .onnx_attr = "alpha",
                 .fann = -1, /* FANN 2.2 has none */
                 .c_code = " for (int j = 0; j < n_out; j++) z[j] = z[j] > 0 ? "
                           "z[j] : slope * z[j]; break;\n",
             },
         .forward = leaky_fwd,
         .backward = leaky_bwd,
         .deriv_at = leaky_at,
         .row_double = leaky_dbl},
    [BP_ACT_STEP] =
        {.info =
             {
                 .name = "step",
                 .label = "step",
                 .symbol = "step",
                 .symbol_tex = "step",
                 .formula = "net >= 0 ? 1 : 0",
                 .formula_tex = "[net \\ge 0]",
                 .derivative = "0",
                 .derivative_tex = "0",
                 .out_min = 0,
                 .out_max = 1,
                 .flags = BP_ACTF_NO_GRADIENT,
                 .out_loss = BP_LOSS_SSE,
                 .init = BP_INIT_XAVIER_UNIFORM,
                 .onnx_op = NULL, /* ONNX has no step operator */
                 .fann = 1,
                 .fann_steepness = 1, /* FANN_THRESHOLD */
                 .c_code =
                     " for (int j = 0; j < n_out; j++) z[j] = z[j] >= 0 ? "
                     "1 : 0; break;\n",
             },
         .forward = step_fwd,
         .backward = step_bwd,
         .deriv_at = step_at,
         .row_double = step_dbl},
    [BP_ACT_SOFTMAX] =
        {.info =
             {
                 .name = "softmax",
                 .label = "softmax",
                 .symbol = "softmax",
                 .symbol_tex = "softmax",
                 .formula = "e^net_j / sum_k e^net_k",
                 .formula_tex = "\\frac{e^{net_j}}{\\sum_k e^{net_k}}",
                 .derivative = "out_j (dE/dout_j - sum_k dE/dout_k out_k)",
                 .derivative_tex =
                     "out_j (\\frac{\\partial E}{\\partial out_j} - "
                     "\\sum_k \\frac{\\partial E}{\\partial out_k} "
                     "out_k)",
                 .out_min = 0,
                 .out_max = 1,
                 .flags = BP_ACTF_ROWWISE,
                 .out_loss = BP_LOSS_CE,
                 .init = BP_INIT_XAVIER_UNIFORM,
                 .onnx_op = "Softmax",
                 .onnx_attr = "axis",
                 .onnx_attr_int = 1,
                 .fann = -1, /* FANN 2.2 has none */
                 .c_code = " /* softmax, shifted by the maximum */\n"
                           "        for (int j = 1; j < n_out; j++)\n"
                           "            max = z[j] > max ? z[j] : max;\n"
                           "        for (int j = 0; j < n_out; j++)\n"
                           "            sum += z[j] = expf(z[j] - max);\n"
                           "        for (int j = 0; j < n_out; j++)\n"
                           "            z[j] *= 1 / sum;\n"
                           "        break;\n",
             },
         .forward = softmax_fwd,
         .backward = softmax_bwd,
         .row_double = softmax_dbl},
};
_Static_assert(sizeof acts / sizeof acts[0] == BP_ACT_COUNT_,
               "one table entry per activation");

const bp_act_info *bp_act_describe(bp_act act)
{
    return (unsigned)act < BP_ACT_COUNT_ ? &acts[act].info : NULL;
}

const char *bp_act_name(bp_act act)
{
    return (unsigned)act < BP_ACT_COUNT_ ? acts[act].info.name : NULL;
}

bp_status bp_act_parse(const char *name, bp_act *act)
{
    if (!name || !act)
        return BP_ERR_NULL;
    for (int i = 0; i < BP_ACT_COUNT_; i++)
        if (strcmp(name, acts[i].info.name) == 0 ||
            (acts[i].alias && strcmp(name, acts[i].alias) == 0)) {
            *act = (bp_act)i;
            return BP_OK;
        }
    return BP_ERR_ARG;
}

bp_act bp__act_for_loss(bp_loss loss)
{
    for (int i = 0; i < BP_ACT_COUNT_; i++)
        if (acts[i].info.out_loss == loss)
            return (bp_act)i;
    return BP_ACT_COUNT_;
}

double bp__act_deriv_at(bp_act act, double param, double z, double a)
{
    return (unsigned)act < BP_ACT_COUNT_ && acts[act].deriv_at
        ? acts[act].deriv_at(param, z, a)
        : 1;
}

void bp__act_double(bp_act act, double param, double *z, int m)
{
    if ((unsigned)act < BP_ACT_COUNT_)
        acts[act].row_double(param, z, m);
}

void bp__act_forward(bp_act act, bp_real param, const bp_real *z, bp_real *a,
                     int n, int m)
{
    if ((unsigned)act < BP_ACT_COUNT_)
        acts[act].forward(param, z, a, n, m);
}

void bp__act_backward(bp_act act, bp_real param, const bp_real *z,
                      const bp_real *a, const bp_real *g, bp_real *delta, int n,
                      int m)
{
    if ((unsigned)act < BP_ACT_COUNT_)
        acts[act].backward(param, z, a, g, delta, n, m);
}
