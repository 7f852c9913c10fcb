/*
 * data_fann.c - FANN training data (.data): a line "pairs inputs
 * outputs", then each pair's numbers, whitespace separated (they may
 * span lines, as FANN reads them). Read: one-hot output rows become
 * classes (numbered by position), other outputs numbers. Written: the
 * same layout, classes as one-hot rows of 0 and 1.
 */
#include "io/dataset.h"
#include "io/cnum.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t skip_bom(const unsigned char *p, size_t n)
{
    return n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

int bp__fann_sniff(const char *name, const unsigned char *p, size_t n)
{
    const size_t len = strlen(name);
    if (memchr(p, '\0', n))
        return 0;
    if ((len > 5 && strcmp(name + len - 5, ".data") == 0) ||
        (len > 8 && strcmp(name + len - 8, ".data.gz") == 0))
        return 2;
    /* a first line of exactly three positive integers */
    int nums = 0;
    size_t i = skip_bom(p, n);
    while (i < n && p[i] != '\n') {
        while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
            i++;
        if (i >= n || p[i] == '\n')
            break;
        if (!isdigit(p[i]))
            return 0;
        while (i < n && isdigit(p[i]))
            i++;
        nums++;
    }
    return nums == 3 ? 2 : 0;
}

typedef struct {
    const char *s, *end;
    int line;
} cursor;

static void skip_space(cursor *c)
{
    while (c->s < c->end && isspace((unsigned char)*c->s))
        c->line += *c->s++ == '\n';
}

static bp_status read_head(const bp__rd *r, cursor *c, long head[3])
{
    for (int k = 0; k < 3; k++) {
        skip_space(c);
        char *e;
        errno = 0;
        head[k] = strtol(c->s, &e, 10);
        if (e == c->s || errno || head[k] < 1 || head[k] > (1L << 24))
            return bp__rd_fail(r, BP_ERR_FORMAT,
                               ":%d: expected 'pairs inputs "
                               "outputs' (three positive integers)",
                               c->line);
        c->s = e;
    }
    return BP_OK;
}

static bp_status read_numbers(const bp__rd *r, cursor *c, bp_dataset *ds)
{
    const int width = ds->n_in + ds->n_out;
    for (int64_t i = 0; i < ds->n; i++)
        for (int k = 0; k < width; k++) {
            skip_space(c);
            if (c->s >= c->end)
                return bp__rd_fail(r, BP_ERR_FORMAT,
                                   ":%d: the file ends in "
                                   "pair %lld of %lld",
                                   c->line, (long long)i + 1, (long long)ds->n);
            const char *w = c->s;
            while (c->s < c->end && !isspace((unsigned char)*c->s))
                c->s++;
            char word[64], shown[BP_CLIP_CAP];
            const size_t len = (size_t)(c->s - w);
            double v;
            if (len < sizeof word) {
                memcpy(word, w, len);
                word[len] = '\0';
            }
            if (len >= sizeof word || !bp__number(word, &v))
                return bp__rd_fail(r, BP_ERR_FORMAT,
                                   ":%d: '%s' is not a "
                                   "finite number",
                                   c->line, bp__clip(shown, w, len));
            if (k < ds->n_in)
                ds->x[(size_t)i * (size_t)ds->n_in + (size_t)k] = (bp_real)v;
            else
                ds->t[(size_t)i * (size_t)ds->n_out + (size_t)(k - ds->n_in)] =
                    (bp_real)v;
        }
    skip_space(c);
    if (c->s < c->end)
        return bp__rd_fail(r, BP_ERR_FORMAT,
                           ":%d: more numbers than the %lld "
                           "pairs declared",
                           c->line, (long long)ds->n);
    return BP_OK;
}

/* Outputs that are one-hot rows (one 1, the rest 0 or -1) become class
 * indices, when the options allow. */
static bp_status to_classes(const bp__rd *r, bp_dataset *ds)
{
    int onehot = ds->n_out >= 2;
    for (int64_t i = 0; onehot && i < ds->n; i++) {
        int ones = 0;
        for (int j = 0; j < ds->n_out; j++) {
            const bp_real v = ds->t[(size_t)i * (size_t)ds->n_out + (size_t)j];
            ones += v == 1;
            onehot &= v == 1 || v == 0 || v == -1;
        }
        onehot &= ones == 1;
    }
    const bp_choice want = bp__classes_wanted(r);
    if (want == BP_YES && !onehot)
        return bp__rd_fail(r, BP_ERR_FORMAT,
                           ": classes asked for, but the "
                           "outputs are not one-hot rows");
    if (want == BP_NO || !onehot)
        return BP_OK;
    ds->label = bp__dalloc(ds, bp__bytes((uint64_t)ds->n, sizeof(int32_t)));
    if (!ds->label)
        return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
    for (int64_t i = 0; i < ds->n; i++) {
        const bp_real *row = ds->t + (size_t)i * (size_t)ds->n_out;
        int j = 0;
        while (row[j] != 1)
            j++;
        ds->label[i] = j;
    }
    bp__dfree(ds, ds->t);
    ds->t = NULL;
    return bp__positional_classes(r, ds, ds->n_out);
}

bp_status bp__fann_parse(const bp__rd *r, unsigned char *p, size_t n,
                         bp_dataset *ds)
{
    const size_t bom = skip_bom(p, n);
    cursor c = {(const char *)p + bom, (const char *)p + n, 1};
    long head[3];
    bp_status st = read_head(r, &c, head);
    if (st)
        return st;
    ds->format = "fann";
    ds->n = head[0];
    ds->n_in = (int)head[1];
    ds->n_out = (int)head[2];
    /* each number takes a byte at least: refuse before allocating */
    if ((double)ds->n * (ds->n_in + ds->n_out) > (double)n)
        return bp__rd_fail(r, BP_ERR_FORMAT,
                           ": declares %lld pairs of %d + %d "
                           "numbers, more than the file holds",
                           (long long)ds->n, ds->n_in, ds->n_out);
    ds->x = bp__dalloc(
        ds, bp__bytes((uint64_t)ds->n * (uint64_t)ds->n_in, sizeof(bp_real)));
    ds->t = bp__dalloc(
        ds, bp__bytes((uint64_t)ds->n * (uint64_t)ds->n_out, sizeof(bp_real)));
    if (!ds->x || !ds->t)
        return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
    if ((st = read_numbers(r, &c, ds)))
        return st;
    return to_classes(r, ds);
}

/* ------------------------------------------------------------- writing */

static void put_number(bp_write_fn write, void *ctx, double v, const char *sep)
{
    char s[40];
    write(ctx, sep, strlen(sep));
    const int len = bp__fmt_g(s, sizeof s, sizeof(bp_real) == 8 ? 17 : 9, v);
    write(ctx, s, (size_t)len);
}

void bp__fann_write(const bp_dataset *ds, int repeat, bp_write_fn write,
                    void *ctx)
{
    char head[80];
    int len = snprintf(head, sizeof head, "%lld %d %d\n",
                       (long long)ds->n * repeat, ds->n_in, ds->n_out);
    write(ctx, head, (size_t)len);
    for (int rep = 0; rep < repeat; rep++)
        for (int64_t i = 0; i < ds->n; i++) {
            const bp_real *x = ds->x + (size_t)i * (size_t)ds->n_in;
            for (int k = 0; k < ds->n_in; k++)
                put_number(write, ctx, x[k], k ? " " : "");
            write(ctx, "\n", 1);
            for (int j = 0; j < ds->n_out; j++)
                put_number(
                    write, ctx,
                    ds->label
                        ? (double)(ds->label[i] == j)
                        : (double)
                              ds->t[(size_t)i * (size_t)ds->n_out + (size_t)j],
                    j ? " " : "");
            write(ctx, "\n", 1);
        }
}
