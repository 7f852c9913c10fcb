/*
 * mpi.c - synchronous data parallelism over MPI for `backprop train`.
 *
 * Every rank reads the data, shuffles it the same way (same seed) and
 * trains on its shard of each global batch; after the backward phase one
 * in-place MPI_Allreduce sums the single contiguous gradient buffer (and
 * a second, of three numbers, the batch's loss, correct and sample
 * counts). Every rank applies the same update, so the weights stay
 * identical (--debug-sync checks it). Rank 0 alone prints and writes.
 * Without BP_MPI the same functions describe one process.
 */
#include "mpi.h"

#ifdef BP_MPI
#include <mpi.h>
#include <stdint.h>

#ifdef BP_DOUBLE
#define BP_MPI_REAL MPI_DOUBLE
#else
#define BP_MPI_REAL MPI_FLOAT
#endif

void par_init(int *argc, char ***argv) { MPI_Init(argc, argv); }
void par_finalize(void) { MPI_Finalize(); }

int par_rank(void)
{
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int par_size(void)
{
    int n = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

int par_allreduce(void *ctx, bp_real *grads, size_t n, double stats[3])
{
    (void)ctx;
    /* counts above INT_MAX would need chunking; a network that large is
     * far beyond what this tool trains */
    if (n > 2147483647u)
        return -1;
    if (MPI_Allreduce(MPI_IN_PLACE, grads, (int)n, BP_MPI_REAL, MPI_SUM,
                      MPI_COMM_WORLD) != MPI_SUCCESS)
        return -1;
    return MPI_Allreduce(MPI_IN_PLACE, stats, 3, MPI_DOUBLE, MPI_SUM,
                         MPI_COMM_WORLD) != MPI_SUCCESS;
}

int par_same_everywhere(const bp_real *params, size_t n)
{
    /* FNV-1a over the bytes: the lowest and highest over all ranks
     * agree only if every rank holds the same bits */
    uint64_t h = 1469598103934665603ULL;
    const unsigned char *p = (const unsigned char *)params;
    for (size_t i = 0; i < n * sizeof *params; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    unsigned long long mine = h, lo, hi;
    MPI_Allreduce(&mine, &lo, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN,
                  MPI_COMM_WORLD);
    MPI_Allreduce(&mine, &hi, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX,
                  MPI_COMM_WORLD);
    return lo == hi;
}

void par_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

#else

void par_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}
void par_finalize(void) {}
int par_rank(void) { return 0; }
int par_size(void) { return 1; }

int par_allreduce(void *ctx, bp_real *grads, size_t n, double stats[3])
{
    (void)ctx, (void)grads, (void)n, (void)stats;
    return 0; /* one process: its sums are the sums */
}

int par_same_everywhere(const bp_real *params, size_t n)
{
    (void)params, (void)n;
    return 1;
}

void par_abort(int code) { (void)code; }

#endif
