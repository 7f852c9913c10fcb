/*
 * cmd_explain.c - `backprop explain`: every number of the forward and
 * backward phase for one sample (a sample given on the command line or
 * picked from a data file), a one-screen summary for a network of any
 * size, one neuron or weight followed through both phases, and the
 * built-in examples and lessons (explain_examples.c, explain_plots.c).
 */
#define _GNU_SOURCE /* getopt_long */
#include "explain.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DRILL 16 /* --neuron and --weight options, each */

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: backprop explain --model FILE (--input X --target T | --data "
        "FILE --sample K)\n"
        "                        [OPTIONS]\n"
        "       backprop explain --example NAME [OPTIONS]\n"
        "       backprop explain --activations -o DIR\n\n"
        "Print every number of the forward and backward phase for one sample:\n"
        "each neuron's net input and output, the error, dE/dout, dout/dnet "
        "and\n"
        "delta of each neuron, every dE/dw as the product of its chain-rule\n"
        "factors, the update, and the error after it. A network of more than\n"
        "--max-weights weights is summarised on one screen instead: per layer\n"
        "the net inputs' and outputs' range and mean, the units saturated or\n"
        "dead, the norms of the deltas, weight gradients, weights and update,\n"
        "and in words what stands out (a vanishing or exploding gradient).\n\n"
        "The sample\n"
        "  --model FILE       a model (text or binary form)\n"
        "  --input X          the sample, comma-separated: 0.05,0.10 (raw: "
        "the\n"
        "                     model's input scaling is applied)\n"
        "  --target T         its target, comma-separated: 0.01,0.99\n"
        "  --data FILE        or a sample from a data file, in any form train "
        "reads\n"
        "                     (CSV/TSV, FANN .data, .bpd, an IDX directory, "
        "gzip),\n"
        "                     read as the model was trained: its target "
        "columns,\n"
        "                     its classes, its input scaling\n"
        "  --sample K         which one: K counts from 1 (the file's first "
        "sample)\n"
        "  --label COL        CSV/TSV: the target column(s), by number or "
        "name\n"
        "  --header H         CSV/TSV: auto, yes or no (default auto)\n"
        "  --split S          an IDX directory's train or t10k split "
        "(default t10k);\n"
        "                     refused for other data, which has no splits\n"
        "  --example NAME     a built-in example instead of a model:\n"
        "                       mazur          Matt Mazur's 2-2-2 network "
        "(2015)\n"
        "                       cross-entropy  the same net with "
        "cross-entropy\n"
        "                       perceptron-and step units and the perceptron "
        "rule\n"
        "                       xor            the hand-built XOR net, then a "
        "sigmoid\n"
        "                                      net learning XOR\n"
        "                       deep-sigmoid   why deep sigmoid networks learn "
        "slowly:\n"
        "                                      6 layers of sigmoid next to 6 "
        "of ReLU\n"
        "What is shown\n"
        "  --full             every number, however large the network\n"
        "  --summary          the one-screen summary, however small the "
        "network\n"
        "  --max-weights N    above N weights, the summary (default 50)\n"
        "  --neuron L:J       one neuron's whole chain: its net input as its "
        "largest\n"
        "                     terms, its output, dE/dout, dout/dnet and "
        "delta.\n"
        "                     L is the layer (1 = the first hidden one), J "
        "the\n"
        "                     neuron, both from 1; or its name: h2.3, o1\n"
        "  --weight L:J:I     one weight's dE/dw as the product of its "
        "factors,\n"
        "                     and its update: the weight from input I of layer "
        "L\n"
        "                     into neuron J (I = b: the bias); or its name: "
        "w12\n"
        "                     (--neuron and --weight may be given up to 16 "
        "times)\n"
        "  --top N            terms of a sum shown one by one (default 5)\n"
        "  --lr R             learning rate of the update shown (default 0.5)\n"
        "  --steps N          also show the error after N updates (default 1)\n"
        "  --order O          standard, layer-wise or both (default both)\n"
        "  --format F         text or markdown (Markdown with LaTeX math)\n"
        "  --check            show each gradient's central finite difference\n"
        "  --activations      draw every activation and its derivative as SVG\n"
        "                     files into the directory -o DIR (with "
        "index.html)\n");
}

