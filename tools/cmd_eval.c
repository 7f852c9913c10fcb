/*
 * cmd_eval.c - `backprop eval` and `backprop predict`: a saved model on
 * new data. eval measures (loss, accuracy, per-class precision and recall,
 * confusion matrix; or squared and absolute error and R^2); predict
 * writes one line of outputs per sample.
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"
#include "plot.h"
#include "text.h"

#include <getopt.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *model, *data, *label, *header, *output, *plot, *regions;
    const char *kernel;
    int json, proba;
} args;

/* eval and predict read one option table; an option of the other
 * command is refused, never ignored (eval -o would exit 0 with no file). */
static int foreign(const char *cmd, const char *opt)
{
    const char *owner = strcmp(cmd, "eval") ? "eval" : "predict";
    fprintf(stderr,
            "backprop %s: %s is an option of %s, not of %s (see "
            "backprop %s --help)\n",
            cmd, opt, owner, cmd, cmd);
    return -1;
}

static int parse(const char *cmd, int argc, char **argv, args *a,
                 void (*usage)(FILE *))
{
    const int predict = !strcmp(cmd, "predict");
    enum {
        O_MODEL = 256,
        O_DATA,
        O_LABEL,
        O_HEADER,
        O_OUT,
        O_JSON,
        O_HELP,
        O_PLOT,
        O_REGIONS,
        O_PROBA,
        O_KERNEL
    };
    static const struct option lo[] = {{"model", 1, 0, O_MODEL},
                                       {"data", 1, 0, O_DATA},
                                       {"test", 1, 0, O_DATA},
                                       {"label", 1, 0, O_LABEL},
                                       {"header", 1, 0, O_HEADER},
                                       {"output", 1, 0, O_OUT},
                                       {"json", 0, 0, O_JSON},
                                       {"help", 0, 0, O_HELP},
                                       {"plot", 1, 0, O_PLOT},
                                       {"regions", 1, 0, O_REGIONS},
                                       {"proba", 0, 0, O_PROBA},
                                       {"kernel", 1, 0, O_KERNEL},
                                       {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    optind = 0; /* 0, not 1: glibc then forgets the last argv completely */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:", lo, NULL)) != -1) {
        switch (c) {
        case O_MODEL:
            a->model = optarg;
            break;
        case O_DATA:
            a->data = optarg;
            break;
        case O_LABEL:
            a->label = optarg;
            break;
        case O_HEADER:
            a->header = optarg;
            break;
        case 'o':
        case O_OUT:
            if (!predict)
                return foreign(cmd, c == 'o' ? "-o" : "--output");
            a->output = strcmp(optarg, "-") ? optarg : NULL; /* stdout */
            break;
        case O_PROBA:
            if (!predict)
                return foreign(cmd, "--proba");
            a->proba = 1;
            break;
        case O_JSON:
        case O_PLOT:
        case O_REGIONS:
            if (predict)
                return foreign(cmd,
                               c == O_JSON       ? "--json"
                                   : c == O_PLOT ? "--plot"
                                                 : "--regions");
            if (c == O_JSON)
                a->json = 1;
            else if (c == O_PLOT)
                a->plot = optarg;
            else
                a->regions = optarg;
            break;
        case O_KERNEL:
            if (cli_kernel(cmd, optarg))
                return -1;
            a->kernel = optarg;
            break;
        case O_HELP:
            usage(stdout);
            return 1;
        case ':':
            fprintf(stderr, "backprop %s: %s needs a value\n", cmd,
                    argv[optind - 1]);
            return -1;
        default:
            fprintf(stderr,
                    "backprop %s: unknown option '%s' (see backprop %s "
                    "--help)\n",
                    cmd, argv[optind - 1], cmd);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "backprop %s: unexpected argument '%s'\n", cmd,
                argv[optind]);
        return -1;
    }
    if (!a->model || !a->data) {
        fprintf(stderr,
                "backprop %s: --model FILE and --data FILE are needed\n", cmd);
        return -1;
    }
    return 0;
}

/* A model of two classes with one logistic output and binary
 * cross-entropy (as scikit-learn builds them and the Python package
 * saves them) becomes the two-output softmax it equals: softmax(0, z) =
 * (1 - sigmoid(z), sigmoid(z)), and the cross-entropy of that is the
 * binary one. Every path below for classes then serves it unchanged. */
static bp_status binary_as_softmax(bp_model *m, bp_error *err)
{
    bp_net *net = m->net, *two = NULL;
    const int L = bp_net_n_layers(net);
    bp_layer_desc top;
    bp_loss loss;
    bp_net_layer(net, L - 1, &top, NULL);
    bp_net_loss_kind(net, &loss, NULL);
    /* the logistic unit, found by the table: the one output activation
     * binary cross-entropy pairs with (its canonical link) */
    const bp_act_info *ai = bp_act_describe(top.act);
    if (m->n_classes != 2 || top.n_out != 1 || !ai ||
        ai->out_loss != BP_LOSS_BCE || (ai->flags & BP_ACTF_ROWWISE) ||
        loss != BP_LOSS_BCE)
        return BP_OK;
    bp_layer_desc *d = malloc((size_t)L * sizeof *d);
    if (!d) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return BP_ERR_NOMEM;
    }
    for (int l = 0; l < L - 1; l++)
        bp_net_layer(net, l, &d[l], NULL);
    d[L - 1] = (bp_layer_desc){2, BP_ACT_SOFTMAX, 0};
    bp_status st = bp_net_create(bp_net_n_in(net), L, d, NULL, &two, err);
    free(d);
    if (st)
        return st;
    size_t w, b, w2, b2;
    bp_net_layer_offsets(net, L - 1, &w, &b);
    bp_net_layer_offsets(two, L - 1, &w2, &b2);
    const bp_real *p = bp_net_params(net);
    bp_real *q = bp_net_params(two); /* zero: class 0's row and bias */
    memcpy(q, p, w * sizeof *p);     /* the layers below, as they were */
    memcpy(q + w2 + (b - w), p + w, (b - w) * sizeof *p);
    q[b2 + 1] = p[b];
    bp_net_set_loss(two, BP_LOSS_CE, BP_REDUCE_MEAN);
    m->net = two;
    bp_net_free(net);
    return BP_OK;
}

