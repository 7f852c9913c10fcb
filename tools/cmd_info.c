/*
 * cmd_info.c - `backprop info`: what a model file holds.
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: backprop info MODEL\n\n"
               "Show a model's architecture, parameter count, loss, input "
               "scaling, classes\nand, for a checkpoint, where training "
               "stopped.\n");
}

int cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, 0, 'h'},
                                             {"model", required_argument, 0, 'm'},
                                             {0, 0, 0, 0}};
    const char *path = NULL;
    int c;
    optind = 0; /* 0, not 1: glibc then forgets the last argv completely */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return CLI_OK;
        } else if (c == 'm') {
            path = optarg;
        } else {
            fprintf(stderr, "backprop info: unknown option '%s'\n",
                    argv[optind - 1]);
            return CLI_USAGE;
        }
    }
    if (!path && optind < argc)
        path = argv[optind++];
    if (!path || optind < argc) {
        usage(stderr);
        return CLI_USAGE;
    }
    bp_model *m;
    bp_error err;
    if (bp_model_load(path, &m, &err)) {
        fprintf(stderr, "backprop info: %s\n", err.msg);
        return CLI_ERR;
    }
    bp_net *net = m->net;
    const int L = bp_net_n_layers(net);
    printf("model      %s\n", path);
    printf("layers     %d", bp_net_n_in(net));
    for (int l = 0; l < L; l++) {
        bp_layer_desc d;
        bp_net_layer(net, l, &d, NULL);
        printf(" -> %d %s", d.n_out, bp_act_name(d.act));
        if (d.act == BP_ACT_LEAKY_RELU)
            printf("(%g)", d.act_param);
    }
    printf("\nparameters %zu\n", bp_net_n_params(net));
    bp_loss loss;
    bp_reduction red;
    bp_net_get_loss(net, &loss, &red);
    printf("loss       %s (%s over the batch)\n", bp_loss_name(loss),
           red == BP_REDUCE_MEAN ? "mean" : "sum");
    for (int l = 0; l < L; l++) {
        bp_layer_desc d;
        int n_in;
        size_t w, b;
        bp_net_layer(net, l, &d, &n_in);
        bp_net_layer_offsets(net, l, &w, &b);
        const bp_real *p = bp_net_params(net);
        double sq = 0, mx = 0;
        for (size_t i = w; i < b; i++) {
            sq += (double)p[i] * p[i];
            mx = fabs(p[i]) > mx ? fabs(p[i]) : mx;
        }
        printf("  layer %d  %d x %d weights + %d biases, |w| max %.4g, "
               "rms %.4g\n", l + 1, d.n_out, n_in, d.n_out, mx,
               b > w ? sqrt(sq / (double)(b - w)) : 0.0);
    }
    printf("scaling    %s\n", m->scaler.kind == BP_SCALING_MINMAX ? "minmax"
                              : m->scaler.kind == BP_SCALING_STANDARD ? "standard"
                                                                  : "none");
    if (m->n_classes > 0) {
        printf("classes    %d:", m->n_classes);
        for (int i = 0; i < m->n_classes; i++)
            printf(" %s", m->class_names[i]);
        printf("\n");
    }
    if (m->has_train_state)
        printf("checkpoint epoch %d of %d%s, best epoch %d (validation loss "
               "%.6g), optimizer %s, seed %llu\n", m->epoch, m->epochs,
               m->batch_done ? " and part of the next" : "",
               m->best_epoch, m->best_val_loss,
               bp_optim_name(bp_net_get_optim(net).kind),
               (unsigned long long)m->seed);
    /* what `backprop export` can make of it */
    int onnx = 1, fann = 1;
    for (int l = 0; l < L; l++) {
        bp_layer_desc d;
        bp_net_layer(net, l, &d, NULL);
        onnx &= d.act != BP_ACT_STEP;
        fann &= d.act == BP_ACT_SIGMOID || d.act == BP_ACT_TANH ||
                d.act == BP_ACT_IDENTITY || d.act == BP_ACT_STEP;
    }
    printf("export     c (float or int8): yes; onnx: %s; fann: %s\n",
           onnx ? "yes" : "no (step layers)",
           fann ? "yes" : "no (FANN 2.2 lacks relu, leaky relu, softmax)");
    printf("precision  %s\n", bp_real_size() == 8 ? "double" : "float32");
    bp_model_free(m);
    return CLI_OK;
}
