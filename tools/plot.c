/*
 * plot.c - the training curves as a self-contained SVG: no library, any
 * browser or rsvg-convert shows it.
 */
#include "plot.h"
#include "text.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Close the SVG and write it atomically. */
static int finish(text *b, const char *path, bp_error *err)
{
    text_printf(b, "</svg>\n");
    if (b->oom) {
        text_free(b);
        if (err) {
            err->status = BP_ERR_NOMEM;
            snprintf(err->msg, sizeof err->msg, "%s: out of memory", path);
        }
        return -1;
    }
    int rc = bp_write_file_atomic(path, b->p, b->len, err) ? -1 : 0;
    text_free(b);
    return rc;
}

/* The curves' chart: the plot area is L..W-R by T..H-B; below it the
 * epoch ticks, the axis name and one row of legend, outside the area so
 * that no curve is ever hidden behind it. */
enum { W = 720, H = 460, L = 70, R = 70, T = 50, B = 90 };

typedef struct {
    double lo, hi;
    int log;
} axis;

static double ymap(const axis *a, double v)
{
    double f = a->log
        ? (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo))
        : (v - a->lo) / (a->hi - a->lo);
    return T + (1 - f) * (H - T - B);
}

static double xmap(int epoch, int n)
{
    return L + (n > 1 ? (double)(epoch - 1) / (n - 1) : 0.5) * (W - L - R);
}

static void polyline(text *b, const bp_epoch_report *r, int n, const axis *a,
                     size_t field, const char *colour, const char *dash)
{
    int open = 0;
    for (int i = 0; i < n; i++) {
        double v = *(const double *)((const char *)&r[i] + field);
        if (!isfinite(v) || (a->log && v <= 0)) {
            if (open)
                text_printf(b, "\"/>\n");
            open = 0;
            continue;
        }
        if (!open)
            text_printf(
                b,
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
                "points=\"",
                colour, dash);
        text_printf(b, "%.1f,%.1f ", xmap(i + 1, n), ymap(a, v));
        open = 1;
    }
    if (open)
        text_printf(b, "\"/>\n");
}

/* The loss axis: log when the losses span more than a factor of 20,
 * else linear from 0 in round steps; *ticks gets the number of steps. */
static axis loss_axis(const bp_epoch_report *r, int n, int *ticks)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        const double v[2] = {r[i].train_loss, r[i].val_loss};
        for (int k = 0; k < 2; k++)
            if (isfinite(v[k]) && v[k] > 0) {
                lo = v[k] < lo ? v[k] : lo;
                hi = v[k] > hi ? v[k] : hi;
            }
    }
    if (!isfinite(lo)) {
        lo = 0.1;
        hi = 1;
    }
    axis ya = {lo, hi, hi / lo > 20};
    if (ya.log) {
        ya.lo = pow(10, floor(log10(lo)));
        ya.hi = pow(10, ceil(log10(hi)));
        *ticks = (int)lround(log10(ya.hi / ya.lo));
    } else { /* a round step: 1, 2 or 5 times a power of ten */
        double raw = (hi > 0 ? hi : 1) / 5, mag = pow(10, floor(log10(raw)));
        double step = raw / mag <= 1 ? mag
            : raw / mag <= 2         ? 2 * mag
            : raw / mag <= 5         ? 5 * mag
                                     : 10 * mag;
        ya.lo = 0;
        *ticks = (int)ceil((hi > 0 ? hi : 1) / step);
        ya.hi = step * *ticks;
    }
    return ya;
}

