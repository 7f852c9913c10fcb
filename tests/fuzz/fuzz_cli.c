/*
 * fuzz_cli.c - libFuzzer target for the command line: the input, split
 * at NUL bytes, becomes argv. Every combination must end in a message
 * and an exit status, never a crash. To keep each run short and
 * harmless, arguments with a '/' (no file outside the empty working
 * directory) or with numbers of more than three digits are not passed.
 * `playground` is left out: given a page it serves until killed (its
 * argument errors are tested in tests/playground/test_playground.mjs).
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[] = "/tmp/bp_fuzz_cli_XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0)
        abort();
    return 0;
}

static int harmless(const char *s)
{
    if (strchr(s, '/'))
        return 0;
    int digits = 0;
    for (; *s; s++) {
        digits = *s >= '0' && *s <= '9' ? digits + 1 : 0;
        if (digits > 3)
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size > 512)
        return 0;
    char *copy = malloc(size + 1);
    char *argv[33];
    int argc = 0;
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    argv[argc++] = (char *)"backprop";
    for (char *p = copy; p < copy + size && argc < 32; p += strlen(p) + 1) {
        if (!harmless(p)) {
            free(copy);
            return 0;
        }
        argv[argc++] = p;
    }
    argv[argc] = NULL;
    if (argc > 1 && strcmp(argv[1], "playground") == 0) {
        free(copy);
        return 0;
    }
    int rc = cli_main(argc, argv);
    if (rc < 0 || rc > 2)
        abort();
    free(copy);
    return 0;
}
