/*
 * data.c - the front door of the data readers: a path (a file, standard
 * input or an IDX directory) or bytes in memory, the format recognised
 * from the content by the table of formats, then checked against a model
 * if one was given.
 */
#define _POSIX_C_SOURCE 200809L
#include "io/dataset.h"

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

/* ------------------------------------------------------------- reading */

static bp_status check_opts(const bp_data_opts *o, bp__rd *r, bp_error *err)
{
    if ((unsigned)o->classes > BP_NO || (unsigned)o->header > BP_NO)
        return bp__fail_err(err, BP_ERR_ARG,
                            "classes and header: use "
                            "BP_AUTO, BP_YES or BP_NO");
    if (o->max_classes < 0 || o->inputs_only < 0)
        return bp__fail_err(err, BP_ERR_ARG,
                            "max_classes and inputs_only "
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
static bp_status parse_bytes(const bp__rd *r, unsigned char *p, size_t n,
                             bp_dataset *ds)
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
        return bp__rd_fail(r, BP_ERR_FORMAT,
                           ": binary data, not a CSV, TSV, "
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
            return bp__rd_fail(r, BP_ERR_FORMAT,
                               ": %d columns, but the model "
                               "takes %d inputs",
                               ds->n_in, bp_net_n_in(m->net));
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

bp_status bp_dataset_load(const char *path, const bp_data_opts *opts,
                          bp_dataset **out, bp_error *err)
{
    if (!out || !path)
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL",
                            out ? "path" : "out");
    *out = NULL;
    const bp_data_opts o = opts ? *opts : bp_data_defaults();
    bp__rd r;
    bp_status s = check_opts(&o, &r, err);
    r.name = strcmp(path, "-") == 0 ? "stdin" : path;
    bp_dataset *ds = NULL;
    if (!s)
        s = bp__dataset_new(&ds, &o, r.name, err);
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

bp_status bp_dataset_parse(const void *data, size_t size, const char *name,
                           const bp_data_opts *opts, bp_dataset **out,
                           bp_error *err)
{
    if (!out || (!data && size))
        return bp__fail_err(err, BP_ERR_NULL, "%s is NULL",
                            out ? "data" : "out");
    *out = NULL;
    const bp_data_opts o = opts ? *opts : bp_data_defaults();
    bp__rd r;
    bp_status s = check_opts(&o, &r, err);
    r.name = name ? name : "(data)";
    bp_dataset *ds = NULL;
    unsigned char *p = NULL;
    size_t n = 0;
    if (!s)
        s = bp__dataset_new(&ds, &o, r.name, err);
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

bp_status bp_dataset_parse_idx(const void *images, size_t n_images,
                               const void *labels, size_t n_labels,
                               const char *name, const bp_data_opts *opts,
                               bp_dataset **out, bp_error *err)
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
        s = bp__dataset_new(&ds, &o, r.name, err);
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