typedef struct {
    const char *model, *example, *input, *target;
    const char *data, *label, *header, *split, *output;
    int sample; /* 1-based; 0: none */
    int activations;
    const char *neuron[MAX_DRILL], *weight[MAX_DRILL];
    int n_neuron, n_weight;
    int view_set; /* --full or --summary given */
    bp_explain_opts o;
} explain_args;

enum {
    O_DATA = 256,
    O_SAMPLE,
    O_LABEL,
    O_HEADER,
    O_SPLIT,
    O_FULL,
    O_SUMMARY,
    O_NEURON,
    O_WEIGHT,
    O_TOP,
    O_ACTIVATIONS,
    O_ORDER
};

/* --order and --format. */
static int parse_choice(int c, const char *v, bp_explain_opts *o)
{
    if (c == O_ORDER) {
        if (strcmp(v, "standard") == 0)
            o->order = BP_EXPLAIN_ORDER_STANDARD;
        else if (strcmp(v, "layer-wise") == 0 || strcmp(v, "layerwise") == 0)
            o->order = BP_EXPLAIN_ORDER_LAYERWISE;
        else if (strcmp(v, "both") == 0)
            o->order = BP_EXPLAIN_ORDER_BOTH;
        else {
            fprintf(stderr,
                    "backprop explain: --order: '%s': use "
                    "standard, layer-wise or both\n",
                    v);
            return -1;
        }
    } else if (strcmp(v, "text") == 0) {
        o->format = BP_EXPLAIN_TEXT;
    } else if (strcmp(v, "markdown") == 0 || strcmp(v, "md") == 0) {
        o->format = BP_EXPLAIN_MARKDOWN;
    } else {
        fprintf(stderr,
                "backprop explain: --format: '%s': use text "
                "or markdown\n",
                v);
        return -1;
    }
    return 0;
}

/* A repeated option's value into list[*n]. */
static int add_drill(const char *opt, const char *v, const char **list, int *n)
{
    if (*n == MAX_DRILL) {
        fprintf(stderr, "backprop explain: %s: at most %d of them\n", opt,
                MAX_DRILL);
        return -1;
    }
    list[(*n)++] = v;
    return 0;
}

/* One option; 0 or -1 after a message. */
static int explain_option(int c, char **argv, explain_args *a)
{
    switch (c) {
    case 'm':
        a->model = optarg;
        return 0;
    case 'e':
        a->example = optarg;
        return 0;
    case 'i':
        a->input = optarg;
        return 0;
    case 't':
        a->target = optarg;
        return 0;
    case O_DATA:
        a->data = optarg;
        return 0;
    case O_LABEL:
        a->label = optarg;
        return 0;
    case O_HEADER:
        a->header = optarg;
        return 0;
    case O_SPLIT:
        a->split = optarg;
        return 0;
    case 'o':
        a->output = optarg;
        return 0;
    case O_ACTIVATIONS:
        a->activations = 1;
        return 0;
    case O_SAMPLE:
        return cli_int("explain", "--sample", optarg, 1, INT_MAX, &a->sample)
            ? -1
            : 0;
    case O_FULL:
    case O_SUMMARY:
        a->o.view = c == O_FULL ? BP_EXPLAIN_FULL : BP_EXPLAIN_SUMMARY;
        a->view_set++;
        return 0;
    case O_NEURON:
        return add_drill("--neuron", optarg, a->neuron, &a->n_neuron);
    case O_WEIGHT:
        return add_drill("--weight", optarg, a->weight, &a->n_weight);
    case O_TOP:
        return cli_int("explain", "--top", optarg, 1, 100000, &a->o.top) ? -1
                                                                         : 0;
    case 'l':
        return cli_double("explain", "--lr", optarg, 1e-12, 1e6, &a->o.lr) ? -1
                                                                           : 0;
    case 's':
        return cli_int("explain", "--steps", optarg, 1, 10000000, &a->o.steps)
            ? -1
            : 0;
    case 'w':
        return cli_int("explain", "--max-weights", optarg, 0, 1000000,
                       &a->o.max_weights)
            ? -1
            : 0;
    case O_ORDER:
    case 'f':
        return parse_choice(c, optarg, &a->o);
    case 'c':
        a->o.check = 1;
        return 0;
    case ':':
        fprintf(stderr, "backprop explain: %s needs a value\n",
                argv[optind - 1]);
        return -1;
    default:
        fprintf(stderr,
                "backprop explain: unknown option '%s' (see "
                "backprop explain --help)\n",
                argv[optind - 1]);
        return -1;
    }
}

