/*
 * data_bpd.c - the .bpd binary data set (docs/FORMATS.md): a header, the
 * scalings, the class names, then at a 4096-byte boundary the inputs and
 * the targets, little-endian at the library's precision. A regular file
 * is memory-mapped, after its size is checked against its header (so a
 * truncated file is an error, not SIGBUS), and read in place on a
 * little-endian host; elsewhere (a pipe, a big-endian host, another
 * precision) it is read and converted into memory.
 */
#define _POSIX_C_SOURCE 200809L
#include "io/dataset.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BPD_MAGIC "BPDATA\0" /* 8 bytes with its NUL */
#define BPD_VERSION 2
#define BPD_ALIGN 4096
#define BPD_HEAD 48

/* ------------------------------------------------------- byte order */

static int host_le(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
        (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static double rdf64(const unsigned char *p)
{
    const uint64_t u = rd64(p);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

static void wr32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void wr64(unsigned char *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

/* count numbers of rs bytes (4 or 8), little-endian, into dst. */
static void get_reals(bp_real *dst, const unsigned char *src, size_t count,
                      uint32_t rs)
{
    for (size_t i = 0; i < count; i++, src += rs) {
        if (rs == 8) {
            dst[i] = (bp_real)rdf64(src);
        } else {
            const uint32_t u = rd32(src);
            float f;
            memcpy(&f, &u, 4);
            dst[i] = (bp_real)f;
        }
    }
}

/* ------------------------------------------------------------ header */

int bp__bpd_sniff(const char *name, const unsigned char *p, size_t n)
{
    (void)name;
    return n >= 8 && memcmp(p, BPD_MAGIC, 8) == 0 ? 3 : 0;
}

/* Where the header's bytes come from: a file (pread) or memory. */
typedef struct {
    int fd;                   /* >= 0: the file */
    const unsigned char *mem; /* else here */
    uint64_t size;
} bytes;

static int get(const bytes *b, uint64_t at, void *out, size_t n)
{
    if (at > b->size || b->size - at < n)
        return -1;
    if (b->fd < 0) {
        memcpy(out, b->mem + at, n);
        return 0;
    }
    unsigned char *o = out;
    while (n > 0) {
        ssize_t got = pread(b->fd, o, n, (off_t)at);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        o += got;
        at += (uint64_t)got;
        n -= (size_t)got;
    }
    return 0;
}

typedef struct {
    uint32_t version, rs, n_in, n_out, n_classes, x_kind, labels, t_kind;
    uint64_t n;
    uint64_t body; /* where x starts */
    uint64_t x_bytes, t_bytes;
} head;

/* A scaler of width columns at *at: f64 offset[], f64 factor[]. */
static bp_status get_scaler(const bp__rd *r, const bytes *b, uint64_t *at,
                            uint32_t kind, uint32_t width, bp_scaler *s,
                            const bp_allocator *a)
{
    const size_t half = (size_t)width * 8;
    unsigned char *buf = bp__alloc(a, 2 * half);
    double *v = bp__alloc(a, (size_t)width * 2 * sizeof *v);
    bp_status st =
        buf && v ? BP_OK : bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
    if (!st && get(b, *at, buf, 2 * half))
        st = bp__rd_fail(r, BP_ERR_FORMAT, ": truncated in its scaling");
    for (uint32_t j = 0; !st && j < 2 * width; j++)
        v[j] = rdf64(buf + 8 * (size_t)j);
    if (!st &&
        bp_scaler_set(s, (bp_scaling)kind, (int)width, v, v + width, a, NULL))
        st = bp__rd_fail(r, BP_ERR_FORMAT, ": its scaling is not finite");
    *at += 2 * half;
    bp__free(a, buf);
    bp__free(a, v);
    return st;
}

static bp_status get_names(const bp__rd *r, const bytes *b, uint64_t *at,
                           bp_dataset *ds, uint32_t k)
{
    ds->class_names = bp__dalloc(ds, (size_t)k * sizeof(char *));
    if (!ds->class_names)
        return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
    memset(ds->class_names, 0, (size_t)k * sizeof(char *));
    ds->n_classes = (int)k;
    for (uint32_t j = 0; j < k; j++) {
        unsigned char len4[4];
        if (get(b, *at, len4, 4))
            return bp__rd_fail(r, BP_ERR_FORMAT,
                               ": truncated in its class "
                               "names");
        const uint32_t len = rd32(len4);
        char *name =
            len <= BP_MAX_NAME ? bp__dalloc(ds, (size_t)len + 1) : NULL;
        if (len > BP_MAX_NAME || get(b, *at + 4, name, len)) {
            bp__dfree(ds, name);
            return bp__rd_fail(r, BP_ERR_FORMAT,
                               ": truncated in its class "
                               "names");
        }
        name[len] = '\0';
        ds->class_names[j] = name;
        if (strlen(name) != len)
            return bp__rd_fail(r, BP_ERR_FORMAT,
                               ": a class name holds a NUL "
                               "byte");
        *at += 4 + (uint64_t)len;
    }
    return BP_OK;
}

/* The header, scalings and names, checked, and the size the file must
 * have; the data set gets its shape, scalers and classes. */
static bp_status read_head(const bp__rd *r, const bytes *b, head *h,
                           bp_dataset *ds)
{
    unsigned char p[BPD_HEAD];
    if (get(b, 0, p, BPD_HEAD) || memcmp(p, BPD_MAGIC, 8) != 0)
        return bp__rd_fail(r, BP_ERR_FORMAT, ": truncated .bpd header");
    memset(h, 0, sizeof *h);
    h->version = rd32(p + 8);
    h->rs = rd32(p + 12);
    h->n = rd64(p + 16);
    h->n_in = rd32(p + 24);
    h->n_out = rd32(p + 28);
    h->n_classes = rd32(p + 32);
    h->x_kind = rd32(p + 36);
    h->labels = h->version >= 2 ? rd32(p + 40) : 0;
    h->t_kind = h->version >= 2 ? rd32(p + 44) : 0;
    if (h->version < 1 || h->version > BPD_VERSION)
        return bp__rd_fail(r, BP_ERR_FORMAT,
                           ": a .bpd file of version %u; "
                           "this build reads 1 and 2",
                           h->version);
    if ((h->rs != 4 && h->rs != 8) || h->n < 1 || h->n > INT32_MAX ||
        h->n_in < 1 || h->n_in > (1u << 24) || h->n_out < 1 ||
        h->n_out > (1u << 24) || (h->n_classes && h->n_classes != h->n_out) ||
        h->x_kind > BP_SCALING_STANDARD || h->t_kind > BP_SCALING_STANDARD ||
        h->labels > 1 || (h->labels && !h->n_classes) ||
        (h->t_kind && h->labels) || (h->n_classes > (uint32_t)r->max_classes))
        return bp__rd_fail(r, BP_ERR_FORMAT, ": impossible .bpd header");
    uint64_t at = BPD_HEAD;
    bp_status st = BP_OK;
    if (h->x_kind)
        st =
            get_scaler(r, b, &at, h->x_kind, h->n_in, &ds->x_scale, &ds->alloc);
    if (!st && h->t_kind)
        st = get_scaler(r, b, &at, h->t_kind, h->n_out, &ds->t_scale,
                        &ds->alloc);
    if (!st && h->n_classes)
        st = get_names(r, b, &at, ds, h->n_classes);
    if (st)
        return st;
    h->body = (at + BPD_ALIGN - 1) / BPD_ALIGN * BPD_ALIGN;
    h->x_bytes = h->n * h->n_in * h->rs;
    h->t_bytes = h->labels ? h->n * 4 : h->n * h->n_out * h->rs;
    const uint64_t need = h->body + h->x_bytes + h->t_bytes;
    if (b->size != need)
        return bp__rd_fail(r, BP_ERR_FORMAT,
                           ": %llu bytes, but its header "
                           "says %llu (%s)",
                           (unsigned long long)b->size,
                           (unsigned long long)need,
                           b->size < need ? "truncated" : "data after the end");
    ds->n = (int64_t)h->n;
    ds->n_in = (int)h->n_in;
    ds->n_out = (int)h->n_out;
    return BP_OK;
}

/* Class indices in range, or one-hot rows (version 1) made indices. */
static bp_status check_labels(const bp__rd *r, bp_dataset *ds)
{
    for (int64_t i = 0; i < ds->n; i++)
        if (ds->label[i] < 0 || ds->label[i] >= ds->n_classes)
            return bp__rd_fail(r, BP_ERR_FORMAT, ": row %lld: class %d of %d",
                               (long long)i + 1, (int)ds->label[i],
                               ds->n_classes);
    return BP_OK;
}

static bp_status onehot_to_labels(const bp__rd *r, bp_dataset *ds,
                                  const bp_real *t)
{
    int32_t *label = bp__dalloc(ds, bp__bytes((uint64_t)ds->n, sizeof *label));
    if (!label)
        return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
    for (int64_t i = 0; i < ds->n; i++) {
        const bp_real *row = t + (size_t)i * (size_t)ds->n_out;
        int j = 0;
        while (j < ds->n_out && row[j] != 1)
            j++;
        label[i] = j;
    }
    ds->label = label;
    return check_labels(r, ds);
}

/* Every number finite: a reader hands the trainer nothing it would turn
 * into NaN weights (a double past float's range becomes infinite here). */
static bp_status check_finite(const bp__rd *r, const bp_real *v, int64_t n,
                              int width, const char *what)
{
    for (int64_t i = 0; i < n; i++)
        for (int j = 0; j < width; j++) {
            const bp_real x = v[(size_t)i * (size_t)width + (size_t)j];
            if (!(x - x == 0))
                return bp__rd_fail(r, BP_ERR_FORMAT,
                                   ": row %lld, %s %d is "
                                   "not a finite number",
                                   (long long)i + 1, what, j + 1);
        }
    return BP_OK;
}

/* Copy (and convert) the body at p into memory. */
static bp_status copy_body(const bp__rd *r, const head *h,
                           const unsigned char *p, bp_dataset *ds)
{
    ds->x = bp__dalloc(ds, bp__bytes(h->n * h->n_in, sizeof(bp_real)));
    if (!ds->x)
        return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory for %llu rows",
                           (unsigned long long)h->n);
    get_reals(ds->x, p + h->body, (size_t)(h->n * h->n_in), h->rs);
    bp_status st = check_finite(r, ds->x, ds->n, ds->n_in, "input");
    if (st)
        return st;
    const unsigned char *tp = p + h->body + h->x_bytes;
    if (h->labels) {
        ds->label = bp__dalloc(ds, bp__bytes(h->n, sizeof(int32_t)));
        if (!ds->label)
            return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
        for (uint64_t i = 0; i < h->n; i++)
            ds->label[i] = (int32_t)rd32(tp + 4 * i);
        return check_labels(r, ds);
    }
    bp_real *t = bp__dalloc(ds, bp__bytes(h->n * h->n_out, sizeof(bp_real)));
    if (!t)
        return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
    get_reals(t, tp, (size_t)(h->n * h->n_out), h->rs);
    if (!h->n_classes) {
        ds->t = t;
        return check_finite(r, t, ds->n, ds->n_out, "target");
    }
    st = onehot_to_labels(r, ds, t);
    bp__dfree(ds, t);
    return st;
}

bp_status bp__bpd_parse(const bp__rd *r, unsigned char *p, size_t n,
                        bp_dataset *ds)
{
    const bytes b = {-1, p, n};
    head h;
    bp_status st = read_head(r, &b, &h, ds);
    return st ? st : copy_body(r, &h, p, ds);
}

bp_status bp__bpd_map(const bp__rd *r, int fd, uint64_t size, bp_dataset *ds)
{
    const bytes b = {fd, NULL, size};
    head h;
    bp_status st = read_head(r, &b, &h, ds);
    if (st)
        return st;
    if (size > SIZE_MAX)
        return bp__rd_fail(r, BP_ERR_SIZE, ": too large to map here");
    unsigned char *p = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return bp__rd_fail(r, BP_ERR_IO, ": cannot map the file: %s",
                           strerror(errno));
    if (!host_le() || h.rs != sizeof(bp_real)) {
        /* not readable in place: converted into memory */
        st = copy_body(r, &h, p, ds);
        munmap(p, (size_t)size);
        return st;
    }
    ds->map = p;
    ds->map_len = (size_t)size;
    ds->x = (bp_real *)(p + h.body);
    ds->x_in_map = 1;
    st = check_finite(r, ds->x, ds->n, ds->n_in, "input");
    if (st)
        return st;
    const unsigned char *tp = p + h.body + h.x_bytes;
    if (h.labels) {
        ds->label = (int32_t *)(uintptr_t)tp;
        ds->t_in_map = 1;
        return check_labels(r, ds);
    }
    if (h.n_classes) /* version 1: one-hot rows, made indices in memory */
        return onehot_to_labels(r, ds, (const bp_real *)(uintptr_t)tp);
    ds->t = (bp_real *)(uintptr_t)tp;
    ds->t_in_map = 1;
    return check_finite(r, ds->t, ds->n, ds->n_out, "target");
}

/* ------------------------------------------------------------- writing */

typedef struct {
    bp_write_fn write;
    void *ctx;
} sink;

static void put(const sink *w, const void *p, size_t n)
{
    if (n)
        w->write(w->ctx, (const char *)p, n);
}

static void put_scaler(const sink *w, const bp_scaler *s)
{
    unsigned char v[8];
    for (int k = 0; k < 2; k++)
        for (int j = 0; j < s->n; j++) {
            uint64_t u;
            memcpy(&u, k ? &s->factor[j] : &s->offset[j], 8);
            wr64(v, u);
            put(w, v, 8);
        }
}

/* count reals little-endian: as they are on a little-endian host. */
static void put_reals(const sink *w, const bp_real *v, size_t count)
{
    if (host_le()) {
        put(w, v, count * sizeof *v);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        unsigned char b[8];
        if (sizeof(bp_real) == 8) {
            uint64_t u;
            memcpy(&u, &v[i], 8);
            wr64(b, u);
        } else {
            uint32_t u;
            memcpy(&u, &v[i], 4);
            wr32(b, u);
        }
        put(w, b, sizeof(bp_real));
    }
}

static void put_head(const sink *w, const bp_dataset *ds, int repeat)
{
    unsigned char p[BPD_HEAD] = {0};
    const bp_scaling tk = ds->label ? BP_SCALING_NONE : ds->t_scale.kind;
    memcpy(p, BPD_MAGIC, 8);
    wr32(p + 8, BPD_VERSION);
    wr32(p + 12, (uint32_t)sizeof(bp_real));
    wr64(p + 16, (uint64_t)ds->n * (uint64_t)repeat);
    wr32(p + 24, (uint32_t)ds->n_in);
    wr32(p + 28, (uint32_t)ds->n_out);
    wr32(p + 32, (uint32_t)ds->n_classes);
    wr32(p + 36, (uint32_t)ds->x_scale.kind);
    wr32(p + 40, ds->label ? 1 : 0);
    wr32(p + 44, (uint32_t)tk);
    put(w, p, BPD_HEAD);
    uint64_t at = BPD_HEAD;
    if (ds->x_scale.kind) {
        put_scaler(w, &ds->x_scale);
        at += 16 * (uint64_t)ds->n_in;
    }
    if (tk) {
        put_scaler(w, &ds->t_scale);
        at += 16 * (uint64_t)ds->n_out;
    }
    for (int j = 0; j < ds->n_classes; j++) {
        const size_t len = strlen(ds->class_names[j]);
        unsigned char l4[4];
        wr32(l4, (uint32_t)len);
        put(w, l4, 4);
        put(w, ds->class_names[j], len);
        at += 4 + len;
    }
    static const unsigned char zero[BPD_ALIGN];
    put(w, zero, (size_t)((BPD_ALIGN - at % BPD_ALIGN) % BPD_ALIGN));
}

void bp__bpd_write(const bp_dataset *ds, int repeat, bp_write_fn write,
                   void *ctx)
{
    const sink w = {write, ctx};
    put_head(&w, ds, repeat);
    const size_t nx = (size_t)ds->n * (size_t)ds->n_in;
    for (int k = 0; k < repeat; k++)
        put_reals(&w, ds->x, nx);
    for (int k = 0; k < repeat; k++) {
        if (!ds->label) {
            put_reals(&w, ds->t, (size_t)ds->n * (size_t)ds->n_out);
            continue;
        }
        for (int64_t i = 0; i < ds->n; i++) {
            unsigned char l4[4];
            wr32(l4, (uint32_t)ds->label[i]);
            put(&w, l4, 4);
        }
    }
}
