/*
 * model_bin.c - the binary model form (docs/FORMATS.md).
 *
 *   "BPMODEL\0"  u32 version  u32 flags
 *   sections: 4-byte tag, u64 payload length, payload
 *     "NET " architecture, freezing, loss
 *     "PARM" parameters at the writer's precision (f32 or f64)
 *     "SCAL" input scaling          (optional)
 *     "TSCL" target scaling         (optional)
 *     "CLAS" class names            (optional)
 *     "COLS" the training file's target columns (optional)
 *     "INAM" the training file's input column names (optional)
 *     "OPTM" optimizer and its state (checkpoints)
 *     "TRST" training position      (checkpoints)
 *     "REG " the optimizer's L1 and L2 rates (checkpoints)
 *     "TREC" the rest of the recipe (checkpoints)
 *     "BEST" the best epoch's weights (checkpoints with patience)
 *   "CRC " u32 CRC-32 of every byte before this section
 * All integers and floats little-endian. Unknown sections are skipped, so
 * later versions can add some without breaking old readers; every length
 * and count is checked against what is left of the file before use.
 */
#include "io/model_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERSION 1
#define FLAG_STATE 1u

/* --------------------------------------------------------------- CRC-32 */

static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

/* ------------------------------------------------------------- writing */

static void put_u32(bp_buf *b, uint32_t v)
{
    unsigned char s[4];
    for (int i = 0; i < 4; i++)
        s[i] = (unsigned char)(v >> (8 * i));
    bp__buf_put(b, s, 4);
}

static void put_u64(bp_buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_f64(bp_buf *b, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    put_u64(b, v);
}

static void put_reals(bp_buf *b, const bp_real *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
#ifdef BP_DOUBLE
        put_f64(b, v[i]);
#else
        uint32_t u;
        memcpy(&u, &v[i], 4);
        put_u32(b, u);
#endif
    }
}

/* The optimizer state a[n_params], b[n_params]: zeros for a network that
 * has not trained (read from a model file, its arrays never allocated). */
static void put_state(bp_buf *b, const bp_net *net)
{
    if (net->opt_a) {
        put_reals(b, net->opt_a, net->n_params);
        put_reals(b, net->opt_b, net->n_params);
        return;
    }
    const bp_real zero = 0;
    for (size_t i = 0; i < 2 * net->n_params; i++)
        put_reals(b, &zero, 1);
}

/* Start a section; returns where its length goes, patched by end_section. */
static size_t begin_section(bp_buf *b, const char tag[4])
{
    bp__buf_put(b, tag, 4);
    size_t at = b->len;
    put_u64(b, 0);
    return at;
}

static void end_section(bp_buf *b, size_t at)
{
    if (b->oom)
        return;
    uint64_t n = b->len - at - 8;
    for (int i = 0; i < 8; i++)
        b->p[at + i] = (unsigned char)(n >> (8 * i));
}

static void put_name(bp_buf *b, const char *name)
{
    const size_t len = strlen(name);
    put_u32(b, (uint32_t)len);
    bp__buf_put(b, name, len);
}

/* A scaler's section: u32 kind, u32 columns, f64 offset[], f64 factor[];
 * none for no scaling. */
static void put_scaler(bp_buf *b, const char tag[4], const bp_scaler *sc)
{
    if (sc->kind == BP_SCALING_NONE)
        return;
    size_t s = begin_section(b, tag);
    put_u32(b, (uint32_t)sc->kind);
    put_u32(b, (uint32_t)sc->n);
    for (int i = 0; i < sc->n; i++)
        put_f64(b, sc->offset[i]);
    for (int i = 0; i < sc->n; i++)
        put_f64(b, sc->factor[i]);
    end_section(b, s);
}