/* What the options ask must make one request. */
static int explain_check(const explain_args *a)
{
    const char *why = NULL;
    if (a->activations)
        why = !a->output             ? "--activations needs -o DIR"
            : a->model || a->example ? "--activations draws on its own: "
                                       "no --model or --example with it"
                                     : NULL;
    else if (a->output)
        why = "-o DIR goes with --activations";
    else if (!a->model == !a->example)
        why = "give --model FILE or --example NAME (see backprop explain "
              "--help)";
    else if (a->data && (a->input || a->target))
        why = "give the sample with --data and --sample, or with --input and "
              "--target, not both";
    else if (!a->data != !a->sample)
        why = a->data ? "--data needs --sample K (which sample, from 1)"
                      : "--sample needs --data FILE";
    else if (a->data && a->example)
        why = "--data picks a sample for --model; the examples bring their own";
    else if (a->view_set > 1)
        why = "--full and --summary: choose one";
    else if ((a->label || a->header || a->split) && !a->data)
        why = "--label, --header and --split read --data";
    if (why)
        fprintf(stderr, "backprop explain: %s\n", why);
    return why || cli_check_split("explain", a->data, a->split) ? -1 : 0;
}

/* 0, 1 after --help, -1 on a usage error. */
static int explain_parse(int argc, char **argv, explain_args *a)
{
    static const struct option longopts[] = {
        {"model", required_argument, 0, 'm'},
        {"input", required_argument, 0, 'i'},
        {"target", required_argument, 0, 't'},
        {"data", required_argument, 0, O_DATA},
        {"sample", required_argument, 0, O_SAMPLE},
        {"label", required_argument, 0, O_LABEL},
        {"header", required_argument, 0, O_HEADER},
        {"split", required_argument, 0, O_SPLIT},
        {"example", required_argument, 0, 'e'},
        {"full", no_argument, 0, O_FULL},
        {"summary", no_argument, 0, O_SUMMARY},
        {"neuron", required_argument, 0, O_NEURON},
        {"weight", required_argument, 0, O_WEIGHT},
        {"top", required_argument, 0, O_TOP},
        {"lr", required_argument, 0, 'l'},
        {"steps", required_argument, 0, 's'},
        {"order", required_argument, 0, O_ORDER},
        {"format", required_argument, 0, 'f'},
        {"check", no_argument, 0, 'c'},
        {"max-weights", required_argument, 0, 'w'},
        {"activations", no_argument, 0, O_ACTIVATIONS},
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->o = bp_explain_defaults();
    int c;
    optind = 0; /* 0, not 1: glibc then forgets the last argv completely */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 1;
        }
        if (explain_option(c, argv, a))
            return -1;
    }
    if (optind < argc) {
        fprintf(stderr, "backprop explain: unexpected argument '%s'\n",
                argv[optind]);
        return -1;
    }
    return explain_check(a);
}

/* ------------------------------------------------------- the sample */

/* The class of row `row` of ds as the model numbers it, for a model with
 * one sigmoid output and two classes (the file reads as two classes):
 * found by name. -1 after a message. */
static int binary_class(const bp_dataset *ds, const bp_data *d, int64_t row,
                        const bp_model *m, const char *path)
{
    const char *name = bp_dataset_class_name(ds, d->label[row]);
    for (int c = 0; name && c < m->n_classes; c++)
        if (strcmp(name, m->class_names[c]) == 0)
            return c;
    fprintf(stderr,
            "backprop explain: %s: sample %lld's class '%s' is not one "
            "of the model's ('%s', '%s')\n",
            path, (long long)row + 1, name ? name : "?", m->class_names[0],
            m->class_names[1]);
    return -1;
}