/* Grid, ticks on both axes, the frame and the axis names. */
static void curve_axes(text *b, const axis *ya, int ticks, int have_acc, int n)
{
    const axis acc = {0, 1, 0};
    for (int i = 0; i <= ticks; i++) {
        double v = ya->log ? ya->lo * pow(10, i)
                           : ya->lo + (ya->hi - ya->lo) * i / ticks;
        double y = ymap(ya, v);
        text_printf(
            b,
            "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#ddd\"/>\n"
            "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>\n",
            L, W - R, y, y, L - 6, y + 4, v);
    }
    if (have_acc)
        for (int i = 0; i <= 5; i++) {
            double v = i / 5.0, y = ymap(&acc, v);
            text_printf(
                b, "<text x=\"%d\" y=\"%.1f\" fill=\"#2a7\">%.0f%%</text>\n",
                W - R + 6, y + 4, 100 * v);
        }
    int step = n > 8 ? (n + 7) / 8 : 1; /* about 8 epochs labelled */
    for (int e = 1; e <= n; e += step)
        text_printf(
            b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
            xmap(e, n), H - B + 18, e);
    text_printf(
        b,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
        "stroke=\"#444\"/>\n",
        L, T, W - L - R, H - T - B);
    text_printf(b,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch</text>\n",
                (L + W - R) / 2, H - B + 36);
    text_printf(b,
                "<text transform=\"translate(18 %d) rotate(-90)\" "
                "text-anchor=\"middle\">loss%s</text>\n",
                (T + H - B) / 2, ya->log ? " (log scale)" : "");
    if (have_acc)
        text_printf(b,
                    "<text transform=\"translate(%d %d) rotate(90)\" "
                    "text-anchor=\"middle\" fill=\"#2a7\">accuracy</text>\n",
                    W - 18, (T + H - B) / 2);
}

/* One legend entry at x, on the legend row; the x after it. */
static int legend_item(text *b, int x, const char *colour, const char *dash,
                       const char *what, const char *set)
{
    const int y = H - 20;
    text_printf(
        b,
        "<g><line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" "
        "stroke-width=\"2\"%s/><text x=\"%d\" y=\"%d\">%s %s</text></g>\n",
        x, x + 20, y, y, colour, dash, x + 26, y + 4, set, what);
    return x + 26 + 7 * (int)(strlen(set) + strlen(what) + 1) + 24;
}

int plot_svg(const char *path, const char *title, const char *val_name,
             const bp_epoch_report *r, int n, bp_error *err)
{
    int have_val = 0, have_acc = 0, ticks;
    for (int i = 0; i < n; i++) {
        have_val |= isfinite(r[i].val_loss);
        have_acc |= isfinite(r[i].val_acc);
    }
    const axis ya = loss_axis(r, n, &ticks), acc = {0, 1, 0};
    const char *dash = " stroke-dasharray=\"6 4\"";
    if (!val_name)
        val_name = "validation";
    text b = {0};
    text_printf(
        &b,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
        "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
        W, H, W, H);
    text_printf(
        &b, "<text x=\"%d\" y=\"28\" font-size=\"16\" text-anchor=\"middle\">",
        W / 2);
    text_xml(&b, title ? title : "training");
    text_printf(&b, "</text>\n");
    curve_axes(&b, &ya, ticks, have_acc, n);
    polyline(&b, r, n, &ya, offsetof(bp_epoch_report, train_loss), "#36c", "");
    if (have_val)
        polyline(&b, r, n, &ya, offsetof(bp_epoch_report, val_loss), "#c33",
                 "");
    if (have_acc)
        polyline(&b, r, n, &acc, offsetof(bp_epoch_report, val_acc), "#2a7",
                 dash);
    int x = legend_item(&b, L, "#36c", "", "loss", "training");
    if (have_val)
        x = legend_item(&b, x, "#c33", "", "loss", val_name);
    if (have_acc)
        legend_item(&b, x, "#2a7", dash, "accuracy", val_name);
    return finish(&b, path, err);
}

/* ------------------------------------------ each layer's norms */

enum { GR = 190 }; /* the right margin, where the layers' legend goes */

static double gxmap(int e, int n)
{
    return L + (n > 1 ? (double)e / (n - 1) : 0.5) * (W - L - GR);
}

/* One layer's curve: v[e * stride] for e < n, breaking where a value
 * cannot go on the log axis. */
