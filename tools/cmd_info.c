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
    fprintf(f,
            "usage: backprop info MODEL\n"
            "       backprop info --kernels\n\n"
            "Show a model's architecture, parameter count, loss, each "
            "layer's weights\nand which of them are frozen, the input "
            "and target scaling, the classes,\nthe training file's "
            "columns, what export can make of it, for a\n"
            "checkpoint where training stopped, and the kernel that runs "
            "it here.\n--kernels lists the kernels this CPU runs, best "
            "first, one a line\n(BP_KERNEL=NAME or --kernel NAME chooses "
            "one).\n");
}

/* The kernels this CPU runs, best first, one a line. */
static void list_kernels(void)
{
    for (int i = 0; bp_kernel_name(i); i++)
        if (bp_kernel_available(bp_kernel_name(i)))
            printf("%s\n", bp_kernel_name(i));
}

/* "avx2 (this CPU also runs portable)": the kernel a network gets here. */
static void info_kernel(const bp_net *net)
{
    printf("kernel     %s", bp_net_kernel(net));
    const char *sep = " (this CPU also runs ";
    for (int i = 0; bp_kernel_name(i); i++) {
        const char *k = bp_kernel_name(i);
        if (strcmp(k, bp_net_kernel(net)) && bp_kernel_available(k)) {
            printf("%s%s", sep, k);
            sep = ", ";
        }
    }
    printf("%s\n", *sep == ',' ? ")" : "");
}

/* The model path from MODEL or --model; 0, 1 after --help or
 * --kernels, -1 on a usage error. */
static int info_parse(int argc, char **argv, const char **path)
{
    static const struct option longopts[] = {
        {"help", no_argument, 0, 'h'},
        {"model", required_argument, 0, 'm'},
        {"kernels", no_argument, 0, 'k'},
        {0, 0, 0, 0}};
    int c, kernels = 0;
    *path = NULL;
    optind = 0; /* 0, not 1: glibc then forgets the last argv completely */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 1;
        } else if (c == 'm') {
            *path = optarg;
        } else if (c == 'k') {
            kernels = 1;
        } else {
            fprintf(stderr, "backprop info: unknown option '%s'\n",
                    argv[optind - 1]);
            return -1;
        }
    }
    if (kernels && (*path || optind < argc)) { /* never one ignored */
        fprintf(stderr, "backprop info: --kernels takes no model ('%s')\n",
                *path ? *path : argv[optind]);
        return -1;
    }
    if (kernels) {
        list_kernels();
        return 1;
    }
    if (!*path && optind < argc)
        *path = argv[optind++];
    if (!*path) {
        fprintf(stderr,
                "backprop info: which model? (backprop info MODEL; "
                "see backprop info --help)\n");
        return -1;
    }
    if (optind < argc) {
        fprintf(stderr,
                "backprop info: unexpected argument '%s' (one model "
                "at a time)\n",
                argv[optind]);
        return -1;
    }
    return 0;
}

/* A name as it is when plain, else quoted and escaped like JSON (a
 * space, a quote, a backslash or a control character). */
static void put_name(const char *s)
{
    int plain = *s != '\0';
    for (const unsigned char *p = (const unsigned char *)s; plain && *p; p++)
        plain = *p > ' ' && *p != '"' && *p != '\\' && *p != 0x7f;
    if (plain)
        fputs(s, stdout);
    else
        cli_json_string(stdout, s);
}

/* The architecture, the loss and one line per layer: its weights and
 * which groups are frozen. */
static void info_layers(const bp_net *net)
{
    const int L = bp_net_n_layers(net);
    printf("layers     %d", bp_net_n_in(net));
    for (int l = 0; l < L; l++) {
        bp_layer_desc d;
        bp_net_layer(net, l, &d, NULL);
        printf(" -> %d %s", d.n_out, bp_act_name(d.act));
        if (bp_act_describe(d.act)->param) /* leaky ReLU's slope */
            printf("(%g)", d.act_param);
    }
    printf("\nparameters %zu\n", bp_net_n_params(net));
    bp_loss loss;
    bp_reduction red;
    bp_net_loss_kind(net, &loss, &red);
    char text[160];
    printf("loss       %s: %s, %s over the batch\n", bp_loss_name(loss),
           cli_loss_text(loss, text, sizeof text),
           red == BP_REDUCE_MEAN ? "mean" : "summed");
    static const char *const frozen[] = {"", "; weights frozen",
                                         "; biases frozen",
                                         "; weights and biases frozen"};
    for (int l = 0; l < L; l++) {
        bp_layer_view v;
        bp_net_layer_view(net, l, &v);
        const size_t nw = (size_t)v.n_out * v.n_in;
        double sq = 0, mx = 0;
        for (size_t i = 0; i < nw; i++) {
            sq += (double)v.w[i] * v.w[i];
            mx = fabs(v.w[i]) > mx ? fabs(v.w[i]) : mx;
        }
        printf("  layer %d  %d x %d weights + %d biases, |w| max %.4g, "
               "rms %.4g%s\n",
               l + 1, v.n_out, v.n_in, v.n_out, mx,
               nw ? sqrt(sq / (double)nw) : 0.0,
               frozen[bp_net_frozen(net, l) & 3]);
    }
}

