/*
 * model_text.c - the text model form: what a person reads, edits and types.
 *
 *   # comments run from '#' to the end of a line
 *   backprop-model 1
 *   input 2
 *   layer 2 sigmoid               (a parameter may follow: leaky_relu 0.01)
 *   layer 2 sigmoid
 *   loss sse sum                  (sse|bce|ce, then mean|sum)
 *   freeze 0 biases               (optional: layer, weights|biases|all)
 *   weights 0                     n_out rows of n_in numbers: row j holds
 *     0.15 0.2                    the weights into neuron j
 *     0.25 0.3
 *   biases 0                      (optional: a layer without this line
 *     0.35 0.35                    has zero biases, frozen)
 *   ...
 *   scaling standard              (optional: minmax|standard, then
 *     offset ...                   n_in numbers each)
 *     factor ...
 *   target_scaling standard       (optional: the same for the n_out
 *     offset ...                   regression targets)
 *     factor ...
 *   classes 3                     (optional: then one name per line)
 *     setosa
 *     "#1 \"best\""               (quoted when it must be: \" \\ \n \t \xHH)
 *   columns 5                     (optional: the training file's columns,
 *   target 5 species               then each target column, 1-based, and
 *                                  its header name, if any)
 *   inputs 4                      (optional: the input columns' header
 *     sepal_length                 names, n_in of them, one a line, in
 *     ...                          the order the inputs take them)
 *   end
 *
 * Numbers are decimal (an optional sign, digits with an optional point,
 * an optional exponent: 0.15, -2, 1.5e-07), written in the shortest form
 * that reads back to the same bits, so 0.15 stays 0.15 and a save/load
 * round trip is exact; other forms strtod knows (hex floats such as
 * 0x1p3, inf, nan) are refused with the line. A number
 * too large for the model's precision (1e39 in float) is refused; one too
 * small reads as 0 or the nearest subnormal, as strtod rounds it.
 */
#include "io/model_internal.h"
#include "io/clip.h"
#include "io/cnum.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- writing */

static void put_real(bp_buf *b, double v, int is_double)
{
    char s[40];
    for (int prec = 6; prec <= 17; prec++) {
        bp__fmt_g(s, sizeof s, prec, v);
        if (is_double ? bp__strtod(s, NULL) == v
                      : (float)bp__strtod(s, NULL) == (float)v)
            break;
    }
    bp__buf_printf(b, " %s", s);
}

static void put_row(bp_buf *b, const bp_real *v, int n)
{
    bp__buf_printf(b, " ");
    for (int i = 0; i < n; i++)
        put_real(b, v[i], sizeof(bp_real) == 8);
    bp__buf_printf(b, "\n");
}

/* A name as it can be read back: bare when it is plain text, else in
 * double quotes with C-style escapes. */
static int needs_quotes(const char *s)
{
    const size_t n = strlen(s);
    if (n == 0 || s[0] == '"' || s[0] == '#' || isspace((unsigned char)s[0]) ||
        isspace((unsigned char)s[n - 1]))
        return 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    return 0;
}

static void put_name(bp_buf *b, const char *s)
{
    if (!needs_quotes(s)) {
        bp__buf_printf(b, "%s", s);
        return;
    }
    bp__buf_put(b, "\"", 1);
    for (; *s; s++) {
        const unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            bp__buf_printf(b, "\\%c", ch);
        else if (ch == '\n')
            bp__buf_printf(b, "\\n");
        else if (ch == '\t')
            bp__buf_printf(b, "\\t");
        else if (ch < 0x20 || ch == 0x7f)
            bp__buf_printf(b, "\\x%02x", ch);
        else
            bp__buf_put(b, s, 1);
    }
    bp__buf_put(b, "\"", 1);
}

static void put_scaler(bp_buf *b, const char *key, const bp_scaler *sc)
{
    if (sc->kind == BP_SCALING_NONE)
        return;
    bp__buf_printf(b, "%s %s\n  offset", key,
                   sc->kind == BP_SCALING_MINMAX ? "minmax" : "standard");
    for (int i = 0; i < sc->n; i++)
        put_real(b, sc->offset[i], 1);
    bp__buf_printf(b, "\n  factor");
    for (int i = 0; i < sc->n; i++)
        put_real(b, sc->factor[i], 1);
    bp__buf_printf(b, "\n");
}

