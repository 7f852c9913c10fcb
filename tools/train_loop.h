/*
 * train_loop.h - `backprop train`'s loop over a bp_trainer: one step at a
 * time, with the progress bar, the epoch lines, the JSON-lines log,
 * checkpoints every N epochs or batches, Ctrl-C, and the epochs' figures
 * kept for the plot.
 */
#ifndef BP_TRAIN_LOOP_H
#define BP_TRAIN_LOOP_H

#include "backprop.h"
#include "progress.h"

#include <stdio.h>

typedef struct {
    /* set by the caller */
    bp_model *model; /* its network is the trainer's; checkpoints
                               are written from it */
    bp_trainer *tr;
    const char *checkpoint; /* NULL: none */
    int ckpt_every;         /* epochs between checkpoints (>= 1) */
    int ckpt_batches;       /* batches between mid-epoch ones (0: none) */
    FILE *log;              /* JSON lines, or NULL */
    const char *log_path;   /* for messages */
    int debug_sync;         /* MPI: compare the ranks' weights every N steps */
    int n_layers;           /* > 0: follow each layer's norms (--log,
                               --plot-grads); the network's layer count */
    int rank, size;         /* MPI; 0 and 1 without */
    progress prog;
    /* kept by the loop */
    bp_epoch_report *history; /* every epoch's figures, for the plot */
    int n_history, cap_history;
    double *norms;    /* with n_layers, beside each epoch of history:
                               each layer's gradient norm (the mean over the
                               epoch's batches), then its weights' norm at
                               the epoch's end: [n_history][2][n_layers] */
    double *norm_sum; /* [4][n_layers]: this epoch's sums, a step's
                               norms, the epoch's two rows of norms */
    int norm_batches;
    long steps;
    int failed;      /* a checkpoint or the log could not be written */
    int interrupted; /* Ctrl-C stopped the run */
} train_loop;

/* A bp_grads_fn for bp_train_opts.on_grads with ctx = the loop: sums
 * the gradients over the MPI ranks (and checks their weights agree every
 * debug_sync steps). */
int train_loop_grads(void *ctx, bp_real *grads, size_t n, double stats[3]);

/* Step the trainer until it is finished, Ctrl-C stops it (after writing a
 * checkpoint, if there is one), or a file cannot be written. BP_OK or the
 * trainer's status; L->failed and L->interrupted say why a run ended
 * early without an error of the trainer. */
bp_status train_loop_run(train_loop *L);

/* Follow each of the network's n_layers layers' norms from now on
 * (allocates; -1 when out of memory). */
int train_loop_follow_norms(train_loop *L, int n_layers);

/* Free what the loop kept. */
void train_loop_free(train_loop *L);

#endif
