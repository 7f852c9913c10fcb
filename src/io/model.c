/*
 * model.c - a model's life: a network plus what using it on raw data
 * needs (scalers, class names, the training file's target columns), and
 * the model run on raw inputs. Files are model_file.c's job; this file
 * calls neither form.
 */
#include "io/model_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bp_status bp_model_new(bp_net *net, bp_model **out, bp_error *err)
{
    if (!out || !net)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL",
                            out ? "net" : "out");
    bp_model *m = bp__alloc(&net->alloc, sizeof *m);
    if (!m)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    memset(m, 0, sizeof *m);
    m->alloc = net->alloc; /* everything the model owns: its network's */
    m->scaler.alloc = m->target_scaler.alloc = net->alloc;
    m->net = net;
    m->train.best_val_loss = INFINITY;
    m->train.batch = 1;
    m->train.shuffle = 1;
    *out = m;
    return BP_OK;
}

static void free_names(const bp_allocator *a, char **names, int n)
{
    for (int i = 0; names && i < n; i++)
        bp__free(a, names[i]);
    bp__free(a, names);
}

/* Copies of n names (NULL entries become ""), or NULL for lack of
 * memory. A name over max bytes is refused (*too_long = its index) or,
 * with max < 0, kept as "". */
static char **copy_names(const bp_allocator *a, int n, const char *const *names,
                         long max, int *too_long)
{
    char **copy = bp__alloc(a, (size_t)n * sizeof *copy);
    *too_long = -1;
    if (copy)
        memset(copy, 0, (size_t)n * sizeof *copy);
    for (int i = 0; copy && i < n; i++) {
        const char *s = names && names[i] ? names[i] : "";
        size_t len = strlen(s);
        if (len > BP_MAX_NAME) {
            if (max >= 0) {
                *too_long = i;
                free_names(a, copy, i);
                return NULL;
            }
            s = "";
            len = 0;
        }
        if (!(copy[i] = bp__alloc(a, len + 1))) {
            free_names(a, copy, i);
            return NULL;
        }
        memcpy(copy[i], s, len + 1);
    }
    return copy;
}

/* The input names end with a NULL entry, so that they are freed whole
 * even when a caller has taken the network back (m->net = NULL). */
static void free_input_names(const bp_allocator *a, char **names)
{
    for (size_t i = 0; names && names[i]; i++)
        bp__free(a, names[i]);
    bp__free(a, names);
}

static void free_columns(bp_model *m)
{
    free_names(&m->alloc, m->target_names, m->n_targets);
    bp__free(&m->alloc, m->target_cols);
    m->target_names = NULL;
    m->target_cols = NULL;
    m->n_targets = m->n_columns = 0;
}

void bp_model_free(bp_model *m)
{
    if (!m)
        return;
    const bp_allocator a = m->alloc;
    free_input_names(&a, m->input_names);
    bp_net_free(m->net);
    bp__free(&a, m->best_params);
    bp_scaler_free(&m->scaler);
    bp_scaler_free(&m->target_scaler);
    free_names(&a, m->class_names, m->n_classes);
    free_columns(m);
    bp__free(&a, m);
}

bp_status bp_model_checkpoint(bp_model *m, const bp_trainer *tr, bp_error *err)
{
    if (!m || !m->net || !tr)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL",
                            tr ? "model" : "trainer");
    const size_t np = bp_net_n_params(m->net);
    const bp_real *best = bp_trainer_best_params(tr);
    if (best && !m->best_params &&
        !(m->best_params = bp__alloc(&m->alloc, np * sizeof(bp_real))))
        return bp__fail_err(err, BP_ERR_NOMEM,
                            "out of memory for the best "
                            "weights");
    if (best) {
        memcpy(m->best_params, best, np * sizeof(bp_real));
    } else {
        bp__free(&m->alloc, m->best_params);
        m->best_params = NULL;
    }
    m->train = bp_trainer_state(tr);
    m->has_train_state = 1;
    return BP_OK;
}

bp_status bp_model_set_scalers(bp_model *m, const bp_scaler *inputs,
                               const bp_scaler *targets, bp_error *err)
{
    if (!m || !m->net)
        return bp__fail_err(err, BP_ERR_NULL, "model is NULL");
    const bp_scaler *want[2] = {inputs, targets};
    const int width[2] = {m->net->n_in, bp_net_n_out(m->net)};
    bp_scaler copy[2] = {{BP_SCALING_NONE, 0, NULL, NULL, {NULL, NULL, NULL}},
                         {BP_SCALING_NONE, 0, NULL, NULL, {NULL, NULL, NULL}}};
    for (int k = 0; k < 2; k++) {
        if (!want[k] || want[k]->kind == BP_SCALING_NONE)
            continue;
        if (want[k]->n != width[k]) {
            bp_scaler_free(&copy[0]);
            return bp__fail_err(err, BP_ERR_SIZE,
                                "a scaler of %d columns for "
                                "the network's %d %s",
                                want[k]->n, width[k], k ? "outputs" : "inputs");
        }
        bp_status st = bp_scaler_copy(&copy[k], want[k], &m->alloc, err);
        if (st) {
            bp_scaler_free(&copy[0]);
            return st;
        }
    }
    if (inputs) {
        bp_scaler_free(&m->scaler);
        m->scaler = copy[0];
    }
    if (targets) {
        bp_scaler_free(&m->target_scaler);
        m->target_scaler = copy[1];
    }
    return BP_OK;
}

