/*
 * explain.h - what `backprop explain`'s files share (cmd_explain.c, the
 * command; explain_examples.c, the built-in examples and lessons;
 * explain_plots.c, the activations drawn).
 */
#ifndef BP_TOOLS_EXPLAIN_H
#define BP_TOOLS_EXPLAIN_H

#include "cli.h"

#include <stdio.h>

/* bp_explain to standard output; CLI_ERR after a message
 * (explain_examples.c). */
int explain_print(bp_net *net, const bp_real *x, const bp_real *t,
                  const bp_explain_opts *o);

/* --example NAME */
int example_perceptron(int md);
int example_xor(const bp_explain_opts *o);
int example_deep_sigmoid(const bp_explain_opts *o);
/* mazur and cross-entropy: the worked example's network into *m, and its
 * sample where *input and *target are NULL. CLI_USAGE for another name. */
int example_mazur(const char *name, bp_model **m, const char **input,
                  const char **target);

/* Fisher's iris data as a CSV text (explain_iris.c). */
extern const char explain_iris_csv[];

/* --activations -o DIR: each activation and its derivative as an SVG
 * file in dir, and an index page. */
int explain_activations(const char *dir);

#endif
