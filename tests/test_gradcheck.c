/*
 * test_gradcheck.c - the backward phase against central finite
 * differences, for every activation x loss pairing that makes sense,
 * several shapes (1-wide layers, 1 to 3 layers), batch 1 and batch 4,
 * both reductions.
 *
 * For each parameter p the five-point central difference
 *   (8 (E(p+h) - E(p-h)) - (E(p+2h) - E(p-2h))) / 12h,
 * whose truncation error is O(h^4) where the two-point one's is O(h^2),
 * with E from the forward phase and bp_net_loss, against the gradient
 * bp_net_backward left in bp_net_grads. One check per network: the worst
 * relative error over all its parameters, |g - fd| / max(|g|, |fd|, floor).
 *
 * In double: h = 1e-4, agreement to 1e-6 relative (truncation ~1e-16,
 * rounding ~1e-12). In float32 rounding costs most digits (eps 6e-8 / h),
 * so the float build checks the same networks with h = 1e-2, 1e-2
 * relative and an absolute floor of 1e-2: it still catches any wrong
 * formula, which is off by O(1).
 *
 * A finite difference means nothing across a kink (ReLU, leaky ReLU at
 * z = 0): where a perturbation flips the sign of some kinked unit's z,
 * that parameter is left out and counted, and the line says how many.
 */
#include "backprop.h"
#include "test.h"

#include <stdlib.h>

#ifdef BP_DOUBLE
static const double H = 1e-4, TOL = 1e-6, FLOOR = 1e-7;
#else
static const double H = 1e-2, TOL = 1e-2, FLOOR = 1e-2;
#endif

typedef struct {
    bp_act act;
    bp_loss loss;
} out_pair;

/* A fingerprint of which side of its kink every ReLU-like unit is on. */
static uint64_t kink_sides(const bp_net *net, int n)
{
    uint64_t h = 1469598103934665603ULL;
    for (int l = 0; l < bp_net_n_layers(net); l++) {
        bp_layer_desc d;
        bp_net_layer(net, l, &d, NULL);
        if (d.act != BP_ACT_RELU && d.act != BP_ACT_LEAKY_RELU)
            continue;
        const bp_real *z = bp_net_layer_z(net, l);
        for (int i = 0; i < n * d.n_out; i++)
            h = (h ^ (uint64_t)(z[i] > 0)) * 1099511628211ULL;
    }
    return h;
}

static double energy(bp_net *net, const bp_real *x, const bp_real *t, int n,
                     uint64_t *sides)
{
    double e = NAN;
    if (bp_net_forward(net, x, n) || bp_net_loss(net, t, &e))
        return NAN;
    *sides = kink_sides(net, n);
    return e;
}

/* Build a net, random weights and data; return the worst relative error
 * and where it was (param index), or a negative number on API failure. */
static double check_net(int n_in, int n_layers, const int *widths,
                        bp_act hidden, out_pair out, int batch,
                        bp_reduction red, uint64_t seed, size_t *worst_at,
                        int *n_kinked)
{
    bp_layer_desc d[4];
    for (int l = 0; l < n_layers; l++) {
        d[l].n_out = widths[l];
        d[l].act = l == n_layers - 1 ? out.act : hidden;
        d[l].act_param = 0.1;
    }
    bp_net *net;
    if (bp_net_create(n_in, n_layers, d, NULL, &net, NULL))
        return -1;
    bp_rng rng;
    bp_rng_seed(&rng, seed);
    int n_out = widths[n_layers - 1];
    bp_real x[4 * 8], t[4 * 8];
    for (int i = 0; i < batch * n_in; i++)
        x[i] = (bp_real)(2 * bp_rng_uniform(&rng) - 1);
    for (int i = 0; i < batch; i++)
        for (int j = 0; j < n_out; j++) {
            bp_real *ti = &t[i * n_out + j];
            if (out.loss == BP_LOSS_CE)
                *ti = (bp_real)(j == i % n_out);
            else if (out.loss == BP_LOSS_BCE)
                *ti = (bp_real)(0.1 + 0.8 * bp_rng_uniform(&rng));
            else
                *ti = (bp_real)(2 * bp_rng_uniform(&rng) - 1);
        }
    double worst = -1;
    if (bp_net_init(net, BP_INIT_XAVIER_NORMAL, seed) ||
        bp_net_set_loss(net, out.loss, red) || bp_net_reserve(net, batch))
        goto done;
    /* biases too, so a wrong bias gradient cannot hide behind b = 0 */
    bp_real *p = bp_net_params(net);
    size_t np = bp_net_n_params(net);
    for (size_t i = 0; i < np; i++)
        p[i] += (bp_real)(0.2 * bp_rng_normal(&rng));
    if (bp_net_forward(net, x, batch) || bp_net_backward(net, t, NULL))
        goto done;
    const uint64_t base_sides = kink_sides(net, batch);
    const bp_real *g = bp_net_grads(net);
    worst = 0;
    for (size_t i = 0; i < np; i++) {
        const bp_real keep = p[i];
        double e[4];
        static const double at[4] = {-2, -1, 1, 2};
        int kinked = 0;
        for (int s = 0; s < 4; s++) {
            uint64_t sides = 0;
            p[i] = (bp_real)(keep + at[s] * H);
            e[s] = energy(net, x, t, batch, &sides);
            kinked |= sides != base_sides;
        }
        p[i] = keep;
        if (kinked) {
            ++*n_kinked;
            continue;
        }
        double fd = (8 * (e[2] - e[1]) - (e[3] - e[0])) / (12 * H);
        double scale = fabs(fd) > fabs(g[i]) ? fabs(fd) : fabs(g[i]);
        if (scale < FLOOR)
            scale = FLOOR;
        double rel = fabs(fd - g[i]) / scale;
        if (!(rel <= worst)) { /* NaN counts as worst */
            worst = isnan(rel) ? INFINITY : rel;
            *worst_at = i;
        }
    }
done:
    bp_net_free(net);
    return worst;
}

