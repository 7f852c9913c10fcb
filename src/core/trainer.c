/*
 * trainer.c - the step-level trainer: epochs of shuffled mini-batches,
 * validation, early stopping, gradient clipping, the stop at the first
 * NaN or Inf, and data-parallel shards, one batch per call.
 *
 * A trainer owns its sample order (2n + 1 ints) and, with patience, a copy
 * of the best weights, both allocated by bp_trainer_create through the
 * network's allocator; a step gathers its batch straight into the
 * network's input and target blocks (net->x, net->t) and runs the one
 * step path of phases.c, so steps allocate nothing.
 */
#include "core/internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct bp_trainer {
    bp_net *net;
    bp_data train, val;   /* views; val.n == 0 without validation */
    bp_train_opts o;      /* n_shards >= 1 */
    int batch, n_batches; /* the batch size clamped to the data */
    int *idx;             /* [2n + 1]: the epoch's sample order, and room
                             to shuffle blocks of it */
    int order_of;         /* the epoch idx holds the order of (0: none) */
    bp_real *best;        /* [n_params] with patience, else NULL */
    int have_best;        /* best holds a best epoch's weights */
    bp_train_state s;     /* the position (and the recipe, from o) */
    int stopped_early;    /* patience ran out */
    double t0;            /* when the current epoch started */
    int fault_epoch, fault_batch; /* where a NaN or Inf appeared */
    char err[256];
};

static double now_seconds(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Set the trainer's message and return the status. */
static bp_status tr_fail(bp_trainer *tr, bp_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static bp_status tr_fail(bp_trainer *tr, bp_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tr->err, sizeof tr->err, fmt, ap);
    va_end(ap);
    return st;
}

/* The network's message of a failed call, as the trainer's. */
static bp_status tr_net_fail(bp_trainer *tr, bp_status st)
{
    snprintf(tr->err, sizeof tr->err, "%s", bp_net_errmsg(tr->net));
    return st;
}

static bp_status tr_ok(bp_trainer *tr)
{
    tr->err[0] = '\0';
    return BP_OK;
}

bp_train_opts bp_train_defaults(void)
{
    bp_train_opts o;
    memset(&o, 0, sizeof o);
    o.epochs = 10;
    o.batch = 32;
    o.order = BP_ORDER_STANDARD;
    o.seed = 1;
    o.shuffle = 1;
    return o;
}

/* ------------------------------------------------------------- creating */

static bp_status check_opts(const bp_train_opts *o, bp_error *err)
{
    if (o->epochs < 0)
        return bp__fail_err(err, BP_ERR_SIZE, "epochs: %d is not >= 0",
                            o->epochs);
    if (o->batch < 1)
        return bp__fail_err(err, BP_ERR_SIZE, "batch: %d is not >= 1",
                            o->batch);
    if (o->order != BP_ORDER_STANDARD && o->order != BP_ORDER_LAYERWISE)
        return bp__fail_err(err, BP_ERR_ARG, "unknown order %d", (int)o->order);
    if (o->shuffle_window < 0)
        return bp__fail_err(err, BP_ERR_ARG,
                            "shuffle_window: %d is "
                            "negative",
                            o->shuffle_window);
    if (o->patience < 0 || !(o->clip >= 0 && o->clip <= 1e30) ||
        !(o->min_delta >= 0 && o->min_delta <= 1e30))
        return bp__fail_err(err, BP_ERR_ARG,
                            "patience, min_delta and clip "
                            "must be >= 0");
    if (o->n_shards < 0 || o->shard < 0 ||
        (o->n_shards > 0 && o->shard >= o->n_shards))
        return bp__fail_err(err, BP_ERR_ARG, "shard %d of %d", o->shard,
                            o->n_shards);
    if (o->order == BP_ORDER_LAYERWISE && (o->n_shards > 1 || o->clip > 0))
        return bp__fail_err(err, BP_ERR_ARG,
                            "the layer-wise order updates "
                            "each layer inside the backward phase: it can "
                            "be neither data-parallel nor clipped");
    return BP_OK;
}

/* A data set's shape against the network's, and its labels' range. */
static bp_status check_data(const bp_net *net, const bp_data *d,
                            const char *what, bp_error *err)
{
    const int n_out = net->layers[net->n_layers - 1].n_out;
    if (d->n < 0 || d->n > 0x7fffffff)
        return bp__fail_err(err, BP_ERR_SIZE,
                            "%s: %lld samples (at most "
                            "2^31 - 1)",
                            what, (long long)d->n);
    if (d->n_in != net->n_in || d->n_out != n_out)
        return bp__fail_err(err, BP_ERR_SIZE,
                            "%s: %d inputs and %d outputs; "
                            "the network has %d and %d",
                            what, d->n_in, d->n_out, net->n_in, n_out);
    if (d->n > 0 && (!d->x || (!d->t == !d->label)))
        return bp__fail_err(err, BP_ERR_NULL,
                            "%s: needs x and exactly one "
                            "of t and label",
                            what);
    for (int64_t i = 0; d->label && i < d->n; i++)
        if (d->label[i] < 0 || d->label[i] >= n_out)
            return bp__fail_err(err, BP_ERR_ARG,
                                "%s: sample %lld has class "
                                "%d; the network has %d outputs",
                                what, (long long)i + 1, (int)d->label[i],
                                n_out);
    return BP_OK;
}

static bp_status check_input(bp_net *net, const bp_data *train,
                             const bp_train_opts *o, bp_error *err)
{
    if (!train || !o)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL",
                            train ? "opts" : "the training data");
    bp_status st = check_opts(o, err);
    if (!st)
        st = check_data(net, train, "training data", err);
    if (!st && train->n < 1)
        st = bp__fail_err(err, BP_ERR_SIZE, "no training data (n = 0)");
    if (!st && o->val)
        st = check_data(net, o->val, "validation data", err);
    if (st)
        return st;
    const size_t n = (size_t)train->n;
    if (!bp__finite_par(&net->kc, train->x, n * (size_t)train->n_in) ||
        (train->t &&
         !bp__finite_par(&net->kc, train->t, n * (size_t)train->n_out)))
        return bp__fail_err(err, BP_ERR_NONFINITE,
                            "training data holds NaN or Inf");
    return BP_OK;
}

