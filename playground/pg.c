/* The C side of the browser playground: a thin layer over the public API
 * (include/backprop.h) that the page calls through WebAssembly. It holds
 * what a page needs between calls (the network, the data, the library's
 * trainer of them, a text buffer for explain and export) in one pg object
 * the page owns; every number the page shows comes from the library
 * itself.
 *
 * Conventions: functions return 0 (BP_OK) or a bp_status, and pg_error()
 * gives the message of the last failure. Arrays cross the boundary as
 * pointers into the WebAssembly heap, allocated by the page with
 * pg_alloc()/pg_free_buf(), or owned by pg (pg_predict, pg_explain) and valid
 * until the next call that changes them. The build is double precision
 * (bp_real is double), so the page reads them as Float64Array. */
#include "backprop.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define PG_API EMSCRIPTEN_KEEPALIVE
#else
#define PG_API
#endif

#define PG_MAX_LAYERS 8
#define PG_NEURON_GRID 16 /* each neuron's small map: 16 x 16 points */
#define PG_STATS 14       /* numbers per layer from pg_layer_stats */
/* pg_error's buffer: a short prefix ("network: ", "training step: ")
 * and a whole library message (bp_error.msg), never cut */
#define PG_ERR_SIZE (sizeof(((bp_error *)0)->msg) + 32)

typedef struct {
    bp_net *net;
    int batch; /* mini-batch size */
    bp_order order;
    uint64_t seed; /* the weights' and the shuffling's */
    double l1, l2; /* regularization, for every network built */
    /* the data: x[n][n_in], t[n][n_out]; test the same */
    bp_real *x, *t, *tx, *tt;
    int n, n_test;
    /* the library's trainer of net on the data: shuffled epochs, one
     * batch a step; remade (at the next epoch) when the batch size, the
     * order, the data or the network change */
    bp_trainer *tr;
    long steps;  /* training steps so far */
    long epochs; /* passes over the data begun so far */
    /* each layer's |dE/dW| summed over the steps since pg_grad_norms
     * last read them, and their mean when it did */
    double grad_sum[PG_MAX_LAYERS], grad_mean[PG_MAX_LAYERS];
    long grad_steps;
    bp_real *pred;                          /* pg_predict's outputs */
    size_t pred_cap;                        /* numbers pred has room for */
    double stats[PG_MAX_LAYERS * PG_STATS]; /* pg_layer_stats' numbers */
    bp_real *maps;                          /* pg_neuron_maps' outputs */
    size_t maps_cap;
    char *text; /* explain / export output */
    size_t text_len, text_cap;
    char err[PG_ERR_SIZE];
} pg;

static int fail(pg *p, bp_status st, const char *what)
{
    snprintf(p->err, sizeof p->err, "%s: %s", what,
             p->net && bp_net_errmsg(p->net)[0] ? bp_net_errmsg(p->net)
                                                : bp_status_str(st));
    return (int)st;
}

PG_API const char *pg_error(const pg *p) { return p->err; }
PG_API int pg_layer_width(const pg *p, int l);

PG_API void *pg_alloc(int bytes)
{
    return malloc(bytes > 0 ? (size_t)bytes : 1);
}
PG_API void pg_free_buf(void *ptr) { free(ptr); }

PG_API pg *pg_new(void)
{
    pg *p = calloc(1, sizeof *p);
    if (p)
        p->seed = 1;
    return p;
}

/* The trainer is made again at the next step, from the next epoch. */
static void drop_trainer(pg *p)
{
    bp_trainer_free(p->tr);
    p->tr = NULL;
}

static void free_data(pg *p)
{
    drop_trainer(p);
    free(p->x), free(p->t), free(p->tx), free(p->tt);
    p->x = p->t = p->tx = p->tt = NULL;
    p->n = p->n_test = 0;
}

PG_API void pg_delete(pg *p)
{
    if (!p)
        return;
    free_data(p);
    bp_net_free(p->net);
    free(p->pred), free(p->maps), free(p->text);
    free(p);
}

/* Room for batches of the training size, and for the neurons' small grid
 * in one forward phase. */
static int reserve(pg *p)
{
    int need = p->batch > 64 ? p->batch : 64;
    if (need < PG_NEURON_GRID * PG_NEURON_GRID)
        need = PG_NEURON_GRID * PG_NEURON_GRID;
    bp_status st = bp_net_reserve(p->net, need);
    return st ? fail(p, st, "reserve") : 0;
}

