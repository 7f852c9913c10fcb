/*
 * test_train.c - the training loop: it learns, it is reproducible, a
 * resumed run equals an uninterrupted one bit for bit, early stopping
 * keeps the best weights, a diverging run stops at the first NaN and says
 * where, clipping bounds a step, and epochs allocate nothing.
 */
#include "backprop.h"
#include "test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { N = 240, N_VAL = 60, D = 2, K = 3 };
static bp_real X[N][D], T[N][K], VX[N_VAL][D], VT[N_VAL][K];
static const bp_data TRAIN = {N, D, K, &X[0][0], &T[0][0], NULL};
static const bp_data VAL = {N_VAL, D, K, &VX[0][0], &VT[0][0], NULL};

/* Three Gaussian blobs in the plane, one-hot labels. */
static void make_blobs(bp_real (*x)[D], bp_real (*t)[K], int n, uint64_t seed)
{
    static const double centre[K][D] = {{-1.5, 0}, {1.5, 0}, {0, 2}};
    bp_rng r;
    bp_rng_seed(&r, seed);
    for (int i = 0; i < n; i++) {
        int c = i % K;
        for (int d = 0; d < D; d++)
            x[i][d] = (bp_real)(centre[c][d] + 0.5 * bp_rng_normal(&r));
        for (int k = 0; k < K; k++)
            t[i][k] = (bp_real)(k == c);
    }
}

typedef struct {
    long allocs;
} counter;

static void *count_alloc(void *ctx, size_t size)
{
    ((counter *)ctx)->allocs++;
    return malloc(size);
}

static void count_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static bp_net *make_net(const bp_allocator *a)
{
    const bp_layer_desc layers[] = {{8, BP_ACT_TANH, 0},
                                    {K, BP_ACT_SOFTMAX, 0}};
    bp_net *net = NULL;
    bp_optim o = bp_optim_defaults(BP_OPT_MOMENTUM);
    o.lr = 0.05;
    if (bp_net_create(D, 2, layers, a, &net, NULL) ||
        bp_net_init(net, BP_INIT_XAVIER_UNIFORM, 3) ||
        bp_net_set_loss(net, BP_LOSS_CE, BP_REDUCE_MEAN) ||
        bp_net_set_optim(net, &o)) {
        bp_net_free(net);
        return NULL;
    }
    return net;
}

static int same_params(bp_net *a, bp_net *b)
{
    return memcmp(bp_net_params(a), bp_net_params(b),
                  bp_net_n_params(a) * sizeof(bp_real)) == 0;
}

static int epochs_seen;
static int count_epochs(void *ctx, const bp_epoch_report *r)
{
    (void)ctx;
    epochs_seen = r->epoch;
    return 0;
}

static void test_learns(void)
{
    printf("learning three blobs, with validation\n");
    bp_net *net = make_net(NULL);
    bp_train_opts o = bp_train_defaults();
    o.epochs = 30;
    o.batch = 16;
    o.val = &VAL;
    o.on_epoch = count_epochs;
    bp_train_result r;
    CHECK_OK(bp_train(net, &TRAIN, &o, &r));
    double loss, acc;
    CHECK_OK(bp_net_evaluate(net, &VAL, &loss, &acc));
    CHECK(acc >= 0.9, "validation accuracy %.3f >= 0.9 (loss %.4f)", acc, loss);
    CHECK(r.epochs_run == 30 && epochs_seen == 30,
          "30 epochs run and reported (%d, %d)", r.epochs_run, epochs_seen);
    CHECK(r.best_epoch >= 1 && r.best_val_loss <= loss + 1e-12,
          "best epoch %d with val loss %.4f", r.best_epoch, r.best_val_loss);

    /* evaluate in chunks equals one forward phase over everything */
    double whole;
    bp_net_reserve(net, N_VAL);
    bp_net_forward(net, &VX[0][0], N_VAL);
    bp_net_loss(net, &VT[0][0], &whole);
    bp_net_reserve(net, 7);
    CHECK_OK(bp_net_evaluate(net, &VAL, &loss, NULL));
    CHECK_CLOSE(loss, whole, 1e-6, "evaluate in chunks of 7");
    bp_net_free(net);
}

