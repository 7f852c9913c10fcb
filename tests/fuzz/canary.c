/*
 * canary.c - a fuzz target that crashes on purpose: an input starting
 * with "crash" writes past a heap buffer, which AddressSanitizer reports.
 * Its seed corpus (tests/fuzz/corpus/canary) holds such an input, so the
 * crash comes on the first run. `make fuzz` runs it through
 * tests/fuzz/run.sh before the real targets and requires that run to
 * fail: proof that a crash in a real target fails `make fuzz` too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 5 && memcmp(data, "crash", 5) == 0) {
        char *p = malloc(4);
        volatile size_t i = 4;
        if (p)
            p[i] = 1; /* one past the end */
        free(p);
    }
    return 0;
}
