/*
 * cmd_export.c - `backprop export` (standalone C, FANN .net) and
 * `backprop import` (FANN .net).
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"
#include "export.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void export_usage(FILE *f)
{
    fprintf(
        f,
        "usage: backprop export --model M --format c|onnx|fann -o OUT\n"
        "                       [--name NAME] [--quantize int8 --data FILE]\n\n"
        "--format c writes a .c file and its .h; -o names either one: X.c "
        "or X.h\n"
        "writes X.c and X.h, any other OUT is the .c file and OUT.h its "
        "header.\n"
        "The .c holds the weights as static const arrays and\n"
        "int NAME_predict(const float *in, float *out), which applies the\n"
        "model's input scaling; C99 that compiles as C++ too (the header\n"
        "declares extern \"C\"), float arithmetic only, no allocation, libm "
        "only.\n"
        "NAME (default net) must be a C identifier; it names the functions "
        "and\n"
        "constants, not the files.\n"
        "--quantize int8 stores the weights as int8 with one scale per layer "
        "and\n"
        "prints how much the outputs (and, with --data, the accuracy) change.\n"
        "--format onnx writes an ONNX model (Gemm and activation nodes, the\n"
        "scaling as Sub and Mul) taking raw inputs x [N, n_in].\n"
        "--format fann writes a FANN float .net file (sigmoid, tanh, identity "
        "and\n"
        "step layers) that fann_create_from_file loads; scaling is folded "
        "into\n"
        "the first layer.\n"
        "Files are written atomically; OUT may not be the model or --data "
        "file.\n");
}

/* Outputs of a model whose weights went through int8 and back, against
 * the model's own, on a data set. */
static void quant_report(const bp_model *m, const char *data)
{
    bp_data_opts o = bp_data_defaults();
    o.split = "t10k";
    o.model = m;
    bp_dataset *ds = NULL;
    bp_error err;
    if (cli_data_load("export", data, &o, &ds, &err) ||
        bp_dataset_scale(ds, &m->scaler, &m->target_scaler, &err)) {
        fprintf(stderr, "backprop export: %s\n", err.msg);
        bp_dataset_free(ds);
        return;
    }
    const bp_data d = bp_dataset_data(ds);
    bp_net *q;
    if (bp_net_clone(m->net, &q)) {
        bp_dataset_free(ds);
        return;
    }
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
    double l0, a0, l1, a1;
    bp_net_reserve(m->net, 256);
    bp_net_reserve(q, 256);
    if (!bp_net_evaluate(m->net, &d, &l0, &a0) &&
        !bp_net_evaluate(q, &d, &l1, &a1)) {
        printf("int8 on %s: loss %.6f -> %.6f", data, l0, l1);
        if (isfinite(a0))
            printf(", accuracy %.2f%% -> %.2f%% (%+.2f points)", 100 * a0,
                   100 * a1, 100 * (a1 - a0));
        printf("\n");
    }
    bp_net_free(q);
    bp_dataset_free(ds);
}

typedef struct {
    const char *model, *format, *out, *name, *quant, *data;
} export_args;