static void test_resume(void)
{
    printf("reproducible, and resumable bit for bit\n");
    bp_net *a = make_net(NULL), *b = make_net(NULL), *c = NULL;
    bp_train_opts o = bp_train_defaults();
    o.epochs = 6;
    o.batch = 20;
    o.seed = 99;
    CHECK_OK(bp_train(a, &TRAIN, &o, NULL));
    CHECK_OK(bp_train(b, &TRAIN, &o, NULL));
    CHECK(same_params(a, b), "two runs with one seed are identical");

    /* 3 epochs, the state and a copy of the network (as a checkpoint
     * holds them), then 3 more on the copy */
    bp_net_free(b);
    b = make_net(NULL);
    bp_trainer *tr = NULL;
    bp_train_state st;
    CHECK_OK(bp_trainer_create(b, &TRAIN, &o, &tr, NULL));
    for (int e = 0; tr && e < 3; e++)
        bp_trainer_epoch(tr, NULL);
    st = bp_trainer_state(tr);
    bp_trainer_free(tr);
    CHECK(st.epoch == 3 && st.batch_done == 0 && st.epochs == 6 &&
              st.seed == 99 && st.batch == 20,
          "the state after 3 epochs (epoch %d, batch %d)", st.epoch,
          st.batch_done);
    CHECK_OK(bp_net_clone(b, &c));
    CHECK_OK(bp_trainer_create(c, &TRAIN, &o, &tr, NULL));
    CHECK_OK(bp_trainer_set_state(tr, &st, NULL));
    bp_train_result r;
    CHECK_OK(bp_trainer_run(tr, &r));
    bp_trainer_free(tr);
    CHECK(r.epochs_run == 6, "resumed run ends at epoch %d", r.epochs_run);
    CHECK(same_params(a, c), "3 + 3 resumed epochs == 6 epochs, bit for bit");

    bp_net_free(b);
    b = make_net(NULL);
    o.seed = 100;
    CHECK_OK(bp_train(b, &TRAIN, &o, NULL));
    CHECK(!same_params(a, b), "another seed shuffles differently");
    bp_net_free(a);
    bp_net_free(b);
    bp_net_free(c);
}

static int stop_at;
static bp_batch_report stopped_at;
static int stop_after(void *ctx, const bp_batch_report *r)
{
    (void)ctx;
    stopped_at = *r;
    return r->epoch == 2 && r->done == stop_at;
}

static void test_resume_mid_epoch(void)
{
    printf("resumable mid-epoch, bit for bit\n");
    bp_net *a = make_net(NULL), *b = make_net(NULL);
    bp_train_opts o = bp_train_defaults();
    o.epochs = 3;
    o.batch = 20;
    bp_train_result ra, rb;
    CHECK_OK(bp_train(a, &TRAIN, &o, &ra));
    stop_at = 5;
    o.on_batch = stop_after;
    bp_trainer *tr = NULL;
    CHECK_OK(bp_trainer_create(b, &TRAIN, &o, &tr, NULL));
    CHECK_OK(bp_trainer_run(tr, &rb));
    CHECK(rb.stopped_by_callback && rb.stopped_batch == 5 && rb.epochs_run == 1,
          "stopped in epoch 2 after batch %d (epochs done %d)",
          rb.stopped_batch, rb.epochs_run);
    bp_train_state st;
    st = bp_trainer_state(tr);
    bp_trainer_free(tr);
    CHECK(st.epoch == 1 && st.batch_done == 5 &&
              st.loss_sum == stopped_at.loss_sum &&
              st.correct == stopped_at.correct,
          "the state holds the position and the epoch's sums so far");
    o.on_batch = NULL;
    CHECK_OK(bp_trainer_create(b, &TRAIN, &o, &tr, NULL));
    CHECK_OK(bp_trainer_set_state(tr, &st, NULL));
    CHECK_OK(bp_trainer_run(tr, &rb));
    CHECK(same_params(a, b), "stopped mid-epoch and resumed == uninterrupted");
    CHECK(ra.last_train_loss == rb.last_train_loss,
          "the last epoch's loss is whole (%.9g, %.9g)", ra.last_train_loss,
          rb.last_train_loss);
    st.batch_done = 12; /* an epoch of 240 / 20 has 12 batches */
    CHECK_STATUS(bp_trainer_set_state(tr, &st, NULL), BP_ERR_SIZE);
    CHECK(strstr(bp_trainer_errmsg(tr), "12") != NULL,
          "the message says why: '%s'", bp_trainer_errmsg(tr));
    bp_trainer_free(tr);
    bp_net_free(a);
    bp_net_free(b);
}

