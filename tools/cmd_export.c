/*
 * cmd_export.c - `backprop export` (standalone C, FANN .net) and
 * `backprop import` (FANN .net).
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"
#include "dataload.h"
#include "export.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void export_usage(FILE *f)
{
    fprintf(f, "usage: backprop export --model M --format c|onnx|fann -o OUT\n"
               "                       [--name NAME] [--quantize int8 --data FILE]\n\n"
               "--format c writes OUT (a .c file) and the matching .h: the weights as\n"
               "static const arrays and int NAME_predict(const float *in, float *out),\n"
               "which applies the model's input scaling; C99, no allocation, libm only.\n"
               "--quantize int8 stores the weights as int8 with one scale per layer and\n"
               "prints how much the outputs (and, with --data, the accuracy) change.\n"
               "--format onnx writes an ONNX model (Gemm and activation nodes, the\n"
               "scaling as Sub and Mul) taking raw inputs x [N, n_in].\n"
               "--format fann writes a FANN float .net file (sigmoid, tanh, identity and\n"
               "step layers) that fann_create_from_file loads; scaling is folded into\n"
               "the first layer.\n");
}

/* Outputs of a model whose weights went through int8 and back, against
 * the model's own, on a data set. */
static void quant_report(const bp_model *m, const char *data)
{
    cli_data_opts o = {NULL, m->n_classes ? "yes" : "no", NULL, "t10k", 0};
    cli_data d;
    if (cli_data_load(data, &o, &d) || cli_data_match_model(&d, m, data))
        return;
    bp_net *q;
    if (bp_net_clone(m->net, &q))
        return;
    for (int l = 0; l < bp_net_n_layers(q); l++) {
        size_t wo, bo;
        bp_net_layer_offsets(q, l, &wo, &bo);
        bp_real *w = bp_net_params(q);
        double mx = 0;
        for (size_t i = wo; i < bo; i++)
            mx = fabs(w[i]) > mx ? fabs(w[i]) : mx;
        double scale = mx > 0 ? mx / 127 : 1;
        for (size_t i = wo; i < bo; i++)
            w[i] = (bp_real)(lround(w[i] / scale) * scale);
    }
    if (!d.map)
        bp_model_scale(m, d.x, d.n);
    double l0, a0, l1, a1;
    bp_net_reserve(m->net, 256);
    bp_net_reserve(q, 256);
    if (!bp_net_evaluate(m->net, d.x, d.t, d.n, &l0, &a0) &&
        !bp_net_evaluate(q, d.x, d.t, d.n, &l1, &a1)) {
        printf("int8 on %s: loss %.6f -> %.6f", data, l0, l1);
        if (isfinite(a0))
            printf(", accuracy %.2f%% -> %.2f%% (%+.2f points)", 100 * a0,
                   100 * a1, 100 * (a1 - a0));
        printf("\n");
    }
    bp_net_free(q);
    cli_data_free(&d);
}

int cmd_export(int argc, char **argv)
{
    static const struct option lo[] = {
        {"model", 1, 0, 'm'}, {"format", 1, 0, 'f'}, {"output", 1, 0, 'o'},
        {"name", 1, 0, 'n'}, {"quantize", 1, 0, 'q'}, {"data", 1, 0, 'd'},
        {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    const char *model = NULL, *format = NULL, *out = NULL, *name = "net",
               *quant = NULL, *data = NULL;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:", lo, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        case 'n': name = optarg; break;
        case 'q': quant = optarg; break;
        case 'd': data = optarg; break;
        case 'h': export_usage(stdout); return CLI_OK;
        default:
            fprintf(stderr, "backprop export: bad option '%s' (see backprop "
                    "export --help)\n", argv[optind - 1]);
            return CLI_USAGE;
        }
    }
    if (!model || !format || !out || optind < argc) {
        export_usage(stderr);
        return CLI_USAGE;
    }
    for (const char *p = name; *p; p++)
        if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (p > name && *p >= '0' && *p <= '9'))) {
            fprintf(stderr, "backprop export: --name '%s' is not a C identifier\n",
                    name);
            return CLI_USAGE;
        }
    if (quant && strcmp(quant, "int8") != 0) {
        fprintf(stderr, "backprop export: --quantize: only int8\n");
        return CLI_USAGE;
    }
    bp_model *m;
    bp_error err;
    if (bp_model_load(model, &m, &err)) {
        fprintf(stderr, "backprop export: %s\n", err.msg);
        return CLI_ERR;
    }
    int rc = CLI_OK;
    if (strcmp(format, "c") == 0) {
        size_t len = strlen(out);
        char *h = malloc(len + 3);
        strcpy(h, out);
        if (len > 2 && strcmp(h + len - 2, ".c") == 0)
            h[len - 1] = 'h';
        else
            strcat(h, ".h");
        double werr = 0;
        if (export_c(m, out, h, name, quant != NULL, &werr, &err)) {
            fprintf(stderr, "backprop export: %s\n", err.msg);
            rc = CLI_ERR;
        } else {
            printf("wrote %s and %s: %s_predict()\n", out, h, name);
            if (quant) {
                printf("int8: largest weight change %.3g\n", werr);
                if (data)
                    quant_report(m, data);
            }
        }
        free(h);
    } else if (strcmp(format, "onnx") == 0) {
        if (onnx_export(m, out, &err)) {
            fprintf(stderr, "backprop export: %s\n", err.msg);
            rc = CLI_ERR;
        }
    } else if (strcmp(format, "fann") == 0) {
        if (fann_export(m, out, &err)) {
            fprintf(stderr, "backprop export: %s\n", err.msg);
            rc = CLI_ERR;
        }
    } else {
        fprintf(stderr, "backprop export: --format: use c, onnx or fann\n");
        rc = CLI_USAGE;
    }
    bp_model_free(m);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    static const struct option lo[] = {
        {"format", 1, 0, 'f'}, {"output", 1, 0, 'o'}, {"help", 0, 0, 'h'},
        {0, 0, 0, 0}};
    const char *format = "fann", *out = NULL;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:", lo, NULL)) != -1) {
        switch (c) {
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        case 'h':
            printf("usage: backprop import --format fann NET.net -o MODEL\n\n"
                   "Read a FANN float network file (layered, fully connected; "
                   "sigmoid,\nsymmetric sigmoid, linear or threshold "
                   "layers, steepness folded into\nthe weights) and save it "
                   "as a backprop model.\n");
            return CLI_OK;
        default:
            fprintf(stderr, "backprop import: bad option '%s'\n", argv[optind - 1]);
            return CLI_USAGE;
        }
    }
    if (!out || optind != argc - 1 || strcmp(format, "fann") != 0) {
        fprintf(stderr, "usage: backprop import --format fann NET.net -o MODEL\n");
        return CLI_USAGE;
    }
    bp_model *m;
    bp_error err;
    if (fann_import(argv[optind], &m, &err)) {
        fprintf(stderr, "backprop import: %s\n", err.msg);
        return CLI_ERR;
    }
    size_t len = strlen(out);
    int text = len > 4 && strcmp(out + len - 4, ".txt") == 0;
    int rc = CLI_OK;
    if (bp_model_save(m, out, text ? BP_FORMAT_TEXT : BP_FORMAT_BINARY, 0, &err)) {
        fprintf(stderr, "backprop import: %s\n", err.msg);
        rc = CLI_ERR;
    }
    bp_model_free(m);
    return rc;
}
