/*
 * optim.c - the update phase: one optimizer step on a range of
 * parameters.
 *
 * The formulas are PyTorch's (torch.optim.SGD with momentum/nesterov,
 * Adam, AdamW, Rprop), so a step here and a step there agree to rounding;
 * tests/ref holds the evidence. State lives in two arrays of n_params
 * allocated with the network: opt_a (velocity; Adam's m; RPROP's previous
 * gradient) and opt_b (Adam's v; RPROP's step size).
 */
#include "core/internal.h"

#include <stdio.h>
#include <string.h>

/* A finite number in [lo, hi] (NaN fails every comparison). */
static int in_range(double v, double lo, double hi)
{
    return v >= lo && v <= hi;
}

/* The settings the optimizer reads (its flags say which), each in its
 * range. */
static const char *bad_setting(const bp_optim *o, unsigned flags)
{
    const double big = 1e30;
    if (!(o->lr > 0 && o->lr <= big))
        return "lr: must be > 0";
    if (!in_range(o->weight_decay, 0, big))
        return "weight_decay: must be >= 0";
    if (!in_range(o->l1, 0, big) || !in_range(o->l2, 0, big))
        return "l1, l2: must be >= 0";
    if ((flags & BP_OPTF_MOMENTUM) && !(o->momentum >= 0 && o->momentum < 1))
        return "momentum: must be in [0, 1)";
    if ((flags & BP_OPTF_ADAM) &&
        !(in_range(o->beta1, 0, 1) && o->beta1 < 1 &&
          in_range(o->beta2, 0, 1) && o->beta2 < 1))
        return "beta1, beta2: must be in [0, 1)";
    if ((flags & BP_OPTF_ADAM) && !(o->eps > 0 && o->eps <= 1))
        return "eps: must be in (0, 1]";
    if ((flags & BP_OPTF_RPROP) &&
        !(o->eta_plus >= 1 && o->eta_plus <= big && o->eta_minus > 0 &&
          o->eta_minus < 1))
        return "eta_plus >= 1 and 0 < eta_minus < 1 required";
    if ((flags & BP_OPTF_RPROP) &&
        !(o->step_min >= 0 && o->step_max >= o->step_min && o->step_max <= big))
        return "step_min, step_max: need 0 <= step_min <= step_max";
    return NULL;
}

static void sgd(bp_real *w, const bp_real *g, size_t n, bp_real lr, bp_real wd)
{
    if (wd != 0)
        for (size_t i = 0; i < n; i++)
            w[i] -= lr * (g[i] + wd * w[i]);
    else
        for (size_t i = 0; i < n; i++)
            w[i] -= lr * g[i];
}

static void momentum(bp_real *w, const bp_real *g, bp_real *v, size_t n,
                     bp_real lr, bp_real wd, bp_real mu, int nesterov)
{
    for (size_t i = 0; i < n; i++) {
        bp_real gi = g[i] + wd * w[i];
        v[i] = mu * v[i] + gi; /* v starts at 0, so step 1 gives v = g */
        w[i] -= lr * (nesterov ? gi + mu * v[i] : v[i]);
    }
}

/* Adam's constants for step t (kernel.h: bp_adam_step). */
static bp_adam_step adam_consts(const bp_optim *o, long t)
{
    const double bc1 = 1 - pow(o->beta1, (double)t);
    const double bc2 = 1 - pow(o->beta2, (double)t);
    bp_adam_step a;
    a.b1 = (bp_real)o->beta1;
    a.one_b1 = 1 - a.b1;
    a.b2 = (bp_real)o->beta2;
    a.one_b2 = 1 - a.b2;
    a.step = (bp_real)(o->lr / bc1);
    a.inv_sqrt_bc2 = (bp_real)(1 / sqrt(bc2));
    a.eps = (bp_real)o->eps;
    /* AdamW: decoupled from the gradient; w * 1 is w */
    a.decay = o->weight_decay != 0 ? (bp_real)(1 - o->lr * o->weight_decay) : 1;
    return a;
}

/* iRprop-: only the sign of the gradient is used. When it flips, the step
 * shrinks and this update is skipped (the stored gradient becomes 0 so
 * the next step counts as neither same sign nor flip). */