/* NET: the architecture, freezing and loss; PARM: the parameters. */
static void put_network(bp_buf *b, const bp_net *net)
{
    size_t s = begin_section(b, "NET ");
    put_u32(b, (uint32_t)net->n_in);
    put_u32(b, (uint32_t)net->n_layers);
    for (int l = 0; l < net->n_layers; l++) {
        const bp_layer *ly = &net->layers[l];
        put_u32(b, (uint32_t)ly->n_out);
        put_u32(b, (uint32_t)ly->act);
        put_f64(b, ly->act_param);
        put_u32(b, (uint32_t)(ly->freeze_w | ly->freeze_b << 1));
    }
    put_u32(b, (uint32_t)net->loss);
    put_u32(b, (uint32_t)net->reduction);
    end_section(b, s);

    s = begin_section(b, "PARM");
    put_u32(b, (uint32_t)sizeof(bp_real));
    put_u64(b, net->n_params);
    put_reals(b, net->params, net->n_params);
    end_section(b, s);
}

/* What using the model on raw data needs: SCAL, TSCL, CLAS, COLS, INAM. */
static void put_data_sections(bp_buf *b, const bp_model *m)
{
    put_scaler(b, "SCAL", &m->scaler);
    put_scaler(b, "TSCL", &m->target_scaler);
    if (m->n_classes > 0) {
        size_t s = begin_section(b, "CLAS");
        put_u32(b, (uint32_t)m->n_classes);
        for (int i = 0; i < m->n_classes; i++)
            put_name(b, m->class_names[i]);
        end_section(b, s);
    }
    if (m->n_targets > 0) {
        size_t s = begin_section(b, "COLS");
        put_u32(b, (uint32_t)m->n_columns);
        put_u32(b, (uint32_t)m->n_targets);
        for (int i = 0; i < m->n_targets; i++) {
            put_u32(b, (uint32_t)m->target_cols[i]);
            put_name(b, m->target_names[i]);
        }
        end_section(b, s);
    }
    if (m->input_names) {
        size_t s = begin_section(b, "INAM");
        put_u32(b, (uint32_t)m->net->n_in);
        for (int i = 0; i < m->net->n_in; i++)
            put_name(b, m->input_names[i]);
        end_section(b, s);
    }
}

/* A checkpoint's training state: OPTM, REG, TRST, TREC and BEST. */
static void put_train_state(bp_buf *b, const bp_model *m)
{
    const bp_net *net = m->net;
    const bp_optim *o = &net->optim;
    size_t s = begin_section(b, "OPTM");
    put_u32(b, (uint32_t)o->kind);
    const double f[10] = {
        o->lr,  o->momentum, o->weight_decay, o->beta1,    o->beta2,
        o->eps, o->eta_plus, o->eta_minus,    o->step_min, o->step_max};
    for (int i = 0; i < 10; i++)
        put_f64(b, f[i]);
    put_u64(b, (uint64_t)net->step);
    put_u32(b, (uint32_t)sizeof(bp_real));
    put_u64(b, net->n_params);
    put_state(b, net);
    end_section(b, s);

    s = begin_section(b, "REG ");
    put_f64(b, o->l1);
    put_f64(b, o->l2);
    end_section(b, s);

    const bp_train_state *t = &m->train;
    s = begin_section(b, "TRST");
    put_u32(b, (uint32_t)t->epoch);
    put_u32(b, (uint32_t)t->epochs);
    put_u32(b, (uint32_t)t->best_epoch);
    put_f64(b, t->best_val_loss);
    put_u64(b, t->seed);
    put_u32(b, (uint32_t)t->batch);
    put_u32(b, (uint32_t)t->order);
    put_u32(b, (uint32_t)t->patience);
    put_f64(b, t->clip);
    put_f64(b, m->val_split);
    put_u32(b, (uint32_t)t->batch_done);
    put_f64(b, t->loss_sum);
    put_u64(b, (uint64_t)t->correct);
    end_section(b, s);

    s = begin_section(b, "TREC");
    put_u32(b, (uint32_t)t->shuffle);
    put_u32(b, (uint32_t)t->shuffle_window);
    put_f64(b, t->min_delta);
    end_section(b, s);

    if (m->best_params) {
        s = begin_section(b, "BEST");
        put_u32(b, (uint32_t)sizeof(bp_real));
        put_u64(b, net->n_params);
        put_reals(b, m->best_params, net->n_params);
        end_section(b, s);
    }
}

