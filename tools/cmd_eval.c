/*
 * cmd_eval.c - `backprop eval` and `backprop predict`: a saved model on
 * new data. eval measures (loss, accuracy, per-class precision and recall,
 * confusion matrix; or squared and absolute error and R^2); predict
 * writes one line of outputs per sample.
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"
#include "dataload.h"
#include "plot.h"
#include "text.h"

#include <getopt.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *model, *data, *label, *header, *output, *plot, *regions;
    int json, proba;
} args;

static int parse(const char *cmd, int argc, char **argv, args *a,
                 void (*usage)(FILE *))
{
    enum { O_MODEL = 256, O_DATA, O_LABEL, O_HEADER, O_OUT, O_JSON, O_HELP,
           O_PLOT, O_REGIONS, O_PROBA };
    static const struct option lo[] = {
        {"model", 1, 0, O_MODEL}, {"data", 1, 0, O_DATA},
        {"test", 1, 0, O_DATA},   {"label", 1, 0, O_LABEL},
        {"header", 1, 0, O_HEADER}, {"output", 1, 0, O_OUT},
        {"json", 0, 0, O_JSON},   {"help", 0, 0, O_HELP},
        {"plot", 1, 0, O_PLOT},   {"regions", 1, 0, O_REGIONS},
        {"proba", 0, 0, O_PROBA}, {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    optind = 0; /* 0, not 1: glibc then forgets the last argv completely */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:", lo, NULL)) != -1) {
        switch (c) {
        case O_MODEL: a->model = optarg; break;
        case O_DATA: a->data = optarg; break;
        case O_LABEL: a->label = optarg; break;
        case O_HEADER: a->header = optarg; break;
        case 'o':
        case O_OUT: a->output = optarg; break;
        case O_JSON: a->json = 1; break;
        case O_PLOT: a->plot = optarg; break;
        case O_REGIONS: a->regions = optarg; break;
        case O_PROBA: a->proba = 1; break;
        case O_HELP: usage(stdout); return 1;
        case ':':
            fprintf(stderr, "backprop %s: %s needs a value\n", cmd, argv[optind - 1]);
            return -1;
        default:
            fprintf(stderr, "backprop %s: unknown option '%s' (see backprop %s "
                    "--help)\n", cmd, argv[optind - 1], cmd);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "backprop %s: unexpected argument '%s'\n", cmd, argv[optind]);
        return -1;
    }
    if (!a->model || !a->data) {
        fprintf(stderr, "backprop %s: --model FILE and --data FILE are needed\n",
                cmd);
        return -1;
    }
    return 0;
}

/* Load the model and the data, matched to it; scaled. raw, if not NULL,
 * gets a copy of the inputs before scaling. */
static int load(const char *cmd, const args *a, int inputs_only, bp_model **m,
                cli_data *d, bp_real **raw)
{
    bp_error err;
    if (bp_model_load(a->model, m, &err)) {
        fprintf(stderr, "backprop %s: %s\n", cmd, err.msg);
        return -1;
    }
    const int n_in = bp_net_n_in((*m)->net);
    cli_data_opts o = {a->label, (*m)->n_classes ? "yes" : "no", a->header,
                       "t10k", inputs_only ? n_in : 0};
    if (cli_data_load(a->data, &o, d))
        return -1;
    if (d->n_out == 0 && d->n_in != n_in) {
        fprintf(stderr, "backprop %s: %s: %d columns, but the model takes %d "
                "inputs\n", cmd, a->data, d->n_in, n_in);
        return -1;
    }
    if (d->n_out > 0 && cli_data_match_model(d, *m, a->data))
        return -1;
    if (raw) {
        size_t bytes = (size_t)d->n * d->n_in * sizeof **raw;
        if (!(*raw = malloc(bytes))) {
            fprintf(stderr, "backprop %s: out of memory\n", cmd);
            return -1;
        }
        memcpy(*raw, d->x, bytes);
    }
    bp_model_scale(*m, d->x, d->n);
    return bp_net_reserve((*m)->net, d->n < 256 ? d->n : 256) ? -1 : 0;
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
    fprintf(f, "usage: backprop eval --model FILE --data FILE|DIR [--label COL] "
               "[--json]\n                     [--plot CONFUSION.svg] "
               "[--regions REGIONS.svg]\n\n"
               "Measure a model on labelled data (an IDX directory is read "
               "from its t10k\nsplit): loss, accuracy, per-class precision, "
               "recall and F1 and the\nconfusion matrix for classes; mean "
               "squared and absolute error and R^2 for\nnumbers. --plot draws "
               "the confusion matrix as a heat map; --regions, for a\nmodel "
               "with two inputs, its decision regions with the data points.\n");
}

