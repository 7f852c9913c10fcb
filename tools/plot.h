/*
 * plot.h - loss curves as an SVG file.
 */
#ifndef BP_PLOT_H
#define BP_PLOT_H

#include "backprop.h"

/* Write an SVG chart of the per-epoch reports r[0..n) to path (atomically):
 * training and validation loss on a log-or-linear left axis (log when the
 * losses span more than a factor of 20), validation accuracy on the
 * right axis when present. Returns 0, or -1 with a message in err. */
int plot_svg(const char *path, const char *title, const bp_epoch_report *r,
             int n, bp_error *err);

#endif