bp_status bp__model_encode_text(const bp_model *m, bp_buf *b, bp_error *err)
{
    (void)err; /* bp__model_check has refused what cannot be written */
    const bp_net *net = m->net;
    bp__buf_printf(b, "%s 1\n", BP_MODEL_TEXT_MAGIC);
    bp__buf_printf(b, "input %d\n", net->n_in);
    for (int l = 0; l < net->n_layers; l++) {
        const bp_layer *ly = &net->layers[l];
        bp__buf_printf(b, "layer %d %s", ly->n_out, bp_act_name(ly->act));
        if (bp_act_describe(ly->act)->param) /* leaky ReLU's slope */
            put_real(b, ly->act_param, sizeof(bp_real) == 8);
        bp__buf_printf(b, "\n");
    }
    bp__buf_printf(b, "loss %s %s\n", bp_loss_name(net->loss),
                   net->reduction == BP_REDUCE_MEAN ? "mean" : "sum");
    for (int l = 0; l < net->n_layers; l++) {
        const bp_layer *ly = &net->layers[l];
        if (ly->freeze_w || ly->freeze_b)
            bp__buf_printf(b, "freeze %d %s\n", l,
                           ly->freeze_w && ly->freeze_b ? "all"
                               : ly->freeze_w           ? "weights"
                                                        : "biases");
    }
    for (int l = 0; l < net->n_layers; l++) {
        bp_layer_view v;
        bp_net_layer_view(net, l, &v);
        bp__buf_printf(b, "weights %d\n", l);
        for (int j = 0; j < v.n_out; j++)
            put_row(b, v.w + (size_t)j * v.n_in, v.n_in);
        bp__buf_printf(b, "biases %d\n", l);
        put_row(b, v.b, v.n_out);
    }
    put_scaler(b, "scaling", &m->scaler);
    put_scaler(b, "target_scaling", &m->target_scaler);
    if (m->n_classes > 0) {
        bp__buf_printf(b, "classes %d\n", m->n_classes);
        for (int i = 0; i < m->n_classes; i++) {
            bp__buf_printf(b, "  ");
            put_name(b, m->class_names[i]);
            bp__buf_printf(b, "\n");
        }
    }
    if (m->n_targets > 0) {
        bp__buf_printf(b, "columns %d\n", m->n_columns);
        for (int i = 0; i < m->n_targets; i++) {
            bp__buf_printf(b, "target %d", m->target_cols[i] + 1);
            if (m->target_names[i][0]) {
                bp__buf_printf(b, " ");
                put_name(b, m->target_names[i]);
            }
            bp__buf_printf(b, "\n");
        }
    }
    if (m->input_names) {
        bp__buf_printf(b, "inputs %d\n", m->net->n_in);
        for (int i = 0; i < m->net->n_in; i++) {
            bp__buf_printf(b, "  ");
            put_name(b, m->input_names[i]);
            bp__buf_printf(b, "\n");
        }
    }
    bp__buf_printf(b, "end\n");
    return BP_OK;
}

/* ------------------------------------------------------------- reading */

typedef struct {
    const char *p, *end;
    const char *name;
    int line;
    bp_error *err;
    const bp_allocator *alloc; /* the model's: every allocation */
} lexer;

static void *x_alloc(const lexer *x, size_t n)
{
    return bp__alloc(x->alloc, n);
}
static void x_free(const lexer *x, void *p) { bp__free(x->alloc, p); }

static void skip_space(lexer *x, int newlines)
{
    while (x->p < x->end) {
        char ch = *x->p;
        if (ch == '#') {
            while (x->p < x->end && *x->p != '\n')
                x->p++;
        } else if (ch == '\n' && newlines) {
            x->line++;
            x->p++;
        } else if (ch == ' ' || ch == '\t' || ch == '\r') {
            x->p++;
        } else {
            break;
        }
    }
}

/* The next whitespace-separated word into w (its first cap - 1 chars);
 * returns its whole length: 0 at the end of input (or, without newlines,
 * the end of the line), cap or more when it did not fit. */
