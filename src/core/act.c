/*
 * act.c - activation functions and their derivatives, on [n][m] blocks.
 *
 * Every function here is overflow-safe for any finite z: sigmoid picks the
 * form whose exponential cannot overflow, softmax subtracts the row
 * maximum. The derivatives are written in terms of the output a where that
 * is the seeds' form (sigmoid: a (1 - a)) and of z where a loses the
 * information (ReLU at 0).
 */
#include "core/internal.h"

#include <string.h>

static const char *const act_names[BP_ACT_COUNT_] = {
    "identity", "sigmoid", "tanh", "relu", "leaky_relu", "step", "softmax"};

const char *bp_act_name(bp_act act)
{
    return (unsigned)act < BP_ACT_COUNT_ ? act_names[act] : NULL;
}

bp_status bp_act_parse(const char *name, bp_act *act)
{
    if (!name || !act)
        return BP_ERR_NULL;
    for (int i = 0; i < BP_ACT_COUNT_; i++)
        if (strcmp(name, act_names[i]) == 0) {
            *act = (bp_act)i;
            return BP_OK;
        }
    if (strcmp(name, "linear") == 0) {
        *act = BP_ACT_IDENTITY;
        return BP_OK;
    }
    return BP_ERR_ARG;
}

static void softmax_rows(const bp_real *z, bp_real *a, int n, int m)
{
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

void bp__act_forward(bp_act act, bp_real param, const bp_real *z,
                     bp_real *a, int n, int m)
{
    size_t len = (size_t)n * m;
    switch (act) {
    case BP_ACT_IDENTITY:
        if (a != z)
            memcpy(a, z, len * sizeof *a);
        break;
    case BP_ACT_SIGMOID:
        for (size_t i = 0; i < len; i++)
            a[i] = bp__sigmoid(z[i]);
        break;
    case BP_ACT_TANH:
        for (size_t i = 0; i < len; i++)
            a[i] = bp_tanh(z[i]);
        break;
    case BP_ACT_RELU:
        for (size_t i = 0; i < len; i++)
            a[i] = z[i] > 0 ? z[i] : 0;
        break;
    case BP_ACT_LEAKY_RELU:
        for (size_t i = 0; i < len; i++)
            a[i] = z[i] > 0 ? z[i] : param * z[i];
        break;
    case BP_ACT_STEP:
        for (size_t i = 0; i < len; i++)
            a[i] = z[i] >= 0 ? 1 : 0;
        break;
    case BP_ACT_SOFTMAX:
        softmax_rows(z, a, n, m);
        break;
    default:
        break;
    }
}

void bp__act_backward(bp_act act, bp_real param, const bp_real *z,
                      const bp_real *a, const bp_real *g, bp_real *delta,
                      int n, int m)
{
    size_t len = (size_t)n * m;
    switch (act) {
    case BP_ACT_IDENTITY:
        if (delta != g)
            memcpy(delta, g, len * sizeof *delta);
        break;
    case BP_ACT_SIGMOID: /* the seeds' out (1 - out) */
        for (size_t i = 0; i < len; i++)
            delta[i] = g[i] * a[i] * (1 - a[i]);
        break;
    case BP_ACT_TANH:
        for (size_t i = 0; i < len; i++)
            delta[i] = g[i] * (1 - a[i] * a[i]);
        break;
    case BP_ACT_RELU:
        /* g is read unconditionally: a conditional read of g (which may
         * be delta itself) kept GCC from vectorising this loop, and its
         * branch on the sign of z mispredicted half the time (it was 13%
         * of a Fashion-MNIST epoch) */
        for (size_t i = 0; i < len; i++) {
            const bp_real gi = g[i];
            delta[i] = z[i] > 0 ? gi : 0;
        }
        break;
    case BP_ACT_LEAKY_RELU:
        for (size_t i = 0; i < len; i++)
            delta[i] = z[i] > 0 ? g[i] : param * g[i];
        break;
    case BP_ACT_STEP: /* flat almost everywhere: nothing flows back */
        for (size_t i = 0; i < len; i++)
            delta[i] = 0;
        break;
    case BP_ACT_SOFTMAX:
        /* da_j/dz_k = a_j (1[j=k] - a_k), so
         * delta_k = sum_j g_j a_j (1[j=k] - a_k) = a_k (g_k - sum_j g_j a_j) */
        for (int i = 0; i < n; i++) {
            const bp_real *ai = a + (size_t)i * m, *gi = g + (size_t)i * m;
            bp_real *di = delta + (size_t)i * m;
            bp_real dot = 0;
            for (int j = 0; j < m; j++)
                dot += gi[j] * ai[j];
            for (int j = 0; j < m; j++)
                di[j] = ai[j] * (gi[j] - dot);
        }
        break;
    default:
        break;
    }
}
