/*
 * cnum.c - numbers in text in the C locale's form (cnum.h).
 *
 * Only the decimal point differs between locales for what strtod and
 * "%g" handle (no grouping, same digits and exponent), so the current
 * locale's decimal point is swapped for '.' on the way out, and '.' for
 * it on the way in. In the C locale (the command line, and any program
 * that never calls setlocale) both are the plain calls.
 */
#include "io/cnum.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The locale's decimal point, or NULL when it is ".". */
static const char *other_point(void)
{
    const struct lconv *lc = localeconv();
    const char *dp = lc ? lc->decimal_point : NULL;
    return dp && dp[0] && strcmp(dp, ".") != 0 ? dp : NULL;
}

double bp__strtod(const char *s, char **end)
{
    const char *dp = other_point();
    if (!dp)
        return strtod(s, end);
    /* s with '.' as dp and dp itself made unreadable; a number is never
     * this long, so a longer s is read as it is (and refused) */
    char buf[160];
    const size_t dl = strlen(dp);
    size_t n = 0, i = 0;
    for (; s[i] && n + dl < sizeof buf; i++) {
        if (s[i] == '.') {
            memcpy(buf + n, dp, dl);
            n += dl;
        } else
            buf[n++] = strchr(dp, s[i]) ? '\x01' : s[i];
    }
    if (s[i])
        return strtod(s, end);
    buf[n] = '\0';
    char *e;
    const double v = strtod(buf, &e);
    if (end) { /* back from buf's position to s's */
        size_t at = 0, k = 0;
        while (k < (size_t)(e - buf)) {
            k += s[at] == '.' ? dl : 1;
            at++;
        }
        *end = (char *)s + at;
    }
    return v;
}

int bp__fmt_g(char *buf, size_t size, int prec, double v)
{
    int n = snprintf(buf, size, "%.*g", prec, v);
    const char *dp = other_point();
    char *at;
    if (n > 0 && dp && (at = strstr(buf, dp)) != NULL) {
        const size_t dl = strlen(dp);
        *at = '.';
        memmove(at + 1, at + dl, strlen(at + dl) + 1);
        n -= (int)dl - 1;
    }
    return n;
}
