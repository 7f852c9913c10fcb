/*
 * net.c - a network's life: creation, workspace, settings, parameters,
 * initialisation. The phases themselves are in phases.c.
 */
#include "core/internal.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Limits that keep every size_t product below overflow on any platform. */
#define MAX_WIDTH (1 << 24)
#define MAX_LAYERS 4096

static const char null_net_msg[] = "network is NULL";

const char *bp_net_errmsg(const bp_net *net)
{
    return net ? net->err : null_net_msg;
}

static bp_status check_layers(int n_in, int n_layers,
                              const bp_layer_desc *layers, bp_error *err,
                              size_t *n_params)
{
    if (!layers)
        return bp__fail_err(err, BP_ERR_NULL, "layers is NULL");
    if (n_in < 1 || n_in > MAX_WIDTH)
        return bp__fail_err(err, BP_ERR_SIZE, "n_in: %d is not in 1..%d", n_in,
                            MAX_WIDTH);
    if (n_layers < 1 || n_layers > MAX_LAYERS)
        return bp__fail_err(err, BP_ERR_SIZE, "n_layers: %d is not in 1..%d",
                            n_layers, MAX_LAYERS);
    /* counted in 64 bits: on a 32-bit machine one 65536x65536 layer
     * already wraps size_t (4,295,032,832 parameters become 65,536) */
    uint64_t total = 0;
    int below = n_in;
    for (int l = 0; l < n_layers; l++) {
        const bp_layer_desc *d = &layers[l];
        if (d->n_out < 1 || d->n_out > MAX_WIDTH)
            return bp__fail_err(err, BP_ERR_SIZE,
                                "layer %d: n_out %d is not in 1..%d", l,
                                d->n_out, MAX_WIDTH);
        if ((unsigned)d->act >= BP_ACT_COUNT_)
            return bp__fail_err(err, BP_ERR_ARG,
                                "layer %d: unknown activation %d", l,
                                (int)d->act);
        if (!(d->act_param >= -1e30 && d->act_param <= 1e30))
            return bp__fail_err(err, BP_ERR_NONFINITE,
                                "layer %d: activation parameter is not "
                                "finite",
                                l);
        total += (uint64_t)d->n_out * (uint64_t)below + (uint64_t)d->n_out;
        below = d->n_out;
    }
    if (total > (SIZE_MAX / sizeof(bp_real)) / 8)
        return bp__fail_err(err, BP_ERR_SIZE, "network too large");
    *n_params = (size_t)total;
    return BP_OK;
}

/* The parameters, zeroed. */
static bp_status alloc_params(bp_net *net)
{
    const size_t bytes = net->n_params * sizeof(bp_real);
    if (!(net->params = bp__alloc(&net->alloc, bytes)))
        return BP_ERR_NOMEM;
    memset(net->params, 0, bytes);
    return BP_OK;
}

bp_status bp__net_train_arrays(bp_net *net)
{
    if (net->grads)
        return BP_OK;
    const size_t n = net->n_params;
    bp_real *block = bp__alloc(&net->alloc, 3 * n * sizeof(bp_real));
    if (!block)
        return bp__fail(net, BP_ERR_NOMEM,
                        "out of memory for the gradients "
                        "and optimizer state of %zu parameters",
                        n);
    memset(block, 0, 3 * n * sizeof(bp_real));
    net->grads = block;
    net->opt_a = block + n;
    net->opt_b = block + 2 * n;
    return BP_OK;
}

bp_status bp_net_create(int n_in, int n_layers, const bp_layer_desc *layers,
                        const bp_allocator *alloc, bp_net **out, bp_error *err)
{
    return bp__net_create(out, n_in, n_layers, layers, alloc, 1, err);
}

