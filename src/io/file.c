/*
 * file.c - whole files in and out: the atomic write (a temporary file
 * beside the destination, fsync, rename, fsync of the directory), so a
 * crash leaves the old file or the new one, written at once or as a
 * stream; and a bounded read.
 */
#define _XOPEN_SOURCE 700 /* realpath, lstat, fsync */
#include "io/file.h"
#include "core/internal.h"
#include "kernel/kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const bp_allocator plain = {NULL, NULL, NULL};

/* A copy of s in a's memory, or NULL. */
static char *copy_str(const bp_allocator *a, const char *s)
{
    const size_t len = strlen(s);
    char *p = bp__alloc(a, len + 1);
    if (p)
        memcpy(p, s, len + 1);
    return p;
}

/* Where the write goes: path itself, or, when path is a symbolic link,
 * the file it names (so the link survives and its target is replaced;
 * w->real then owns that name, in w->alloc's memory). Anything that
 * exists and is not a regular file is refused: renaming over /dev/null
 * or a FIFO would replace the device, not write to it. */
static bp_status resolve_target(bp__atomic *w, const char *path, bp_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return BP_OK; /* a new file: the rename creates it */
    if (S_ISLNK(st.st_mode)) {
        char *real = realpath(path, NULL); /* the C library's memory */
        if (!real) /* a dangling link: write the file it names */
            return bp__fail_err(err, BP_ERR_IO,
                                "%s: a symbolic link to "
                                "nothing that can be written (%s)",
                                path, strerror(errno));
        w->real = copy_str(w->alloc, real);
        free(real);
        if (!w->real)
            return bp__fail_err(err, BP_ERR_NOMEM, "%s: out of memory", path);
        if (stat(w->real, &st) != 0)
            return BP_OK;
    }
    if (!S_ISREG(st.st_mode)) {
        bp__free(w->alloc, w->real);
        w->real = NULL;
        return bp__fail_err(err, BP_ERR_IO,
                            "%s: not a regular file (a "
                            "directory, device or pipe); refusing to "
                            "replace it",
                            path);
    }
    return BP_OK;
}

bp_status bp__atomic_open(bp__atomic *w, const char *path,
                          const bp_allocator *alloc, bp_error *err)
{
    memset(w, 0, sizeof *w);
    w->fd = -1;
    w->alloc = alloc ? alloc : &plain;
    if (!path || !*path)
        return bp__fail_err(err, BP_ERR_ARG, "no file name");
    bp_status st = resolve_target(w, path, err);
    if (st)
        return st;
    w->path = w->real ? w->real : path;
    const size_t len = strlen(w->path);
    w->tmp = bp__alloc(w->alloc, len + 16);
    w->buf = bp__alloc(w->alloc, BP_ATOMIC_BUF);
    if (!w->tmp || !w->buf) {
        bp__atomic_abort(w);
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    }
    memcpy(w->tmp, w->path, len);
    memcpy(w->tmp + len, ".tmp.XXXXXX", 12);
    w->fd = mkstemp(w->tmp);
    if (w->fd < 0) {
        st = bp__fail_err(err, BP_ERR_IO,
                          "%s: cannot create a temporary "
                          "file beside it: %s",
                          path, strerror(errno));
        bp__atomic_abort(w);
        return st;
    }
    return BP_OK;
}

static void write_out(bp__atomic *w, const unsigned char *p, size_t n)
{
    while (n > 0 && !w->bad) {
        ssize_t got = write(w->fd, p, n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            w->bad = errno ? errno : EIO;
        else {
            p += got;
            n -= (size_t)got;
        }
    }
}

void bp__atomic_put(bp__atomic *w, const void *data, size_t n)
{
    if (w->bad)
        return;
    if (w->len + n > BP_ATOMIC_BUF) {
        write_out(w, w->buf, w->len);
        w->len = 0;
    }
    if (n >= BP_ATOMIC_BUF)
        write_out(w, data, n);
    else {
        memcpy(w->buf + w->len, data, n);
        w->len += n;
    }
}

void bp__atomic_abort(bp__atomic *w)
{
    if (w->fd >= 0) {
        close(w->fd);
        unlink(w->tmp);
    }
    const bp_allocator *a = w->alloc ? w->alloc : &plain;
    bp__free(a, w->tmp);
    bp__free(a, w->buf);
    bp__free(a, w->real);
    memset(w, 0, sizeof *w);
    w->fd = -1;
    w->alloc = a;
}

bp_status bp__atomic_commit(bp__atomic *w, bp_error *err)
{
    write_out(w, w->buf, w->len);
    w->len = 0;
    int bad = w->bad;
    if (!bad && fsync(w->fd) != 0)
        bad = errno;
    if (close(w->fd) != 0 && !bad)
        bad = errno;
    w->fd = -1;
    /* mkstemp makes the file 0600; what we write is an ordinary file */
    if (!bad)
        chmod(w->tmp, 0644);
    if (!bad && rename(w->tmp, w->path) != 0)
        bad = errno;
    if (bad) {
        unlink(w->tmp);
        bp_status st = bp__fail_err(err, BP_ERR_IO, "%s: write failed: %s",
                                    w->path, strerror(bad));
        bp__atomic_abort(w);
        return st;
    }
    /* make the rename itself durable: the directory's name in the
     * temporary name's room (len + 16 bytes), which is free now */
    const size_t len = strlen(w->path);
    char *dir = w->tmp;
    memcpy(dir, w->path, len + 1);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir ? 1 : 0] = '\0';
    else
        strcpy(dir, ".");
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    bp__atomic_abort(w); /* frees; the file is no longer the temporary */
    return BP_OK;
}

