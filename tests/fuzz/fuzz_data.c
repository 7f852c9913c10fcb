/*
 * fuzz_data.c - libFuzzer target for the CSV/TSV and FANN .data readers:
 * any bytes give a data set or a one-line message, never a crash, a leak
 * or undefined behaviour. The first byte picks the reader's options and
 * whether the name ends in .data (FANN) or .csv.
 */
#include "dataload.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* (make fuzz runs with -close_fd_mask=3: the messages are noise) */
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const label[] = {NULL, "1", "2,3", "kind"};
    static const char *const yes_no[] = {NULL, "yes", "no", "auto"};
    const unsigned char c = data[0];
    cli_data_opts o = {label[c & 3], yes_no[(c >> 2) & 3], yes_no[(c >> 4) & 3],
                       "train", (c & 0x40) ? 2 : 0};
    cli_data d;
    if (cli_data_parse((c & 0x80) ? "fuzz.data" : "fuzz.csv", data + 1,
                       size - 1, &o, &d) == 0) {
        /* a data set that loads is whole: every number finite */
        for (size_t i = 0; i < (size_t)d.n * d.n_in; i++)
            if (!(d.x[i] == d.x[i]) || d.x[i] - d.x[i] != 0)
                abort();
        cli_data_free(&d);
    }
    return 0;
}