int main(void)
{
    static const bp_act hidden[] = {BP_ACT_IDENTITY,   BP_ACT_SIGMOID,
                                    BP_ACT_TANH,       BP_ACT_RELU,
                                    BP_ACT_LEAKY_RELU, BP_ACT_SOFTMAX};
    static const out_pair outs[] = {
        {BP_ACT_IDENTITY, BP_LOSS_SSE},   {BP_ACT_SIGMOID, BP_LOSS_SSE},
        {BP_ACT_TANH, BP_LOSS_SSE},       {BP_ACT_RELU, BP_LOSS_SSE},
        {BP_ACT_LEAKY_RELU, BP_LOSS_SSE}, {BP_ACT_SOFTMAX, BP_LOSS_SSE},
        {BP_ACT_SIGMOID, BP_LOSS_BCE},    {BP_ACT_SOFTMAX, BP_LOSS_CE}};
    static const struct {
        int n_in, n_layers, widths[3];
        const char *name;
    } shapes[] = {{4, 3, {5, 3, 3}, "4-5-3-3"},
                  {3, 2, {1, 2}, "3-1-2 (1-wide)"},
                  {2, 1, {3}, "2-3 (one layer)"},
                  {1, 3, {1, 1, 1}, "1-1-1-1"}};
    uint64_t seed = 1;
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
        for (size_t h = 0; h < sizeof hidden / sizeof *hidden; h++)
            for (size_t o = 0; o < sizeof outs / sizeof *outs; o++)
                for (int batch = 1; batch <= 4; batch += 3) {
                    /* a 1-wide softmax is constant: nothing to check */
                    int last = shapes[s].widths[shapes[s].n_layers - 1];
                    if (outs[o].act == BP_ACT_SOFTMAX && last == 1)
                        continue;
                    /* hidden activation irrelevant for one layer */
                    if (shapes[s].n_layers == 1 && h > 0)
                        continue;
                    bp_reduction red =
                        seed % 2 ? BP_REDUCE_MEAN : BP_REDUCE_SUM;
                    size_t at = 0;
                    int kinked = 0;
                    double worst = check_net(
                        shapes[s].n_in, shapes[s].n_layers, shapes[s].widths,
                        hidden[h], outs[o], batch, red, seed++, &at, &kinked);
                    CHECK(worst >= 0 && worst <= TOL && kinked <= 40,
                          "%-15s hidden %-10s out %-10s %s batch %d %s: "
                          "worst rel err %.2e (param %zu; %d across a kink)",
                          shapes[s].name, bp_act_name(hidden[h]),
                          bp_act_name(outs[o].act), bp_loss_name(outs[o].loss),
                          batch, red == BP_REDUCE_MEAN ? "mean" : "sum ", worst,
                          at, kinked);
                }
    return tst_summary("test_gradcheck");
}