static size_t word(lexer *x, char *w, size_t cap, int newlines)
{
    skip_space(x, newlines);
    size_t n = 0;
    while (x->p < x->end && !isspace((unsigned char)*x->p) && *x->p != '#') {
        if (n + 1 < cap)
            w[n] = *x->p;
        n++;
        x->p++;
    }
    w[n < cap ? n : cap - 1] = '\0';
    return n;
}

/* The message "NAME:LINE: " + fmt with a (a word of the file, cut for
 * showing). */
static bp_status fail(lexer *x, bp_status st, const char *fmt, const char *a)
{
    char msg[400], shown[BP_CLIP_CAP];
    snprintf(msg, sizeof msg, fmt, bp__clip(shown, a, strlen(a)));
    return bp__fail_err(x->err, st, "%s:%d: %s", x->name, x->line, msg);
}

/* Whether w is a decimal number as the format writes them: a sign, digits
 * with at most one point (a digit on one side of it at least), an
 * exponent e or E with a sign and digits. strtod reads more (hex floats
 * such as 0x1p3, inf, nan, the locale's decimal point), which no writer
 * of the format makes. */
static int is_decimal(const char *w)
{
    const char *p = w + (*w == '+' || *w == '-');
    int digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p += 1 + (p[1] == '+' || p[1] == '-');
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* A number; real: one the model keeps at its own precision (bp_real),
 * so it must be finite there too (1e39 is a double but not a float). A
 * number too small for the precision reads as 0 or a subnormal. */
static bp_status number(lexer *x, double *v, const char *what, int real)
{
    char w[512];
    const size_t len = word(x, w, sizeof w, 1);
    if (!len)
        return fail(x, BP_ERR_FORMAT, "the file ends where %s should be", what);
    if (len >= sizeof w) {
        char msg[80];
        snprintf(msg, sizeof msg,
                 "a number of %zu characters (at most %zu): "
                 "'%%s'",
                 len, sizeof w - 1);
        return fail(x, BP_ERR_FORMAT, msg, w);
    }
    char *end;
    errno = 0;
    *v = bp__strtod(w, &end);
    if (!*end && end != w && !isfinite(*v))
        return fail(x, BP_ERR_NONFINITE, "'%s' is not a finite number", w);
    if (!is_decimal(w) || *end || end == w)
        return fail(x, BP_ERR_FORMAT,
                    "'%s' is not a number (the format's numbers are "
                    "decimal: 0.15, -2, 1.5e-07)",
                    w);
    if ((errno == ERANGE && fabs(*v) > 1) || (real && !isfinite((bp_real)*v)))
        return fail(x, BP_ERR_NONFINITE,
                    sizeof(bp_real) == 4
                        ? "'%s' is too large for the model's float numbers"
                        : "'%s' is too large for a double",
                    w);
    return BP_OK;
}

static bp_status integer(lexer *x, int *v, int lo, int hi, const char *what)
{
    char w[64];
    if (!word(x, w, sizeof w, 0))
        return fail(x, BP_ERR_FORMAT, "%s is missing", what);
    char *end;
    errno = 0;
    long n = strtol(w, &end, 10);
    if (*end || end == w || errno || n < lo || n > hi) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s: '%%s' is not an integer in %d..%d", what,
                 lo, hi);
        return fail(x, BP_ERR_FORMAT, msg, w);
    }
    *v = (int)n;
    return BP_OK;
}

static bp_status end_of_line(lexer *x)
{
    skip_space(x, 0);
    if (x->p < x->end && *x->p != '\n') {
        char w[64];
        word(x, w, sizeof w, 0);
        return fail(x, BP_ERR_FORMAT, "unexpected '%s' at the end of the line",
                    w);
    }
    return BP_OK;
}

/* A name: the rest of the line, bare (trailing space trimmed) or in
 * double quotes with escapes (\" \\ \n \t \xHH). *out malloc'ed; an
 * empty line gives "". */