bp_status bp_trainer_create(bp_net *net, const bp_data *train,
                            const bp_train_opts *opts, bp_trainer **out,
                            bp_error *err)
{
    if (!out || !net)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL",
                            out ? "net" : "out");
    *out = NULL;
    bp_status st = check_input(net, train, opts, err);
    if (st)
        return st;
    const int n = (int)train->n;
    const int batch = opts->batch < n ? opts->batch : n;
    if ((net->max_batch < batch && (st = bp_net_reserve(net, batch))) ||
        (st = bp__net_train_arrays(net)))
        return bp__fail_err(err, st, "%s", bp_net_errmsg(net));
    bp_trainer *tr = bp__alloc(&net->alloc, sizeof *tr);
    if (!tr)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    memset(tr, 0, sizeof *tr);
    tr->idx = bp__alloc(&net->alloc, (2 * (size_t)n + 1) * sizeof *tr->idx);
    if (opts->patience > 0)
        tr->best = bp__alloc(&net->alloc, net->n_params * sizeof(bp_real));
    if (!tr->idx || (opts->patience > 0 && !tr->best)) {
        tr->net = net;
        bp_trainer_free(tr);
        return bp__fail_err(err, BP_ERR_NOMEM,
                            "out of memory for training "
                            "buffers (%d samples)",
                            n);
    }
    tr->net = net;
    tr->train = *train;
    if (opts->val)
        tr->val = *opts->val;
    tr->o = *opts;
    tr->o.val = NULL; /* tr->val is the copy */
    if (tr->o.n_shards < 1) {
        tr->o.n_shards = 1;
        tr->o.shard = 0;
    }
    tr->batch = batch;
    tr->n_batches = (n + batch - 1) / batch;
    tr->s.best_val_loss = INFINITY;
    if (err) {
        err->status = BP_OK;
        err->msg[0] = '\0';
    }
    *out = tr;
    return BP_OK;
}