/* A new network: n_in inputs, n_layers layers with widths[l] and acts[l]
 * (bp_act values), the loss, an optimizer kind and learning rate, weights
 * drawn with seed: by the initialisation the library's table gives a
 * layer's activation (He under ReLU), Xavier where none asks otherwise. */
PG_API int pg_build(pg *p, int n_in, int n_layers, const int *widths,
                    const int *acts, int loss, int optim, double lr,
                    double seed)
{
    if (n_layers < 1 || n_layers > PG_MAX_LAYERS)
        return fail(p, BP_ERR_SIZE, "layers");
    bp_layer_desc d[PG_MAX_LAYERS];
    bp_init init = BP_INIT_XAVIER_UNIFORM;
    for (int l = 0; l < n_layers; l++) {
        const bp_act_info *f = bp_act_describe((bp_act)acts[l]);
        d[l].n_out = widths[l];
        d[l].act = (bp_act)acts[l];
        d[l].act_param = 0.01;
        if (f && f->init != BP_INIT_XAVIER_UNIFORM)
            init = f->init;
    }
    bp_net *net = NULL;
    bp_error e;
    bp_status st = bp_net_create(n_in, n_layers, d, NULL, &net, &e);
    if (st) {
        snprintf(p->err, sizeof p->err, "network: %s", e.msg);
        return (int)st;
    }
    drop_trainer(p);
    bp_net_free(p->net);
    p->net = net;
    p->grad_steps = 0;
    if ((st = bp_net_set_loss(net, (bp_loss)loss, BP_REDUCE_MEAN)))
        return fail(p, st, "loss");
    bp_optim o = bp_optim_defaults((bp_optim_kind)optim);
    o.lr = lr;
    o.l1 = p->l1;
    o.l2 = p->l2;
    if ((st = bp_net_set_optim(net, &o)))
        return fail(p, st, "optimizer");
    if ((st = bp_net_init(net, init, (uint64_t)seed)))
        return fail(p, st, "init");
    p->seed = (uint64_t)seed;
    p->steps = p->epochs = 0;
    if (p->batch < 1)
        p->batch = 10;
    return reserve(p);
}

/* Replace the network by one read from the text (or binary) model form. */
PG_API int pg_load_model(pg *p, const char *text, int len)
{
    bp_model *m = NULL;
    bp_error e;
    bp_status st = bp_model_parse(text, (size_t)len, "model", NULL, &m, &e);
    if (st) {
        snprintf(p->err, sizeof p->err, "%s", e.msg);
        return (int)st;
    }
    if (bp_net_n_layers(m->net) > PG_MAX_LAYERS) { /* the page's arrays */
        snprintf(p->err, sizeof p->err,
                 "model: %d layers, more than the "
                 "playground's %d",
                 bp_net_n_layers(m->net), PG_MAX_LAYERS);
        bp_model_free(m);
        return BP_ERR_SIZE;
    }
    drop_trainer(p);
    bp_net_free(p->net);
    p->net = m->net; /* take the network, leave the rest */
    p->grad_steps = 0;
    m->net = NULL;
    bp_model_free(m);
    p->steps = p->epochs = 0;
    if ((st = bp_net_set_penalty(p->net, p->l1, p->l2)))
        return fail(p, st, "regularization");
    return reserve(p);
}

PG_API int pg_set_training(pg *p, int batch, int order, double lr)
{
    if (batch < 1)
        return fail(p, BP_ERR_ARG, "batch");
    const bp_order o = order ? BP_ORDER_LAYERWISE : BP_ORDER_STANDARD;
    if (batch != p->batch || o != p->order)
        drop_trainer(p);
    p->batch = batch;
    p->order = o;
    if (p->net) {
        bp_status st = bp_net_set_lr(p->net, lr);
        if (st)
            return fail(p, st, "learning rate");
        return reserve(p);
    }
    return 0;
}

/* L1 and L2 regularization of the weights: the rates of the penalty
 * l1 * sum |w| + l2 / 2 * sum w^2, changed without touching the
 * optimizer's state (0, 0: none). Kept across pg_build. */
PG_API int pg_set_regularization(pg *p, double l1, double l2)
{
    if (!(l1 >= 0 && l2 >= 0))
        return fail(p, BP_ERR_ARG, "regularization");
    p->l1 = l1;
    p->l2 = l2;
    if (p->net) {
        bp_status st = bp_net_set_penalty(p->net, l1, l2);
        if (st)
            return fail(p, st, "regularization");
    }
    return 0;
}

