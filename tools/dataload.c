/*
 * dataload.c - data sets for the commands: CSV/TSV, FANN .data, and IDX
 * (the MNIST layout, plain or gzip) files or directories; class labels
 * matched by name; validation splits; input scaling.
 *
 * Every failure prints one line naming the file and, where it applies,
 * the line and column, and returns non-zero.
 */
#define _POSIX_C_SOURCE 200809L
#include "dataload.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef BP_HAVE_ZLIB
#include <zlib.h>
#endif

#define MAX_FILE ((size_t)1 << 34)
#define MAX_AUTO_CLASSES 100

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "backprop: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return -1;
}

void cli_data_free(cli_data *d)
{
    if (!d)
        return;
    if (d->map) {
        munmap(d->map, d->map_len);
    } else {
        free(d->x);
        free(d->t);
    }
    free(d->scale_offset);
    free(d->scale_factor);
    for (int i = 0; d->class_names && i < d->n_classes; i++)
        free(d->class_names[i]);
    free(d->class_names);
    memset(d, 0, sizeof *d);
}

static char *strndup_(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* Read a whole file, gunzipping it if it starts with gzip's magic. */
static int read_all(const char *path, unsigned char **out, size_t *n)
{
#ifdef BP_HAVE_ZLIB
    gzFile g = gzopen(path, "rb");
    if (!g)
        return say("%s: %s", path, strerror(errno ? errno : ENOENT));
    size_t cap = 1 << 20, len = 0;
    unsigned char *p = malloc(cap);
    for (;;) {
        if (!p) {
            gzclose(g);
            return say("%s: out of memory", path);
        }
        int got = gzread(g, p + len, (unsigned)(cap - len > (1u << 30) ? 1u << 30 : cap - len));
        if (got < 0) {
            int e;
            const char *msg = gzerror(g, &e);
            free(p);
            gzclose(g);
            return say("%s: %s", path, e == Z_ERRNO ? strerror(errno) : msg);
        }
        len += (size_t)got;
        if (got == 0)
            break;
        if (len == cap) {
            if (cap >= MAX_FILE) {
                free(p);
                gzclose(g);
                return say("%s: larger than %zu bytes", path, MAX_FILE);
            }
            unsigned char *q = realloc(p, cap * 2);
            if (!q)
                free(p);
            p = q;
            cap *= 2;
        }
    }
    gzclose(g);
#else
    FILE *f = fopen(path, "rb");
    if (!f)
        return say("%s: %s", path, strerror(errno));
    size_t cap = 1 << 20, len = 0;
    unsigned char *p = malloc(cap);
    while (p) {
        len += fread(p + len, 1, cap - len, f);
        if (len < cap)
            break;
        unsigned char *q = cap < MAX_FILE ? realloc(p, cap * 2) : NULL;
        if (!q)
            free(p);
        p = q;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!p)
        return say("%s: out of memory or too large", path);
    if (bad) {
        free(p);
        return say("%s: read error", path);
    }
    if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        free(p);
        return say("%s: gzip-compressed, but backprop was built without zlib",
                   path);
    }
#endif
    *out = p;
    *n = len;
    return 0;
}

/* ------------------------------------------------------------- classes */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_num(const void *a, const void *b)
{
    double x = strtod(*(char *const *)a, NULL), y = strtod(*(char *const *)b, NULL);
    return (x > y) - (x < y);
}

