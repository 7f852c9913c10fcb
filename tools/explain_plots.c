/*
 * explain_plots.c - `backprop explain --activations -o DIR`: every
 * activation of the library's table and its derivative, drawn as a small
 * SVG file each (DIR/NAME.svg), with an index page (DIR/index.html) that
 * shows them all with their formulas. The curves are the library's own
 * (bp_act_eval) and the list is its table (bp_act_describe), so an
 * activation added to the table is drawn too.
 */
#include "explain.h"
#include "text.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#define POINTS 161 /* z from -4 to 4 in steps of 0.05 */
#define Z_MAX 4.0
enum { W = 360, H = 250, L = 40, R = 16, T = 34, B = 58 };

static double xmap(double z)
{
    return L + (z + Z_MAX) / (2 * Z_MAX) * (W - L - R);
}

static double ymap(double v, double lo, double hi)
{
    return T + (hi - v) / (hi - lo) * (H - T - B);
}

static void curve(text *b, const double *z, const double *v, double lo,
                  double hi, const char *style)
{
    text_printf(b, "<polyline fill=\"none\" %s points=\"", style);
    for (int i = 0; i < POINTS; i++)
        text_printf(b, "%.1f,%.1f ", xmap(z[i]), ymap(v[i], lo, hi));
    text_printf(b, "\"/>\n");
}

/* The frame: grid lines at whole numbers, the axes through 0. */
static void frame(text *b, double lo, double hi)
{
    text_printf(b, "<g stroke=\"#ddd\" stroke-width=\"1\">\n");
    for (int y = (int)ceil(lo); y <= (int)floor(hi); y++)
        text_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n",
                    L, ymap(y, lo, hi), W - R, ymap(y, lo, hi));
    text_printf(b,
                "</g>\n<g stroke=\"#888\" stroke-width=\"1\">\n"
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n"
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n</g>\n",
                L, ymap(0, lo, hi), W - R, ymap(0, lo, hi), xmap(0), T, xmap(0),
                H - B);
    text_printf(b, "<g font-size=\"11\" fill=\"#555\" text-anchor=\"end\">\n");
    for (int y = (int)ceil(lo); y <= (int)floor(hi); y++)
        text_printf(b, "<text x=\"%d\" y=\"%.1f\">%d</text>\n", L - 4,
                    ymap(y, lo, hi) + 4, y);
    text_printf(b,
                "</g>\n<g font-size=\"11\" fill=\"#555\" "
                "text-anchor=\"middle\">\n");
    for (int z = -4; z <= 4; z += 2)
        text_printf(b, "<text x=\"%.1f\" y=\"%d\">%d</text>\n", xmap(z),
                    H - B + 14, z);
    text_printf(b, "<text x=\"%.1f\" y=\"%d\">net</text>\n</g>\n",
                xmap(Z_MAX - 0.4), H - B - 6);
}

/* One activation's chart into b. */
static void chart(text *b, const bp_act_info *f, const double *z,
                  const double *out, const double *dout)
{
    double lo = 0, hi = 1;
    for (int i = 0; i < POINTS; i++) {
        lo = fmin(lo, fmin(out[i], dout[i]));
        hi = fmax(hi, fmax(out[i], dout[i]));
    }
    lo = floor(lo) - 0.1, hi = ceil(hi) + 0.1;
    text_printf(
        b,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
        "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
        "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
        W, H, W, H);
    text_printf(b,
                "<text x=\"%d\" y=\"20\" font-size=\"15\" "
                "font-weight=\"bold\">",
                L);
    text_xml(b, f->label);
    text_printf(b, "</text>\n");
    frame(b, lo, hi);
    curve(b, z, out, lo, hi, "stroke=\"#1f77b4\" stroke-width=\"2.5\"");
    curve(b, z, dout, lo, hi,
          "stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"6 4\"");
    text_printf(b,
                "<g font-size=\"12\">\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
                "y2=\"%d\" stroke=\"#1f77b4\" stroke-width=\"2.5\"/>"
                "<text x=\"%d\" y=\"%d\">out = ",
                L, H - 26, L + 22, H - 26, L + 28, H - 22);
    text_xml(b,
             f->flags & BP_ACTF_ROWWISE ? "e^net / (e^net + 1): row (net, 0)"
                                        : f->formula);
    text_printf(b,
                "</text>\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                "stroke=\"#d62728\" stroke-width=\"2\" "
                "stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%d\">"
                "dout/dnet = ",
                L, H - 8, L + 22, H - 8, L + 28, H - 4);
    text_xml(b,
             f->flags & BP_ACTF_ROWWISE ? "out (1 - out) on the diagonal"
                                        : f->derivative);
    text_printf(b, "</text>\n</g>\n</svg>\n");
}