static bp_status name(lexer *x, char **out)
{
    skip_space(x, 0);
    const char *s = x->p;
    char *buf = NULL;
    size_t n = 0;
    if (s < x->end && *s == '"') {
        const char *q = s + 1;
        if (!(buf = x_alloc(x, (size_t)(x->end - q) + 1)))
            return fail(x, BP_ERR_NOMEM, "%s", "out of memory");
        for (;; q++) {
            if (q >= x->end || *q == '\n') {
                x_free(x, buf);
                return fail(x, BP_ERR_FORMAT, "%s",
                            "a quoted name is never "
                            "closed");
            }
            if (*q == '"')
                break;
            if (*q != '\\') {
                buf[n++] = *q;
                continue;
            }
            const char e = ++q < x->end ? *q : '\0';
            unsigned hex;
            if (e == 'n' || e == 't' || e == '"' || e == '\\') {
                buf[n++] = e == 'n' ? '\n' : e == 't' ? '\t' : e;
            } else if (e == 'x' && x->end - q > 2 &&
                       sscanf(q + 1, "%2x", &hex) == 1 &&
                       isxdigit((unsigned char)q[1]) &&
                       isxdigit((unsigned char)q[2]) && hex) {
                buf[n++] = (char)hex;
                q += 2;
            } else {
                x_free(x, buf);
                return fail(x, BP_ERR_FORMAT, "%s",
                            "a name holds an unknown "
                            "escape (use \\\" \\\\ \\n \\t \\xHH)");
            }
        }
        x->p = q + 1;
        bp_status st = end_of_line(x);
        if (st) {
            x_free(x, buf);
            return st;
        }
    } else {
        while (x->p < x->end && *x->p != '\n')
            x->p++;
        const char *e = x->p;
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        n = (size_t)(e - s);
        if (!(buf = x_alloc(x, n + 1)))
            return fail(x, BP_ERR_NOMEM, "%s", "out of memory");
        memcpy(buf, s, n);
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        x_free(x, buf);
        return fail(x, BP_ERR_FORMAT, "%s", "a name holds a NUL byte");
    }
    if (n > BP_MAX_NAME) {
        x_free(x, buf);
        char msg[64];
        snprintf(msg, sizeof msg, "a name longer than %d bytes%%s",
                 BP_MAX_NAME);
        return fail(x, BP_ERR_FORMAT, msg, "");
    }
    *out = buf;
    return BP_OK;
}

enum { MAX_TEXT_LAYERS = 256 };

typedef struct {
    int n_in, n_layers;
    bp_layer_desc layers[MAX_TEXT_LAYERS];
    bp_loss loss;
    bp_reduction red;
    int have_loss;
} header;

/* Read up to the first "weights"/"biases"/... keyword: the architecture. */
static bp_status read_header(lexer *x, header *h, char *kw, size_t cap)
{
    char w[64];
    bp_status st;
    int version;
    if (!word(x, w, sizeof w, 1) || strcmp(w, BP_MODEL_TEXT_MAGIC) != 0)
        return fail(x, BP_ERR_FORMAT, "expected '%s'", BP_MODEL_TEXT_MAGIC);
    if ((st = integer(x, &version, 1, 1 << 30, "version")))
        return st;
    if (version != 1)
        return bp__fail_err(x->err, BP_ERR_FORMAT,
                            "%s:%d: model version %d; "
                            "this build reads version 1",
                            x->name, x->line, version);
    if ((st = end_of_line(x)))
        return st;
    memset(h, 0, sizeof *h);
    while (word(x, kw, cap, 1)) {
        if (strcmp(kw, "input") == 0) {
            if ((st = integer(x, &h->n_in, 1, 1 << 24, "input width")))
                return st;
        } else if (strcmp(kw, "layer") == 0) {
            if (h->n_layers == MAX_TEXT_LAYERS)
                return fail(x, BP_ERR_FORMAT, "%s", "too many layers");
            bp_layer_desc *d = &h->layers[h->n_layers++];
            if ((st = integer(x, &d->n_out, 1, 1 << 24, "layer width")))
                return st;
            if (!word(x, w, sizeof w, 0) || bp_act_parse(w, &d->act))
                return fail(x, BP_ERR_FORMAT, "unknown activation '%s'", w);
            d->act_param = bp_act_describe(d->act)->param_default;
            skip_space(x, 0);
            if (x->p < x->end && *x->p != '\n' &&
                (st = number(x, &d->act_param, "the activation parameter", 1)))
                return st;
        } else if (strcmp(kw, "loss") == 0) {
            if (!word(x, w, sizeof w, 0) || bp_loss_parse(w, &h->loss))
                return fail(x, BP_ERR_FORMAT, "unknown loss '%s'", w);
            h->red = BP_REDUCE_MEAN;
            if (word(x, w, sizeof w, 0)) {
                if (strcmp(w, "sum") == 0)
                    h->red = BP_REDUCE_SUM;
                else if (strcmp(w, "mean") != 0)
                    return fail(x, BP_ERR_FORMAT,
                                "reduction '%s': use mean or sum", w);
            }
            h->have_loss = 1;
        } else {
            return BP_OK; /* the body starts */
        }
        if ((st = end_of_line(x)))
            return st;
    }
    kw[0] = '\0';
    return BP_OK;
}

