/*
 * data_idx.c - IDX files, MNIST's layout: a directory holding
 * <split>-images-idx3-ubyte and <split>-labels-idx1-ubyte, gzip-compressed
 * or not. Pixels become inputs (0..255, unscaled), labels classes
 * numbered by position. A compressed file is inflated only as far as its
 * header says it reaches (a 3 MB file cannot inflate to 3 GB).
 */
#define _POSIX_C_SOURCE 200809L
#include "io/dataset.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
        p[3];
}

int bp__idx_sniff(const char *name, const unsigned char *p, size_t n)
{
    (void)name;
    return n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0x08 ? 3 : 0;
}

bp_status bp__idx_parse_one(const bp__rd *r, unsigned char *p, size_t n,
                            bp_dataset *ds)
{
    (void)p;
    (void)n;
    (void)ds;
    return bp__rd_fail(r, BP_ERR_FORMAT,
                       ": an IDX file; give the directory "
                       "holding the images and labels files");
}

/* The bytes an IDX file of unsigned bytes says it holds, from its header:
 * 0 until the header is there (or when it is impossible: the parse says
 * why). */
static uint64_t idx_size(const unsigned char *p, size_t n)
{
    if (n < 4)
        return 0;
    if (p[0] || p[1] || p[2] != 0x08 || p[3] < 1 || p[3] > 3)
        return BP_LIMIT_STOP; /* not IDX of bytes: idx_parse says so */
    const size_t head = 4 + 4 * (size_t)p[3];
    if (n < head)
        return 0;
    uint64_t total = 1;
    for (int k = 0; k < p[3]; k++) {
        total *= be32(p + 4 + 4 * k);
        if (total > ((uint64_t)1 << 40))
            return BP_LIMIT_STOP; /* impossible: idx_parse says so */
    }
    return head + total;
}

/* An IDX file of unsigned bytes in memory: its dimensions and data. */
static bp_status idx_parse(const bp__rd *r, const char *name, int want_dims,
                           const unsigned char *buf, size_t n, uint32_t dims[3],
                           const unsigned char **data)
{
    bp__rd named = *r;
    named.name = name;
    if (n < 4 || buf[0] || buf[1] || buf[2] != 0x08 || buf[3] != want_dims)
        return bp__rd_fail(&named, BP_ERR_FORMAT,
                           ": not an IDX file of unsigned "
                           "bytes with %d dimensions (bad magic number)",
                           want_dims);
    if (n < 4 + 4u * (size_t)want_dims)
        return bp__rd_fail(&named, BP_ERR_FORMAT, ": truncated header");
    double total = 1;
    for (int k = 0; k < want_dims; k++) {
        dims[k] = be32(buf + 4 + 4 * k);
        total *= dims[k];
    }
    if (dims[0] == 0 || dims[0] > (1u << 30) || total > 1e10 ||
        (want_dims == 3 && (double)dims[1] * dims[2] > (1 << 24)))
        return bp__rd_fail(&named, BP_ERR_FORMAT, ": impossible dimensions");
    if ((double)(n - 4 - 4u * (size_t)want_dims) != total)
        return bp__rd_fail(&named, BP_ERR_FORMAT,
                           ": %zu data bytes, but the "
                           "header says %.0f",
                           n - 4 - 4u * (size_t)want_dims, total);
    *data = buf + 4 + 4 * want_dims;
    return BP_OK;
}

bp_status bp__idx_pair(const bp__rd *r, const unsigned char *img, size_t n_img,
                       const unsigned char *lab, size_t n_lab,
                       const char *lab_name, bp_dataset *ds)
{
    uint32_t idim[3], ldim[3];
    const unsigned char *ip, *lp;
    bp_status st = idx_parse(r, r->name, 3, img, n_img, idim, &ip);
    if (!st)
        st = idx_parse(r, lab_name, 1, lab, n_lab, ldim, &lp);
    if (st)
        return st;
    if (idim[0] != ldim[0])
        return bp__rd_fail(r, BP_ERR_FORMAT,
                           ": %u images but %s has %u "
                           "labels",
                           idim[0], lab_name, ldim[0]);
    ds->n = idim[0];
    ds->n_in = (int)(idim[1] * idim[2]);
    if (ds->n_in < 1)
        return bp__rd_fail(r, BP_ERR_FORMAT, ": images of %u x %u pixels",
                           idim[1], idim[2]);
    int k = 2;
    for (uint32_t i = 0; i < ldim[0]; i++)
        k = lp[i] + 1 > k ? lp[i] + 1 : k;
    if (k > r->max_classes)
        return bp__rd_fail(r, BP_ERR_FORMAT, ": %d classes, more than %d", k,
                           r->max_classes);
    ds->x = bp__dalloc(
        ds, bp__bytes((uint64_t)ds->n * (uint64_t)ds->n_in, sizeof(bp_real)));
    ds->label = bp__dalloc(ds, bp__bytes((uint64_t)ds->n, sizeof(int32_t)));
    if (!ds->x || !ds->label)
        return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
    for (size_t i = 0; i < (size_t)ds->n * (size_t)ds->n_in; i++)
        ds->x[i] = ip[i];
    for (int64_t i = 0; i < ds->n; i++)
        ds->label[i] = lp[i];
    ds->n_out = k;
    return bp__positional_classes(r, ds, k);
}

/* <dir>/<split>-<kind>-ubyte, plain or .gz, whichever is there. */
static int find(const char *dir, const char *split, const char *kind,
                char *path, size_t cap)
{
    static const char *const suffix[] = {"", ".gz"};
    struct stat st;
    for (int s = 0; s < 2; s++) {
        snprintf(path, cap, "%s/%s-%s-ubyte%s", dir, split, kind, suffix[s]);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            return 0;
    }
    return -1;
}

static bp_status read_file(const bp__rd *r, const char *path,
                           const bp_allocator *a, unsigned char **p, size_t *n)
{
    bp__rd named = *r;
    named.name = path;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return bp__rd_fail(&named, BP_ERR_IO, ": %s", strerror(errno));
    bp_status st = bp__read_all(fd, NULL, 0, path, BP_MAX_DATA_FILE, idx_size,
                                a, p, n, r->err);
    close(fd);
    return st;
}

bp_status bp__idx_dir(const bp__rd *r, const char *dir, bp_dataset *ds)
{
    const char *split = r->o->split ? r->o->split : "train";
    const size_t cap = strlen(dir) + 64;
    char *img = bp__dalloc(ds, cap), *lab = bp__dalloc(ds, cap);
    unsigned char *ib = NULL, *lb = NULL;
    size_t in = 0, ln = 0;
    bp_status st =
        img && lab ? BP_OK : bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
    if (!st &&
        (find(dir, split, "images-idx3", img, cap) ||
         find(dir, split, "labels-idx1", lab, cap)))
        st = bp__rd_fail(r, BP_ERR_IO,
                         ": no %s-images-idx3-ubyte[.gz] and "
                         "%s-labels-idx1-ubyte[.gz] here (an IDX directory "
                         "like Fashion-MNIST's)",
                         split, split);
    if (!st)
        st = read_file(r, img, &ds->alloc, &ib, &in);
    if (!st)
        st = read_file(r, lab, &ds->alloc, &lb, &ln);
    if (!st) {
        bp__rd named = *r;
        named.name = img;
        st = bp__idx_pair(&named, ib, in, lb, ln, lab, ds);
    }
    bp__dfree(ds, ib);
    bp__dfree(ds, lb);
    bp__dfree(ds, img);
    bp__dfree(ds, lab);
    return st;
}