/* The step-level calls: a step reports its batch, the last step of an
 * epoch its epoch too; an epoch call finishes the epoch a step began;
 * a finished trainer refuses another step. Steps equal bp_train. */
static void test_steps(void)
{
    printf("the trainer step by step\n");
    bp_net *a = make_net(NULL), *b = make_net(NULL);
    bp_train_opts o = bp_train_defaults();
    o.epochs = 2;
    o.batch = 50; /* 240 = 4 x 50 + 40 */
    o.val = &VAL;
    CHECK_OK(bp_train(a, &TRAIN, &o, NULL));
    bp_trainer *tr = NULL;
    CHECK_OK(bp_trainer_create(b, &TRAIN, &o, &tr, NULL));
    if (!tr)
        return;
    bp_batch_report br;
    bp_epoch_report er = {0};
    CHECK_OK(bp_trainer_step(tr, &br, &er));
    CHECK(br.epoch == 1 && br.done == 1 && br.total == 5 && br.samples == 50 &&
              er.epoch == 0,
          "batch 1 of 5 of epoch 1, 50 samples, no epoch report yet");
    CHECK(br.loss > 0 && fabs(br.loss * 50 - br.loss_sum) < 1e-9,
          "the batch's mean loss %.6f", br.loss);
    CHECK_OK(bp_trainer_epoch(tr, &er));
    CHECK(er.epoch == 1 && er.epochs == 2 && isfinite(er.val_loss) &&
              er.best_epoch == 1 && er.improved,
          "the epoch call finished epoch %d (val loss %.4f)", er.epoch,
          er.val_loss);
    for (int i = 0; i < 4; i++)
        CHECK_OK(bp_trainer_step(tr, &br, NULL));
    CHECK(br.epoch == 2 && br.done == 4 && !bp_trainer_finished(tr),
          "4 steps into epoch 2, not finished");
    CHECK_OK(bp_trainer_step(tr, &br, &er));
    CHECK(br.done == 5 && br.samples == N && er.epoch == 2 &&
              bp_trainer_finished(tr),
          "the fifth step closes epoch 2 and the run");
    CHECK_STATUS(bp_trainer_step(tr, &br, NULL), BP_ERR_STATE);
    CHECK(strstr(bp_trainer_errmsg(tr), "finished") != NULL, "'%s'",
          bp_trainer_errmsg(tr));
    CHECK(same_params(a, b), "steps and epochs == bp_train, bit for bit");
    double l1, l2, acc;
    CHECK_OK(bp_trainer_evaluate(tr, NULL, &l1, &acc));
    CHECK_OK(bp_net_evaluate(b, &VAL, &l2, NULL));
    CHECK(l1 == l2 && l1 == er.val_loss,
          "evaluate: the validation set "
          "(%.6f)",
          l1);
    bp_trainer_free(tr);
    bp_net_free(a);
    bp_net_free(b);
}

