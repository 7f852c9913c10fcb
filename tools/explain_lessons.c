/*
 * explain_lessons.c - `backprop explain --example deep-sigmoid`: why a
 * deep network of sigmoid units learns slowly, shown in numbers. Two
 * networks of six layers on Fisher's iris data, the same but for the
 * hidden activation (sigmoid or ReLU): the norm of each layer's deltas
 * from the library's summary (bp_explain_stats), then both trained side
 * by side, then the summary of the sigmoid network in words.
 *
 * Every product here is small (widths of 16, batches of 10), so the
 * library runs its plain loops on any kernel: the lesson's numbers are
 * the same on every CPU (tests/golden holds them).
 */
#include "explain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LAYERS 6 /* 5 hidden of WIDTH, and the output */
#define WIDTH 16
#define EPOCHS 100
#define BATCH 10
#define LR 0.1
#define SEED 3

typedef struct {
    bp_net *net;
    const char *name;             /* "sigmoid", "relu" */
    bp_layer_stats stats[LAYERS]; /* for the first flower, before training */
    double loss[EPOCHS], acc[EPOCHS], grad1[EPOCHS];
} lesson_net;

/* The class labels of d as one-hot rows [n][n_out] (malloc'ed). */
static bp_real *one_hot(const bp_data *d)
{
    bp_real *t = calloc((size_t)d->n * (size_t)d->n_out, sizeof *t);
    for (int64_t i = 0; t && i < d->n; i++)
        t[i * d->n_out + d->label[i]] = 1;
    return t;
}

/* Iris, its inputs standardised (their mean 0, standard deviation 1), its
 * species as one-hot rows t[150][3]. */
static bp_dataset *iris(bp_real **t)
{
    bp_dataset *ds;
    bp_error err;
    bp_scaler s = {0};
    if (bp_dataset_parse(explain_iris_csv, strlen(explain_iris_csv), "iris",
                         NULL, &ds, &err)) {
        fprintf(stderr, "backprop explain: %s\n", err.msg);
        return NULL;
    }
    bp_data d = bp_dataset_data(ds);
    if (bp_scaler_fit(&s, BP_SCALING_STANDARD, d.x, d.n, d.n_in, NULL, &err) ||
        bp_dataset_scale(ds, &s, NULL, &err) ||
        (d = bp_dataset_data(ds), !(*t = one_hot(&d)))) {
        fprintf(stderr, "backprop explain: iris: %s\n", err.msg);
        bp_scaler_free(&s);
        bp_dataset_free(ds);
        return NULL;
    }
    bp_scaler_free(&s);
    return ds;
}

/* The lesson's network with hidden layers of the activation called name
 * (as the library's table names it). */
static int make_net(lesson_net *ln, const char *name)
{
    bp_act hidden;
    if (bp_act_parse(name, &hidden)) {
        fprintf(stderr, "backprop explain: no activation '%s'\n", name);
        return -1;
    }
    bp_layer_desc d[LAYERS];
    for (int l = 0; l < LAYERS; l++)
        d[l] = (bp_layer_desc){WIDTH, hidden, 0};
    d[LAYERS - 1] = (bp_layer_desc){3, BP_ACT_SOFTMAX, 0};
    bp_optim sgd = bp_optim_defaults(BP_OPT_SGD);
    sgd.lr = LR;
    bp_error err;
    ln->name = name;
    if (bp_net_create(4, LAYERS, d, NULL, &ln->net, &err)) {
        fprintf(stderr, "backprop explain: %s\n", err.msg);
        return -1;
    }
    if (bp_net_init(ln->net, bp_act_describe(hidden)->init, SEED) ||
        bp_net_set_loss(ln->net, BP_LOSS_CE, BP_REDUCE_MEAN) ||
        bp_net_set_optim(ln->net, &sgd) || bp_net_reserve(ln->net, BATCH)) {
        fprintf(stderr, "backprop explain: %s\n", bp_net_errmsg(ln->net));
        return -1;
    }
    return 0;
}

/* Loss and accuracy on the whole set, one flower at a time. */
static void measure(lesson_net *ln, const bp_data *d, const bp_real *t,
                    int epoch)
{
    double sum = 0;
    int right = 0;
    for (int64_t i = 0; i < d->n; i++) {
        double e;
        bp_net_forward(ln->net, d->x + i * d->n_in, 1);
        bp_net_loss(ln->net, t + i * 3, &e);
        sum += e;
        const bp_real *o = bp_net_output(ln->net);
        int best = o[1] > o[0];
        best = o[2] > o[best] ? 2 : best;
        right += best == d->label[i];
    }
    ln->loss[epoch] = sum / (double)d->n;
    ln->acc[epoch] = (double)right / (double)d->n;
}

