/*
 * test_ref.c - the library against PyTorch, in the manner of llm.c's
 * test_gpt2.c: tests/ref/make_refs.py had PyTorch (float64) compute the
 * outputs, loss, every gradient, and three steps of every optimizer for
 * six small networks; this test does the same with the library and
 * compares tensor by tensor, printing the first numbers side by side and
 * the largest difference.
 *
 * Agreement: the largest difference in a tensor, relative to the
 * tensor's largest magnitude, within 1e-5 in float32 and 1e-9 in double.
 * A missing or malformed reference file is a failure, never a skip.
 */
#include "backprop.h"
#include "test.h"

#include <dirent.h>
#include <stdlib.h>

#ifdef BP_DOUBLE
static const double TOL = 1e-9;
#else
static const double TOL = 1e-5;
#endif

enum { MAX_LAYERS = 8, MAX_VALUES = 4096 };

typedef struct {
    FILE *f;
    const char *path;
    int bad;
} reader;

/* Next non-comment word into w; 0 at the end of the file. */
static int next_word(reader *r, char *w, size_t cap)
{
    int c;
    for (;;) {
        c = fgetc(r->f);
        if (c == '#')
            while (c != EOF && c != '\n')
                c = fgetc(r->f);
        if (c == EOF)
            return 0;
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
            break;
    }
    size_t n = 0;
    while (c != EOF && c != ' ' && c != '\n' && c != '\t' && c != '\r') {
        if (n + 1 < cap)
            w[n++] = (char)c;
        c = fgetc(r->f);
    }
    w[n] = '\0';
    return 1;
}

static double number(reader *r)
{
    char w[64], *end;
    if (!next_word(r, w, sizeof w)) {
        r->bad = 1;
        return 0;
    }
    double v = strtod(w, &end);
    if (*end)
        r->bad = 1;
    return v;
}

/* "tensor NAME COUNT" then COUNT numbers; checks name and count. */
static int tensor(reader *r, const char *name, double *v, int want)
{
    char w[64];
    if (!next_word(r, w, sizeof w) || strcmp(w, "tensor") != 0 ||
        !next_word(r, w, sizeof w) || strcmp(w, name) != 0) {
        r->bad = 1;
        return 0;
    }
    int n = (int)number(r);
    if (n != want || n > MAX_VALUES) {
        r->bad = 1;
        return 0;
    }
    for (int i = 0; i < n; i++)
        v[i] = number(r);
    return !r->bad;
}

/* Compare a tensor; print the first three pairs and the worst. */
static void compare(const char *file, const char *what, const bp_real *got,
                    const double *want, int n)
{
    double scale = 0, worst = 0;
    int at = 0;
    for (int i = 0; i < n; i++)
        scale = fabs(want[i]) > scale ? fabs(want[i]) : scale;
    if (scale < 1e-12)
        scale = 1e-12;
    for (int i = 0; i < n; i++) {
        double d = fabs(got[i] - want[i]) / scale;
        if (!(d <= worst)) {
            worst = isnan(d) ? INFINITY : d;
            at = i;
        }
    }
    char pairs[160] = "";
    for (int i = 0; i < n && i < 3; i++) {
        char one[56];
        snprintf(one, sizeof one, " %.7g/%.7g", (double)got[i], want[i]);
        strncat(pairs, one, sizeof pairs - strlen(pairs) - 1);
    }
    CHECK(worst <= TOL, "%-22s %-16s max diff %.1e at %d;%s", file, what, worst,
          at, pairs);
}

static int parse_layer(reader *r, bp_layer_desc *d)
{
    char w[64];
    d->n_out = (int)number(r);
    if (!next_word(r, w, sizeof w) || bp_act_parse(w, &d->act))
        return 0;
    d->act_param = number(r);
    return !r->bad && d->n_out > 0;
}

