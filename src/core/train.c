/*
 * train.c - the training loop: epochs of shuffled mini-batches,
 * validation, early stopping, gradient clipping, and the stop at the
 * first NaN or Inf.
 *
 * Everything the loop needs (index permutation, batch buffers, a copy of
 * the best weights) is allocated once at the start; the steps themselves
 * allocate nothing.
 */
#include "core/internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

bp_train_opts bp_train_defaults(void)
{
    bp_train_opts o;
    memset(&o, 0, sizeof o);
    o.epochs = 10;
    o.batch = 32;
    o.order = BP_ORDER_STANDARD;
    o.seed = 1;
    o.shuffle = 1;
    o.best_val_loss = INFINITY;
    return o;
}

static double now_seconds(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int argmax(const bp_real *v, int m)
{
    int best = 0;
    for (int j = 1; j < m; j++)
        if (v[j] > v[best])
            best = j;
    return best;
}

/* Correct predictions in the batch of the last forward phase. */
static int count_correct(const bp_net *net, const bp_real *t, int n)
{
    const int m = bp_net_n_out(net);
    const bp_real *o = bp_net_output(net);
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

static int is_classifier(const bp_net *net)
{
    return (bp_loss_describe(net->loss)->flags &
            (BP_LOSSF_ARGMAX | BP_LOSSF_THRESHOLD)) != 0;
}

bp_status bp_net_evaluate(bp_net *net, const bp_real *x, const bp_real *t,
                          int n, double *loss, double *acc)
{
    if (!net)
        return BP_ERR_NULL;
    if (!x || !t)
        return bp__fail(net, BP_ERR_NULL, "%s is NULL", x ? "t" : "x");
    if (n < 1)
        return bp__fail(net, BP_ERR_SIZE, "n: %d is not >= 1", n);
    const int m = bp_net_n_out(net);
    double sum = 0;
    long right = 0;
    for (int done = 0; done < n;) {
        int chunk = n - done < net->max_batch ? n - done : net->max_batch;
        const bp_real *tc = t + (size_t)done * m;
        double e;
        bp_status st = bp_net_forward(net, x + (size_t)done * net->n_in, chunk);
        if (!st)
            st = bp_net_loss(net, tc, &e);
        if (st)
            return st;
        /* back to a sum, so chunks of any size weigh the same */
        sum += net->reduction == BP_REDUCE_MEAN ? e * chunk : e;
        if (is_classifier(net))
            right += count_correct(net, tc, chunk);
        done += chunk;
    }
    if (loss)
        *loss = net->reduction == BP_REDUCE_MEAN ? sum / n : sum;
    if (acc)
        *acc = is_classifier(net) ? (double)right / n : NAN;
    return bp__ok(net);
}

/* Scale the gradients down to a global L2 norm of at most clip. */
static void clip_grads(bp_net *net, double clip)
{
    double sq = 0;
    for (size_t i = 0; i < net->n_params; i++)
        sq += (double)net->grads[i] * net->grads[i];
    double norm = sqrt(sq);
    if (norm > clip) {
        bp_real s = (bp_real)(clip / norm);
        for (size_t i = 0; i < net->n_params; i++)
            net->grads[i] *= s;
    }
}

static bp_status check_opts(bp_net *net, const bp_real *x, const bp_real *t,
                            int n, const bp_train_opts *o)
{
    if (!x || !t || !o)
        return bp__fail(net, BP_ERR_NULL, "%s is NULL",
                        !x ? "x" : !t ? "t" : "opts");
    if (n < 1)
        return bp__fail(net, BP_ERR_SIZE, "no training data (n = %d)", n);
    if (o->epochs < 0 || o->start_epoch < 0 || o->start_batch < 0)
        return bp__fail(net, BP_ERR_SIZE, "epochs (%d), start_epoch (%d) and "
                        "start_batch (%d) must be >= 0", o->epochs,
                        o->start_epoch, o->start_batch);
    if (o->batch < 1)
        return bp__fail(net, BP_ERR_SIZE, "batch: %d is not >= 1", o->batch);
    if (o->order != BP_ORDER_STANDARD && o->order != BP_ORDER_SEEDS)
        return bp__fail(net, BP_ERR_ARG, "unknown order %d", (int)o->order);
    if (o->n_val < 0 || (o->n_val > 0 && (!o->val_x || !o->val_t)))
        return bp__fail(net, BP_ERR_ARG, "validation data: n_val %d without "
                        "val_x and val_t", o->n_val);
    if (o->patience < 0 || !(o->clip >= 0))
        return bp__fail(net, BP_ERR_ARG, "patience and clip must be >= 0");
    if (o->patience > 0 && o->n_val == 0)
        return bp__fail(net, BP_ERR_ARG,
                        "patience needs validation data to watch");
    if (o->n_shards < 0 || o->shard < 0 ||
        (o->n_shards > 0 && o->shard >= o->n_shards))
        return bp__fail(net, BP_ERR_ARG, "shard %d of %d", o->shard,
                        o->n_shards);
    if (o->n_shards > 1 && o->order == BP_ORDER_SEEDS)
        return bp__fail(net, BP_ERR_ARG, "the seeds' order updates inside "
                        "the backward phase: it cannot be data-parallel");
    return BP_OK;
}

typedef struct {
    int *idx;           /* [n] sample order */
    bp_real *bx, *bt;   /* [batch][n_in], [batch][n_out] */
    bp_real *best;      /* [n_params] best weights, with patience */
} buffers;

static void free_buffers(bp_net *net, buffers *b)
{
    bp__free(&net->alloc, b->idx);
    bp__free(&net->alloc, b->bx);
    bp__free(&net->alloc, b->bt);
    bp__free(&net->alloc, b->best);
}

static bp_status alloc_buffers(bp_net *net, int n, int batch, int patience,
                               buffers *b)
{
    const size_t m = (size_t)bp_net_n_out(net), np = net->n_params;
    memset(b, 0, sizeof *b);
    b->idx = bp__alloc(&net->alloc, (2 * (size_t)n + 1) * sizeof *b->idx);
    b->bx = bp__alloc(&net->alloc, (size_t)batch * net->n_in * sizeof(bp_real));
    b->bt = bp__alloc(&net->alloc, (size_t)batch * m * sizeof(bp_real));
    if (patience > 0)
        b->best = bp__alloc(&net->alloc, np * sizeof(bp_real));
    if (!b->idx || !b->bx || !b->bt || (patience > 0 && !b->best)) {
        free_buffers(net, b);
        return bp__fail(net, BP_ERR_NOMEM, "out of memory for training "
                        "buffers (%d samples)", n);
    }
    return BP_OK;
}

/* One epoch's order depends on (seed, epoch) only. */
/* With a window, the epoch visits blocks of `window` consecutive samples
 * in a shuffled order and shuffles within each block: data read from a
 * file (a memory-mapped .bpd) is then read block by block instead of a
 * page at a time all over it. */
static void epoch_order(int *idx, int n, uint64_t seed, int epoch,
                        int shuffle, int window)
{
    for (int i = 0; i < n; i++)
        idx[i] = i;
    if (!shuffle)
        return;
    bp_rng rng;
    bp_rng_seed(&rng, seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)epoch));
    if (window <= 0 || window >= n) {
        bp_rng_shuffle(&rng, idx, n);
        return;
    }
    const int blocks = (n + window - 1) / window;
    /* shuffle the blocks' order with Fisher-Yates on block numbers, then
     * lay the blocks out in that order, each shuffled inside */
    int *order = idx + n; /* scratch: the buffer holds 2n + 1 ints */
    for (int b = 0; b < blocks; b++)
        order[b] = b;
    bp_rng_shuffle(&rng, order, blocks);
    int at = 0;
    for (int b = 0; b < blocks; b++) {
        const int lo = order[b] * window;
        const int hi = lo + window < n ? lo + window : n;
        for (int i = lo; i < hi; i++)
            idx[at + i - lo] = i;
        bp_rng_shuffle(&rng, idx + at, hi - lo);
        at += hi - lo;
    }
}

