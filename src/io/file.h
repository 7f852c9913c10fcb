/*
 * file.h - whole files in and out: the atomic write every file the
 * library produces goes through, and a bounded whole-file read.
 */
#ifndef BP_IO_FILE_H
#define BP_IO_FILE_H

#include "backprop.h"

/* Write data to path atomically: a temporary file in the same directory,
 * flushed to disk, renamed over path, then the directory flushed. */
bp_status bp__write_atomic(const char *path, const void *data, size_t n,
                           bp_error *err);
/* Read a whole file (at most max bytes) into a malloc'ed buffer. */
bp_status bp__read_file(const char *path, size_t max, unsigned char **data,
                        size_t *n, bp_error *err);

#endif