static void rprop(bp_real *w, const bp_real *g, bp_real *prev, bp_real *step,
                  size_t n, const bp_optim *o, long t)
{
    const bp_real up = (bp_real)o->eta_plus, down = (bp_real)o->eta_minus;
    const bp_real lo = (bp_real)o->step_min, hi = (bp_real)o->step_max;
    if (t == 1)
        for (size_t i = 0; i < n; i++)
            step[i] = (bp_real)o->lr;
    for (size_t i = 0; i < n; i++) {
        bp_real gi = g[i], s = gi * prev[i];
        if (s > 0) {
            step[i] = step[i] * up;
            if (step[i] > hi)
                step[i] = hi;
        } else if (s < 0) {
            step[i] = step[i] * down;
            if (step[i] < lo)
                step[i] = lo;
            gi = 0;
        }
        if (gi > 0)
            w[i] -= step[i];
        else if (gi < 0)
            w[i] += step[i];
        prev[i] = gi;
    }
}

/* ------------------------------------------- one step, per optimizer */

static void sgd_step(bp_real *w, const bp_real *g, bp_real *sa, bp_real *sb,
                     size_t n, const bp_optim *o, long t)
{
    (void)sa, (void)sb, (void)t;
    sgd(w, g, n, (bp_real)o->lr, (bp_real)o->weight_decay);
}

static void momentum_step(bp_real *w, const bp_real *g, bp_real *sa,
                          bp_real *sb, size_t n, const bp_optim *o, long t)
{
    (void)sb, (void)t;
    momentum(w, g, sa, n, (bp_real)o->lr, (bp_real)o->weight_decay,
             (bp_real)o->momentum, 0);
}

static void nesterov_step(bp_real *w, const bp_real *g, bp_real *sa,
                          bp_real *sb, size_t n, const bp_optim *o, long t)
{
    (void)sb, (void)t;
    momentum(w, g, sa, n, (bp_real)o->lr, (bp_real)o->weight_decay,
             (bp_real)o->momentum, 1);
}

/* ---------------------------------------------------------- the table */

typedef struct {
    bp_optim_info info;
    /* one step on n parameters w with gradients g and state sa, sb
     * (Adam's runs on the kernels instead: apply()) */
    void (*step)(bp_real *w, const bp_real *g, bp_real *sa, bp_real *sb,
                 size_t n, const bp_optim *o, long t);
} optim_entry;

static const optim_entry optims[] = {
    [BP_OPT_SGD] = {.info = {.name = "sgd",
                             .label = "SGD",
                             .formula = "w -= lr * (g + weight_decay * w)",
                             .lr = 0.1},
                    .step = sgd_step},
    [BP_OPT_MOMENTUM] = {.info = {.name = "momentum",
                                  .label = "momentum",
                                  .formula =
                                      "v = momentum * v + g';  w -= lr * v   "
                                      "(g' = g + weight_decay * w)",
                                  .lr = 0.1,
                                  .flags = BP_OPTF_MOMENTUM},
                         .step = momentum_step},
    [BP_OPT_NESTEROV] =
        {.info = {.name = "nesterov",
                  .label = "Nesterov",
                  .formula = "v = momentum * v + g';  w -= lr * (g' + "
                             "momentum * v)   (g' = g + weight_decay * w)",
                  .lr = 0.1,
                  .flags = BP_OPTF_MOMENTUM},
         .step = nesterov_step},
    [BP_OPT_ADAM] =
        {.info = {.name = "adam",
                  .aliases = "adamw",
                  .label = "Adam",
                  .formula = "m = beta1 m + (1 - beta1) g;  v = beta2 v + "
                             "(1 - beta2) g^2;  w -= lr m^ / (sqrt(v^) + "
                             "eps)   (m^, v^ bias-corrected; weight_decay: "
                             "AdamW's w -= lr * weight_decay * w first)",
                  .lr = 0.001,
                  .flags = BP_OPTF_ADAM},
         .step = NULL}, /* apply(): bp__adam_vec, on the kernel */
    [BP_OPT_RPROP] =
        {.info = {.name = "rprop",
                  .label = "iRprop-",
                  .formula = "w -= sign(g) * step;  step *= eta_plus while g "
                             "keeps its sign, *= eta_minus (and no update) "
                             "when it flips",
                  .lr = 0.1,
                  .flags = BP_OPTF_RPROP | BP_OPTF_FULL_BATCH},
         .step = rprop},
};
_Static_assert(sizeof optims / sizeof optims[0] == BP_OPT_COUNT_,
               "one table entry per optimizer");

const bp_optim_info *bp_optim_describe(bp_optim_kind kind)
{
    return (unsigned)kind < BP_OPT_COUNT_ ? &optims[kind].info : NULL;
}

const char *bp_optim_name(bp_optim_kind kind)
{
    return (unsigned)kind < BP_OPT_COUNT_ ? optims[kind].info.name : NULL;
}