static void check_file(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    reader r = {fopen(path, "r"), path, 0};
    CHECK(r.f != NULL, "%s opens", path);
    if (!r.f)
        return;
    static double params[MAX_VALUES], x[MAX_VALUES], t[MAX_VALUES],
        want[MAX_VALUES];
    bp_layer_desc layers[MAX_LAYERS];
    int n_in = 0, n_layers = 0, batch = 0;
    bp_loss loss = BP_LOSS_SSE;
    bp_reduction red = BP_REDUCE_MEAN;
    char w[64];
    /* the header, up to the first tensor */
    while (!r.bad && next_word(&r, w, sizeof w) && strcmp(w, "batch") != 0) {
        if (strcmp(w, "n_in") == 0)
            n_in = (int)number(&r);
        else if (strcmp(w, "layer") == 0 && n_layers < MAX_LAYERS)
            r.bad |= !parse_layer(&r, &layers[n_layers++]);
        else if (strcmp(w, "loss") == 0) {
            r.bad |= !next_word(&r, w, sizeof w) || bp_loss_parse(w, &loss);
            r.bad |= !next_word(&r, w, sizeof w);
            red = strcmp(w, "sum") == 0 ? BP_REDUCE_SUM : BP_REDUCE_MEAN;
        } else
            r.bad = 1;
    }
    batch = (int)number(&r);
    bp_net *net = NULL;
    if (!r.bad && bp_net_create(n_in, n_layers, layers, NULL, &net, NULL))
        r.bad = 1;
    const int np = net ? (int)bp_net_n_params(net) : 0;
    const int n_out = net ? bp_net_n_out(net) : 0;
    if (!r.bad &&
        (bp_net_set_loss(net, loss, red) || bp_net_reserve(net, batch)))
        r.bad = 1;
    if (!r.bad && tensor(&r, "params", params, np) &&
        tensor(&r, "x", x, batch * n_in) && tensor(&r, "t", t, batch * n_out)) {
        bp_real *p = bp_net_params(net);
        bp_real xr[MAX_VALUES], tr[MAX_VALUES];
        for (int i = 0; i < np; i++)
            p[i] = (bp_real)params[i];
        for (int i = 0; i < batch * n_in; i++)
            xr[i] = (bp_real)x[i];
        for (int i = 0; i < batch * n_out; i++)
            tr[i] = (bp_real)t[i];
        double e = 0;
        bp_net_forward(net, xr, batch);
        bp_net_backward(net, tr, &e);
        if (tensor(&r, "out", want, batch * n_out))
            compare(name, "outputs", bp_net_output(net), want, batch * n_out);
        if (tensor(&r, "loss", want, 1)) {
            bp_real er = (bp_real)e;
            compare(name, "loss", &er, want, 1);
        }
        if (tensor(&r, "grads", want, np))
            compare(name, "gradients", bp_net_grads(net), want, np);
        /* the optimizers: three steps each from the same weights */
        while (!r.bad && next_word(&r, w, sizeof w) &&
               strcmp(w, "optim") == 0) {
            char oname[64], kind[64];
            next_word(&r, oname, sizeof oname);
            next_word(&r, kind, sizeof kind);
            bp_optim_kind k;
            if (bp_optim_parse(kind, &k)) {
                r.bad = 1;
                break;
            }
            bp_optim o = bp_optim_defaults(k);
            o.lr = number(&r);
            o.momentum = number(&r);
            o.weight_decay = number(&r);
            o.l1 = number(&r);
            o.l2 = number(&r);
            if (k == BP_OPT_SGD && o.momentum > 0)
                o.kind = BP_OPT_MOMENTUM;
            double want_losses[3];
            bp_real losses[3];
            if (bp_net_set_optim(net, &o)) {
                r.bad = 1;
                break;
            }
            for (int i = 0; i < np; i++)
                p[i] = (bp_real)params[i];
            for (int s = 0; s < 3; s++) {
                double es = 0;
                bp_net_train_step(net, xr, tr, batch, BP_ORDER_STANDARD, &es);
                losses[s] = (bp_real)es;
            }
            char what[80];
            snprintf(what, sizeof what, "%s losses", oname);
            if (tensor(&r, "losses", want_losses, 3))
                compare(name, what, losses, want_losses, 3);
            snprintf(what, sizeof what, "%s params", oname);
            if (tensor(&r, "params", want, np))
                compare(name, what, p, want, np);
            /* the L1/L2 penalty of the weights after the steps */
            double want_pen;
            bp_real pen = (bp_real)bp_net_penalty(net);
            snprintf(what, sizeof what, "%s penalty", oname);
            if (tensor(&r, "penalty", &want_pen, 1))
                compare(name, what, &pen, &want_pen, 1);
        }
        CHECK(strcmp(w, "end") == 0, "%s: ends with 'end'", name);
    }
    CHECK(!r.bad, "%s: well-formed", path);
    bp_net_free(net);
    fclose(r.f);
}

int main(void)
{
    const char *dir = getenv("BP_REF_DIR") ? getenv("BP_REF_DIR") : "tests/ref";
    tst_verbose = 1;
    DIR *d = opendir(dir);
    CHECK(d != NULL, "reference directory %s", dir);
    int files = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".ref") == 0) {
            printf("%s\n", e->d_name);
            check_file(dir, e->d_name);
            files++;
        }
    }
    if (d)
        closedir(d);
    CHECK(files >= 6, "%d reference files (want 6)", files);
    return tst_summary("test_ref");
}