static bp_status read_reals(lexer *x, bp_real *dst, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        double v;
        bp_status st = number(x, &v, what, 1);
        if (st)
            return st;
        dst[i] = (bp_real)v;
    }
    return end_of_line(x);
}

/* "scaling KIND" or "target_scaling KIND" (the keyword read), then the
 * offset and factor lines of width numbers each. */
static bp_status read_scaling(lexer *x, bp_model *m, int targets)
{
    char w[64];
    bp_scaling kind;
    if (!word(x, w, sizeof w, 0) ||
        (strcmp(w, "minmax") == 0         ? (kind = BP_SCALING_MINMAX, 0)
             : strcmp(w, "standard") == 0 ? (kind = BP_SCALING_STANDARD, 0)
                                          : 1))
        return fail(x, BP_ERR_FORMAT, "scaling '%s': use minmax or standard",
                    w);
    const int n = targets ? bp_net_n_out(m->net) : m->net->n_in;
    double *scale = x_alloc(x, 2 * (size_t)n * sizeof *scale);
    if (!scale)
        return fail(x, BP_ERR_NOMEM, "%s", "out of memory");
    bp_status st = BP_OK;
    for (int part = 0; !st && part < 2; part++) {
        const char *want = part ? "factor" : "offset";
        if (!word(x, w, sizeof w, 1) || strcmp(w, want) != 0) {
            st = fail(x, BP_ERR_FORMAT, "expected '%s'", want);
            break;
        }
        for (int i = 0; !st && i < n; i++)
            st = number(x, &scale[part * n + i], want, 0);
    }
    bp_scaler sc;
    if (!st &&
        (st = bp_scaler_set(&sc, kind, n, scale, scale + n, &m->alloc, NULL)))
        st = st == BP_ERR_NOMEM
            ? fail(x, BP_ERR_NOMEM, "%s", "out of memory")
            : fail(x, BP_ERR_FORMAT, "%s", "a scaling factor is 0");
    if (!st) {
        bp_scaler *dst = targets ? &m->target_scaler : &m->scaler;
        bp_scaler_free(dst);
        *dst = sc;
    }
    x_free(x, scale);
    return st;
}

/* n names, one a line (blank lines and whole-line comments may come
 * between them), into *out (n entries, x_alloc'd, each freed with
 * free_names); an empty one is refused unless allow_empty. `what` names
 * one in messages: "a class name". */
static bp_status read_names(lexer *x, int n, int allow_empty, const char *what,
                            char ***out)
{
    char **names = x_alloc(x, (size_t)n * sizeof *names);
    bp_status st = BP_OK;
    *out = names;
    if (!names)
        return fail(x, BP_ERR_NOMEM, "%s", "out of memory");
    memset(names, 0, (size_t)n * sizeof *names);
    for (int i = 0; !st && i < n; i++) {
        skip_space(x, 1);
        if (x->p >= x->end)
            st = fail(x, BP_ERR_FORMAT, "%s is missing", what);
        else if (!(st = name(x, &names[i])) && !allow_empty && !names[i][0])
            st = fail(x, BP_ERR_FORMAT, "%s is missing", what);
    }
    return st;
}

static void free_names(lexer *x, char **names, int n)
{
    for (int i = 0; names && i < n; i++)
        x_free(x, names[i]);
    x_free(x, names);
}

