/*
 * train.c - bp_train: a whole training in one call, as a loop over the
 * step-level trainer (trainer.c).
 */
#include "core/internal.h"

#include <stdio.h>
#include <string.h>

bp_status bp_train(bp_net *net, const bp_data *train, const bp_train_opts *opts,
                   bp_train_result *result)
{
    if (!net)
        return BP_ERR_NULL;
    bp_trainer *tr;
    bp_error err;
    bp_status st = bp_trainer_create(net, train, opts, &tr, &err);
    if (st)
        return bp__fail(net, st, "%s", err.msg);
    st = bp_trainer_run(tr, result);
    if (st)
        bp__fail(net, st, "%s", bp_trainer_errmsg(tr));
    else
        bp__ok(net);
    bp_trainer_free(tr);
    return st;
}