bp_status bp__net_create(bp_net **out, int n_in, int n_layers,
                         const bp_layer_desc *layers, const bp_allocator *alloc,
                         int train_arrays, bp_error *err)
{
    if (!out)
        return bp__fail_err(err, BP_ERR_NULL, "out is NULL");
    *out = NULL;
    size_t n_params = 0;
    bp_status st = check_layers(n_in, n_layers, layers, err, &n_params);
    if (st)
        return st;
    bp_allocator a = {NULL, NULL, NULL};
    if (alloc) {
        if ((alloc->alloc == NULL) != (alloc->free == NULL))
            return bp__fail_err(err, BP_ERR_ARG,
                                "allocator: give both alloc and free");
        a = *alloc;
    }
    /* the kernel: the best this CPU runs, or the one BP_KERNEL forces
     * (read here, once per network: the library keeps no global state) */
    const bp_kernel *kern;
    char why[160];
    if (bp__kernel_choose(getenv("BP_KERNEL"), &kern, why, sizeof why))
        return bp__fail_err(err, BP_ERR_ARG, "BP_KERNEL: %s", why);
    bp_net *net = bp__alloc(&a, sizeof *net);
    if (!net)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    memset(net, 0, sizeof *net);
    net->alloc = a;
    bp__kctx_init(&net->kc, kern, &a);
    net->n_in = n_in;
    net->n_layers = n_layers;
    net->n_params = n_params;
    net->layers = bp__alloc(&a, (size_t)n_layers * sizeof *net->layers);
    if (!net->layers || alloc_params(net) != BP_OK ||
        (train_arrays && bp__net_train_arrays(net) != BP_OK)) {
        bp_net_free(net);
        return bp__fail_err(err, BP_ERR_NOMEM,
                            "out of memory for %zu parameters", n_params);
    }
    size_t off = 0;
    int below = n_in;
    net->max_widest = n_in;
    for (int l = 0; l < n_layers; l++) {
        bp_layer *ly = &net->layers[l];
        memset(ly, 0, sizeof *ly);
        ly->n_in = below;
        ly->n_out = layers[l].n_out;
        ly->act = layers[l].act;
        ly->act_param = (bp_real)layers[l].act_param;
        ly->w_off = off;
        off += (size_t)ly->n_out * ly->n_in;
        ly->b_off = off;
        off += (size_t)ly->n_out;
        if (ly->n_out > net->max_widest)
            net->max_widest = ly->n_out;
        below = ly->n_out;
    }
    net->small = n_layers <= 8;
    for (int l = 0; l < n_layers; l++)
        net->small &= net->layers[l].n_in < 16;
    net->loss = BP_LOSS_SSE;
    net->reduction = BP_REDUCE_MEAN;
    const bp_optim plain = bp_optim_defaults(BP_OPT_SGD);
    bp__optim_set(net, &plain);
    st = bp_net_reserve(net, 1);
    if (st) {
        bp_net_free(net);
        return bp__fail_err(err, st, "out of memory for the workspace");
    }
    if (err) {
        err->status = BP_OK;
        err->msg[0] = '\0';
    }
    *out = net;
    return BP_OK;
}

void bp_net_free(bp_net *net)
{
    if (!net)
        return;
    bp_allocator a = net->alloc;
    bp__kctx_free(&net->kc);
    bp__free(&a, net->ws);
    bp__free(&a, net->params);
    bp__free(&a, net->grads); /* with opt_a, opt_b: one block */
    bp__free(&a, net->layers);
    bp__free(&a, net);
}

/* Packing space for the products of batches up to max_batch: their K
 * is a batch or a width, their N a width. */
static bp_status reserve_pack(bp_net *net, int max_batch)
{
    const int max_k = max_batch > net->max_widest ? max_batch : net->max_widest;
    return bp__kctx_reserve(&net->kc, max_k, net->max_widest);
}

bp_status bp_net_set_threads(bp_net *net, int n)
{
    if (!net)
        return BP_ERR_NULL;
    if (n < 1 || n > BP_MAX_THREADS)
        return bp__fail(net, BP_ERR_SIZE, "threads: %d is not in 1..%d", n,
                        BP_MAX_THREADS);
    if (bp__kctx_set_threads(&net->kc, n))
        return bp__fail(net, BP_ERR_NOMEM, "cannot start %d threads", n);
    return bp__ok(net);
}