bp_status bp__model_encode_bin(const bp_model *m, int with_state, bp_buf *b,
                               bp_error *err)
{
    (void)err;
    bp__buf_put(b, BP_MODEL_MAGIC, sizeof BP_MODEL_MAGIC);
    put_u32(b, VERSION);
    put_u32(b, with_state ? FLAG_STATE : 0);
    put_network(b, m->net);
    put_data_sections(b, m);
    if (with_state)
        put_train_state(b, m);
    if (!b->oom) {
        uint32_t c = crc32(b->p, b->len);
        size_t s = begin_section(b, "CRC ");
        put_u32(b, c);
        end_section(b, s);
    }
    return BP_OK;
}

/* ------------------------------------------------------------- reading */

typedef struct {
    const unsigned char *p;
    size_t n, at;
    int bad; /* read past the end */
} cursor;

static uint32_t get_u32(cursor *c)
{
    if (c->bad || c->n - c->at < 4) {
        c->bad = 1;
        return 0;
    }
    const unsigned char *q = c->p + c->at;
    c->at += 4;
    return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
        (uint32_t)q[3] << 24;
}

static uint64_t get_u64(cursor *c)
{
    uint64_t lo = get_u32(c);
    return lo | (uint64_t)get_u32(c) << 32;
}

static double get_f64(cursor *c)
{
    uint64_t v = get_u64(c);
    double d;
    memcpy(&d, &v, 8);
    return d;
}

/* n reals stored with size rs (4 or 8) into v, converting if needed. */
static void get_reals(cursor *c, uint32_t rs, bp_real *v, size_t n)
{
    if (c->bad || (c->n - c->at) / rs < n) {
        c->bad = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (rs == 8) {
            v[i] = (bp_real)get_f64(c);
        } else {
            uint32_t u = get_u32(c);
            float f;
            memcpy(&f, &u, 4);
            v[i] = (bp_real)f;
        }
    }
}

typedef struct {
    const char *name;
    bp_error *err;
    size_t size;               /* of the whole file */
    const bp_allocator *alloc; /* the model's: every allocation */
} ctx;

static void *x_alloc(const ctx *x, size_t n) { return bp__alloc(x->alloc, n); }
static void x_free(const ctx *x, void *p) { bp__free(x->alloc, p); }

/* n zeroed pointers (or NULL). */
static char **x_names(const ctx *x, size_t n)
{
    char **v = x_alloc(x, n * sizeof *v);
    if (v)
        memset(v, 0, n * sizeof *v);
    return v;
}

static bp_status bad(ctx *x, const char *sect, const char *what)
{
    return bp__fail_err(x->err, BP_ERR_FORMAT, "%s: section %s: %s", x->name,
                        sect, what);
}

/* A failure of a call the reader made: out of memory as itself, anything
 * else as the section's fault. */
static bp_status bad_call(ctx *x, const char *sect, bp_status st,
                          const char *what)
{
    if (st == BP_ERR_NOMEM)
        return bp__fail_err(x->err, BP_ERR_NOMEM, "%s: section %s: %s", x->name,
                            sect, what);
    return bad(x, sect, what);
}

