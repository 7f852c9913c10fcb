/*
 * progress.h - the training progress shown to a person.
 */
#ifndef BP_PROGRESS_H
#define BP_PROGRESS_H

#include "backprop.h"

#include <stdio.h>

typedef struct {
    FILE *bar; /* where the bar goes (stderr) */
    int tty;   /* draw the bar: bar is a terminal and not quiet */
    int quiet; /* no epoch lines either */
    int n_samples, batch;
    double epoch_start, last_draw;
} progress;

void progress_init(progress *p, FILE *bar, int quiet, int n_samples, int batch);
/* A bp_batch_fn: redraws the bar (terminals only). */
void progress_batch(void *ctx, int epoch, int done, int total,
                    double running_loss);
/* Clears the bar and prints the epoch's line to out (unless quiet). */
void progress_epoch(progress *p, FILE *out, const bp_epoch_report *r);

#endif
