/*
 * data_ops.c - what is done to a data set after reading it: scaled (a
 * mapped file copied, never written), matched to a training set's or a
 * model's classes, described in a model.
 */
#include "io/dataset.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------- scaling */

/* One value brought from scaling a to b (either may be none), with the
 * arithmetic and roundings of bp_scaler_invert then bp_scaler_apply. */
static bp_real rescaled(bp_real v, const bp_scaler *a, const bp_scaler *b,
                        size_t j)
{
    if (a->kind != BP_SCALING_NONE && a->offset)
        v = (bp_real)(v / a->factor[j] + a->offset[j]);
    if (b->kind != BP_SCALING_NONE && b->offset)
        v = (bp_real)((v - b->offset[j]) * b->factor[j]);
    return v;
}

/* Every value still finite once rescaled? A file may carry a scaling
 * whose inverse, or whose next scaling, is past bp_real's range; then
 * nothing is changed and the error names the first such value. */
static bp_status check_rescale(const bp_dataset *ds, const bp_real *arr,
                               const bp_scaler *from, const bp_scaler *to,
                               int width, const char *what, bp_error *err)
{
    for (int64_t i = 0; i < ds->n; i++)
        for (size_t j = 0; j < (size_t)width; j++) {
            const bp_real v =
                rescaled(arr[(size_t)i * (size_t)width + j], from, to, j);
            if (!(v - v == 0))
                return bp__fail_err(err, BP_ERR_NONFINITE,
                                    "%s: row %lld, "
                                    "%s column %d is not finite once "
                                    "rescaled",
                                    ds->name, (long long)i + 1, what,
                                    (int)j + 1);
        }
    return BP_OK;
}

/* Bring one array from the scaling it carries to want. */
static bp_status rescale(bp_dataset *ds, bp_real **arr, int *in_map,
                         bp_scaler *carried, const bp_scaler *want, int width,
                         const char *what, bp_error *err)
{
    if (!want || bp_scaler_equal(carried, want))
        return BP_OK;
    if (want->kind != BP_SCALING_NONE && want->n != width)
        return bp__fail_err(err, BP_ERR_SIZE,
                            "%s: a scaler of %d columns for "
                            "%d %s",
                            ds->name, want->n, width, what);
    if (!*arr)
        return bp__fail_err(err, BP_ERR_STATE, "%s: no %s to scale", ds->name,
                            what);
    bp_status st = check_rescale(ds, *arr, carried, want, width, what, err);
    if (st)
        return st;
    bp_scaler copy;
    st = bp_scaler_copy(&copy, want, &ds->alloc, err);
    if (st)
        return st;
    if (*in_map) { /* the file stays as it is: scale a copy */
        const size_t bytes =
            bp__bytes((uint64_t)ds->n * (uint64_t)width, sizeof(bp_real));
        bp_real *mem = bp__dalloc(ds, bytes);
        if (!mem) {
            bp_scaler_free(&copy);
            return bp__fail_err(err, BP_ERR_NOMEM,
                                "%s: out of memory for a "
                                "scaled copy of its %s",
                                ds->name, what);
        }
        memcpy(mem, *arr, bytes);
        *arr = mem;
        *in_map = 0;
    }
    bp_scaler_invert(carried, *arr, ds->n);
    bp_scaler_apply(&copy, *arr, ds->n);
    bp_scaler_free(carried);
    *carried = copy;
    return BP_OK;
}

bp_status bp_dataset_scale(bp_dataset *ds, const bp_scaler *inputs,
                           const bp_scaler *targets, bp_error *err)
{
    if (!ds)
        return bp__fail_err(err, BP_ERR_NULL, "data set is NULL");
    if (targets && targets->kind != BP_SCALING_NONE && !ds->t)
        return bp__fail_err(err, BP_ERR_STATE,
                            "%s: only numeric targets are "
                            "scaled",
                            ds->name);
    bp_status st = rescale(ds, &ds->x, &ds->x_in_map, &ds->x_scale, inputs,
                           ds->n_in, "inputs", err);
    if (!st && ds->t)
        st = rescale(ds, &ds->t, &ds->t_in_map, &ds->t_scale, targets,
                     ds->n_out, "targets", err);
    return st;
}

/* ------------------------------------------------------------- classes */

static bp_status copy_names(bp_dataset *ds, int k, const char *const *names,
                            bp_error *err)
{
    char **copy = bp__dalloc(ds, (size_t)k * sizeof *copy);
    if (!copy)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    for (int j = 0; j < k; j++)
        if (!(copy[j] = bp__strdup(&ds->alloc, names[j], strlen(names[j])))) {
            while (j--)
                bp__dfree(ds, copy[j]);
            bp__dfree(ds, copy);
            return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
        }
    for (int j = 0; j < ds->n_classes; j++)
        bp__dfree(ds, ds->class_names[j]);
    bp__dfree(ds, ds->class_names);
    ds->class_names = copy;
    ds->n_classes = ds->n_out = k;
    return BP_OK;
}

