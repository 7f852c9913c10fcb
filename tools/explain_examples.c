/*
 * explain_examples.c - `backprop explain --example NAME`: the worked
 * examples' networks (Matt Mazur's 2-2-2 network, with squared error or
 * cross-entropy), the perceptron and XOR, and the lessons built on the
 * library's layer summary (deep-sigmoid); and explain_print, which the
 * command and every example print through.
 */
#include "explain.h"

#include <stdlib.h>
#include <string.h>

int explain_print(bp_net *net, const bp_real *x, const bp_real *t,
                  const bp_explain_opts *o)
{
    bp_error err;
    if (bp_explain(net, x, t, o, cli_write_file, stdout, &err)) {
        fprintf(stderr, "backprop explain: %s\n", err.msg);
        return CLI_ERR;
    }
    return CLI_OK;
}

/* The built-in examples' networks, as model texts (docs/FORMATS.md) a
 * reader can copy. Matt Mazur's worked 2-2-2 example (2015) is
 * examples/mazur.model (a test checks that both explain the same); %s is
 * its loss: sse, or bce for the cross-entropy example. */
static const char mazur_model[] = "backprop-model 1\n"
                                  "input 2\n"
                                  "layer 2 sigmoid\n"
                                  "layer 2 sigmoid\n"
                                  "loss %s sum\n"
                                  "freeze 0 biases\n"
                                  "freeze 1 biases\n"
                                  "weights 0\n 0.15 0.20\n 0.25 0.30\n"
                                  "biases 0\n 0.35 0.35\n"
                                  "weights 1\n 0.40 0.45\n 0.50 0.55\n"
                                  "biases 1\n 0.60 0.60\n"
                                  "end\n";

/* A step unit computing AND: w1 = w2 = 1, theta = 1.5 (bias -1.5). */
static const char and_model[] = "backprop-model 1\ninput 2\nlayer 1 step\n"
                                "weights 0\n 1 1\nbiases 0\n -1.5\nend\n";

/* The hand-built XOR net: y' = step(x1 + x2 - 1.5),
 * y = step(x1 + x2 - 2 y' - 0.5); x1 and x2 reach the output through
 * hidden units step(x - 0.5) that copy a 0/1 input. */
static const char xor_step_model[] =
    "backprop-model 1\ninput 2\nlayer 3 step\nlayer 1 step\n"
    "weights 0\n 1 0\n 0 1\n 1 1\nbiases 0\n -0.5 -0.5 -1.5\n"
    "weights 1\n 1 1 -2\nbiases 1\n -0.5\nend\n";

/* A sigmoid 2-3-1 net to learn XOR by backpropagation (examples/xor.c);
 * its weights are drawn after loading. */
static const char xor_sigmoid_model[] =
    "backprop-model 1\ninput 2\nlayer 3 sigmoid\nlayer 1 sigmoid\n"
    "loss sse sum\n"
    "weights 0\n 0 0\n 0 0\n 0 0\nbiases 0\n 0 0 0\n"
    "weights 1\n 0 0 0\nbiases 1\n 0\nend\n";

/* A built-in example's model from its text, with room for the four
 * samples of a truth table. NULL after a message. */
static bp_model *example_model(const char *text, const char *name)
{
    bp_model *m = NULL;
    bp_error err;
    if (bp_model_parse(text, strlen(text), name, NULL, &m, &err)) {
        fprintf(stderr, "backprop explain: %s\n", err.msg);
        return NULL;
    }
    if (bp_net_reserve(m->net, 4)) {
        fprintf(stderr, "backprop explain: %s\n", bp_net_errmsg(m->net));
        bp_model_free(m);
        return NULL;
    }
    return m;
}

static const bp_real truth_x[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};