bp_status bp_model_set_scaling(bp_model *m, bp_scaling kind,
                               const double *offset, const double *factor,
                               bp_error *err)
{
    if (!m || !m->net)
        return bp__fail_err(err, BP_ERR_NULL, "model is NULL");
    bp_scaler s;
    bp_status st =
        bp_scaler_set(&s, kind, m->net->n_in, offset, factor, &m->alloc, err);
    if (st)
        return st;
    bp_scaler_free(&m->scaler);
    m->scaler = s;
    return BP_OK;
}

bp_status bp_model_set_classes(bp_model *m, int n, const char *const *names,
                               bp_error *err)
{
    if (!m || !m->net)
        return bp__fail_err(err, BP_ERR_NULL, "model is NULL");
    const int n_out = bp_net_n_out(m->net);
    if (n < 0 || (n > 0 && n != n_out && !(n == 2 && n_out == 1)))
        return bp__fail_err(err, BP_ERR_SIZE, "%d class names for %d outputs",
                            n, n_out);
    if (n > 0 && !names)
        return bp__fail_err(err, BP_ERR_NULL, "names is NULL");
    for (int i = 0; i < n; i++)
        if (!names[i])
            return bp__fail_err(err, BP_ERR_NULL, "class name %d is NULL", i);
    int too_long;
    char **copy =
        n ? copy_names(&m->alloc, n, names, BP_MAX_NAME, &too_long) : NULL;
    if (n && !copy)
        return too_long >= 0
            ? bp__fail_err(err, BP_ERR_SIZE,
                           "class name %d is %zu "
                           "bytes long (at most %d)",
                           too_long + 1, strlen(names[too_long]), BP_MAX_NAME)
            : bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    free_names(&m->alloc, m->class_names, m->n_classes);
    m->n_classes = n;
    m->class_names = copy;
    return BP_OK;
}

bp_status bp_model_set_columns(bp_model *m, int n_columns, int n_targets,
                               const int *cols, const char *const *names,
                               bp_error *err)
{
    if (!m || !m->net)
        return bp__fail_err(err, BP_ERR_NULL, "model is NULL");
    if (n_columns == 0 && n_targets == 0) {
        free_columns(m);
        return BP_OK;
    }
    if (n_targets < 1 || n_columns <= n_targets || n_columns > (1 << 24))
        return bp__fail_err(err, BP_ERR_SIZE, "%d target columns of %d",
                            n_targets, n_columns);
    if (!cols)
        return bp__fail_err(err, BP_ERR_NULL, "cols is NULL");
    for (int i = 0; i < n_targets; i++)
        if (cols[i] < 0 || cols[i] >= n_columns ||
            (i > 0 && cols[i] <= cols[i - 1]))
            return bp__fail_err(err, BP_ERR_ARG,
                                "target column %d: %d is not "
                                "in 0..%d, after the one before",
                                i + 1, cols[i], n_columns - 1);
    int *c = bp__alloc(&m->alloc, (size_t)n_targets * sizeof *c), too_long;
    char **nm = copy_names(&m->alloc, n_targets, names, -1, &too_long);
    if (!c || !nm) {
        bp__free(&m->alloc, c);
        free_names(&m->alloc, nm, n_targets);
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    }
    memcpy(c, cols, (size_t)n_targets * sizeof *c);
    free_columns(m);
    m->n_columns = n_columns;
    m->n_targets = n_targets;
    m->target_cols = c;
    m->target_names = nm;
    return BP_OK;
}

bp_status bp_model_set_input_names(bp_model *m, const char *const *names,
                                   bp_error *err)
{
    if (!m || !m->net)
        return bp__fail_err(err, BP_ERR_NULL, "model is NULL");
    const int n = bp_net_n_in(m->net);
    char **nm = NULL;
    if (names) {
        nm = bp__alloc(&m->alloc, ((size_t)n + 1) * sizeof *nm);
        if (nm)
            memset(nm, 0, ((size_t)n + 1) * sizeof *nm);
        for (int i = 0; nm && i < n; i++) {
            const char *s = names[i] ? names[i] : "";
            const size_t len = strlen(s) > BP_MAX_NAME ? 0 : strlen(s);
            if (!(nm[i] = bp__alloc(&m->alloc, len + 1))) {
                free_input_names(&m->alloc, nm);
                nm = NULL;
                break;
            }
            memcpy(nm[i], s, len);
            nm[i][len] = '\0';
        }
        if (!nm)
            return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    }
    free_input_names(&m->alloc, m->input_names);
    m->input_names = nm;
    return BP_OK;
}

void bp_model_scale(const bp_model *m, bp_real *x, int64_t n)
{
    if (m)
        bp_scaler_apply(&m->scaler, x, n);
}

