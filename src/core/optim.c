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

static const char *const optim_names[BP_OPT_COUNT_] = {
    "sgd", "momentum", "nesterov", "adam", "rprop"};

const char *bp_optim_name(bp_optim_kind kind)
{
    return (unsigned)kind < BP_OPT_COUNT_ ? optim_names[kind] : NULL;
}

bp_status bp_optim_parse(const char *name, bp_optim_kind *kind)
{
    if (!name || !kind)
        return BP_ERR_NULL;
    for (int i = 0; i < BP_OPT_COUNT_; i++)
        if (strcmp(name, optim_names[i]) == 0) {
            *kind = (bp_optim_kind)i;
            return BP_OK;
        }
    if (strcmp(name, "adamw") == 0) {
        *kind = BP_OPT_ADAM;
        return BP_OK;
    }
    return BP_ERR_ARG;
}

bp_optim bp_optim_defaults(bp_optim_kind kind)
{
    bp_optim o;
    memset(&o, 0, sizeof o);
    o.kind = kind;
    o.lr = kind == BP_OPT_ADAM ? 0.001 : 0.1;
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

/* A finite number in [lo, hi] (NaN fails every comparison). */
static int in_range(double v, double lo, double hi)
{
    return v >= lo && v <= hi;
}

bp_status bp__optim_check(const bp_optim *o, char *msg, size_t len)
{
    const double big = 1e30;
    const char *bad = NULL;
    if ((unsigned)o->kind >= BP_OPT_COUNT_)
        bad = "kind: unknown optimizer";
    else if (!(o->lr > 0 && o->lr <= big))
        bad = "lr: must be > 0";
    else if (!in_range(o->weight_decay, 0, big))
        bad = "weight_decay: must be >= 0";
    else if ((o->kind == BP_OPT_MOMENTUM || o->kind == BP_OPT_NESTEROV) &&
             !(o->momentum >= 0 && o->momentum < 1))
        bad = "momentum: must be in [0, 1)";
    else if (o->kind == BP_OPT_ADAM &&
             !(in_range(o->beta1, 0, 1) && o->beta1 < 1 &&
               in_range(o->beta2, 0, 1) && o->beta2 < 1))
        bad = "beta1, beta2: must be in [0, 1)";
    else if (o->kind == BP_OPT_ADAM && !(o->eps > 0 && o->eps <= 1))
        bad = "eps: must be in (0, 1]";
    else if (o->kind == BP_OPT_RPROP &&
             !(o->eta_plus >= 1 && o->eta_plus <= big && o->eta_minus > 0 &&
               o->eta_minus < 1))
        bad = "eta_plus >= 1 and 0 < eta_minus < 1 required";
    else if (o->kind == BP_OPT_RPROP &&
             !(o->step_min >= 0 && o->step_max >= o->step_min &&
               o->step_max <= big))
        bad = "step_min, step_max: need 0 <= step_min <= step_max";
    if (!bad)
        return BP_OK;
    snprintf(msg, len, "optimizer %s: %s",
             (unsigned)o->kind < BP_OPT_COUNT_ ? optim_names[o->kind] : "?",
             bad);
    return BP_ERR_ARG;
}

static void sgd(bp_real *w, const bp_real *g, size_t n, bp_real lr,
                bp_real wd)
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

static void adam(bp_real *w, const bp_real *g, bp_real *m, bp_real *v,
                 size_t n, const bp_optim *o, long t)
{
    const bp_real b1 = (bp_real)o->beta1, b2 = (bp_real)o->beta2;
    const double bc1 = 1 - pow(o->beta1, (double)t);
    const double bc2 = 1 - pow(o->beta2, (double)t);
    const bp_real step = (bp_real)(o->lr / bc1);
    const bp_real inv_sqrt_bc2 = (bp_real)(1 / sqrt(bc2));
    const bp_real eps = (bp_real)o->eps;
    const bp_real decay = (bp_real)(1 - o->lr * o->weight_decay);
    for (size_t i = 0; i < n; i++) {
        if (o->weight_decay != 0)
            w[i] *= decay; /* AdamW: decoupled from the gradient */
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        w[i] -= step * m[i] / (bp_sqrt(v[i]) * inv_sqrt_bc2 + eps);
    }
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

static void apply(bp_net *net, size_t off, size_t count, long t)
{
    const bp_optim *o = &net->optim;
    bp_real *w = net->params + off;
    const bp_real *g = net->grads + off;
    bp_real *sa = net->opt_a + off, *sb = net->opt_b + off;
    const bp_real lr = (bp_real)o->lr, wd = (bp_real)o->weight_decay;
    switch (o->kind) {
    case BP_OPT_SGD:
        sgd(w, g, count, lr, wd);
        break;
    case BP_OPT_MOMENTUM:
    case BP_OPT_NESTEROV:
        momentum(w, g, sa, count, lr, wd, (bp_real)o->momentum,
                 o->kind == BP_OPT_NESTEROV);
        break;
    case BP_OPT_ADAM:
        adam(w, g, sa, sb, count, o, t);
        break;
    case BP_OPT_RPROP:
        rprop(w, g, sa, sb, count, o, t);
        break;
    default:
        break;
    }
}

int bp__optim_apply(bp_net *net, size_t off, size_t count, long t)
{
    /* in chunks that stay in the L1 cache, each checked as soon as it is
     * written: the check of the new weights then costs no extra pass over
     * memory (a separate pass was 8% of a Fashion-MNIST epoch) */
    enum { CHUNK = 2048 };
    int bad = 0;
    for (size_t c = 0; c < count; c += CHUNK) {
        const size_t k = count - c < CHUNK ? count - c : CHUNK;
        apply(net, off + c, k, t);
        bad |= !bp__finite(net, net->params + off + c, k);
    }
    return bad;
}