void bp_trainer_free(bp_trainer *tr)
{
    if (!tr)
        return;
    const bp_allocator a = tr->net->alloc;
    bp__free(&a, tr->idx);
    bp__free(&a, tr->best);
    bp__free(&a, tr);
}

const char *bp_trainer_errmsg(const bp_trainer *tr)
{
    return tr ? tr->err : "trainer is NULL";
}

int bp_trainer_finished(const bp_trainer *tr)
{
    return !tr || tr->stopped_early || tr->s.epoch >= tr->o.epochs;
}

void bp_trainer_use_best(bp_trainer *tr)
{
    if (tr && tr->have_best)
        memcpy(tr->net->params, tr->best, tr->net->n_params * sizeof(bp_real));
}

/* ---------------------------------------------------------------- order */

/* One epoch's order depends on (seed, epoch) only. With a window, the
 * epoch visits blocks of `window` consecutive samples in a shuffled order
 * and shuffles within each block: data read from a file (a memory-mapped
 * .bpd) is then read block by block instead of a page at a time all over
 * it. */
static void epoch_order(int *idx, int n, uint64_t seed, int epoch, int shuffle,
                        int window)
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

/* ------------------------------------------------------------- gathering */

/* Rows idx[0..k) of a data set into the network's input and target
 * blocks, class labels as one-hot rows; in ranges of rows over the
 * network's threads (a batch of Fashion-MNIST is 400 KB of random rows:
 * one core alone does not reach the memory's bandwidth). */
typedef struct {
    bp_net *net;
    const bp_data *d;
    const int *idx;
} gather_job;

static void gather_part(void *arg, size_t lo, size_t hi, int tid)
{
    const gather_job *g = arg;
    const bp_data *d = g->d;
    const int n_in = d->n_in, m = d->n_out;
    (void)tid;
    for (size_t i = lo; i < hi; i++) {
        const size_t s = (size_t)g->idx[i];
        bp_real *ti = g->net->t + (size_t)i * m;
        memcpy(g->net->x + (size_t)i * n_in, d->x + s * n_in,
               (size_t)n_in * sizeof(bp_real));
        if (d->t) {
            memcpy(ti, d->t + s * m, (size_t)m * sizeof(bp_real));
        } else {
            memset(ti, 0, (size_t)m * sizeof(bp_real));
            ti[d->label[s]] = 1;
        }
    }
}

static void gather(bp_net *net, const bp_data *d, const int *idx, int k)
{
    gather_job g = {net, d, idx};
    bp__parallel(&net->kc, (size_t)k, ((size_t)1 << 14) / (size_t)d->n_in + 1,
                 gather_part, &g);
}

/* ------------------------------------------------------------- stepping */

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

/* The standard order's work between the backward phase and the update:
 * the exchange across processes, the NaN check of the loss, clipping. */
static bp_status before_update(bp_trainer *tr, double stats[3])
{
    bp_net *net = tr->net;
    if (tr->o.on_grads &&
        tr->o.on_grads(tr->o.ctx, net->grads, net->n_params, stats))
        return tr_fail(tr, BP_ERR_STATE,
                       "epoch %d, batch %d: the gradient "
                       "exchange failed",
                       tr->s.epoch + 1, tr->s.batch_done + 1);
    /* a NaN loss or gradient stops before the update, so the weights
     * stay those of before the batch */
    if (!isfinite(stats[0]))
        return BP_ERR_NONFINITE;
    if (tr->o.clip > 0)
        clip_grads(net, tr->o.clip);
    return BP_OK;
}

