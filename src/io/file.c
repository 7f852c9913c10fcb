/*
 * file.c - whole files in and out: the atomic write (a temporary file
 * beside the destination, fsync, rename, fsync of the directory), so a
 * crash leaves the old file or the new one, and a bounded read.
 */
#define _POSIX_C_SOURCE 200809L
#include "io/file.h"
#include "core/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


bp_status bp__write_atomic(const char *path, const void *data, size_t n,
                           bp_error *err)
{
    if (!path || !*path)
        return bp__fail_err(err, BP_ERR_ARG, "no file name");
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp)
        return bp__fail_err(err, BP_ERR_NOMEM, "out of memory");
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        bp_status st = bp__fail_err(err, BP_ERR_IO, "%s: cannot create a "
                                    "temporary file beside it: %s", path,
                                    strerror(errno));
        free(tmp);
        return st;
    }
    const unsigned char *p = data;
    size_t left = n;
    int bad = 0;
    while (left > 0 && !bad) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            bad = errno ? errno : EIO;
        else {
            p += w;
            left -= (size_t)w;
        }
    }
    if (!bad && fsync(fd) != 0)
        bad = errno;
    if (close(fd) != 0 && !bad)
        bad = errno;
    /* mkstemp makes the file 0600; a model is an ordinary file */
    if (!bad)
        chmod(tmp, 0644);
    if (!bad && rename(tmp, path) != 0)
        bad = errno;
    if (bad) {
        unlink(tmp);
        free(tmp);
        return bp__fail_err(err, BP_ERR_IO, "%s: write failed: %s", path,
                            strerror(bad));
    }
    free(tmp);
    /* make the rename itself durable */
    char *dir = malloc(len + 2);
    if (dir) {
        memcpy(dir, path, len + 1);
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
        free(dir);
    }
    return BP_OK;
}

bp_status bp_write_file_atomic(const char *path, const void *data, size_t n,
                               bp_error *err)
{
    if (!data && n)
        return bp__fail_err(err, BP_ERR_NULL, "data is NULL");
    return bp__write_atomic(path, data ? data : "", n, err);
}

bp_status bp__read_file(const char *path, size_t max, unsigned char **data,
                        size_t *n, bp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return bp__fail_err(err, BP_ERR_IO, "%s: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    unsigned char *p = malloc(cap);
    while (p) {
        size_t got = fread(p + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        if (cap >= max) {
            free(p);
            fclose(f);
            return bp__fail_err(err, BP_ERR_FORMAT, "%s: larger than %zu "
                                "bytes", path, max);
        }
        unsigned char *q = realloc(p, cap * 2);
        if (!q) {
            free(p);
            p = NULL;
            break;
        }
        p = q;
        cap *= 2;
    }
    int failed = ferror(f);
    fclose(f);
    if (!p)
        return bp__fail_err(err, BP_ERR_NOMEM, "%s: out of memory", path);
    if (failed) {
        free(p);
        return bp__fail_err(err, BP_ERR_IO, "%s: read error", path);
    }
    *data = p;
    *n = len;
    return BP_OK;
}