/* The options; 0, 1 after --help, or -1 on a usage error. */
static int export_parse(int argc, char **argv, export_args *a)
{
    static const struct option lo[] = {
        {"model", 1, 0, 'm'},    {"format", 1, 0, 'f'},
        {"output", 1, 0, 'o'},   {"name", 1, 0, 'n'},
        {"quantize", 1, 0, 'q'}, {"data", 1, 0, 'd'},
        {"help", 0, 0, 'h'},     {0, 0, 0, 0}};
    *a = (export_args){NULL, NULL, NULL, "net", NULL, NULL};
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:", lo, NULL)) != -1) {
        switch (c) {
        case 'm':
            a->model = optarg;
            break;
        case 'f':
            a->format = optarg;
            break;
        case 'o':
            a->out = optarg;
            break;
        case 'n':
            a->name = optarg;
            break;
        case 'q':
            a->quant = optarg;
            break;
        case 'd':
            a->data = optarg;
            break;
        case 'h':
            export_usage(stdout);
            return 1;
        case ':':
            fprintf(stderr, "backprop export: %s needs a value\n",
                    argv[optind - 1]);
            return -1;
        default:
            fprintf(stderr,
                    "backprop export: unknown option '%s' (see "
                    "backprop export --help)\n",
                    argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "backprop export: unexpected argument '%s'\n",
                argv[optind]);
        return -1;
    }
    if (!a->model || !a->format || !a->out) {
        fprintf(stderr,
                "backprop export: --model M, --format c|onnx|fann and -o OUT "
                "are needed (see backprop export --help)\n");
        return -1;
    }
    if (strcmp(a->format, "c") && strcmp(a->format, "onnx") &&
        strcmp(a->format, "fann")) {
        fprintf(stderr,
                "backprop export: --format: '%s': use c, onnx or "
                "fann\n",
                a->format);
        return -1;
    }
    if (a->quant && strcmp(a->quant, "int8") != 0) {
        fprintf(stderr, "backprop export: --quantize: only int8\n");
        return -1;
    }
    if (a->quant && strcmp(a->format, "c") != 0) {
        fprintf(stderr, "backprop export: --quantize is for --format c\n");
        return -1;
    }
    return 0;
}

/* --name: a C identifier, since the export defines NAME_predict and
 * NAME_N_IN. */