/* Load the model and the data, read as the model was trained (its target
 * columns, its classes in its order; a CSV of its input width is inputs
 * alone), the inputs scaled (a mapped file in a copy). raw, if not NULL,
 * gets a copy of the inputs before scaling. -1: bad input, -2: usage. */
static int load(const char *cmd, const args *a, bp_model **m, bp_dataset **ds,
                bp_real **raw)
{
    bp_error err;
    if (bp_model_load(a->model, NULL, m, &err) || binary_as_softmax(*m, &err)) {
        fprintf(stderr, "backprop %s: %s\n", cmd, err.msg);
        return -1;
    }
    if (a->kernel && bp_net_set_kernel((*m)->net, a->kernel)) {
        fprintf(stderr, "backprop %s: --kernel %s: %s\n", cmd, a->kernel,
                bp_net_errmsg((*m)->net));
        return -1;
    }
    bp_data_opts o = bp_data_defaults();
    o.label = a->label;
    o.split = "t10k";
    o.model = *m;
    if (cli_choice(cmd, "--header", a->header, &o.header))
        return -2;
    if (cli_data_load(cmd, a->data, &o, ds, &err)) {
        fprintf(stderr, "backprop %s: %s\n", cmd, err.msg);
        return -1;
    }
    if (cli_check_csv_only(cmd, a->data, bp_dataset_format(*ds), a->label,
                           a->header))
        return -2;
    const bp_data d = bp_dataset_data(*ds);
    if (raw) {
        size_t bytes = (size_t)d.n * (size_t)d.n_in * sizeof **raw;
        if (!(*raw = malloc(bytes))) {
            fprintf(stderr, "backprop %s: out of memory\n", cmd);
            return -1;
        }
        memcpy(*raw, d.x, bytes);
    }
    if (bp_dataset_scale(*ds, &(*m)->scaler, NULL, &err)) {
        fprintf(stderr, "backprop %s: %s\n", cmd, err.msg);
        return -1;
    }
    return bp_net_reserve((*m)->net, d.n < 256 ? (int)d.n : 256) ? -1 : 0;
}

static int argmax(const bp_real *v, int n)
{
    int b = 0;
    for (int j = 1; j < n; j++)
        if (v[j] > v[b])
            b = j;
    return b;
}

/* ------------------------------------------------------------------ eval */