/* Forward and backward phase of this process's kl samples of a global
 * batch of k (all of it unless sharded); stats as bp_grads_fn's. */
static bp_status grads_of(bp_trainer *tr, int k, int kl, double stats[3])
{
    bp_net *net = tr->net;
    double e = 0;
    stats[2] = kl;
    if (kl == 0) { /* fewer samples than shards: nothing here */
        memset(net->grads, 0, net->n_params * sizeof(bp_real));
        net->have_delta = 1;
        return BP_OK;
    }
    bp__step_forward(net, kl);
    bp_status st = bp__step_backward(net, net->t, tr->o.order, &e);
    if (st)
        return tr_net_fail(tr, st);
    stats[0] = net->reduction == BP_REDUCE_MEAN ? e * kl : e;
    if (bp__is_classifier(net))
        stats[1] = bp__count_correct(net, net->t, kl);
    /* a mean over this slice, weighted by its share of the global batch,
     * sums to the mean over all of it */
    if (kl < k && net->reduction == BP_REDUCE_MEAN) {
        const bp_real w = (bp_real)kl / (bp_real)k;
        for (size_t i = 0; i < net->n_params; i++)
            net->grads[i] *= w;
    }
    return BP_OK;
}

/* Batch bi of the current epoch: gather, step, and add up. */
static bp_status run_batch(bp_trainer *tr, double stats[3], int *k_out)
{
    bp_net *net = tr->net;
    const int n = (int)tr->train.n, bi = tr->s.batch_done;
    const int start = bi * tr->batch;
    const int k = n - start < tr->batch ? n - start : tr->batch;
    /* this process's slice of the global batch */
    const int shard = tr->o.shard, shards = tr->o.n_shards;
    const int lo = (int)((long)k * shard / shards);
    const int kl = (int)((long)k * (shard + 1) / shards) - lo;
    gather(net, &tr->train, tr->idx + start + lo, kl);
    *k_out = k;
    bp_status st = grads_of(tr, k, kl, stats);
    if (!st && tr->o.order == BP_ORDER_STANDARD &&
        !(st = before_update(tr, stats)) &&
        /* clipping and a shard's weight only scale by at most 1: the
         * gradients' check as they were stored stands, unless they were
         * exchanged with other processes */
        (st = bp__step_update(net, !tr->o.on_grads)))
        tr_net_fail(tr, st);
    /* the update checked each weight it wrote */
    if (!st && (!isfinite(stats[0]) || net->update_nonfinite))
        st = BP_ERR_NONFINITE;
    if (st == BP_ERR_NONFINITE) {
        tr->fault_epoch = tr->s.epoch + 1;
        tr->fault_batch = bi + 1;
        tr_fail(tr, st,
                "epoch %d, batch %d: the loss, a gradient or a "
                "weight became NaN or Inf; training stopped (try a smaller "
                "learning rate, or gradient clipping)",
                tr->fault_epoch, tr->fault_batch);
    }
    return st;
}

/* The end of an epoch: validation, the best so far, patience. The loss
 * watched for the best is the validation loss; without validation data,
 * and only with patience, the epoch's training loss (as scikit-learn's
 * MLP stops by default), so that patience still ends a run that has
 * stopped improving. */