bp_status bp_optim_parse(const char *name, bp_optim_kind *kind)
{
    if (!name || !kind)
        return BP_ERR_NULL;
    for (int i = 0; i < BP_OPT_COUNT_; i++)
        if (strcmp(name, optims[i].info.name) == 0 ||
            bp__name_in_list(name, optims[i].info.aliases)) {
            *kind = (bp_optim_kind)i;
            return BP_OK;
        }
    return BP_ERR_ARG;
}

bp_optim bp_optim_defaults(bp_optim_kind kind)
{
    bp_optim o;
    memset(&o, 0, sizeof o);
    o.kind = kind;
    o.lr = (unsigned)kind < BP_OPT_COUNT_ ? optims[kind].info.lr : 0.1;
    o.momentum = 0.9;
    o.weight_decay = 0;
    o.beta1 = 0.9;
    o.beta2 = 0.999;
    o.eps = 1e-8;
    o.eta_plus = 1.2;
    o.eta_minus = 0.5;
    o.step_min = 1e-6;
    o.step_max = 50;
    return o;
}

bp_status bp__optim_check(const bp_optim *o, char *msg, size_t len)
{
    if ((unsigned)o->kind >= BP_OPT_COUNT_) {
        snprintf(msg, len, "optimizer ?: kind: unknown optimizer");
        return BP_ERR_ARG;
    }
    const char *bad = bad_setting(o, optims[o->kind].info.flags);
    if (!bad)
        return BP_OK;
    snprintf(msg, len, "optimizer %s: %s", optims[o->kind].info.name, bad);
    return BP_ERR_ARG;
}

/* The update works in chunks that stay in the L1 cache. */
enum { CHUNK = 2048 };

/* g + l1 * sign(w) + l2 * w into out, for the penalised weights. */
static void penalised(const bp_real *w, const bp_real *g, size_t n, bp_real l1,
                      bp_real l2, bp_real *out)
{
    for (size_t i = 0; i < n; i++) {
        /* sign(w) without branches, so that the loop runs on vectors */
        const bp_real s = (bp_real)((w[i] > 0) - (w[i] < 0));
        out[i] = g[i] + l1 * s + l2 * w[i];
    }
}

static void apply(bp_net *net, size_t off, size_t count, long t, int weights)
{
    const bp_optim *o = &net->optim;
    const bp_real *g = net->grads + off;
    bp_real pg[CHUNK]; /* the penalised gradient, when there is one */
    if ((unsigned)o->kind >= BP_OPT_COUNT_)
        return;
    if (weights && (o->l1 != 0 || o->l2 != 0)) {
        penalised(net->params + off, g, count, (bp_real)o->l1, (bp_real)o->l2,
                  pg);
        g = pg;
    }
    if (o->kind == BP_OPT_ADAM) { /* on the kernel's vectors */
        const bp_adam_step a = adam_consts(o, t);
        bp__adam_vec(net->kc.k, net->params + off, g, net->opt_a + off,
                     net->opt_b + off, count, &a);
        return;
    }
    optims[o->kind].step(net->params + off, g, net->opt_a + off,
                         net->opt_b + off, count, o, t);
}

int bp__optim_apply(bp_net *net, size_t off, size_t count, long t, int weights)
{
    /* each chunk checked as soon as it is written: the check of the new
     * weights then costs no extra pass over memory (a separate pass was
     * 8% of a Fashion-MNIST epoch) */
    int bad = 0;
    for (size_t c = 0; c < count; c += CHUNK) {
        const size_t k = count - c < CHUNK ? count - c : CHUNK;
        apply(net, off + c, k, t, weights);
        bad |= !bp__finite_vec(net->kc.k, net->params + off + c, k);
    }
    return bad;
}

void bp__optim_set(bp_net *net, const bp_optim *o)
{
    net->optim = *o;
    net->penalty = o->l1 != 0 || o->l2 != 0;
    net->plain_sgd =
        o->kind == BP_OPT_SGD && o->weight_decay == 0 && !net->penalty;
}

double bp_net_penalty(const bp_net *net)
{
    if (!net || (net->optim.l1 == 0 && net->optim.l2 == 0))
        return 0;
    double l1 = 0, l2 = 0;
    for (int l = 0; l < net->n_layers; l++) {
        const bp_layer *ly = &net->layers[l];
        const bp_real *w = net->params + ly->w_off;
        const size_t n = (size_t)ly->n_out * ly->n_in;
        for (size_t i = 0; i < n; i++) {
            l1 += fabs((double)w[i]);
            l2 += (double)w[i] * w[i];
        }
    }
    return net->optim.l1 * l1 + net->optim.l2 / 2 * l2;
}