static void norm_line(text *b, const double *v, size_t stride, int n,
                      const axis *ya, const char *colour, const char *dash)
{
    int open = 0;
    for (int e = 0; e < n; e++) {
        const double x = v[(size_t)e * stride];
        if (!isfinite(x) || x <= 0) {
            if (open)
                text_printf(b, "\"/>\n");
            open = 0;
            continue;
        }
        if (!open)
            text_printf(b,
                        "<polyline fill=\"none\" stroke=\"%s\" "
                        "stroke-width=\"2\"%s points=\"",
                        colour, dash);
        text_printf(b, "%.1f,%.1f ", gxmap(e, n), ymap(ya, x));
        open = 1;
    }
    if (open)
        text_printf(b, "\"/>\n");
}

/* Decades of the log axis, epochs below, the frame and the axis names. */
static void norm_axes(text *b, const axis *ya, int first, int n)
{
    for (double v = ya->lo; v <= ya->hi * 1.0001; v *= 10) {
        const double y = ymap(ya, v);
        text_printf(b,
                    "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
                    "stroke=\"#ddd\"/>\n<text x=\"%d\" y=\"%.1f\" "
                    "text-anchor=\"end\">%g</text>\n",
                    L, W - GR, y, y, L - 6, y + 4, v);
    }
    const int step = n > 8 ? (n + 7) / 8 : 1;
    for (int e = 0; e < n; e += step)
        text_printf(b,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d"
                    "</text>\n",
                    gxmap(e, n), H - B + 18, first + e);
    text_printf(b,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                "fill=\"none\" stroke=\"#444\"/>\n",
                L, T, W - L - GR, H - T - B);
    text_printf(b,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch"
                "</text>\n<text transform=\"translate(18 %d) rotate(-90)\" "
                "text-anchor=\"middle\">norm (log scale)</text>\n",
                (L + W - GR) / 2, H - B + 36, (T + H - B) / 2);
}

int plot_grads_svg(const char *path, const char *title, const double *norms,
                   int n, int first, int n_layers, const char *const *names,
                   bp_error *err)
{
    static const char *const colour[] = {"#1f77b4", "#d62728", "#2ca02c",
                                         "#ff7f0e", "#9467bd", "#8c564b",
                                         "#e377c2", "#7f7f7f"};
    const size_t stride = 2 * (size_t)n_layers;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < (size_t)n * stride; i++)
        if (isfinite(norms[i]) && norms[i] > 0) {
            lo = norms[i] < lo ? norms[i] : lo;
            hi = norms[i] > hi ? norms[i] : hi;
        }
    if (!isfinite(lo))
        lo = 1e-3, hi = 1;
    axis ya = {pow(10, floor(log10(lo))), pow(10, ceil(log10(hi))), 1};
    if (ya.hi <= ya.lo)
        ya.hi = 10 * ya.lo;
    text b = {0};
    text_printf(
        &b,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
        "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
        "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
        "fill=\"white\"/>\n<text x=\"%d\" y=\"28\" font-size=\"16\" "
        "text-anchor=\"middle\">",
        W, H, W, H, (L + W - GR) / 2);
    text_xml(&b, title ? title : "each layer's norms");
    text_printf(&b, "</text>\n");
    norm_axes(&b, &ya, first, n);
    const int rows = (H - T - 40) / 18; /* legend rows that fit */
    for (int l = 0; l < n_layers; l++) {
        const char *c = colour[l % 8];
        norm_line(&b, norms + l, stride, n, &ya, c, "");
        norm_line(&b, norms + n_layers + l, stride, n, &ya, c,
                  " stroke-dasharray=\"6 4\" stroke-opacity=\"0.6\"");
        if (l < rows) {
            const int y = T + 10 + 18 * l;
            text_printf(&b,
                        "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
                        "stroke=\"%s\" stroke-width=\"2\"/><text x=\"%d\" "
                        "y=\"%d\">",
                        W - GR + 14, W - GR + 34, y, y, c, W - GR + 40, y + 4);
            text_xml(&b, names[l]);
            text_printf(&b, "</text>\n");
        }
    }
    if (n_layers > rows)
        text_printf(&b, "<text x=\"%d\" y=\"%d\">and %d more</text>\n",
                    W - GR + 40, T + 14 + 18 * rows, n_layers - rows);
    text_printf(&b,
                "<text x=\"%d\" y=\"%d\">solid: the weights' gradient "
                "|dE/dW| (mean over the epoch's batches); dashed: the weights "
                "|W|</text>\n",
                L, H - 20);
    return finish(&b, path, err);
}