/* EPOCHS of plain gradient descent on shuffled batches, recording each
 * epoch's figures and the mean norm of the first layer's gradient. */
static int train(lesson_net *ln, const bp_data *d, const bp_real *t)
{
    int order[150];
    bp_real bx[BATCH * 4], bt[BATCH * 3];
    bp_rng rng;
    bp_rng_seed(&rng, SEED);
    for (int i = 0; i < (int)d->n; i++)
        order[i] = i;
    for (int e = 0; e < EPOCHS; e++) {
        double g1 = 0;
        bp_rng_shuffle(&rng, order, (int)d->n);
        for (int b = 0; b < (int)d->n / BATCH; b++) {
            for (int i = 0; i < BATCH; i++) {
                const int r = order[b * BATCH + i];
                memcpy(bx + i * 4, d->x + r * 4, 4 * sizeof *bx);
                memcpy(bt + i * 3, t + r * 3, 3 * sizeof *bt);
            }
            double norm[LAYERS];
            if (bp_net_train_step(ln->net, bx, bt, BATCH, BP_ORDER_STANDARD,
                                  NULL) ||
                bp_net_layer_norms(ln->net, NULL, norm)) {
                fprintf(stderr, "backprop explain: %s\n",
                        bp_net_errmsg(ln->net));
                return -1;
            }
            g1 += norm[0];
        }
        ln->grad1[e] = g1 / (double)(d->n / BATCH);
        measure(ln, d, t, e);
    }
    return 0;
}

/* A side-by-side table: each layer's delta norm and its ratio to the
 * layer above, under sigmoid and under ReLU. */
static void delta_table(const lesson_net *s, const lesson_net *r, int md)
{
    printf(
        md ? "\n| layer | sigmoid: \\|delta\\| | vs the layer above | "
             "ReLU: \\|delta\\| | vs the layer above |\n|---|---|---|---|---|\n"
           : "    layer          sigmoid: |delta|  vs above      "
             "relu: |delta|  vs above\n");
    for (int l = LAYERS - 1; l >= 0; l--) {
        char label[32], rs[32] = "", rr[32] = "";
        snprintf(label, sizeof label, "%d%s", l + 1,
                 l == LAYERS - 1 ? " (output)" : "");
        if (l < LAYERS - 1) {
            snprintf(rs, sizeof rs, "%.3fx",
                     s->stats[l].delta_norm / s->stats[l + 1].delta_norm);
            snprintf(rr, sizeof rr, "%.3fx",
                     r->stats[l].delta_norm / r->stats[l + 1].delta_norm);
        }
        printf(md ? "| %s | %.3g | %s | %.3g | %s |\n"
                  : "    %-12s %17.3g  %-9s %17.3g  %s\n",
               label, s->stats[l].delta_norm, rs, r->stats[l].delta_norm, rr);
    }
}

static void training_table(const lesson_net *s, const lesson_net *r, int md)
{
    static const int shown[] = {1, 5, 10, 25, 50, 100};
    printf(md ? "\n| epoch | sigmoid: loss | accuracy | layer 1's \\|dE/dW\\| "
                "| ReLU: loss | accuracy | layer 1's \\|dE/dW\\| |\n"
                "|---|---|---|---|---|---|---|\n"
              : "    epoch   sigmoid: loss  accuracy  layer 1 |dE/dW|"
                "     relu: loss  accuracy  layer 1 |dE/dW|\n");
    for (size_t i = 0; i < sizeof shown / sizeof *shown; i++) {
        const int e = shown[i] - 1;
        printf(md ? "| %d | %.4f | %.1f%% | %.3g | %.4f | %.1f%% | %.3g |\n"
                  : "    %5d %15.4f %8.1f%% %16.3g %14.4f %8.1f%% %16.3g\n",
               e + 1, s->loss[e], 100 * s->acc[e], s->grad1[e], r->loss[e],
               100 * r->acc[e], r->grad1[e]);
    }
}

