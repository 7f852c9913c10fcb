/*
 * source.c - a whole stream into memory: a file, a pipe (read once as it
 * comes, never reopened), or bytes already in memory; inflated when it
 * is gzip-compressed; bounded, so that neither a huge file nor a small
 * gzip bomb asks for more memory than its format allows.
 */
#define _POSIX_C_SOURCE 200809L
#include "io/dataset.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#ifdef BP_HAVE_ZLIB
#include <zlib.h>
#endif

/* Where the bytes come from. */
typedef struct {
    int fd;                   /* >= 0: read from it */
    const unsigned char *mem; /* else from here */
    size_t size, at;
    int error; /* errno of a failed read */
} src;

/* Up to cap bytes into p: the count, 0 at the end, -1 on an error. */
static long src_read(src *s, unsigned char *p, size_t cap)
{
    if (cap > (1u << 30))
        cap = 1u << 30;
    if (s->fd < 0) {
        size_t k = s->size - s->at < cap ? s->size - s->at : cap;
        memcpy(p, s->mem + s->at, k);
        s->at += k;
        return (long)k;
    }
    for (;;) {
        ssize_t got = read(s->fd, p, cap);
        if (got >= 0)
            return (long)got;
        if (errno != EINTR) {
            s->error = errno;
            return -1;
        }
    }
}

/* The output buffer: grown by doubling through the allocator (which has
 * no realloc), always with room for a NUL after the data. */
typedef struct {
    const bp_allocator *a;
    unsigned char *p;
    size_t len, cap;
} out_buf;

static int grow(out_buf *o, size_t want)
{
    if (want + 1 <= o->cap)
        return 0;
    size_t cap = o->cap ? o->cap : 1 << 16;
    while (cap < want + 1)
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    unsigned char *p = bp__alloc(o->a, cap);
    if (!p)
        return -1;
    if (o->len)
        memcpy(p, o->p, o->len);
    bp__free(o->a, o->p);
    o->p = p;
    o->cap = cap;
    return 0;
}

/* After more bytes: within the bound? The limit may lower max once the
 * first bytes tell the size (an IDX header), or stop the reading at once
 * (*limited = 2: the bytes are not what it knows; the parse says why). */
static bp_status check_bound(out_buf *o, uint64_t *max, bp__limit_fn limit,
                             int *limited, const char *name, int gz,
                             bp_error *err)
{
    if (limit && !*limited) {
        uint64_t m = limit(o->p, o->len);
        if (m == BP_LIMIT_STOP)
            *limited = 2;
        else if (m) {
            *limited = 1;
            *max = m < *max ? m : *max;
        }
    }
    if (*limited == 2)
        return BP_OK;
    if (o->len > *max)
        return bp__fail_err(
            err, BP_ERR_FORMAT,
            *limited ? "%s: %s than the %llu bytes its header declares"
                     : "%s: %s than %llu bytes",
            name, gz ? "decompresses to more" : "more",
            (unsigned long long)*max);
    return BP_OK;
}

static bp_status read_err(src *s, const char *name, bp_error *err)
{
    return bp__fail_err(err, BP_ERR_IO, "%s: read error: %s", name,
                        strerror(s->error ? s->error : EIO));
}

