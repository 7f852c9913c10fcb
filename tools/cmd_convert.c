/*
 * cmd_convert.c - `backprop convert`: any data set the commands read,
 * written as a FANN training-data file (.data), so data moves both ways
 * between backprop and FANN.
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"
#include "dataload.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: backprop convert --data FILE|DIR -o OUT.data [--label COL]\n"
               "                        [--classes auto|yes|no] [--header auto|yes|no]\n\n"
               "Write a data set (CSV/TSV, FANN .data, or an IDX directory's "
               "train split)\nas a FANN training-data file: a line 'pairs "
               "inputs outputs', then each\nsample's inputs on one line and "
               "its outputs on the next. Classes become\none-hot outputs "
               "(0 and 1). The file is written atomically.\n");
}

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} text;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(text *t, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp || t->oom)
        return;
    if (t->len + (size_t)n > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1 << 16;
        while (cap < t->len + (size_t)n)
            cap *= 2;
        char *q = realloc(t->p, cap);
        if (!q) {
            t->oom = 1;
            return;
        }
        t->p = q;
        t->cap = cap;
    }
    memcpy(t->p + t->len, tmp, (size_t)n);
    t->len += (size_t)n;
}

int cmd_convert(int argc, char **argv)
{
    static const struct option lo[] = {
        {"data", 1, 0, 'd'}, {"output", 1, 0, 'o'}, {"label", 1, 0, 'l'},
        {"classes", 1, 0, 'c'}, {"header", 1, 0, 'H'}, {"help", 0, 0, 'h'},
        {0, 0, 0, 0}};
    cli_data_opts o = {NULL, NULL, NULL, "train", 0};
    const char *data = NULL, *out = NULL;
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
    cli_data d;
    if (cli_data_load(data, &o, &d))
        return CLI_ERR;
    text t = {0};
    put(&t, "%d %d %d\n", d.n, d.n_in, d.n_out);
    for (int i = 0; i < d.n; i++) {
        for (int k = 0; k < d.n_in; k++)
            put(&t, "%s%.9g", k ? " " : "", (double)d.x[(size_t)i * d.n_in + k]);
        put(&t, "\n");
        for (int j = 0; j < d.n_out; j++)
            put(&t, "%s%.9g", j ? " " : "", (double)d.t[(size_t)i * d.n_out + j]);
        put(&t, "\n");
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
    free(t.p);
    cli_data_free(&d);
    return rc;
}