static bp_status read_net(ctx *x, cursor *c, bp_net **out)
{
    uint32_t n_in = get_u32(c), n_layers = get_u32(c);
    if (c->bad || n_layers == 0 || n_layers > 4096 ||
        (c->n - c->at) / 20 < n_layers)
        return bad(x, "NET", "layer count missing or impossible");
    bp_layer_desc *d = x_alloc(x, n_layers * sizeof *d);
    uint32_t *frozen = x_alloc(x, n_layers * sizeof *frozen);
    if (!d || !frozen) {
        x_free(x, d);
        x_free(x, frozen);
        return bp__fail_err(x->err, BP_ERR_NOMEM, "%s: out of memory", x->name);
    }
    for (uint32_t l = 0; l < n_layers; l++) {
        uint32_t w = get_u32(c), act = get_u32(c);
        d[l].n_out = w > (1u << 24) ? -1 : (int)w;
        d[l].act = act >= BP_ACT_COUNT_ ? BP_ACT_COUNT_ : (bp_act)act;
        d[l].act_param = get_f64(c);
        frozen[l] = get_u32(c);
    }
    uint32_t loss = get_u32(c), red = get_u32(c);
    bp_status st = BP_OK;
    char msg[300];
    if (c->bad)
        st = bad(x, "NET", "truncated");
    /* Refuse a network whose parameters the file cannot hold before
     * allocating them: a few corrupt bytes must not ask for gigabytes. */
    double n_params = 0, below = n_in;
    for (uint32_t l = 0; !st && l < n_layers; l++) {
        n_params += (below + 1) * (d[l].n_out > 0 ? d[l].n_out : 0);
        below = d[l].n_out;
    }
    if (!st && n_params * 4 > (double)x->size) {
        snprintf(msg, sizeof msg,
                 "declares %.0f parameters, more than the "
                 "file's %zu bytes can hold",
                 n_params, x->size);
        st = bad(x, "NET", msg);
    }
    if (!st) {
        bp_error e2;
        /* parameters alone: inference needs no gradient or optimizer
         * arrays (a checkpoint's come with its OPTM section) */
        st = bp__net_create(out, n_in > (1u << 24) ? -1 : (int)n_in,
                            (int)n_layers, d, x->alloc, 0, &e2);
        if (st) {
            snprintf(msg, sizeof msg, "%s", e2.msg);
            st = bad_call(x, "NET", st, msg);
        }
    }
    for (uint32_t l = 0; !st && l < n_layers; l++) {
        (*out)->layers[l].freeze_w = frozen[l] & 1;
        (*out)->layers[l].freeze_b = (frozen[l] >> 1) & 1;
    }
    if (!st &&
        bp_net_set_loss(*out,
                        loss >= BP_LOSS_COUNT_ ? BP_LOSS_COUNT_ : (bp_loss)loss,
                        (bp_reduction)red)) {
        snprintf(msg, sizeof msg, "%s", bp_net_errmsg(*out));
        st = bad(x, "NET", msg);
    }
    if (st) {
        bp_net_free(*out);
        *out = NULL;
    }
    x_free(x, d);
    x_free(x, frozen);
    return st;
}

static bp_status read_reals_block(ctx *x, cursor *c, const char *sect,
                                  size_t want, bp_real *dst, int count)
{
    uint32_t rs = get_u32(c);
    uint64_t n = get_u64(c);
    if (c->bad || (rs != 4 && rs != 8))
        return bad(x, sect, "bad number size");
    if (n != want)
        return bad(x, sect, "parameter count does not match the network");
    for (int k = 0; k < count; k++)
        get_reals(c, rs, dst + (size_t)k * want, want);
    if (c->bad)
        return bad(x, sect, "truncated");
    if (!bp__all_finite(dst, want * (size_t)count))
        return bp__fail_err(x->err, BP_ERR_NONFINITE,
                            "%s: section %s holds NaN or Inf", x->name, sect);
    return BP_OK;
}

/* SCAL (inputs) or TSCL (targets): a scaler of the network's width. */
static bp_status read_scal(ctx *x, cursor *c, bp_model *m, int targets)
{
    const char *sect = targets ? "TSCL" : "SCAL";
    const uint32_t width =
        targets ? (uint32_t)bp_net_n_out(m->net) : (uint32_t)m->net->n_in;
    uint32_t kind = get_u32(c), n = get_u32(c);
    if (c->bad || n != width || (c->n - c->at) / 16 < n)
        return bad(x, sect,
                   targets ? "size does not match the outputs"
                           : "size does not match the inputs");
    double *o = x_alloc(x, n * sizeof *o), *f = x_alloc(x, n * sizeof *f);
    bp_status st = BP_OK;
    if (!o || !f)
        st = bp__fail_err(x->err, BP_ERR_NOMEM, "%s: out of memory", x->name);
    for (uint32_t i = 0; !st && i < n; i++)
        o[i] = get_f64(c);
    for (uint32_t i = 0; !st && i < n; i++)
        f[i] = get_f64(c);
    bp_scaler sc;
    if (!st && (kind == 0 || kind > BP_SCALING_STANDARD))
        st = bad(x, sect, "unknown scaling");
    if (!st) {
        st =
            bp_scaler_set(&sc, (bp_scaling)kind, (int)n, o, f, &m->alloc, NULL);
        if (st)
            st = bad_call(x, sect, st,
                          st == BP_ERR_NOMEM
                              ? "out of memory"
                              : "values are not finite (or a factor is 0)");
    }
    if (!st) {
        bp_scaler_free(targets ? &m->target_scaler : &m->scaler);
        *(targets ? &m->target_scaler : &m->scaler) = sc;
    }
    x_free(x, o);
    x_free(x, f);
    return st;
}

