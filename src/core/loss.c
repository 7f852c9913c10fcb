/*
 * loss.c - the error E and the output delta dE/dz.
 *
 * Every loss sums over the outputs of a sample; over the batch it takes
 * the mean or the sum. The cross-entropies are computed from the net input
 * z, not from the output a, so log(0) never happens: for a sigmoid output
 * -t log a - (1-t) log(1-a) = max(z,0) - t z + log(1 + e^-|z|), and for a
 * softmax output -sum t_j log a_j = sum t_j (logsumexp(z) - z_j).
 * Their deltas use the closed forms in which the activation's derivative
 * cancels (seed 000): a - t.
 */
#include "core/internal.h"

#include <string.h>

static const char *const loss_names[BP_LOSS_COUNT_] = {"sse", "bce", "ce"};

const char *bp_loss_name(bp_loss loss)
{
    return (unsigned)loss < BP_LOSS_COUNT_ ? loss_names[loss] : NULL;
}

bp_status bp_loss_parse(const char *name, bp_loss *loss)
{
    if (!name || !loss)
        return BP_ERR_NULL;
    for (int i = 0; i < BP_LOSS_COUNT_; i++)
        if (strcmp(name, loss_names[i]) == 0) {
            *loss = (bp_loss)i;
            return BP_OK;
        }
    if (strcmp(name, "mse") == 0) {
        *loss = BP_LOSS_SSE;
        return BP_OK;
    }
    if (strcmp(name, "cross-entropy") == 0 || strcmp(name, "xent") == 0) {
        *loss = BP_LOSS_CE;
        return BP_OK;
    }
    return BP_ERR_ARG;
}

static double row_loss(bp_loss loss, const bp_real *z, const bp_real *a,
                       const bp_real *t, int m)
{
    double e = 0;
    switch (loss) {
    case BP_LOSS_SSE:
        for (int j = 0; j < m; j++) {
            double d = (double)t[j] - a[j];
            e += 0.5 * d * d;
        }
        break;
    case BP_LOSS_BCE:
        for (int j = 0; j < m; j++) {
            double zj = z[j];
            e += (zj > 0 ? zj : 0) - t[j] * zj + log1p(exp(-fabs(zj)));
        }
        break;
    case BP_LOSS_CE: {
        double max = z[0], sum = 0, tsum = 0, tz = 0;
        for (int j = 1; j < m; j++)
            if (z[j] > max)
                max = z[j];
        for (int j = 0; j < m; j++) {
            sum += exp((double)z[j] - max);
            tsum += t[j];
            tz += (double)t[j] * z[j];
        }
        e = tsum * (max + log(sum)) - tz;
        break;
    }
    default:
        break;
    }
    return e;
}

double bp__loss_value(bp_loss loss, bp_reduction red, const bp_real *z,
                      const bp_real *a, const bp_real *t, int n, int m)
{
    double e = 0;
    for (int i = 0; i < n; i++) {
        size_t o = (size_t)i * m;
        e += row_loss(loss, z + o, a + o, t + o, m);
    }
    return red == BP_REDUCE_MEAN ? e / n : e;
}

void bp__loss_delta(bp_loss loss, bp_reduction red, bp_act act,
                    bp_real param, const bp_real *z, const bp_real *a,
                    const bp_real *t, bp_real *delta, int n, int m)
{
    const bp_real scale = red == BP_REDUCE_MEAN ? (bp_real)1 / n : 1;
    size_t len = (size_t)n * m;
    switch (loss) {
    case BP_LOSS_SSE: /* dE/da = a - t, then through f'(z) */
        for (size_t i = 0; i < len; i++)
            delta[i] = (a[i] - t[i]) * scale;
        bp__act_backward(act, param, z, a, delta, delta, n, m);
        break;
    case BP_LOSS_BCE: /* sigmoid output: a - t */
        for (size_t i = 0; i < len; i++)
            delta[i] = (a[i] - t[i]) * scale;
        break;
    case BP_LOSS_CE:
        /* softmax output: a_j sum_k t_k - t_j, which is a - t for a
         * one-hot (or any normalised) t and exact for any t. */
        for (int i = 0; i < n; i++) {
            const bp_real *ti = t + (size_t)i * m, *ai = a + (size_t)i * m;
            bp_real *di = delta + (size_t)i * m, tsum = 0;
            for (int j = 0; j < m; j++)
                tsum += ti[j];
            for (int j = 0; j < m; j++)
                di[j] = (ai[j] * tsum - ti[j]) * scale;
        }
        break;
    default:
        break;
    }
}