/* Classes given as labels train exactly like their one-hot rows. */
static void test_labels(void)
{
    printf("class labels == one-hot targets\n");
    static int32_t lab[N], vlab[N_VAL];
    for (int i = 0; i < N; i++)
        lab[i] = i % K; /* make_blobs: sample i is of class i mod K */
    for (int i = 0; i < N_VAL; i++)
        vlab[i] = i % K;
    const bp_data tl = {N, D, K, &X[0][0], NULL, lab};
    const bp_data vl = {N_VAL, D, K, &VX[0][0], NULL, vlab};
    bp_net *a = make_net(NULL), *b = make_net(NULL);
    bp_train_opts o = bp_train_defaults();
    o.epochs = 3;
    o.batch = 16;
    o.val = &VAL;
    bp_train_result ra, rb;
    CHECK_OK(bp_train(a, &TRAIN, &o, &ra));
    o.val = &vl;
    CHECK_OK(bp_train(b, &tl, &o, &rb));
    CHECK(same_params(a, b) && ra.best_val_loss == rb.best_val_loss,
          "weights and validation loss identical (%.6f, %.6f)",
          ra.best_val_loss, rb.best_val_loss);
    double la, lb, aa, ab;
    bp_net_reserve(b, 7); /* labels expanded in chunks */
    CHECK_OK(bp_net_evaluate(a, &VAL, &la, &aa));
    CHECK_OK(bp_net_evaluate(b, &vl, &lb, &ab));
    CHECK_CLOSE(lb, la, 1e-6, "evaluate on labels in chunks of 7");
    CHECK(aa == ab, "accuracy %.4f == %.4f", aa, ab);
    vlab[3] = K;
    CHECK_STATUS(bp_net_evaluate(b, &vl, &lb, NULL), BP_ERR_ARG);
    CHECK(strstr(bp_net_errmsg(b), "sample 4") != NULL,
          "a label out of range is named: '%s'", bp_net_errmsg(b));
    lab[7] = -1;
    bp_error err;
    bp_trainer *tr = NULL;
    CHECK_STATUS(bp_trainer_create(b, &tl, &o, &tr, &err), BP_ERR_ARG);
    CHECK(tr == NULL && strstr(err.msg, "sample 8") != NULL, "'%s'", err.msg);
    bp_net_free(a);
    bp_net_free(b);
}

static void test_patience(void)
{
    printf("early stopping keeps the best weights\n");
    /* validation labels rotated: the better the net learns the training
     * set, the worse it does on these, so the best epoch is the first */
    static bp_real bad_t[N_VAL][K];
    for (int i = 0; i < N_VAL; i++)
        for (int k = 0; k < K; k++)
            bad_t[i][k] = VT[i][(k + 1) % K];
    bp_net *a = make_net(NULL), *b = make_net(NULL);
    bp_train_opts o = bp_train_defaults();
    o.epochs = 50;
    o.batch = 16;
    const bp_data bad_val = {N_VAL, D, K, &VX[0][0], &bad_t[0][0], NULL};
    o.val = &bad_val;
    o.patience = 3;
    bp_train_result r;
    CHECK_OK(bp_train(a, &TRAIN, &o, &r));
    CHECK(r.stopped_early && r.epochs_run == r.best_epoch + 3,
          "stopped after 3 epochs without improvement (best %d, ran %d)",
          r.best_epoch, r.epochs_run);
    o.epochs = r.best_epoch;
    o.patience = 0;
    CHECK_OK(bp_train(b, &TRAIN, &o, NULL));
    CHECK(same_params(a, b), "the weights are those of the best epoch (%d)",
          r.best_epoch);
    /* a minimum improvement larger than any: only the first epoch counts
     * as a best, whatever the validation loss does after it */
    bp_net_free(a);
    a = make_net(NULL);
    o.val = &VAL;
    o.epochs = 50;
    o.patience = 4;
    o.min_delta = 1e9;
    CHECK_OK(bp_train(a, &TRAIN, &o, &r));
    CHECK(r.stopped_early && r.best_epoch == 1 && r.epochs_run == 5,
          "min_delta: best epoch %d, stopped after %d", r.best_epoch,
          r.epochs_run);
    o.min_delta = -1;
    CHECK_STATUS(bp_train(b, &TRAIN, &o, NULL), BP_ERR_ARG);
    bp_net_free(a);
    bp_net_free(b);

    /* without validation data, patience watches the epoch's training
     * loss: with the same minimum improvement only epoch 1 is a best,
     * the run stops 4 epochs later and ends with epoch 1's weights */
    a = make_net(NULL);
    b = make_net(NULL);
    o.val = NULL;
    o.min_delta = 1e9;
    CHECK_OK(bp_train(a, &TRAIN, &o, &r));
    CHECK(r.stopped_early && r.best_epoch == 1 && r.epochs_run == 5 &&
              r.best_val_loss == r.best_val_loss && r.best_val_loss > 0,
          "no validation: training loss %.4f of epoch %d watched, stopped "
          "after %d",
          r.best_val_loss, r.best_epoch, r.epochs_run);
    o.epochs = 1;
    o.patience = 0;
    CHECK_OK(bp_train(b, &TRAIN, &o, NULL));
    CHECK(same_params(a, b), "the weights are epoch 1's");
    /* with no minimum, the training loss of this learnable set keeps
     * improving: no early stop, and the last epoch is the best */
    bp_net_free(a);
    a = make_net(NULL);
    o.epochs = 30;
    o.patience = 3;
    o.min_delta = 0;
    CHECK_OK(bp_train(a, &TRAIN, &o, &r));
    CHECK(!r.stopped_early && r.epochs_run == 30 && r.best_epoch >= 25,
          "training loss still falling: ran %d epochs, best %d", r.epochs_run,
          r.best_epoch);
    bp_net_free(a);
    bp_net_free(b);
}