/* A name: u32 length, then its bytes, into *out (the model's memory). */
static bp_status get_name(ctx *x, cursor *c, const char *sect, char **out)
{
    uint32_t len = get_u32(c);
    if (c->bad || len > BP_MAX_NAME || c->n - c->at < len)
        return bad(x, sect, "name truncated or too long");
    char *name = x_alloc(x, len + 1);
    if (!name)
        return bp__fail_err(x->err, BP_ERR_NOMEM, "%s: out of memory", x->name);
    memcpy(name, c->p + c->at, len);
    name[len] = '\0';
    c->at += len;
    if (strlen(name) != len) {
        x_free(x, name);
        return bad(x, sect, "a name holds a NUL byte");
    }
    *out = name;
    return BP_OK;
}

/* n names of section sect, one after another, into *out (n entries,
 * each freed with free_names, as is *out on failure). */
static bp_status get_names(ctx *x, cursor *c, const char *sect, uint32_t n,
                           char ***out)
{
    char **names = x_names(x, n);
    bp_status st = names
        ? BP_OK
        : bp__fail_err(x->err, BP_ERR_NOMEM, "%s: out of memory", x->name);
    for (uint32_t i = 0; !st && i < n; i++)
        st = get_name(x, c, sect, &names[i]);
    *out = names;
    return st;
}

static void free_names(const ctx *x, char **names, uint32_t n)
{
    for (uint32_t i = 0; names && i < n; i++)
        x_free(x, names[i]);
    x_free(x, names);
}

static bp_status read_cols(ctx *x, cursor *c, bp_model *m)
{
    uint32_t n_cols = get_u32(c), n = get_u32(c);
    if (c->bad || n == 0 || n >= n_cols || n_cols > (1u << 24) ||
        (c->n - c->at) / 8 < n)
        return bad(x, "COLS", "column counts impossible");
    int *cols = x_alloc(x, n * sizeof *cols);
    char **names = x_names(x, n);
    bp_status st = cols && names
        ? BP_OK
        : bp__fail_err(x->err, BP_ERR_NOMEM, "%s: out of memory", x->name);
    for (uint32_t i = 0; !st && i < n; i++) {
        uint32_t col = get_u32(c);
        cols[i] = col >= n_cols ? -1 : (int)col;
        st = get_name(x, c, "COLS", &names[i]);
    }
    if (!st) {
        bp_error e2;
        st = bp_model_set_columns(m, (int)n_cols, (int)n, cols,
                                  (const char *const *)names, &e2);
        if (st)
            st = bad_call(x, "COLS", st, e2.msg);
    }
    free_names(x, names, n);
    x_free(x, cols);
    return st;
}

static bp_status read_inam(ctx *x, cursor *c, bp_model *m)
{
    uint32_t n = get_u32(c);
    char **names;
    if (c->bad || n != (uint32_t)m->net->n_in || (c->n - c->at) / 4 < n)
        return bad(x, "INAM", "size does not match the inputs");
    bp_status st = get_names(x, c, "INAM", n, &names);
    if (!st) {
        bp_error e2;
        st = bp_model_set_input_names(m, (const char *const *)names, &e2);
        if (st)
            st = bad_call(x, "INAM", st, e2.msg);
    }
    free_names(x, names, n);
    return st;
}

