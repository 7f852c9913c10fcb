/*
 * data_split.c - a data set split for validation, and written out. The
 * split draws its rows with the library's generator from a seed alone;
 * for classes it is stratified: each class gives its share of the
 * validation rows (largest remainders), so a rare class is neither left
 * out of validation nor taken out of training.
 */
#include "io/dataset.h"

#include <math.h>
#include <string.h>

/* How many validation rows each class gives: its share of n_val, the
 * rounding settled by the largest remainders (ties: the lower class). */
static int64_t *class_quotas(const bp_dataset *ds, int64_t n_val)
{
    const int k = ds->n_classes;
    int64_t *count = bp__dalloc(ds, 2 * (size_t)k * sizeof *count);
    if (!count)
        return NULL;
    int64_t *quota = count + k;
    memset(count, 0, (size_t)k * sizeof *count);
    for (int64_t i = 0; i < ds->n; i++)
        count[ds->label[i]]++;
    int64_t given = 0;
    for (int c = 0; c < k; c++) {
        quota[c] = count[c] * n_val / ds->n;
        given += quota[c];
    }
    while (given < n_val) {
        int best = -1;
        int64_t best_rem = -1;
        for (int c = 0; c < k; c++) {
            /* remainder of count * n_val / n, compared exactly */
            const int64_t rem = count[c] * n_val - quota[c] * ds->n;
            if (quota[c] < count[c] && rem > best_rem) {
                best = c;
                best_rem = rem;
            }
        }
        if (best < 0)
            break;
        quota[best]++;
        given++;
    }
    memmove(count, quota, (size_t)k * sizeof *count);
    return count;
}

/* is_val[i] = 1 for the validation rows: drawn from a shuffle of all rows
 * (the first n_val; or, for classes, the first of each class up to its
 * quota). */
static bp_status draw(const bp_dataset *ds, int64_t n_val, uint64_t seed,
                      unsigned char *is_val, bp_error *err)
{
    int *idx = bp__dalloc(ds, bp__bytes((uint64_t)ds->n, sizeof *idx));
    int64_t *quota = ds->label ? class_quotas(ds, n_val) : NULL;
    if (!idx || (ds->label && !quota)) {
        bp__dfree(ds, idx);
        bp__dfree(ds, quota);
        return bp__fail_err(err, BP_ERR_NOMEM, "%s: out of memory", ds->name);
    }
    bp_rng rng;
    bp_rng_seed(&rng, seed ^ 0x5eedf00dULL);
    for (int64_t i = 0; i < ds->n; i++)
        idx[i] = (int)i;
    bp_rng_shuffle(&rng, idx, (int)ds->n);
    memset(is_val, 0, (size_t)ds->n);
    for (int64_t i = 0, taken = 0; i < ds->n && taken < n_val; i++) {
        const int row = idx[i];
        if (quota) {
            if (quota[ds->label[row]] == 0)
                continue;
            quota[ds->label[row]]--;
        }
        is_val[row] = 1;
        taken++;
    }
    bp__dfree(ds, idx);
    bp__dfree(ds, quota);
    return BP_OK;
}

/* A data set of n rows shaped like ds: its classes, columns, scalers. */
static bp_status make_like(const bp_dataset *ds, int64_t n, bp_dataset **out,
                           bp_error *err)
{
    bp_dataset *v = bp__dalloc(ds, sizeof *v);
    if (!v)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    memset(v, 0, sizeof *v);
    v->alloc = ds->alloc;
    v->format = ds->format;
    v->n = n;
    v->n_in = ds->n_in;
    v->n_out = ds->n_out;
    v->positional = ds->positional;
    v->name = bp__strdup(&ds->alloc, ds->name, strlen(ds->name));
    v->x = bp__dalloc(
        ds, bp__bytes((uint64_t)n * (uint64_t)ds->n_in, sizeof(bp_real)));
    if (ds->t)
        v->t = bp__dalloc(
            ds, bp__bytes((uint64_t)n * (uint64_t)ds->n_out, sizeof(bp_real)));
    if (ds->label)
        v->label = bp__dalloc(ds, bp__bytes((uint64_t)n, sizeof(int32_t)));
    int ok = v->name && v->x && (!ds->t || v->t) && (!ds->label || v->label);
    if (ok && ds->n_classes) {
        v->class_names = bp__dalloc(ds, (size_t)ds->n_classes * sizeof(char *));
        ok = v->class_names != NULL;
        for (int j = 0; ok && j < ds->n_classes; j++) {
            v->class_names[j] = bp__strdup(&ds->alloc, ds->class_names[j],
                                           strlen(ds->class_names[j]));
            ok = v->class_names[j] != NULL;
            v->n_classes = j + 1;
        }
    }
    if (ok && ds->n_targets) {
        v->target_cols = bp__dalloc(ds, (size_t)ds->n_targets * sizeof(int));
        v->target_names =
            bp__dalloc(ds, (size_t)ds->n_targets * sizeof(char *));
        ok = v->target_cols && v->target_names;
        for (int j = 0; ok && j < ds->n_targets; j++) {
            v->target_cols[j] = ds->target_cols[j];
            v->target_names[j] = bp__strdup(&ds->alloc, ds->target_names[j],
                                            strlen(ds->target_names[j]));
            ok = v->target_names[j] != NULL;
            v->n_targets = j + 1;
        }
        v->n_columns = ds->n_columns;
    }
    if (ok && ds->input_names) {
        v->input_names = bp__dalloc(ds, (size_t)ds->n_in * sizeof(char *));
        ok = v->input_names != NULL;
        if (ok)
            memset(v->input_names, 0, (size_t)ds->n_in * sizeof(char *));
        for (int j = 0; ok && j < ds->n_in; j++) {
            v->input_names[j] = bp__strdup(&ds->alloc, ds->input_names[j],
                                           strlen(ds->input_names[j]));
            ok = v->input_names[j] != NULL;
        }
    }
    if (ok &&
        (bp_scaler_copy(&v->x_scale, &ds->x_scale, &ds->alloc, NULL) ||
         bp_scaler_copy(&v->t_scale, &ds->t_scale, &ds->alloc, NULL)))
        ok = 0;
    if (!ok) {
        bp_dataset_free(v);
        return bp__fail_err(err, BP_ERR_NOMEM, "%s: out of memory", ds->name);
    }
    *out = v;
    return BP_OK;
}