/* Write b to dir/name atomically; 0, or -1 after a message. */
static int save(text *b, const char *dir, const char *name)
{
    char path[4096];
    bp_error err;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = 0;
    if (b->oom) {
        fprintf(stderr, "backprop explain: %s: out of memory\n", path);
        rc = -1;
    } else if (bp_write_file_atomic(path, b->p, b->len, &err)) {
        fprintf(stderr, "backprop explain: %s\n", err.msg);
        rc = -1;
    }
    text_free(b);
    *b = (text){0};
    return rc;
}

static void index_entry(text *ix, const bp_act_info *f)
{
    text_printf(ix, "<figure><img src=\"%s.svg\" alt=\"", f->name);
    text_xml(ix, f->label);
    text_printf(ix, " and its derivative\"><figcaption><b>");
    text_xml(ix, f->label);
    text_printf(ix, "</b> (%s): out = ", f->name);
    text_xml(ix, f->formula);
    text_printf(ix, "; dout/dnet = ");
    text_xml(ix, f->derivative);
    if (f->flags & BP_ACTF_NO_GRADIENT)
        text_printf(ix, " (no gradient: backpropagation cannot train it)");
    text_printf(ix, "</figcaption></figure>\n");
}

int explain_activations(const char *dir)
{
    struct stat st;
    if (strcmp(dir, "-") == 0) { /* as every output: '-' is no file name */
        fprintf(stderr, "backprop explain: -o -: give a directory name\n");
        return CLI_ERR;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr,
                "backprop explain: -o %s: cannot create the "
                "directory: %s\n",
                dir, strerror(errno));
        return CLI_ERR;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "backprop explain: -o %s: not a directory\n", dir);
        return CLI_ERR;
    }
    double z[POINTS], out[POINTS], dout[POINTS];
    for (int i = 0; i < POINTS; i++)
        z[i] = -Z_MAX + 2 * Z_MAX * i / (POINTS - 1);
    text ix = {0}, b = {0};
    text_printf(&ix,
                "<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\">"
                "<title>Activations and their derivatives</title>\n<style>"
                "body{font-family:sans-serif;max-width:1200px;margin:1em auto}"
                "figure{display:inline-block;margin:.5em;width:360px;"
                "vertical-align:top}</style>\n"
                "<h1>Activations and their derivatives</h1>\n<p>Each "
                "activation out = f(net) (solid) and its derivative dout/dnet "
                "(dashed), as backprop computes them.</p>\n");
    int n = 0;
    for (bp_act a = 0; bp_act_describe(a); a++) {
        const bp_act_info *f = bp_act_describe(a);
        char name[128];
        if (bp_act_eval(a, f->param ? f->param_default : 0, z, POINTS, out,
                        dout)) {
            fprintf(stderr, "backprop explain: %s: cannot evaluate\n", f->name);
            text_free(&ix);
            return CLI_ERR;
        }
        chart(&b, f, z, out, dout);
        snprintf(name, sizeof name, "%s.svg", f->name);
        if (save(&b, dir, name)) {
            text_free(&ix);
            return CLI_ERR;
        }
        index_entry(&ix, f);
        n++;
    }
    text_printf(&ix, "</html>\n");
    if (save(&ix, dir, "index.html"))
        return CLI_ERR;
    printf("%d activations drawn into %s (index.html shows them all)\n", n,
           dir);
    return CLI_OK;
}
