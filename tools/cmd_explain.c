/*
 * cmd_explain.c - `backprop explain`: every number of the forward and
 * backward phase for one sample, and the seeds' built-in examples.
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The built-in examples' networks, as model texts (docs/FORMATS.md) a
 * reader can copy. The seeds' 2-2-2 network (seeds 003 and 004) is
 * examples/mazur.model (a test checks that both explain the same); %s is
 * its loss: sse, or bce for the cross-entropy example. */
static const char mazur_model[] =
    "backprop-model 1\n"
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
static const char and_model[] =
    "backprop-model 1\ninput 2\nlayer 1 step\n"
    "weights 0\n 1 1\nbiases 0\n -1.5\nend\n";

/* The seed's hand-built XOR net: y' = step(x1 + x2 - 1.5),
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

static void usage(FILE *f)
{
    fprintf(f,
        "usage: backprop explain (--model FILE --input X --target T | --example NAME)\n"
        "                        [OPTIONS]\n\n"
        "Print every number of the forward and backward phase for one sample:\n"
        "each neuron's net input and output, the error, dE/dout, dout/dnet and\n"
        "delta of each neuron, every dE/dw as the product of its chain-rule\n"
        "factors, the update, and the error after it.\n\n"
        "  --model FILE       a model (text or binary form)\n"
        "  --input X          the sample, comma-separated: 0.05,0.10\n"
        "  --target T         its target, comma-separated: 0.01,0.99\n"
        "  --example NAME     a built-in example instead of a model:\n"
        "                       mazur          the seeds' 2-2-2 network (seeds 003, 004)\n"
        "                       cross-entropy  the same net with cross-entropy (seed 000)\n"
        "                       perceptron-and step units and the perceptron rule (seed 004)\n"
        "                       xor            the hand-built XOR net, then a sigmoid\n"
        "                                      net learning XOR (seed 004)\n"
        "  --lr R             learning rate of the update shown (default 0.5)\n"
        "  --steps N          also show the error after N updates (default 1)\n"
        "  --order O          standard, seeds or both (default both)\n"
        "  --format F         text or markdown (Markdown with LaTeX math)\n"
        "  --check            show each gradient's central finite difference\n"
        "  --max-weights N    above N weights, summarise per layer (default 50)\n");
}

static int explain_model(bp_net *net, const bp_real *x, const bp_real *t,
                         const bp_explain_opts *o)
{
    bp_error err;
    if (bp_explain(net, x, t, o, cli_write_file, stdout, &err)) {
        fprintf(stderr, "backprop explain: %s\n", err.msg);
        return CLI_ERR;
    }
    return CLI_OK;
}

/* A built-in example's model from its text, with room for the four
 * samples of a truth table. NULL after a message. */
