/*
 * train_loop.c - `backprop train`'s loop over a bp_trainer: the library
 * steps, the command shows and writes. Rank 0 alone writes files.
 */
#include "train_loop.h"

#include "mpi.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>

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
        fprintf(stderr, "backprop train: rank %d: the ranks' weights differ "
                "at step %ld\n", L->rank, L->steps);
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

/* One line of the log per epoch, flushed (a run may be killed). */
static int log_epoch(train_loop *L, const bp_epoch_report *r)
{
    if (!L->log || L->rank != 0)
        return 0;
    fprintf(L->log, "{\"epoch\":%d", r->epoch);
    json_num(L->log, "train_loss", r->train_loss);
    json_num(L->log, "train_acc", r->train_acc);
    json_num(L->log, "val_loss", r->val_loss);
    json_num(L->log, "val_acc", r->val_acc);
    json_num(L->log, "seconds", r->seconds);
    json_num(L->log, "lr", bp_net_get_optim(L->model->net).lr);
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
static void keep(train_loop *L, const bp_epoch_report *r)
{
    if (L->n_history == L->cap_history) {
        int cap = L->cap_history ? 2 * L->cap_history : 64;
        bp_epoch_report *h = realloc(L->history, (size_t)cap * sizeof *h);
        if (h) {
            L->history = h;
            L->cap_history = cap;
        }
    }
    if (L->n_history < L->cap_history)
        L->history[L->n_history++] = *r;
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
            fprintf(stderr, "\nbackprop train: interrupted in epoch %d after "
                    "batch %d; checkpoint %s written\n", r->epoch, r->done,
                    L->checkpoint);
    }
    return stop;
}

/* After an epoch: its line, the plot's figures, the log, a checkpoint
 * every ckpt_every epochs, Ctrl-C. Non-zero: stop. */
static int after_epoch(train_loop *L, const bp_epoch_report *r)
{
    progress_epoch(&L->prog, stdout, r);
    keep(L, r);
    if (log_epoch(L, r))
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

void train_loop_free(train_loop *L)
{
    free(L->history);
    L->history = NULL;
    L->n_history = L->cap_history = 0;
}
