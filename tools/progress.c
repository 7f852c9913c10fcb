/*
 * progress.c - what a person watching training sees: a progress bar on a
 * terminal (redrawn at most ten times a second), one line per epoch.
 */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void progress_init(progress *p, FILE *bar, int quiet, int n_samples, int batch)
{
    memset(p, 0, sizeof *p);
    p->bar = bar;
    p->tty = bar && !quiet && isatty(fileno(bar));
    p->quiet = quiet;
    p->n_samples = n_samples;
    p->batch = batch;
}

void progress_batch(void *ctx, int epoch, int done, int total,
                    double running_loss)
{
    progress *p = ctx;
    if (!p->tty)
        return;
    double t = now();
    if (done == 1) {
        p->epoch_start = t;
        p->last_draw = 0;
    }
    if (done < total && t - p->last_draw < 0.1)
        return;
    p->last_draw = t;
    const double frac = (double)done / total;
    const double seen = fmin((double)done * p->batch, p->n_samples);
    const double elapsed = t - p->epoch_start;
    const double rate = elapsed > 0 ? seen / elapsed : 0;
    const double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
    char bar[31];
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
    bar[30] = '\0';
    fprintf(p->bar,
            "\r epoch %d [%s] %3.0f%%  %7.0f samples/s  ETA %4.0fs  "
            "loss %.4f ",
            epoch, bar, 100 * frac, rate, eta, running_loss);
    fflush(p->bar);
}

void progress_epoch(progress *p, FILE *out, const bp_epoch_report *r)
{
    if (p->tty) { /* clear the bar */
        fprintf(p->bar, "\r%*s\r", 100, "");
        fflush(p->bar);
    }
    if (p->quiet)
        return;
    fprintf(out, "epoch %*d/%d  loss %.4f", r->epochs >= 100 ? 3 : 2, r->epoch,
            r->epochs, r->train_loss);
    if (r->penalty > 0) /* the loss is the data's; the objective adds this */
        fprintf(out, "  penalty %.4f", r->penalty);
    if (isfinite(r->train_acc))
        fprintf(out, "  acc %5.1f%%", 100 * r->train_acc);
    if (isfinite(r->val_loss)) {
        fprintf(out, "  val_loss %.4f", r->val_loss);
        if (isfinite(r->val_acc))
            fprintf(out, "  val_acc %5.1f%%", 100 * r->val_acc);
    }
    fprintf(out, "  %.2fs%s\n", r->seconds, r->improved ? "  *" : "");
    fflush(out);
}