/* Number ds's classes as names[0..k) (what: whose they are). */
/* The one of names[k] that is the number name is, written otherwise
 * ("1.0" for "1", as a program writing floats puts it), or -1. */
static int32_t same_number(const char *name, int k, const char *const *names)
{
    double v, w;
    if (!bp__number(name, &v))
        return -1;
    int32_t found = -1;
    for (int j = 0; j < k; j++)
        if (bp__number(names[j], &w) && w == v) {
            if (found >= 0)
                return -1; /* "1" and "1.0" both: no guess */
            found = j;
        }
    return found;
}

static bp_status renumber(bp_dataset *ds, int k, const char *const *names,
                          int positional, const char *what, bp_error *err)
{
    char shown[BP_CLIP_CAP];
    if (!ds->n_classes || !k)
        return bp__fail_err(err, BP_ERR_FORMAT, "%s: %s classes, but %s %s",
                            ds->name, ds->n_classes ? "has" : "has no", what,
                            k ? "has" : "has none");
    if (ds->positional || positional) {
        /* classes without names of their own are positions: only the
         * count has to fit */
        if (ds->n_classes > k)
            return bp__fail_err(err, BP_ERR_FORMAT,
                                "%s: %d classes, but %s "
                                "has %d",
                                ds->name, ds->n_classes, what, k);
        bp_status st = copy_names(ds, k, names, err);
        ds->positional = 0;
        return st;
    }
    bp__labels L;
    bp__labels_init(&L, &ds->alloc, k);
    int32_t *map = bp__dalloc(ds, (size_t)ds->n_classes * sizeof *map);
    bp_status st =
        map ? BP_OK : bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    for (int j = 0; !st && j < k; j++)
        if (bp__labels_add(&L, names[j], strlen(names[j])) < 0)
            st = bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    int same = ds->n_classes == k;
    for (int j = 0; !st && j < ds->n_classes; j++) {
        map[j] = bp__labels_find(&L, ds->class_names[j]);
        if (map[j] < 0)
            map[j] = same_number(ds->class_names[j], k, names);
        same &= map[j] == j;
        if (map[j] < 0)
            st = bp__fail_err(
                err, BP_ERR_FORMAT,
                "%s: class '%s' is not one "
                "of %s's %d classes",
                ds->name,
                bp__clip(shown, ds->class_names[j], strlen(ds->class_names[j])),
                what, k);
    }
    if (!st && !same && ds->t_in_map) { /* the file stays as it is */
        int32_t *mem = bp__dalloc(ds, bp__bytes((uint64_t)ds->n, sizeof *mem));
        if (!mem)
            st = bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
        else {
            memcpy(mem, ds->label, (size_t)ds->n * sizeof *mem);
            ds->label = mem;
            ds->t_in_map = 0;
        }
    }
    for (int64_t i = 0; !st && !same && i < ds->n; i++)
        ds->label[i] = map[ds->label[i]];
    if (!st)
        st = copy_names(ds, k, names, err);
    bp__dfree(ds, map);
    bp__labels_free(&L);
    return st;
}

/* ds's inputs in ref's order, by their header names, when both files
 * have them, ref's are distinct and ds's header holds them all (a test
 * file with its columns in another order gave each input its
 * neighbour's values); a header holding some but not all is refused,
 * one holding none of them is taken in order. */