int bp_net_threads(const bp_net *net) { return net ? net->kc.threads : 0; }

const char *bp_net_kernel(const bp_net *net)
{
    return net ? net->kc.k->name : "portable";
}

bp_status bp_net_set_kernel(bp_net *net, const char *name)
{
    if (!net)
        return BP_ERR_NULL;
    if (!name)
        return bp__fail(net, BP_ERR_NULL, "kernel name is NULL");
    const bp_kernel *k;
    if (bp__kernel_choose(name, &k, net->err, sizeof net->err))
        return BP_ERR_ARG;
    if (bp__kctx_set_kernel(&net->kc, k))
        return bp__fail(net, BP_ERR_NOMEM, "out of memory for kernel '%s'",
                        name);
    return bp__ok(net);
}

bp_status bp_net_reserve(bp_net *net, int max_batch)
{
    if (!net)
        return BP_ERR_NULL;
    if (max_batch < 1)
        return bp__fail(net, BP_ERR_SIZE, "max_batch: %d is not >= 1",
                        max_batch);
    /* x, then z, a, delta per layer, then the targets */
    const size_t n_out = (size_t)net->layers[net->n_layers - 1].n_out;
    size_t per_row = (size_t)net->n_in;
    for (int l = 0; l < net->n_layers; l++)
        per_row += 3 * (size_t)net->layers[l].n_out;
    per_row += n_out;
    if ((size_t)max_batch > SIZE_MAX / sizeof(bp_real) / per_row)
        return bp__fail(net, BP_ERR_SIZE, "max_batch: %d is too large",
                        max_batch);
    bp_real *ws =
        bp__alloc(&net->alloc, (size_t)max_batch * per_row * sizeof(bp_real));
    if (!ws)
        return bp__fail(net, BP_ERR_NOMEM,
                        "out of memory reserving a batch of %d", max_batch);
    if (reserve_pack(net, max_batch)) {
        bp__free(&net->alloc, ws);
        return bp__fail(net, BP_ERR_NOMEM,
                        "out of memory reserving a batch of %d", max_batch);
    }
    memset(ws, 0, (size_t)max_batch * per_row * sizeof(bp_real));
    bp__free(&net->alloc, net->ws);
    net->ws = ws;
    net->max_batch = max_batch;
    net->x = ws;
    bp_real *p = ws + (size_t)max_batch * net->n_in;
    for (int l = 0; l < net->n_layers; l++) {
        bp_layer *ly = &net->layers[l];
        size_t blk = (size_t)max_batch * ly->n_out;
        ly->z = p;
        ly->a = p + blk;
        ly->delta = p + 2 * blk;
        p += 3 * blk;
    }
    net->t = p;
    net->batch = 0; /* what the old workspace held is gone */
    net->have_delta = 0;
    return bp__ok(net);
}

bp_status bp_net_clone(const bp_net *net, bp_net **out)
{
    if (!net || !out)
        return BP_ERR_NULL;
    *out = NULL;
    bp_layer_desc *descs =
        bp__alloc(&net->alloc, (size_t)net->n_layers * sizeof *descs);
    if (!descs)
        return BP_ERR_NOMEM;
    for (int l = 0; l < net->n_layers; l++) {
        descs[l].n_out = net->layers[l].n_out;
        descs[l].act = net->layers[l].act;
        descs[l].act_param = net->layers[l].act_param;
    }
    bp_net *c;
    /* the copy has training arrays when the original has */
    bp_status st = bp__net_create(&c, net->n_in, net->n_layers, descs,
                                  &net->alloc, net->grads != NULL, NULL);
    bp__free(&net->alloc, descs);
    if (st)
        return st;
    if ((net->max_batch > 1 && (st = bp_net_reserve(c, net->max_batch))) ||
        (st = bp__kctx_set_kernel(&c->kc, net->kc.k))) {
        bp_net_free(c);
        return st;
    }
    for (int l = 0; l < net->n_layers; l++) {
        c->layers[l].freeze_w = net->layers[l].freeze_w;
        c->layers[l].freeze_b = net->layers[l].freeze_b;
        c->layers[l].act_param = net->layers[l].act_param;
    }
    memcpy(c->params, net->params, net->n_params * sizeof(bp_real));
    if (net->grads)
        memcpy(c->grads, net->grads, 3 * net->n_params * sizeof(bp_real));
    c->loss = net->loss;
    c->reduction = net->reduction;
    bp__optim_set(c, &net->optim);
    c->step = net->step;
    *out = c;
    return BP_OK;
}

