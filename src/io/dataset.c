/*
 * dataset.c - a data set's life (made, freed, unmapped), the view and
 * getters, the gathering of batches, and the small helpers every reader
 * leans on. The lowest of the data files: it calls none of them.
 */
#define _POSIX_C_SOURCE 200809L
#include "io/dataset.h"
#include "io/cnum.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ------------------------------------------------------------- helpers */

void *bp__dalloc(const bp_dataset *ds, size_t size)
{
    return size == SIZE_MAX ? NULL : bp__alloc(&ds->alloc, size);
}

void bp__dfree(const bp_dataset *ds, void *p) { bp__free(&ds->alloc, p); }

char *bp__strdup(const bp_allocator *a, const char *s, size_t len)
{
    char *p = bp__alloc(a, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

size_t bp__bytes(uint64_t n, size_t size)
{
    return n > (SIZE_MAX - 64) / size ? SIZE_MAX : (size_t)n * size;
}

int bp__number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = bp__strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(*v))
        return 0;
    if (errno == ERANGE && fabs(*v) > 1)
        return 0; /* overflow; an underflow is read as strtod rounds it */
    return isfinite((bp_real)*v);
}

bp_status bp__rd_fail(const bp__rd *r, bp_status st, const char *fmt, ...)
{
    if (r->err) {
        char msg[sizeof r->err->msg];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        bp__fail_err(r->err, st, "%s%s", r->name, msg);
    }
    return st;
}

bp_choice bp__classes_wanted(const bp__rd *r)
{
    if (r->o->classes != BP_AUTO || !r->o->model)
        return r->o->classes;
    return r->o->model->n_classes ? BP_YES : BP_NO;
}

bp_status bp__positional_classes(const bp__rd *r, bp_dataset *ds, int k)
{
    ds->class_names = bp__dalloc(ds, (size_t)k * sizeof *ds->class_names);
    if (!ds->class_names)
        return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
    memset(ds->class_names, 0, (size_t)k * sizeof *ds->class_names);
    ds->n_classes = k;
    ds->positional = 1;
    for (int j = 0; j < k; j++) {
        char name[16];
        snprintf(name, sizeof name, "%d", j);
        if (!(ds->class_names[j] = bp__strdup(&ds->alloc, name, strlen(name))))
            return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
    }
    return BP_OK;
}

/* ---------------------------------------------------------- life cycle */

bp_data_opts bp_data_defaults(void)
{
    bp_data_opts o;
    memset(&o, 0, sizeof o);
    return o;
}

bp_status bp__dataset_new(bp_dataset **out, const bp_data_opts *o,
                          const char *name, bp_error *err)
{
    bp_allocator a = {NULL, NULL, NULL};
    if (o->alloc) {
        if ((o->alloc->alloc == NULL) != (o->alloc->free == NULL))
            return bp__fail_err(err, BP_ERR_ARG,
                                "allocator: give both alloc and free");
        a = *o->alloc;
    }
    bp_dataset *ds = bp__alloc(&a, sizeof *ds);
    if (!ds)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    memset(ds, 0, sizeof *ds);
    ds->alloc = a;
    if (!(ds->name = bp__strdup(&a, name, strlen(name)))) {
        bp__free(&a, ds);
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    }
    *out = ds;
    return BP_OK;
}

static void free_names(const bp_dataset *ds, char **names, int n)
{
    for (int i = 0; names && i < n; i++)
        bp__dfree(ds, names[i]);
    bp__dfree(ds, names);
}

void bp_dataset_free(bp_dataset *ds)
{
    if (!ds)
        return;
    if (!ds->x_in_map)
        bp__dfree(ds, ds->x);
    if (!ds->t_in_map) {
        bp__dfree(ds, ds->t);
        bp__dfree(ds, ds->label);
    }
    if (ds->map)
        munmap(ds->map, ds->map_len);
    free_names(ds, ds->class_names, ds->n_classes);
    free_names(ds, ds->target_names, ds->n_targets);
    free_names(ds, ds->input_names, ds->n_in);
    bp__dfree(ds, ds->target_cols);
    bp_scaler_free(&ds->x_scale);
    bp_scaler_free(&ds->t_scale);
    bp__dfree(ds, ds->name);
    bp_allocator a = ds->alloc;
    bp__free(&a, ds);
}

/* -------------------------------------------------------------- the view */

bp_data bp_dataset_data(const bp_dataset *ds)
{
    bp_data d;
    memset(&d, 0, sizeof d);
    if (!ds)
        return d;
    d.n = ds->n;
    d.n_in = ds->n_in;
    d.n_out = ds->n_out;
    d.x = ds->x;
    d.t = ds->t;
    d.label = ds->label;
    return d;
}

const char *bp_dataset_format(const bp_dataset *ds)
{
    return ds && ds->format ? ds->format : "";
}

int bp_dataset_n_classes(const bp_dataset *ds)
{
    return ds ? ds->n_classes : 0;
}

const char *bp_dataset_class_name(const bp_dataset *ds, int j)
{
    return ds && j >= 0 && j < ds->n_classes ? ds->class_names[j] : NULL;
}

int bp_dataset_n_targets(const bp_dataset *ds)
{
    return ds ? ds->n_targets : 0;
}

const char *bp_dataset_target_name(const bp_dataset *ds, int j)
{
    return ds && j >= 0 && j < ds->n_targets ? ds->target_names[j] : NULL;
}

const bp_scaler *bp_dataset_scaler(const bp_dataset *ds, int targets)
{
    static const bp_scaler none; /* read-only: no mutable global state */
    return !ds ? &none : targets ? &ds->t_scale : &ds->x_scale;
}

int bp_dataset_is_mapped(const bp_dataset *ds) { return ds && ds->map; }

bp_status bp_data_gather(const bp_data *d, const int64_t *rows, int64_t first,
                         int n, bp_real *x, bp_real *t)
{
    if (!d || (t && !d->t && !d->label))
        return d ? BP_ERR_STATE : BP_ERR_NULL;
    if (n < 0 || first < 0 || (!rows && first + n > d->n))
        return BP_ERR_SIZE;
    const size_t ni = (size_t)d->n_in, no = (size_t)d->n_out;
    for (int i = 0; i < n; i++) {
        const int64_t r = rows ? rows[first + i] : first + i;
        if (r < 0 || r >= d->n)
            return BP_ERR_SIZE;
        if (x)
            memcpy(x + (size_t)i * ni, d->x + (size_t)r * ni, ni * sizeof *x);
        if (t && d->t)
            memcpy(t + (size_t)i * no, d->t + (size_t)r * no, no * sizeof *t);
        else if (t) {
            memset(t + (size_t)i * no, 0, no * sizeof *t);
            t[(size_t)i * no + (size_t)d->label[r]] = 1;
        }
    }
    return BP_OK;
}
