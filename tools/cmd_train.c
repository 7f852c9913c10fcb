/*
 * cmd_train.c - `backprop train`: data in, a trained model out, with
 * progress, per-epoch metrics, checkpoints, a JSON-lines log and a plot.
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"
#include "mpi.h"
#include "plot.h"
#include "train_loop.h"

#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What `backprop train --data FILE` does when told nothing else, chosen
 * to match scikit-learn's MLP with its defaults on small tabular sets
 * without slowing Fashion-MNIST (bench/defaults measures both): up to
 * MAX_EPOCHS epochs, stopped once the validation loss has not improved by
 * MIN_DELTA for PATIENCE epochs, with the best epoch's weights kept;
 * Adam at its default rate, in batches of a tenth of the training set
 * from MIN_BATCH to MAX_BATCH (an epoch of ten steps or more keeps a
 * patience counted in epochs meaningful on a few hundred rows; on
 * Fashion-MNIST 128 stops at 88-89% where 32, noisier, stops at 87%,
 * and runs faster); one hidden layer of at least MIN_WIDTH units
 * (scikit-learn's 100); Xavier-uniform weights (scikit-learn's and
 * Keras's: He's larger ones, made for deep ReLU stacks, start a shallow
 * network on a few hundred rows as a rough random function that costs
 * points of accuracy, or of R^2, on such sets). */
enum {
    DEFAULT_MAX_EPOCHS = 1000,
    DEFAULT_PATIENCE = 10,
    DEFAULT_MIN_BATCH = 32,
    DEFAULT_MAX_BATCH = 128,
    DEFAULT_MIN_WIDTH = 100,
    DEFAULT_MAX_WIDTH = 256,
    VAL_SPLIT_MIN_ROWS = 50 /* fewer rows: no validation split */
};
#define DEFAULT_MIN_DELTA 1e-4
#define DEFAULT_VAL_SPLIT 0.1

/* The names in a table of the library, sep-separated into s[cap]:
 * activations ('a'; those without a flag of skip), losses ('l') or
 * optimizers ('o'). */
static const char *names(char kind, unsigned skip, const char *sep, char *s,
                         size_t cap)
{
    size_t n = 0;
    s[0] = '\0';
    for (int i = 0; n + 1 < cap; i++) {
        const bp_act_info *a = kind == 'a' ? bp_act_describe((bp_act)i) : NULL;
        const char *name = a ? a->name
            : kind == 'l'    ? bp_loss_name((bp_loss)i)
            : kind == 'o'    ? bp_optim_name((bp_optim_kind)i)
                             : NULL;
        if (!name)
            break;
        if (!a || !(a->flags & skip))
            n += (size_t)snprintf(s + n, cap - n, "%s%s", n ? sep : "", name);
    }
    return s;
}

static void usage(FILE *f)
{
    char acts[160], losses[80], optims[160];
    /* a hidden layer's activation is trained through: not row-wise, not
     * flat */
    names('a', BP_ACTF_ROWWISE | BP_ACTF_NO_GRADIENT, " ", acts, sizeof acts);
    names('l', 0, " ", losses, sizeof losses);
    names('o', 0, " ", optims, sizeof optims);
    fprintf(
        f,
        "usage: backprop train --data FILE [OPTIONS]\n\n"
        "Train a network on a data set and save it. Widths, output and loss\n"
        "come from the data unless given: classes get softmax + "
        "cross-entropy,\n"
        "numbers identity + squared error. With no other option it holds out\n"
        "%g%% for validation (stratified by class) and trains until the\n"
        "validation loss stops improving, keeping the best epoch's weights.\n\n"
        "data\n"
        "  --data FILE|DIR|-    CSV/TSV, FANN .data, .bpd (mapped), an IDX "
        "(MNIST)\n"
        "                       directory, any of them gzip'ed; - standard "
        "input\n"
        "  --test FILE|DIR      evaluate on it after every epoch (IDX: t10k "
        "split)\n"
        "  --val-split F        hold out this fraction for validation, "
        "stratified\n"
        "                       by class (default %g from %d samples up; 0 "
        "with\n"
        "                       --test, which is then the validation data)\n"
        "  --label COL          CSV label column, name or 1-based index "
        "(default\n"
        "                       last); several: --label a,b for regression; "
        "the\n"
        "                       model remembers it for eval and predict\n"
        "  --classes auto|yes|no  CSV labels, FANN outputs as classes "
        "(default\n"
        "                       auto; a .bpd file or IDX data settles it)\n"
        "  --header auto|yes|no   CSV header line (default auto)\n"
        "  --scale minmax|standard|none   input scaling (default standard)\n"
        "  --scale-targets standard|minmax|none   numeric targets' scaling, "
        "undone\n"
        "                       by eval, predict and exports (default "
        "standard\n"
        "                       under an unbounded output such as identity)\n"
        "network\n"
        "  --layers 784,256,10  all widths, input to output\n"
        "  --hidden 256,128     hidden widths only (default: one layer of "
        "half\n"
        "                       the inputs and outputs, from 100 up to 256)\n"
        "  --hidden-act A       %s (default relu)\n"
        "  --output-act A       default softmax (classes), identity (numbers)\n"
        "  --loss L             %s (default from the data)\n"
        "  --init I             xavier-uniform (default) xavier-normal "
        "he-uniform\n"
        "                       he-normal\n",
        100 * DEFAULT_VAL_SPLIT, DEFAULT_VAL_SPLIT, VAL_SPLIT_MIN_ROWS, acts,
        losses);
    /* in two parts: C99 promises string literals of 4095 bytes, no more */
    fprintf(
        f,
        "training\n"
        "  --optim O            %s (default adam)\n"
        "  --lr R  --momentum M  --weight-decay W  --clip C\n"
        "  --l1 R  --l2 R       L1/L2 penalty on the weights, R sum|w| + R/2 "
        "sum\n"
        "                       w^2 (any optimizer; the losses shown are the\n"
        "                       data's, the epoch line adds the penalty)\n"
        "  --batch N            samples per step (default: a tenth of the "
        "training\n"
        "                       samples, from %d up to %d)\n"
        "  --seed N (default 1)\n"
        "  --order standard|layer-wise   layer-wise: each layer updated "
        "before\n"
        "                       delta passes down through it (the worked\n"
        "                       example's published figures)\n"
        "  --epochs N           exactly N epochs (default: until the "
        "validation\n"
        "                       loss stops improving, at most %d)\n"
        "  --patience N         stop after N epochs without a better "
        "validation\n"
        "                       loss (without validation data: training loss)\n"
        "                       and keep the best epoch's weights (default %d\n"
        "                       without --epochs, else off)\n"
        "  --min-delta D        a better loss is lower by more than D (default "
        "%g)\n"
        "  --threads N          threads for the larger products (default: the\n"
        "                       cores, shared by MPI ranks); results are\n"
        "                       bit-identical for any N\n"
        "  --kernel NAME        auto (default), or a kernel `backprop info\n"
        "                       --kernels` lists (also BP_KERNEL=NAME)\n"
        "files\n"
        "  --save FILE          the trained model (text form if FILE ends in "
        ".txt)\n"
        "  --checkpoint FILE --checkpoint-every N   resumable state every N "
        "epochs\n"
        "  --checkpoint-batches N   also every N batches within an epoch\n"
        "  --resume FILE        continue from a checkpoint, with its network,\n"
        "                       scaling, optimizer and seed (the options that\n"
        "                       set those are refused)\n"
        "  --log FILE.jsonl     one JSON object per epoch, with each layer's\n"
        "                       gradient and weight norms\n"
        "  --plot FILE.svg      loss and accuracy curves\n"
        "  --plot-grads FILE.svg  each layer's gradient and weight norms per\n"
        "                       epoch: a vanishing gradient as a picture\n"
        "  --quiet              no progress bar or epoch lines, only "
        "errors\n"
        "  --verbose            also the whole setup, one line per part "
        "(not with\n"
        "                       --quiet)\n"
        "parallel (mpirun -np N build-mpi/backprop train ...)\n"
        "  every rank trains on its share of each global batch; one allreduce\n"
        "  sums the gradients; rank 0 alone prints and writes files\n"
        "  --debug-sync N       every N steps, check all ranks hold the same "
        "weights\n",
        optims, DEFAULT_MIN_BATCH, DEFAULT_MAX_BATCH, DEFAULT_MAX_EPOCHS,
        DEFAULT_PATIENCE, DEFAULT_MIN_DELTA);
}