/* ------------------------------------------------------------ inspecting */

int bp_net_n_in(const bp_net *net) { return net ? net->n_in : 0; }
int bp_net_n_layers(const bp_net *net) { return net ? net->n_layers : 0; }
int bp_net_max_batch(const bp_net *net) { return net ? net->max_batch : 0; }
int bp_net_batch(const bp_net *net) { return net ? net->batch : 0; }
size_t bp_net_n_params(const bp_net *net) { return net ? net->n_params : 0; }

int bp_net_n_out(const bp_net *net)
{
    return net ? net->layers[net->n_layers - 1].n_out : 0;
}

bp_status bp_net_layer(const bp_net *net, int l, bp_layer_desc *desc, int *n_in)
{
    if (!net)
        return BP_ERR_NULL;
    if (l < 0 || l >= net->n_layers)
        return BP_ERR_SIZE;
    const bp_layer *ly = &net->layers[l];
    if (desc) {
        desc->n_out = ly->n_out;
        desc->act = ly->act;
        desc->act_param = ly->act_param;
    }
    if (n_in)
        *n_in = ly->n_in;
    return BP_OK;
}

bp_real *bp_net_params(bp_net *net) { return net ? net->params : NULL; }
bp_real *bp_net_grads(bp_net *net)
{
    /* a network read from a model file gets them here, if not before */
    return net && bp__net_train_arrays(net) == BP_OK ? net->grads : NULL;
}

bp_status bp_net_layer_offsets(const bp_net *net, int l, size_t *w_off,
                               size_t *b_off)
{
    if (!net)
        return BP_ERR_NULL;
    if (l < 0 || l >= net->n_layers)
        return BP_ERR_SIZE;
    if (w_off)
        *w_off = net->layers[l].w_off;
    if (b_off)
        *b_off = net->layers[l].b_off;
    return BP_OK;
}

bp_status bp_net_layer_view(const bp_net *net, int l, bp_layer_view *view)
{
    if (!net || !view)
        return BP_ERR_NULL;
    if (l < 0 || l >= net->n_layers)
        return BP_ERR_SIZE;
    const bp_layer *ly = &net->layers[l];
    view->n_in = ly->n_in;
    view->n_out = ly->n_out;
    view->act = ly->act;
    view->act_param = ly->act_param;
    view->w = net->params + ly->w_off;
    view->b = net->params + ly->b_off;
    return BP_OK;
}

/* ------------------------------------------------------------ parameters */

/* Index into params/grads of weight (l, j, k) or, with k < 0, bias (l, j).
 * The net is const here; errors go to the message only via the non-const
 * callers, so this one just reports the status. */
static bp_status param_index(const bp_net *net, int l, int j, int k,
                             size_t *idx)
{
    if (!net)
        return BP_ERR_NULL;
    if (l < 0 || l >= net->n_layers)
        return BP_ERR_SIZE;
    const bp_layer *ly = &net->layers[l];
    if (j < 0 || j >= ly->n_out || k >= ly->n_in)
        return BP_ERR_SIZE;
    *idx = k < 0 ? ly->b_off + (size_t)j
                 : ly->w_off + (size_t)j * ly->n_in + (size_t)k;
    return BP_OK;
}

/* base[index of (l, j, k)]; a NULL base (no gradients yet: a network
 * read from a model file that has not trained) reads as 0. */
static bp_status get_at(const bp_net *net, const bp_real *base, int l, int j,
                        int k, bp_real *value)
{
    size_t i;
    if (!value)
        return BP_ERR_NULL;
    bp_status st = param_index(net, l, j, k, &i);
    if (st == BP_OK)
        *value = base ? base[i] : 0;
    return st;
}

