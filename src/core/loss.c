/*
 * loss.c - the error E and the output delta dE/dz.
 *
 * Every loss sums over the outputs of a sample; over the batch it takes
 * the mean or the sum. The cross-entropies are computed from the net input
 * z, not from the output a, so log(0) never happens: for a sigmoid output
 * -t log a - (1-t) log(1-a) = max(z,0) - t z + log(1 + e^-|z|), and for a
 * softmax output -sum t_j log a_j = sum t_j (logsumexp(z) - z_j).
 * Their deltas use the closed forms in which the activation's derivative
 * cancels: a - t.
 */
#include "core/internal.h"

#include <string.h>

/* ---------------------------------- E summed over n rows of m outputs
 * (each row summed first, then the rows: the order the tests pin) */

static double sse_rows(const bp_real *z, const bp_real *a, const bp_real *t,
                       int n, int m)
{
    (void)z;
    double e = 0;
    for (int i = 0; i < n; i++) {
        const size_t o = (size_t)i * m;
        double row = 0;
        for (int j = 0; j < m; j++) {
            double d = (double)t[o + j] - a[o + j];
            row += 0.5 * d * d;
        }
        e += row;
    }
    return e;
}

static double bce_rows(const bp_real *z, const bp_real *a, const bp_real *t,
                       int n, int m)
{
    (void)a;
    double e = 0;
    for (int i = 0; i < n; i++) {
        const size_t o = (size_t)i * m;
        double row = 0;
        for (int j = 0; j < m; j++) {
            double zj = z[o + j];
            row += (zj > 0 ? zj : 0) - t[o + j] * zj + log1p(exp(-fabs(zj)));
        }
        e += row;
    }
    return e;
}

static double ce_rows(const bp_real *z, const bp_real *a, const bp_real *t,
                      int n, int m)
{
    (void)a;
    double e = 0;
    for (int i = 0; i < n; i++) {
        const bp_real *zi = z + (size_t)i * m, *ti = t + (size_t)i * m;
        double max = zi[0], sum = 0, tsum = 0, tz = 0;
        for (int j = 1; j < m; j++)
            if (zi[j] > max)
                max = zi[j];
        for (int j = 0; j < m; j++) {
            sum += exp((double)zi[j] - max);
            tsum += ti[j];
            tz += (double)ti[j] * zi[j];
        }
        e += tsum * (max + log(sum)) - tz;
    }
    return e;
}

/* ----------------------------------------------- delta = dE/dz, scaled */

/* dE/da = a - t, then through f'(z) */
static void sse_delta(bp_real scale, bp_act act, bp_real param,
                      const bp_real *z, const bp_real *a, const bp_real *t,
                      bp_real *delta, int n, int m)
{
    for (size_t i = 0, len = (size_t)n * m; i < len; i++)
        delta[i] = (a[i] - t[i]) * scale;
    bp__act_backward(act, param, z, a, delta, delta, n, m);
}

/* sigmoid output: a - t */
static void bce_delta(bp_real scale, bp_act act, bp_real param,
                      const bp_real *z, const bp_real *a, const bp_real *t,
                      bp_real *delta, int n, int m)
{
    (void)act, (void)param, (void)z;
    for (size_t i = 0, len = (size_t)n * m; i < len; i++)
        delta[i] = (a[i] - t[i]) * scale;
}

/* softmax output: a_j sum_k t_k - t_j, which is a - t for a one-hot (or
 * any normalised) t and exact for any t */
static void ce_delta(bp_real scale, bp_act act, bp_real param, const bp_real *z,
                     const bp_real *a, const bp_real *t, bp_real *delta, int n,
                     int m)
{
    (void)act, (void)param, (void)z;
    for (int i = 0; i < n; i++) {
        const bp_real *ti = t + (size_t)i * m, *ai = a + (size_t)i * m;
        bp_real *di = delta + (size_t)i * m, tsum = 0;
        for (int j = 0; j < m; j++)
            tsum += ti[j];
        for (int j = 0; j < m; j++)
            di[j] = (ai[j] * tsum - ti[j]) * scale;
    }
}

/* -------------------- E of one sample from z, in double (explain) */

static double sse_double(double *z, const bp_real *t, int m, bp_act act,
                         double param)
{
    double e = 0;
    bp__act_double(act, param, z, m);
    for (int j = 0; j < m; j++)
        e += 0.5 * (t[j] - z[j]) * (t[j] - z[j]);
    return e;
}

static double bce_double(double *z, const bp_real *t, int m, bp_act act,
                         double param)
{
    (void)act, (void)param;
    double e = 0;
    for (int j = 0; j < m; j++)
        e += (z[j] > 0 ? z[j] : 0) - t[j] * z[j] + log1p(exp(-fabs(z[j])));
    return e;
}

static double ce_double(double *z, const bp_real *t, int m, bp_act act,
                        double param)
{
    (void)act, (void)param;
    double max = z[0], sum = 0, tsum = 0, tz = 0;
    for (int j = 1; j < m; j++)
        max = z[j] > max ? z[j] : max;
    for (int j = 0; j < m; j++) {
        sum += exp(z[j] - max);
        tsum += t[j];
        tz += t[j] * z[j];
    }
    return tsum * (max + log(sum)) - tz;
}

