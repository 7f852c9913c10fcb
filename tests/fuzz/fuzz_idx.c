/*
 * fuzz_idx.c - libFuzzer target for the IDX (MNIST layout) reader. The
 * first two bytes say where the images file ends and the labels file
 * begins in the rest of the input.
 */
#include "backprop.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* (make fuzz runs with -close_fd_mask=3: nothing is printed anyway) */
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t split = (size_t)data[0] << 8 | data[1];
    data += 2;
    size -= 2;
    if (split > size)
        split = size;
    bp_dataset *ds = NULL;
    bp_error err;
    if (bp_dataset_parse_idx(data, split, data + split, size - split, "fuzz",
                             NULL, &ds, &err) == BP_OK) {
        const bp_data d = bp_dataset_data(ds);
        for (int64_t i = 0; i < d.n; i++)
            if (d.label[i] < 0 || d.label[i] >= d.n_out)
                abort();
    }
    bp_dataset_free(ds);
    return 0;
}