static void eval_usage(FILE *f)
{
    fprintf(f,
            "usage: backprop eval --model FILE --data FILE|DIR|- [--label COL] "
            "[--json]\n                     [--header auto|yes|no] "
            "[--plot CONFUSION.svg]\n                     "
            "[--regions REGIONS.svg]\n\n"
            "Measure a model on labelled data (an IDX directory is read "
            "from its t10k\nsplit): the loss, and for classes the "
            "accuracy, each class's precision,\nrecall and F1 and the "
            "confusion matrix; for numbers, each output's mean\nsquared "
            "error, its root, the mean absolute error and R^2, in the "
            "data's\nunits. --json prints the same as one JSON object. "
            "--plot draws the\nconfusion matrix as a heat map; --regions, "
            "for a model with two inputs,\nits decision regions with the "
            "data points. --kernel NAME runs it on that\nkernel (auto, or "
            "one `backprop info --kernels` lists). --label COL (the\n"
            "target columns, by number or name; default: those the model "
            "was trained\nwith; under a header the inputs too are found by "
            "name, in any order)\nand --header are for CSV/TSV data, and "
            "refused for other data.\n");
}

/* The loss as trained (on targets scaled as the network learned them)
 * and the outputs out[n][n_out] in the targets' own units. */
static int measure(bp_model *m, const bp_data *d, bp_real *out, double *loss)
{
    const bp_scaler *ts = &m->target_scaler;
    bp_data scaled = *d; /* class indices go as they are */
    bp_real *t = NULL;
    if (ts->kind != BP_SCALING_NONE && d->t) {
        const size_t bytes = (size_t)d->n * (size_t)d->n_out * sizeof *t;
        if (!(t = malloc(bytes)))
            return -1;
        memcpy(t, d->t, bytes);
        bp_scaler_apply(ts, t, d->n);
        scaled.t = t;
    }
    double acc;
    int rc = bp_net_evaluate(m->net, &scaled, loss, &acc) ||
            bp_net_predict(m->net, d->x, (int)d->n, out)
        ? -1
        : 0;
    bp_scaler_invert(ts, out, d->n);
    free(t);
    return rc;
}

/* The loss line: the value and which loss it is, on the targets as the
 * network learned them (scaled, when the model scales its targets). */
static void print_loss(const bp_model *m, int n, double loss, int json)
{
    bp_loss lk;
    bp_reduction red;
    bp_net_loss_kind(m->net, &lk, &red);
    const int scaled = m->target_scaler.kind != BP_SCALING_NONE;
    char words[160];
    if (json) {
        printf("{\"samples\":%d,\"loss\":%.9g,\"loss_name\":", n, loss);
        cli_json_string(stdout, bp_loss_name(lk));
        printf(",\"loss_reduction\":\"%s\",\"loss_on_scaled_targets\":%s",
               red == BP_REDUCE_MEAN ? "mean" : "sum",
               scaled ? "true" : "false");
    } else {
        printf("samples   %d\nloss      %.6f (%s, %s over the samples%s)\n", n,
               loss, cli_loss_text(lk, words, sizeof words),
               red == BP_REDUCE_MEAN ? "mean" : "summed",
               scaled ? ", on the targets scaled as in training" : "");
    }
}

/* The width that shows the longest of the k names whole, within lo..hi. */
static int name_width(char *const *names, int k, int lo, int hi)
{
    int w = lo;
    for (int j = 0; j < k; j++) {
        int n = (int)strlen(names[j]);
        w = n > w ? n : w;
    }
    return w < hi ? w : hi;
}

/* A class name in a text table: w bytes, cut or padded, left- or
 * right-aligned, control characters (a name may hold a line break)
 * shown as '?'. */
static void put_name(const char *s, int w, int right)
{
    int n = (int)strlen(s);
    n = n < w ? n : w;
    if (right)
        printf("%*s", w - n, "");
    for (int i = 0; i < n; i++)
        putchar((unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i]);
    if (!right)
        printf("%*s", w - n, "");
}