static int find_class(char **names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* One-hot targets from per-sample label strings; classes sorted (numerically
 * if every label is a number). */
static int make_classes(cli_data *d, char **labels, const char *path)
{
    char **names = malloc((size_t)d->n * sizeof *names);
    if (!names)
        return say("%s: out of memory", path);
    int k = 0, numeric = 1;
    for (int i = 0; i < d->n; i++) {
        if (find_class(names, k, labels[i]) < 0)
            names[k++] = labels[i];
        char *end;
        strtod(labels[i], &end);
        numeric &= *end == '\0' && end != labels[i];
    }
    qsort(names, (size_t)k, sizeof *names, numeric ? cmp_num : cmp_str);
    d->class_names = calloc((size_t)k, sizeof *d->class_names);
    d->t = calloc((size_t)d->n * k, sizeof *d->t);
    if (!d->class_names || !d->t) {
        free(names);
        return say("%s: out of memory", path);
    }
    d->n_classes = k;
    d->n_out = k;
    for (int j = 0; j < k; j++)
        if (!(d->class_names[j] = strndup_(names[j], strlen(names[j])))) {
            free(names);
            return say("%s: out of memory", path);
        }
    for (int i = 0; i < d->n; i++)
        d->t[(size_t)i * k + find_class(d->class_names, k, labels[i])] = 1;
    free(names);
    return 0;
}

/* ----------------------------------------------------------------- CSV */

typedef struct {
    char **f;      /* fields of all rows, row-major */
    size_t count;  /* fields allocated (a failed parse stops mid-row) */
    int *line;     /* line number of each row */
    int rows, cols;
} table;

static void free_table(table *t)
{
    for (size_t i = 0; t->f && i < t->count; i++)
        free(t->f[i]);
    free(t->f);
    free(t->line);
}

static char detect_delim(const char *s, size_t n)
{
    int c = 0, tab = 0, semi = 0, q = 0;
    for (size_t i = 0; i < n && s[i] != '\n'; i++) {
        if (s[i] == '"')
            q = !q;
        else if (!q)
            c += s[i] == ',', tab += s[i] == '\t', semi += s[i] == ';';
    }
    return tab > c && tab >= semi ? '\t' : semi > c ? ';' : ',';
}

/* Split the text into a rectangular table of fields. */
static int parse_csv(const char *path, const char *s, size_t n, table *t)
{
    const char delim = detect_delim(s, n);
    size_t cap = 1024, count = 0, rows_cap = 64;
    memset(t, 0, sizeof *t);
    t->f = malloc(cap * sizeof *t->f);
    t->line = malloc(rows_cap * sizeof *t->line);
    if (!t->f || !t->line)
        return say("%s: out of memory", path);
    char *field = malloc(n + 1);
    if (!field)
        return say("%s: out of memory", path);
    int line = 1, row_fields = 0;
    size_t i = 0;
    while (i < n) {
        /* skip blank lines */
        if (row_fields == 0 && (s[i] == '\n' || s[i] == '\r')) {
            line += s[i] == '\n';
            i++;
            continue;
        }
        size_t len = 0;
        const int start_line = line;
        if (s[i] == '"') {
            i++;
            for (;;) {
                if (i >= n) {
                    free(field);
                    return say("%s:%d: a quoted field is never closed", path,
                               start_line);
                }
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        field[len++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                line += s[i] == '\n';
                field[len++] = s[i++];
            }
            while (i < n && (s[i] == ' ' || s[i] == '\t') && s[i] != delim)
                i++;
        } else {
            while (i < n && s[i] != delim && s[i] != '\n' && s[i] != '\r')
                field[len++] = s[i++];
            while (len > 0 && (field[len - 1] == ' ' || field[len - 1] == '\t'))
                len--; /* trailing spaces; leading ones are skipped below */
        }
        size_t lead = 0;
        while (lead < len && (field[lead] == ' ' || field[lead] == '\t'))
            lead++;
        if (count == cap) {
            char **q = realloc(t->f, 2 * cap * sizeof *q);
            if (!q) {
                free(field);
                return say("%s: out of memory", path);
            }
            t->f = q;
            cap *= 2;
        }
        t->count = count + 1;
        if (!(t->f[count++] = strndup_(field + lead, len - lead))) {
            free(field);
            return say("%s: out of memory", path);
        }
        row_fields++;
        int end_row = i >= n || s[i] == '\n' || s[i] == '\r';
        if (!end_row && s[i] != delim) {
            free(field);
            return say("%s:%d: text after a closing quote", path, line);
        }
        if (!end_row) {
            i++; /* the delimiter */
            if (i >= n || s[i] == '\n' || s[i] == '\r') {
                /* a trailing delimiter: one more, empty field */
                if (count == cap) {
                    char **q = realloc(t->f, 2 * cap * sizeof *q);
                    if (!q) {
                        free(field);
                        return say("%s: out of memory", path);
                    }
                    t->f = q;
                    cap *= 2;
                }
                t->count = count + 1;
                t->f[count++] = strndup_("", 0);
                row_fields++;
                end_row = 1;
            }
        }
        if (end_row) {
            if (t->rows == 0)
                t->cols = row_fields;
            else if (row_fields != t->cols) {
                free(field);
                return say("%s:%d: %d fields, but the first row has %d", path,
                           start_line, row_fields, t->cols);
            }
            if ((size_t)t->rows == rows_cap) {
                int *q = realloc(t->line, 2 * rows_cap * sizeof *q);
                if (!q) {
                    free(field);
                    return say("%s: out of memory", path);
                }
                t->line = q;
                rows_cap *= 2;
            }
            t->line[t->rows++] = start_line;
            row_fields = 0;
            if (i < n && s[i] == '\r')
                i++;
            if (i < n && s[i] == '\n') {
                i++;
                line++;
            }
        }
    }
    free(field);
    if (t->rows == 0)
        return say("%s: no data", path);
    return 0;
}

/* A number the library can hold: finite as a double and, in a float32
 * build, as a float (1e39 is a double but overflows a float; the fuzzer
 * found that one). */
static int fits(double v)
{
    return isfinite(v) && isfinite((bp_real)v);
}

static int is_number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && errno != ERANGE && fits(*v);
}

/* Which columns are labels: a list of 1-based indices or header names. */
static int label_columns(const char *path, const char *spec, const table *t,
                         int header, int *is_label, int *n_labels)
{
    *n_labels = 0;
    memset(is_label, 0, (size_t)t->cols * sizeof *is_label);
    if (!spec) {
        is_label[t->cols - 1] = 1;
        *n_labels = 1;
        return 0;
    }
    const char *p = spec;
    while (*p) {
        size_t len = strcspn(p, ",");
        char *name = strndup_(p, len);
        if (!name)
            return say("out of memory");
        char *end;
        long idx = strtol(name, &end, 10);
        int col = -1;
        if (*end == '\0' && end != name) {
            if (idx >= 1 && idx <= t->cols)
                col = (int)idx - 1;
        } else if (header) {
            for (int c = 0; c < t->cols; c++)
                if (strcmp(t->f[c], name) == 0)
                    col = c;
        }
        if (col < 0) {
            say("%s: --label: no column '%s' (%d columns%s)", path, name,
                t->cols, header ? "" : ", no header line");
            free(name);
            return -1;
        }
        free(name);
        if (!is_label[col]++)
            ++*n_labels;
        p += len + (p[len] == ',');
    }
    if (*n_labels >= t->cols)
        return say("%s: --label: every column is a label; no inputs left",
                   path);
    return 0;
}

static int load_csv(const char *path, const cli_data_opts *o,
                    const unsigned char *text, size_t size, cli_data *d)
{
    table t;
    int rc = -1, *is_label = NULL;
    char **labels = NULL;
    if (parse_csv(path, (const char *)text, size, &t))
        goto out;
    /* header: yes, no, or auto (a non-number in the first row where the
     * second row has a number) */
    int header = 0;
    if (o->header && strcmp(o->header, "yes") == 0)
        header = 1;
    else if (!o->header || strcmp(o->header, "auto") == 0) {
        double v;
        for (int c = 0; c < t.cols && t.rows > 1; c++)
            if (!is_number(t.f[c], &v) && is_number(t.f[t.cols + c], &v))
                header = 1;
    } else if (strcmp(o->header, "no") != 0) {
        say("--header: use auto, yes or no");
        goto out;
    }
    d->n = t.rows - header;
    if (d->n < 1) {
        say("%s: a header and no data", path);
        goto out;
    }
    is_label = calloc((size_t)t.cols, sizeof *is_label);
    int n_labels = 0;
    if (!is_label) {
        say("%s: out of memory", path);
        goto out;
    }
    if (o->inputs_only > 0 && t.cols == o->inputs_only) {
        /* inputs alone: nothing to learn from, something to predict */
        d->n_in = t.cols;
        if (!(d->x = malloc((size_t)d->n * d->n_in * sizeof *d->x))) {
            say("%s: out of memory", path);
            goto out;
        }
        for (int i = 0; i < d->n; i++)
            for (int c = 0; c < t.cols; c++) {
                const int r = i + header;
                double v;
                const char *f = t.f[(size_t)r * t.cols + c];
                if (!is_number(f, &v)) {
                    say("%s:%d:%d: '%s' is not a finite number", path,
                        t.line[r], c + 1, f);
                    goto out;
                }
                d->x[(size_t)i * d->n_in + c] = (bp_real)v;
            }
        rc = 0;
        goto out;
    }
    if (label_columns(path, o->label, &t, header, is_label, &n_labels))
        goto out;
    d->n_in = t.cols - n_labels;
    d->x = malloc((size_t)d->n * d->n_in * sizeof *d->x);
    labels = calloc((size_t)d->n, sizeof *labels);
    if (!d->x || !labels) {
        say("%s: out of memory", path);
        goto out;
    }
    /* classes or numbers? */
    int label_col = 0;
    for (int c = 0; c < t.cols; c++)
        if (is_label[c])
            label_col = c;
    int classify;
    if (o->classes && strcmp(o->classes, "yes") == 0)
        classify = 1;
    else if (o->classes && strcmp(o->classes, "no") == 0)
        classify = 0;
    else if (o->classes && strcmp(o->classes, "auto") != 0) {
        say("--classes: use auto, yes or no");
        goto out;
    } else if (n_labels > 1) {
        classify = 0;
    } else {
        /* auto: any non-number, or only a few small whole numbers >= 0 */
        int numbers = 1, small_ints = 1, distinct = 0;
        char **seen = malloc((size_t)d->n * sizeof *seen);
        if (!seen) {
            say("%s: out of memory", path);
            goto out;
        }
        for (int i = 0; i < d->n; i++) {
            const char *s = t.f[(size_t)(i + header) * t.cols + label_col];
            double v;
            if (!is_number(s, &v))
                numbers = 0;
            else if (v < 0 || v != floor(v) || v > 1000)
                small_ints = 0;
            if (find_class(seen, distinct, s) < 0 && distinct <= MAX_AUTO_CLASSES)
                seen[distinct++] = (char *)s;
        }
        free(seen);
        classify = !numbers || (small_ints && distinct <= MAX_AUTO_CLASSES &&
                                distinct < d->n);
    }
    if (classify && n_labels > 1) {
        say("%s: classes need exactly one --label column", path);
        goto out;
    }
    if (!classify) {
        d->n_out = n_labels;
        if (!(d->t = malloc((size_t)d->n * n_labels * sizeof *d->t))) {
            say("%s: out of memory", path);
            goto out;
        }
    }
    for (int i = 0; i < d->n; i++) {
        const int r = i + header;
        int xi = 0, ti = 0;
        for (int c = 0; c < t.cols; c++) {
            const char *s = t.f[(size_t)r * t.cols + c];
            double v;
            if (is_label[c] && classify) {
                if (!*s) {
                    say("%s:%d:%d: the label is missing", path, t.line[r], c + 1);
                    goto out;
                }
                labels[i] = (char *)s;
                continue;
            }
            if (!*s) {
                say("%s:%d:%d: missing value%s%s", path, t.line[r], c + 1,
                    header ? " in column " : "", header ? t.f[c] : "");
                goto out;
            }
            if (!is_number(s, &v)) {
                say("%s:%d:%d: '%s' is not a finite number%s%s%s", path,
                    t.line[r], c + 1, s, header ? " (column " : "",
                    header ? t.f[c] : "", header ? ")" : "");
                if (header)
                    fprintf(stderr, "backprop: (use --label to choose the "
                            "label column)\n");
                goto out;
            }
            if (is_label[c])
                d->t[(size_t)i * n_labels + ti++] = (bp_real)v;
            else
                d->x[(size_t)i * d->n_in + xi++] = (bp_real)v;
        }
    }
    if (classify && make_classes(d, labels, path))
        goto out;
    rc = 0;
out:
    free(labels);
    free(is_label);
    free_table(&t);
    return rc;
}

/* ---------------------------------------------------------- FANN .data */

static int load_fann(const char *path, const cli_data_opts *o,
                     const unsigned char *text, size_t size, cli_data *d)
{
    const char *s = (const char *)text, *end = s + size;
    int line = 1;
    long head[3];
    /* numbers are whitespace separated and may span lines, as in FANN */
    for (int k = 0; k < 3; k++) {
        while (s < end && isspace((unsigned char)*s))
            line += *s++ == '\n';
        char *e;
        errno = 0;
        head[k] = strtol(s, &e, 10);
        if (e == s || errno || head[k] < 1 || head[k] > (1L << 24))
            return say("%s:%d: expected 'pairs inputs outputs' (three "
                       "positive integers)", path, line);
        s = e;
    }
    d->n = (int)head[0];
    d->n_in = (int)head[1];
    d->n_out = (int)head[2];
    /* each number takes a byte at least: refuse before allocating */
    if ((double)d->n * (d->n_in + d->n_out) > (double)size)
        return say("%s: declares %d pairs of %d + %d numbers, more than the "
                   "file holds", path, d->n, d->n_in, d->n_out);
    d->x = malloc((size_t)d->n * d->n_in * sizeof *d->x);
    d->t = malloc((size_t)d->n * d->n_out * sizeof *d->t);
    if (!d->x || !d->t)
        return say("%s: out of memory", path);
    for (int i = 0; i < d->n; i++)
        for (int k = 0; k < d->n_in + d->n_out; k++) {
            while (s < end && isspace((unsigned char)*s))
                line += *s++ == '\n';
            if (s >= end)
                return say("%s:%d: the file ends in pair %d of %d", path, line,
                           i + 1, d->n);
            char *e;
            errno = 0;
            double v = strtod(s, &e);
            if (e == s || errno == ERANGE || !fits(v)) {
                int len = 0;
                while (s + len < end && !isspace((unsigned char)s[len]) && len < 20)
                    len++;
                return say("%s:%d: '%.*s' is not a finite number", path, line,
                           len, s);
            }
            s = e;
            if (k < d->n_in)
                d->x[(size_t)i * d->n_in + k] = (bp_real)v;
            else
                d->t[(size_t)i * d->n_out + k - d->n_in] = (bp_real)v;
        }
    while (s < end && isspace((unsigned char)*s))
        line += *s++ == '\n';
    if (s < end)
        return say("%s:%d: more numbers than the %d pairs declared", path,
                   line, d->n);
    /* one-hot rows become classes (auto), or numbers stay numbers */
    int onehot = d->n_out >= 2;
    for (int i = 0; onehot && i < d->n; i++) {
        int ones = 0;
        for (int j = 0; j < d->n_out; j++) {
            bp_real v = d->t[(size_t)i * d->n_out + j];
            ones += v == 1;
            onehot &= v == 1 || v == 0 || v == -1;
        }
        onehot &= ones == 1;
    }
    int classify = o->classes && strcmp(o->classes, "yes") == 0 ? 1
                   : o->classes && strcmp(o->classes, "no") == 0 ? 0
                                                                   : onehot;
    if (classify && !onehot)
        return say("%s: --classes yes, but the outputs are not one-hot rows",
                   path);
    if (classify) {
        d->positional = 1;
        d->n_classes = d->n_out;
        d->class_names = calloc((size_t)d->n_out, sizeof *d->class_names);
        if (!d->class_names)
            return say("%s: out of memory", path);
        for (int j = 0; j < d->n_out; j++) {
            char name[16];
            snprintf(name, sizeof name, "%d", j);
            if (!(d->class_names[j] = strndup_(name, strlen(name))))
                return say("%s: out of memory", path);
        }
        for (size_t i = 0; i < (size_t)d->n * d->n_out; i++)
            d->t[i] = d->t[i] == 1;
    }
    return 0;
}

/* ----------------------------------------------------------------- IDX */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An IDX file of unsigned bytes in memory: its dimensions and data. */
static int idx_parse(const char *path, int want_dims, const unsigned char *buf,
                     size_t n, uint32_t dims[3], const unsigned char **data)
{
    if (n < 4 || buf[0] || buf[1] || buf[2] != 0x08 || buf[3] != want_dims)
        return say("%s: not an IDX file of unsigned bytes with %d dimensions "
                   "(bad magic number)", path, want_dims);
    if (n < 4 + 4u * want_dims)
        return say("%s: truncated header", path);
    double total = 1;
    for (int k = 0; k < want_dims; k++) {
        dims[k] = be32(buf + 4 + 4 * k);
        total *= dims[k];
    }
    if (dims[0] == 0 || dims[0] > (1u << 30) || total > 1e10 ||
        (want_dims == 3 && (double)dims[1] * dims[2] > (1 << 24)))
        return say("%s: impossible dimensions", path);
    if ((double)(n - 4 - 4u * want_dims) != total)
        return say("%s: %zu data bytes, but the header says %.0f", path,
                   n - 4 - 4u * want_dims, total);
    *data = buf + 4 + 4 * want_dims;
    return 0;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* <dir>/<split>-images-idx3-ubyte[.gz] and ...-labels-idx1-ubyte[.gz] */
static int idx_paths(const char *dir, const char *split, char *img, char *lab,
                     size_t cap)
{
    static const char *const suffix[] = {"", ".gz"};
    for (int s = 0; s < 2; s++) {
        snprintf(img, cap, "%s/%s-images-idx3-ubyte%s", dir, split, suffix[s]);
        if (exists(img))
            break;
    }
    for (int s = 0; s < 2; s++) {
        snprintf(lab, cap, "%s/%s-labels-idx1-ubyte%s", dir, split, suffix[s]);
        if (exists(lab))
            break;
    }
    if (!exists(img) || !exists(lab))
        return say("%s: no %s-images-idx3-ubyte[.gz] and %s-labels-idx1-ubyte"
                   "[.gz] here (an IDX directory like Fashion-MNIST's)", dir,
                   split, split);
    return 0;
}

/* Images [n][rows][cols] and labels [n] become inputs and classes. */
static int idx_data(const char *img, const uint32_t idim[3],
                    const unsigned char *ip, const char *lab,
                    const uint32_t ldim[1], const unsigned char *lp,
                    cli_data *d)
{
    if (idim[0] != ldim[0])
        return say("%s: %u images but %s has %u labels", img, idim[0], lab,
                   ldim[0]);
    d->n = (int)idim[0];
    d->n_in = (int)(idim[1] * idim[2]);
    if (d->n_in < 1)
        return say("%s: images of %u x %u pixels", img, idim[1], idim[2]);
    int k = 0;
    for (uint32_t i = 0; i < ldim[0]; i++)
        k = lp[i] + 1 > k ? lp[i] + 1 : k;
    if (k < 2)
        k = 2;
    d->n_out = d->n_classes = k;
    d->positional = 1;
    d->x = malloc((size_t)d->n * d->n_in * sizeof *d->x);
    d->t = calloc((size_t)d->n * k, sizeof *d->t);
    d->class_names = calloc((size_t)k, sizeof *d->class_names);
    if (!d->x || !d->t || !d->class_names)
        return say("%s: out of memory", img);
    for (int j = 0; j < k; j++) {
        char name[16];
        snprintf(name, sizeof name, "%d", j);
        if (!(d->class_names[j] = strndup_(name, strlen(name))))
            return say("out of memory");
    }
    for (size_t i = 0; i < (size_t)d->n * d->n_in; i++)
        d->x[i] = ip[i];
    for (int i = 0; i < d->n; i++)
        d->t[(size_t)i * k + lp[i]] = 1;
    return 0;
}

int cli_data_parse_idx(const char *name, const unsigned char *img, size_t n_img,
                       const unsigned char *lab, size_t n_lab, cli_data *d)
{
    uint32_t idim[3], ldim[3];
    const unsigned char *ip, *lp;
    memset(d, 0, sizeof *d);
    int rc = idx_parse(name, 3, img, n_img, idim, &ip) ||
             idx_parse(name, 1, lab, n_lab, ldim, &lp) ||
             idx_data(name, idim, ip, name, ldim, lp, d) ? -1 : 0;
    if (rc)
        cli_data_free(d);
    return rc;
}

static int load_idx_dir(const char *dir, const cli_data_opts *o, cli_data *d)
{
    char img[4096], lab[4096];
    const char *split = o->split ? o->split : "train";
    if (idx_paths(dir, split, img, lab, sizeof img))
        return -1;
    unsigned char *ib = NULL, *lb = NULL;
    size_t in = 0, ln = 0;
    uint32_t idim[3], ldim[3];
    const unsigned char *ip, *lp;
    int rc = read_all(img, &ib, &in) || read_all(lab, &lb, &ln) ||
             idx_parse(img, 3, ib, in, idim, &ip) ||
             idx_parse(lab, 1, lb, ln, ldim, &lp) ||
             idx_data(img, idim, ip, lab, ldim, lp, d) ? -1 : 0;
    free(ib);
    free(lb);
    return rc;
}

/* ---------------------------------------------------------------- .bpd */

/* The binary data set for data larger than memory (docs/FORMATS.md):
 *   "BPDATA\0\0" u32 version 1, u32 number size (4 or 8), u64 n,
 *   u32 n_in, u32 n_out, u32 n_classes, u32 scaling,
 *   f64 offset[n_in], f64 factor[n_in]   (when scaling != 0)
 *   n_classes times: u32 length + name bytes
 *   zero padding to a multiple of 4096, then x[n][n_in], then t[n][n_out]
 * (little-endian numbers at the library's precision). Training maps the
 * file and reads batch by batch; the kernel pages it in and out. */
#define BPD_MAGIC "BPDATA\0"
#define BPD_ALIGN 4096

static void le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

int cli_data_write_bpd(const cli_data *d, const char *path, bp_scaling kind)
{
    size_t head = 48 + (kind ? 16 * (size_t)d->n_in : 0);
    for (int j = 0; j < d->n_classes; j++)
        head += 4 + strlen(d->class_names[j]);
    const size_t body_at = (head + BPD_ALIGN - 1) / BPD_ALIGN * BPD_ALIGN;
    const size_t nx = (size_t)d->n * d->n_in, nt = (size_t)d->n * d->n_out;
    const size_t total = body_at + (nx + nt) * sizeof(bp_real);
    unsigned char *b = calloc(1, total);
    double *off = NULL, *fac = NULL;
    if (!b)
        return say("%s: out of memory", path);
    memcpy(b, BPD_MAGIC, 8);
    le32(b + 8, 1);
    le32(b + 12, (uint32_t)sizeof(bp_real));
    le32(b + 16, (uint32_t)d->n);
    le32(b + 20, (uint32_t)((uint64_t)d->n >> 32));
    le32(b + 24, (uint32_t)d->n_in);
    le32(b + 28, (uint32_t)d->n_out);
    le32(b + 32, (uint32_t)d->n_classes);
    le32(b + 36, (uint32_t)kind);
    size_t at = 48;
    bp_real *x = (bp_real *)(b + body_at);
    memcpy(x, d->x, nx * sizeof *x);
    memcpy(x + nx, d->t, nt * sizeof *x);
    if (kind) {
        /* fit on the data, apply to the stored copy, keep the numbers */
        bp_model *m = NULL;
        bp_layer_desc one = {1, BP_ACT_IDENTITY, 0};
        bp_net *net;
        if (bp_net_create(&net, d->n_in, 1, &one, NULL, NULL) ||
            bp_model_new(&m, net, NULL) || cli_data_fit_scaling(d, kind, m)) {
            free(b);
            bp_model_free(m);
            return say("%s: cannot fit the scaling", path);
        }
        bp_model_scale(m, x, d->n);
        off = m->scaler.offset;
        fac = m->scaler.factor;
        memcpy(b + at, off, 8 * (size_t)d->n_in);
        memcpy(b + at + 8 * (size_t)d->n_in, fac, 8 * (size_t)d->n_in);
        at += 16 * (size_t)d->n_in;
        bp_model_free(m);
    }
    for (int j = 0; j < d->n_classes; j++) {
        size_t len = strlen(d->class_names[j]);
        le32(b + at, (uint32_t)len);
        memcpy(b + at + 4, d->class_names[j], len);
        at += 4 + len;
    }
    bp_error err;
    int rc = 0;
    if (bp_write_file_atomic(path, b, total, &err))
        rc = say("%s", err.msg);
    free(b);
    return rc;
}

static int load_bpd(const char *path, int fd, size_t size, cli_data *d)
{
    unsigned char *p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return say("%s: cannot map the file: %s", path, strerror(errno));
    d->map = p;
    d->map_len = size;
    if (size < 48 || rd32(p + 8) != 1)
        return say("%s: a .bpd file of another version", path);
    if (rd32(p + 12) != sizeof(bp_real))
        return say("%s: stored with %u-byte numbers; this build uses %zu "
                   "(convert it again with this build)", path, rd32(p + 12),
                   sizeof(bp_real));
    const uint64_t n = rd32(p + 16) | (uint64_t)rd32(p + 20) << 32;
    const uint32_t n_in = rd32(p + 24), n_out = rd32(p + 28);
    const uint32_t k = rd32(p + 32), kind = rd32(p + 36);
    if (n < 1 || n > (1u << 30) || n_in < 1 || n_in > (1u << 24) || n_out < 1 ||
        n_out > (1u << 24) || k > n_out || kind > BP_SCALING_STANDARD)
        return say("%s: impossible header", path);
    size_t at = 48;
    if (kind) {
        if (size < at + 16 * (size_t)n_in)
            return say("%s: truncated", path);
        d->scale_offset = malloc(8 * (size_t)n_in);
        d->scale_factor = malloc(8 * (size_t)n_in);
        if (!d->scale_offset || !d->scale_factor)
            return say("%s: out of memory", path);
        memcpy(d->scale_offset, p + at, 8 * (size_t)n_in);
        memcpy(d->scale_factor, p + at + 8 * (size_t)n_in, 8 * (size_t)n_in);
        at += 16 * (size_t)n_in;
        d->scaling = (bp_scaling)kind;
    }
    if (k) {
        d->class_names = calloc(k, sizeof *d->class_names);
        if (!d->class_names)
            return say("%s: out of memory", path);
        d->n_classes = (int)k;
        for (uint32_t j = 0; j < k; j++) {
            if (size < at + 4 || size - at - 4 < rd32(p + at))
                return say("%s: truncated class names", path);
            const uint32_t len = rd32(p + at);
            if (!(d->class_names[j] = strndup_((const char *)p + at + 4, len)))
                return say("%s: out of memory", path);
            at += 4 + len;
        }
    }
    const size_t body = (at + BPD_ALIGN - 1) / BPD_ALIGN * BPD_ALIGN;
    const double need = body + ((double)n * n_in + (double)n * n_out) * sizeof(bp_real);
    if ((double)size != need)
        return say("%s: %zu bytes, but the header says %.0f", path, size, need);
    d->n = (int)n;
    d->n_in = (int)n_in;
    d->n_out = (int)n_out;
    d->x = (bp_real *)(p + body);
    d->t = d->x + (size_t)n * n_in;
    return 0;
}

/* ---------------------------------------------------------- the front */

static int looks_like_fann(const char *path, const unsigned char *p, size_t n)
{
    size_t len = strlen(path);
    if (len > 5 && strcmp(path + len - 5, ".data") == 0)
        return 1;
    /* a first line of exactly three positive integers */
    int nums = 0;
    size_t i = 0;
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
    return nums == 3;
}

/* A .bpd file starts with its magic; peek without reading it all. */
static int is_bpd(const char *path)
{
    char head[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t got = fread(head, 1, 8, f);
    fclose(f);
    return got == 8 && memcmp(head, BPD_MAGIC, 8) == 0;
}

int cli_data_load(const char *path, const cli_data_opts *o, cli_data *d)
{
    memset(d, 0, sizeof *d);
    struct stat st;
    if (stat(path, &st) != 0)
        return say("%s: %s", path, strerror(errno));
    int rc;
    if (S_ISDIR(st.st_mode)) {
        rc = load_idx_dir(path, o, d);
    } else if (is_bpd(path)) {
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            return say("%s: %s", path, strerror(errno));
        rc = load_bpd(path, fd, (size_t)st.st_size, d);
        close(fd);
    } else {
        unsigned char *p;
        size_t n;
        if (read_all(path, &p, &n))
            return -1;
        rc = cli_data_parse(path, p, n, o, d);
        free(p);
    }
    if (rc)
        cli_data_free(d);
    return rc;
}

int cli_data_parse(const char *name, const unsigned char *p, size_t n,
                   const cli_data_opts *o, cli_data *d)
{
    int rc;
    memset(d, 0, sizeof *d);
    if (n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0x08)
        return say("%s: an IDX file; give the directory holding the images "
                   "and labels files", name);
    if (memchr(p, '\0', n))
        return say("%s: binary data, not a CSV or FANN text file", name);
    /* strtod and strtol need a terminated string: the number at the very
     * end of a file must not be read past the buffer (the fuzzer found
     * this) */
    unsigned char *text = malloc(n + 1);
    if (!text)
        return say("%s: out of memory", name);
    memcpy(text, p, n);
    text[n] = '\0';
    rc = looks_like_fann(name, text, n) ? load_fann(name, o, text, n, d)
                                        : load_csv(name, o, text, n, d);
    free(text);
    if (rc)
        cli_data_free(d);
    return rc;
}

/* Reorder one-hot columns so that class j of d is names[j]. */
static int match_classes(cli_data *d, int n, char *const *names,
                         const char *what, const char *name)
{
    if (!d->n_classes && !n)
        return 0;
    if (!d->n_classes || !n)
        return say("%s: %s classes, but %s %s", name,
                   d->n_classes ? "has" : "has no", what,
                   n ? "has" : "has none");
    /* a memory-mapped file cannot be rearranged: its classes must
     * already be in the right order */
    if (d->map) {
        int same = d->n_classes == n;
        for (int j = 0; same && j < n; j++)
            same = strcmp(d->class_names[j], names[j]) == 0 ||
                   d->positional;
        return same ? 0 : say("%s: its classes are not %s's, in the same "
                              "order (convert it again from the source)",
                              name, what);
    }
    /* one-hot columns without names of their own mean the classes in
     * order: only their number has to agree */
    if (d->positional) {
        if (d->n_classes != n)
            return say("%s: %d one-hot outputs, but %s has %d classes", name,
                       d->n_classes, what, n);
        for (int j = 0; j < n; j++) {
            char *copy = strndup_(names[j], strlen(names[j]));
            if (!copy)
                return say("out of memory");
            free(d->class_names[j]);
            d->class_names[j] = copy;
        }
        d->positional = 0;
        return 0;
    }
    int *map = malloc((size_t)d->n_classes * sizeof *map);
    bp_real *t = calloc((size_t)d->n * n, sizeof *t);
    if (!map || !t) {
        free(map);
        free(t);
        return say("out of memory");
    }
    for (int j = 0; j < d->n_classes; j++) {
        map[j] = -1;
        for (int k = 0; k < n; k++)
            if (strcmp(d->class_names[j], names[k]) == 0)
                map[j] = k;
        if (map[j] < 0) {
            say("%s: class '%s' is not one of %s's %d classes", name,
                d->class_names[j], what, n);
            free(map);
            free(t);
            return -1;
        }
    }
    for (int i = 0; i < d->n; i++)
        for (int j = 0; j < d->n_classes; j++)
            t[(size_t)i * n + map[j]] = d->t[(size_t)i * d->n_classes + j];
    free(map);
    free(d->t);
    d->t = t;
    for (int j = 0; j < d->n_classes; j++)
        free(d->class_names[j]);
    free(d->class_names);
    d->class_names = calloc((size_t)n, sizeof *d->class_names);
    if (!d->class_names)
        return say("out of memory");
    for (int k = 0; k < n; k++)
        if (!(d->class_names[k] = strndup_(names[k], strlen(names[k]))))
            return say("out of memory");
    d->n_classes = d->n_out = n;
    return 0;
}

int cli_data_match(cli_data *d, const cli_data *ref, const char *name)
{
    if (d->n_in != ref->n_in)
        return say("%s: %d inputs, but the training data has %d", name,
                   d->n_in, ref->n_in);
    if (match_classes(d, ref->n_classes, ref->class_names, "the training data",
                      name))
        return -1;
    if (d->n_out != ref->n_out)
        return say("%s: %d outputs, but the training data has %d", name,
                   d->n_out, ref->n_out);
    return 0;
}

int cli_data_match_model(cli_data *d, const bp_model *m, const char *name)
{
    const int n_in = bp_net_n_in(m->net), n_out = bp_net_n_out(m->net);
    if (d->n_in != n_in)
        return say("%s: %d inputs, but the model takes %d", name, d->n_in,
                   n_in);
    if (m->n_classes && match_classes(d, m->n_classes, m->class_names,
                                      "the model", name))
        return -1;
    if (d->n_out != n_out)
        return say("%s: %d outputs, but the model gives %d", name, d->n_out,
                   n_out);
    return 0;
}

int cli_data_split(cli_data *d, double fraction, uint64_t seed, cli_data *val)
{
    memset(val, 0, sizeof *val);
    if (d->map)
        return say("a memory-mapped data set is not split (that would "
                   "copy it): give --test FILE or --val-split 0");
    const int n_val = (int)(d->n * fraction);
    if (n_val < 1 || n_val >= d->n)
        return 0; /* too small to split: no validation */
    int *idx = malloc((size_t)d->n * sizeof *idx);
    bp_real *x = malloc((size_t)d->n * d->n_in * sizeof *x);
    bp_real *t = malloc((size_t)d->n * d->n_out * sizeof *t);
    if (!idx || !x || !t) {
        free(idx);
        free(x);
        free(t);
        return say("out of memory");
    }
    bp_rng rng;
    bp_rng_seed(&rng, seed ^ 0x5eedf00dULL);
    for (int i = 0; i < d->n; i++)
        idx[i] = i;
    bp_rng_shuffle(&rng, idx, d->n);
    /* the first n_val of the permutation validate; the rest train, each
     * part kept in file order */
    char *is_val = calloc((size_t)d->n, 1);
    if (!is_val) {
        free(idx);
        free(x);
        free(t);
        return say("out of memory");
    }
    for (int i = 0; i < n_val; i++)
        is_val[idx[i]] = 1;
    int a = 0, b = d->n - n_val;
    for (int i = 0; i < d->n; i++) {
        int to = is_val[i] ? b++ : a++;
        memcpy(x + (size_t)to * d->n_in, d->x + (size_t)i * d->n_in,
               (size_t)d->n_in * sizeof *x);
        memcpy(t + (size_t)to * d->n_out, d->t + (size_t)i * d->n_out,
               (size_t)d->n_out * sizeof *t);
    }
    free(is_val);
    free(idx);
    free(d->x);
    free(d->t);
    d->x = x;
    d->t = t;
    d->n -= n_val;
    /* the validation rows are the tail: copy them out for val */
    val->n = n_val;
    val->n_in = d->n_in;
    val->n_out = d->n_out;
    val->x = malloc((size_t)n_val * d->n_in * sizeof *x);
    val->t = malloc((size_t)n_val * d->n_out * sizeof *t);
    if (!val->x || !val->t)
        return say("out of memory");
    memcpy(val->x, x + (size_t)d->n * d->n_in,
           (size_t)n_val * d->n_in * sizeof *x);
    memcpy(val->t, t + (size_t)d->n * d->n_out,
           (size_t)n_val * d->n_out * sizeof *t);
    return 0;
}

int cli_data_fit_scaling(const cli_data *d, bp_scaling kind, bp_model *m)
{
    const int k = d->n_in;
    double *off = calloc((size_t)k, sizeof *off), *fac = calloc((size_t)k, sizeof *fac);
    if (!off || !fac) {
        free(off);
        free(fac);
        return say("out of memory");
    }
    for (int j = 0; j < k; j++) {
        double lo = INFINITY, hi = -INFINITY, sum = 0, sq = 0;
        for (int i = 0; i < d->n; i++) {
            double v = d->x[(size_t)i * k + j];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            sum += v;
        }
        double mean = sum / d->n;
        for (int i = 0; i < d->n; i++) {
            double v = d->x[(size_t)i * k + j] - mean;
            sq += v * v;
        }
        double sd = sqrt(sq / d->n);
        /* a constant column keeps factor 1: nothing to divide by */
        if (kind == BP_SCALING_MINMAX) {
            off[j] = lo;
            fac[j] = hi > lo ? 1 / (hi - lo) : 1;
        } else {
            off[j] = mean;
            fac[j] = sd > 1e-12 * (fabs(mean) + 1) ? 1 / sd : 1;
        }
        if (!isfinite(fac[j]))
            fac[j] = 1; /* a range beyond double: leave it */
    }
    bp_error err;
    int rc = 0;
    if (bp_model_set_scaling(m, kind, off, fac, &err))
        rc = say("scaling: %s", err.msg);
    free(off);
    free(fac);
    return rc;
}
