/*
 * train_csv.c - a CSV file in, a trained model and its predictions out,
 * with library calls alone (no command-line tool):
 *
 *   bp_dataset_load     read the CSV: header, delimiter, the target column
 *                       (the last) and whether it holds classes, all found
 *   bp_dataset_split    hold out a fifth for validation (stratified)
 *   bp_scaler_fit       standardise the inputs, fitted on the training part
 *   bp_dataset_scale    ... and applied to both parts
 *   bp_train            mini-batches of Adam, early stopping (the
 *                       classes stay labels: no one-hot copy of the data)
 *   bp_dataset_describe the class names and target column into the model
 *   bp_model_save       the model, with its scaling, classes and columns
 *   bp_model_predict    the model on raw rows: scaled as trained inside
 *
 * usage: train_csv DATA.csv MODEL.bpm
 * The model reads like any other: `backprop eval --model MODEL.bpm --data
 * DATA.csv` needs no further option.
 */
#include "backprop.h"

#include <stdio.h>
#include <stdlib.h>

/* One hidden layer of 32 ReLU units; softmax and cross-entropy for
 * classes, identity and squared error for numbers. */
static bp_net *make_net(const bp_data *d, int classes, bp_error *err)
{
    const bp_layer_desc layers[] = {
        {32, BP_ACT_RELU, 0},
        {d->n_out, classes ? BP_ACT_SOFTMAX : BP_ACT_IDENTITY, 0}};
    bp_net *net;
    if (bp_net_create(d->n_in, 2, layers, NULL, &net, err))
        return NULL;
    bp_optim adam = bp_optim_defaults(BP_OPT_ADAM);
    adam.lr = 0.01;
    if (bp_net_init(net, BP_INIT_HE_UNIFORM, 1) ||
        bp_net_set_loss(net, classes ? BP_LOSS_CE : BP_LOSS_SSE,
                        BP_REDUCE_MEAN) ||
        bp_net_set_optim(net, &adam)) {
        snprintf(err->msg, sizeof err->msg, "%s", bp_net_errmsg(net));
        bp_net_free(net);
        return NULL;
    }
    return net;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: train_csv DATA.csv MODEL.bpm\n");
        return 2;
    }
    bp_error err;
    bp_dataset *train = NULL, *val = NULL;
    bp_model *model = NULL;
    bp_real *out = NULL, *raw = NULL;
    bp_scaler scaler = {BP_SCALING_NONE, 0, NULL, NULL, {NULL, NULL, NULL}};
    int rc = 1;

    /* read, hold out a fifth, and copy a few raw rows to predict at the end */
    if (bp_dataset_load(argv[1], NULL, &train, &err) ||
        bp_dataset_split(train, 0.2, 1, &val, &err))
        goto fail;
    if (!val) {
        fprintf(stderr, "train_csv: %s: too few rows to hold some out\n",
                argv[1]);
        goto done;
    }
    const int classes = bp_dataset_n_classes(train);
    bp_data d = bp_dataset_data(val);
    const int shown = d.n < 5 ? (int)d.n : 5;
    raw = malloc((size_t)shown * (size_t)d.n_in * sizeof *raw);
    if (!raw)
        goto done;
    bp_data_gather(&d, NULL, 0, shown, raw, NULL);

    /* standardise the inputs: fitted on the training rows, applied to both */
    d = bp_dataset_data(train);
    if (bp_scaler_fit(&scaler, BP_SCALING_STANDARD, d.x, d.n, d.n_in, NULL,
                      &err) ||
        bp_dataset_scale(train, &scaler, NULL, &err) ||
        bp_dataset_scale(val, &scaler, NULL, &err))
        goto fail;

    /* train */
    d = bp_dataset_data(train);
    const bp_data v = bp_dataset_data(val);
    bp_net *net = make_net(&d, classes, &err);
    if (!net || bp_model_new(net, &model, &err)) {
        bp_net_free(net);
        goto fail;
    }
    bp_train_opts o = bp_train_defaults();
    o.epochs = 200;
    o.batch = 16;
    o.val = &v;
    o.patience = 20;
    bp_train_result res;
    if (bp_train(net, &d, &o, &res)) {
        fprintf(stderr, "train_csv: %s\n", bp_net_errmsg(net));
        goto done;
    }
    double loss, acc;
    bp_net_evaluate(net, &v, &loss, &acc);
    printf("%s: %lld rows, %d inputs, %d %s; best epoch %d of %d\n", argv[1],
           (long long)(d.n + v.n), d.n_in, d.n_out,
           classes ? "classes" : "outputs", res.best_epoch, res.epochs_run);
    printf("validation: loss %.4f", loss);
    if (classes)
        printf(", accuracy %.1f%%", 100 * acc);
    printf("\n");

    /* the model keeps what reading raw data again needs */
    if (bp_model_set_scalers(model, &scaler, NULL, &err) ||
        bp_dataset_describe(train, model, &err) ||
        bp_model_save(model, argv[2], BP_FORMAT_BINARY, 0, &err))
        goto fail;
    printf("saved %s\n", argv[2]);

    /* predictions for raw rows, as a program using the model would make */
    if (!(out = malloc((size_t)shown * (size_t)d.n_out * sizeof *out)) ||
        bp_model_predict(model, raw, shown, out)) {
        fprintf(stderr, "train_csv: cannot predict\n");
        goto done;
    }
    for (int i = 0; i < shown; i++) {
        const bp_real *o_i = out + (size_t)i * (size_t)d.n_out;
        int best = 0;
        for (int j = 1; j < d.n_out; j++)
            best = o_i[j] > o_i[best] ? j : best;
        printf("  row %d: ", i + 1);
        if (classes)
            printf("%s (p = %.3f)\n", bp_dataset_class_name(train, best),
                   (double)o_i[best]);
        else
            printf("%g\n", (double)o_i[0]);
    }
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "train_csv: %s\n", err.msg);
done:
    free(out);
    free(raw);
    bp_scaler_free(&scaler);
    bp_model_free(model);
    bp_dataset_free(val);
    bp_dataset_free(train);
    return rc;
}