/* The truth table of a net of step units, with each unit's net input. */
static void truth_table(bp_net *net, const bp_real *want, int md)
{
    const int L = bp_net_n_layers(net);
    printf(md ? "\n| x1 | x2 | net | y | want |\n|---|---|---|---|---|\n"
              : "    x1 x2   net of the output      y  want\n");
    for (int i = 0; i < 4; i++) {
        bp_net_forward(net, truth_x[i], 1);
        double z = bp_net_layer_z(net, L - 1)[0], y = bp_net_output(net)[0];
        printf(md ? "| %g | %g | %g | %g | %g |\n"
                  : "     %g  %g   %8.3f              %g   %g\n",
               truth_x[i][0], truth_x[i][1], z, y, want[i]);
    }
}

int example_perceptron(int md)
{
    static const bp_real and_t[4] = {0, 0, 0, 1}, xor_t[4] = {0, 1, 1, 0};
    bp_model *m = example_model(and_model, "and");
    if (!m)
        return CLI_ERR;
    bp_net *net = m->net;
    printf(
        md ? "# The perceptron (Rosenblatt, 1958)\n\nA step unit: $y = 1$ if "
             "$w_1 x_1 + w_2 x_2 \\ge \\theta$, else 0. With $w_1 = w_2 = 1$, "
             "$\\theta = 1.5$ (bias $-1.5$) it computes AND:\n"
           : "The perceptron (Rosenblatt, 1958)\n  a step unit: y = 1 if "
             "w1 x1 + w2 x2 >= theta else 0; w1 = w2 = 1, theta = 1.5 "
             "(bias -1.5) computes AND:\n");
    truth_table(net, and_t, md);

    printf(md ? "\nThe perceptron rule learns it from zero weights: after each "
                "sample, $w \\leftarrow w + \\eta (t - y) x$ and "
                "$b \\leftarrow b + \\eta (t - y)$, with $\\eta = 1$.\n\n"
                "| epoch | w1 | w2 | b |\n|---|---|---|---|\n"
              : "\n  the perceptron rule learns it from zero weights: after "
                "each sample w += lr (t - y) x, b += lr (t - y), lr = 1\n"
                "    epoch    w1    w2     b\n");
    bp_net_set_weight(net, 0, 0, 0, 0);
    bp_net_set_weight(net, 0, 0, 1, 0);
    bp_net_set_bias(net, 0, 0, 0);
    int converged = 0, epoch;
    for (epoch = 1; epoch <= 20 && !converged; epoch++) {
        int ran;
        bp_perceptron_train(net, &truth_x[0][0], and_t, 4, 1.0, 1, &ran,
                            &converged);
        bp_real w1, w2, b;
        bp_net_weight(net, 0, 0, 0, &w1);
        bp_net_weight(net, 0, 0, 1, &w2);
        bp_net_bias(net, 0, 0, &b);
        printf(md ? "| %d | %g | %g | %g |\n" : "    %5d %5g %5g %5g\n", epoch,
               w1, w2, b);
    }
    printf(md ? "\nAn epoch without a mistake: AND is learned.\n"
              : "  an epoch without a mistake: AND is learned.\n");
    truth_table(net, and_t, md);

    int ran;
    bp_net_set_weight(net, 0, 0, 0, 0);
    bp_net_set_weight(net, 0, 0, 1, 0);
    bp_net_set_bias(net, 0, 0, 0);
    bp_perceptron_train(net, &truth_x[0][0], xor_t, 4, 1.0, 1000, &ran,
                        &converged);
    printf(md ? "\nOn XOR the rule is still making mistakes after %d epochs: "
                "no line separates (0,1) and (1,0) from (0,0) and (1,1), so "
                "one layer of step units cannot compute XOR.\n"
              : "\n  on XOR the rule is still making mistakes after %d epochs:"
                " no line separates (0,1),(1,0) from (0,0),(1,1), so one layer"
                " of step units cannot compute XOR.\n",
           ran);
    bp_model_free(m);
    return converged ? CLI_ERR : CLI_OK;
}