/* The L1/L2 penalty of the current weights (0 without regularization),
 * the term the losses the page shows do not include. */
PG_API double pg_penalty(const pg *p)
{
    return p->net ? bp_net_penalty(p->net) : 0;
}

static bp_real *copy(const double *src, size_t n)
{
    bp_real *d = malloc(sizeof *d * (n ? n : 1));
    if (d)
        for (size_t i = 0; i < n; i++)
            d[i] = (bp_real)src[i];
    return d;
}

/* The data: x[n][n_in], t[n][n_out], and a test set the same way. */
PG_API int pg_set_data(pg *p, const double *x, const double *t, int n,
                       const double *tx, const double *tt, int n_test)
{
    if (!p->net)
        return fail(p, BP_ERR_STATE, "data before network");
    if (n < 1 || n_test < 0)
        return fail(p, BP_ERR_SIZE, "data");
    size_t ni = (size_t)bp_net_n_in(p->net), no = (size_t)bp_net_n_out(p->net);
    free_data(p);
    p->x = copy(x, (size_t)n * ni);
    p->t = copy(t, (size_t)n * no);
    p->tx = copy(tx, (size_t)n_test * ni);
    p->tt = copy(tt, (size_t)n_test * no);
    if (!p->x || !p->t || !p->tx || !p->tt)
        return fail(p, BP_ERR_NOMEM, "data");
    p->n = n;
    p->n_test = n_test;
    return 0;
}

/* The trainer of the current network, data and settings, from the epoch
 * after the passes begun so far (epoch e's order is the library's, drawn
 * from the seed and e). Training has no planned end here. */
static int ensure_trainer(pg *p)
{
    if (p->tr)
        return 0;
    bp_train_opts o = bp_train_defaults();
    o.epochs = 0x7fffffff;
    o.batch = p->batch;
    o.order = p->order;
    o.seed = p->seed;
    const bp_data d = {
        p->n, bp_net_n_in(p->net), bp_net_n_out(p->net), p->x, p->t, NULL};
    bp_error e;
    bp_status st = bp_trainer_create(p->net, &d, &o, &p->tr, &e);
    if (st) {
        snprintf(p->err, sizeof p->err, "training: %s", e.msg);
        return (int)st;
    }
    bp_train_state s;
    s = bp_trainer_state(p->tr);
    s.epoch = (int)p->epochs;
    if ((st = bp_trainer_set_state(p->tr, &s, NULL))) {
        snprintf(p->err, sizeof p->err, "training: %s",
                 bp_trainer_errmsg(p->tr));
        drop_trainer(p);
        return (int)st;
    }
    return 0;
}

/* Add each layer's |dE/dW| of the step just taken (bp_net_layer_norms:
 * the gradient the update used, biases apart) to the sums. */
static void grad_add(pg *p)
{
    double g[PG_MAX_LAYERS];
    if (p->grad_steps == 0)
        memset(p->grad_sum, 0, sizeof p->grad_sum);
    if (bp_net_layer_norms(p->net, NULL, g) == BP_OK) {
        for (int l = 0; l < bp_net_n_layers(p->net); l++)
            p->grad_sum[l] += g[l];
        p->grad_steps++;
    }
}

/* Each layer's gradient norm |dE/dW| (biases apart), the mean over the
 * training steps since the last call: n_layers numbers, owned by pg and
 * valid until the next call; NULL when no step was taken since. What the
 * page draws layer by layer over training, as `backprop train --plot`
 * draws each layer's norms per epoch: a vanishing or exploding gradient
 * as a picture. */
PG_API const double *pg_grad_norms(pg *p)
{
    if (!p->net || p->grad_steps == 0)
        return NULL;
    for (int l = 0; l < bp_net_n_layers(p->net); l++)
        p->grad_mean[l] = p->grad_sum[l] / (double)p->grad_steps;
    p->grad_steps = 0;
    return p->grad_mean;
}

/* Run `steps` mini-batch steps (forward, backward, update) of the
 * library's trainer. Returns 0 or a status; the mean batch loss of the
 * steps goes to *loss. */
