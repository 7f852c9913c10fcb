/*
 * summary.h - explain on one screen for a network of any size
 * (summary.c). Private to src/explain.
 */
#ifndef BP_EXPLAIN_SUMMARY_H
#define BP_EXPLAIN_SUMMARY_H

#include "explain/write.h"

/* The summary of net, a copy after its forward and backward phase on
 * (x, t) with error e_total; e1 and en are the errors after one and after
 * opts->steps updates in the standard [0] and layer-wise [1] order.
 * BP_ERR_NOMEM if its small work arrays cannot be had. */
bp_status bp__summary(out_t *o, const bp_net *net, const bp_real *x,
                      const bp_real *t, const bp_explain_opts *opts,
                      double e_total, const double e1[2], const double en[2]);

#endif