bp_status bp_model_predict(bp_model *m, const bp_real *x, int64_t n,
                           bp_real *out)
{
    if (!m || !m->net || !x || !out)
        return m && m->net
            ? bp__fail(m->net, BP_ERR_NULL, "%s is NULL", x ? "out" : "x")
            : BP_ERR_NULL;
    bp_net *net = m->net;
    if (n < 0)
        return bp__fail(net, BP_ERR_SIZE, "n: %lld is negative", (long long)n);
    const size_t n_in = (size_t)net->n_in, n_out = (size_t)bp_net_n_out(net);
    const int chunk = net->max_batch;
    bp_real *buf = bp__alloc(&net->alloc, (size_t)chunk * n_in * sizeof *buf);
    if (!buf)
        return bp__fail(net, BP_ERR_NOMEM,
                        "out of memory for %d scaled "
                        "inputs",
                        chunk);
    bp_status st = BP_OK;
    for (int64_t i = 0; !st && i < n; i += chunk) {
        const int k = n - i < chunk ? (int)(n - i) : chunk;
        memcpy(buf, x + (size_t)i * n_in, (size_t)k * n_in * sizeof *buf);
        bp_scaler_apply(&m->scaler, buf, k);
        st = bp_net_forward(net, buf, k);
        if (!st) {
            bp_real *o = out + (size_t)i * n_out;
            memcpy(o, bp_net_output(net), (size_t)k * n_out * sizeof *o);
            bp_scaler_invert(&m->target_scaler, o, k);
        }
    }
    bp__free(&net->alloc, buf);
    return st;
}

/* ----------------------------------------------- what a file can hold */

static bp_status check_scaler(const bp_scaler *s, int width, const char *what,
                              bp_error *err)
{
    if (s->kind == BP_SCALING_NONE)
        return BP_OK;
    if ((s->kind != BP_SCALING_MINMAX && s->kind != BP_SCALING_STANDARD) ||
        s->n != width || !s->offset || !s->factor)
        return bp__fail_err(err, BP_ERR_ARG,
                            "the %s scaler does not fit the "
                            "network's %d columns",
                            what, width);
    for (int j = 0; j < width; j++)
        if (!isfinite(s->offset[j]) || !isfinite(s->factor[j]) ||
            s->factor[j] == 0)
            return bp__fail_err(err, BP_ERR_NONFINITE,
                                "the %s scaling of "
                                "column %d is not finite (or its factor is 0)",
                                what, j + 1);
    return BP_OK;
}

bp_status bp__model_check(const bp_model *m, bp_error *err)
{
    const bp_net *net = m->net;
    for (int l = 0; l < net->n_layers; l++) {
        const bp_layer *ly = &net->layers[l];
        const size_t n = (size_t)ly->n_out * (size_t)(ly->n_in + 1);
        if (!bp__all_finite(net->params + ly->w_off, n))
            return bp__fail_err(err, BP_ERR_NONFINITE,
                                "layer %d holds NaN or "
                                "Inf weights or biases: not saved",
                                l);
        if (!(ly->act_param >= -1e30 && ly->act_param <= 1e30))
            return bp__fail_err(err, BP_ERR_NONFINITE,
                                "layer %d: activation "
                                "parameter is not finite: not saved",
                                l);
    }
    bp_status st = check_scaler(&m->scaler, net->n_in, "input", err);
    if (!st)
        st = check_scaler(&m->target_scaler, bp_net_n_out(net), "target", err);
    if (st)
        return st;
    const int n_out = bp_net_n_out(net);
    if (m->n_classes < 0 ||
        (m->n_classes > 0 && m->n_classes != n_out &&
         !(m->n_classes == 2 && n_out == 1)) ||
        (m->n_classes > 0 && !m->class_names))
        return bp__fail_err(err, BP_ERR_SIZE, "%d class names for %d outputs",
                            m->n_classes, n_out);
    for (int i = 0; i < m->n_classes; i++) {
        if (!m->class_names[i])
            return bp__fail_err(err, BP_ERR_NULL, "class name %d is NULL",
                                i + 1);
        const size_t len = strlen(m->class_names[i]);
        if (len > BP_MAX_NAME)
            return bp__fail_err(err, BP_ERR_SIZE,
                                "class name %d is %zu bytes "
                                "long (at most %d): not saved",
                                i + 1, len, BP_MAX_NAME);
    }
    if (m->n_targets < 0 || m->n_columns < 0 ||
        (m->n_targets > 0 &&
         (m->n_columns <= m->n_targets || !m->target_cols || !m->target_names)))
        return bp__fail_err(err, BP_ERR_SIZE, "%d target columns of %d",
                            m->n_targets, m->n_columns);
    for (int i = 0; i < m->n_targets; i++)
        if (m->target_cols[i] < 0 || m->target_cols[i] >= m->n_columns ||
            (i && m->target_cols[i] <= m->target_cols[i - 1]) ||
            !m->target_names[i] || strlen(m->target_names[i]) > BP_MAX_NAME)
            return bp__fail_err(err, BP_ERR_ARG,
                                "target column %d cannot be "
                                "saved",
                                i + 1);
    return BP_OK;
}
