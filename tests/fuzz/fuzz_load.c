/*
 * fuzz_load.c - libFuzzer target for the paths that read files, not
 * memory: a file on disk (a .bpd memory-mapped after its size is checked
 * against its header, everything else read once) and standard input as
 * a pipe (one stream, sniffed once, never reopened). The first byte
 * picks the path and whether the bytes start with a UTF-8 byte-order
 * mark; what is read must be the same as bp_dataset_parse reads from
 * the same bytes in memory.
 */
#define _POSIX_C_SOURCE 200809L
#include "backprop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static char path[64];

/* The same shape and numbers as the set read from memory. */
static void same(const bp_dataset *a, const bp_dataset *b)
{
    const bp_data x = bp_dataset_data(a), y = bp_dataset_data(b);
    if (x.n != y.n || x.n_in != y.n_in || x.n_out != y.n_out ||
        memcmp(x.x, y.x, (size_t)x.n * (size_t)x.n_in * sizeof *x.x) != 0 ||
        (!x.label != !y.label) ||
        (x.label && memcmp(x.label, y.label, (size_t)x.n * sizeof *x.label)))
        abort();
}

static bp_status load_stdin(const unsigned char *p, size_t n, bp_dataset **ds,
                            bp_error *err)
{
    int fds[2];
    if (n > 60000 || pipe(fds) != 0) /* the pipe holds it whole */
        return BP_ERR_IO;
    const ssize_t w = write(fds[1], p, n);
    close(fds[1]);
    int saved = dup(0);
    dup2(fds[0], 0);
    close(fds[0]);
    bp_status st =
        w == (ssize_t)n ? bp_dataset_load("-", NULL, ds, err) : BP_ERR_IO;
    dup2(saved, 0);
    close(saved);
    return st;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/bp_fuzz_load_%ld", (long)getpid());
    }
    const unsigned char c = data[0];
    unsigned char *p = malloc(size + 3);
    if (!p)
        return 0;
    size_t n = 0;
    if (c & 2) {
        memcpy(p, "\xef\xbb\xbf", 3);
        n = 3;
    }
    memcpy(p + n, data + 1, size - 1);
    n += size - 1;
    bp_dataset *mem = NULL, *ds = NULL;
    bp_error err;
    const int ok_mem =
        bp_dataset_parse(p, n, "fuzz", NULL, &mem, &err) == BP_OK;
    bp_status st;
    if (c & 1) {
        st = load_stdin(p, n, &ds, &err);
    } else {
        FILE *f = fopen(path, "wb");
        if (!f) {
            free(p);
            bp_dataset_free(mem);
            return 0;
        }
        fwrite(p, 1, n, f);
        fclose(f);
        st = bp_dataset_load(path, NULL, &ds, &err);
    }
    if (st == BP_OK && !ok_mem)
        abort(); /* read from a file, refused from memory */
    if (st == BP_OK)
        same(ds, mem);
    bp_dataset_free(ds);
    bp_dataset_free(mem);
    free(p);
    return 0;
}
