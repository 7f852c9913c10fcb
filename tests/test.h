/*
 * test.h - the tiny test harness every tests/test_*.c uses.
 *
 * Each check prints one line, "ok" or "FAIL" with the numbers side by
 * side; a check that cannot run here is a SKIP with its reason, counted
 * apart and never as a pass. A test program ends with tst_summary(),
 * which prints "<name>: N passed, N failed, N skipped" and returns the
 * exit status. tests/run.sh adds the programs' counts into the suite's
 * closing line.
 */
#ifndef BP_TEST_H
#define BP_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tst_passed, tst_failed, tst_skipped;
static int tst_verbose = 1;

static inline void tst_report(int ok, const char *file, int line,
                              const char *what)
{
    if (ok) {
        tst_passed++;
        if (tst_verbose)
            printf("  ok   %s\n", what);
    } else {
        tst_failed++;
        printf("  FAIL %s  (%s:%d)\n", what, file, line);
    }
}

/* A boolean check. */
#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        char tst_buf_[1024];                                                   \
        snprintf(tst_buf_, sizeof tst_buf_, __VA_ARGS__);                      \
        tst_report(!!(cond), __FILE__, __LINE__, tst_buf_);                    \
    } while (0)

/* A check that cannot run here, with the reason: counted apart, never as
 * a pass. */
#define SKIP(...)                                                              \
    do {                                                                       \
        char tst_buf_[1024];                                                   \
        snprintf(tst_buf_, sizeof tst_buf_, __VA_ARGS__);                      \
        tst_skipped++;                                                         \
        printf("  SKIP %s\n", tst_buf_);                                       \
    } while (0)

/* A status check: expr must return BP_OK. */
#define CHECK_OK(expr)                                                         \
    do {                                                                       \
        int tst_st_ = (int)(expr);                                             \
        char tst_buf_[1024];                                                   \
        snprintf(tst_buf_, sizeof tst_buf_, "%s -> %d", #expr, tst_st_);       \
        tst_report(tst_st_ == 0, __FILE__, __LINE__, tst_buf_);                \
    } while (0)

/* A status check: expr must return the given status. */
#define CHECK_STATUS(expr, want)                                               \
    do {                                                                       \
        int tst_st_ = (int)(expr);                                             \
        char tst_buf_[1024];                                                   \
        snprintf(tst_buf_, sizeof tst_buf_, "%s -> %d (want %d)", #expr,       \
                 tst_st_, (int)(want));                                        \
        tst_report(tst_st_ == (int)(want), __FILE__, __LINE__, tst_buf_);      \
    } while (0)

/* |got - want| <= tol * max(1, |want|): relative for large values,
 * absolute near zero. Prints both numbers. */
static inline int tst_close(double got, double want, double tol)
{
    double scale = fabs(want) > 1.0 ? fabs(want) : 1.0;
    return isfinite(got) && fabs(got - want) <= tol * scale;
}

#define CHECK_CLOSE(got, want, tol, ...)                                       \
    do {                                                                       \
        double tst_g_ = (double)(got), tst_w_ = (double)(want);                \
        char tst_name_[256], tst_buf_[512];                                    \
        snprintf(tst_name_, sizeof tst_name_, __VA_ARGS__);                    \
        snprintf(tst_buf_, sizeof tst_buf_, "%-28s got %.9f want %.9f",        \
                 tst_name_, tst_g_, tst_w_);                                   \
        tst_report(tst_close(tst_g_, tst_w_, (tol)), __FILE__, __LINE__,       \
                   tst_buf_);                                                  \
    } while (0)

/* Relative agreement: |got - want| <= tol * |want| (or <= tol if want==0). */
static inline int tst_rel(double got, double want, double tol)
{
    double d = fabs(got - want);
    return isfinite(got) && (want == 0.0 ? d <= tol : d <= tol * fabs(want));
}

#define CHECK_REL(got, want, tol, ...)                                         \
    do {                                                                       \
        double tst_g_ = (double)(got), tst_w_ = (double)(want);                \
        char tst_name_[256], tst_buf_[512];                                    \
        snprintf(tst_name_, sizeof tst_name_, __VA_ARGS__);                    \
        snprintf(tst_buf_, sizeof tst_buf_, "%-28s got %.9g want %.9g",        \
                 tst_name_, tst_g_, tst_w_);                                   \
        tst_report(tst_rel(tst_g_, tst_w_, (tol)), __FILE__, __LINE__,         \
                   tst_buf_);                                                  \
    } while (0)

/* Text a library call writes through a bp_write_fn, gathered in memory
 * (NUL-terminated; free s.p). */
typedef struct {
    char *p;
    size_t len, cap;
} tst_text;

static inline void tst_collect(void *ctx, const char *text, size_t len)
{
    tst_text *s = ctx;
    if (s->len + len + 1 > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 4096;
        while (cap < s->len + len + 1)
            cap *= 2;
        char *q = realloc(s->p, cap);
        if (!q)
            return;
        s->p = q;
        s->cap = cap;
    }
    memcpy(s->p + s->len, text, len);
    s->len += len;
    s->p[s->len] = '\0';
}

static inline int tst_summary(const char *name)
{
    printf("%s: %d passed, %d failed, %d skipped\n", name, tst_passed,
           tst_failed, tst_skipped);
    return tst_failed ? 1 : 0;
}

#endif