int cmd_eval(int argc, char **argv)
{
    args a;
    int rc = parse("eval", argc, argv, &a, eval_usage);
    if (rc)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    bp_model *m = NULL;
    cli_data d = {0};
    bp_real *out = NULL, *raw = NULL;
    long *conf = NULL;
    int *labels = NULL;
    rc = CLI_ERR;
    if (load("eval", &a, 0, &m, &d, a.regions ? &raw : NULL))
        goto done;
    if (a.regions && d.n_in != 2) {
        fprintf(stderr, "backprop eval: --regions: the model has %d inputs; "
                "decision regions need 2\n", d.n_in);
        rc = CLI_USAGE;
        goto done;
    }
    if (a.plot && !m->n_classes) {
        fprintf(stderr, "backprop eval: --plot: a confusion matrix needs "
                "classes\n");
        rc = CLI_USAGE;
        goto done;
    }
    const int k = d.n_out;
    double loss, acc;
    out = malloc((size_t)d.n * k * sizeof *out);
    if (!out || bp_net_evaluate(m->net, d.x, d.t, d.n, &loss, &acc) ||
        bp_net_predict(m->net, d.x, d.n, out)) {
        fprintf(stderr, "backprop eval: %s\n", out ? bp_net_errmsg(m->net)
                                                   : "out of memory");
        goto done;
    }
    bp_loss lk;
    bp_net_get_loss(m->net, &lk, NULL);
    if (a.json)
        printf("{\"samples\":%d,\"loss\":%.9g", d.n, loss);
    else
        printf("samples   %d\nloss      %.6f (%s)\n", d.n, loss, bp_loss_name(lk));
    if (m->n_classes) {
        conf = calloc((size_t)k * k, sizeof *conf);
        if (!conf)
            goto done;
        for (int i = 0; i < d.n; i++)
            conf[argmax(d.t + (size_t)i * k, k) * k +
                 argmax(out + (size_t)i * k, k)]++;
        long right = 0;
        for (int j = 0; j < k; j++)
            right += conf[j * k + j];
        if (a.json)
            printf(",\"accuracy\":%.9g,\"classes\":[", (double)right / d.n);
        else
            printf("accuracy  %.2f%%\n\n%-16s %9s %9s %9s %8s\n",
                   100.0 * right / d.n, "class", "precision", "recall", "f1",
                   "support");
        for (int j = 0; j < k; j++) {
            long tp = conf[j * k + j], col = 0, row = 0;
            for (int i = 0; i < k; i++) {
                col += conf[i * k + j];
                row += conf[j * k + i];
            }
            double p = col ? (double)tp / col : 0, r = row ? (double)tp / row : 0;
            double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
            if (a.json)
                printf("%s{\"name\":\"%s\",\"precision\":%.6g,\"recall\":%.6g,"
                       "\"f1\":%.6g,\"support\":%ld}", j ? "," : "",
                       m->class_names[j], p, r, f1, row);
            else
                printf("%-16.16s %9.4f %9.4f %9.4f %8ld\n", m->class_names[j],
                       p, r, f1, row);
        }
        if (a.json) {
            printf("],\"confusion\":[");
            for (int i = 0; i < k; i++) {
                printf("%s[", i ? "," : "");
                for (int j = 0; j < k; j++)
                    printf("%s%ld", j ? "," : "", conf[i * k + j]);
                printf("]");
            }
            printf("]");
        } else if (k <= 20) {
            printf("\nconfusion (rows: true class, columns: predicted)\n%8s", "");
            for (int j = 0; j < k; j++)
                printf(" %6.6s", m->class_names[j]);
            printf("\n");
            for (int i = 0; i < k; i++) {
                printf("%8.8s", m->class_names[i]);
                for (int j = 0; j < k; j++)
                    printf(" %6ld", conf[i * k + j]);
                printf("\n");
            }
        }
    } else {
        for (int j = 0; j < k; j++) {
            double mean = 0, se = 0, ae = 0, var = 0;
            for (int i = 0; i < d.n; i++)
                mean += d.t[(size_t)i * k + j];
            mean /= d.n;
            for (int i = 0; i < d.n; i++) {
                double t = d.t[(size_t)i * k + j], e = out[(size_t)i * k + j] - t;
                se += e * e;
                ae += fabs(e);
                var += (t - mean) * (t - mean);
            }
            double r2 = var > 0 ? 1 - se / var : NAN;
            if (a.json)
                printf("%s\"output%d\":{\"mse\":%.9g,\"mae\":%.9g,\"r2\":%.9g}",
                       j ? "," : ",", j + 1, se / d.n, ae / d.n, r2);
            else
                printf("output %d  mse %.6g  mae %.6g  r2 %.4f\n", j + 1,
                       se / d.n, ae / d.n, r2);
        }
    }
    if (a.json)
        printf("}\n");
    bp_error err;
    if (a.plot && plot_confusion_svg(a.plot, a.data, conf, k, m->class_names,
                                     &err)) {
        fprintf(stderr, "backprop eval: %s\n", err.msg);
        goto done;
    }
    if (a.regions) {
        if (m->n_classes && (labels = malloc((size_t)d.n * sizeof *labels)))
            for (int i = 0; i < d.n; i++)
                labels[i] = argmax(d.t + (size_t)i * k, k);
        if (plot_regions_svg(a.regions, a.data, m, raw, labels, d.n, &err)) {
            fprintf(stderr, "backprop eval: %s\n", err.msg);
            goto done;
        }
    }
    rc = CLI_OK;
done:
    free(labels);
    free(raw);
    free(conf);
    free(out);
    cli_data_free(&d);
    bp_model_free(m);
    return rc;
}