static bp_model *example_model(const char *text, const char *name)
{
    bp_model *m = NULL;
    bp_error err;
    if (bp_model_parse(text, strlen(text), name, &m, &err)) {
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

static int example_perceptron(int md)
{
    static const bp_real and_t[4] = {0, 0, 0, 1}, xor_t[4] = {0, 1, 1, 0};
    bp_model *m = example_model(and_model, "and");
    if (!m)
        return CLI_ERR;
    bp_net *net = m->net;
    printf(md ? "# The perceptron (seed 004)\n\nA step unit: $y = 1$ if "
                "$w_1 x_1 + w_2 x_2 \\ge \\theta$, else 0. With $w_1 = w_2 = 1$, "
                "$\\theta = 1.5$ (bias $-1.5$) it computes AND:\n"
              : "The perceptron (seed 004)\n  a step unit: y = 1 if "
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
        bp_net_get_weight(net, 0, 0, 0, &w1);
        bp_net_get_weight(net, 0, 0, 1, &w2);
        bp_net_get_bias(net, 0, 0, &b);
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

static int example_xor(const bp_explain_opts *o)
{
    static const bp_real xor_t[4] = {0, 1, 1, 0};
    const int md = o->format == BP_EXPLAIN_MARKDOWN;
    bp_model *m = example_model(xor_step_model, "xor");
    if (!m)
        return CLI_ERR;
    printf(md ? "# XOR (seed 004)\n\nThe hand-built two-layer net: "
                "$y' = step(x_1 + x_2 - 1.5)$, $y = step(x_1 + x_2 - 2y' - 0.5)$.\n"
              : "XOR (seed 004)\n  the hand-built two-layer net: "
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
    if (explain_model(net, truth_x[2], &xor_t[2], &one)) {
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
                "    x1 x2   out      want\n", epochs, e);
    int right = 0;
    for (int i = 0; i < 4; i++) {
        right += (y[i] > 0.5) == (xor_t[i] > 0.5);
        printf(md ? "| %g | %g | %.4f | %g |\n" : "     %g  %g   %.4f   %g\n",
               truth_x[i][0], truth_x[i][1], y[i], xor_t[i]);
    }
    bp_model_free(m);
    return right == 4 ? CLI_OK : CLI_ERR;
}

typedef struct {
    const char *model, *example, *input, *target;
    bp_explain_opts o;
} explain_args;

/* --order and --format. */
static int parse_choice(int c, const char *v, bp_explain_opts *o)
{
    if (c == 'o') {
        if (strcmp(v, "standard") == 0)
            o->order = BP_EXPLAIN_ORDER_STANDARD;
        else if (strcmp(v, "seeds") == 0)
            o->order = BP_EXPLAIN_ORDER_SEEDS;
        else if (strcmp(v, "both") == 0)
            o->order = BP_EXPLAIN_ORDER_BOTH;
        else {
            fprintf(stderr, "backprop explain: --order: '%s': use "
                    "standard, seeds or both\n", v);
            return -1;
        }
    } else if (strcmp(v, "text") == 0) {
        o->format = BP_EXPLAIN_TEXT;
    } else if (strcmp(v, "markdown") == 0 || strcmp(v, "md") == 0) {
        o->format = BP_EXPLAIN_MARKDOWN;
    } else {
        fprintf(stderr, "backprop explain: --format: '%s': use text "
                "or markdown\n", v);
        return -1;
    }
    return 0;
}

/* 0, 1 after --help, -1 on a usage error. */
static int explain_parse(int argc, char **argv, explain_args *a)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'},
        {"input", required_argument, 0, 'i'},
        {"target", required_argument, 0, 't'},
        {"example", required_argument, 0, 'e'},
        {"lr", required_argument, 0, 'l'},
        {"steps", required_argument, 0, 's'},
        {"order", required_argument, 0, 'o'},
        {"format", required_argument, 0, 'f'},
        {"check", no_argument, 0, 'c'},
        {"max-weights", required_argument, 0, 'w'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->o = bp_explain_defaults();
    int c, bad = 0;
    optind = 0; /* 0, not 1: glibc then forgets the last argv completely */
    opterr = 0;
    while (!bad && (c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': a->model = optarg; break;
        case 'e': a->example = optarg; break;
        case 'i': a->input = optarg; break;
        case 't': a->target = optarg; break;
        case 'l':
            bad = cli_double("explain", "--lr", optarg, 1e-12, 1e6, &a->o.lr);
            break;
        case 's':
            bad = cli_int("explain", "--steps", optarg, 1, 10000000,
                          &a->o.steps);
            break;
        case 'w':
            bad = cli_int("explain", "--max-weights", optarg, 0, 1000000,
                          &a->o.max_weights);
            break;
        case 'o':
        case 'f': bad = parse_choice(c, optarg, &a->o); break;
        case 'c': a->o.check = 1; break;
        case 'h': usage(stdout); return 1;
        case ':':
            fprintf(stderr, "backprop explain: %s needs a value\n",
                    argv[optind - 1]);
            return -1;
        default:
            fprintf(stderr, "backprop explain: unknown option '%s' (see "
                    "backprop explain --help)\n", argv[optind - 1]);
            return -1;
        }
    }
    if (bad)
        return -1;
    if (optind < argc) {
        fprintf(stderr, "backprop explain: unexpected argument '%s'\n",
                argv[optind]);
        return -1;
    }
    if (!a->model == !a->example) {
        fprintf(stderr, "backprop explain: give --model FILE or --example "
                "NAME (see backprop explain --help)\n");
        return -1;
    }
    return 0;
}

/* The model to explain: --model, or the worked example's network (with
 * its sample unless one is given). */
static int explain_load(explain_args *a, bp_model **m)
{
    bp_error err;
    if (!a->example) {
        if (bp_model_load(a->model, m, &err) == BP_OK)
            return CLI_OK;
        fprintf(stderr, "backprop explain: %s\n", err.msg);
        return CLI_ERR;
    }
    if (strcmp(a->example, "mazur") != 0 &&
        strcmp(a->example, "cross-entropy") != 0) {
        fprintf(stderr, "backprop explain: --example: unknown '%s' (mazur, "
                "cross-entropy, perceptron-and, xor)\n", a->example);
        return CLI_USAGE;
    }
    char text[sizeof mazur_model + 8];
    const int n = snprintf(text, sizeof text, mazur_model,
                           strcmp(a->example, "cross-entropy") == 0 ? "bce"
                                                                    : "sse");
    if (bp_model_parse(text, (size_t)n, "mazur", m, &err)) {
        fprintf(stderr, "backprop explain: %s\n", err.msg);
        return CLI_ERR;
    }
    if (!a->input)
        a->input = "0.05,0.10";
    if (!a->target)
        a->target = "0.01,0.99";
    return CLI_OK;
}

int cmd_explain(int argc, char **argv)
{
    explain_args a;
    int rc = explain_parse(argc, argv, &a);
    if (rc)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    if (a.example && strcmp(a.example, "perceptron-and") == 0)
        return example_perceptron(a.o.format == BP_EXPLAIN_MARKDOWN);
    if (a.example && strcmp(a.example, "xor") == 0)
        return example_xor(&a.o);
    bp_model *m = NULL;
    if ((rc = explain_load(&a, &m)) != CLI_OK)
        return rc;
    bp_real x[64], t[64];
    int nx = 0, nt = 0;
    rc = CLI_USAGE;
    if (!a.input || !a.target)
        fprintf(stderr, "backprop explain: --input and --target are needed "
                "with --model\n");
    else if (cli_list("explain", "--input", a.input, x, 64, &nx) ||
             cli_list("explain", "--target", a.target, t, 64, &nt))
        ;
    else if (nx != bp_net_n_in(m->net) || nt != bp_net_n_out(m->net))
        fprintf(stderr, "backprop explain: the model takes %d inputs and "
                "gives %d outputs; --input has %d and --target %d\n",
                bp_net_n_in(m->net), bp_net_n_out(m->net), nx, nt);
    else {
        bp_model_scale(m, x, 1);
        /* the network learned scaled targets: explain in its units */
        bp_scaler_apply(&m->target_scaler, t, 1);
        rc = explain_model(m->net, x, t, &a.o);
    }
    bp_model_free(m);
    return rc;
}
