/*
 * train_loop.c - `backprop train`'s loop over a bp_trainer: the library
 * steps, the command shows and writes. Rank 0 alone writes files.
 */
#include "train_loop.h"

#include "mpi.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted++;
    if (interrupted > 1) /* a second Ctrl-C: stop now */
        signal(SIGINT, SIG_DFL);
}

/* A rank that cannot go on must not leave the others waiting. */
static int failed(train_loop *L)
{
    L->failed = 1;
    if (L->size > 1)
        par_abort(1);
    return -1;
}

/* A checkpoint of where the trainer is. */
static int save_checkpoint(train_loop *L)
{
    bp_error err;
    if (L->rank != 0)
        return 0; /* rank 0 writes for everyone */
    if (bp_model_checkpoint(L->model, L->tr, &err) ||
        bp_model_save(L->model, L->checkpoint, BP_FORMAT_BINARY, 1, &err)) {
        fprintf(stderr, "backprop train: checkpoint: %s\n", err.msg);
        return failed(L);
    }
    return 0;
}

int train_loop_grads(void *ctx, bp_real *grads, size_t n, double stats[3])
{
    train_loop *L = ctx;
    bp_net *net = L->model->net;
    if (L->debug_sync && L->steps % L->debug_sync == 0 &&
        !par_same_everywhere(bp_net_params(net), bp_net_n_params(net))) {
        fprintf(stderr,
                "backprop train: rank %d: the ranks' weights differ "
                "at step %ld\n",
                L->rank, L->steps);
        return 1;
    }
    L->steps++;
    return par_allreduce(ctx, grads, n, stats);
}

static void json_num(FILE *f, const char *key, double v)
{
    if (isfinite(v))
        fprintf(f, ",\"%s\":%.9g", key, v);
    else
        fprintf(f, ",\"%s\":null", key);
}

/* After a step, each layer's gradient norm (the library's, of the
 * gradients the step applied: after MPI's allreduce, the global batch's)
 * added to the epoch's sums. */
static void add_norms(train_loop *L)
{
    double *g = L->norm_sum + L->n_layers;
    if (bp_net_layer_norms(L->model->net, NULL, g))
        return;
    for (int l = 0; l < L->n_layers; l++)
        L->norm_sum[l] += g[l];
    L->norm_batches++;
}

/* At an epoch's end: its mean gradient norms and the weights' norms into
 * out[2][n_layers]; the sums start again. */
static void epoch_norms(train_loop *L, double *out)
{
    for (int l = 0; l < L->n_layers; l++) {
        out[l] = L->norm_batches ? L->norm_sum[l] / L->norm_batches : NAN;
        L->norm_sum[l] = 0;
    }
    bp_net_layer_norms(L->model->net, out + L->n_layers, NULL);
    L->norm_batches = 0;
}

static void json_list(FILE *f, const char *key, const double *v, int n)
{
    fprintf(f, ",\"%s\":[", key);
    for (int i = 0; i < n; i++) {
        if (isfinite(v[i]))
            fprintf(f, "%s%.6g", i ? "," : "", v[i]);
        else
            fprintf(f, "%snull", i ? "," : "");
    }
    fprintf(f, "]");
}

/* One line of the log per epoch, flushed (a run may be killed). */
static int log_epoch(train_loop *L, const bp_epoch_report *r,
                     const double *norms)
{
    if (!L->log || L->rank != 0)
        return 0;
    fprintf(L->log, "{\"epoch\":%d", r->epoch);
    json_num(L->log, "train_loss", r->train_loss);
    json_num(L->log, "train_acc", r->train_acc);
    json_num(L->log, "val_loss", r->val_loss);
    json_num(L->log, "val_acc", r->val_acc);
    if (r->penalty > 0)
        json_num(L->log, "penalty", r->penalty);
    json_num(L->log, "seconds", r->seconds);
    json_num(L->log, "lr", bp_net_optim(L->model->net).lr);
    if (norms) {
        json_list(L->log, "grad_norm", norms, L->n_layers);
        json_list(L->log, "weight_norm", norms + L->n_layers, L->n_layers);
    }
    fprintf(L->log, "}\n");
    if (fflush(L->log) != 0) {
        fprintf(stderr, "backprop train: %s: cannot write the log\n",
                L->log_path);
        return failed(L);
    }
    return 0;
}