bp_status bp__write_atomic(const char *path, const void *data, size_t n,
                           const bp_allocator *alloc, bp_error *err)
{
    bp__atomic w;
    bp_status st = bp__atomic_open(&w, path, alloc, err);
    if (st)
        return st;
    bp__atomic_put(&w, data, n);
    return bp__atomic_commit(&w, err);
}

/* The public stream: the internal one in memory of its own allocator. */
struct bp_atomic {
    bp__atomic w;
};

bp_status bp_atomic_open(const char *path, const bp_allocator *alloc,
                         bp_atomic **out, bp_error *err)
{
    if (!out)
        return bp__fail_err(err, BP_ERR_NULL, "out is NULL");
    *out = NULL;
    const bp_allocator *a = alloc ? alloc : &plain;
    bp_atomic *f = bp__alloc(a, sizeof *f);
    if (!f)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    bp_status st = bp__atomic_open(&f->w, path, a, err);
    if (st) {
        bp__free(a, f);
        return st;
    }
    *out = f;
    return BP_OK;
}

const char *bp_atomic_temp_path(const bp_atomic *f)
{
    return f && f->w.fd >= 0 ? f->w.tmp : NULL;
}

void bp_atomic_write(void *f, const char *bytes, size_t len)
{
    if (f && bytes && len)
        bp__atomic_put(&((bp_atomic *)f)->w, bytes, len);
}

bp_status bp_atomic_commit(bp_atomic *f, bp_error *err)
{
    if (!f)
        return bp__fail_err(err, BP_ERR_NULL, "f is NULL");
    const bp_allocator *a = f->w.alloc;
    bp_status st = bp__atomic_commit(&f->w, err);
    bp__free(a, f);
    return st;
}

void bp_atomic_abort(bp_atomic *f)
{
    if (!f)
        return;
    const bp_allocator *a = f->w.alloc;
    bp__atomic_abort(&f->w);
    bp__free(a, f);
}

bp_status bp_write_file_atomic(const char *path, const void *data, size_t n,
                               bp_error *err)
{
    if (!data && n)
        return bp__fail_err(err, BP_ERR_NULL, "data is NULL");
    return bp__write_atomic(path, data ? data : "", n, NULL, err);
}

bp_status bp__read_file(const char *path, size_t max, const bp_allocator *a,
                        unsigned char **data, size_t *n, bp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return bp__fail_err(err, BP_ERR_IO, "%s: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    unsigned char *p = bp__alloc(a, cap);
    while (p) {
        size_t got = fread(p + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        if (cap >= max) {
            bp__free(a, p);
            fclose(f);
            return bp__fail_err(err, BP_ERR_FORMAT,
                                "%s: larger than %zu "
                                "bytes",
                                path, max);
        }
        unsigned char *q = bp__alloc(a, cap * 2); /* the allocator has no
                                                     realloc: a copy */
        if (q)
            memcpy(q, p, len);
        bp__free(a, p);
        p = q;
        cap *= 2;
    }
    const int failed = ferror(f), why = errno; /* EISDIR for a directory */
    fclose(f);
    if (!p)
        return bp__fail_err(err, BP_ERR_NOMEM, "%s: out of memory", path);
    if (failed) {
        bp__free(a, p);
        return bp__fail_err(err, BP_ERR_IO, "%s: read error: %s", path,
                            strerror(why));
    }
    *data = p;
    *n = len;
    return BP_OK;
}
