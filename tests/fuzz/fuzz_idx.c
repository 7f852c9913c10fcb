/*
 * fuzz_idx.c - libFuzzer target for the IDX (MNIST layout) reader. The
 * first two bytes say where the images file ends and the labels file
 * begins in the rest of the input.
 */
#include "dataload.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* (make fuzz runs with -close_fd_mask=3: the messages are noise) */
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t split = (size_t)data[0] << 8 | data[1];
    data += 2;
    size -= 2;
    if (split > size)
        split = size;
    cli_data d;
    if (cli_data_parse_idx("fuzz", data, split, data + split, size - split,
                           &d) == 0)
        cli_data_free(&d);
    return 0;
}