/* Heat-map colour for a share in [0, 1]: white to dark blue. */
static void shade(double f, char *out, size_t cap)
{
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    int r = (int)(255 - f * (255 - 8)), g = (int)(255 - f * (255 - 48));
    int bl = (int)(255 - f * (255 - 107));
    snprintf(out, cap, "rgb(%d,%d,%d)", r, g, bl);
}

int plot_confusion_svg(const char *path, const char *title, const long *counts,
                       int k, char *const *names, bp_error *err)
{
    const int cell = k <= 10 ? 44 : k <= 20 ? 26 : 12, left = 110, top = 70;
    const int w = left + k * cell + 30, h = top + k * cell + 60;
    text b = {0};
    text_printf(
        &b,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
        "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
        "font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" "
        "fill=\"white\"/>\n",
        w, h, w, h);
    text_printf(
        &b, "<text x=\"%d\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">",
        w / 2);
    text_xml(&b, title ? title : "confusion matrix");
    text_printf(
        &b,
        "</text>\n<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">predicted"
        "</text>\n<text transform=\"translate(16 %d) rotate(-90)\" "
        "text-anchor=\"middle\">true class</text>\n",
        left + k * cell / 2, top - 26, top + k * cell / 2);
    for (int i = 0; i < k; i++) {
        long row = 0;
        for (int j = 0; j < k; j++)
            row += counts[i * k + j];
        text_printf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
                    left - 6, top + i * cell + cell / 2 + 4);
        text_xml(&b, names[i]);
        text_printf(&b,
                    "</text>\n<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
                    left + i * cell + cell / 2, top - 8);
        text_xml(&b, names[i]);
        text_printf(&b, "</text>\n");
        for (int j = 0; j < k; j++) {
            double f = row ? (double)counts[i * k + j] / row : 0;
            char col[32];
            shade(f, col, sizeof col);
            text_printf(&b,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                        "fill=\"%s\" stroke=\"#eee\"/>\n",
                        left + j * cell, top + i * cell, cell, cell, col);
            if (cell >= 26)
                text_printf(&b,
                            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                            "fill=\"%s\">%ld</text>\n",
                            left + j * cell + cell / 2,
                            top + i * cell + cell / 2 + 4,
                            f > 0.5 ? "white" : "black", counts[i * k + j]);
        }
    }
    return finish(&b, path, err);
}

/* The decision-region chart: the plane is S x S at (PAD, PAD), sampled
 * on a GRID x GRID grid; the legend is to its right. */
enum { S = 400, GRID = 100, PAD = 50, LEGEND = 170 };

static const char *const palette[] = {"#4477aa", "#ee6677", "#228833",
                                      "#ccbb44", "#66ccee", "#aa3377",
                                      "#bbbbbb", "#000000"};
/* the same colours mixed with white, opaque: overlapping cells of a
 * translucent colour would show seams */
static const char *const light[] = {"#c1d1e5", "#f9d1d6", "#bddbc2", "#efeac7",
                                    "#d1f0f8", "#e5c1d6", "#eaeaea", "#b3b3b3"};

