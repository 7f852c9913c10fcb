/*
 * plot.c - the training curves as a self-contained SVG: no library, any
 * browser or rsvg-convert shows it.
 */
#include "plot.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    char tmp[1024];
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || b->oom)
        return;
    if ((size_t)n >= sizeof tmp)
        n = sizeof tmp - 1;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 8192;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, tmp, (size_t)n);
    b->len += (size_t)n;
}

/* XML-escape a short string. */
static void put_text(sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': put(b, "&lt;"); break;
        case '>': put(b, "&gt;"); break;
        case '&': put(b, "&amp;"); break;
        case '"': put(b, "&quot;"); break;
        default: put(b, "%c", *s);
        }
    }
}

enum { W = 720, H = 420, L = 70, R = 70, T = 50, B = 50 };

typedef struct {
    double lo, hi;
    int log;
} axis;

static double ymap(const axis *a, double v)
{
    double f = a->log ? (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo))
                      : (v - a->lo) / (a->hi - a->lo);
    return T + (1 - f) * (H - T - B);
}

static double xmap(int epoch, int n)
{
    return L + (n > 1 ? (double)(epoch - 1) / (n - 1) : 0.5) * (W - L - R);
}

static void polyline(sbuf *b, const bp_epoch_report *r, int n, const axis *a,
                     size_t field, const char *colour, const char *dash)
{
    int open = 0;
    for (int i = 0; i < n; i++) {
        double v = *(const double *)((const char *)&r[i] + field);
        if (!isfinite(v) || (a->log && v <= 0)) {
            if (open)
                put(b, "\"/>\n");
            open = 0;
            continue;
        }
        if (!open)
            put(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
                   "points=\"", colour, dash);
        put(b, "%.1f,%.1f ", xmap(i + 1, n), ymap(a, v));
        open = 1;
    }
    if (open)
        put(b, "\"/>\n");
}

int plot_svg(const char *path, const char *title, const bp_epoch_report *r,
             int n, bp_error *err)
{
    double lo = INFINITY, hi = -INFINITY;
    int have_val = 0, have_acc = 0;
    for (int i = 0; i < n; i++) {
        const double v[2] = {r[i].train_loss, r[i].val_loss};
        for (int k = 0; k < 2; k++)
            if (isfinite(v[k]) && v[k] > 0) {
                lo = v[k] < lo ? v[k] : lo;
                hi = v[k] > hi ? v[k] : hi;
            }
        have_val |= isfinite(r[i].val_loss);
        have_acc |= isfinite(r[i].val_acc);
    }
    if (!isfinite(lo)) {
        lo = 0.1;
        hi = 1;
    }
    axis ya = {lo, hi, hi / lo > 20};
    int ticks;
    if (ya.log) {
        ya.lo = pow(10, floor(log10(lo)));
        ya.hi = pow(10, ceil(log10(hi)));
        ticks = (int)lround(log10(ya.hi / ya.lo));
    } else { /* a round step: 1, 2 or 5 times a power of ten */
        double raw = (hi > 0 ? hi : 1) / 5, mag = pow(10, floor(log10(raw)));
        double step = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag
                      : raw / mag <= 5 ? 5 * mag : 10 * mag;
        ya.lo = 0;
        ticks = (int)ceil((hi > 0 ? hi : 1) / step);
        ya.hi = step * ticks;
    }
    axis acc = {0, 1, 0};
    sbuf b = {0};
    put(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H, W, H);
    put(&b, "<text x=\"%d\" y=\"28\" font-size=\"16\" text-anchor=\"middle\">", W / 2);
    put_text(&b, title ? title : "training");
    put(&b, "</text>\n");
    /* grid and left ticks */
    for (int i = 0; i <= ticks; i++) {
        double v = ya.log ? ya.lo * pow(10, i) : ya.lo + (ya.hi - ya.lo) * i / ticks;
        double y = ymap(&ya, v);
        put(&b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n"
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>\n",
            L, W - R, y, y, L - 6, y + 4, v);
    }
    if (have_acc)
        for (int i = 0; i <= 5; i++) {
            double v = i / 5.0, y = ymap(&acc, v);
            put(&b, "<text x=\"%d\" y=\"%.1f\" fill=\"#2a7\">%.0f%%</text>\n",
                W - R + 6, y + 4, 100 * v);
        }
    /* x ticks: about 8 epochs labelled */
    int step = n > 8 ? (n + 7) / 8 : 1;
    for (int e = 1; e <= n; e += step)
        put(&b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
            xmap(e, n), H - B + 18, e);
    put(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
            "stroke=\"#444\"/>\n", L, T, W - L - R, H - T - B);
    put(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch</text>\n",
        (L + W - R) / 2, H - 12);
    put(&b, "<text transform=\"translate(18 %d) rotate(-90)\" "
            "text-anchor=\"middle\">loss%s</text>\n", (T + H - B) / 2,
        ya.log ? " (log scale)" : "");
    polyline(&b, r, n, &ya, offsetof(bp_epoch_report, train_loss), "#36c", "");
    if (have_val)
        polyline(&b, r, n, &ya, offsetof(bp_epoch_report, val_loss), "#c33", "");
    if (have_acc)
        polyline(&b, r, n, &acc, offsetof(bp_epoch_report, val_acc), "#2a7",
                 " stroke-dasharray=\"6 4\"");
    /* legend, top right, on a white card so lines never hide it */
    int lx = W - R - 170, ly = T + 16;
    put(&b, "<rect x=\"%d\" y=\"%d\" width=\"164\" height=\"%d\" "
            "fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n",
        lx - 6, ly - 12, 18 * (1 + have_val + have_acc) + 6);
    put(&b, "<g><line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#36c\" "
            "stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">training loss</text></g>\n",
        lx, lx + 20, ly, ly, lx + 26, ly + 4);
    if (have_val)
        put(&b, "<g><line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#c33\" "
                "stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">validation loss</text></g>\n",
            lx, lx + 20, ly + 18, ly + 18, lx + 26, ly + 22);
    if (have_acc)
        put(&b, "<g><line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#2a7\" "
                "stroke-width=\"2\" stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%d\">"
                "validation accuracy</text></g>\n",
            lx, lx + 20, ly + 36, ly + 36, lx + 26, ly + 40);
    put(&b, "</svg>\n");
    if (b.oom) {
        free(b.p);
        if (err) {
            err->status = BP_ERR_NOMEM;
            snprintf(err->msg, sizeof err->msg, "%s: out of memory", path);
        }
        return -1;
    }
    int rc = bp_write_file_atomic(path, b.p, b.len, err) ? -1 : 0;
    free(b.p);
    return rc;
}