/* Row i of ds into row j of v. */
static void copy_row(const bp_dataset *ds, int64_t i, bp_dataset *v, int64_t j)
{
    const size_t ni = (size_t)ds->n_in, no = (size_t)ds->n_out;
    memmove(v->x + (size_t)j * ni, ds->x + (size_t)i * ni,
            ni * sizeof(bp_real));
    if (ds->t)
        memmove(v->t + (size_t)j * no, ds->t + (size_t)i * no,
                no * sizeof(bp_real));
    if (ds->label)
        v->label[j] = ds->label[i];
}

bp_status bp_dataset_split(bp_dataset *ds, double fraction, uint64_t seed,
                           bp_dataset **val, bp_error *err)
{
    if (!val || !ds)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL", ds ? "val" : "ds");
    *val = NULL;
    if (!(fraction > 0 && fraction < 1))
        return bp__fail_err(err, BP_ERR_ARG, "split fraction %g: not in (0, 1)",
                            fraction);
    if (ds->map)
        return bp__fail_err(err, BP_ERR_STATE,
                            "%s: a memory-mapped data set "
                            "is not split (that would copy it into memory): "
                            "validate on another file",
                            ds->name);
    const int64_t n_val = (int64_t)((double)ds->n * fraction);
    if (n_val < 1 || n_val >= ds->n)
        return BP_OK; /* too small to split: no validation */
    unsigned char *is_val = bp__dalloc(ds, (size_t)ds->n);
    bp_dataset *v = NULL;
    bp_status st = is_val ? draw(ds, n_val, seed, is_val, err)
                          : bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    if (!st)
        st = make_like(ds, n_val, &v, err);
    if (!st) {
        /* validation rows out, training rows moved up: both in file order */
        int64_t a = 0, b = 0;
        for (int64_t i = 0; i < ds->n; i++) {
            if (is_val[i])
                copy_row(ds, i, v, b++);
            else
                copy_row(ds, i, ds, a++);
        }
        ds->n = a;
        *val = v;
    }
    bp__dfree(ds, is_val);
    return st;
}

/* What a data file cannot hold, refused before a byte is written; name
 * (the path, or the data set's own) leads the message. */
static bp_status check_writable(const bp_dataset *ds, const char *name,
                                bp_data_format format, int repeat,
                                bp_error *err)
{
    if (repeat < 1 || repeat > (1 << 20) ||
        (double)ds->n * repeat > (double)INT32_MAX)
        return bp__fail_err(err, BP_ERR_SIZE,
                            "%s: %lld rows %d times over: "
                            "more than %d rows",
                            name, (long long)ds->n, repeat, INT32_MAX);
    if (ds->n_out == 0)
        return bp__fail_err(err, BP_ERR_STATE,
                            "%s: %s has no targets: a data "
                            "file holds inputs and targets",
                            name, ds->name);
    if (format != BP_DATA_BPD && format != BP_DATA_FANN)
        return bp__fail_err(err, BP_ERR_ARG, "unknown data format %d",
                            (int)format);
    for (int j = 0; format == BP_DATA_BPD && j < ds->n_classes; j++)
        if (strlen(ds->class_names[j]) > BP_MAX_NAME)
            return bp__fail_err(err, BP_ERR_SIZE,
                                "%s: class %d's name is "
                                "longer than %d bytes",
                                name, j + 1, BP_MAX_NAME);
    return BP_OK;
}

bp_status bp_dataset_write(const bp_dataset *ds, bp_data_format format,
                           int repeat, bp_write_fn write, void *ctx,
                           bp_error *err)
{
    if (!ds || !write)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL",
                            ds ? "write" : "ds");
    bp_status st = check_writable(ds, ds->name, format, repeat, err);
    if (st)
        return st;
    if (format == BP_DATA_BPD)
        bp__bpd_write(ds, repeat, write, ctx);
    else
        bp__fann_write(ds, repeat, write, ctx);
    return BP_OK;
}

bp_status bp_dataset_save(const bp_dataset *ds, const char *path,
                          bp_data_format format, int repeat, bp_error *err)
{
    if (!ds || !path)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL", ds ? "path" : "ds");
    bp_status st = check_writable(ds, path, format, repeat, err);
    if (st)
        return st;
    bp_atomic *f;
    if ((st = bp_atomic_open(path, &ds->alloc, &f, err)))
        return st;
    bp_dataset_write(ds, format, repeat, bp_atomic_write, f, err);
    return bp_atomic_commit(f, err);
}
