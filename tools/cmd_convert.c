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
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: backprop convert --data FILE|DIR -o OUT [--format fann|bpd]\n"
               "                        [--scale minmax|standard|none] [--repeat N]\n"
               "                        [--split train|t10k] [--label COL]\n"
               "                        [--classes auto|yes|no] [--header auto|yes|no]\n\n"
               "Write a data set (CSV/TSV, FANN .data, .bpd, or an IDX directory)\n"
               "as a FANN training-data file (.data: a line 'pairs inputs outputs',\n"
               "then each sample's inputs on one line and its outputs on the next;\n"
               "classes become one-hot outputs), or as a .bpd file, the binary\n"
               "form that training maps into memory and reads batch by batch, so a\n"
               "data set larger than memory trains (docs/FORMATS.md). The format\n"
               "follows OUT's extension unless given.\n\n"
               "  --scale S    .bpd only: store the inputs scaled, with the scaling\n"
               "  --repeat N   write the samples N times over (large test sets from\n"
               "               small ones)\n"
               "  --split S    an IDX directory's train (default) or t10k split\n\n"
               "Written atomically; OUT may not be the --data file.\n");
}

typedef struct {
    cli_data_opts o;
    const char *data, *out;
    int bpd, repeat;
    bp_scaling scale;
} convert_args;

/* 0, 1 after --help, -1 on a usage error. */
static int convert_parse(int argc, char **argv, convert_args *a)
{
    static const struct option lo[] = {
        {"data", 1, 0, 'd'}, {"output", 1, 0, 'o'}, {"label", 1, 0, 'l'},
        {"classes", 1, 0, 'c'}, {"header", 1, 0, 'H'}, {"help", 0, 0, 'h'},
        {"format", 1, 0, 'f'}, {"scale", 1, 0, 's'}, {"split", 1, 0, 'S'},
        {"repeat", 1, 0, 'r'},
        {0, 0, 0, 0}};
    *a = (convert_args){{NULL, NULL, NULL, "train", 0}, NULL, NULL, 0, 1,
                        BP_SCALING_NONE};
    const char *format = NULL, *scale = "none";
    int c;
    optind = 0; /* 0, not 1: glibc then forgets the last argv completely */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:", lo, NULL)) != -1) {
        switch (c) {
        case 'd': a->data = optarg; break;
        case 'o': a->out = optarg; break;
        case 'l': a->o.label = optarg; break;
        case 'c': a->o.classes = optarg; break;
        case 'H': a->o.header = optarg; break;
        case 'f': format = optarg; break;
        case 's': scale = optarg; break;
        case 'S': a->o.split = optarg; break;
        case 'r':
            if (cli_int("convert", "--repeat", optarg, 1, 1 << 20, &a->repeat))
                return -1;
            break;
        case 'h': usage(stdout); return 1;
        case ':':
            fprintf(stderr, "backprop convert: %s needs a value\n", argv[optind - 1]);
            return -1;
        default:
            fprintf(stderr, "backprop convert: unknown option '%s'\n",
                    argv[optind - 1]);
            return -1;
        }
    }
    if (!a->data || !a->out || optind < argc) {
        usage(stderr);
        return -1;
    }
    size_t len = strlen(a->out);
    a->bpd = format ? strcmp(format, "bpd") == 0
                    : len > 4 && strcmp(a->out + len - 4, ".bpd") == 0;
    if (format && !a->bpd && strcmp(format, "fann") != 0) {
        fprintf(stderr, "backprop convert: --format: use fann or bpd\n");
        return -1;
    }
    a->scale = strcmp(scale, "minmax") == 0     ? BP_SCALING_MINMAX
               : strcmp(scale, "standard") == 0 ? BP_SCALING_STANDARD
                                                : BP_SCALING_NONE;
    if (a->scale == BP_SCALING_NONE && strcmp(scale, "none") != 0) {
        fprintf(stderr, "backprop convert: --scale: use minmax, standard or "
                "none\n");
        return -1;
    }
    if (a->scale != BP_SCALING_NONE && !a->bpd) {
        fprintf(stderr, "backprop convert: --scale is for .bpd output\n");
        return -1;
    }
    return 0;
}

/* --repeat: the samples `repeat` times over, in place of d's. */
static int repeat_samples(cli_data *d, int repeat)
{
    if ((double)d->n * repeat > 1e9 || d->map) {
        fprintf(stderr, "backprop convert: --repeat %d: too many samples\n",
                repeat);
        return CLI_USAGE;
    }
    const size_t nx = (size_t)d->n * d->n_in, nt = (size_t)d->n * d->n_out;
    bp_real *x = malloc(nx * repeat * sizeof *x);
    bp_real *t = malloc(nt * repeat * sizeof *t);
    if (!x || !t) {
        free(x);
        free(t);
        fprintf(stderr, "backprop convert: out of memory\n");
        return CLI_ERR;
    }
    for (int r = 0; r < repeat; r++) {
        memcpy(x + nx * r, d->x, nx * sizeof *x);
        memcpy(t + nt * r, d->t, nt * sizeof *t);
    }
    free(d->x);
    free(d->t);
    d->x = x;
    d->t = t;
    d->n *= repeat;
    return CLI_OK;
}

/* A FANN training-data file: "pairs inputs outputs", then each sample's
 * inputs on one line and its outputs on the next. */
static int write_fann_data(const cli_data *d, const char *out)
{
    text t = {0};
    text_printf(&t, "%d %d %d\n", d->n, d->n_in, d->n_out);
    for (int i = 0; i < d->n; i++) {
        for (int k = 0; k < d->n_in; k++)
            text_printf(&t, "%s%.9g", k ? " " : "",
                        (double)d->x[(size_t)i * d->n_in + k]);
        text_printf(&t, "\n");
        for (int j = 0; j < d->n_out; j++)
            text_printf(&t, "%s%.9g", j ? " " : "",
                        (double)d->t[(size_t)i * d->n_out + j]);
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
    return rc;
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
    cli_data d;
    if (cli_data_load(a.data, &a.o, &d))
        return CLI_ERR;
    rc = a.repeat > 1 ? repeat_samples(&d, a.repeat) : CLI_OK;
    if (rc == CLI_OK)
        rc = a.bpd ? cli_data_write_bpd(&d, a.out, a.scale) ? CLI_ERR : CLI_OK
                   : write_fann_data(&d, a.out);
    cli_data_free(&d);
    return rc;
}
