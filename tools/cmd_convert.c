/*
 * cmd_convert.c - `backprop convert`: any data set the commands read,
 * written as a FANN training-data file (.data), so data moves both ways
 * between backprop and FANN, or as a .bpd file for data larger than
 * memory (the library reads and writes both).
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: backprop convert --data FILE|DIR|- -o OUT [--format fann|bpd]\n"
        "                        [--scale minmax|standard|none] [--repeat N]\n"
        "                        [--split train|t10k] [--label COL]\n"
        "                        [--classes auto|yes|no] [--header "
        "auto|yes|no]\n\n"
        "Write a data set (CSV/TSV, FANN .data, .bpd, or an IDX directory)\n"
        "as a FANN training-data file (.data: a line 'pairs inputs outputs',\n"
        "then each sample's inputs on one line and its outputs on the next;\n"
        "classes become one-hot outputs), or as a .bpd file, the binary\n"
        "form that training maps into memory and reads batch by batch, so a\n"
        "data set larger than memory trains (docs/FORMATS.md). '-' reads\n"
        "standard input. The format follows OUT's extension unless given.\n\n"
        "  --scale S    write the inputs scaled (minmax or standard, fitted "
        "on\n"
        "               them); a .bpd keeps the scaling and training takes it\n"
        "               from there, a .data file cannot hold it; none\n"
        "               writes them in their own units (a .bpd stored\n"
        "               scaled, unscaled). Without --scale a .bpd keeps\n"
        "               the scaling its input carries and a .data file\n"
        "               gets the inputs in their own units\n"
        "  --repeat N   write the samples N times over (large test sets from\n"
        "               small ones)\n"
        "  --split S    an IDX directory's train (default) or t10k split "
        "(refused\n"
        "               for other data, which has no splits)\n"
        "  --label COL  --header H   a CSV/TSV file's target column(s) and "
        "header\n"
        "               line (refused for other data)\n\n"
        "Written atomically; OUT may not be the --data file; what is written\n"
        "reads back.\n");
}

typedef struct {
    bp_data_opts o;
    const char *data, *out;
    int bpd, repeat;
    bp_scaling scale;
    int unscale;        /* write the inputs in their own units (a .bpd may carry
                    a scaling) */
    const char *header; /* --header as given, NULL: not */
} convert_args;

/* 0, 1 after --help, -1 on a usage error. */
static int convert_parse(int argc, char **argv, convert_args *a)
{
    static const struct option lo[] = {
        {"data", 1, 0, 'd'},    {"output", 1, 0, 'o'}, {"label", 1, 0, 'l'},
        {"classes", 1, 0, 'c'}, {"header", 1, 0, 'H'}, {"help", 0, 0, 'h'},
        {"format", 1, 0, 'f'},  {"scale", 1, 0, 's'},  {"split", 1, 0, 'S'},
        {"repeat", 1, 0, 'r'},  {0, 0, 0, 0}};
    *a = (convert_args){bp_data_defaults(), NULL, NULL, 0, 1,
                        BP_SCALING_NONE,    0,    NULL};
    const char *format = NULL, *scale = NULL, *classes = NULL, *header = NULL;
    int c;
    optind = 0; /* 0, not 1: glibc then forgets the last argv completely */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:", lo, NULL)) != -1) {
        switch (c) {
        case 'd':
            a->data = optarg;
            break;
        case 'o':
            a->out = optarg;
            break;
        case 'l':
            a->o.label = optarg;
            break;
        case 'c':
            classes = optarg;
            break;
        case 'H':
            header = a->header = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 's':
            scale = optarg;
            break;
        case 'S':
            a->o.split = optarg;
            break;
        case 'r':
            if (cli_int("convert", "--repeat", optarg, 1, 1 << 20, &a->repeat))
                return -1;
            break;
        case 'h':
            usage(stdout);
            return 1;
        case ':':
            fprintf(stderr, "backprop convert: %s needs a value\n",
                    argv[optind - 1]);
            return -1;
        default:
            fprintf(stderr, "backprop convert: unknown option '%s'\n",
                    argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "backprop convert: unexpected argument '%s'\n",
                argv[optind]);
        return -1;
    }
    if (!a->data || !a->out) {
        fprintf(stderr,
                "backprop convert: --data FILE and -o OUT are needed "
                "(see backprop convert --help)\n");
        return -1;
    }
    size_t len = strlen(a->out);
    a->bpd = format ? strcmp(format, "bpd") == 0
                    : len > 4 && strcmp(a->out + len - 4, ".bpd") == 0;
    if (format && !a->bpd && strcmp(format, "fann") != 0) {
        fprintf(stderr, "backprop convert: --format: use fann or bpd\n");
        return -1;
    }
    /* unscaled: asked for, or a .data file, which cannot hold a scaling */
    a->unscale = scale ? strcmp(scale, "none") == 0 : !a->bpd;
    scale = scale ? scale : "none";
    a->scale = strcmp(scale, "minmax") == 0 ? BP_SCALING_MINMAX
        : strcmp(scale, "standard") == 0    ? BP_SCALING_STANDARD
                                            : BP_SCALING_NONE;
    if (a->scale == BP_SCALING_NONE && strcmp(scale, "none") != 0) {
        fprintf(stderr,
                "backprop convert: --scale: use minmax, standard or "
                "none\n");
        return -1;
    }
    if (cli_choice("convert", "--classes", classes, &a->o.classes) ||
        cli_choice("convert", "--header", header, &a->o.header))
        return -1;
    return cli_check_split("convert", a->data, a->o.split);
}