static const char *scaling_name(bp_scaling kind)
{
    return kind == BP_SCALING_MINMAX  ? "minmax"
        : kind == BP_SCALING_STANDARD ? "standard"
                                      : "none";
}

/* What using the model on raw data needs: scalings, classes, columns. */
static void info_data(const bp_model *m)
{
    printf("scaling    %s\n", scaling_name(m->scaler.kind));
    if (m->target_scaler.kind != BP_SCALING_NONE)
        printf("targets    %s scaling, undone by eval, predict and the "
               "exports\n",
               scaling_name(m->target_scaler.kind));
    if (m->n_classes > 0) {
        printf("classes    %d:", m->n_classes);
        for (int i = 0; i < m->n_classes; i++) {
            putchar(' ');
            put_name(m->class_names[i]);
        }
        printf("\n");
    }
    if (m->n_columns > 0) {
        printf("columns    %d in the training file; target%s", m->n_columns,
               m->n_targets > 1 ? "s" : "");
        for (int i = 0; i < m->n_targets; i++) {
            printf("%s %d", i ? "," : "", m->target_cols[i] + 1);
            if (m->target_names && m->target_names[i] &&
                m->target_names[i][0]) {
                putchar(' ');
                put_name(m->target_names[i]);
            }
        }
        printf("\n");
    }
    if (m->input_names) { /* the first few: a picture has hundreds */
        const int n = bp_net_n_in(m->net), shown = n < 12 ? n : 10;
        printf("inputs     by name:");
        for (int i = 0; i < shown; i++) {
            putchar(' ');
            put_name(m->input_names[i]);
        }
        if (shown < n)
            printf(" ... (%d in all)", n);
        printf("\n");
    }
}

/* The labels of the model's activations that a format lacks (no ONNX
 * operator, or no FANN number, in their descriptions), ", "-separated
 * into s[cap]; "" when it has them all. */
static const char *lacking(const bp_net *net, int fann, char *s, size_t cap)
{
    size_t n = 0;
    s[0] = '\0';
    for (int a = 0; a < BP_ACT_COUNT_; a++) {
        const bp_act_info *f = bp_act_describe((bp_act)a);
        if (fann ? f->fann >= 0 : f->onnx_op != NULL)
            continue;
        for (int l = 0; l < bp_net_n_layers(net); l++) {
            bp_layer_desc d;
            bp_net_layer(net, l, &d, NULL);
            if (d.act == (bp_act)a && n + 1 < cap) {
                n += (size_t)snprintf(s + n, cap - n, "%s%s", n ? ", " : "",
                                      f->label);
                break;
            }
        }
    }
    return s;
}

/* What `backprop export` can make of it. */
static void info_export(const bp_net *net)
{
    char onnx[256], fann[256];
    lacking(net, 0, onnx, sizeof onnx);
    lacking(net, 1, fann, sizeof fann);
    printf("export     c (float or int8): yes; onnx: %s%s%s; fann: %s%s%s\n",
           onnx[0] ? "no (" : "yes", onnx, onnx[0] ? " layers)" : "",
           fann[0] ? "no (FANN 2.2 lacks " : "yes", fann, fann[0] ? ")" : "");
}

int cmd_info(int argc, char **argv)
{
    const char *path;
    int rc = info_parse(argc, argv, &path);
    if (rc)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    bp_model *m;
    bp_error err;
    if (bp_model_load(path, NULL, &m, &err)) {
        fprintf(stderr, "backprop info: %s\n", err.msg);
        return CLI_ERR;
    }
    printf("model      %s\n", path);
    info_layers(m->net);
    info_data(m);
    if (m->has_train_state)
        printf("checkpoint epoch %d of %d%s, best epoch %d (validation loss "
               "%.6g), optimizer %s, seed %llu\n",
               m->train.epoch, m->train.epochs,
               m->train.batch_done ? " and part of the next" : "",
               m->train.best_epoch, m->train.best_val_loss,
               bp_optim_name(bp_net_optim(m->net).kind),
               (unsigned long long)m->train.seed);
    info_export(m->net);
    printf("precision  %s\n", bp_real_size() == 8 ? "double" : "float32");
    info_kernel(m->net);
    bp_model_free(m);
    return CLI_OK;
}