/* An update that itself overflows: the loss and gradients of the batch
 * are finite, the weights written are not. Training must stop at that
 * batch; the optimizer checks each weight it writes. */
/* A per-sample step of a small network takes a lean path of its own
 * (phases.c, step_small): it must give the general path's numbers bit for
 * bit, for every activation, loss and optimizer, and refuse bad input the
 * same way. The general path is forward + backward + update. */
static void test_small_step(void)
{
    printf(
        "per-sample steps of small nets equal the general path, bit for bit\n");
    static const struct {
        int n_in, h, n_out;
        bp_act hid, out;
        bp_loss loss;
        bp_optim_kind opt;
        double wd;
    } cases[] = {
        {2, 2, 1, BP_ACT_SIGMOID, BP_ACT_SIGMOID, BP_LOSS_SSE, BP_OPT_SGD, 0},
        {2, 2, 2, BP_ACT_SIGMOID, BP_ACT_SIGMOID, BP_LOSS_BCE, BP_OPT_SGD, 0},
        {3, 5, 2, BP_ACT_TANH, BP_ACT_IDENTITY, BP_LOSS_SSE, BP_OPT_MOMENTUM,
         0},
        {4, 8, 3, BP_ACT_RELU, BP_ACT_SOFTMAX, BP_LOSS_CE, BP_OPT_ADAM, 0.01},
        {5, 7, 1, BP_ACT_LEAKY_RELU, BP_ACT_SIGMOID, BP_LOSS_BCE, BP_OPT_SGD,
         0.1},
        {15, 15, 4, BP_ACT_SIGMOID, BP_ACT_SOFTMAX, BP_LOSS_CE, BP_OPT_RPROP,
         0},
        {2, 3, 2, BP_ACT_IDENTITY, BP_ACT_TANH, BP_LOSS_SSE, BP_OPT_NESTEROV,
         0},
    };
    int same = 0;
    const int n_cases = (int)(sizeof cases / sizeof *cases);
    for (int c = 0; c < n_cases; c++) {
        const bp_layer_desc d[] = {{cases[c].h, cases[c].hid, 0.05},
                                   {cases[c].n_out, cases[c].out, 0}};
        bp_net *a, *b;
        bp_net_create(cases[c].n_in, 2, d, NULL, &a, NULL);
        bp_net_init(a, BP_INIT_XAVIER_NORMAL, (uint64_t)c + 7);
        bp_net_set_loss(a, cases[c].loss, BP_REDUCE_MEAN);
        bp_optim o = bp_optim_defaults(cases[c].opt);
        o.weight_decay = cases[c].wd;
        bp_net_set_optim(a, &o);
        bp_net_clone(a, &b);
        bp_rng r;
        bp_rng_seed(&r, 11);
        double la = 0, lb = 0;
        int ok = 1;
        for (int step = 0; step < 60 && ok; step++) {
            bp_real x[16], t[4];
            for (int i = 0; i < cases[c].n_in; i++)
                x[i] = (bp_real)(2 * bp_rng_uniform(&r) - 1);
            for (int i = 0; i < cases[c].n_out; i++)
                t[i] = 0;
            t[(int)(bp_rng_uniform(&r) * cases[c].n_out)] = 1;
            ok &=
                bp_net_train_step(a, x, t, 1, BP_ORDER_STANDARD, &la) == BP_OK;
            ok &= bp_net_forward(b, x, 1) == BP_OK &&
                bp_net_backward(b, t, &lb) == BP_OK &&
                bp_net_update(b) == BP_OK;
            ok &= la == lb;
        }
        const size_t np = bp_net_n_params(a);
        ok &= memcmp(bp_net_params(a), bp_net_params(b),
                     np * sizeof(bp_real)) == 0 &&
            memcmp(bp_net_grads(a), bp_net_grads(b), np * sizeof(bp_real)) == 0;
        /* bad input: the same status and message on both paths */
        bp_real x[16] = {0}, t[4] = {0};
        x[1] = (bp_real)NAN;
        ok &= bp_net_train_step(a, x, t, 1, BP_ORDER_STANDARD, NULL) ==
                BP_ERR_NONFINITE &&
            bp_net_forward(b, x, 1) == BP_ERR_NONFINITE &&
            strcmp(bp_net_errmsg(a), bp_net_errmsg(b)) == 0;
        x[1] = 0;
        t[0] = (bp_real)INFINITY;
        ok &= bp_net_train_step(a, x, t, 1, BP_ORDER_STANDARD, NULL) ==
                BP_ERR_NONFINITE &&
            bp_net_forward(b, x, 1) == BP_OK &&
            bp_net_backward(b, t, NULL) == BP_ERR_NONFINITE &&
            strcmp(bp_net_errmsg(a), bp_net_errmsg(b)) == 0;
        same += ok;
        CHECK(ok,
              "%d-%d-%d %s/%s %s %s: 60 steps, losses, weights, gradients "
              "and refusals identical",
              cases[c].n_in, cases[c].h, cases[c].n_out,
              bp_act_name(cases[c].hid), bp_act_name(cases[c].out),
              bp_loss_name(cases[c].loss), bp_optim_name(cases[c].opt));
        bp_net_free(a);
        bp_net_free(b);
    }
    CHECK(same == n_cases, "%d of %d nets", same, n_cases);
}