#ifdef BP_HAVE_ZLIB
/* Inflate the rest of s after its first `have` bytes (in head) into o. */
static bp_status inflate_all(src *s, const unsigned char *head, size_t have,
                             out_buf *o, uint64_t max, bp__limit_fn limit,
                             const char *name, bp_error *err)
{
    unsigned char in[1 << 16];
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return bp__fail_err(err, BP_ERR_NOMEM, "%s: cannot start inflating",
                            name);
    memcpy(in, head, have);
    z.next_in = in;
    z.avail_in = (uInt)have;
    int limited = 0, done = 0, eof = 0;
    bp_status st = BP_OK;
    while (!st && !done && limited != 2) {
        if (z.avail_in == 0 && !eof) {
            long got = src_read(s, in, sizeof in);
            if (got < 0) {
                st = read_err(s, name, err);
                break;
            }
            eof = got == 0;
            z.next_in = in;
            z.avail_in = (uInt)got;
        }
        /* at most 1 MB at a time, so the bound is checked as it grows */
        if (grow(o, o->len + (1 << 20))) {
            st = bp__fail_err(err, BP_ERR_NOMEM, "%s: out of memory", name);
            break;
        }
        z.next_out = o->p + o->len;
        z.avail_out = 1 << 20;
        int zr = inflate(&z, Z_NO_FLUSH);
        o->len = (size_t)(z.next_out - o->p);
        if (zr == Z_STREAM_END) {
            /* another gzip member may follow (cat a.gz b.gz) */
            if (z.avail_in == 0 && !eof) {
                long got = src_read(s, in, sizeof in);
                if (got < 0) {
                    st = read_err(s, name, err);
                    break;
                }
                eof = got == 0;
                z.next_in = in;
                z.avail_in = (uInt)got;
            }
            if (z.avail_in == 0)
                done = 1;
            else
                inflateReset(&z);
        } else if (zr == Z_BUF_ERROR && z.avail_in == 0 && eof) {
            st = bp__fail_err(err, BP_ERR_FORMAT,
                              "%s: the gzip stream is "
                              "truncated",
                              name);
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            st = bp__fail_err(err, BP_ERR_FORMAT,
                              "%s: not valid gzip data "
                              "(%s)",
                              name, z.msg ? z.msg : "inflate failed");
        }
        if (!st)
            st = check_bound(o, &max, limit, &limited, name, 1, err);
    }
    inflateEnd(&z);
    return st;
}
#endif

bp_status bp__read_all(int fd, const void *mem, size_t size, const char *name,
                       uint64_t max, bp__limit_fn limit, const bp_allocator *a,
                       unsigned char **out, size_t *n, bp_error *err)
{
    src s = {fd, mem, size, 0, 0};
    out_buf o = {a, NULL, 0, 0};
    unsigned char head[2];
    long have = src_read(&s, head, 2);
    if (have == 1 && src_read(&s, head + 1, 1) == 1)
        have = 2; /* a pipe may hand over one byte at a time */
    if (have < 0)
        return read_err(&s, name, err);
    bp_status st = BP_OK;
    int limited = 0;
    if (have == 2 && head[0] == 0x1f && head[1] == 0x8b) {
#ifdef BP_HAVE_ZLIB
        st = inflate_all(&s, head, 2, &o, max, limit, name, err);
#else
        st = bp__fail_err(err, BP_ERR_FORMAT,
                          "%s: gzip-compressed, but this "
                          "build has no zlib",
                          name);
#endif
    } else if (grow(&o, (size_t)have + (size < max ? size : (size_t)max))) {
        st = bp__fail_err(err, BP_ERR_NOMEM, "%s: out of memory", name);
    } else {
        memcpy(o.p, head, (size_t)have);
        o.len = (size_t)have;
        for (long got = have; !st && got > 0 && limited != 2;) {
            if (o.len == o.cap - 1 && grow(&o, o.len + 1)) {
                st = bp__fail_err(err, BP_ERR_NOMEM, "%s: out of memory", name);
                break;
            }
            got = src_read(&s, o.p + o.len, o.cap - 1 - o.len);
            if (got < 0)
                st = read_err(&s, name, err);
            else
                o.len += (size_t)got;
            if (!st)
                st = check_bound(&o, &max, limit, &limited, name, 0, err);
        }
    }
    if (!st && grow(&o, o.len))
        st = bp__fail_err(err, BP_ERR_NOMEM, "%s: out of memory", name);
    if (st) {
        bp__free(a, o.p);
        return st;
    }
    o.p[o.len] = '\0';
    *out = o.p;
    *n = o.len;
    return BP_OK;
}
