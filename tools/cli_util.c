/*
 * cli_util.c - what the commands share: parsing option values, with
 * messages that name the option; checking output paths before any work;
 * JSON strings; the loss described in words.
 */
#define _XOPEN_SOURCE 700 /* realpath; POSIX 2008 besides */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* One integer at s, decimal, with nothing after it but `stop` (or the
 * end); never through a float, so 16777217 stays 16777217 and 1e30 is
 * not a number at all. */
static int parse_long(const char *s, char stop, long *v, const char **end)
{
    char *e;
    if (!(*s >= '0' && *s <= '9') &&
        !((*s == '-' || *s == '+') && s[1] >= '0' && s[1] <= '9'))
        return -1;
    errno = 0;
    *v = strtol(s, &e, 10);
    if (errno == ERANGE || (*e && *e != stop))
        return -1;
    *end = e;
    return 0;
}

int cli_int(const char *cmd, const char *opt, const char *s, long lo, long hi,
            int *out)
{
    long v;
    const char *end;
    if (parse_long(s, '\0', &v, &end)) {
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

int cli_int_list(const char *cmd, const char *opt, const char *s, long lo,
                 long hi, int *out, int max, int *n)
{
    *n = 0;
    for (const char *p = s;;) {
        long v;
        const char *end;
        if (parse_long(p, ',', &v, &end)) {
            const int len = (int)strcspn(p, ",");
            fprintf(stderr,
                    "backprop %s: %s %s: item %d, '%.*s', is not an "
                    "integer\n",
                    cmd, opt, s, *n + 1, len > 40 ? 40 : len, p);
            return 1;
        }
        if (v < lo || v > hi) {
            fprintf(stderr, "backprop %s: %s %s: %ld is not in %ld..%ld\n", cmd,
                    opt, s, v, lo, hi);
            return 1;
        }
        if (*n == max) {
            fprintf(stderr, "backprop %s: %s: more than %d numbers\n", cmd, opt,
                    max);
            return 1;
        }
        out[(*n)++] = (int)v;
        if (!*end)
            return 0;
        p = end + 1;
    }
}

int cli_kernel(const char *cmd, const char *name)
{
    if (strcmp(name, "auto") == 0 || bp_kernel_available(name))
        return 0;
    fprintf(stderr, "backprop %s: --kernel %s: ", cmd, name);
    int known = 0;
    for (int i = 0; bp_kernel_name(i); i++)
        known |= strcmp(bp_kernel_name(i), name) == 0;
    fprintf(stderr, known ? "this CPU lacks it" : "not a kernel of this build");
    const char *sep = " (kernels here: auto, ";
    for (int i = 0; bp_kernel_name(i); i++)
        if (bp_kernel_available(bp_kernel_name(i))) {
            fprintf(stderr, "%s%s", sep, bp_kernel_name(i));
            sep = ", ";
        }
    fprintf(stderr, ")\n");
    return 1;
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
            fprintf(stderr,
                    "backprop %s: %s: item %d of '%s' is not a "
                    "number\n",
                    cmd, opt, *n + 1, s);
            return 1;
        }
        if (*n == max) {
            fprintf(stderr, "backprop %s: %s: more than %d numbers\n", cmd, opt,
                    max);
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

/* The directory part of path ("." for a bare name), into buf. */
static const char *dir_of(const char *path, char *buf, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, path, n);
    buf[n] = '\0';
    return buf;
}

int cli_check_output(const char *cmd, const char *opt, const char *path,
                     const char *const *inputs, int replace)
{
    struct stat st, in;
    const size_t len = strlen(path);
    if (strcmp(path, "-") == 0) { /* '-' reads standard input: never a file */
        fprintf(stderr,
                "backprop %s: %s -: give a file name (this output "
                "does not go to standard output)\n",
                cmd, opt);
        return -1;
    }
    if (len == 0 || path[len - 1] == '/' ||
        (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
        fprintf(stderr, "backprop %s: %s '%s': a directory, not a file name\n",
                cmd, opt, path);
        return -1;
    }
    if (stat(path, &st) == 0) {
        for (int i = 0; inputs && inputs[i]; i += 2)
            if (inputs[i + 1] && stat(inputs[i + 1], &in) == 0 &&
                in.st_dev == st.st_dev && in.st_ino == st.st_ino) {
                fprintf(stderr,
                        "backprop %s: %s %s: that is the input "
                        "file (%s); give another name\n",
                        cmd, opt, path, inputs[i]);
                return -1;
            }
        /* a write by rename would replace a device or a pipe itself */
        if (replace && !S_ISREG(st.st_mode)) {
            fprintf(stderr, "backprop %s: %s %s: not a regular file\n", cmd,
                    opt, path);
            return -1;
        }
    }
    char buf[4096];
    const char *dir = dir_of(path, buf, sizeof buf);
    int e = 0;
    if (stat(dir, &st) != 0 || access(dir, W_OK | X_OK) != 0)
        e = errno;
    else if (!S_ISDIR(st.st_mode))
        e = ENOTDIR;
    if (e) {
        fprintf(stderr, "backprop %s: %s %s: cannot write there: %s: %s\n", cmd,
                opt, path, dir, strerror(e));
        return -1;
    }
    return 0;
}

int cli_check_split(const char *cmd, const char *data, const char *split)
{
    struct stat st;
    if (!split)
        return 0;
    if (strcmp(split, "train") != 0 && strcmp(split, "t10k") != 0) {
        fprintf(stderr, "backprop %s: --split: '%s': use train or t10k\n", cmd,
                split);
        return -1;
    }
    /* a path that cannot be read is left to the reader's message */
    const int std_in = data && strcmp(data, "-") == 0;
    if (data && (std_in || (stat(data, &st) == 0 && !S_ISDIR(st.st_mode)))) {
        fprintf(stderr,
                "backprop %s: --split %s: only an IDX directory has "
                "splits, and %s is %s\n",
                cmd, split, std_in ? "standard input" : data,
                std_in ? "not one" : "a file");
        return -1;
    }
    return 0;
}

int cli_check_csv_only(const char *cmd, const char *path, const char *format,
                       const char *label, const char *header)
{
    if (header && strcmp(header, "auto") == 0)
        header = NULL; /* the default, asked for: nothing to ignore */
    if (!format || strcmp(format, "csv") == 0 || (!label && !header))
        return 0;
    const char *what = strcmp(format, "bpd") == 0 ? "a .bpd file"
        : strcmp(format, "fann") == 0             ? "a FANN .data file"
        : strcmp(format, "idx") == 0              ? "IDX data"
                                                  : "not CSV/TSV";
    fprintf(stderr,
            "backprop %s: %s %s: %s is %s, which has no %s; --label and "
            "--header are for CSV/TSV data\n",
            cmd, label ? "--label" : "--header", label ? label : header, path,
            what, label ? "columns" : "header line");
    return -1;
}

int cli_check_classes(const char *cmd, const char *path, const char *format,
                      bp_choice classes)
{
    if (classes == BP_AUTO || !format ||
        (strcmp(format, "bpd") != 0 && strcmp(format, "idx") != 0))
        return 0;
    const int bpd = strcmp(format, "bpd") == 0;
    fprintf(stderr,
            "backprop %s: --classes %s: %s %s; --classes is for CSV/TSV "
            "and FANN data\n",
            cmd, classes == BP_YES ? "yes" : "no", path,
            bpd ? "is a .bpd file, which records whether its targets are "
                  "classes"
                : "is IDX data, whose labels are classes");
    return -1;
}

/* Whether paths a and b name one file: the same inode where both exist,
 * else the same name in the same (resolved) directory. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    const char *ba = strrchr(a, '/'), *bb = strrchr(b, '/');
    ba = ba ? ba + 1 : a;
    bb = bb ? bb + 1 : b;
    if (strcmp(ba, bb) != 0)
        return 0;
    char da[4096], db[4096];
    char *ra = realpath(dir_of(a, da, sizeof da), NULL);
    char *rb = realpath(dir_of(b, db, sizeof db), NULL);
    const int same = ra && rb ? strcmp(ra, rb) == 0 : strcmp(a, b) == 0;
    free(ra);
    free(rb);
    return same;
}

int cli_check_distinct(const char *cmd, const char *const *opts,
                       const char *const *paths, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; paths[i] && j < i; j++)
            if (paths[j] && same_file(paths[i], paths[j])) {
                fprintf(stderr,
                        "backprop %s: %s %s: %s names the same file; "
                        "give each output its own name\n",
                        cmd, opts[i], paths[i], opts[j]);
                return -1;
            }
    return 0;
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p == '\r')
            fputs("\\r", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

const char *cli_loss_text(bp_loss loss, char *buf, size_t cap)
{
    const bp_loss_info *d = bp_loss_describe(loss);
    if (!d)
        snprintf(buf, cap, "?");
    else if (d->term)
        snprintf(buf, cap, "%s, %s summed over the outputs", d->label, d->term);
    else
        snprintf(buf, cap, "%s, %s", d->label, d->total);
    return buf;
}

int cli_choice(const char *cmd, const char *opt, const char *s, bp_choice *out)
{
    if (!s || strcmp(s, "auto") == 0)
        *out = BP_AUTO;
    else if (strcmp(s, "yes") == 0)
        *out = BP_YES;
    else if (strcmp(s, "no") == 0)
        *out = BP_NO;
    else {
        fprintf(stderr, "backprop %s: %s: use auto, yes or no\n", cmd, opt);
        return 1;
    }
    return 0;
}