static bp_status read_clas(ctx *x, cursor *c, bp_model *m)
{
    uint32_t n = get_u32(c);
    char **names;
    if (c->bad || n == 0 || (c->n - c->at) / 4 < n)
        return bad(x, "CLAS", "class count impossible");
    bp_status st = get_names(x, c, "CLAS", n, &names);
    if (!st) {
        bp_error e2;
        st = bp_model_set_classes(m, (int)n, (const char *const *)names, &e2);
        if (st)
            st = bad_call(x, "CLAS", st, e2.msg);
    }
    free_names(x, names, n);
    return st;
}

static bp_status read_optm(ctx *x, cursor *c, bp_model *m)
{
    bp_optim o = bp_net_optim(m->net); /* keeps what "REG " set */
    uint32_t kind = get_u32(c);
    o.kind = kind >= BP_OPT_COUNT_ ? BP_OPT_COUNT_ : (bp_optim_kind)kind;
    double *f[10] = {&o.lr,       &o.momentum, &o.weight_decay, &o.beta1,
                     &o.beta2,    &o.eps,      &o.eta_plus,     &o.eta_minus,
                     &o.step_min, &o.step_max};
    for (int i = 0; i < 10; i++)
        *f[i] = get_f64(c);
    uint64_t step = get_u64(c);
    if (c->bad)
        return bad(x, "OPTM", "truncated");
    if (bp_net_set_optim(m->net, &o)) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", bp_net_errmsg(m->net));
        return bad(x, "OPTM", msg);
    }
    if (step > (uint64_t)1 << 62)
        return bad(x, "OPTM", "step count impossible");
    m->net->step = (long)step;
    /* a checkpoint will train: its arrays now (a model alone has none) */
    if (bp__net_train_arrays(m->net))
        return bp__fail_err(x->err, BP_ERR_NOMEM, "%s: %s", x->name,
                            bp_net_errmsg(m->net));
    return read_reals_block(x, c, "OPTM", m->net->n_params, m->net->opt_a, 2);
}

/* The optimizer's L1 and L2 rates (checkpoints; before this section
 * existed there were none). */
static bp_status read_reg(ctx *x, cursor *c, bp_model *m)
{
    double l1 = get_f64(c), l2 = get_f64(c);
    if (c->bad)
        return bad(x, "REG", "truncated");
    if (bp_net_set_penalty(m->net, l1, l2))
        return bad(x, "REG", "l1 and l2 must be finite and >= 0");
    return BP_OK;
}

static bp_status read_trst(ctx *x, cursor *c, bp_model *m)
{
    bp_train_state *t = &m->train;
    uint32_t epoch = get_u32(c), epochs = get_u32(c), best = get_u32(c);
    double best_loss = get_f64(c);
    uint64_t seed = get_u64(c);
    uint32_t batch = get_u32(c), order = get_u32(c), patience = get_u32(c);
    double clip = get_f64(c), val_split = get_f64(c);
    uint32_t batch_done = get_u32(c);
    double batch_loss = get_f64(c);
    uint64_t batch_correct = get_u64(c);
    if (c->bad)
        return bad(x, "TRST", "truncated");
    if (batch_done > (1u << 30) || !(batch_loss >= 0 && batch_loss < 1e300) ||
        batch_correct > (1u << 30))
        return bad(x, "TRST", "batch position impossible");
    if (epoch > (1u << 30) || epochs > (1u << 30) || best > epoch ||
        isnan(best_loss) || batch < 1 || batch > (1u << 30) || order > 1 ||
        patience > (1u << 30) || !(clip >= 0 && clip <= 1e30) ||
        !(val_split >= 0 && val_split < 1))
        return bad(x, "TRST", "values impossible");
    t->batch_done = (int)batch_done;
    t->loss_sum = batch_loss;
    t->correct = (int64_t)batch_correct;
    t->batch = (int)batch;
    t->order = (bp_order)order;
    t->patience = (int)patience;
    t->clip = clip;
    t->epoch = (int)epoch;
    t->epochs = (int)epochs;
    t->best_epoch = (int)best;
    t->best_val_loss = best_loss;
    t->seed = seed;
    m->val_split = val_split;
    m->has_train_state = 1;
    return BP_OK;
}

/* The rest of the recipe (shuffling, min_delta); a checkpoint written
 * before this section existed lacks it and keeps the defaults. */