static bp_status set_at(bp_net *net, int l, int j, int k, bp_real value)
{
    size_t i;
    bp_status st = param_index(net, l, j, k, &i);
    if (st == BP_ERR_NULL)
        return st;
    if (st)
        return bp__fail(net, st, "no parameter at layer %d, neuron %d%s%d", l,
                        j, k < 0 ? "" : ", input ", k < 0 ? 0 : k);
    if (!bp__all_finite(&value, 1))
        return bp__fail(net, BP_ERR_NONFINITE,
                        "value for layer %d, neuron %d is not finite", l, j);
    net->params[i] = value;
    return bp__ok(net);
}

bp_status bp_net_weight(const bp_net *net, int l, int j, int k, bp_real *value)
{
    if (k < 0)
        return net ? BP_ERR_SIZE : BP_ERR_NULL;
    return get_at(net, net ? net->params : NULL, l, j, k, value);
}

bp_status bp_net_set_weight(bp_net *net, int l, int j, int k, bp_real value)
{
    if (net && k < 0)
        return bp__fail(net, BP_ERR_SIZE, "input index %d is negative", k);
    return set_at(net, l, j, k, value);
}

bp_status bp_net_bias(const bp_net *net, int l, int j, bp_real *value)
{
    return get_at(net, net ? net->params : NULL, l, j, -1, value);
}

bp_status bp_net_set_bias(bp_net *net, int l, int j, bp_real value)
{
    return set_at(net, l, j, -1, value);
}

bp_status bp_net_weight_grad(const bp_net *net, int l, int j, int k,
                             bp_real *value)
{
    if (k < 0)
        return net ? BP_ERR_SIZE : BP_ERR_NULL;
    return get_at(net, net ? net->grads : NULL, l, j, k, value);
}

bp_status bp_net_bias_grad(const bp_net *net, int l, int j, bp_real *value)
{
    return get_at(net, net ? net->grads : NULL, l, j, -1, value);
}

bp_status bp_net_init(bp_net *net, bp_init init, uint64_t seed)
{
    if (!net)
        return BP_ERR_NULL;
    if ((unsigned)init >= BP_INIT_COUNT_)
        return bp__fail(net, BP_ERR_ARG, "unknown initialisation %d",
                        (int)init);
    bp_rng rng;
    bp_rng_seed(&rng, seed);
    for (int l = 0; l < net->n_layers; l++) {
        bp_layer *ly = &net->layers[l];
        int xavier =
            init == BP_INIT_XAVIER_UNIFORM || init == BP_INIT_XAVIER_NORMAL;
        int normal = init == BP_INIT_XAVIER_NORMAL || init == BP_INIT_HE_NORMAL;
        /* Glorot: variance 2 / (fan_in + fan_out); He: 2 / fan_in */
        double fan = xavier ? (double)ly->n_in + ly->n_out : ly->n_in;
        double var = 2.0 / fan;
        /* uniform on (-a, a) has variance a^2 / 3: a = sqrt(3 var) */
        double a = sqrt(3 * var), sd = sqrt(var);
        bp_real *w = net->params + ly->w_off;
        size_t n = (size_t)ly->n_out * ly->n_in;
        for (size_t i = 0; i < n; i++)
            w[i] = (bp_real)(normal ? sd * bp_rng_normal(&rng)
                                    : a * (2 * bp_rng_uniform(&rng) - 1));
        memset(net->params + ly->b_off, 0, (size_t)ly->n_out * sizeof *w);
    }
    bp_net_reset_optim(net);
    return bp__ok(net);
}