/* --------------------------------------------------------------- predict */

static void predict_usage(FILE *f)
{
    fprintf(f, "usage: backprop predict --model FILE --data FILE|DIR "
               "[--output FILE] [--proba]\n\n"
               "Run a model on data and write CSV: for classes, the predicted "
               "class (and\nwith --proba the probability of each); for "
               "numbers, the outputs. "
               "A CSV of exactly the\nmodel's input width is read as inputs "
               "alone. --output writes the file\natomically (default: standard "
               "output).\n");
}



int cmd_predict(int argc, char **argv)
{
    args a;
    int rc = parse("predict", argc, argv, &a, predict_usage);
    if (rc)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    bp_model *m = NULL;
    cli_data d = {0};
    bp_real *out = NULL;
    text t = {0};
    rc = CLI_ERR;
    if (load("predict", &a, 1, &m, &d, NULL))
        goto done;
    const int k = bp_net_n_out(m->net);
    out = malloc((size_t)d.n * k * sizeof *out);
    if (!out || bp_net_predict(m->net, d.x, d.n, out)) {
        fprintf(stderr, "backprop predict: %s\n",
                out ? bp_net_errmsg(m->net) : "out of memory");
        goto done;
    }
    const int classes = m->n_classes == k;
    if (classes) {
        text_printf(&t, "class");
        for (int j = 0; a.proba && j < k; j++)
            text_printf(&t, ",p_%s", m->class_names[j]);
    } else {
        for (int j = 0; j < k; j++)
            text_printf(&t, "%soutput%d", j ? "," : "", j + 1);
    }
    text_printf(&t, "\n");
    for (int i = 0; i < d.n; i++) {
        const bp_real *o = out + (size_t)i * k;
        if (classes)
            text_printf(&t, "%s", m->class_names[argmax(o, k)]);
        for (int j = 0; (!classes || a.proba) && j < k; j++)
            text_printf(&t, "%s%.9g", j || classes ? "," : "", (double)o[j]);
        text_printf(&t, "\n");
    }
    if (t.oom) {
        fprintf(stderr, "backprop predict: out of memory\n");
        goto done;
    }
    bp_error err;
    if (a.output) {
        if (bp_write_file_atomic(a.output, t.p, t.len, &err)) {
            fprintf(stderr, "backprop predict: %s\n", err.msg);
            goto done;
        }
    } else if (fwrite(t.p, 1, t.len, stdout) != t.len || fflush(stdout)) {
        fprintf(stderr, "backprop predict: cannot write the output\n");
        goto done;
    }
    rc = CLI_OK;
done:
    text_free(&t);
    free(out);
    cli_data_free(&d);
    bp_model_free(m);
    return rc;
}