static bp_status read_trec(ctx *x, cursor *c, bp_model *m)
{
    bp_train_state *t = &m->train;
    uint32_t shuffle = get_u32(c), window = get_u32(c);
    double min_delta = get_f64(c);
    if (c->bad)
        return bad(x, "TREC", "truncated");
    if (shuffle > 1 || window > (1u << 30) ||
        !(min_delta >= 0 && min_delta <= 1e30))
        return bad(x, "TREC", "values impossible");
    t->shuffle = (int)shuffle;
    t->shuffle_window = (int)window;
    t->min_delta = min_delta;
    return BP_OK;
}

/* The best epoch's weights (checkpoints of a run with patience). */
static bp_status read_best(ctx *x, cursor *c, bp_model *m)
{
    const size_t np = m->net->n_params;
    if (m->best_params)
        return bad(x, "BEST", "appears twice");
    if (!(m->best_params = bp__alloc(&m->alloc, np * sizeof(bp_real))))
        return bp__fail_err(x->err, BP_ERR_NOMEM, "%s: out of memory", x->name);
    return read_reals_block(x, c, "BEST", np, m->best_params, 1);
}

/* The checksum (first: a damaged file is reported as damaged, not as
 * whatever its first broken field looks like), then the header. */
static bp_status check_head(const unsigned char *p, size_t n, const char *name,
                            uint32_t *flags, bp_error *err)
{
    static const unsigned char crc_head[12] = {'C', 'R', 'C', ' ', 4};
    if (n < sizeof BP_MODEL_MAGIC + 8 + 16 ||
        memcmp(p + n - 16, crc_head, 12) != 0)
        return bp__fail_err(err, BP_ERR_FORMAT,
                            "%s: no checksum at the end: "
                            "the file is truncated",
                            name);
    cursor tail = {p, n, n - 4, 0};
    if (crc32(p, n - 16) != get_u32(&tail))
        return bp__fail_err(err, BP_ERR_FORMAT,
                            "%s: checksum mismatch: the "
                            "file is damaged",
                            name);
    cursor c = {p, n, sizeof BP_MODEL_MAGIC, 0};
    uint32_t version = get_u32(&c);
    *flags = get_u32(&c);
    if (c.bad)
        return bp__fail_err(err, BP_ERR_FORMAT, "%s: truncated header", name);
    if (version != VERSION)
        return bp__fail_err(err, BP_ERR_FORMAT,
                            "%s: model version %u; this "
                            "build reads version %d",
                            name, version, VERSION);
    return BP_OK;
}

/* What the sections read so far have built and seen. */
typedef struct {
    ctx x;
    const unsigned char *p;
    size_t n;
    bp_net *net;
    bp_model *m;
    int have_params, have_crc, have_optm, have_trst;
} reading;

static const char *const known[] = {"NET ", "PARM", "SCAL", "TSCL",
                                    "CLAS", "COLS", "INAM", "OPTM",
                                    "REG ", "TRST", "TREC", "BEST"};

