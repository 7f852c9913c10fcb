/*
 * write.h - explain's writer (write.c), shared by the full walk, the
 * layer summary and the drill-down. Private to src/explain.
 */
#ifndef BP_EXPLAIN_WRITE_H
#define BP_EXPLAIN_WRITE_H

#include "core/internal.h"

#include <stddef.h>

/* Where text goes, and the formatting buffers of one call. */
typedef struct {
    bp_write_fn write;
    void *ctx;
    int md;             /* Markdown + LaTeX */
    const bp_net *net;  /* for names */
    char ring[32][192]; /* formatted numbers and names: several are */
    int next;           /* alive in one emit call, so they rotate */
} out_t;

/* The next of the 32 formatting buffers (192 bytes each). */
char *bp__slot(out_t *o);
/* printf-style text to the writer (a piece longer than 1023 bytes is
 * cut: emit long lines piece by piece). */
void bp__emit(out_t *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Numbers, each in a formatting buffer: a result with 9 decimals (or in
 * exponent form when that would hide it); an operand as given, in its
 * shortest exact form; -v with one sign, for e^-net. */
const char *bp__num(out_t *o, double v);
const char *bp__given(out_t *o, double v);
const char *bp__negated(out_t *o, double v);

/* What a symbol names: a neuron's net input, output or delta, a weight, a
 * bias, a target. */
enum sym { S_NET, S_OUT, S_DELTA, S_W, S_B, S_T };

/* Neuron j of layer l (-1: the inputs): i3, h2, h1.4, o1 */
void bp__neuron_name(const bp_net *net, int l, int j, char *s, size_t cap);
/* A weight's number, w1..: counted layer by layer, row by row. */
long bp__weight_number(const bp_net *net, int l, int j, int k);
/* A symbol for neuron (l, j) or weight (l, j, k), in text or LaTeX. */
const char *bp__sym(out_t *o, enum sym kind, int l, int j, int k);
/* " * " or " \times " */
const char *bp__times(const out_t *o);
/* dA/dB in text or as a LaTeX fraction. */
const char *bp__partial(out_t *o, const char *a, const char *b);

/* An equation's line, and section titles. */
void bp__eq_begin(out_t *o);
void bp__eq_end(out_t *o);
void bp__heading(out_t *o, const char *title);
void bp__subheading(out_t *o, const char *title);

/* A formula from the tables with the words net, out and t replaced by the
 * given texts (NULL leaves a word); with neg_net, "-net" becomes it whole. */
const char *bp__subst_neg(out_t *o, const char *formula, const char *net,
                          const char *neg_net, const char *out, const char *t);
const char *bp__subst(out_t *o, const char *formula, const char *net,
                      const char *out, const char *t);

/* An explain call's arguments: BP_ERR_NULL for a NULL one, BP_ERR_ARG
 * unless opts are valid; with a message (explain.c). */
bp_status bp__explain_check_args(const bp_net *net, const bp_real *x,
                                 const bp_real *t, const bp_explain_opts *opts,
                                 bp_write_fn write, bp_error *err);

#endif
