/*
 * file.h - whole files in and out: the atomic write every file the
 * library produces goes through, and a bounded whole-file read.
 */
#ifndef BP_IO_FILE_H
#define BP_IO_FILE_H

#include "backprop.h"

/* Write data to path atomically: a temporary file in the same directory,
 * flushed to disk, renamed over path, then the directory flushed. The
 * writer's own memory (names, buffer) comes from alloc (NULL: malloc). */
bp_status bp__write_atomic(const char *path, const void *data, size_t n,
                           const bp_allocator *alloc, bp_error *err);
/* The same as a stream, for files too large to build in memory first:
 * open (a temporary file beside path), put (buffered; an error is
 * remembered), then commit (flush, rename over path) or abort (the
 * temporary file removed, path untouched). */
#define BP_ATOMIC_BUF (1 << 16)
typedef struct {
    const char *path; /* the file replaced: the caller's, or real */
    char *real;       /* the target of a symbolic link (owned), or NULL */
    char *tmp;
    int fd, bad;
    unsigned char *buf;
    size_t len;
    const bp_allocator *alloc; /* of real, tmp and buf (never NULL once
                                  opened) */
} bp__atomic;

bp_status bp__atomic_open(bp__atomic *w, const char *path,
                          const bp_allocator *alloc, bp_error *err);
void bp__atomic_put(bp__atomic *w, const void *data, size_t n);
bp_status bp__atomic_commit(bp__atomic *w, bp_error *err);
void bp__atomic_abort(bp__atomic *w);

/* Read a whole file (at most max bytes) into a buffer from a; the caller
 * frees it with bp__free(a, ...). */
bp_status bp__read_file(const char *path, size_t max, const bp_allocator *a,
                        unsigned char **data, size_t *n, bp_error *err);

#endif