/* One section, tag, its payload in s (starting at byte start). */
static bp_status read_section(reading *r, const char *tag, cursor *s,
                              size_t start)
{
    ctx *x = &r->x;
    bp_status st = BP_OK;
    if (!r->net && strcmp(tag, "NET ") != 0 && strcmp(tag, "CRC ") != 0)
        return bp__fail_err(x->err, BP_ERR_FORMAT,
                            "%s: section '%s' before "
                            "the network",
                            x->name, tag);
    if (strcmp(tag, "NET ") == 0) {
        if (r->net)
            return bad(x, "NET", "appears twice");
        if (!(st = read_net(x, s, &r->net)) &&
            (st = bp_model_new(r->net, &r->m, x->err))) {
            bp_net_free(r->net);
            r->net = NULL;
        }
    } else if (strcmp(tag, "PARM") == 0) {
        st =
            read_reals_block(x, s, "PARM", r->net->n_params, r->net->params, 1);
        r->have_params = 1;
    } else if (strcmp(tag, "SCAL") == 0 || strcmp(tag, "TSCL") == 0) {
        st = read_scal(x, s, r->m, tag[0] == 'T');
    } else if (strcmp(tag, "COLS") == 0) {
        st = read_cols(x, s, r->m);
    } else if (strcmp(tag, "CLAS") == 0) {
        st = read_clas(x, s, r->m);
    } else if (strcmp(tag, "INAM") == 0) {
        st = read_inam(x, s, r->m);
    } else if (strcmp(tag, "OPTM") == 0) {
        st = read_optm(x, s, r->m);
        r->have_optm = 1;
    } else if (strcmp(tag, "TRST") == 0) {
        st = read_trst(x, s, r->m);
        r->have_trst = 1;
    } else if (strcmp(tag, "REG ") == 0) {
        st = read_reg(x, s, r->m);
    } else if (strcmp(tag, "TREC") == 0) {
        st = read_trec(x, s, r->m);
    } else if (strcmp(tag, "BEST") == 0) {
        st = read_best(x, s, r->m);
    } else if (strcmp(tag, "CRC ") == 0) {
        uint32_t want = get_u32(s);
        if (s->bad || s->n - start != 16)
            st = bad(x, "CRC", "malformed");
        else if (crc32(r->p, start) != want)
            st = bp__fail_err(x->err, BP_ERR_FORMAT,
                              "%s: checksum mismatch: "
                              "the file is damaged",
                              x->name);
        else if (start + 12 + 4 != r->n)
            st = bp__fail_err(x->err, BP_ERR_FORMAT,
                              "%s: data after the "
                              "checksum",
                              x->name);
        r->have_crc = 1;
        return st;
    } /* else: a section from a later version; skipped */
    for (size_t k = 0; !st && k < sizeof known / sizeof *known; k++)
        if (strcmp(tag, known[k]) == 0 && s->at != s->n)
            st = bp__fail_err(x->err, BP_ERR_FORMAT,
                              "%s: section '%s' has "
                              "%zu bytes more than it uses",
                              x->name, tag, s->n - s->at);
    return st;
}

bp_status bp__model_decode_bin(const unsigned char *p, size_t n,
                               const char *name, const bp_allocator *alloc,
                               bp_model **out, bp_error *err)
{
    static const bp_allocator plain = {NULL, NULL, NULL};
    uint32_t flags = 0;
    bp_status st = check_head(p, n, name, &flags, err);
    if (!alloc)
        alloc = &plain;
    if (st)
        return st;
    reading r = {{name, err, n, alloc}, p, n, NULL, NULL, 0, 0, 0, 0};
    cursor c = {p, n, sizeof BP_MODEL_MAGIC + 8, 0};
    while (!st && c.at < n) {
        const size_t start = c.at;
        if (n - c.at < 12) {
            st = bp__fail_err(err, BP_ERR_FORMAT, "%s: truncated at byte %zu",
                              name, c.at);
            break;
        }
        char tag[5] = {0};
        memcpy(tag, p + c.at, 4);
        c.at += 4;
        uint64_t len = get_u64(&c);
        if (len > n - c.at) {
            st = bp__fail_err(err, BP_ERR_FORMAT,
                              "%s: section '%s' at byte "
                              "%zu runs past the end of the file",
                              name, tag, start);
            break;
        }
        cursor s = {p, c.at + (size_t)len, c.at, 0};
        st = read_section(&r, tag, &s, start);
        c.at = start + 12 + (size_t)len;
    }
    if (!st && (!r.net || !r.have_params))
        st = bp__fail_err(err, BP_ERR_FORMAT, "%s: no %s", name,
                          r.net ? "parameters" : "network");
    if (!st && !r.have_crc)
        st = bp__fail_err(err, BP_ERR_FORMAT,
                          "%s: no checksum: the file is "
                          "truncated",
                          name);
    if (!st && (flags & FLAG_STATE) && !(r.have_optm && r.have_trst))
        st = bp__fail_err(err, BP_ERR_FORMAT,
                          "%s: checkpoint without its "
                          "training state",
                          name);
    if (st) {
        if (r.m)
            bp_model_free(r.m);
        else
            bp_net_free(r.net);
        return st;
    }
    *out = r.m;
    return BP_OK;
}