/* The epoch's figures, for the plot (a plot without them is still a
 * plot: a failed allocation only shortens it). */
static void keep(train_loop *L, const bp_epoch_report *r, const double *norms)
{
    const size_t per = 2 * (size_t)L->n_layers;
    if (L->n_history == L->cap_history) {
        int cap = L->cap_history ? 2 * L->cap_history : 64;
        bp_epoch_report *h = realloc(L->history, (size_t)cap * sizeof *h);
        double *nm =
            per ? realloc(L->norms, (size_t)cap * per * sizeof *nm) : NULL;
        if (nm)
            L->norms = nm;
        if (h && (nm || !per)) {
            L->history = h;
            L->cap_history = cap;
        } else if (h) {
            L->history = h;
        }
    }
    if (L->n_history < L->cap_history) {
        if (per)
            memcpy(L->norms + (size_t)L->n_history * per, norms,
                   per * sizeof *norms);
        L->history[L->n_history++] = *r;
    }
}

/* After a batch within an epoch: the bar, a checkpoint every
 * ckpt_batches, Ctrl-C. Non-zero: stop. */
static int after_batch(train_loop *L, const bp_batch_report *r)
{
    progress_batch(&L->prog, r->epoch, r->done, r->total,
                   r->loss_sum / (double)r->samples);
    if (r->done == r->total)
        return 0; /* the epoch's end decides */
    const int stop = interrupted != 0, every = L->ckpt_batches;
    if (L->checkpoint && ((every && r->done % every == 0) || stop)) {
        if (save_checkpoint(L))
            return 1;
        if (stop)
            fprintf(stderr,
                    "\nbackprop train: interrupted in epoch %d after "
                    "batch %d; checkpoint %s written\n",
                    r->epoch, r->done, L->checkpoint);
    }
    return stop;
}

/* After an epoch: its line, the plot's figures, the log, a checkpoint
 * every ckpt_every epochs, Ctrl-C. Non-zero: stop. */
static int after_epoch(train_loop *L, const bp_epoch_report *r)
{
    double *norms = NULL;
    if (L->n_layers) {
        norms = L->norm_sum + 2 * L->n_layers;
        epoch_norms(L, norms);
    }
    progress_epoch(&L->prog, stdout, r);
    keep(L, r, norms);
    if (log_epoch(L, r, norms))
        return 1;
    if (L->checkpoint && (r->epoch % L->ckpt_every == 0 || interrupted) &&
        save_checkpoint(L))
        return 1;
    if (interrupted) {
        fprintf(stderr, "backprop train: interrupted after epoch %d\n",
                r->epoch);
        return 1;
    }
    return 0;
}

bp_status train_loop_run(train_loop *L)
{
    bp_status st = BP_OK;
    interrupted = 0;
    void (*old)(int) = signal(SIGINT, on_sigint);
    while (!bp_trainer_finished(L->tr)) {
        bp_batch_report b;
        bp_epoch_report e;
        if ((st = bp_trainer_step(L->tr, &b, &e)))
            break;
        if (L->n_layers)
            add_norms(L);
        if (after_batch(L, &b))
            break;
        if (b.done == b.total && after_epoch(L, &e)) {
            /* stopped at an epoch's end: with patience, the best weights
             * are the model, as at a run's natural end */
            bp_trainer_use_best(L->tr);
            break;
        }
    }
    signal(SIGINT, old);
    L->interrupted = interrupted != 0;
    return st;
}

int train_loop_follow_norms(train_loop *L, int n_layers)
{
    if (!(L->norm_sum = calloc(4 * (size_t)n_layers, sizeof *L->norm_sum)))
        return -1;
    L->n_layers = n_layers;
    return 0;
}

void train_loop_free(train_loop *L)
{
    free(L->history);
    free(L->norms);
    free(L->norm_sum);
    L->norms = L->norm_sum = NULL;
    L->history = NULL;
    L->n_history = L->cap_history = 0;
}
