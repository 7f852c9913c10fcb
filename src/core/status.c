/*
 * status.c - status strings and error messages: the small plumbing
 * every other file leans on.
 */
#include "core/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *bp_status_str(bp_status status)
{
    switch (status) {
    case BP_OK:
        return "ok";
    case BP_ERR_NULL:
        return "NULL pointer";
    case BP_ERR_SIZE:
        return "bad size";
    case BP_ERR_ARG:
        return "invalid argument";
    case BP_ERR_NOMEM:
        return "out of memory";
    case BP_ERR_NONFINITE:
        return "NaN or Inf value";
    case BP_ERR_STATE:
        return "call out of order";
    case BP_ERR_IO:
        return "input/output error";
    case BP_ERR_FORMAT:
        return "malformed data";
    }
    return "unknown status";
}

int bp_real_size(void) { return (int)sizeof(bp_real); }

bp_status bp__fail(bp_net *net, bp_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(net->err, sizeof net->err, fmt, ap);
    va_end(ap);
    return st;
}

bp_status bp__fail_err(bp_error *err, bp_status st, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = st;
    }
    return st;
}