/* Precision, recall, F1 and support of each class, from conf[true][pred]. */
static void print_class_metrics(const long *conf, int k, char *const *names,
                                int json)
{
    const int w = name_width(names, k, 16, 40);
    if (!json)
        printf("\n%-*s %9s %9s %9s %8s\n", w, "class", "precision", "recall",
               "f1", "support");
    for (int j = 0; j < k; j++) {
        long tp = conf[j * k + j], col = 0, row = 0;
        for (int i = 0; i < k; i++) {
            col += conf[i * k + j];
            row += conf[j * k + i];
        }
        double p = col ? (double)tp / col : 0, r = row ? (double)tp / row : 0;
        double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
        if (json) {
            printf("%s{\"name\":", j ? "," : "");
            cli_json_string(stdout, names[j]);
            printf(",\"precision\":%.6g,\"recall\":%.6g,\"f1\":%.6g,"
                   "\"support\":%ld}",
                   p, r, f1, row);
        } else {
            put_name(names[j], w, 0);
            printf(" %9.4f %9.4f %9.4f %8ld\n", p, r, f1, row);
        }
    }
}

/* The confusion matrix as text (up to 20 classes) or JSON. */
static void print_confusion(const long *conf, int k, char *const *names,
                            int json)
{
    if (json) {
        printf("],\"confusion\":[");
        for (int i = 0; i < k; i++) {
            printf("%s[", i ? "," : "");
            for (int j = 0; j < k; j++)
                printf("%s%ld", j ? "," : "", conf[i * k + j]);
            printf("]");
        }
        printf("]");
        return;
    }
    if (k > 20)
        return;
    long most = 0;
    for (int i = 0; i < k * k; i++)
        most = conf[i] > most ? conf[i] : most;
    int cw = snprintf(NULL, 0, "%ld", most);
    cw = name_width(names, k, cw > 6 ? cw : 6, 24);
    const int rw = name_width(names, k, 8, 24);
    printf("\nconfusion (rows: true class, columns: predicted)\n%*s", rw, "");
    for (int j = 0; j < k; j++) {
        putchar(' ');
        put_name(names[j], cw, 1);
    }
    printf("\n");
    for (int i = 0; i < k; i++) {
        put_name(names[i], rw, 1);
        for (int j = 0; j < k; j++)
            printf(" %*ld", cw, conf[i * k + j]);
        printf("\n");
    }
}

/* Classes: accuracy, per-class metrics and the confusion matrix; the
 * matrix conf[k][k] (true, predicted) is returned for the plot. */
static long *eval_classes(const bp_data *d, const bp_real *out,
                          const bp_model *m, int json)
{
    const int k = d->n_out;
    long *conf = calloc((size_t)k * k, sizeof *conf);
    if (!conf) {
        fprintf(stderr, "backprop eval: out of memory\n");
        return NULL;
    }
    for (int64_t i = 0; i < d->n; i++)
        conf[(size_t)d->label[i] * (size_t)k +
             (size_t)argmax(out + (size_t)i * k, k)]++;
    long right = 0;
    for (int j = 0; j < k; j++)
        right += conf[j * k + j];
    if (json)
        printf(",\"accuracy\":%.9g,\"classes\":[", (double)right / d->n);
    else
        printf("accuracy  %.2f%%\n", 100.0 * right / d->n);
    print_class_metrics(conf, k, m->class_names, json);
    print_confusion(conf, k, m->class_names, json);
    return conf;
}

/* Output j's name: the training file's target column, when the model
 * remembers it, else NULL. */
static const char *target_name(const bp_model *m, int j)
{
    if (m->n_classes || m->n_targets != bp_net_n_out(m->net) ||
        !m->target_names || !m->target_names[j] || !m->target_names[j][0])
        return NULL;
    return m->target_names[j];
}

/* Numbers: per output, the mean squared error, its root, the mean
 * absolute error and R^2, in the units of the data. */