static bp_status close_epoch(bp_trainer *tr, bp_epoch_report *rep)
{
    bp_net *net = tr->net;
    const int epoch = tr->s.epoch + 1;
    memset(rep, 0, sizeof *rep);
    rep->epoch = epoch;
    rep->epochs = tr->o.epochs;
    rep->train_loss = tr->s.loss_sum / (double)tr->train.n;
    rep->train_acc = bp__is_classifier(net)
        ? (double)tr->s.correct / (double)tr->train.n
        : NAN;
    rep->val_loss = rep->val_acc = NAN;
    rep->penalty = bp_net_penalty(net);
    if (tr->val.n > 0) {
        bp_status st =
            bp_net_evaluate(net, &tr->val, &rep->val_loss, &rep->val_acc);
        if (st)
            return tr_net_fail(tr, st);
    }
    const double watched = tr->val.n > 0 ? rep->val_loss
        : tr->o.patience > 0             ? rep->train_loss
                                         : NAN;
    if (watched < tr->s.best_val_loss - tr->o.min_delta) { /* NaN: never */
        tr->s.best_val_loss = watched;
        tr->s.best_epoch = epoch;
        rep->improved = 1;
        if (tr->best) {
            memcpy(tr->best, net->params, net->n_params * sizeof(bp_real));
            tr->have_best = 1;
        }
    }
    rep->best_epoch = tr->s.best_epoch;
    rep->best_val_loss = tr->s.best_val_loss;
    rep->seconds = now_seconds() - tr->t0;
    tr->s.epoch = epoch;
    tr->s.batch_done = 0;
    tr->s.loss_sum = 0;
    tr->s.correct = 0;
    if (tr->o.patience > 0 && epoch - tr->s.best_epoch >= tr->o.patience)
        tr->stopped_early = 1;
    return BP_OK;
}

bp_status bp_trainer_step(bp_trainer *tr, bp_batch_report *batch,
                          bp_epoch_report *epoch)
{
    if (!tr)
        return BP_ERR_NULL;
    if (bp_trainer_finished(tr))
        return tr_fail(tr, BP_ERR_STATE,
                       "training is finished (epoch %d of "
                       "%d%s)",
                       tr->s.epoch, tr->o.epochs,
                       tr->stopped_early ? ", stopped early" : "");
    const int next = tr->s.epoch + 1;
    if (tr->order_of != next) {
        epoch_order(tr->idx, (int)tr->train.n, tr->o.seed, next, tr->o.shuffle,
                    tr->o.shuffle_window);
        tr->order_of = next;
    }
    if (tr->s.batch_done == 0 || tr->t0 == 0)
        tr->t0 = now_seconds();
    double stats[3] = {0, 0, 0};
    int k = 0;
    bp_status st = run_batch(tr, stats, &k);
    if (st)
        return st;
    tr->s.batch_done++;
    tr->s.correct += (int64_t)stats[1];
    tr->s.loss_sum += stats[0]; /* per sample, whatever the reduction */
    if (batch) {
        batch->epoch = next;
        batch->done = tr->s.batch_done;
        batch->total = tr->n_batches;
        batch->samples = (int64_t)(tr->s.batch_done - 1) * tr->batch + k;
        batch->loss_sum = tr->s.loss_sum;
        batch->correct = tr->s.correct;
        batch->loss = stats[0] / k;
    }
    if (tr->s.batch_done < tr->n_batches)
        return tr_ok(tr);
    bp_epoch_report rep;
    if ((st = close_epoch(tr, &rep)))
        return st;
    tr->t0 = 0;
    if (epoch)
        *epoch = rep;
    if (bp_trainer_finished(tr))
        bp_trainer_use_best(tr);
    return tr_ok(tr);
}

bp_status bp_trainer_epoch(bp_trainer *tr, bp_epoch_report *report)
{
    if (!tr)
        return BP_ERR_NULL;
    bp_batch_report b;
    bp_epoch_report rep;
    do {
        bp_status st = bp_trainer_step(tr, &b, &rep);
        if (st)
            return st;
    } while (b.done < b.total);
    if (report)
        *report = rep;
    return BP_OK;
}

