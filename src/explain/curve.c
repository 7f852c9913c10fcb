/*
 * curve.c - an activation and its derivative at given points, computed by
 * the same block functions the phases run (act.c), for drawing them
 * (`backprop explain --activations`) and for the playground's menus.
 */
#include "core/internal.h"

#define CHUNK 64 /* points per pass, on the stack: no allocation */

bp_status bp_act_eval(bp_act act, double param, const double *z, int n,
                      double *out, double *dout)
{
    const bp_act_info *f = bp_act_describe(act);
    if (!f)
        return BP_ERR_ARG;
    if (n < 0 || (n && (!z || !out || !dout)))
        return n < 0 ? BP_ERR_SIZE : BP_ERR_NULL;
    /* a row-wise activation sees each point as the row (z, 0) and gives
     * its first output and the Jacobian's diagonal entry d out_1/d net_1 */
    const int m = (f->flags & BP_ACTF_ROWWISE) ? 2 : 1;
    bp_real zb[CHUNK * 2], ab[CHUNK * 2], g[CHUNK * 2], db[CHUNK * 2];
    for (int at = 0; at < n; at += CHUNK) {
        const int c = n - at < CHUNK ? n - at : CHUNK;
        for (int i = 0; i < c; i++)
            for (int k = 0; k < m; k++) {
                zb[i * m + k] = k ? 0 : (bp_real)z[at + i];
                g[i * m + k] = k ? 0 : 1;
            }
        bp__act_forward(act, (bp_real)param, zb, ab, c, m);
        bp__act_backward(act, (bp_real)param, zb, ab, g, db, c, m);
        for (int i = 0; i < c; i++) {
            out[at + i] = ab[i * m];
            dout[at + i] = db[i * m];
        }
    }
    return BP_OK;
}
