/*
 * write.c - explain's writer: pieces of text to the caller's write
 * function, numbers formatted as the worked example prints them, and the
 * names of neurons, weights and their partial derivatives, in plain text
 * or in Markdown with LaTeX. Shared by the full walk (explain.c), the
 * layer summary (summary.c) and the drill-down (drill.c), so that a number
 * or a name is printed the same way in each.
 */
#include "explain/write.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The next formatting buffer. 32 of them: no emit call formats more. */
char *bp__slot(out_t *o) { return o->ring[o->next++ & 31]; }

void bp__emit(out_t *o, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->write(o->ctx, buf,
                 (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* A result: 9 decimals like the worked example's tables, or exponent
 * form when that would hide the value. Rotating buffers, so several
 * numbers can be formatted for one emit call. */
const char *bp__num(out_t *o, double v)
{
    char *s = bp__slot(o);
    double a = fabs(v);
    if (v == 0) /* -0 too: 0 * -0.05 is a product of zero, shown as 0 */
        v = 0;
    if (v == 0 || (a >= 1e-6 && a < 1e7))
        snprintf(s, 40, "%.9f", v);
    else
        snprintf(s, 40, "%.6e", v);
    return s;
}

/* An operand as given (a weight, an input): its shortest exact form, so
 * 0.15 prints as 0.15. */
const char *bp__given(out_t *o, double v)
{
    char *s = bp__slot(o);
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(s, 40, "%.*g", prec, v);
        if ((bp_real)strtod(s, NULL) == (bp_real)v)
            break;
    }
    return s;
}

/* -v, the exponent of e in a sigmoid: e^-0.377499998 for v > 0 and
 * e^0.020000000 for v < 0, never e^--0.02 (and e^0 for 0, not e^-0). */
const char *bp__negated(out_t *o, double v)
{
    return bp__num(o, v == 0 ? 0.0 : -v);
}

/* ----------------------------------------------------------- the names */

/* Neuron j of layer l (-1: the inputs): i3, h2, h1.4, o1 */
void bp__neuron_name(const bp_net *net, int l, int j, char *s, size_t cap)
{
    const int L = net->n_layers;
    if (l < 0)
        snprintf(s, cap, "i%d", j + 1);
    else if (l == L - 1)
        snprintf(s, cap, "o%d", j + 1);
    else if (L == 2)
        snprintf(s, cap, "h%d", j + 1);
    else
        snprintf(s, cap, "h%d.%d", l + 1, j + 1);
}

/* The worked example's weight number: w1.. counted layer by layer, row
 * by row. */
long bp__weight_number(const bp_net *net, int l, int j, int k)
{
    long n = 0;
    for (int i = 0; i < l; i++)
        n += (long)net->layers[i].n_out * net->layers[i].n_in;
    return n + (long)j * net->layers[l].n_in + k + 1;
}

/* A symbol for neuron (l, j) or weight (l, j, k), in text or LaTeX. */
const char *bp__sym(out_t *o, enum sym kind, int l, int j, int k)
{
    char *s = bp__slot(o), who[24];
    if (kind == S_W) {
        snprintf(s, 48, o->md ? "w_{%ld}" : "w%ld",
                 bp__weight_number(o->net, l, j, k));
        return s;
    }
    if (kind == S_T) {
        snprintf(s, 48, o->md ? "t_{%d}" : "t%d", j + 1);
        return s;
    }
    bp__neuron_name(o->net, l, j, who, sizeof who);
    if (kind == S_OUT && l < 0) { /* the output of an input is the input */
        snprintf(s, 48, o->md ? "i_{%d}" : "i%d", j + 1);
        return s;
    }
    static const char *const text[] = {"net_", "out_", "delta_", "", "b_", ""};
    static const char *const tex[] = {"net_", "out_", "\\delta_", "", "b_", ""};
    snprintf(s, 48, o->md ? "%s{%s}" : "%s%s", o->md ? tex[kind] : text[kind],
             who);
    return s;
}

const char *bp__times(const out_t *o) { return o->md ? " \\times " : " * "; }

/* dA/dB in text or as a LaTeX fraction. */
const char *bp__partial(out_t *o, const char *a, const char *b)
{
    char *s = bp__slot(o);
    if (o->md)
        snprintf(s, 128, "\\frac{\\partial %s}{\\partial %s}", a, b);
    else
        snprintf(s, 128, "d%s/d%s", a, b);
    return s;
}

void bp__eq_begin(out_t *o) { bp__emit(o, o->md ? "$$" : "    "); }
void bp__eq_end(out_t *o) { bp__emit(o, o->md ? "$$\n\n" : "\n"); }

void bp__heading(out_t *o, const char *title)
{
    bp__emit(o, o->md ? "\n## %s\n\n" : "\n%s\n", title);
}

void bp__subheading(out_t *o, const char *title)
{
    bp__emit(o, o->md ? "### %s\n\n" : "  %s\n", title);
}

/* Append len bytes of p to s[cap] at *n, cutting what does not fit. */
static void append(char *s, size_t cap, size_t *n, const char *p, size_t len)
{
    if (len > cap - 1 - *n)
        len = cap - 1 - *n;
    memcpy(s + *n, p, len);
    *n += len;
    s[*n] = '\0';
}

/* A formula from the tables (bp_act_info, bp_loss_info) with the worked
 * example's variable names replaced: each word net, out and t becomes the
 * given text (a neuron's symbol or a number); NULL leaves the word. With
 * neg_net, "-net" becomes it whole (a number's negation: one sign). */
const char *bp__subst_neg(out_t *o, const char *formula, const char *net,
                          const char *neg_net, const char *out, const char *t)
{
    char *s = bp__slot(o);
    size_t n = 0;
    s[0] = '\0';
    for (const char *p = formula; *p;) {
        if (neg_net && strncmp(p, "-net", 4) == 0 &&
            !(isalnum((unsigned char)p[4]) || p[4] == '_')) {
            append(s, sizeof o->ring[0], &n, neg_net, strlen(neg_net));
            p += 4;
            continue;
        }
        size_t w = 0;
        while (isalnum((unsigned char)p[w]) || p[w] == '_')
            w++;
        const char *with = w == 3 && strncmp(p, "net", 3) == 0 ? net
            : w == 3 && strncmp(p, "out", 3) == 0              ? out
            : w == 1 && *p == 't'                              ? t
                                                               : NULL;
        w = w ? w : 1; /* a word, or one other character */
        if (with)
            append(s, sizeof o->ring[0], &n, with, strlen(with));
        else
            append(s, sizeof o->ring[0], &n, p, w);
        p += w;
    }
    return s;
}

const char *bp__subst(out_t *o, const char *formula, const char *net,
                      const char *out, const char *t)
{
    return bp__subst_neg(o, formula, net, NULL, out, t);
}