static bp_status match_inputs(bp_dataset *ds, const bp_dataset *ref,
                              bp_error *err)
{
    const int n = ds->n_in;
    if (!ds->input_names || !ref->input_names || ds->x_in_map)
        return BP_OK;
    for (int k = 0; k < n; k++)
        for (int j = 0; j <= k; j++)
            if (!ref->input_names[k][0] ||
                (j < k && !strcmp(ref->input_names[j], ref->input_names[k])))
                return BP_OK; /* unnamed or alike: by position */
    int *perm = bp__dalloc(ds, (size_t)n * sizeof *perm);
    bp_real *row = bp__dalloc(ds, (size_t)n * sizeof *row);
    char **names = bp__dalloc(ds, (size_t)n * sizeof *names);
    bp_status st = perm && row && names
        ? BP_OK
        : bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    int found = 0, missing = -1, moved = 0;
    for (int k = 0; !st && k < n; k++) {
        perm[k] = -1;
        for (int j = 0; j < n && perm[k] < 0; j++)
            if (!strcmp(ds->input_names[j], ref->input_names[k]))
                perm[k] = j;
        found += perm[k] >= 0;
        moved |= perm[k] != k;
        if (perm[k] < 0 && missing < 0)
            missing = k;
    }
    char shown[BP_CLIP_CAP];
    int as_target = 0; /* the missing input is this file's target */
    for (int k = 0;
         !st && missing >= 0 && ds->target_names && k < ds->n_targets; k++)
        as_target |= ds->target_names[k] &&
            !strcmp(ds->target_names[k], ref->input_names[missing]);
    if (!st && found && missing >= 0 && as_target) {
        const char *w = ref->input_names[missing];
        st = bp__fail_err(err, BP_ERR_FORMAT,
                          "%s: column '%s', an input of the training data, "
                          "was taken as this file's target (the last column "
                          "unless a label option names the target)",
                          ds->name, bp__clip(shown, w, strlen(w)));
    } else if (!st && found && missing >= 0) {
        const char *w = ref->input_names[missing];
        st = bp__fail_err(err, BP_ERR_FORMAT,
                          "%s: no column '%s' in the header, an input of "
                          "the training data (%d of its %d inputs are "
                          "there)",
                          ds->name, bp__clip(shown, w, strlen(w)), found, n);
    }
    if (!st && found && moved) {
        for (int64_t i = 0; i < ds->n; i++) {
            bp_real *x = ds->x + (size_t)i * (size_t)n;
            for (int k = 0; k < n; k++)
                row[k] = x[perm[k]];
            memcpy(x, row, (size_t)n * sizeof *row);
        }
        for (int k = 0; k < n; k++)
            names[k] = ds->input_names[perm[k]];
        memcpy(ds->input_names, names, (size_t)n * sizeof *names);
    }
    bp__dfree(ds, perm);
    bp__dfree(ds, row);
    bp__dfree(ds, names);
    return st;
}

bp_status bp_dataset_match(bp_dataset *ds, const bp_dataset *ref, bp_error *err)
{
    if (!ds || !ref)
        return bp__fail_err(err, BP_ERR_NULL, "data set is NULL");
    if (ds->n_in != ref->n_in)
        return bp__fail_err(err, BP_ERR_FORMAT,
                            "%s: %d inputs, but the "
                            "training data has %d",
                            ds->name, ds->n_in, ref->n_in);
    bp_status mst = match_inputs(ds, ref, err);
    if (mst)
        return mst;
    if (ds->n_classes || ref->n_classes) {
        bp_status st =
            renumber(ds, ref->n_classes, (const char *const *)ref->class_names,
                     ref->positional, "the training data", err);
        if (st)
            return st;
    }
    if (ds->n_out != ref->n_out)
        return bp__fail_err(err, BP_ERR_FORMAT,
                            "%s: %d outputs, but the "
                            "training data has %d",
                            ds->name, ds->n_out, ref->n_out);
    return BP_OK;
}

bp_status bp_dataset_match_model(bp_dataset *ds, const bp_model *m,
                                 bp_error *err)
{
    if (!ds || !m || !m->net)
        return bp__fail_err(err, BP_ERR_NULL, "data set or model is NULL");
    const int n_in = bp_net_n_in(m->net), n_out = bp_net_n_out(m->net);
    if (ds->n_in != n_in)
        return bp__fail_err(err, BP_ERR_FORMAT,
                            "%s: %d inputs, but the model "
                            "takes %d",
                            ds->name, ds->n_in, n_in);
    if ((ds->n_classes || m->n_classes)) {
        bp_status st =
            renumber(ds, m->n_classes, (const char *const *)m->class_names, 0,
                     "the model", err);
        if (st)
            return st;
    }
    if (ds->n_out != n_out)
        return bp__fail_err(err, BP_ERR_FORMAT,
                            "%s: %d outputs, but the model "
                            "gives %d",
                            ds->name, ds->n_out, n_out);
    return BP_OK;
}

bp_status bp_dataset_describe(const bp_dataset *ds, bp_model *m, bp_error *err)
{
    if (!ds || !m)
        return bp__fail_err(err, BP_ERR_NULL, "data set or model is NULL");
    bp_status st = bp_model_set_classes(
        m, ds->n_classes, (const char *const *)ds->class_names, err);
    if (!st)
        st = bp_model_set_columns(m, ds->n_targets ? ds->n_columns : 0,
                                  ds->n_targets, ds->target_cols,
                                  (const char *const *)ds->target_names, err);
    if (!st)
        st = bp_model_set_input_names(m,
                                      ds->n_in == bp_net_n_in(m->net)
                                          ? (const char *const *)ds->input_names
                                          : NULL,
                                      err);
    return st;
}