typedef struct {
    const char *data, *test, *label, *classes, *header, *scale, *scale_t;
    double val_split;
    const char *layers, *hidden, *hidden_act, *output_act, *loss, *init;
    const char *optim, *order, *kernel;
    double lr, momentum, weight_decay, l1, l2, clip, min_delta;
    int batch, epochs, patience, threads, ckpt_every, ckpt_batches, quiet,
        verbose, debug_sync;
    uint64_t seed;
    int seed_given;
    const char *save, *checkpoint, *resume, *log, *plot, *plot_grads;
} args;

/* -------------------------------------------------------------- options */

enum {
    O_DATA = 256,
    O_TEST,
    O_VAL,
    O_LABEL,
    O_CLASSES,
    O_HEADER,
    O_SCALE,
    O_LAYERS,
    O_HIDDEN,
    O_HACT,
    O_OACT,
    O_LOSS,
    O_INIT,
    O_OPTIM,
    O_LR,
    O_MOM,
    O_WD,
    O_CLIP,
    O_BATCH,
    O_EPOCHS,
    O_SEED,
    O_ORDER,
    O_PAT,
    O_THREADS,
    O_SAVE,
    O_CKPT,
    O_CKPT_N,
    O_RESUME,
    O_LOG,
    O_PLOT,
    O_QUIET,
    O_VERBOSE,
    O_HELP,
    O_CKPT_B,
    O_DSYNC,
    O_KERNEL,
    O_PLOT_G,
    O_L1,
    O_L2,
    O_SCALE_T,
    O_MIN_DELTA
};

/* An option that names something: kept as given, checked later. */
static int parse_name(args *a, int c, const char *v)
{
    const char **slot[] = {
        [O_DATA] = &a->data,         [O_TEST] = &a->test,
        [O_LABEL] = &a->label,       [O_CLASSES] = &a->classes,
        [O_HEADER] = &a->header,     [O_SCALE] = &a->scale,
        [O_SCALE_T] = &a->scale_t,   [O_LAYERS] = &a->layers,
        [O_HIDDEN] = &a->hidden,     [O_HACT] = &a->hidden_act,
        [O_OACT] = &a->output_act,   [O_LOSS] = &a->loss,
        [O_INIT] = &a->init,         [O_OPTIM] = &a->optim,
        [O_ORDER] = &a->order,       [O_SAVE] = &a->save,
        [O_CKPT] = &a->checkpoint,   [O_RESUME] = &a->resume,
        [O_LOG] = &a->log,           [O_PLOT] = &a->plot,
        [O_PLOT_G] = &a->plot_grads, [O_KERNEL] = NULL};
    if (c < O_DATA || c >= (int)(sizeof slot / sizeof *slot) || !slot[c])
        return 0;
    *slot[c] = v;
    return 1;
}

/* An option with a number: parsed and range-checked now. 0 if fine. */
static int parse_number(args *a, int c, const char *v)
{
    const char *cmd = "train";
    int seed;
    switch (c) {
    case O_VAL:
        return cli_double(cmd, "--val-split", v, 0, 0.9, &a->val_split);
    case O_LR:
        return cli_double(cmd, "--lr", v, 1e-12, 1e6, &a->lr);
    case O_MOM:
        return cli_double(cmd, "--momentum", v, 0, 0.999999, &a->momentum);
    case O_WD:
        return cli_double(cmd, "--weight-decay", v, 0, 1e3, &a->weight_decay);
    case O_L1:
        return cli_double(cmd, "--l1", v, 0, 1e3, &a->l1);
    case O_L2:
        return cli_double(cmd, "--l2", v, 0, 1e3, &a->l2);
    case O_CLIP:
        return cli_double(cmd, "--clip", v, 0, 1e30, &a->clip);
    case O_BATCH:
        return cli_int(cmd, "--batch", v, 1, 1 << 20, &a->batch);
    case O_EPOCHS:
        return cli_int(cmd, "--epochs", v, 0, 1 << 24, &a->epochs);
    case O_PAT:
        return cli_int(cmd, "--patience", v, 0, 1 << 24, &a->patience);
    case O_MIN_DELTA:
        return cli_double(cmd, "--min-delta", v, 0, 1e30, &a->min_delta);
    case O_THREADS:
        return cli_int(cmd, "--threads", v, 1, 256, &a->threads);
    case O_CKPT_N:
        return cli_int(cmd, "--checkpoint-every", v, 1, 1 << 24,
                       &a->ckpt_every);
    case O_CKPT_B:
        return cli_int(cmd, "--checkpoint-batches", v, 1, 1 << 30,
                       &a->ckpt_batches);
    case O_DSYNC:
        return cli_int(cmd, "--debug-sync", v, 1, 1 << 30, &a->debug_sync);
    case O_SEED:
        if (cli_int(cmd, "--seed", v, 0, 2147483647L, &seed))
            return -1;
        a->seed = (uint64_t)seed;
        a->seed_given = 1;
        return 0;
    case O_KERNEL:
        a->kernel = v;
        return cli_kernel(cmd, v);
    }
    return -1;
}

