/*
 * cpu.c - what this x86 CPU has, from cpuid (through the compiler's
 * __builtin_cpu_supports, which also checks that the operating system
 * saves the wide registers).
 */
#include "kernel/gemm.h"

#if BP_KERNEL_X86

#include <string.h>

int bp__x86_has(const char *feature)
{
    __builtin_cpu_init();
    if (strcmp(feature, "avx512f") == 0)
        return __builtin_cpu_supports("avx512f");
    if (strcmp(feature, "avx2") == 0)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return 0;
}

#endif