static void lesson_text(const lesson_net *s, const lesson_net *r,
                        const bp_data *d, int md)
{
    const double first =
        s->stats[0].delta_norm / s->stats[LAYERS - 1].delta_norm;
    const double first_r =
        r->stats[0].delta_norm / r->stats[LAYERS - 1].delta_norm;
    printf(md ? "# Why deep sigmoid networks learn slowly\n\n"
              : "Why deep sigmoid networks learn slowly\n");
    printf(md ? "Fisher's iris data: %lld flowers, 4 measurements each "
                "(standardised), 3 species. Two networks of %d layers, "
                "4-16-16-16-16-16-3 with a softmax output and cross-entropy, "
                "the same but for the hidden layers' activation: sigmoid "
                "(with Xavier's initialisation) and ReLU (with He's).\n\n"
                "The backward phase passes delta down one layer as "
                "$\\delta_{below} = (\\delta W) \\cdot f'(net)$. Sigmoid's "
                "derivative $out (1 - out)$ is at most 0.25, so each sigmoid "
                "layer shrinks delta about fourfold or more; ReLU's derivative "
                "is 1 wherever a unit is on.\n"
              : "  Fisher's iris data: %lld flowers, 4 measurements each "
                "(standardised), 3 species.\n  Two networks of %d layers, "
                "4-16-16-16-16-16-3 with a softmax output and cross-entropy,\n"
                "  the same but for the hidden layers' activation: sigmoid "
                "(Xavier's initialisation)\n  and ReLU (He's).\n\n"
                "  The backward phase passes delta down one layer as\n"
                "      delta_below = (delta W) * f'(net)\n"
                "  Sigmoid's derivative out (1 - out) is at most 0.25, so each "
                "sigmoid layer shrinks\n  delta about fourfold or more; ReLU's "
                "derivative is 1 wherever a unit is on.\n",
           (long long)d->n, LAYERS);
    printf(md ? "\n## The deltas of the first flower, before training\n"
              : "\nThe deltas of the first flower, before training\n");
    delta_table(s, r, md);
    printf(md ? "\nFrom the output down to the first layer the deltas "
                "shrink %.0f-fold under sigmoid; under ReLU the first layer's "
                "are %.2g times the output's. Every weight's gradient is its "
                "neuron's delta times its input, so the first layers of the "
                "sigmoid network barely move.\n"
              : "\n  From the output down to the first layer the deltas shrink "
                "%.0f-fold under sigmoid;\n  under ReLU the first layer's are "
                "%.2g times the output's. Every weight's gradient\n  is its "
                "neuron's delta times its input, so the first layers of the "
                "sigmoid\n  network barely move.\n",
           1 / first, first_r);
    printf(md ? "\n## Both trained the same way\n\nPlain gradient descent, "
                "learning rate %g, batches of %d in a shuffled order; the "
                "loss and accuracy on all %lld flowers after each epoch, and "
                "the norm of the first layer's gradient (its mean over the "
                "epoch's batches):\n"
              : "\nBoth trained the same way\n  plain gradient descent, "
                "learning rate %g, batches of %d in a shuffled order; the\n"
                "  loss and accuracy on all %lld flowers after each epoch, "
                "and the norm of the\n  first layer's gradient (its mean over "
                "the epoch's batches):\n",
           LR, BATCH, (long long)d->n);
}

int example_deep_sigmoid(const bp_explain_opts *o)
{
    const int md = o->format == BP_EXPLAIN_MARKDOWN;
    bp_real *t = NULL;
    bp_dataset *ds = iris(&t);
    lesson_net s = {0}, r = {0};
    int rc = CLI_ERR;
    if (!ds || make_net(&s, "sigmoid") || make_net(&r, "relu"))
        goto done;
    const bp_data d = bp_dataset_data(ds);
    bp_error err;
    bp_net *before = NULL;
    if (bp_explain_stats(s.net, d.x, t, o->lr, s.stats, NULL, &err) ||
        bp_explain_stats(r.net, d.x, t, o->lr, r.stats, NULL, &err) ||
        bp_net_clone(s.net, &before)) {
        fprintf(stderr, "backprop explain: %s\n", err.msg);
        goto done;
    }
    lesson_text(&s, &r, &d, md);
    if (train(&s, &d, t) || train(&r, &d, t)) {
        bp_net_free(before);
        goto done;
    }
    training_table(&s, &r, md);
    printf(md ? "\n## The sigmoid network before training, as `backprop "
                "explain` summarises it\n\n"
              : "\nThe sigmoid network before training, as `backprop explain "
                "--summary` shows it\n\n");
    bp_explain_opts so = *o;
    so.view = BP_EXPLAIN_SUMMARY;
    so.lr = LR;
    so.sample = "1 of the iris data";
    const char *species[3];
    for (int j = 0; j < 3; j++)
        species[j] = bp_dataset_class_name(ds, j);
    so.n_classes = 3;
    so.class_names = species;
    rc = explain_print(before, d.x, t, &so);
    bp_net_free(before);
done:
    bp_net_free(s.net);
    bp_net_free(r.net);
    free(t);
    bp_dataset_free(ds);
    return rc;
}