/* x and t of one sample of d as the network sees them: inputs from the
 * scaling the file carries to the model's, targets (dense ones) to the
 * network's units. */
static void to_network_units(const bp_dataset *ds, const bp_model *m,
                             bp_real *x, bp_real *t, int dense)
{
    bp_scaler_invert(bp_dataset_scaler(ds, 0), x, 1);
    bp_model_scale(m, x, 1);
    if (dense) {
        bp_scaler_invert(bp_dataset_scaler(ds, 1), t, 1);
        bp_scaler_apply(&m->target_scaler, t, 1);
    }
}

/* Sample a->sample of a->data into x[n_in], t[n_out], read as the model
 * was trained; its description into name[cap]. */
static int data_sample(const explain_args *a, const bp_model *m, bp_real *x,
                       bp_real *t, char *name, size_t cap)
{
    const int n_in = bp_net_n_in(m->net), n_out = bp_net_n_out(m->net);
    const int binary = n_out == 1 && m->n_classes == 2;
    bp_data_opts o = bp_data_defaults();
    o.label = a->label;
    o.split = a->split ? a->split : "t10k";
    o.model = binary ? NULL : m; /* its one output reads as 2 classes */
    if (cli_choice("explain", "--header", a->header, &o.header))
        return CLI_USAGE;
    bp_dataset *ds;
    bp_error err;
    if (cli_data_load("explain", a->data, &o, &ds, &err)) {
        fprintf(stderr, "backprop explain: %s\n", err.msg);
        return CLI_ERR;
    }
    if (cli_check_csv_only("explain", a->data, bp_dataset_format(ds), a->label,
                           a->header)) {
        bp_dataset_free(ds);
        return CLI_USAGE;
    }
    const bp_data d = bp_dataset_data(ds);
    int rc = CLI_ERR;
    if (d.n_out == 0)
        fprintf(stderr,
                "backprop explain: %s: no targets: explain needs the "
                "sample's target (--label COL names its column)\n",
                a->data);
    else if (a->sample > d.n) {
        fprintf(stderr,
                "backprop explain: --sample %d: %s has %lld samples "
                "(--sample 1 to %lld)\n",
                a->sample, a->data, (long long)d.n, (long long)d.n);
        rc = CLI_USAGE;
    } else if (binary && (d.n_in != n_in || !d.label || d.n_out != 2))
        fprintf(stderr,
                "backprop explain: %s: %d inputs and %d classes, but "
                "the model takes %d inputs and has 2 classes\n",
                a->data, d.n_in, d.label ? d.n_out : 0, n_in);
    else {
        const int64_t row = a->sample - 1;
        int c = 0;
        if (binary && (c = binary_class(ds, &d, row, m, a->data)) < 0)
            goto done;
        if (binary) {
            bp_data_gather(&d, NULL, row, 1, x, NULL);
            t[0] = (bp_real)c;
        } else {
            bp_data_gather(&d, NULL, row, 1, x, t);
        }
        to_network_units(ds, m, x, t, !d.label);
        const char *split =
            strcmp(bp_dataset_format(ds), "idx") == 0 ? o.split : NULL;
        snprintf(name, cap, "%d of %s%s%s%s", a->sample, a->data,
                 split ? " (" : "", split ? split : "", split ? ")" : "");
        rc = CLI_OK;
    }
done:
    bp_dataset_free(ds);
    return rc;
}