/* ---------------------------------------------------------- the table */

typedef struct {
    bp_loss_info info;
    /* the sum of E over n rows of m outputs */
    double (*rows)(const bp_real *z, const bp_real *a, const bp_real *t, int n,
                   int m);
    void (*delta)(bp_real scale, bp_act act, bp_real param, const bp_real *z,
                  const bp_real *a, const bp_real *t, bp_real *delta, int n,
                  int m);
    /* E of one sample from the output layer's net inputs z[m] (scratch),
     * in double throughout */
    double (*sample_double)(double *z, const bp_real *t, int m, bp_act act,
                            double param);
} loss_entry;

static const loss_entry losses[] = {
    [BP_LOSS_SSE] = {.info =
                         {
                             .name = "sse",
                             .aliases = "mse",
                             .label = "squared error",
                             .term = "1/2 (t - out)^2",
                             .term_tex = "\\frac{1}{2}(t - out)^2",
                             .total = "E_total",
                             .total_tex = "E_{total} = \\sum_j E_{oj}",
                             .flags = BP_LOSSF_EXPAND,
                         },
                     .rows = sse_rows,
                     .delta = sse_delta,
                     .sample_double = sse_double},
    [BP_LOSS_BCE] = {.info =
                         {
                             .name = "bce",
                             .aliases = NULL,
                             .label = "binary cross-entropy",
                             .term = "-(t log out + (1 - t) log(1 - out))",
                             .term_tex =
                                 "-(t \\log out + (1 - t) \\log(1 - out))",
                             .total = "E_total",
                             .total_tex = "E_{total} = \\sum_j E_{oj}",
                             .flags = BP_LOSSF_CLOSED_FORM | BP_LOSSF_THRESHOLD,
                         },
                     .rows = bce_rows,
                     .delta = bce_delta,
                     .sample_double = bce_double},
    [BP_LOSS_CE] = {.info =
                        {
                            .name = "ce",
                            .aliases = "cross-entropy xent",
                            .label = "softmax cross-entropy",
                            .term = NULL,
                            .term_tex = NULL,
                            .total = "E = -sum_j t_j log out_oj",
                            .total_tex = "E = -\\sum_j t_j \\log out_{oj}",
                            .flags = BP_LOSSF_CLOSED_FORM | BP_LOSSF_ARGMAX,
                        },
                    .rows = ce_rows,
                    .delta = ce_delta,
                    .sample_double = ce_double},
};
_Static_assert(sizeof losses / sizeof losses[0] == BP_LOSS_COUNT_,
               "one table entry per loss");

const bp_loss_info *bp_loss_describe(bp_loss loss)
{
    return (unsigned)loss < BP_LOSS_COUNT_ ? &losses[loss].info : NULL;
}

const char *bp_loss_name(bp_loss loss)
{
    return (unsigned)loss < BP_LOSS_COUNT_ ? losses[loss].info.name : NULL;
}

/* 1 if name is one of the space-separated words of list */
int bp__name_in_list(const char *name, const char *list)
{
    const size_t n = strlen(name);
    for (const char *p = list; p && *p; p += strcspn(p, " ")) {
        p += strspn(p, " ");
        if (strncmp(p, name, n) == 0 && (p[n] == ' ' || p[n] == '\0') && n)
            return 1;
    }
    return 0;
}

bp_status bp_loss_parse(const char *name, bp_loss *loss)
{
    if (!name || !loss)
        return BP_ERR_NULL;
    for (int i = 0; i < BP_LOSS_COUNT_; i++)
        if (strcmp(name, losses[i].info.name) == 0 ||
            bp__name_in_list(name, losses[i].info.aliases)) {
            *loss = (bp_loss)i;
            return BP_OK;
        }
    return BP_ERR_ARG;
}

double bp__loss_value(bp_loss loss, bp_reduction red, const bp_real *z,
                      const bp_real *a, const bp_real *t, int n, int m)
{
    if ((unsigned)loss >= BP_LOSS_COUNT_)
        return 0;
    const double e = losses[loss].rows(z, a, t, n, m);
    return red == BP_REDUCE_MEAN ? e / n : e;
}

void bp__loss_delta(bp_loss loss, bp_reduction red, bp_act act, bp_real param,
                    const bp_real *z, const bp_real *a, const bp_real *t,
                    bp_real *delta, int n, int m)
{
    const bp_real scale = red == BP_REDUCE_MEAN ? (bp_real)1 / n : 1;
    if ((unsigned)loss < BP_LOSS_COUNT_)
        losses[loss].delta(scale, act, param, z, a, t, delta, n, m);
}

double bp__loss_double(bp_loss loss, bp_act act, double param, double *z,
                       const bp_real *t, int m)
{
    return (unsigned)loss < BP_LOSS_COUNT_
        ? losses[loss].sample_double(z, t, m, act, param)
        : 0;
}
