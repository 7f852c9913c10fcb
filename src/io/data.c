/*
 * data.c - a data set's life and its front door: reading a path (a file,
 * standard input or an IDX directory) or bytes in memory, recognising the
 * format from the content by the table of formats, and the view training
 * and evaluation read.
 */
#define _POSIX_C_SOURCE 200809L
#include "io/data.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The formats a file's bytes may be in, most certain sniff wins; ties go
 * to the earlier entry. IDX here is one file alone: an error that points
 * to its directory. */
static const bp__data_format formats[] = {
    {"bpd", bp__bpd_sniff, bp__bpd_parse},
    {"idx", bp__idx_sniff, bp__idx_parse_one},
    {"fann", bp__fann_sniff, bp__fann_parse},
    {"csv", bp__csv_sniff, bp__csv_parse},
};

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
    *v = strtod(s, &end);
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

static bp_status new_set(bp_dataset **out, const bp_data_opts *o,
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
        bp__unmap(ds->map, ds->map_len);
    free_names(ds, ds->class_names, ds->n_classes);
    free_names(ds, ds->target_names, ds->n_targets);
    bp__dfree(ds, ds->target_cols);
    bp_scaler_free(&ds->x_scale);
    bp_scaler_free(&ds->t_scale);
    bp__dfree(ds, ds->name);
    bp_allocator a = ds->alloc;
    bp__free(&a, ds);
}

/* ------------------------------------------------------------- reading */

static bp_status check_opts(const bp_data_opts *o, bp__rd *r, bp_error *err)
{
    if ((unsigned)o->classes > BP_NO || (unsigned)o->header > BP_NO)
        return bp__fail_err(err, BP_ERR_ARG, "classes and header: use "
                            "BP_AUTO, BP_YES or BP_NO");
    if (o->max_classes < 0 || o->inputs_only < 0)
        return bp__fail_err(err, BP_ERR_ARG, "max_classes and inputs_only "
                            "cannot be negative");
    if (o->split && strcmp(o->split, "train") != 0 &&
        strcmp(o->split, "t10k") != 0)
        return bp__fail_err(err, BP_ERR_ARG, "split: use train or t10k");
    r->o = o;
    r->err = err;
    r->max_classes = o->max_classes ? o->max_classes : BP_MAX_CLASSES;
    return BP_OK;
}

/* A whole file's bytes (p[n] == 0): the format that sniffs surest. */
static bp_status parse_bytes(const bp__rd *r, unsigned char *p,
                             size_t n, bp_dataset *ds)
{
    int best = -1, score = 0;
    for (int i = 0; i < (int)(sizeof formats / sizeof *formats); i++) {
        const int s = formats[i].sniff(r->name, p, n);
        if (s > score) {
            score = s;
            best = i;
        }
    }
    if (best < 0)
        return bp__rd_fail(r, BP_ERR_FORMAT, ": binary data, not a CSV, TSV, "
                           "FANN or .bpd file");
    ds->format = formats[best].name;
    return formats[best].parse(r, p, n, ds);
}

/* After a reader: the model's widths and classes, if one was given. */
static bp_status finish(const bp__rd *r, bp_dataset *ds)
{
    const bp_model *m = r->o->model;
    if (!m)
        return BP_OK;
    if (ds->n_out == 0) {
        if (ds->n_in != bp_net_n_in(m->net))
            return bp__rd_fail(r, BP_ERR_FORMAT, ": %d columns, but the model "
                               "takes %d inputs", ds->n_in,
                               bp_net_n_in(m->net));
        return BP_OK;
    }
    return bp_dataset_match_model(ds, m, r->err);
}