/* What no single option can say wrong. */
static int check_args(args *a)
{
    if (!a->data) {
        fprintf(stderr,
                "backprop train: --data FILE is needed (see backprop "
                "train --help)\n");
        return -1;
    }
    if (a->test && strcmp(a->data, "-") == 0 && strcmp(a->test, "-") == 0) {
        fprintf(stderr,
                "backprop train: --data - and --test -: standard "
                "input holds one data set; give the other as a file\n");
        return -1;
    }
    if ((a->ckpt_every || a->ckpt_batches) && !a->checkpoint) {
        fprintf(stderr,
                "backprop train: --checkpoint-every and "
                "--checkpoint-batches need --checkpoint FILE\n");
        return -1;
    }
    if (a->checkpoint && !a->ckpt_every)
        a->ckpt_every = 1;
    if (a->quiet && a->verbose) {
        fprintf(stderr,
                "backprop train: give --quiet or --verbose, not both\n");
        return -1;
    }
    if (a->layers && a->hidden) {
        fprintf(stderr,
                "backprop train: give --layers or --hidden, not both\n");
        return -1;
    }
    if (a->resume &&
        (a->optim || a->lr >= 0 || a->momentum >= 0 || a->weight_decay >= 0 ||
         a->l1 >= 0 || a->l2 >= 0)) {
        fprintf(stderr,
                "backprop train: --optim, --lr, --momentum, "
                "--weight-decay, --l1 and --l2 set up a new optimizer; a "
                "resumed run continues with its checkpoint's\n");
        return -1;
    }
    /* the same for what the checkpoint fixed when it was made: never
     * accepted and then ignored */
    const char *fixed = !a->resume ? NULL
        : a->layers                ? "--layers"
        : a->hidden                ? "--hidden"
        : a->hidden_act            ? "--hidden-act"
        : a->output_act            ? "--output-act"
        : a->loss                  ? "--loss"
        : a->init                  ? "--init"
        : a->scale                 ? "--scale"
        : a->scale_t               ? "--scale-targets"
        : a->seed_given            ? "--seed"
                                   : NULL;
    if (fixed) {
        fprintf(stderr,
                "backprop train: %s with --resume: the network, its "
                "scaling and its seed are the checkpoint's\n",
                fixed);
        return -1;
    }
    int w[64],
        n; /* the widths' syntax now; build_net matches them to the data */
    if ((a->layers &&
         cli_int_list("train", "--layers", a->layers, 1, 1 << 24, w, 64, &n)) ||
        (a->hidden && strcmp(a->hidden, "none") != 0 &&
         cli_int_list("train", "--hidden", a->hidden, 1, 1 << 24, w, 62, &n)))
        return -1;
    return 0;
}