/* "classes N" (the keyword read), then N names, one a line. */
static bp_status read_classes(lexer *x, bp_model *m)
{
    int n;
    char **names;
    bp_status st;
    if ((st = integer(x, &n, 1, 1 << 20, "class count")) ||
        (st = end_of_line(x)))
        return st;
    if (!(st = read_names(x, n, 0, "a class name", &names))) {
        bp_error e2;
        if ((st = bp_model_set_classes(m, n, (const char *const *)names, &e2)))
            st = fail(x, st == BP_ERR_NOMEM ? st : BP_ERR_FORMAT, "%s", e2.msg);
    }
    free_names(x, names, n);
    return st;
}

/* "inputs N" (the keyword read), then N names, one a line: the input
 * columns' header names ("" for one without). */
static bp_status read_inputs(lexer *x, bp_model *m)
{
    int n;
    char **names;
    bp_status st;
    const int n_in = bp_net_n_in(m->net);
    if ((st = integer(x, &n, n_in, n_in, "input name count")) ||
        (st = end_of_line(x)))
        return st;
    if (!(st = read_names(x, n, 1, "an input name", &names))) {
        bp_error e2;
        if ((st = bp_model_set_input_names(m, (const char *const *)names, &e2)))
            st = fail(x, st == BP_ERR_NOMEM ? st : BP_ERR_FORMAT, "%s", e2.msg);
    }
    free_names(x, names, n);
    return st;
}

/* The training file's columns: "columns N" (read into *n_columns), then
 * "target POS [NAME]" lines, collected here and set at the end. */
typedef struct {
    int n_columns, n;
    int cols[256];
    char *names[256];
} columns;

static bp_status read_target(lexer *x, columns *c)
{
    bp_status st;
    int pos;
    if (!c->n_columns)
        return fail(x, BP_ERR_FORMAT, "%s", "'target' before 'columns'");
    if (c->n == 256)
        return fail(x, BP_ERR_FORMAT, "%s", "more than 256 target columns");
    if ((st = integer(x, &pos, 1, c->n_columns, "target column")))
        return st;
    if ((st = name(x, &c->names[c->n])))
        return st;
    c->cols[c->n++] = pos - 1;
    return BP_OK;
}

static bp_status read_body(lexer *x, bp_model *m, char *kw, size_t cap)
{
    bp_net *net = m->net;
    const int L = net->n_layers;
    unsigned char seen[2][MAX_TEXT_LAYERS] = {{0}};
    columns cols = {0, 0, {0}, {NULL}};
    bp_status st = BP_OK;
    char w[64];
    int ended = 0, l;
    while (!st && kw[0]) {
        if (strcmp(kw, "end") == 0) {
            ended = 1;
            st = end_of_line(x);
            break;
        } else if (strcmp(kw, "weights") == 0 || strcmp(kw, "biases") == 0) {
            int is_w = kw[0] == 'w';
            if ((st = integer(x, &l, 0, L - 1, "layer")) ||
                (st = end_of_line(x)))
                break;
            if (seen[is_w][l]++) {
                st =
                    fail(x, BP_ERR_FORMAT, "%s given twice for this layer", kw);
                break;
            }
            const bp_layer *ly = &net->layers[l];
            st = is_w ? read_reals(x, net->params + ly->w_off,
                                   (size_t)ly->n_out * ly->n_in, "a weight")
                      : read_reals(x, net->params + ly->b_off,
                                   (size_t)ly->n_out, "a bias");
        } else if (strcmp(kw, "freeze") == 0) {
            if ((st = integer(x, &l, 0, L - 1, "layer")))
                break;
            bp_param_group g = BP_PARAM_ALL;
            if (!word(x, w, sizeof w, 0) ||
                (strcmp(w, "weights") == 0      ? (g = BP_PARAM_WEIGHTS, 0)
                     : strcmp(w, "biases") == 0 ? (g = BP_PARAM_BIASES, 0)
                     : strcmp(w, "all") == 0    ? 0
                                                : 1)) {
                st = fail(x, BP_ERR_FORMAT,
                          "freeze '%s': use weights, biases or all", w);
                break;
            }
            bp_net_freeze(net, l, g, 1);
            st = end_of_line(x);
        } else if (strcmp(kw, "scaling") == 0 ||
                   strcmp(kw, "target_scaling") == 0) {
            st = read_scaling(x, m, kw[0] == 't');
        } else if (strcmp(kw, "classes") == 0) {
            st = read_classes(x, m);
        } else if (strcmp(kw, "columns") == 0) {
            if (!(st = integer(x, &cols.n_columns, 2, 1 << 24, "column count")))
                st = end_of_line(x);
        } else if (strcmp(kw, "target") == 0) {
            st = read_target(x, &cols);
        } else if (strcmp(kw, "inputs") == 0) {
            st = read_inputs(x, m);
        } else {
            st = fail(x, BP_ERR_FORMAT, "unknown keyword '%s'", kw);
        }
        if (!st && !word(x, kw, cap, 1))
            kw[0] = '\0';
    }
    if (!st && !ended)
        st = fail(x, BP_ERR_FORMAT, "%s",
                  "the file ends without 'end': "
                  "it is truncated");
    for (l = 0; !st && l < L; l++) {
        if (!seen[1][l])
            st = bp__fail_err(x->err, BP_ERR_FORMAT,
                              "%s: layer %d has no "
                              "weights",
                              x->name, l);
        else if (!seen[0][l]) /* no biases: zero (as created), frozen */
            bp_net_freeze(net, l, BP_PARAM_BIASES, 1);
    }
    if (!st && cols.n_columns) {
        bp_error e2;
        if ((st = bp_model_set_columns(m, cols.n_columns, cols.n, cols.cols,
                                       (const char *const *)cols.names, &e2)))
            st = bp__fail_err(x->err, st == BP_ERR_NOMEM ? st : BP_ERR_FORMAT,
                              "%s: columns: %s", x->name, e2.msg);
    }
    for (int i = 0; i < cols.n; i++)
        x_free(x, cols.names[i]);
    if (!st) {
        skip_space(x, 1);
        if (x->p < x->end)
            st = fail(x, BP_ERR_FORMAT, "%s", "text after 'end'");
    }
    return st;
}