static bp_status load_path(const bp__rd *r, const char *path, bp_dataset *ds)
{
    const int std_in = strcmp(path, "-") == 0;
    struct stat st;
    if (!std_in && stat(path, &st) != 0)
        return bp__rd_fail(r, BP_ERR_IO, ": %s", strerror(errno));
    if (!std_in && S_ISDIR(st.st_mode)) {
        ds->format = "idx";
        return bp__idx_dir(r, path, ds);
    }
    int fd = std_in ? 0 : open(path, O_RDONLY);
    if (fd < 0)
        return bp__rd_fail(r, BP_ERR_IO, ": %s", strerror(errno));
    bp_status s = BP_OK;
    uint64_t size = 0;
    /* a regular file holding a .bpd is mapped, not read */
    if (!std_in && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        unsigned char head[8];
        size = (uint64_t)st.st_size;
        if (pread(fd, head, 8, 0) == 8 && bp__bpd_sniff(path, head, 8)) {
            ds->format = "bpd";
            s = bp__bpd_map(r, fd, size, ds);
            close(fd);
            return s;
        }
    }
    unsigned char *p = NULL;
    size_t n = 0;
    s = bp__read_all(fd, NULL, size < BP_MAX_DATA_FILE ? (size_t)size : 0,
                     r->name, BP_MAX_DATA_FILE, NULL, &ds->alloc, &p, &n,
                     r->err);
    if (!std_in)
        close(fd);
    if (!s)
        s = parse_bytes(r, p, n, ds);
    bp__free(&ds->alloc, p);
    return s;
}

bp_status bp_dataset_load(bp_dataset **out, const char *path,
                          const bp_data_opts *opts, bp_error *err)
{
    if (!out || !path)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL", out ? "path" : "out");
    *out = NULL;
    const bp_data_opts o = opts ? *opts : bp_data_defaults();
    bp__rd r;
    bp_status s = check_opts(&o, &r, err);
    r.name = strcmp(path, "-") == 0 ? "stdin" : path;
    bp_dataset *ds = NULL;
    if (!s)
        s = new_set(&ds, &o, r.name, err);
    if (!s)
        s = load_path(&r, path, ds);
    if (!s)
        s = finish(&r, ds);
    if (s) {
        bp_dataset_free(ds);
        return s;
    }
    *out = ds;
    return BP_OK;
}

bp_status bp_dataset_parse(bp_dataset **out, const void *data, size_t size,
                           const char *name, const bp_data_opts *opts,
                           bp_error *err)
{
    if (!out || (!data && size))
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL", out ? "data" : "out");
    *out = NULL;
    const bp_data_opts o = opts ? *opts : bp_data_defaults();
    bp__rd r;
    bp_status s = check_opts(&o, &r, err);
    r.name = name ? name : "(data)";
    bp_dataset *ds = NULL;
    unsigned char *p = NULL;
    size_t n = 0;
    if (!s)
        s = new_set(&ds, &o, r.name, err);
    /* a copy, inflated if need be, that ends in a NUL for the number
     * parsers (the fuzzer found a number read past the end once) */
    if (!s)
        s = bp__read_all(-1, data ? data : "", size, r.name, BP_MAX_DATA_FILE,
                         NULL, &ds->alloc, &p, &n, err);
    if (!s)
        s = parse_bytes(&r, p, n, ds);
    if (ds)
        bp__free(&ds->alloc, p);
    if (!s)
        s = finish(&r, ds);
    if (s) {
        bp_dataset_free(ds);
        return s;
    }
    *out = ds;
    return BP_OK;
}

bp_status bp_dataset_parse_idx(bp_dataset **out, const void *images,
                               size_t n_images, const void *labels,
                               size_t n_labels, const char *name,
                               const bp_data_opts *opts, bp_error *err)
{
    if (!out || (!images && n_images) || (!labels && n_labels))
        return bp__fail_err(err, BP_ERR_NULL, "a pointer is NULL");
    *out = NULL;
    const bp_data_opts o = opts ? *opts : bp_data_defaults();
    bp__rd r;
    bp_status s = check_opts(&o, &r, err);
    r.name = name ? name : "(idx)";
    bp_dataset *ds = NULL;
    if (!s)
        s = new_set(&ds, &o, r.name, err);
    if (!s) {
        ds->format = "idx";
        s = bp__idx_pair(&r, images ? images : "", n_images,
                         labels ? labels : "", n_labels, r.name, ds);
    }
    if (!s)
        s = finish(&r, ds);
    if (s) {
        bp_dataset_free(ds);
        return s;
    }
    *out = ds;
    return BP_OK;
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

int bp_dataset_n_classes(const bp_dataset *ds) { return ds ? ds->n_classes : 0; }

const char *bp_dataset_class_name(const bp_dataset *ds, int j)
{
    return ds && j >= 0 && j < ds->n_classes ? ds->class_names[j] : NULL;
}

int bp_dataset_n_targets(const bp_dataset *ds) { return ds ? ds->n_targets : 0; }

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
