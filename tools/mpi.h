/*
 * mpi.h - what `backprop train` needs from MPI, and nothing when built
 * without it (make MPI=1 builds build-mpi/backprop with mpicc).
 */
#ifndef BP_CLI_MPI_H
#define BP_CLI_MPI_H

#include "backprop.h"

/* Start MPI if this is an MPI build (a no-op otherwise). */
void par_init(int *argc, char ***argv);
void par_finalize(void);
int par_rank(void);
int par_size(void);
/* A bp_grads_fn: sums gradients and figures over all ranks, in place. */
int par_allreduce(void *ctx, bp_real *grads, size_t n, double stats[3]);
/* 1 if every rank holds the same parameters (bitwise checksum). */
int par_same_everywhere(const bp_real *params, size_t n);
/* Stop every rank (a rank that cannot go on must not leave the others
 * waiting in a collective). */
void par_abort(int code);

#endif
