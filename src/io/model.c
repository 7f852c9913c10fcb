/*
 * model.c - a model's life: a network plus what using it on raw data
 * needs (input scaling, class names). Files are model_file.c's job; this
 * file calls neither form.
 */
#include "core/internal.h"

#include <stdlib.h>
#include <string.h>

bp_status bp_model_new(bp_model **out, bp_net *net, bp_error *err)
{
    if (!out || !net)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL", out ? "net" : "out");
    bp_model *m = calloc(1, sizeof *m);
    if (!m)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    m->net = net;
    m->best_val_loss = INFINITY;
    m->batch = 1;
    *out = m;
    return BP_OK;
}

static void free_classes(bp_model *m)
{
    for (int i = 0; m->class_names && i < m->n_classes; i++)
        free(m->class_names[i]);
    free(m->class_names);
    m->class_names = NULL;
    m->n_classes = 0;
}

void bp_model_free(bp_model *m)
{
    if (!m)
        return;
    bp_net_free(m->net);
    free(m->scale_offset);
    free(m->scale_factor);
    free_classes(m);
    free(m);
}

bp_status bp_model_set_scaling(bp_model *m, bp_scaling kind,
                               const double *offset, const double *factor,
                               bp_error *err)
{
    if (!m || !m->net)
        return bp__fail_err(err, BP_ERR_NULL, "model is NULL");
    if (kind != BP_SCALING_NONE && kind != BP_SCALING_MINMAX &&
        kind != BP_SCALING_STANDARD)
        return bp__fail_err(err, BP_ERR_ARG, "unknown scaling %d", (int)kind);
    const int n = bp_net_n_in(m->net);
    double *o = NULL, *f = NULL;
    if (kind != BP_SCALING_NONE) {
        if (!offset || !factor)
            return bp__fail_err(err, BP_ERR_NULL, "scaling arrays are NULL");
        for (int i = 0; i < n; i++)
            if (!isfinite(offset[i]) || !isfinite(factor[i]))
                return bp__fail_err(err, BP_ERR_NONFINITE,
                                    "scaling of input %d is not finite", i);
        o = malloc((size_t)n * sizeof *o);
        f = malloc((size_t)n * sizeof *f);
        if (!o || !f) {
            free(o);
            free(f);
            return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
        }
        memcpy(o, offset, (size_t)n * sizeof *o);
        memcpy(f, factor, (size_t)n * sizeof *f);
    }
    free(m->scale_offset);
    free(m->scale_factor);
    m->scaling = kind;
    m->scale_offset = o;
    m->scale_factor = f;
    return BP_OK;
}

bp_status bp_model_set_classes(bp_model *m, int n, const char *const *names,
                               bp_error *err)
{
    if (!m || !m->net)
        return bp__fail_err(err, BP_ERR_NULL, "model is NULL");
    const int n_out = bp_net_n_out(m->net);
    if (n < 0 || (n > 0 && n != n_out && !(n == 2 && n_out == 1)))
        return bp__fail_err(err, BP_ERR_SIZE,
                            "%d class names for %d outputs", n, n_out);
    if (n > 0 && !names)
        return bp__fail_err(err, BP_ERR_NULL, "names is NULL");
    char **copy = n ? calloc((size_t)n, sizeof *copy) : NULL;
    if (n && !copy)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        if (!names[i] || !(copy[i] = malloc(strlen(names[i]) + 1))) {
            for (int k = 0; k < i; k++)
                free(copy[k]);
            free(copy);
            return bp__fail_err(err, names[i] ? BP_ERR_NOMEM : BP_ERR_NULL,
                                "class name %d", i);
        }
        strcpy(copy[i], names[i]);
    }
    free_classes(m);
    m->n_classes = n;
    m->class_names = copy;
    return BP_OK;
}

void bp_model_scale(const bp_model *m, bp_real *x, int n)
{
    if (!m || !x || m->scaling == BP_SCALING_NONE || !m->scale_offset)
        return;
    const int d = bp_net_n_in(m->net);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) {
            bp_real *v = &x[(size_t)i * d + j];
            *v = (bp_real)((*v - m->scale_offset[j]) * m->scale_factor[j]);
        }
}