static void test_update_overflow(void)
{
    printf("an update that overflows stops training at its batch\n");
    if (sizeof(bp_real) == 8) {
        /* a gradient g with a finite loss g^2/2 is below 1.9e154, and
         * lr <= 1e30: no update can overflow a double */
        printf("  note: not applicable in double precision\n");
        return;
    }
    const bp_layer_desc layers[] = {{1, BP_ACT_IDENTITY, 0}};
    const bp_real x[2] = {1, 1}, t[2] = {1e9f, 1e9f};
    bp_net *net;
    bp_net_create(1, 1, layers, NULL, &net, NULL);
    bp_optim o = bp_optim_defaults(BP_OPT_SGD);
    o.lr = 1e30;
    bp_net_set_optim(net, &o);
    bp_train_opts opt = bp_train_defaults();
    opt.epochs = 1;
    opt.batch = 1;
    opt.shuffle = 0;
    bp_train_result r;
    const bp_data two = {2, 1, 1, x, t, NULL};
    bp_status st = bp_train(net, &two, &opt, &r);
    CHECK_STATUS(st, BP_ERR_NONFINITE);
    CHECK(r.fault_epoch == 1 && r.fault_batch == 1,
          "stopped at epoch %d, batch %d (want 1, 1)", r.fault_epoch,
          r.fault_batch);
    bp_net_free(net);
}