static void eval_regression(const bp_model *m, const bp_data *d,
                            const bp_real *out, int json)
{
    const int k = d->n_out;
    for (int j = 0; j < k; j++) {
        double mean = 0, se = 0, ae = 0, var = 0;
        for (int i = 0; i < d->n; i++)
            mean += d->t[(size_t)i * k + j];
        mean /= d->n;
        for (int i = 0; i < d->n; i++) {
            double t = d->t[(size_t)i * k + j];
            double e = out[(size_t)i * k + j] - t;
            se += e * e;
            ae += fabs(e);
            var += (t - mean) * (t - mean);
        }
        const double mse = se / d->n, mae = ae / d->n;
        const double r2 = var > 0 ? 1 - se / var : NAN;
        const char *name = target_name(m, j);
        if (json) { /* NaN is not JSON: null */
            printf(",\"output%d\":{", j + 1);
            if (name) {
                printf("\"name\":");
                cli_json_string(stdout, name);
                printf(",");
            }
            printf("\"mse\":%.9g,\"rmse\":%.9g,\"mae\":%.9g,\"r2\":", mse,
                   sqrt(mse), mae);
        } else {
            printf("output %d  ", j + 1);
            if (name) {
                put_name(name, name_width(&m->target_names[j], 1, 1, 40), 0);
                printf("  ");
            }
            printf("mse %.6g  rmse %.6g  mae %.6g  r2 ", mse, sqrt(mse), mae);
        }
        printf(isfinite(r2) ? json ? "%.9g}" : "%.4f\n"
                   : json   ? "null}"
                            : "n/a (the targets are all "
                              "the same)\n",
               r2);
    }
}

/* --plot and --regions. */
static int eval_plots(const args *a, bp_model *m, const bp_data *d,
                      const long *conf, const bp_real *raw)
{
    bp_error err;
    const int k = d->n_out;
    if (a->plot &&
        plot_confusion_svg(a->plot, a->data, conf, k, m->class_names, &err)) {
        fprintf(stderr, "backprop eval: %s\n", err.msg);
        return -1;
    }
    if (!a->regions)
        return 0;
    int *labels = NULL;
    if (m->n_classes && (labels = malloc((size_t)d->n * sizeof *labels)))
        for (int i = 0; i < d->n; i++)
            labels[i] = d->label[i];
    int rc =
        plot_regions_svg(a->regions, a->data, m, NULL, raw, labels, d->n, &err);
    if (rc)
        fprintf(stderr, "backprop eval: %s\n", err.msg);
    free(labels);
    return rc;
}

/* What eval refuses after loading: plots it cannot draw. */
static int eval_check(const args *a, const bp_model *m)
{
    if (a->regions && bp_net_n_in(m->net) != 2) {
        fprintf(stderr,
                "backprop eval: --regions: the model has %d inputs; "
                "decision regions need 2\n",
                bp_net_n_in(m->net));
        return -1;
    }
    if (a->plot && !m->n_classes) {
        fprintf(stderr,
                "backprop eval: --plot: a confusion matrix needs "
                "classes\n");
        return -1;
    }
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    args a;
    int rc = parse("eval", argc, argv, &a, eval_usage);
    if (rc)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    const char *const inputs[] = {"--model", a.model, "--data", a.data, NULL};
    const char *const opts[] = {"--plot", "--regions"};
    const char *const outs[] = {a.plot, a.regions};
    if ((a.plot && cli_check_output("eval", "--plot", a.plot, inputs, 1)) ||
        (a.regions &&
         cli_check_output("eval", "--regions", a.regions, inputs, 1)) ||
        cli_check_distinct("eval", opts, outs, 2))
        return CLI_ERR;
    bp_model *m = NULL;
    bp_dataset *ds = NULL;
    bp_real *out = NULL, *raw = NULL;
    long *conf = NULL;
    rc = load("eval", &a, &m, &ds, a.regions ? &raw : NULL);
    if (rc) {
        rc = rc == -2 ? CLI_USAGE : CLI_ERR;
        goto done;
    }
    rc = CLI_ERR;
    if (eval_check(&a, m)) {
        rc = CLI_USAGE;
        goto done;
    }
    const bp_data d = bp_dataset_data(ds);
    if (d.n_out == 0) {
        fprintf(stderr,
                "backprop eval: %s: no targets to measure against "
                "(its %d columns are the model's inputs)\n",
                a.data, d.n_in);
        goto done;
    }
    double loss;
    out = malloc((size_t)d.n * (size_t)d.n_out * sizeof *out);
    if (!out || measure(m, &d, out, &loss)) {
        fprintf(stderr, "backprop eval: %s\n",
                out ? bp_net_errmsg(m->net) : "out of memory");
        goto done;
    }
    print_loss(m, (int)d.n, loss, a.json);
    if (m->n_classes) {
        if (!(conf = eval_classes(&d, out, m, a.json)))
            goto done;
    } else {
        eval_regression(m, &d, out, a.json);
    }
    if (a.json)
        printf("}\n");
    if (eval_plots(&a, m, &d, conf, raw))
        goto done;
    rc = CLI_OK;
done:
    free(raw);
    free(conf);
    free(out);
    bp_dataset_free(ds);
    bp_model_free(m);
    return rc;
}