/* The plane's extent: the points' range and a tenth more each side. */
static void region_bounds(const bp_real *x, int n, double lo[2], double hi[2])
{
    for (int d = 0; d < 2; d++) {
        lo[d] = INFINITY;
        hi[d] = -INFINITY;
    }
    for (int i = 0; i < n; i++)
        for (int d = 0; d < 2; d++) {
            lo[d] = x[2 * i + d] < lo[d] ? x[2 * i + d] : lo[d];
            hi[d] = x[2 * i + d] > hi[d] ? x[2 * i + d] : hi[d];
        }
    for (int d = 0; d < 2; d++) {
        if (!(hi[d] > lo[d])) {
            lo[d] = n ? lo[d] - 1 : -1;
            hi[d] = n ? hi[d] + 1 : 1;
        }
        double pad = 0.1 * (hi[d] - lo[d]);
        lo[d] -= pad;
        hi[d] += pad;
    }
}

/* The colour key of grid cell out[k]: its class, or for one output the
 * output in 16 steps. */
static int cell_key(const bp_real *o, int k)
{
    if (k == 1) {
        double v = o[0] < 0 ? 0 : o[0] > 1 ? 1 : o[0];
        return (int)(v * 15.999);
    }
    int key = 0;
    for (int j = 1; j < k; j++)
        key = o[j] > o[key] ? j : key;
    return key;
}

/* The cells, one rectangle per run of equal cells in a row, which keeps
 * the file small. */
static void region_cells(text *b, const bp_real *out, int k)
{
    const double cs = (double)S / GRID;
    for (int r = 0; r < GRID; r++) {
        int start = 0, prev = -1;
        for (int c = 0; c <= GRID; c++) {
            int key =
                c < GRID ? cell_key(out + (size_t)(r * GRID + c) * k, k) : -2;
            if (key == prev)
                continue;
            if (prev >= 0) {
                char col[32];
                if (k == 1)
                    shade((prev + 0.5) / 16, col, sizeof col);
                else
                    snprintf(col, sizeof col, "%s", light[prev % 8]);
                text_printf(b,
                            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" "
                            "height=\"%.2f\" fill=\"%s\"/>\n",
                            PAD + start * cs, PAD + r * cs,
                            (c - start) * cs + 0.3, cs + 0.3, col);
            }
            start = c;
            prev = key;
        }
    }
}

/* The frame, the extreme values of each axis and the axes' names. */
static void region_axes(text *b, const double lo[2], const double hi[2],
                        const char *const names[2])
{
    text_printf(
        b,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
        "fill=\"none\" stroke=\"#444\"/>\n<text x=\"%d\" y=\"%d\">%.3g"
        "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3g</text>\n"
        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3g</text>"
        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3g</text>\n",
        PAD, PAD, S, S, PAD, PAD + S + 16, lo[0], PAD + S, PAD + S + 16, hi[0],
        PAD - 4, PAD + S, lo[1], PAD - 4, PAD + 8, hi[1]);
    text_printf(b,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                "font-size=\"12\">",
                PAD + S / 2, PAD + S + 34);
    text_xml(b, names && names[0] ? names[0] : "input 1");
    text_printf(b,
                "</text>\n<text transform=\"translate(%d %d) rotate(-90)\" "
                "text-anchor=\"middle\" font-size=\"12\">",
                16, PAD + S / 2);
    text_xml(b, names && names[1] ? names[1] : "input 2");
    text_printf(b, "</text>\n");
}