/* The sample from --input and --target, as the network sees it. */
static int given_sample(const explain_args *a, const bp_model *m, bp_real *x,
                        bp_real *t)
{
    const int n_in = bp_net_n_in(m->net), n_out = bp_net_n_out(m->net);
    int nx = 0, nt = 0;
    if (!a->input || !a->target) {
        fprintf(stderr,
                "backprop explain: give the sample: --input and "
                "--target, or --data FILE --sample K\n");
        return CLI_USAGE;
    }
    if (cli_list("explain", "--input", a->input, x, n_in + 1, &nx) ||
        cli_list("explain", "--target", a->target, t, n_out + 1, &nt))
        return CLI_USAGE;
    if (nx != n_in || nt != n_out) {
        fprintf(stderr,
                "backprop explain: the model takes %d inputs and "
                "gives %d outputs; --input has %d%s and --target %d%s\n",
                n_in, n_out, nx, nx > n_in ? " or more" : "", nt,
                nt > n_out ? " or more" : "");
        return CLI_USAGE;
    }
    bp_model_scale(m, x, 1);
    /* the network learned scaled targets: explain in its units */
    bp_scaler_apply(&m->target_scaler, t, 1);
    return CLI_OK;
}

/* ------------------------------------------------------ drill-downs */

/* A count as the user writes one: 1 to 9 digits, nothing else (no sign,
 * space or exponent; never wrapped), from s up to stop (or the end). The
 * pointer past it, or NULL. */
static const char *count_of(const char *s, char stop, int *v)
{
    int n = 0, digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++)
        if (digits < 9)
            n = n * 10 + (*s - '0');
    if (digits == 0 || digits > 9 || *s != stop)
        return NULL;
    *v = n;
    return s;
}

/* A neuron by name (h2.3, h3, o1) or as L:J, 1-based, into 0-based l, j.
 * Range checks are bp_explain_neuron's. -1 after a message. */
static int parse_neuron(const char *s, const bp_net *net, int *l, int *j)
{
    const int L = bp_net_n_layers(net);
    const char *p;
    if ((p = count_of(s, ':', l)) && count_of(p + 1, '\0', j))
        ;
    else if (s[0] == 'o' && count_of(s + 1, '\0', j))
        *l = L;
    else if (s[0] == 'h' && (p = count_of(s + 1, '.', l)) &&
             count_of(p + 1, '\0', j))
        ;
    else if (s[0] == 'h' && L == 2 && count_of(s + 1, '\0', j))
        *l = 1;
    else {
        fprintf(stderr,
                "backprop explain: --neuron %s: use L:J (layer, "
                "neuron, from 1) or a name: %s, o1\n",
                s, L == 2 ? "h1" : "h1.1");
        return -1;
    }
    --*l, --*j;
    return 0;
}

/* A weight as L:J:I, L:J:b (the bias), wN or b_<neuron>, into 0-based l,
 * j and k (k = n_in: the bias). Range checks are bp_explain_weight's. -1
 * after a message. */
static int parse_weight(const char *s, const bp_net *net, int *l, int *j,
                        int *k)
{
    const char *p = count_of(s, ':', l);
    if (p)
        p = count_of(p + 1, ':', j);
    if (p && count_of(p + 1, '\0', k)) {
        --*l, --*j, --*k;
        bp_layer_desc d;
        int n_in;
        if (bp_net_layer(net, *l, &d, &n_in) == BP_OK && *k == n_in) {
            fprintf(stderr,
                    "backprop explain: --weight %s: layer %d has %d "
                    "inputs (%d:%d:b is the bias)\n",
                    s, *l + 1, n_in, *l + 1, *j + 1);
            return -1;
        }
        return 0;
    }
    int bias = p && strcmp(p + 1, "b") == 0;
    if (bias)
        --*l, --*j;
    else if (strncmp(s, "b_", 2) == 0 && s[2])
        bias = parse_neuron(s + 2, net, l, j) == 0;
    if (bias) {
        bp_layer_desc d;
        if (bp_net_layer(net, *l, &d, k) != BP_OK)
            *k = 0; /* no such layer: bp_explain_weight says so */
        return 0;
    }
    long n = 0;
    int digits = 0;
    for (p = s + 1; s[0] == 'w' && *p >= '0' && *p <= '9'; p++, digits++)
        n = digits < 12 ? n * 10 + (*p - '0') : n;
    if (s[0] == 'w' && digits && !*p && n >= 1) {
        for (*l = 0; digits <= 12 && *l < bp_net_n_layers(net); ++*l) {
            int n_in;
            bp_layer_desc d;
            bp_net_layer(net, *l, &d, &n_in);
            if (n <= (long)d.n_out * n_in) {
                *j = (int)((n - 1) / n_in);
                *k = (int)((n - 1) % n_in);
                return 0;
            }
            n -= (long)d.n_out * n_in;
        }
        fprintf(stderr,
                "backprop explain: --weight %s: there is no such "
                "weight (w counts the weights, not the biases)\n",
                s);
        return -1;
    }
    fprintf(stderr,
            "backprop explain: --weight %s: use L:J:I (layer, neuron, "
            "input, from 1; I = b for the bias) or a name: w12, b_o1\n",
            s);
    return -1;
}

