/*
 * stats.h - the summary's numbers (stats.c). Private to src/explain.
 */
#ifndef BP_EXPLAIN_STATS_H
#define BP_EXPLAIN_STATS_H

#include "core/internal.h"

/* stats[l] for every layer of net, read from what its last forward and
 * backward phase (one sample) left in it; lr sizes the update. */
void bp__layer_stats(const bp_net *net, double lr, bp_layer_stats *stats);

/* A copy of src after its forward and backward phase on (x, t): the
 * numbers explain shows. *loss gets the error. On failure *out is NULL
 * and err says why ("explain: ..."). */
bp_status bp__explained_copy(const bp_net *src, const bp_real *x,
                             const bp_real *t, bp_net **out, double *loss,
                             bp_error *err);

#endif