PG_API int pg_train(pg *p, int steps, double *loss)
{
    if (!p->net || !p->n)
        return fail(p, BP_ERR_STATE, "train before data");
    int r = ensure_trainer(p);
    if (r)
        return r;
    double sum = 0;
    for (int s = 0; s < steps; s++) {
        bp_batch_report b;
        bp_status st = bp_trainer_step(p->tr, &b, NULL);
        if (st) {
            snprintf(p->err, sizeof p->err, "training step: %s",
                     bp_trainer_errmsg(p->tr));
            return (int)st;
        }
        sum += b.loss;
        p->steps++;
        p->epochs = b.epoch;
        grad_add(p);
    }
    if (loss)
        *loss = steps ? sum / steps : 0;
    return 0;
}

PG_API double pg_steps(const pg *p) { return (double)p->steps; }
PG_API double pg_epochs(const pg *p) { return (double)p->epochs; }

/* Loss and accuracy on the training (which = 0) or test set (1):
 * out[0] = loss, out[1] = accuracy (NaN for regression). */
PG_API int pg_evaluate(pg *p, int which, double *out)
{
    const bp_real *x = which ? p->tx : p->x, *t = which ? p->tt : p->t;
    int n = which ? p->n_test : p->n;
    out[0] = out[1] = 0;
    if (!p->net || n < 1)
        return 0;
    const bp_data d = {n,   bp_net_n_in(p->net), bp_net_n_out(p->net), x, t,
                       NULL};
    bp_status st = bp_net_evaluate(p->net, &d, &out[0], &out[1]);
    return st ? fail(p, st, "evaluate") : 0;
}

/* Room for n numbers in *buf (capacity *cap): grown, never shrunk. */
static int room(bp_real **buf, size_t *cap, size_t n)
{
    if (n <= *cap)
        return 1;
    bp_real *b = realloc(*buf, sizeof(bp_real) * n);
    if (!b)
        return 0;
    *buf = b;
    *cap = n;
    return 1;
}

/* Predictions for x[n][n_in], inputs the page computed (the heat map's
 * grid through the chosen input features): out[n][n_out], owned by pg
 * and valid until the next call; NULL on failure (pg_error says why). */
PG_API bp_real *pg_predict(pg *p, const bp_real *x, int n)
{
    if (!p->net || n < 1) {
        fail(p, BP_ERR_STATE, "predict");
        return NULL;
    }
    if (!room(&p->pred, &p->pred_cap, (size_t)n * bp_net_n_out(p->net))) {
        fail(p, BP_ERR_NOMEM, "predict");
        return NULL;
    }
    bp_status st = bp_net_predict(p->net, x, n, p->pred);
    if (st) {
        fail(p, st, "predict");
        return NULL;
    }
    return p->pred;
}

/* What every neuron computes over the plane, as TensorFlow Playground
 * draws it: one forward phase of x[n][n_in] (the page's small grid, n at
 * most PG_NEURON_GRID^2), each layer's outputs copied out neuron by
 * neuron: out[(sum of the widths of the layers below l) + j][n]. NULL on
 * failure. */
PG_API bp_real *pg_neuron_maps(pg *p, const bp_real *x, int n)
{
    if (!p->net || n < 1 || n > PG_NEURON_GRID * PG_NEURON_GRID) {
        fail(p, BP_ERR_SIZE, "neuron maps");
        return NULL;
    }
    size_t total = 0;
    for (int l = 0; l < bp_net_n_layers(p->net); l++)
        total += (size_t)pg_layer_width(p, l);
    if (!room(&p->maps, &p->maps_cap, total * n)) {
        fail(p, BP_ERR_NOMEM, "neuron maps");
        return NULL;
    }
    bp_status st = bp_net_forward(p->net, x, n);
    if (st) {
        fail(p, st, "neuron maps");
        return NULL;
    }
    bp_real *dst = p->maps;
    for (int l = 0; l < bp_net_n_layers(p->net); l++) {
        const int w = pg_layer_width(p, l);
        const bp_real *a = bp_net_layer_out(p->net, l);
        for (int j = 0; j < w; j++, dst += n)
            for (int i = 0; i < n; i++)
                dst[i] = a[(size_t)i * w + j];
    }
    return p->maps;
}

/* Set one weight (l, j, k), or neuron j's bias when k < 0: the page's
 * weight editor. */
PG_API int pg_set_param(pg *p, int l, int j, int k, double value)
{
    if (!p->net)
        return fail(p, BP_ERR_STATE, "set weight");
    bp_status st = k < 0 ? bp_net_set_bias(p->net, l, j, (bp_real)value)
                         : bp_net_set_weight(p->net, l, j, k, (bp_real)value);
    return st ? fail(p, st, k < 0 ? "set bias" : "set weight") : 0;
}