int example_xor(const bp_explain_opts *o)
{
    static const bp_real xor_t[4] = {0, 1, 1, 0};
    const int md = o->format == BP_EXPLAIN_MARKDOWN;
    bp_model *m = example_model(xor_step_model, "xor");
    if (!m)
        return CLI_ERR;
    printf(md ? "# XOR\n\nThe hand-built two-layer net: "
                "$y' = step(x_1 + x_2 - 1.5)$, $y = step(x_1 + x_2 - 2y' - "
                "0.5)$.\n"
              : "XOR\n  the hand-built two-layer net: "
                "y' = step(x1 + x2 - 1.5), y = step(x1 + x2 - 2 y' - 0.5)\n");
    truth_table(m->net, xor_t, md);
    bp_model_free(m);

    /* a sigmoid 2-3-1 net learns it by backpropagation: plain gradient
     * descent (a new network's optimizer) at learning rate 2 */
    if (!(m = example_model(xor_sigmoid_model, "xor")))
        return CLI_ERR;
    bp_net *net = m->net;
    bp_net_init(net, BP_INIT_XAVIER_UNIFORM, 7);
    bp_net_set_lr(net, 2.0);
    printf(md ? "\nA sigmoid 2-3-1 network learns XOR by backpropagation. "
                "Its first update, for the sample (1, 0):\n\n"
              : "\n  a sigmoid 2-3-1 network learns XOR by backpropagation; "
                "its first update, for the sample (1, 0):\n");
    bp_explain_opts one = *o;
    one.steps = 1;
    one.order = BP_EXPLAIN_ORDER_STANDARD;
    if (explain_print(net, truth_x[2], &xor_t[2], &one)) {
        bp_model_free(m);
        return CLI_ERR;
    }
    double e = 0;
    const int epochs = 5000;
    for (int i = 0; i < epochs; i++)
        bp_net_train_step(net, &truth_x[0][0], xor_t, 4, BP_ORDER_STANDARD, &e);
    bp_net_forward(net, &truth_x[0][0], 4);
    bp_net_loss(net, xor_t, &e);
    const bp_real *y = bp_net_output(net);
    printf(md ? "\nAfter %d full-batch updates (learning rate 2), E = %.6f:\n\n"
                "| x1 | x2 | out | want |\n|---|---|---|---|\n"
              : "\n  after %d full-batch updates (learning rate 2), E = %.6f:\n"
                "    x1 x2   out      want\n",
           epochs, e);
    int right = 0;
    for (int i = 0; i < 4; i++) {
        right += (y[i] > 0.5) == (xor_t[i] > 0.5);
        printf(md ? "| %g | %g | %.4f | %g |\n" : "     %g  %g   %.4f   %g\n",
               truth_x[i][0], truth_x[i][1], y[i], xor_t[i]);
    }
    bp_model_free(m);
    return right == 4 ? CLI_OK : CLI_ERR;
}

/* The worked example's network for --example mazur (squared error) or
 * cross-entropy (binary cross-entropy), with its sample unless one is
 * given. CLI_USAGE for another name. */
int example_mazur(const char *name, bp_model **m, const char **input,
                  const char **target)
{
    bp_error err;
    if (strcmp(name, "mazur") != 0 && strcmp(name, "cross-entropy") != 0) {
        fprintf(stderr,
                "backprop explain: --example: unknown '%s' (mazur, "
                "cross-entropy, perceptron-and, xor, deep-sigmoid)\n",
                name);
        return CLI_USAGE;
    }
    char text[sizeof mazur_model + 8];
    const int n = snprintf(text, sizeof text, mazur_model,
                           strcmp(name, "cross-entropy") == 0 ? "bce" : "sse");
    if (bp_model_parse(text, (size_t)n, "mazur", NULL, m, &err)) {
        fprintf(stderr, "backprop explain: %s\n", err.msg);
        return CLI_ERR;
    }
    if (!*input)
        *input = "0.05,0.10";
    if (!*target)
        *target = "0.01,0.99";
    return CLI_OK;
}