/* Scale ds's inputs by a scaler fitted on them as they were given (a .bpd
 * stored scaled is unscaled first). */
static bp_status scale_inputs(bp_dataset *ds, bp_scaling kind, bp_error *err)
{
    const bp_scaler none = {BP_SCALING_NONE, 0, NULL, NULL, {NULL, NULL, NULL}};
    bp_scaler fit = none;
    bp_status st = bp_dataset_scale(ds, &none, NULL, err);
    if (!st) {
        const bp_data d = bp_dataset_data(ds);
        st = bp_scaler_fit(&fit, kind, d.x, d.n, d.n_in, NULL, err);
    }
    if (!st)
        st = bp_dataset_scale(ds, &fit, NULL, err);
    bp_scaler_free(&fit);
    return st;
}

/* bp_dataset_save, through a temporary file whose name the SIGBUS
 * handler knows: a .bpd --data is read while the file is written, and
 * should it shrink meanwhile, nothing is left beside -o. */
static bp_status save(const bp_dataset *ds, const convert_args *a,
                      bp_error *err)
{
    bp_atomic *f;
    bp_status st = bp_atomic_open(a->out, NULL, &f, err);
    if (st)
        return st;
    cli_mapped_temp(bp_atomic_temp_path(f));
    st = bp_dataset_write(ds, a->bpd ? BP_DATA_BPD : BP_DATA_FANN, a->repeat,
                          bp_atomic_write, f, err);
    if (st)
        bp_atomic_abort(f);
    else
        st = bp_atomic_commit(f, err);
    cli_mapped_temp(NULL);
    return st;
}

int cmd_convert(int argc, char **argv)
{
    convert_args a;
    int rc = convert_parse(argc, argv, &a);
    if (rc)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    const char *const inputs[] = {"--data", a.data, NULL};
    if (cli_check_output("convert", "-o", a.out, inputs, 1))
        return CLI_ERR;
    bp_dataset *ds = NULL;
    bp_error err;
    const bp_scaler none = {BP_SCALING_NONE, 0, NULL, NULL, {NULL, NULL, NULL}};
    if (cli_data_load("convert", a.data, &a.o, &ds, &err)) {
        fprintf(stderr, "backprop convert: %s\n", err.msg);
        return CLI_ERR;
    }
    if (cli_check_csv_only("convert", a.data, bp_dataset_format(ds), a.o.label,
                           a.header) ||
        cli_check_classes("convert", a.data, bp_dataset_format(ds),
                          a.o.classes)) {
        bp_dataset_free(ds);
        return CLI_USAGE;
    }
    if ((a.scale != BP_SCALING_NONE && scale_inputs(ds, a.scale, &err)) ||
        (a.unscale && bp_dataset_scale(ds, &none, NULL, &err)) ||
        save(ds, &a, &err)) {
        fprintf(stderr, "backprop convert: %s\n", err.msg);
        rc = CLI_ERR;
    }
    bp_dataset_free(ds);
    return rc;
}
