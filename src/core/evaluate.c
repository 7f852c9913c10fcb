/*
 * evaluate.c - a network's loss and accuracy on a whole data set, and the
 * count of right answers in a batch that training reports.
 */
#include "core/internal.h"

#include <string.h>

int bp__is_classifier(const bp_net *net)
{
    return (bp_loss_describe(net->loss)->flags &
            (BP_LOSSF_ARGMAX | BP_LOSSF_THRESHOLD)) != 0;
}

static int argmax(const bp_real *v, int m)
{
    int best = 0;
    for (int j = 1; j < m; j++)
        if (v[j] > v[best])
            best = j;
    return best;
}

int bp__count_correct(const bp_net *net, const bp_real *t, int n)
{
    const int m = net->layers[net->n_layers - 1].n_out;
    const bp_real *o = net->layers[net->n_layers - 1].a;
    const int by_argmax =
        (bp_loss_describe(net->loss)->flags & BP_LOSSF_ARGMAX) != 0;
    int right = 0;
    for (int i = 0; i < n; i++) {
        const bp_real *oi = o + (size_t)i * m, *ti = t + (size_t)i * m;
        if (by_argmax) {
            right += argmax(oi, m) == argmax(ti, m);
        } else { /* BP_LOSSF_THRESHOLD: each output on t's side of 0.5 */
            int all = 1;
            for (int j = 0; j < m; j++)
                all &= (oi[j] >= (bp_real)0.5) == (ti[j] >= (bp_real)0.5);
            right += all;
        }
    }
    return right;
}

/* Targets of samples [from, from + k) of d: its own rows, or one-hot rows
 * of its labels written into the network's target block. */
static const bp_real *targets(bp_net *net, const bp_data *d, int64_t from,
                              int k)
{
    const int m = d->n_out;
    if (d->t)
        return d->t + (size_t)from * m;
    memset(net->t, 0, (size_t)k * m * sizeof(bp_real));
    for (int i = 0; i < k; i++)
        net->t[(size_t)i * m + d->label[from + i]] = 1;
    return net->t;
}

static bp_status check_set(bp_net *net, const bp_data *d)
{
    const int m = net->layers[net->n_layers - 1].n_out;
    if (!d)
        return bp__fail(net, BP_ERR_NULL, "data is NULL");
    if (d->n < 1)
        return bp__fail(net, BP_ERR_SIZE, "n: %lld is not >= 1",
                        (long long)d->n);
    if (d->n_in != net->n_in || d->n_out != m)
        return bp__fail(net, BP_ERR_SIZE,
                        "data of %d inputs and %d "
                        "outputs; the network has %d and %d",
                        d->n_in, d->n_out, net->n_in, m);
    if (!d->x || !d->t == !d->label)
        return bp__fail(net, BP_ERR_NULL,
                        "data needs x and exactly one of "
                        "t and label");
    for (int64_t i = 0; d->label && i < d->n; i++)
        if (d->label[i] < 0 || d->label[i] >= m)
            return bp__fail(net, BP_ERR_ARG,
                            "sample %lld has class %d; the "
                            "network has %d outputs",
                            (long long)i + 1, (int)d->label[i], m);
    return BP_OK;
}

bp_status bp_net_evaluate(bp_net *net, const bp_data *d, double *loss,
                          double *acc)
{
    if (!net)
        return BP_ERR_NULL;
    bp_status st = check_set(net, d);
    if (st)
        return st;
    double sum = 0;
    int64_t right = 0;
    for (int64_t done = 0; done < d->n;) {
        const int chunk =
            d->n - done < net->max_batch ? (int)(d->n - done) : net->max_batch;
        double e;
        st = bp_net_forward(net, d->x + (size_t)done * d->n_in, chunk);
        const bp_real *tc = targets(net, d, done, chunk);
        if (!st)
            st = bp_net_loss(net, tc, &e);
        if (st)
            return st;
        /* back to a sum, so chunks of any size weigh the same */
        sum += net->reduction == BP_REDUCE_MEAN ? e * chunk : e;
        if (bp__is_classifier(net))
            right += bp__count_correct(net, tc, chunk);
        done += chunk;
    }
    if (loss)
        *loss = net->reduction == BP_REDUCE_MEAN ? sum / (double)d->n : sum;
    if (acc)
        *acc = bp__is_classifier(net) ? (double)right / (double)d->n : NAN;
    return bp__ok(net);
}