bp_status bp_net_freeze(bp_net *net, int l, bp_param_group group, int frozen)
{
    if (!net)
        return BP_ERR_NULL;
    if (l < -1 || l >= net->n_layers)
        return bp__fail(net, BP_ERR_SIZE, "layer %d does not exist", l);
    if (group < BP_PARAM_WEIGHTS || group > BP_PARAM_ALL)
        return bp__fail(net, BP_ERR_ARG, "unknown parameter group %d",
                        (int)group);
    int first = l < 0 ? 0 : l, last = l < 0 ? net->n_layers - 1 : l;
    for (int i = first; i <= last; i++) {
        if (group & BP_PARAM_WEIGHTS)
            net->layers[i].freeze_w = !!frozen;
        if (group & BP_PARAM_BIASES)
            net->layers[i].freeze_b = !!frozen;
    }
    return bp__ok(net);
}

int bp_net_frozen(const bp_net *net, int l)
{
    if (!net || l < 0 || l >= net->n_layers)
        return 0;
    return (net->layers[l].freeze_w ? BP_PARAM_WEIGHTS : 0) |
        (net->layers[l].freeze_b ? BP_PARAM_BIASES : 0);
}

/* -------------------------------------------------------------- settings */

bp_status bp_net_set_loss(bp_net *net, bp_loss loss, bp_reduction reduction)
{
    if (!net)
        return BP_ERR_NULL;
    if ((unsigned)loss >= BP_LOSS_COUNT_)
        return bp__fail(net, BP_ERR_ARG, "unknown loss %d", (int)loss);
    if (reduction != BP_REDUCE_MEAN && reduction != BP_REDUCE_SUM)
        return bp__fail(net, BP_ERR_ARG, "unknown reduction %d",
                        (int)reduction);
    const bp_act out = net->layers[net->n_layers - 1].act;
    if ((bp_loss_describe(loss)->flags & BP_LOSSF_CLOSED_FORM) &&
        bp_act_describe(out)->out_loss != loss)
        return bp__fail(net, BP_ERR_ARG,
                        "loss %s needs a %s output layer, not %s",
                        bp_loss_name(loss), bp_act_name(bp__act_for_loss(loss)),
                        bp_act_name(out));
    net->loss = loss;
    net->reduction = reduction;
    net->have_delta = 0;
    return bp__ok(net);
}

bp_status bp_net_loss_kind(const bp_net *net, bp_loss *loss,
                           bp_reduction *reduction)
{
    if (!net)
        return BP_ERR_NULL;
    if (loss)
        *loss = net->loss;
    if (reduction)
        *reduction = net->reduction;
    return BP_OK;
}

bp_status bp_net_set_optim(bp_net *net, const bp_optim *optim)
{
    if (!net)
        return BP_ERR_NULL;
    if (!optim)
        return bp__fail(net, BP_ERR_NULL, "optim is NULL");
    bp_status st = bp__optim_check(optim, net->err, sizeof net->err);
    if (st)
        return st;
    bp__optim_set(net, optim);
    bp_net_reset_optim(net);
    return bp__ok(net);
}

bp_optim bp_net_optim(const bp_net *net)
{
    return net ? net->optim : bp_optim_defaults(BP_OPT_SGD);
}

bp_status bp_net_set_lr(bp_net *net, double lr)
{
    if (!net)
        return BP_ERR_NULL;
    if (!(lr > 0 && lr <= 1e30))
        return bp__fail(net, BP_ERR_ARG,
                        isnan(lr) ? "lr: not a finite number"
                                  : "lr: %g is not in (0, %g]",
                        lr, 1e30);
    net->optim.lr = lr;
    return bp__ok(net);
}

bp_status bp_net_set_penalty(bp_net *net, double l1, double l2)
{
    if (!net)
        return BP_ERR_NULL;
    if (!(l1 >= 0 && l1 <= 1e30 && l2 >= 0 && l2 <= 1e30))
        return bp__fail(net, BP_ERR_ARG, "l1 (%g) and l2 (%g) must be >= 0", l1,
                        l2);
    bp_optim o = net->optim;
    o.l1 = l1;
    o.l2 = l2;
    bp__optim_set(net, &o);
    return bp__ok(net);
}

void bp_net_reset_optim(bp_net *net)
{
    if (!net)
        return;
    if (net->opt_a) /* none yet: nothing to forget */
        memset(net->opt_a, 0, 2 * net->n_params * sizeof(bp_real));
    net->step = 0;
}