/* A class name for the legend, cut to fit its width. */
static void put_short(text *b, const char *s)
{
    char buf[24];
    size_t n = strlen(s);
    snprintf(buf, sizeof buf, "%.*s%s", n > 20 ? 19 : (int)n, s,
             n > 20 ? "..." : "");
    for (char *p = buf; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = '?';
    text_xml(b, buf);
}

/* The key: each class's region and point colour (k classes), or for one
 * output its colour scale and the points' classes. */
static void region_legend(text *b, const bp_model *m, int k, int labelled)
{
    const int x = PAD + S + 20;
    int y = PAD + 10, shown = 0;
    const int classes = k > 1 ? k
        : labelled            ? (m->n_classes ? m->n_classes : 2)
                              : 0;
    if (k == 1) {
        text_printf(b, "<text x=\"%d\" y=\"%d\">output</text>\n", x, y);
        for (int i = 0; i < 16; i++) {
            char col[32];
            shade((15 - i + 0.5) / 16, col, sizeof col);
            text_printf(b,
                        "<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"8\" "
                        "fill=\"%s\"/>\n",
                        x, y + 8 + 8 * i, col);
        }
        text_printf(b,
                    "<text x=\"%d\" y=\"%d\">1</text><text x=\"%d\" "
                    "y=\"%d\">0</text>\n",
                    x + 22, y + 17, x + 22, y + 8 + 128);
        y += 160;
    }
    for (int c = 0; c < classes && y < PAD + S - 10; c++, shown++, y += 20) {
        if (k > 1)
            text_printf(b,
                        "<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"14\" "
                        "fill=\"%s\" stroke=\"#999\"/>\n",
                        x, y - 11, light[c % 8]);
        text_printf(
            b,
            "<circle cx=\"%d\" cy=\"%d\" r=\"3.5\" fill=\"%s\" "
            "stroke=\"black\" stroke-width=\"0.7\"/><text x=\"%d\" y=\"%d\">",
            x + 8, y - 4, palette[c % 8], x + 24, y);
        if (m->class_names && c < m->n_classes)
            put_short(b, m->class_names[c]);
        else
            text_printf(b, "class %d", c + 1);
        text_printf(b, "</text>\n");
    }
    if (shown < classes)
        text_printf(b, "<text x=\"%d\" y=\"%d\">and %d more</text>\n", x, y,
                    classes - shown);
}

int plot_regions_svg(const char *path, const char *title, bp_model *m,
                     const char *const names[2], const bp_real *x,
                     const int *label, int n, bp_error *err)
{
    const int k = bp_net_n_out(m->net);
    double lo[2], hi[2];
    region_bounds(x, n, lo, hi);
    bp_real *grid = malloc((size_t)GRID * GRID * 2 * sizeof *grid);
    bp_real *out = malloc((size_t)GRID * GRID * k * sizeof *out);
    if (!grid || !out) {
        free(grid);
        free(out);
        if (err)
            snprintf(err->msg, sizeof err->msg, "%s: out of memory", path);
        return -1;
    }
    for (int r = 0; r < GRID; r++)
        for (int c = 0; c < GRID; c++) {
            grid[2 * (r * GRID + c)] =
                (bp_real)(lo[0] + (c + 0.5) * (hi[0] - lo[0]) / GRID);
            grid[2 * (r * GRID + c) + 1] =
                (bp_real)(hi[1] - (r + 0.5) * (hi[1] - lo[1]) / GRID);
        }
    bp_model_scale(m, grid, GRID * GRID);
    int st = bp_net_predict(m->net, grid, GRID * GRID, out);
    text b = {0};
    const int w = S + 2 * PAD + LEGEND, h = S + 2 * PAD + 10;
    text_printf(
        &b,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
        "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
        "font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" "
        "fill=\"white\"/>\n<text x=\"%d\" y=\"28\" font-size=\"15\" "
        "text-anchor=\"middle\">",
        w, h, w, h, PAD + S / 2);
    text_xml(&b, title ? title : "decision regions");
    text_printf(&b, "</text>\n");
    if (!st)
        region_cells(&b, out, k);
    for (int i = 0; i < n; i++) {
        double px = PAD + (x[2 * i] - lo[0]) / (hi[0] - lo[0]) * S;
        double py = PAD + (hi[1] - x[2 * i + 1]) / (hi[1] - lo[1]) * S;
        const char *col =
            label && label[i] >= 0 ? palette[label[i] % 8] : "#333";
        text_printf(&b,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" "
                    "stroke=\"black\" stroke-width=\"0.7\"/>\n",
                    px, py, col);
    }
    region_axes(&b, lo, hi, names);
    region_legend(&b, m, k, label != NULL);
    free(grid);
    free(out);
    if (st) {
        text_free(&b);
        if (err)
            snprintf(err->msg, sizeof err->msg, "%s: %s", path,
                     bp_net_errmsg(m->net));
        return -1;
    }
    return finish(&b, path, err);
}