/* 0: go on; 1: --help was shown; -1: a usage error was reported. */
static int parse(int argc, char **argv, args *a)
{
    static const struct option lo[] = {{"data", 1, 0, O_DATA},
                                       {"test", 1, 0, O_TEST},
                                       {"val-split", 1, 0, O_VAL},
                                       {"label", 1, 0, O_LABEL},
                                       {"classes", 1, 0, O_CLASSES},
                                       {"header", 1, 0, O_HEADER},
                                       {"scale", 1, 0, O_SCALE},
                                       {"scale-targets", 1, 0, O_SCALE_T},
                                       {"layers", 1, 0, O_LAYERS},
                                       {"hidden", 1, 0, O_HIDDEN},
                                       {"hidden-act", 1, 0, O_HACT},
                                       {"output-act", 1, 0, O_OACT},
                                       {"loss", 1, 0, O_LOSS},
                                       {"init", 1, 0, O_INIT},
                                       {"optim", 1, 0, O_OPTIM},
                                       {"lr", 1, 0, O_LR},
                                       {"momentum", 1, 0, O_MOM},
                                       {"weight-decay", 1, 0, O_WD},
                                       {"l1", 1, 0, O_L1},
                                       {"l2", 1, 0, O_L2},
                                       {"clip", 1, 0, O_CLIP},
                                       {"batch", 1, 0, O_BATCH},
                                       {"epochs", 1, 0, O_EPOCHS},
                                       {"seed", 1, 0, O_SEED},
                                       {"order", 1, 0, O_ORDER},
                                       {"patience", 1, 0, O_PAT},
                                       {"min-delta", 1, 0, O_MIN_DELTA},
                                       {"threads", 1, 0, O_THREADS},
                                       {"kernel", 1, 0, O_KERNEL},
                                       {"save", 1, 0, O_SAVE},
                                       {"checkpoint", 1, 0, O_CKPT},
                                       {"checkpoint-every", 1, 0, O_CKPT_N},
                                       {"checkpoint-batches", 1, 0, O_CKPT_B},
                                       {"debug-sync", 1, 0, O_DSYNC},
                                       {"resume", 1, 0, O_RESUME},
                                       {"log", 1, 0, O_LOG},
                                       {"plot", 1, 0, O_PLOT},
                                       {"plot-grads", 1, 0, O_PLOT_G},
                                       {"quiet", 0, 0, O_QUIET},
                                       {"verbose", 0, 0, O_VERBOSE},
                                       {"help", 0, 0, O_HELP},
                                       {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    a->val_split = -1;
    a->lr = -1; /* the optimizer's settings: -1 unset */
    a->momentum = -1;
    a->weight_decay = -1;
    a->l1 = -1;
    a->l2 = -1;
    a->batch = -1; /* unset: 32, or the checkpoint's */
    a->patience = -1;
    a->clip = -1;
    a->min_delta = -1;
    a->epochs = -1;
    a->seed = 1;
    a->threads = 0; /* unset: the cores */
    optind = 0;     /* 0, not 1: glibc then forgets the last argv completely */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
        if (c == O_QUIET || c == O_VERBOSE) {
            *(c == O_QUIET ? &a->quiet : &a->verbose) = 1;
        } else if (c == O_HELP) {
            usage(stdout);
            return 1;
        } else if (c == ':') {
            fprintf(stderr, "backprop train: %s needs a value\n",
                    argv[optind - 1]);
            return -1;
        } else if (c == '?') {
            fprintf(stderr,
                    "backprop train: unknown option '%s' (see "
                    "backprop train --help)\n",
                    argv[optind - 1]);
            return -1;
        } else if (!parse_name(a, c, optarg) && parse_number(a, c, optarg)) {
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "backprop train: unexpected argument '%s'\n",
                argv[optind]);
        return -1;
    }
    return check_args(a);
}

/* ---------------------------------------------------------- the network */

static int parse_act(const char *opt, const char *name, bp_act *act)
{
    char known[160];
    if (bp_act_parse(name, act) == BP_OK)
        return 0;
    fprintf(stderr, "backprop train: %s: unknown activation '%s' (%s)\n", opt,
            name, names('a', 0, ", ", known, sizeof known));
    return -1;
}

static int parse_init(const char *name, bp_init *init)
{
    static const char *const names[] = {"xavier-uniform", "xavier-normal",
                                        "he-uniform", "he-normal"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *init = (bp_init)i;
            return 0;
        }
    fprintf(stderr,
            "backprop train: --init: unknown '%s' (xavier-uniform, "
            "xavier-normal, he-uniform, he-normal)\n",
            name);
    return -1;
}

/* Build the network the options and the data call for. NULL after a
 * message; *bad_input 1 when the options were fine but the network is not
 * (too large for memory: exit 1, not 2). */
static bp_net *build_net(const args *a, const bp_data *d, int n_classes,
                         int *bad_input)
{
    int w[64], n = 0, n_in = d->n_in, n_out = d->n_out;
    *bad_input = 0;
    bp_layer_desc layers[64];
    if (a->layers) {
        if (cli_int_list("train", "--layers", a->layers, 1, 1 << 24, w, 64, &n))
            return NULL;
        if (n < 2 || w[0] != n_in || w[n - 1] != n_out) {
            fprintf(stderr,
                    "backprop train: --layers %s: the data has %d "
                    "inputs and %d outputs, so the list must start with %d "
                    "and end with %d\n",
                    a->layers, n_in, n_out, n_in, n_out);
            return NULL;
        }
        n -= 2;
        memmove(w, w + 1, (size_t)n * sizeof *w);
    } else if (a->hidden) {
        if (strcmp(a->hidden, "none") != 0 &&
            cli_int_list("train", "--hidden", a->hidden, 1, 1 << 24, w, 62, &n))
            return NULL;
    } else { /* one hidden layer between the input and output widths */
        int h = (n_in + n_out + 1) / 2;
        w[0] = h < DEFAULT_MIN_WIDTH ? DEFAULT_MIN_WIDTH
            : h > DEFAULT_MAX_WIDTH  ? DEFAULT_MAX_WIDTH
                                     : h;
        n = 1;
    }
    bp_act hidden = BP_ACT_RELU,
           out = n_classes ? BP_ACT_SOFTMAX : BP_ACT_IDENTITY;
    if (a->hidden_act && parse_act("--hidden-act", a->hidden_act, &hidden))
        return NULL;
    if (a->output_act && parse_act("--output-act", a->output_act, &out))
        return NULL;
    for (int l = 0; l < n; l++) {
        layers[l].n_out = w[l];
        layers[l].act = hidden;
        layers[l].act_param = 0.01;
    }
    layers[n].n_out = n_out;
    layers[n].act = out;
    layers[n].act_param = 0.01;
    /* classes: the loss the output activation pairs with (softmax: ce,
     * sigmoid: bce); numbers: squared error, unless the outputs form a
     * distribution (softmax) */
    const bp_act_info *fo = bp_act_describe(out);
    bp_loss loss =
        n_classes || (fo->flags & BP_ACTF_ROWWISE) ? fo->out_loss : BP_LOSS_SSE;
    if (a->loss && bp_loss_parse(a->loss, &loss)) {
        char known[80];
        fprintf(stderr, "backprop train: --loss: unknown '%s' (%s)\n", a->loss,
                names('l', 0, ", ", known, sizeof known));
        return NULL;
    }
    bp_init init = BP_INIT_XAVIER_UNIFORM; /* see DEFAULT_MAX_EPOCHS */
    if (a->init && parse_init(a->init, &init))
        return NULL;
    bp_net *net;
    bp_error err;
    bp_status st = bp_net_create(n_in, n + 1, layers, NULL, &net, &err);
    if (st) {
        fprintf(stderr, "backprop train: %s\n", err.msg);
        /* too large for memory is the data's doing; a bad BP_KERNEL is not */
        *bad_input = st == BP_ERR_NOMEM || st == BP_ERR_SIZE;
        return NULL;
    }
    if (bp_net_set_loss(net, loss, BP_REDUCE_MEAN) ||
        bp_net_init(net, init, a->seed)) {
        fprintf(stderr, "backprop train: %s\n", bp_net_errmsg(net));
        bp_net_free(net);
        return NULL;
    }
    return net;
}

static int set_optim(const args *a, bp_net *net)
{
    bp_optim_kind kind = BP_OPT_ADAM;
    if (a->optim && bp_optim_parse(a->optim, &kind)) {
        char known[160];
        fprintf(stderr, "backprop train: --optim: unknown '%s' (%s)\n",
                a->optim, names('o', 0, ", ", known, sizeof known));
        return -1;
    }
    bp_optim o = bp_optim_defaults(kind);
    if (a->lr > 0)
        o.lr = a->lr;
    if (a->momentum >= 0) {
        o.momentum = a->momentum;
        if (kind == BP_OPT_SGD && a->momentum > 0)
            o.kind = BP_OPT_MOMENTUM;
    }
    if (a->weight_decay >= 0)
        o.weight_decay = a->weight_decay;
    if (a->l1 >= 0)
        o.l1 = a->l1;
    if (a->l2 >= 0)
        o.l2 = a->l2;
    if (bp_net_set_optim(net, &o)) {
        fprintf(stderr, "backprop train: %s\n", bp_net_errmsg(net));
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------- the job */

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *scaling_name(bp_scaling k)
{
    return k == BP_SCALING_MINMAX  ? "minmax"
        : k == BP_SCALING_STANDARD ? "standard"
                                   : "none";
}

static bp_scaling parse_scaling(const char *s, int *bad)
{
    *bad = 0;
    if (!s || strcmp(s, "standard") == 0)
        return BP_SCALING_STANDARD;
    if (strcmp(s, "minmax") == 0)
        return BP_SCALING_MINMAX;
    if (strcmp(s, "none") == 0)
        return BP_SCALING_NONE;
    *bad = 1;
    return BP_SCALING_NONE;
}

/* Every file training will write, checked before any data is read or
 * any epoch is run, so a typo in a path costs nothing. */
static int check_outputs(const args *a)
{
    const char *const inputs[] = {"--data", a->data, "--test", a->test, NULL};
    const char *const opt[] = {"--save", "--checkpoint", "--plot",
                               "--plot-grads", "--log"};
    const char *const path[] = {a->save, a->checkpoint, a->plot, a->plot_grads,
                                a->log};
    for (int i = 0; i < 5; i++)
        if (path[i] &&
            cli_check_output("train", opt[i], path[i], inputs,
                             i < 4 /* --log is appended to */))
            return -1;
    return cli_check_distinct("train", opt, path, 5);
}

/* What one run holds, freed by job_free. */
typedef struct {
    bp_dataset *train, *val;
    bp_data td, vd; /* their views, as trained on */
    bp_model *model;
    bp_order order;
    bp_scaling scaling, scaling_t; /* --scale, --scale-targets */
    bp_trainer *tr;
    train_loop loop;
} job;

static void job_free(job *j)
{
    if (j->loop.log && fclose(j->loop.log) != 0)
        fprintf(stderr, "backprop train: %s: write error\n", j->loop.log_path);
    train_loop_free(&j->loop);
    bp_trainer_free(j->tr);
    bp_model_free(j->model);
    bp_dataset_free(j->train);
    bp_dataset_free(j->val);
}

/* The training data, and the test set when there is one. */
static int load_sets(const args *a, job *j)
{
    bp_data_opts dopt = bp_data_defaults();
    bp_error err;
    dopt.label = a->label;
    if (cli_choice("train", "--classes", a->classes, &dopt.classes) ||
        cli_choice("train", "--header", a->header, &dopt.header))
        return CLI_USAGE;
    if (cli_data_load("train", a->data, &dopt, &j->train, &err)) {
        fprintf(stderr, "backprop train: %s\n", err.msg);
        return CLI_ERR;
    }
    j->td = bp_dataset_data(j->train);
    if (bp_dataset_n_classes(j->train) == 1) {
        fprintf(stderr,
                "backprop train: %s: every sample is of class '%s': "
                "with one class there is nothing to learn\n",
                a->data, bp_dataset_class_name(j->train, 0));
        return CLI_ERR;
    }
    if (a->test) {
        bp_data_opts topt = dopt;
        topt.split = "t10k";
        if (cli_data_load("train", a->test, &topt, &j->val, &err) ||
            bp_dataset_match(j->val, j->train, &err)) {
            fprintf(stderr, "backprop train: %s\n", err.msg);
            return CLI_ERR;
        }
    }
    /* --label and --header serve whichever set is CSV/TSV */
    const int any_csv = strcmp(bp_dataset_format(j->train), "csv") == 0 ||
        (j->val && strcmp(bp_dataset_format(j->val), "csv") == 0);
    if (!any_csv &&
        cli_check_csv_only("train", a->data, bp_dataset_format(j->train),
                           a->label, a->header))
        return CLI_USAGE;
    if (cli_check_classes("train", a->data, bp_dataset_format(j->train),
                          dopt.classes))
        return CLI_USAGE;
    return CLI_OK;
}

/* The checkpoint to continue from, checked against the data. */
static int resume_model(args *a, job *j)
{
    bp_error err;
    if (bp_model_load(a->resume, NULL, &j->model, &err)) {
        fprintf(stderr, "backprop train: %s\n", err.msg);
        return CLI_ERR;
    }
    bp_net *net = j->model->net;
    if (!j->model->has_train_state) {
        fprintf(stderr,
                "backprop train: %s: a model, not a checkpoint "
                "(no training state to resume)\n",
                a->resume);
        return CLI_ERR;
    }
    if (bp_net_n_in(net) != j->td.n_in || bp_net_n_out(net) != j->td.n_out) {
        fprintf(stderr,
                "backprop train: %s: the checkpoint takes %d inputs "
                "and %d outputs; %s has %d and %d\n",
                a->resume, bp_net_n_in(net), bp_net_n_out(net), a->data,
                j->td.n_in, j->td.n_out);
        return CLI_ERR;
    }
    if (bp_dataset_match_model(j->train, j->model, &err)) {
        fprintf(stderr, "backprop train: %s\n", err.msg);
        return CLI_ERR;
    }
    return CLI_OK;
}

/* A new model: the network the options and the data call for, its
 * optimizer, the classes and target columns (so that eval and predict
 * read files like this one without being told). */
static int new_model(const args *a, job *j)
{
    int bad_input;
    bp_error err;
    bp_net *net =
        build_net(a, &j->td, bp_dataset_n_classes(j->train), &bad_input);
    if (!net)
        return bad_input ? CLI_ERR : CLI_USAGE;
    if (bp_model_new(net, &j->model, &err)) {
        bp_net_free(net);
        fprintf(stderr, "backprop train: %s\n", err.msg);
        return CLI_ERR;
    }
    if (set_optim(a, net))
        return CLI_USAGE;
    if (bp_dataset_describe(j->train, j->model, &err)) {
        fprintf(stderr, "backprop train: %s\n", err.msg);
        return CLI_ERR;
    }
    return CLI_OK;
}

/* A tenth of the n samples that training keeps of the val_split held
 * out, from DEFAULT_MIN_BATCH up to DEFAULT_MAX_BATCH. */
static int default_batch(int64_t n, double val_split)
{
    const int64_t b = (int64_t)((double)n * (1 - val_split)) / 10;
    return b < DEFAULT_MIN_BATCH ? DEFAULT_MIN_BATCH
        : b > DEFAULT_MAX_BATCH  ? DEFAULT_MAX_BATCH
                                 : (int)b;
}

/* The recipe: what was given, else the checkpoint's, else the defaults. */
static void fill_recipe(args *a, job *j)
{
    if (a->resume) {
        const bp_train_state *t = &j->model->train;
        if (a->epochs < 0)
            a->epochs = t->epochs;
        a->seed = t->seed;
        if (a->batch < 0)
            a->batch = t->batch;
        if (a->patience < 0)
            a->patience = t->patience;
        if (a->clip < 0)
            a->clip = t->clip;
        if (a->min_delta < 0)
            a->min_delta = t->min_delta;
        if (!a->order)
            j->order = t->order;
        if (a->val_split < 0)
            a->val_split = j->model->val_split;
    }
    /* no --epochs: until the loss stops improving; --epochs N: exactly N
     * (unless --patience is given too) */
    if (a->epochs < 0) {
        a->epochs = DEFAULT_MAX_EPOCHS;
        if (a->patience < 0)
            a->patience = DEFAULT_PATIENCE;
    }
    if (a->patience < 0)
        a->patience = 0;
    if (a->clip < 0)
        a->clip = 0;
    if (a->min_delta < 0)
        a->min_delta = DEFAULT_MIN_DELTA;
    if (a->val_split < 0 && a->test)
        a->val_split = 0;
    if (a->val_split < 0)
        a->val_split =
            j->td.n >= VAL_SPLIT_MIN_ROWS && !bp_dataset_is_mapped(j->train)
            ? DEFAULT_VAL_SPLIT
            : 0;
    if (a->batch < 0)
        a->batch = default_batch(j->td.n, a->val_split);
    j->model->val_split = a->val_split;
}

/* The targets' scaling: --scale-targets, else standard for numbers that
 * the output can take whatever their range (identity: squared error then
 * weighs every target in its own units, and Adam's first steps reach
 * them), else none: a bounded output (sigmoid, tanh, ReLU) has a range
 * the targets were chosen for. */
static bp_scaling target_scaling(const args *a, const job *j)
{
    if (a->scale_t)
        return j->scaling_t;
    bp_layer_desc out;
    bp_net_layer(j->model->net, bp_net_n_layers(j->model->net) - 1, &out, NULL);
    const bp_act_info *ai = bp_act_describe(out.act);
    return ai->out_min == -HUGE_VAL && ai->out_max == HUGE_VAL
        ? BP_SCALING_STANDARD
        : BP_SCALING_NONE;
}

/* Fit the model's scalers to the training part: the inputs' (--scale),
 * and numeric targets' (target_scaling). */
static bp_status fit_scalers(const args *a, const job *j, bp_error *err)
{
    const bp_data td = bp_dataset_data(j->train);
    const bp_scaling tk = td.t ? target_scaling(a, j) : BP_SCALING_NONE;
    bp_scaler in = {BP_SCALING_NONE, 0, NULL, NULL, {NULL, NULL, NULL}};
    bp_scaler out = in;
    bp_status st =
        bp_scaler_fit(&in, j->scaling, td.x, td.n, td.n_in, NULL, err);
    if (!st && tk != BP_SCALING_NONE)
        st = bp_scaler_fit(&out, tk, td.t, td.n, td.n_out, NULL, err);
    if (!st)
        st = bp_model_set_scalers(j->model, &in, &out, err);
    bp_scaler_free(&in);
    bp_scaler_free(&out);
    return st;
}

/* The scaling fitted on the training part (not on validation, which must
 * stay unseen), or a memory-mapped set's own. */
static int fit_scaling(const args *a, job *j)
{
    bp_error err;
    bp_model *m = j->model;
    const int scale_t = a->scale_t && j->scaling_t != BP_SCALING_NONE;
    if (scale_t && !j->td.t) {
        fprintf(stderr,
                "backprop train: --scale-targets: the targets of %s "
                "are classes, not numbers\n",
                a->data);
        return CLI_USAGE;
    }
    if (bp_dataset_is_mapped(j->train)) {
        /* a memory-mapped set is used as stored, scaled or not when it
         * was converted; the model takes its scaling from the file */
        if ((a->scale && strcmp(a->scale, "none") != 0) || scale_t) {
            fprintf(stderr,
                    "backprop train: %s: memory-mapped data is used "
                    "as stored; scale it when converting (backprop convert "
                    "--scale %s)\n",
                    a->data, a->scale ? a->scale : a->scale_t);
            return CLI_USAGE;
        }
        if (!a->resume &&
            bp_model_set_scalers(m, bp_dataset_scaler(j->train, 0), NULL,
                                 &err)) {
            fprintf(stderr, "backprop train: %s\n", err.msg);
            return CLI_ERR;
        }
    } else if (!a->resume && fit_scalers(a, j, &err)) {
        fprintf(stderr, "backprop train: %s\n", err.msg);
        return CLI_ERR;
    }
    return CLI_OK;
}

/* Validation (the test set, or a held-out part of the training data,
 * split before scaling is fitted), then both sets in the model's scaling
 * (a mapped one in a copy if its own differs: never through the map). */
static int prepare_sets(const args *a, job *j)
{
    bp_error err;
    if (!a->test && a->val_split > 0 &&
        bp_dataset_split(j->train, a->val_split, a->seed, &j->val, &err)) {
        fprintf(stderr, "backprop train: %s\n", err.msg);
        return CLI_ERR;
    }
    int rc = fit_scaling(a, j);
    if (rc)
        return rc;
    const bp_model *m = j->model;
    if (bp_dataset_scale(j->train, &m->scaler, &m->target_scaler, &err) ||
        (j->val &&
         bp_dataset_scale(j->val, &m->scaler, &m->target_scaler, &err))) {
        fprintf(stderr, "backprop train: %s\n", err.msg);
        return CLI_ERR;
    }
    j->td = bp_dataset_data(j->train);
    j->vd = bp_dataset_data(j->val);
    return CLI_OK;
}

/* --verbose: the whole setup, one line per part. */
static void print_setup(const args *a, const job *j)
{
    bp_net *net = j->model->net;
    bp_optim op = bp_net_optim(net);
    bp_loss lk;
    bp_reduction red;
    bp_net_loss_kind(net, &lk, &red);
    fprintf(stderr, "network   %d", bp_net_n_in(net));
    for (int l = 0; l < bp_net_n_layers(net); l++) {
        bp_layer_desc ld;
        bp_net_layer(net, l, &ld, NULL);
        fprintf(stderr, " -> %d %s", ld.n_out, bp_act_name(ld.act));
    }
    fprintf(stderr, "\nkernel    %s, %d thread%s", bp_net_kernel(net),
            bp_net_threads(net), bp_net_threads(net) > 1 ? "s" : "");
    fprintf(stderr,
            "\nloss      %s (%s over the batch)\n"
            "optimizer %s, lr %g, momentum %g, weight decay %g, l1 %g, "
            "l2 %g\n"
            "training  %d epochs%s, batch %d, seed %llu, %s order, "
            "patience %d, min delta %g, clip %g\n"
            "scaling   inputs %s, targets %s\n",
            bp_loss_name(lk), red == BP_REDUCE_MEAN ? "mean" : "sum",
            bp_optim_name(op.kind), op.lr, op.momentum, op.weight_decay, op.l1,
            op.l2, a->epochs, a->resume ? " in all (resuming)" : "", a->batch,
            (unsigned long long)a->seed,
            j->order == BP_ORDER_LAYERWISE ? "layer-wise" : "standard",
            a->patience, a->min_delta, a->clip,
            scaling_name(j->model->scaler.kind),
            scaling_name(j->model->target_scaler.kind));
}

/* What a person sees first: the data, the validation, the parameters,
 * and when training will stop. */
static void print_plan(const args *a, const job *j)
{
    fprintf(stderr, "training on %d samples (%d inputs, %d %s), ", (int)j->td.n,
            j->td.n_in, j->td.n_out,
            bp_dataset_n_classes(j->train) ? "classes" : "outputs");
    if (!j->val)
        fprintf(stderr, "no validation");
    else if (a->test)
        fprintf(stderr, "validating on %d (%s)", (int)j->vd.n, a->test);
    else
        fprintf(stderr, "validating on %d held out (%g%%%s)", (int)j->vd.n,
                100 * a->val_split,
                bp_dataset_n_classes(j->train) ? ", stratified" : "");
    fprintf(stderr, "; %zu parameters\n", bp_net_n_params(j->model->net));
    if (a->patience > 0)
        fprintf(stderr,
                "training until the %s loss has not improved by %g "
                "for %d epochs (at most %d epochs); the best epoch's weights "
                "are kept\n",
                j->val ? "validation" : "training", a->min_delta, a->patience,
                a->epochs);
}

/* The cores this process may run on (its affinity mask: what taskset or
 * a container's cpuset leaves it), shared among the MPI ranks of this
 * run: --threads' default. */
static int default_threads(int ranks)
{
    long n = 0;
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
#endif
    if (n < 1)
        n = sysconf(_SC_NPROCESSORS_ONLN);
    n /= ranks > 1 ? ranks : 1;
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* The network's threads and kernel, and what a person sees first. */
static int setup_net(args *a, const job *j)
{
    bp_net *net = j->model->net;
    if (!a->quiet)
        print_plan(a, j);
    if (a->threads == 0)
        a->threads = default_threads(j->loop.size);
    if (bp_net_set_threads(net, a->threads)) {
        fprintf(stderr, "backprop train: --threads %d: %s\n", a->threads,
                bp_net_errmsg(net));
        return CLI_ERR;
    }
    if (a->kernel && bp_net_set_kernel(net, a->kernel)) {
        fprintf(stderr, "backprop train: --kernel %s: %s\n", a->kernel,
                bp_net_errmsg(net));
        return CLI_ERR;
    }
    if (a->verbose)
        print_setup(a, j);
    return CLI_OK;
}

/* The trainer of the recipe, placed where a checkpoint left off. */
static int make_trainer(const args *a, job *j)
{
    bp_train_opts o = bp_train_defaults();
    o.epochs = a->epochs;
    o.batch = a->batch;
    o.order = j->order;
    o.seed = a->seed;
    if (j->val)
        o.val = &j->vd;
    o.patience = a->patience;
    o.min_delta = a->min_delta;
    o.clip = a->clip;
    if (bp_dataset_is_mapped(j->train)) /* read it in blocks of about 4 MB */
        o.shuffle_window =
            (int)((4 << 20) /
                  ((size_t)(j->td.n_in + j->td.n_out) * sizeof(bp_real))) +
            1;
    if (j->loop.size > 1) {
        o.shard = j->loop.rank;
        o.n_shards = j->loop.size;
        o.on_grads = train_loop_grads;
        o.ctx = &j->loop;
        if (!a->quiet && j->loop.rank == 0)
            fprintf(stderr, "data parallel: %d ranks, global batch %d\n",
                    j->loop.size, a->batch);
    }
    bp_error err;
    if (bp_trainer_create(j->model->net, &j->td, &o, &j->tr, &err)) {
        fprintf(stderr, "backprop train: %s\n", err.msg);
        return CLI_ERR;
    }
    if (j->model->has_train_state &&
        bp_trainer_set_state(j->tr, &j->model->train, j->model->best_params)) {
        fprintf(stderr, "backprop train: %s: %s\n", a->resume,
                bp_trainer_errmsg(j->tr));
        return CLI_ERR;
    }
    return CLI_OK;
}

/* The loop, with its log, progress and checkpoints. */
static int run(const args *a, job *j)
{
    train_loop *L = &j->loop;
    L->model = j->model;
    L->tr = j->tr;
    L->checkpoint = a->checkpoint;
    L->ckpt_every = a->ckpt_every;
    L->ckpt_batches = a->ckpt_batches;
    L->log_path = a->log;
    L->debug_sync = a->debug_sync;
    progress_init(&L->prog, stderr, a->quiet || L->rank != 0, (int)j->td.n,
                  a->batch);
    /* a resumed run's log goes on where the checkpoint's left off */
    if (a->log &&
        !(L->log = fopen(a->log, j->model->has_train_state ? "a" : "w"))) {
        fprintf(stderr, "backprop train: %s: cannot open the log for writing\n",
                a->log);
        return CLI_ERR;
    }
    if ((a->log || a->plot_grads) &&
        train_loop_follow_norms(L, bp_net_n_layers(j->model->net))) {
        fprintf(stderr, "backprop train: out of memory\n");
        return CLI_ERR;
    }
    j->model->has_train_state = 1; /* checkpoints written from now on */
    bp_status st = train_loop_run(L);
    j->model->has_train_state = 0; /* the model saved at the end is not one */
    if (st) {
        fprintf(stderr, "backprop train: %s\n", bp_trainer_errmsg(j->tr));
        if (a->checkpoint)
            fprintf(stderr,
                    "backprop train: the last checkpoint, %s, is "
                    "intact\n",
                    a->checkpoint);
        return CLI_ERR;
    }
    if (L->failed)
        return CLI_ERR;
    bp_train_state t;
    t = bp_trainer_state(j->tr);
    if (!a->quiet && a->patience > 0 && bp_trainer_finished(j->tr) &&
        t.epoch < t.epochs)
        fprintf(stderr,
                "early stop: no better %s loss for %d epochs; "
                "keeping epoch %d (%s %.4f)\n",
                j->val ? "validation" : "training", a->patience, t.best_epoch,
                j->val ? "val_loss" : "loss", t.best_val_loss);
    return CLI_OK;
}

/* --plot-grads: each layer's norms over the epochs of this run. */
static int plot_norms(const args *a, const job *j)
{
    const train_loop *L = &j->loop;
    if (L->n_history == 0 || !L->norms)
        return CLI_OK;
    char(*names)[48] = calloc((size_t)L->n_layers, sizeof *names);
    const char **np = calloc((size_t)L->n_layers, sizeof *np);
    bp_error err;
    int rc = CLI_ERR;
    if (names && np) {
        for (int l = 0; l < L->n_layers; l++) {
            bp_layer_desc d;
            bp_net_layer(j->model->net, l, &d, NULL);
            snprintf(names[l], sizeof names[l], "layer %d (%s)", l + 1,
                     bp_act_name(d.act));
            np[l] = names[l];
        }
        char title[600];
        snprintf(title, sizeof title, "each layer's norms: %s", a->data);
        rc = plot_grads_svg(a->plot_grads, title, L->norms, L->n_history,
                            L->history[0].epoch, L->n_layers, np, &err)
            ? CLI_ERR
            : CLI_OK;
        if (rc)
            fprintf(stderr, "backprop train: %s\n", err.msg);
    } else {
        fprintf(stderr, "backprop train: out of memory\n");
    }
    free(names);
    free(np);
    return rc;
}

/* The model and the plots. */
static int save_outputs(const args *a, job *j)
{
    bp_error err;
    if (a->save) {
        bp_model_format fmt =
            has_suffix(a->save, ".txt") ? BP_FORMAT_TEXT : BP_FORMAT_BINARY;
        if (bp_model_save(j->model, a->save, fmt, 0, &err)) {
            fprintf(stderr, "backprop train: %s\n", err.msg);
            return CLI_ERR;
        }
        if (!a->quiet)
            fprintf(stderr, "saved %s\n", a->save);
    }
    if (a->plot && j->loop.n_history > 0 &&
        plot_svg(a->plot, a->data, a->test ? "test" : "validation",
                 j->loop.history, j->loop.n_history, &err)) {
        fprintf(stderr, "backprop train: %s\n", err.msg);
        return CLI_ERR;
    }
    return a->plot_grads ? plot_norms(a, j) : CLI_OK;
}

/* The options that are words with a fixed set of values. */
static int parse_choices(const args *a, job *j)
{
    int bad_scale, bad_scale_t;
    j->scaling = parse_scaling(a->scale, &bad_scale);
    j->scaling_t = parse_scaling(a->scale_t, &bad_scale_t);
    if (bad_scale || bad_scale_t) {
        fprintf(stderr,
                "backprop train: %s: unknown '%s' (minmax, "
                "standard, none)\n",
                bad_scale ? "--scale" : "--scale-targets",
                bad_scale ? a->scale : a->scale_t);
        return CLI_USAGE;
    }
    j->order = BP_ORDER_STANDARD;
    if (a->order && strcmp(a->order, "standard") != 0) {
        if (strcmp(a->order, "layer-wise") != 0 &&
            strcmp(a->order, "layerwise") != 0) {
            fprintf(stderr,
                    "backprop train: --order: '%s': use standard or "
                    "layer-wise\n",
                    a->order);
            return CLI_USAGE;
        }
        j->order = BP_ORDER_LAYERWISE;
    }
    return CLI_OK;
}

int cmd_train(int argc, char **argv)
{
    args a;
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    job j;
    memset(&j, 0, sizeof j);
    j.loop.rank = par_rank();
    j.loop.size = par_size();
    if (j.loop.rank != 0) { /* rank 0 speaks and writes for everyone */
        a.quiet = 1;
        a.verbose = 0;
        a.save = a.log = a.plot = a.plot_grads = NULL;
    }
    if ((rc = parse_choices(&a, &j)))
        return rc;
    if (check_outputs(&a))
        return CLI_ERR;
    if (!(rc = load_sets(&a, &j)) &&
        !(rc = a.resume ? resume_model(&a, &j) : new_model(&a, &j))) {
        fill_recipe(&a, &j);
        if (!(rc = prepare_sets(&a, &j)) && !(rc = setup_net(&a, &j)) &&
            !(rc = make_trainer(&a, &j)) && !(rc = run(&a, &j)) &&
            !(rc = save_outputs(&a, &j)) && j.loop.interrupted)
            rc = CLI_ERR;
    }
    if (j.loop.log && fclose(j.loop.log) != 0 && rc == CLI_OK) {
        fprintf(stderr, "backprop train: %s: write error\n", a.log);
        rc = CLI_ERR;
    }
    j.loop.log = NULL;
    job_free(&j);
    return rc;
}
