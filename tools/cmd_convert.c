/*
 * cmd_convert.c - `backprop convert`: any data set the commands read,
 * written as a FANN training-data file (.data), so data moves both ways
 * between backprop and FANN.
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"
#include "dataload.h"
#include "text.h"

#include <getopt.h>
#include <string.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: backprop convert --data FILE|DIR -o OUT [--format fann|bpd]\n"
               "                        [--scale minmax|standard|none] [--split train|t10k]\n"
               "                        [--label COL] [--classes auto|yes|no] [--header auto|yes|no]\n\n"
               "Write a data set (CSV/TSV, FANN .data, .bpd, or an IDX directory)\n"
               "as a FANN training-data file (.data: a line 'pairs inputs outputs',\n"
               "then each sample's inputs on one line and its outputs on the next;\n"
               "classes become one-hot outputs), or as a .bpd file, the binary\n"
               "form that training maps into memory and reads batch by batch, so a\n"
               "data set larger than memory trains (docs/FORMATS.md); --scale\n"
               "stores it scaled, with the scaling; --repeat N writes the samples\n"
               "N times over (large test sets from small ones). The format follows OUT's\n"
               "extension unless given. Written atomically.\n");
}



int cmd_convert(int argc, char **argv)
{
    static const struct option lo[] = {
        {"data", 1, 0, 'd'}, {"output", 1, 0, 'o'}, {"label", 1, 0, 'l'},
        {"classes", 1, 0, 'c'}, {"header", 1, 0, 'H'}, {"help", 0, 0, 'h'},
        {"format", 1, 0, 'f'}, {"scale", 1, 0, 's'}, {"split", 1, 0, 'S'},
        {"repeat", 1, 0, 'r'},
        {0, 0, 0, 0}};
    cli_data_opts o = {NULL, NULL, NULL, "train", 0};
    const char *data = NULL, *out = NULL, *format = NULL, *scale = "none";
    int repeat = 1;
    int c;
    optind = 0; /* 0, not 1: glibc then forgets the last argv completely */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:", lo, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'o': out = optarg; break;
        case 'l': o.label = optarg; break;
        case 'c': o.classes = optarg; break;
        case 'H': o.header = optarg; break;
        case 'f': format = optarg; break;
        case 's': scale = optarg; break;
        case 'S': o.split = optarg; break;
        case 'r':
            if (cli_int("convert", "--repeat", optarg, 1, 1 << 20, &repeat))
                return CLI_USAGE;
            break;
        case 'h': usage(stdout); return CLI_OK;
        case ':':
            fprintf(stderr, "backprop convert: %s needs a value\n", argv[optind - 1]);
            return CLI_USAGE;
        default:
            fprintf(stderr, "backprop convert: unknown option '%s'\n",
                    argv[optind - 1]);
            return CLI_USAGE;
        }
    }
    if (!data || !out || optind < argc) {
        usage(stderr);
        return CLI_USAGE;
    }
    size_t len = strlen(out);
    int bpd = format ? strcmp(format, "bpd") == 0
                     : len > 4 && strcmp(out + len - 4, ".bpd") == 0;
    if (format && !bpd && strcmp(format, "fann") != 0) {
        fprintf(stderr, "backprop convert: --format: use fann or bpd\n");
        return CLI_USAGE;
    }
    bp_scaling kind = strcmp(scale, "minmax") == 0     ? BP_SCALING_MINMAX
                      : strcmp(scale, "standard") == 0 ? BP_SCALING_STANDARD
                                                       : BP_SCALING_NONE;
    if (kind == BP_SCALING_NONE && strcmp(scale, "none") != 0) {
        fprintf(stderr, "backprop convert: --scale: use minmax, standard or "
                "none\n");
        return CLI_USAGE;
    }
    if (kind != BP_SCALING_NONE && !bpd) {
        fprintf(stderr, "backprop convert: --scale is for .bpd output\n");
        return CLI_USAGE;
    }
    const char *const inputs[] = {"--data", data, NULL};
    if (cli_check_output("convert", "-o", out, inputs, 1))
        return CLI_ERR;
    cli_data d;
    if (cli_data_load(data, &o, &d))
        return CLI_ERR;
    if (repeat > 1) {
        if ((double)d.n * repeat > 1e9 || d.map) {
            fprintf(stderr, "backprop convert: --repeat %d: too many samples\n",
                    repeat);
            cli_data_free(&d);
            return CLI_USAGE;
        }
        const size_t nx = (size_t)d.n * d.n_in, nt = (size_t)d.n * d.n_out;
        bp_real *x = malloc(nx * repeat * sizeof *x);
        bp_real *t = malloc(nt * repeat * sizeof *t);
        if (!x || !t) {
            free(x);
            free(t);
            cli_data_free(&d);
            fprintf(stderr, "backprop convert: out of memory\n");
            return CLI_ERR;
        }
        for (int r = 0; r < repeat; r++) {
            memcpy(x + nx * r, d.x, nx * sizeof *x);
            memcpy(t + nt * r, d.t, nt * sizeof *t);
        }
        free(d.x);
        free(d.t);
        d.x = x;
        d.t = t;
        d.n *= repeat;
    }
    if (bpd) {
        int rc = cli_data_write_bpd(&d, out, kind) ? CLI_ERR : CLI_OK;
        cli_data_free(&d);
        return rc;
    }
    text t = {0};
    text_printf(&t, "%d %d %d\n", d.n, d.n_in, d.n_out);
    for (int i = 0; i < d.n; i++) {
        for (int k = 0; k < d.n_in; k++)
            text_printf(&t, "%s%.9g", k ? " " : "", (double)d.x[(size_t)i * d.n_in + k]);
        text_printf(&t, "\n");
        for (int j = 0; j < d.n_out; j++)
            text_printf(&t, "%s%.9g", j ? " " : "", (double)d.t[(size_t)i * d.n_out + j]);
        text_printf(&t, "\n");
    }
    int rc = CLI_OK;
    bp_error err;
    if (t.oom) {
        fprintf(stderr, "backprop convert: out of memory\n");
        rc = CLI_ERR;
    } else if (bp_write_file_atomic(out, t.p, t.len, &err)) {
        fprintf(stderr, "backprop convert: %s\n", err.msg);
        rc = CLI_ERR;
    }
    text_free(&t);
    cli_data_free(&d);
    return rc;
}
