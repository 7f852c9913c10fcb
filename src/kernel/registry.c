/*
 * registry.c - the table of kernels, best first, and the choice among
 * them: by name (BP_KERNEL, --kernel, bp_net_set_kernel) or the best
 * this CPU runs (cpuid on x86, the hardware capabilities on ARM). The
 * table is constant: the library keeps no mutable global state.
 */
#include "kernel/gemm.h"

#include <stdio.h>
#include <string.h>

static const bp_kernel *const table[] = {
#if !defined(BP_DOUBLE) && BP_KERNEL_X86
    &bp__kernel_avx512,
    &bp__kernel_avx2,
#endif
#if !defined(BP_DOUBLE) && BP_KERNEL_NEON
    &bp__kernel_neon,
#endif
    &bp__kernel_portable,
};
enum { N_TABLE = sizeof table / sizeof *table };

/* Every kernel any build has, for telling "unknown" from "not here". */
static const char *const all_names[] = {"portable", "avx2", "avx512", "neon"};

const bp_kernel *bp__kernel_at(int i)
{
    return i >= 0 && i < N_TABLE ? table[i] : NULL;
}

const bp_kernel *bp__kernel_best(void)
{
    for (int i = 0; i < N_TABLE; i++)
        if (table[i]->runs_here())
            return table[i];
    return &bp__kernel_portable;
}

bp_status bp__kernel_choose(const char *want, const bp_kernel **out, char *msg,
                            size_t len)
{
    if (!want || !*want || strcmp(want, "auto") == 0) {
        *out = bp__kernel_best();
        return BP_OK;
    }
    for (int i = 0; i < N_TABLE; i++)
        if (strcmp(table[i]->name, want) == 0) {
            if (!table[i]->runs_here()) {
                snprintf(msg, len,
                         "kernel '%s' needs %s, which this CPU "
                         "lacks (it runs '%s')",
                         want, table[i]->needs, bp__kernel_best()->name);
                return BP_ERR_ARG;
            }
            *out = table[i];
            return BP_OK;
        }
    for (size_t i = 0; i < sizeof all_names / sizeof *all_names; i++)
        if (strcmp(all_names[i], want) == 0) {
            snprintf(msg, len,
                     "kernel '%s' is not in this build "
#ifdef BP_DOUBLE
                     "(double precision runs the portable one only)"
#else
                     "(it is for another CPU family)"
#endif
                     ,
                     want);
            return BP_ERR_ARG;
        }
    snprintf(msg, len,
             "unknown kernel '%.40s' (auto, portable, avx2, "
             "avx512, neon)",
             want);
    return BP_ERR_ARG;
}

/* ---- the public view (backprop.h) ---- */

const char *bp_kernel_name(int i)
{
    const bp_kernel *k = bp__kernel_at(i);
    return k ? k->name : NULL;
}

int bp_kernel_available(const char *name)
{
    if (!name)
        return 0;
    for (int i = 0; i < N_TABLE; i++)
        if (strcmp(table[i]->name, name) == 0)
            return table[i]->runs_here();
    return 0;
}