/* The network, for drawing: layer l's width, input width, activation. */
PG_API int pg_n_layers(const pg *p)
{
    return p->net ? bp_net_n_layers(p->net) : 0;
}
PG_API int pg_n_in(const pg *p) { return p->net ? bp_net_n_in(p->net) : 0; }
PG_API int pg_layer_width(const pg *p, int l)
{
    bp_layer_desc d;
    return bp_net_layer(p->net, l, &d, NULL) ? 0 : d.n_out;
}
PG_API int pg_layer_act(const pg *p, int l)
{
    bp_layer_desc d;
    return bp_net_layer(p->net, l, &d, NULL) ? -1 : (int)d.act;
}
/* All weights and biases, layer after layer: W[n_out][n_in] then b. */
PG_API bp_real *pg_params(pg *p)
{
    return p->net ? bp_net_params(p->net) : NULL;
}
PG_API int pg_n_params(const pg *p)
{
    return p->net ? (int)bp_net_n_params(p->net) : 0;
}
/* The network's loss (a bp_loss), or -1 before there is a network. */
PG_API int pg_loss_kind(const pg *p)
{
    bp_loss l;
    return p->net && !bp_net_loss_kind(p->net, &l, NULL) ? (int)l : -1;
}

/* ---------------------------------------------------------------- text */

static void text_write(void *ctx, const char *s, size_t n)
{
    pg *p = ctx;
    if (p->text_len + n + 1 > p->text_cap) {
        size_t cap = (p->text_len + n + 1) * 2;
        char *t = realloc(p->text, cap);
        if (!t)
            return;
        p->text = t;
        p->text_cap = cap;
    }
    memcpy(p->text + p->text_len, s, n);
    p->text_len += n;
    p->text[p->text_len] = '\0';
}

/* ------------------------------------------------ the library's tables */

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string(pg *p, const char *s)
{
    text_write(p, "\"", 1);
    for (; s && *s; s++) {
        char esc[8];
        if (*s == '"' || *s == '\\') {
            esc[0] = '\\', esc[1] = *s;
            text_write(p, esc, 2);
        } else if ((unsigned char)*s < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned)(unsigned char)*s);
            text_write(p, esc, 6);
        } else {
            text_write(p, s, 1);
        }
    }
    text_write(p, "\"", 1);
}

/* "key": value pairs of one entry; a number that is not finite (an
 * unbounded range) is null. */
static void json_key(pg *p, const char *key, const char *str)
{
    text_write(p, p->text_len > 1 ? "," : "", p->text_len > 1);
    json_string(p, key);
    text_write(p, ":", 1);
    json_string(p, str);
}

static void json_num(pg *p, const char *key, double v)
{
    char buf[40];
    text_write(p, ",", 1);
    json_string(p, key);
    int n = isfinite(v) ? snprintf(buf, sizeof buf, ":%.17g", v)
                        : snprintf(buf, sizeof buf, ":null");
    text_write(p, buf, (size_t)n);
}

/* What the library's tables say of activation (kind 0), loss (1) or
 * optimizer (2) number i, as a JSON object for the page's menus: name,
 * label, flags, and for an activation its range and the loss it pairs
 * with as an output, for an optimizer its default rate. NULL past the
 * last entry. Valid until the next call that writes text. */
PG_API const char *pg_describe(pg *p, int kind, int i)
{
    p->text_len = 0;
    text_write(p, "{", 1);
    if (kind == 0 && bp_act_describe((bp_act)i)) {
        const bp_act_info *a = bp_act_describe((bp_act)i);
        json_key(p, "name", a->name);
        json_key(p, "label", a->label);
        json_num(p, "flags", a->flags);
        json_num(p, "out_min", a->out_min);
        json_num(p, "out_max", a->out_max);
        json_key(p, "out_loss", bp_loss_name(a->out_loss));
    } else if (kind == 1 && bp_loss_describe((bp_loss)i)) {
        const bp_loss_info *l = bp_loss_describe((bp_loss)i);
        json_key(p, "name", l->name);
        json_key(p, "label", l->label);
        json_num(p, "flags", l->flags);
    } else if (kind == 2 && bp_optim_describe((bp_optim_kind)i)) {
        const bp_optim_info *o = bp_optim_describe((bp_optim_kind)i);
        json_key(p, "name", o->name);
        json_key(p, "label", o->label);
        json_num(p, "flags", o->flags);
        json_num(p, "lr", o->lr);
    } else {
        return NULL;
    }
    text_write(p, "}", 1);
    return p->text;
}