static void test_divergence(void)
{
    printf("a diverging run stops at the first NaN or Inf\n");
    const bp_layer_desc layers[] = {{16, BP_ACT_RELU, 0},
                                    {1, BP_ACT_IDENTITY, 0}};
    static bp_real y[N][1];
    for (int i = 0; i < N; i++)
        y[i][0] = X[i][0] * 1000;
    bp_net *net;
    bp_optim o = bp_optim_defaults(BP_OPT_SGD);
    o.lr = 10;
    bp_net_create(D, 2, layers, NULL, &net, NULL);
    bp_net_init(net, BP_INIT_HE_NORMAL, 1);
    bp_net_set_optim(net, &o);
    bp_train_opts t = bp_train_defaults();
    t.epochs = 20;
    t.batch = 8;
    bp_train_result r;
    const bp_data reg = {N, D, 1, &X[0][0], &y[0][0], NULL};
    bp_status st = bp_train(net, &reg, &t, &r);
    CHECK_STATUS(st, BP_ERR_NONFINITE);
    CHECK(r.fault_epoch >= 1 && r.fault_batch >= 1,
          "fault at epoch %d, batch %d", r.fault_epoch, r.fault_batch);
    char want[64];
    snprintf(want, sizeof want, "epoch %d, batch %d", r.fault_epoch,
             r.fault_batch);
    CHECK(strstr(bp_net_errmsg(net), want) != NULL &&
              strstr(bp_net_errmsg(net), "learning rate") != NULL,
          "message names where and suggests a remedy: '%s'",
          bp_net_errmsg(net));

    /* the same run with clipping stays finite, and each step is bounded */
    bp_net_init(net, BP_INIT_HE_NORMAL, 1);
    o.lr = 0.001;
    bp_net_set_optim(net, &o);
    t.clip = 1.0;
    t.epochs = 1;
    t.batch = N;
    size_t np = bp_net_n_params(net);
    bp_real *before = malloc(np * sizeof *before);
    memcpy(before, bp_net_params(net), np * sizeof *before);
    CHECK_OK(bp_train(net, &reg, &t, &r));
    double sq = 0;
    for (size_t i = 0; i < np; i++) {
        double d = bp_net_params(net)[i] - before[i];
        sq += d * d;
    }
    CHECK(sqrt(sq) <= 0.001 * 1.0 * 1.0001,
          "a clipped step moves the weights by <= lr * clip (%.6g)", sqrt(sq));
    free(before);
    bp_net_free(net);
}

static void test_allocations(void)
{
    printf("epochs allocate nothing\n");
    long per_run[2];
    for (int k = 0; k < 2; k++) {
        counter c = {0};
        bp_allocator a = {count_alloc, count_free, &c};
        bp_net *net = make_net(&a);
        bp_net_reserve(net, 16);
        long before = c.allocs;
        bp_train_opts o = bp_train_defaults();
        o.epochs = k ? 20 : 1;
        o.batch = 16;
        o.val = &VAL;
        o.patience = 100;
        bp_train(net, &TRAIN, &o, NULL);
        per_run[k] = c.allocs - before;
        bp_net_free(net);
    }
    CHECK(per_run[0] == per_run[1] && per_run[0] <= 6,
          "1 epoch: %ld allocations, 20 epochs: %ld", per_run[0], per_run[1]);
}

