/*
 * cli_util.c - parsing option values, with messages that name the option.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int cli_double(const char *cmd, const char *opt, const char *s, double lo,
               double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v)) {
        fprintf(stderr, "backprop %s: %s: '%s' is not a number\n", cmd, opt, s);
        return 1;
    }
    if (v < lo || v > hi) {
        fprintf(stderr, "backprop %s: %s: %s is not in %g..%g\n", cmd, opt, s,
                lo, hi);
        return 1;
    }
    *out = v;
    return 0;
}

int cli_int(const char *cmd, const char *opt, const char *s, long lo, long hi,
            int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno == ERANGE) {
        fprintf(stderr, "backprop %s: %s: '%s' is not an integer\n", cmd, opt,
                s);
        return 1;
    }
    if (v < lo || v > hi) {
        fprintf(stderr, "backprop %s: %s: %s is not in %ld..%ld\n", cmd, opt, s,
                lo, hi);
        return 1;
    }
    *out = (int)v;
    return 0;
}

int cli_list(const char *cmd, const char *opt, const char *s, bp_real *out,
             int max, int *n)
{
    *n = 0;
    const char *p = s;
    for (;;) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno == ERANGE || !isfinite(v) ||
            (*end && *end != ',')) {
            fprintf(stderr, "backprop %s: %s: item %d of '%s' is not a "
                    "number\n", cmd, opt, *n + 1, s);
            return 1;
        }
        if (*n == max) {
            fprintf(stderr, "backprop %s: %s: more than %d numbers\n", cmd,
                    opt, max);
            return 1;
        }
        out[(*n)++] = (bp_real)v;
        if (!*end)
            return 0;
        p = end + 1;
    }
}

void cli_write_file(void *file, const char *text, size_t len)
{
    fwrite(text, 1, len, (FILE *)file);
}
