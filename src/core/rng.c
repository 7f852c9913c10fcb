/*
 * rng.c - the library's portable random numbers.
 *
 * xoshiro256** (Blackman and Vigna) seeded through splitmix64: integer
 * arithmetic only, so a seed gives the same stream everywhere. Normals use
 * the polar method with a logarithm of our own (bp__ln) and sqrt, which
 * IEEE 754 rounds correctly: libm's log may differ in the last bit between
 * platforms, ours cannot (this file is compiled without FMA contraction).
 */
#include "core/internal.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void bp_rng_seed(bp_rng *rng, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t bp_rng_next(bp_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double bp_rng_uniform(bp_rng *rng)
{
    return (double)(bp_rng_next(rng) >> 11) * 0x1.0p-53;
}

uint64_t bp_rng_below(bp_rng *rng, uint64_t n)
{
    if (n == 0)
        return 0;
    /* Reject the top partial copy of [0, n) so every value is equally
     * likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do
        r = bp_rng_next(rng);
    while (r >= limit);
    return r % n;
}

void bp_rng_shuffle(bp_rng *rng, int *idx, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)bp_rng_below(rng, (uint64_t)i + 1);
        int tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
    }
}

/* Natural logarithm of x > 0 from + - * / only: x = m 2^e with m in
 * [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...)
 * with s = (m - 1)/(m + 1), |s| < 0.172, so 14 terms reach double
 * precision. frexp and the arithmetic are exact or correctly rounded. */
double bp__ln(double x)
{
    static const double ln2 = 0.69314718055994530942;
    int e;
    double m = frexp(x, &e); /* m in [0.5, 1) */
    if (m < 0.70710678118654752440) {
        m *= 2;
        e -= 1;
    }
    double s = (m - 1) / (m + 1), s2 = s * s, term = s, sum = 0;
    for (int k = 1; k <= 29; k += 2) {
        sum += term / k;
        term *= s2;
    }
    return 2 * sum + e * ln2;
}

double bp_rng_normal(bp_rng *rng)
{
    for (;;) {
        double u = 2 * bp_rng_uniform(rng) - 1;
        double v = 2 * bp_rng_uniform(rng) - 1;
        double s = u * u + v * v;
        if (s > 0 && s < 1)
            return u * sqrt(-2 * bp__ln(s) / s);
    }
}