static void test_bad_input(void)
{
    printf("bad arguments\n");
    bp_net *net = make_net(NULL);
    bp_train_opts o = bp_train_defaults();
    bp_data d = TRAIN;
    CHECK_STATUS(bp_train(NULL, &TRAIN, &o, NULL), BP_ERR_NULL);
    CHECK_STATUS(bp_train(net, NULL, &o, NULL), BP_ERR_NULL);
    d.x = NULL;
    CHECK_STATUS(bp_train(net, &d, &o, NULL), BP_ERR_NULL);
    d = TRAIN;
    d.label = (const int32_t *)&d; /* both t and label */
    CHECK_STATUS(bp_train(net, &d, &o, NULL), BP_ERR_NULL);
    d = TRAIN;
    d.n = 0;
    CHECK_STATUS(bp_train(net, &d, &o, NULL), BP_ERR_SIZE);
    d = TRAIN;
    d.n_out = 2;
    CHECK_STATUS(bp_train(net, &d, &o, NULL), BP_ERR_SIZE);
    CHECK(strstr(bp_net_errmsg(net), "2 outputs") != NULL, "'%s'",
          bp_net_errmsg(net));
    o.batch = 0;
    CHECK_STATUS(bp_train(net, &TRAIN, &o, NULL), BP_ERR_SIZE);
    o = bp_train_defaults();
    o.epochs = -1;
    CHECK_STATUS(bp_train(net, &TRAIN, &o, NULL), BP_ERR_SIZE);
    o = bp_train_defaults();
    d = VAL;
    d.n_in = 5;
    o.val = &d;
    CHECK_STATUS(bp_train(net, &TRAIN, &o, NULL), BP_ERR_SIZE);
    o = bp_train_defaults();
    o.order = BP_ORDER_LAYERWISE;
    o.clip = 1;
    CHECK_STATUS(bp_train(net, &TRAIN, &o, NULL), BP_ERR_ARG);
    CHECK(strstr(bp_net_errmsg(net), "layer-wise") != NULL, "'%s'",
          bp_net_errmsg(net));
    o = bp_train_defaults();
    o.epochs = 0;
    bp_train_result r;
    CHECK_OK(bp_train(net, &TRAIN, &o, &r));
    CHECK(r.epochs_run == 0, "zero epochs is a no-op");
    o = bp_train_defaults();
    o.batch = 10 * N; /* larger than the data: one batch of everything */
    o.epochs = 1;
    CHECK_OK(bp_train(net, &TRAIN, &o, &r));
    static bp_real nan_x[N][D];
    memcpy(nan_x, X, sizeof nan_x);
    nan_x[17][1] = NAN;
    d = TRAIN;
    d.x = &nan_x[0][0];
    CHECK_STATUS(bp_train(net, &d, &o, NULL), BP_ERR_NONFINITE);
    bp_trainer *tr = NULL;
    CHECK_OK(bp_trainer_create(net, &TRAIN, &o, &tr, NULL));
    bp_train_state st;
    st = bp_trainer_state(tr);
    st.best_epoch = 3; /* after the epoch: impossible */
    CHECK_STATUS(bp_trainer_set_state(tr, &st, NULL), BP_ERR_ARG);
    CHECK_STATUS(bp_trainer_set_state(tr, NULL, NULL), BP_ERR_NULL);
    CHECK_STATUS(bp_trainer_step(NULL, NULL, NULL), BP_ERR_NULL);
    CHECK_STATUS(bp_trainer_evaluate(tr, NULL, NULL, NULL), BP_ERR_STATE);
    bp_trainer_free(tr);
    bp_trainer_free(NULL);
    bp_net_free(net);
}

int main(void)
{
    make_blobs(X, T, N, 1);
    make_blobs(VX, VT, N_VAL, 2);
    test_learns();
    test_resume();
    test_resume_mid_epoch();
    test_steps();
    test_labels();
    test_patience();
    test_divergence();
    test_update_overflow();
    test_small_step();
    test_allocations();
    test_bad_input();
    return tst_summary("test_train");
}
