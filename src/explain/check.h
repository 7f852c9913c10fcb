/*
 * check.h - explain's finite differences (check.c). Private to
 * src/explain.
 */
#ifndef BP_EXPLAIN_CHECK_H
#define BP_EXPLAIN_CHECK_H

#include "core/internal.h"

/* The network's parameters in double, followed by room for the
 * evaluation (2 x widest): the work array of bp__fd_at. Allocated through
 * the network's allocator (free with bp__free(&net->alloc, p)); NULL when
 * out of memory. */
double *bp__fd_params(const bp_net *net);
/* Five-point central difference of the error of sample (x, t) in
 * parameter i, in double (one sample: the mean and the sum over the batch
 * are the same). p is bp__fd_params' array, left as it was. */
double bp__fd_at(const bp_net *net, double *p, const bp_real *x,
                 const bp_real *t, size_t i);
/* The same for every parameter, into fd[n_params]. */
bp_status bp__finite_differences(const bp_net *net, const bp_real *x,
                                 const bp_real *t, double *fd);

#endif