/* --------------------------------------------------------------- predict */

static void predict_usage(FILE *f)
{
    fprintf(
        f,
        "usage: backprop predict --model FILE --data FILE|DIR|- "
        "[--label COL] [--header auto|yes|no]\n"
        "                        [--output FILE] [--proba]\n\n"
        "Run a model on data and write CSV (RFC 4180: a class name "
        "with a comma,\nquote or line break is quoted): for classes, "
        "the predicted class (and\nwith --proba the probability of "
        "each); for numbers, the outputs. A CSV of\nexactly the "
        "model's input width is read as inputs alone; a wider one "
        "has\ntargets too, in the columns --label names (default: "
        "those the model was\ntrained with, found by header name or "
        "position; else the last); under a\nheader the inputs too are "
        "found by name, in any order. Regression\noutputs are named "
        "after the training targets. --output\n(-o) writes the file atomically "
        "(default, "
        "or -: standard output). --kernel NAME\nruns it on that kernel (auto, "
        "or one `backprop info --kernels` lists). --label and\n--header "
        "are for CSV/TSV data, and refused for other data.\n");
}

/* The predictions as CSV: a header line, then one line per sample. */
static void predict_csv(text *t, const bp_model *m, const bp_real *out, int n,
                        int proba)
{
    const int k = bp_net_n_out(m->net);
    const int classes = m->n_classes == k;
    if (classes) {
        text_printf(t, "class");
        for (int j = 0; proba && j < k; j++) {
            text_printf(t, ",");
            text_csv_field(t, "p_", m->class_names[j]);
        }
    } else { /* named after the training targets when known */
        for (int j = 0; j < k; j++) {
            text_printf(t, "%s", j ? "," : "");
            if (target_name(m, j))
                text_csv_field(t, "", target_name(m, j));
            else
                text_printf(t, "output%d", j + 1);
        }
    }
    text_printf(t, "\n");
    for (int i = 0; i < n; i++) {
        const bp_real *o = out + (size_t)i * k;
        if (classes)
            text_csv_field(t, "", m->class_names[argmax(o, k)]);
        for (int j = 0; (!classes || proba) && j < k; j++)
            text_printf(t, "%s%.9g", j || classes ? "," : "", (double)o[j]);
        text_printf(t, "\n");
    }
}

int cmd_predict(int argc, char **argv)
{
    args a;
    int rc = parse("predict", argc, argv, &a, predict_usage);
    if (rc)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    const char *const inputs[] = {"--model", a.model, "--data", a.data, NULL};
    if (a.output &&
        cli_check_output("predict", "--output", a.output, inputs, 1))
        return CLI_ERR;
    bp_model *m = NULL;
    bp_dataset *ds = NULL;
    bp_real *out = NULL;
    text t = {0};
    rc = load("predict", &a, &m, &ds, NULL);
    if (rc) {
        rc = rc == -2 ? CLI_USAGE : CLI_ERR;
        goto done;
    }
    rc = CLI_ERR;
    const bp_data d = bp_dataset_data(ds);
    out = malloc((size_t)d.n * (size_t)bp_net_n_out(m->net) * sizeof *out);
    if (!out || bp_net_predict(m->net, d.x, (int)d.n, out)) {
        fprintf(stderr, "backprop predict: %s\n",
                out ? bp_net_errmsg(m->net) : "out of memory");
        goto done;
    }
    bp_scaler_invert(&m->target_scaler, out, d.n); /* the targets' units */
    predict_csv(&t, m, out, (int)d.n, a.proba);
    bp_error err;
    if (t.oom)
        fprintf(stderr, "backprop predict: out of memory\n");
    else if (a.output && bp_write_file_atomic(a.output, t.p, t.len, &err))
        fprintf(stderr, "backprop predict: %s\n", err.msg);
    else {
        if (!a.output) /* checked with the final flush (cli.c) */
            fwrite(t.p, 1, t.len, stdout);
        rc = CLI_OK;
    }
done:
    text_free(&t);
    free(out);
    bp_dataset_free(ds);
    bp_model_free(m);
    return rc;
}