bp_status bp_trainer_run(bp_trainer *tr, bp_train_result *result)
{
    if (!tr)
        return BP_ERR_NULL;
    bp_train_result r;
    memset(&r, 0, sizeof r);
    bp_status st = BP_OK;
    while (!bp_trainer_finished(tr)) {
        bp_batch_report b;
        bp_epoch_report e;
        if ((st = bp_trainer_step(tr, &b, &e)))
            break;
        if (b.done < b.total) {
            if (tr->o.on_batch && tr->o.on_batch(tr->o.ctx, &b)) {
                r.stopped_by_callback = 1;
                r.stopped_batch = b.done;
                break;
            }
            continue;
        }
        if (tr->o.on_batch)
            tr->o.on_batch(tr->o.ctx, &b);
        r.last_train_loss = e.train_loss;
        if (tr->o.on_epoch && tr->o.on_epoch(tr->o.ctx, &e)) {
            r.stopped_by_callback = 1;
            bp_trainer_use_best(tr);
            break;
        }
    }
    r.epochs_run = tr->s.epoch;
    r.best_epoch = tr->s.best_epoch;
    r.best_val_loss = tr->s.best_val_loss;
    r.stopped_early = tr->stopped_early;
    r.fault_epoch = tr->fault_epoch;
    r.fault_batch = tr->fault_batch;
    if (result)
        *result = r;
    return st ? st : tr_ok(tr);
}

bp_status bp_trainer_evaluate(bp_trainer *tr, const bp_data *d, double *loss,
                              double *acc)
{
    if (!tr)
        return BP_ERR_NULL;
    if (!d && tr->val.n == 0)
        return tr_fail(tr, BP_ERR_STATE, "no validation data to evaluate");
    bp_status st = bp_net_evaluate(tr->net, d ? d : &tr->val, loss, acc);
    return st ? tr_net_fail(tr, st) : tr_ok(tr);
}

/* ---------------------------------------------------------------- state */

bp_train_state bp_trainer_state(const bp_trainer *tr)
{
    bp_train_state s;
    memset(&s, 0, sizeof s);
    if (!tr)
        return s;
    s = tr->s;
    s.epochs = tr->o.epochs;
    s.batch = tr->o.batch;
    s.order = tr->o.order;
    s.seed = tr->o.seed;
    s.shuffle = tr->o.shuffle;
    s.shuffle_window = tr->o.shuffle_window;
    s.patience = tr->o.patience;
    s.min_delta = tr->o.min_delta;
    s.clip = tr->o.clip;
    return s;
}

const bp_real *bp_trainer_best_params(const bp_trainer *tr)
{
    return tr && tr->have_best ? tr->best : NULL;
}

bp_status bp_trainer_set_state(bp_trainer *tr, const bp_train_state *state,
                               const bp_real *best_params)
{
    if (!tr)
        return BP_ERR_NULL;
    if (!state)
        return tr_fail(tr, BP_ERR_NULL, "state is NULL");
    const bp_train_state *s = state;
    if (s->epoch < 0 || s->batch_done < 0 || s->best_epoch < 0 ||
        s->best_epoch > s->epoch || isnan(s->best_val_loss) ||
        !(s->loss_sum >= 0) || s->correct < 0)
        return tr_fail(tr, BP_ERR_ARG,
                       "training state: impossible position "
                       "(epoch %d, batch %d, best epoch %d)",
                       s->epoch, s->batch_done, s->best_epoch);
    if (s->batch_done >= tr->n_batches)
        return tr_fail(tr, BP_ERR_SIZE,
                       "training state: %d batches done of "
                       "an epoch that has %d",
                       s->batch_done, tr->n_batches);
    tr->s.epoch = s->epoch;
    tr->s.batch_done = s->batch_done;
    tr->s.loss_sum = s->loss_sum;
    tr->s.correct = s->correct;
    tr->s.best_epoch = s->best_epoch;
    tr->s.best_val_loss = s->best_epoch > 0 ? s->best_val_loss : INFINITY;
    tr->have_best = 0;
    if (tr->best && best_params && s->best_epoch > 0) {
        memcpy(tr->best, best_params, tr->net->n_params * sizeof(bp_real));
        tr->have_best = 1;
    }
    tr->stopped_early = tr->o.patience > 0 && s->best_epoch > 0 &&
        s->epoch - s->best_epoch >= tr->o.patience && s->batch_done == 0;
    tr->t0 = 0;
    return tr_ok(tr);
}