bp_status bp__model_decode_text(const char *p, size_t n, const char *name,
                                const bp_allocator *alloc, bp_model **out,
                                bp_error *err)
{
    static const bp_allocator plain = {NULL, NULL, NULL};
    lexer x = {p, p + n, name, 1, err, alloc ? alloc : &plain};
    if (memchr(p, '\0', n))
        return bp__fail_err(err, BP_ERR_FORMAT,
                            "%s: a text model holds a NUL "
                            "byte",
                            name);
    header h;
    char kw[64];
    bp_status st = read_header(&x, &h, kw, sizeof kw);
    if (st)
        return st;
    if (h.n_in == 0 || h.n_layers == 0)
        return bp__fail_err(err, BP_ERR_FORMAT,
                            "%s: the model needs an "
                            "'input' line and at least one 'layer' line",
                            name);
    /* every number takes at least two characters: refuse a network the
     * text cannot hold before allocating it */
    double n_params = 0, below = h.n_in;
    for (int l = 0; l < h.n_layers; l++) {
        n_params += (below + 1) * h.layers[l].n_out;
        below = h.layers[l].n_out;
    }
    if (n_params * 2 > (double)n)
        return bp__fail_err(err, BP_ERR_FORMAT,
                            "%s: the layers declare %.0f "
                            "parameters, more than the file's %zu bytes can "
                            "hold",
                            name, n_params, n);
    bp_net *net;
    bp_error e2;
    /* parameters alone: the first training call adds the rest */
    if ((st = bp__net_create(&net, h.n_in, h.n_layers, h.layers, x.alloc, 0,
                             &e2)))
        return bp__fail_err(err, st, "%s: %s", name, e2.msg);
    if (h.have_loss && bp_net_set_loss(net, h.loss, h.red)) {
        st = bp__fail_err(err, BP_ERR_FORMAT, "%s: %s", name,
                          bp_net_errmsg(net));
        bp_net_free(net);
        return st;
    }
    bp_model *m;
    if ((st = bp_model_new(net, &m, err))) {
        bp_net_free(net);
        return st;
    }
    if ((st = read_body(&x, m, kw, sizeof kw))) {
        bp_model_free(m);
        return st;
    }
    *out = m;
    return BP_OK;
}
