/*
 * test_shards.c - data parallelism without MPI: two threads each train on
 * their shard of every global batch and sum gradients through bp_train's
 * on_grads hook (a barrier and a shared buffer standing in for
 * MPI_Allreduce). The two copies must stay identical, bit for bit, and
 * follow the single-process run's loss curve and weights to float
 * rounding (only the order of summation differs).
 */
#define _POSIX_C_SOURCE 200809L
#include "backprop.h"
#include "test.h"

#include <pthread.h>
#include <stdlib.h>

enum { N = 500, D = 6, K = 3, SHARDS = 2, EPOCHS = 4 };
static bp_real X[N][D], T[N][K];

typedef struct {
    pthread_barrier_t bar;
    bp_real *g[SHARDS];
    double stats[SHARDS][3];
    size_t n;
} exchange;

typedef struct {
    exchange *ex;
    int shard;
    bp_net *net;
    double losses[EPOCHS];
    bp_status st;
} worker;

/* Sum the shards' gradients and figures; every shard gets the sum. The
 * shards add in the same order, so they agree bit for bit. */
static int allreduce(void *ctx, bp_real *grads, size_t n, double stats[3])
{
    worker *w = ctx;
    exchange *ex = w->ex;
    ex->g[w->shard] = grads;
    memcpy(ex->stats[w->shard], stats, sizeof ex->stats[0]);
    pthread_barrier_wait(&ex->bar);
    bp_real *sum = malloc(n * sizeof *sum);
    for (size_t i = 0; i < n; i++) {
        bp_real s = 0;
        for (int r = 0; r < SHARDS; r++)
            s += ex->g[r][i];
        sum[i] = s;
    }
    double st[3] = {0, 0, 0};
    for (int r = 0; r < SHARDS; r++)
        for (int j = 0; j < 3; j++)
            st[j] += ex->stats[r][j];
    pthread_barrier_wait(&ex->bar); /* everyone has read every buffer */
    memcpy(grads, sum, n * sizeof *sum);
    memcpy(stats, st, sizeof st);
    free(sum);
    return 0;
}

static int record(void *ctx, const bp_epoch_report *r)
{
    ((worker *)ctx)->losses[r->epoch - 1] = r->train_loss;
    return 0;
}

static bp_net *make(void)
{
    const bp_layer_desc d[] = {{16, BP_ACT_TANH, 0}, {K, BP_ACT_SOFTMAX, 0}};
    bp_net *net;
    bp_net_create(D, 2, d, NULL, &net, NULL);
    bp_net_init(net, BP_INIT_XAVIER_UNIFORM, 4);
    bp_net_set_loss(net, BP_LOSS_CE, BP_REDUCE_MEAN);
    bp_optim o = bp_optim_defaults(BP_OPT_ADAM);
    o.lr = 0.01;
    bp_net_set_optim(net, &o);
    return net;
}

static bp_train_opts recipe(void)
{
    bp_train_opts o = bp_train_defaults();
    o.epochs = EPOCHS;
    o.batch = 25; /* the last batch of an epoch is uneven: 500 = 20 x 25 */
    o.seed = 11;
    return o;
}

static void *run(void *p)
{
    worker *w = p;
    bp_train_opts o = recipe();
    o.shard = w->shard;
    o.n_shards = SHARDS;
    o.on_grads = allreduce;
    o.on_epoch = record;
    o.ctx = w;
    const bp_data set = {N, D, K, &X[0][0], &T[0][0], NULL};
    w->st = bp_train(w->net, &set, &o, NULL);
    return NULL;
}

int main(void)
{
    bp_rng r;
    bp_rng_seed(&r, 2);
    for (int i = 0; i < N; i++) {
        double s = 0;
        for (int j = 0; j < D; j++)
            s += (X[i][j] = (bp_real)bp_rng_normal(&r)) * (j + 1);
        for (int c = 0; c < K; c++)
            T[i][c] = (bp_real)(c == (s > 1) + (s > -1) - 0);
    }
    /* one process */
    worker one = {NULL, 0, make(), {0}, BP_OK};
    bp_train_opts o = recipe();
    o.on_epoch = record;
    o.ctx = &one;
    const bp_data set = {N, D, K, &X[0][0], &T[0][0], NULL};
    CHECK_OK(bp_train(one.net, &set, &o, NULL));

    /* two shards */
    exchange ex;
    memset(&ex, 0, sizeof ex);
    pthread_barrier_init(&ex.bar, NULL, SHARDS);
    worker w[SHARDS];
    pthread_t th[SHARDS];
    for (int s = 0; s < SHARDS; s++) {
        w[s] = (worker){&ex, s, make(), {0}, BP_OK};
        pthread_create(&th[s], NULL, run, &w[s]);
    }
    for (int s = 0; s < SHARDS; s++)
        pthread_join(th[s], NULL);
    CHECK(w[0].st == BP_OK && w[1].st == BP_OK, "both shards trained");
    const size_t np = bp_net_n_params(one.net);
    CHECK(memcmp(bp_net_params(w[0].net), bp_net_params(w[1].net),
                 np * sizeof(bp_real)) == 0,
          "the shards' weights are identical, bit for bit");
    for (int e = 0; e < EPOCHS; e++)
        CHECK_REL(w[0].losses[e], one.losses[e], 1e-4,
                  "epoch %d loss, 2 shards vs 1", e + 1);
    double worst = 0, scale = 0;
    for (size_t i = 0; i < np; i++) {
        double d = fabs(bp_net_params(w[0].net)[i] - bp_net_params(one.net)[i]);
        worst = d > worst ? d : worst;
        scale = fabs(bp_net_params(one.net)[i]) > scale
            ? fabs(bp_net_params(one.net)[i])
            : scale;
    }
    CHECK(worst <= 1e-4 * scale,
          "weights after %d epochs: 2 shards vs 1 "
          "differ by %.2e (of %.2f)",
          EPOCHS, worst, scale);
    bp_train_opts bad = recipe();
    bad.n_shards = 2;
    bad.shard = 2;
    CHECK_STATUS(bp_train(one.net, &set, &bad, NULL), BP_ERR_ARG);
    bad.shard = 0;
    bad.order = BP_ORDER_LAYERWISE;
    CHECK_STATUS(bp_train(one.net, &set, &bad, NULL), BP_ERR_ARG);
    for (int s = 0; s < SHARDS; s++)
        bp_net_free(w[s].net);
    bp_net_free(one.net);
    pthread_barrier_destroy(&ex.bar);
    return tst_summary("test_shards");
}