/* The sample as the library takes it; 0, or -1 after a message. */
static int sample(pg *p, const double *x, const double *t, bp_real *xs,
                  bp_real *ts)
{
    int ni = bp_net_n_in(p->net), no = bp_net_n_out(p->net);
    if (ni > 64 || no > 64) {
        snprintf(p->err, sizeof p->err,
                 "explain: at most 64 inputs and "
                 "outputs here");
        return -1;
    }
    for (int i = 0; i < ni; i++)
        xs[i] = (bp_real)x[i];
    for (int i = 0; i < no; i++)
        ts[i] = (bp_real)t[i];
    return 0;
}

/* Every number of one step on one sample x, t: bp_explain's text (the
 * same as `backprop explain` prints). order: 0 standard, 1 layer-wise, 2
 * both; check: finite differences beside each gradient. */
PG_API const char *pg_explain(pg *p, const double *x, const double *t,
                              double lr, int order, int check)
{
    bp_real xs[64], ts[64];
    if (!p->net || sample(p, x, t, xs, ts))
        return NULL;
    bp_explain_opts o = bp_explain_defaults();
    o.lr = lr;
    o.order = (bp_explain_order)order;
    o.check = check;
    o.max_weights = 1000; /* the page filters; show every weight */
    p->text_len = 0;
    text_write(p, "", 0);
    bp_error e;
    bp_status st = bp_explain(p->net, xs, ts, &o, text_write, p, &e);
    if (st) {
        snprintf(p->err, sizeof p->err, "%s", e.msg); /* "explain: ..." */
        return NULL;
    }
    return p->text;
}

/* 1 when bp_explain's default view (BP_EXPLAIN_AUTO) summarises this
 * network instead of walking it in full: it has more weights (biases
 * apart) than the library's default max_weights (include/backprop.h).
 * The page then shows pg_explain_summary, and a selected neuron's or
 * weight's whole chain by pg_explain_neuron or pg_explain_weight. */
PG_API int pg_explain_summarises(const pg *p)
{
    if (!p->net)
        return 0;
    long weights = 0;
    int below = bp_net_n_in(p->net);
    for (int l = 0; l < bp_net_n_layers(p->net); l++) {
        const int w = pg_layer_width(p, l);
        weights += (long)w * below;
        below = w;
    }
    return weights > bp_explain_defaults().max_weights;
}

/* bp_explain's summary for the sample: each layer's net inputs and
 * outputs (range, mean), saturated and dead units, the norms of its
 * deltas, gradients, weights and update at lr, and a line per layer on
 * what stands out (a vanishing gradient, dead units). The view for a
 * network too big to read weight by weight; the same text as `backprop
 * explain` prints for it (`--summary` for a smaller one). order as in
 * pg_explain. */
PG_API const char *pg_explain_summary(pg *p, const double *x, const double *t,
                                      double lr, int order)
{
    bp_real xs[64], ts[64];
    if (!p->net || sample(p, x, t, xs, ts))
        return NULL;
    bp_explain_opts o = bp_explain_defaults();
    o.lr = lr;
    o.order = (bp_explain_order)order;
    /* the library's own choice where it summarises (its text then says
     * why: the number of weights); a smaller network forced */
    o.view = pg_explain_summarises(p) ? BP_EXPLAIN_AUTO : BP_EXPLAIN_SUMMARY;
    p->text_len = 0;
    text_write(p, "", 0);
    bp_error e;
    if (bp_explain(p->net, xs, ts, &o, text_write, p, &e)) {
        snprintf(p->err, sizeof p->err, "%s", e.msg);
        return NULL;
    }
    return p->text;
}

/* The options of a drill-down: every term of a sum listed (the page's
 * layers are at most 8 wide, so this is the whole chain), the update at
 * lr, finite differences with check. */
static bp_explain_opts drill_opts(double lr, int check)
{
    bp_explain_opts o = bp_explain_defaults();
    o.lr = lr;
    o.check = check;
    o.top = 64;
    return o;
}