/* Rows idx[0..k) of x and t into a batch; the rows are split over the
 * network's threads (a batch of Fashion-MNIST is 400 KB of random rows:
 * one core alone does not reach the memory's bandwidth). */
typedef struct {
    bp_real *bx, *bt;
    const bp_real *x, *t;
    const int *idx;
    int k, n_in, m;
} gather_job;

static void gather_part(void *arg, size_t lo, size_t hi, int tid)
{
    const gather_job *g = arg;
    (void)tid;
    for (size_t i = lo; i < hi; i++) {
        const size_t s = (size_t)g->idx[i];
        memcpy(g->bx + (size_t)i * g->n_in, g->x + s * g->n_in,
               (size_t)g->n_in * sizeof(bp_real));
        memcpy(g->bt + (size_t)i * g->m, g->t + s * g->m,
               (size_t)g->m * sizeof(bp_real));
    }
}

bp_status bp_train(bp_net *net, const bp_real *x, const bp_real *t, int n,
                   const bp_train_opts *opts, bp_train_result *result)
{
    if (!net)
        return BP_ERR_NULL;
    bp_status st = check_opts(net, x, t, n, opts);
    if (st)
        return st;
    bp_train_opts o = *opts;
    if (o.n_shards < 1) {
        o.n_shards = 1;
        o.shard = 0;
    }
    const int batch = o.batch < n ? o.batch : n;
    const int n_in = net->n_in, m = bp_net_n_out(net);
    const size_t np = net->n_params;
    if (!bp__finite_par(&net->kc, x, (size_t)n * n_in) ||
        !bp__finite_par(&net->kc, t, (size_t)n * m))
        return bp__fail(net, BP_ERR_NONFINITE,
                        "training data holds NaN or Inf");
    if (net->max_batch < batch && (st = bp_net_reserve(net, batch)))
        return st;
    buffers b;
    if ((st = alloc_buffers(net, n, batch, o.patience, &b)))
        return st;

    bp_train_result r;
    memset(&r, 0, sizeof r);
    r.best_epoch = o.best_epoch;
    r.best_val_loss = o.best_epoch > 0 ? o.best_val_loss : INFINITY;
    r.epochs_run = o.start_epoch;
    if (b.best)
        memcpy(b.best, net->params, np * sizeof(bp_real));
    const int n_batches = (n + batch - 1) / batch;

    if (o.start_batch >= n_batches) {
        bp__fail(net, BP_ERR_SIZE, "start_batch %d: an epoch has %d batches",
                 o.start_batch, n_batches);
        st = BP_ERR_SIZE;
        goto out;
    }
    for (int epoch = o.start_epoch + 1; epoch <= o.epochs; epoch++) {
        double t0 = now_seconds(), loss_sum = 0;
        long right = 0;
        int first = 0;
        if (epoch == o.start_epoch + 1 && o.start_batch > 0) {
            first = o.start_batch; /* resuming mid-epoch */
            loss_sum = o.start_loss_sum;
            right = o.start_correct;
        }
        epoch_order(b.idx, n, o.seed, epoch, o.shuffle, o.shuffle_window);
        for (int bi = first; bi < n_batches; bi++) {
            const int start = bi * batch;
            const int k = n - start < batch ? n - start : batch;
            /* this process's slice of the global batch (all of it when
             * not sharded) */
            const int lo = (int)((long)k * o.shard / o.n_shards);
            const int kl = (int)((long)k * (o.shard + 1) / o.n_shards) - lo;
            /* the standard order's inputs go straight into the network's
             * input block: x was checked once, at the start, so the
             * forward phase need neither check nor copy them again */
            gather_job gj = {o.order == BP_ORDER_SEEDS ? b.bx : net->x, b.bt,
                             x, t, b.idx + start + lo, kl, n_in, m};
            bp__parallel(&net->kc, (size_t)kl,
                         ((size_t)1 << 14) / (size_t)n_in + 1, gather_part, &gj);
            double e = 0, stats[3] = {0, 0, 0};
            if (o.order == BP_ORDER_SEEDS) {
                st = bp_net_train_step(net, b.bx, b.bt, k, o.order, &e);
                stats[0] = net->reduction == BP_REDUCE_MEAN ? e * k : e;
                if (!st && is_classifier(net))
                    stats[1] = count_correct(net, b.bt, k);
            } else {
                if (kl > 0) {
                    bp__forward_x(net, kl);
                    st = bp_net_backward(net, b.bt, &e);
                    stats[0] = net->reduction == BP_REDUCE_MEAN ? e * kl : e;
                    if (!st && is_classifier(net))
                        stats[1] = count_correct(net, b.bt, kl);
                    /* a mean over this slice, weighted by its share of
                     * the global batch, sums to the mean over all of it */
                    if (!st && kl < k && net->reduction == BP_REDUCE_MEAN) {
                        const bp_real w = (bp_real)kl / (bp_real)k;
                        for (size_t i = 0; i < np; i++)
                            net->grads[i] *= w;
                    }
                } else { /* fewer samples than shards: nothing here */
                    memset(net->grads, 0, np * sizeof(bp_real));
                    net->have_delta = 1;
                }
                stats[2] = kl;
                if (!st && o.on_grads &&
                    o.on_grads(o.ctx, net->grads, np, stats)) {
                    st = bp__fail(net, BP_ERR_STATE, "epoch %d, batch %d: "
                                  "the gradient exchange failed", epoch,
                                  bi + 1);
                    goto out;
                }
                /* a NaN loss or gradient stops before the update, so
                 * the weights stay those of before the batch */
                if (!st && !isfinite(stats[0]))
                    st = BP_ERR_NONFINITE;
                if (!st && o.clip > 0)
                    clip_grads(net, o.clip);
                if (!st)
                    st = bp_net_update(net);
            }
            /* the update checked each weight it wrote */
            if (!st && (!isfinite(stats[0]) || net->update_nonfinite))
                st = BP_ERR_NONFINITE;
            if (st == BP_ERR_NONFINITE) {
                r.fault_epoch = epoch;
                r.fault_batch = bi + 1;
                bp__fail(net, st,
                         "epoch %d, batch %d: the loss, a gradient or a "
                         "weight became NaN or Inf; training stopped (try a "
                         "smaller learning rate, or gradient clipping)",
                         epoch, bi + 1);
            }
            if (st)
                goto out;
            right += (long)stats[1];
            loss_sum += stats[0]; /* per sample, whatever the reduction */
            if (o.on_batch) {
                bp_batch_report br = {epoch, bi + 1, n_batches,
                                      (long)start + k, loss_sum, right};
                if (o.on_batch(o.ctx, &br) && bi + 1 < n_batches) {
                    r.stopped_by_callback = 1;
                    r.stopped_batch = bi + 1;
                    goto stopped;
                }
            }
        }
        bp_epoch_report rep;
        memset(&rep, 0, sizeof rep);
        rep.epoch = epoch;
        rep.epochs = o.epochs;
        rep.train_loss = loss_sum / n;
        rep.train_acc = is_classifier(net) ? (double)right / n : NAN;
        rep.val_loss = rep.val_acc = NAN;
        if (o.n_val > 0) {
            if ((st = bp_net_evaluate(net, o.val_x, o.val_t, o.n_val,
                                      &rep.val_loss, &rep.val_acc)))
                goto out;
            if (rep.val_loss < r.best_val_loss) {
                r.best_val_loss = rep.val_loss;
                r.best_epoch = epoch;
                rep.improved = 1;
                if (b.best)
                    memcpy(b.best, net->params, np * sizeof(bp_real));
            }
        }
        rep.best_epoch = r.best_epoch;
        rep.best_val_loss = r.best_val_loss;
        rep.seconds = now_seconds() - t0;
        r.epochs_run = epoch;
        r.last_train_loss = rep.train_loss;
        if (o.on_epoch && o.on_epoch(o.ctx, &rep)) {
            r.stopped_by_callback = 1;
            break;
        }
        if (o.patience > 0 && epoch - r.best_epoch >= o.patience) {
            r.stopped_early = 1;
            break;
        }
    }
stopped:
    /* with patience the best weights are the result, stopped or not */
    if (b.best && r.best_epoch > o.start_epoch && !r.stopped_batch)
        memcpy(net->params, b.best, np * sizeof(bp_real));
    st = BP_OK;
    bp__ok(net);
out:
    free_buffers(net, &b);
    if (result)
        *result = r;
    return st;
}
