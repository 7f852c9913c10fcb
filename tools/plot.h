/*
 * plot.h - loss curves as an SVG file.
 */
#ifndef BP_PLOT_H
#define BP_PLOT_H

#include "backprop.h"

/* Write an SVG chart of the per-epoch reports r[0..n) to path (atomically):
 * training and held-out loss on a log-or-linear left axis (log when the
 * losses span more than a factor of 20), held-out accuracy on the right
 * axis when present, the legend below the chart. val_name names the
 * held-out set: "validation" (the default, for NULL) or "test". Returns
 * 0, or -1 with a message in err. */
int plot_svg(const char *path, const char *title, const char *val_name,
             const bp_epoch_report *r, int n, bp_error *err);

/* Each layer's norms over training, so that a vanishing or exploding
 * gradient is a picture: norms[e][0][l] the gradient norm of layer l in
 * epoch first + e (solid, one colour per layer) and norms[e][1][l] its
 * weights' norm (dashed, the same colour), for n epochs, on a log axis;
 * names[l] in the legend. */
int plot_grads_svg(const char *path, const char *title, const double *norms,
                   int n, int first, int n_layers, const char *const *names,
                   bp_error *err);

/* The confusion matrix as a heat map: counts[true][predicted], k classes
 * named names[k]; each cell shaded by its share of the true class. */
int plot_confusion_svg(const char *path, const char *title, const long *counts,
                       int k, char *const *names, bp_error *err);

/* For a network with 2 inputs: its decision regions over the plane (the
 * predicted class, or for one output the output, in colour), with the
 * data points x[n][2] (raw, before scaling) and their classes label[n]
 * (-1: unknown) on top, the axes named names[0] and names[1] (NULL:
 * "input 1", "input 2") and a legend of the classes (or of the output's colour
 * scale), as in the XOR figure of the worked examples. */
int plot_regions_svg(const char *path, const char *title, bp_model *m,
                     const char *const names[2], const bp_real *x,
                     const int *label, int n, bp_error *err);

#endif