/* Each --neuron and --weight, in the order given. */
static int drill(const explain_args *a, bp_net *net, const bp_real *x,
                 const bp_real *t)
{
    bp_error err;
    for (int i = 0; i < a->n_neuron + a->n_weight; i++) {
        const int is_n = i < a->n_neuron;
        const char *spec = is_n ? a->neuron[i] : a->weight[i - a->n_neuron];
        int l, j, k;
        if (is_n ? parse_neuron(spec, net, &l, &j)
                 : parse_weight(spec, net, &l, &j, &k))
            return CLI_USAGE;
        if (i || a->view_set)
            printf("\n");
        bp_status st = is_n ? bp_explain_neuron(net, x, t, l, j, &a->o,
                                                cli_write_file, stdout, &err)
                            : bp_explain_weight(net, x, t, l, j, k, &a->o,
                                                cli_write_file, stdout, &err);
        if (st) {
            const char *msg = err.msg;
            if (strncmp(msg, "explain: ", 9) == 0)
                msg += 9;
            fprintf(stderr, "backprop explain: %s %s: %s\n",
                    is_n ? "--neuron" : "--weight", spec, msg);
            return st == BP_ERR_ARG ? CLI_USAGE : CLI_ERR;
        }
    }
    return CLI_OK;
}

/* --------------------------------------------------------- the command */

static int explain_run(explain_args *a, bp_model *m)
{
    const int n_in = bp_net_n_in(m->net), n_out = bp_net_n_out(m->net);
    bp_real *x = malloc(sizeof *x * ((size_t)n_in + 1));
    bp_real *t = malloc(sizeof *t * ((size_t)n_out + 2));
    char name[512];
    int rc = CLI_ERR;
    if (!x || !t)
        fprintf(stderr, "backprop explain: out of memory\n");
    else if ((rc = a->data ? data_sample(a, m, x, t, name, sizeof name)
                           : given_sample(a, m, x, t)) == CLI_OK) {
        a->o.sample = a->data ? name : NULL;
        a->o.n_classes = m->n_classes;
        a->o.class_names = (const char *const *)m->class_names;
        if (a->view_set || !(a->n_neuron + a->n_weight))
            rc = explain_print(m->net, x, t, &a->o);
        if (rc == CLI_OK)
            rc = drill(a, m->net, x, t);
    }
    free(x);
    free(t);
    return rc;
}

int cmd_explain(int argc, char **argv)
{
    explain_args a;
    int rc = explain_parse(argc, argv, &a);
    if (rc)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    if (a.activations)
        return explain_activations(a.output);
    const int md = a.o.format == BP_EXPLAIN_MARKDOWN;
    if (a.example && strcmp(a.example, "perceptron-and") == 0)
        return example_perceptron(md);
    if (a.example && strcmp(a.example, "xor") == 0)
        return example_xor(&a.o);
    if (a.example && strcmp(a.example, "deep-sigmoid") == 0)
        return example_deep_sigmoid(&a.o);
    bp_model *m = NULL;
    bp_error err;
    if (a.example)
        rc = example_mazur(a.example, &m, &a.input, &a.target);
    else if ((rc = bp_model_load(a.model, NULL, &m, &err) ? CLI_ERR : CLI_OK))
        fprintf(stderr, "backprop explain: %s\n", err.msg);
    if (rc == CLI_OK)
        rc = explain_run(&a, m);
    bp_model_free(m);
    return rc;
}