/* Neuron j of layer l (both from 0) through both phases for the sample:
 * bp_explain_neuron's text (`backprop explain --neuron`): its net input
 * term by term, output, dE/dout from the layer above, dout/dnet, delta;
 * with check, dE/db's finite difference. NULL on failure (pg_error). */
PG_API const char *pg_explain_neuron(pg *p, const double *x, const double *t,
                                     double lr, int l, int j, int check)
{
    bp_real xs[64], ts[64];
    if (!p->net || sample(p, x, t, xs, ts))
        return NULL;
    const bp_explain_opts o = drill_opts(lr, check);
    p->text_len = 0;
    text_write(p, "", 0);
    bp_error e;
    if (bp_explain_neuron(p->net, xs, ts, l, j, &o, text_write, p, &e)) {
        snprintf(p->err, sizeof p->err, "%s", e.msg);
        return NULL;
    }
    return p->text;
}

/* The weight from neuron (or input) k of the layer below into neuron j
 * of layer l (from 0; k < 0: the bias) for the sample:
 * bp_explain_weight's text (`backprop explain --weight`): dE/dw as the
 * product of its factors, each factor's chain, with check the finite
 * difference, and the update at lr. NULL on failure (pg_error). */
PG_API const char *pg_explain_weight(pg *p, const double *x, const double *t,
                                     double lr, int l, int j, int k, int check)
{
    bp_real xs[64], ts[64];
    bp_layer_desc d;
    if (!p->net || sample(p, x, t, xs, ts))
        return NULL;
    int n_in = 0;
    if (bp_net_layer(p->net, l, &d, &n_in) == BP_OK && k < 0)
        k = n_in; /* the library's number for the bias */
    const bp_explain_opts o = drill_opts(lr, check);
    p->text_len = 0;
    text_write(p, "", 0);
    bp_error e;
    if (bp_explain_weight(p->net, xs, ts, l, j, k, &o, text_write, p, &e)) {
        snprintf(p->err, sizeof p->err, "%s", e.msg);
        return NULL;
    }
    return p->text;
}

/* The summary's numbers for the sample (bp_explain_stats), PG_STATS per
 * layer, layer after layer: net input min, mean, max; output min, mean,
 * max; units saturated, dead (-1: not that kind of activation); the
 * norms of the deltas, of dE/dW, of W, of the update at lr; the layer's
 * width; the sample's error E (the same in every layer). Owned by pg,
 * valid until the next call. NULL on failure (pg_error). */
PG_API const double *pg_layer_stats(pg *p, const double *x, const double *t,
                                    double lr)
{
    bp_real xs[64], ts[64];
    bp_layer_stats s[PG_MAX_LAYERS];
    double e;
    bp_error err;
    if (!p->net || sample(p, x, t, xs, ts))
        return NULL;
    if (bp_explain_stats(p->net, xs, ts, lr, s, &e, &err)) {
        snprintf(p->err, sizeof p->err, "%s", err.msg);
        return NULL;
    }
    for (int l = 0; l < bp_net_n_layers(p->net); l++) {
        double *v = p->stats + l * PG_STATS;
        const double f[PG_STATS] = {s[l].net_min,     s[l].net_mean,
                                    s[l].net_max,     s[l].out_min,
                                    s[l].out_mean,    s[l].out_max,
                                    s[l].saturated,   s[l].dead,
                                    s[l].delta_norm,  s[l].grad_norm,
                                    s[l].weight_norm, s[l].update_norm,
                                    s[l].n_out,       e};
        memcpy(v, f, sizeof f);
    }
    return p->stats;
}

/* The network in the text model form (what `backprop info`, `predict`
 * and `explain --model` read). */
PG_API const char *pg_export_text(pg *p)
{
    if (!p->net)
        return NULL;
    bp_net *copy_net = NULL;
    bp_status st = bp_net_clone(p->net, &copy_net);
    if (st) {
        fail(p, st, "export");
        return NULL;
    }
    bp_model *m = NULL;
    bp_error e;
    if ((st = bp_model_new(copy_net, &m, &e))) {
        bp_net_free(copy_net);
        snprintf(p->err, sizeof p->err, "export: %s", e.msg);
        return NULL;
    }
    p->text_len = 0;
    text_write(p, "", 0);
    st = bp_model_write(m, BP_FORMAT_TEXT, 0, text_write, p, &e);
    bp_model_free(m);
    if (st) {
        snprintf(p->err, sizeof p->err, "export: %s", e.msg);
        return NULL;
    }
    return p->text;
}
