/*
 * test_pg.c - the playground's C side (playground/pg.c) compiled natively:
 * its explain calls for bigger networks. pg_explain_summary is the text
 * of bp_explain's summary, and pg_layer_stats the numbers of
 * bp_explain_stats, for the same network and sample. (The page itself is
 * tested in a browser: tests/playground.)
 */
/* pg.c is written for emscripten: its calls have no prototypes (they are
 * for JavaScript), and its messages may be cut at 256 bytes on purpose */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wunknown-warning-option"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
#include "../playground/pg.c"
#include "test.h"

typedef struct {
    char *p;
    size_t len, cap;
} sink;

static void collect(void *ctx, const char *text, size_t len)
{
    sink *s = ctx;
    if (s->len + len + 1 > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4096;
        while (cap < s->len + len + 1)
            cap *= 2;
        char *q = realloc(s->p, cap);
        if (!q)
            return;
        s->p = q;
        s->cap = cap;
    }
    memcpy(s->p + s->len, text, len);
    s->len += len;
    s->p[s->len] = '\0';
}

int main(void)
{
    /* the page's biggest kind of network: 8 layers of 8 tanh units */
    static const int widths[] = {8, 8, 8, 8, 8, 8, 8, 1};
    int acts[8];
    for (int l = 0; l < 8; l++)
        acts[l] = l < 7 ? BP_ACT_TANH : BP_ACT_SIGMOID;
    pg *p = pg_new();
    CHECK_OK(pg_build(p, 2, 8, widths, acts, BP_LOSS_BCE, BP_OPT_SGD, 0.03, 5));
    const double x[2] = {1.5, -0.7}, t[1] = {1};
    const char *text = pg_explain_summary(p, x, t, 0.03, 2);
    const bp_real xs[2] = {(bp_real)x[0], (bp_real)x[1]}, ts[1] = {1};
    bp_explain_opts o = bp_explain_defaults();
    o.lr = 0.03;
    o.view = BP_EXPLAIN_SUMMARY;
    sink want = {0};
    bp_error err;
    CHECK_OK(bp_explain(p->net, xs, ts, &o, collect, &want, &err));
    CHECK(text && want.p && strcmp(text, want.p) == 0 &&
              strstr(text, "layer 8 (sigmoid)"),
          "pg_explain_summary: bp_explain's summary (%zu bytes)",
          text ? strlen(text) : 0);

    const double *v = pg_layer_stats(p, x, t, 0.03);
    bp_layer_stats s[8];
    double e;
    CHECK_OK(bp_explain_stats(p->net, xs, ts, 0.03, s, &e, &err));
    int wrong = !v;
    for (int l = 0; v && l < 8; l++) {
        const double *r = v + l * PG_STATS;
        wrong += r[0] != s[l].net_min || r[1] != s[l].net_mean ||
                 r[2] != s[l].net_max || r[3] != s[l].out_min ||
                 r[4] != s[l].out_mean || r[5] != s[l].out_max ||
                 r[6] != s[l].saturated || r[7] != s[l].dead ||
                 r[8] != s[l].delta_norm || r[9] != s[l].grad_norm ||
                 r[10] != s[l].weight_norm || r[11] != s[l].update_norm ||
                 r[12] != s[l].n_out || r[13] != e;
    }
    CHECK(wrong == 0, "pg_layer_stats: %d layers of %d numbers as "
          "bp_explain_stats gives them (E %.9g)", 8, PG_STATS, e);

    const char *refused = pg_explain_summary(p, x, t, -1, 2);
    CHECK(refused == NULL && strstr(pg_error(p), "lr"),
          "a bad learning rate refused: '%s'", pg_error(p));
    pg *none = pg_new();
    CHECK(pg_layer_stats(none, x, t, 0.1) == NULL &&
              pg_explain_summary(none, x, t, 0.1, 0) == NULL,
          "no network, no numbers");
    pg_delete(none);
    free(want.p);
    pg_delete(p);
    return tst_summary("test_pg");
}