static int check_name(const char *name)
{
    int ok = (*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') ||
        *name == '_';
    for (const char *p = name; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || *p == '_';
    if (ok && strlen(name) <= 64)
        return 0;
    fprintf(stderr,
            "backprop export: --name '%s': not a C identifier "
            "(letters, digits and _, not starting with a digit, at most 64)\n",
            name);
    return -1;
}

/* A file name the generated C can #include and name in a comment: no
 * quote, backslash, control character or trigraph (??). */
static int check_c_file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    for (const unsigned char *p = (const unsigned char *)base; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' ||
            (*p == '?' && p[1] == '?')) {
            fprintf(stderr,
                    "backprop export: -o: the file name '%s' has a "
                    "%s, which #include \"...\" cannot hold; choose another\n",
                    base,
                    *p == '"'        ? "quote"
                        : *p == '\\' ? "backslash"
                        : *p == '?'  ? "trigraph (two question marks)"
                                     : "control character");
            return -1;
        }
    return 0;
}

/* The C export's two paths from -o: OUT may name either file of the
 * pair. OUT ending in .h is the header and its source is OUT with .c;
 * any other OUT is the source, and its header is OUT with .c replaced by
 * .h, or OUT.h. The paths are malloc'd into *c and *h (the caller frees
 * both); -1 when out of memory. */
static int export_paths(const char *out, char **c, char **h)
{
    const size_t len = strlen(out);
    const int is_h = len > 2 && strcmp(out + len - 2, ".h") == 0;
    const int is_c = len > 2 && strcmp(out + len - 2, ".c") == 0;
    *c = malloc(len + 3);
    *h = malloc(len + 3);
    if (!*c || !*h) {
        free(*c);
        free(*h);
        *c = *h = NULL;
        return -1;
    }
    memcpy(*c, out, len + 1);
    memcpy(*h, out, len + 1);
    if (is_h)
        (*c)[len - 1] = 'c';
    else if (is_c)
        (*h)[len - 1] = 'h';
    else
        memcpy(*h + len, ".h", 3);
    return 0;
}

/* --format c: the .c and .h files, and the int8 report. */
static int export_c_files(const bp_model *m, const export_args *a,
                          const char *c, const char *h)
{
    bp_error err;
    double werr = 0;
    if (export_c(m, c, h, a->name, a->quant != NULL, &werr, &err)) {
        fprintf(stderr, "backprop export: %s\n", err.msg);
        return CLI_ERR;
    }
    printf("wrote %s and %s: %s_predict()\n", c, h, a->name);
    if (a->quant) {
        printf("int8: largest weight change %.3g\n", werr);
        if (a->data)
            quant_report(m, a->data);
    }
    return CLI_OK;
}

int cmd_export(int argc, char **argv)
{
    export_args a;
    int rc = export_parse(argc, argv, &a);
    if (rc)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    const int c = strcmp(a.format, "c") == 0;
    if (c && (check_name(a.name) || check_c_file_name(a.out)))
        return CLI_USAGE;
    const char *const inputs[] = {"--model", a.model, "--data", a.data, NULL};
    char *cpath = NULL, *h = NULL;
    if (c && export_paths(a.out, &cpath, &h)) {
        fprintf(stderr, "backprop export: out of memory\n");
        return CLI_ERR;
    }
    /* OUT itself, then the other file of a C pair */
    const int out_is_h = h && strcmp(h, a.out) == 0;
    if (cli_check_output("export", "-o", a.out, inputs, 1) ||
        (c &&
         cli_check_output("export",
                          out_is_h ? "-o (its .c file)" : "-o (its header)",
                          out_is_h ? cpath : h, inputs, 1))) {
        free(cpath);
        free(h);
        return CLI_ERR;
    }
    bp_model *m;
    bp_error err;
    if (bp_model_load(a.model, NULL, &m, &err)) {
        fprintf(stderr, "backprop export: %s\n", err.msg);
        free(cpath);
        free(h);
        return CLI_ERR;
    }
    rc = CLI_OK;
    if (c)
        rc = export_c_files(m, &a, cpath, h);
    else if ((strcmp(a.format, "onnx") == 0 ? onnx_export(m, a.out, &err)
                                            : fann_export(m, a.out, &err))) {
        fprintf(stderr, "backprop export: %s\n", err.msg);
        rc = CLI_ERR;
    }
    free(cpath);
    free(h);
    bp_model_free(m);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    static const struct option lo[] = {{"format", 1, 0, 'f'},
                                       {"output", 1, 0, 'o'},
                                       {"help", 0, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *format = "fann", *out = NULL;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:", lo, NULL)) != -1) {
        switch (c) {
        case 'f':
            format = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'h':
            printf("usage: backprop import --format fann NET.net -o MODEL\n\n"
                   "Read a FANN float network file (layered, fully connected; "
                   "sigmoid,\nsymmetric sigmoid, linear or threshold "
                   "layers, steepness folded into\nthe weights) and save it "
                   "as a backprop model: the text form when MODEL\nends in "
                   ".txt, else the binary form. Written atomically.\n");
            return CLI_OK;
        default:
            fprintf(stderr, "backprop import: bad option '%s'\n",
                    argv[optind - 1]);
            return CLI_USAGE;
        }
    }
    if (optind < argc - 1) {
        fprintf(stderr,
                "backprop import: unexpected argument '%s' (one .net file "
                "at a time)\n",
                argv[optind + 1]);
        return CLI_USAGE;
    }
    if (strcmp(format, "fann") != 0) {
        fprintf(stderr, "backprop import: --format: '%s': only fann\n", format);
        return CLI_USAGE;
    }
    if (!out || optind == argc) {
        fprintf(stderr,
                "backprop import: the .net file and -o MODEL are needed "
                "(backprop import --format fann NET.net -o MODEL)\n");
        return CLI_USAGE;
    }
    const char *const inputs[] = {"the .net file", argv[optind], NULL};
    if (cli_check_output("import", "-o", out, inputs, 1))
        return CLI_ERR;
    bp_model *m;
    bp_error err;
    if (fann_import(argv[optind], &m, &err)) {
        fprintf(stderr, "backprop import: %s\n", err.msg);
        return CLI_ERR;
    }
    size_t len = strlen(out);
    int text = len > 4 && strcmp(out + len - 4, ".txt") == 0;
    int rc = CLI_OK;
    if (bp_model_save(m, out, text ? BP_FORMAT_TEXT : BP_FORMAT_BINARY, 0,
                      &err)) {
        fprintf(stderr, "backprop import: %s\n", err.msg);
        rc = CLI_ERR;
    }
    bp_model_free(m);
    return rc;
}
