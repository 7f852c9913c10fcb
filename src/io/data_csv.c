/*
 * data_csv.c - CSV and TSV files: comma, tab or semicolon separated (the
 * first line decides), RFC 4180 quotes, a header line detected or told,
 * the target column(s) chosen by number or name or as a model remembers
 * them. Rows are taken one at a time from the text, which is split in
 * place (the reader owns it), so a file costs its own size plus the
 * numbers, not a string per field.
 */
#include "io/clip.h"
#include "io/cnum.h"
#include "io/dataset.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- rows */

typedef struct {
    char *s; /* the text, s[n] == '\0'; fields unquoted in place */
    size_t n, at;
    char delim;
    int line;       /* line of the next character */
    int row_line;   /* line where the current row starts */
    const char **f; /* the current row's fields */
    int count, cap;
    const bp_allocator *a;
} lexer;

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

static bp_status add_field(lexer *x, const bp__rd *r, const char *field)
{
    if (x->count == x->cap) {
        int cap = x->cap ? 2 * x->cap : 64;
        const char **f = bp__alloc(x->a, (size_t)cap * sizeof *f);
        if (!f)
            return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
        if (x->count)
            memcpy(f, x->f, (size_t)x->count * sizeof *f);
        bp__free(x->a, x->f);
        x->f = f;
        x->cap = cap;
    }
    x->f[x->count++] = field;
    return BP_OK;
}

/* One field from s[*i]: unquoted in place and NUL-terminated; *term gets
 * the character that ended it ('\0' at the end of the text). */
static bp_status field(lexer *x, const bp__rd *r, size_t *i, char *term)
{
    char *s = x->s, *w = s + *i, *start = w;
    size_t k = *i;
    if (s[k] == '"') {
        const int opened = x->line;
        for (k++;; k++) {
            if (k >= x->n)
                return bp__rd_fail(r, BP_ERR_FORMAT,
                                   ":%d: a quoted field is "
                                   "never closed",
                                   opened);
            if (s[k] == '"') {
                if (s[k + 1] != '"')
                    break;
                k++;
            }
            x->line += s[k] == '\n';
            *w++ = s[k];
        }
        for (k++;
             k < x->n && (s[k] == ' ' || s[k] == '\t') && s[k] != x->delim;)
            k++;
    } else {
        while (k < x->n && s[k] != x->delim && s[k] != '\n' && s[k] != '\r')
            k++;
        w = s + k;
        while (w > start && (w[-1] == ' ' || w[-1] == '\t'))
            w--; /* trailing spaces; leading ones just below */
    }
    while (start < w && (*start == ' ' || *start == '\t'))
        start++;
    *term = k < x->n ? s[k] : '\0';
    *w = '\0'; /* may be where term was: it is saved */
    *i = k;
    return add_field(x, r, start);
}

/* The next row into x->f: *got 1, or 0 at the end of the text. */
static bp_status next_row(lexer *x, const bp__rd *r, int *got)
{
    size_t i = x->at;
    const char *s = x->s;
    x->count = 0;
    while (i < x->n && (s[i] == '\n' || s[i] == '\r'))
        x->line += s[i++] == '\n'; /* blank lines */
    *got = i < x->n;
    if (!*got)
        return BP_OK;
    x->row_line = x->line;
    char term = '\0';
    for (;;) {
        bp_status st = field(x, r, &i, &term);
        if (st)
            return st;
        if (term == x->delim && term) {
            i++;
            if (i < x->n && s[i] != '\n' && s[i] != '\r')
                continue;
            /* a delimiter ends the line: one more, empty field */
            if ((st = add_field(x, r, "")))
                return st;
            term = i < x->n ? s[i] : '\0';
        } else if (term != '\n' && term != '\r' && term != '\0') {
            return bp__rd_fail(r, BP_ERR_FORMAT,
                               ":%d: text after a closing "
                               "quote",
                               x->line);
        }
        break;
    }
    /* the line break (its first character may be a NUL now: term says
     * what it was) */
    if (term == '\r') {
        i++;
        term = i < x->n ? s[i] : '\0';
    }
    if (term == '\n') {
        i++;
        x->line++;
    }
    x->at = i;
    return BP_OK;
}

/* ------------------------------------------------------------- columns */

typedef struct {
    const bp__rd *r;
    bp_dataset *ds;
    int cols, header, header_line;
    int trailing;             /* 1: each row ends with a delimiter, dropped */
    const char **names;       /* [cols] header names, or NULL */
    unsigned char *is_target; /* [cols] */
    int *slot;                /* [cols] an input column's place among the
                                 inputs */
    int n_targets;
    int64_t rows, cap;
    bp_choice classes; /* for one target column */
    bp__labels labels;
    int32_t *ids; /* [cap] label index of each row */
    int hashing, too_many, all_numeric, small_ints;
    int long_line, long_col; /* a label too long for a class name */
    /* The first target label that spells a missing or non-finite number
     * (NaN, NA, inf, 1e400), and whether any other label is a word: a
     * column of numbers with such gaps is not a column of classes. */
    int gap_line, gap_col, words;
    char gap[BP_CLIP_CAP];
} csv;

static const char *col_name(const csv *c, int col)
{
    return c->names ? c->names[col] : "";
}

/* The targets as a list: 1-based numbers or header names. */
static bp_status targets_by_spec(csv *c, const char *spec)
{
    const bp__rd *r = c->r;
    for (const char *p = spec; *p;) {
        const size_t len = strcspn(p, ",");
        char name[BP_CLIP_CAP], *end;
        int col = -1;
        long k = strtol(p, &end, 10);
        if (end == p + len && len > 0) {
            if (k >= 1 && k <= c->cols)
                col = (int)k - 1;
        } else if (c->header) {
            for (int j = 0; j < c->cols && col < 0; j++)
                if (strlen(c->names[j]) == len &&
                    memcmp(c->names[j], p, len) == 0)
                    col = j;
        }
        if (col < 0)
            return bp__rd_fail(r, BP_ERR_FORMAT,
                               ": no column '%s' to take as "
                               "the target (%d columns%s)",
                               bp__clip(name, p, len), c->cols,
                               c->header ? "" : ", no header line");
        if (!c->is_target[col]++)
            c->n_targets++;
        p += len + (p[len] == ',');
    }
    return BP_OK;
}

/* The targets as the model remembers them: by name when the header has
 * them all, else by position when the columns are as many; a file of the
 * model's input width is inputs alone. */
static bp_status targets_by_model(csv *c, const bp_model *m)
{
    int found = c->header && m->n_targets > 0;
    for (int k = 0; found && k < m->n_targets; k++) {
        int col = -1;
        for (int j = 0; j < c->cols && col < 0; j++)
            if (m->target_names[k][0] &&
                strcmp(c->names[j], m->target_names[k]) == 0)
                col = j;
        found = col >= 0;
        if (found && !c->is_target[col]++)
            c->n_targets++;
    }
    if (found)
        return BP_OK;
    memset(c->is_target, 0, (size_t)c->cols);
    c->n_targets = 0;
    if (c->cols == bp_net_n_in(m->net))
        return BP_OK; /* inputs alone */
    if (m->n_targets > 0 && c->cols == m->n_columns) {
        for (int k = 0; k < m->n_targets; k++)
            c->is_target[m->target_cols[k]] = 1;
        c->n_targets = m->n_targets;
        return BP_OK;
    }
    if (m->n_targets > 0) {
        char shown[BP_CLIP_CAP];
        const char *t0 = m->target_names[0];
        return bp__rd_fail(
            c->r, BP_ERR_FORMAT,
            ": %d columns, but the model "
            "takes %d inputs and was trained on %d columns%s%s%s%s",
            c->cols, bp_net_n_in(m->net), m->n_columns,
            *t0 ? ", with target column '" : "",
            bp__clip(shown, t0, strlen(t0)), *t0 ? "'" : "",
            m->n_targets > 1 ? " and more" : "");
    }
    c->is_target[c->cols - 1] = 1; /* an older model: the last column */
    c->n_targets = 1;
    return BP_OK;
}

static bp_status choose_targets(csv *c)
{
    const bp__rd *r = c->r;
    const bp_data_opts *o = r->o;
    bp_status st = BP_OK;
    if (o->label)
        st = targets_by_spec(c, o->label);
    else if (o->inputs_only > 0 && c->cols == o->inputs_only)
        ; /* inputs alone */
    else if (o->model)
        st = targets_by_model(c, o->model);
    else {
        c->is_target[c->cols - 1] = 1;
        c->n_targets = 1;
    }
    if (st)
        return st;
    if (c->n_targets == 0 && c->cols >= 1)
        return BP_OK;
    if (c->cols == 1)
        return bp__rd_fail(r, BP_ERR_FORMAT,
                           ": one column: a data set needs "
                           "input columns and a target column");
    if (c->n_targets >= c->cols)
        return bp__rd_fail(r, BP_ERR_FORMAT,
                           ": every column is a target; no "
                           "inputs are left");
    c->classes = bp__classes_wanted(r);
    if (c->classes == BP_YES && c->n_targets > 1)
        return bp__rd_fail(r, BP_ERR_FORMAT,
                           ": classes need exactly one "
                           "target column, not %d",
                           c->n_targets);
    if (c->n_targets > 1)
        c->classes = BP_NO;
    return BP_OK;
}

/* Whether a model's input names can find its inputs: each one named,
 * no two alike. */
static int names_unique(char *const *names, int n)
{
    for (int i = 0; i < n; i++) {
        if (!names[i][0])
            return 0;
        for (int j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return 0;
    }
    return 1;
}

/* Each input column's place among the inputs: the file's order, or, for
 * a model that remembers its inputs' header names, the model's order
 * when the header holds them (a file with its columns in another order
 * gives each input its own values, not its neighbour's). A header that
 * holds some of them but not all is refused; one that holds none of
 * them names the columns otherwise, and its columns are taken in
 * order. */
static bp_status map_inputs(csv *c)
{
    const bp_model *m = c->r->o->model;
    c->slot = bp__alloc(&c->ds->alloc, (size_t)c->cols * sizeof *c->slot);
    if (!c->slot)
        return bp__rd_fail(c->r, BP_ERR_NOMEM, ": out of memory");
    int n_in = 0;
    for (int j = 0; j < c->cols; j++)
        c->slot[j] = c->is_target[j] ? -1 : n_in++;
    if (!m || !m->input_names || !c->header || n_in != bp_net_n_in(m->net) ||
        !names_unique(m->input_names, n_in))
        return BP_OK;
    int found = 0, missing = -1;
    for (int k = 0; k < n_in; k++) {
        int col = -1;
        for (int j = 0; j < c->cols && col < 0; j++)
            if (!c->is_target[j] && strcmp(c->names[j], m->input_names[k]) == 0)
                col = j;
        if (col >= 0)
            found++;
        else if (missing < 0)
            missing = k;
    }
    if (!found)
        return BP_OK;
    char shown[BP_CLIP_CAP];
    const char *want = missing >= 0 ? m->input_names[missing] : "";
    if (missing >= 0)
        return bp__rd_fail(c->r, BP_ERR_FORMAT,
                           ":%d: no column '%s' in the header, an input "
                           "the model was trained on (%d of its %d "
                           "inputs are there)",
                           c->header_line, bp__clip(shown, want, strlen(want)),
                           found, n_in);
    for (int k = 0; k < n_in; k++)
        for (int j = 0; j < c->cols; j++)
            if (!c->is_target[j] &&
                strcmp(c->names[j], m->input_names[k]) == 0) {
                c->slot[j] = k;
                break;
            }
    return BP_OK;
}

/* Remember the columns in the data set (for bp_dataset_describe): the
 * targets' and, under a header, the inputs' names in their order. */
static bp_status keep_columns(csv *c)
{
    bp_dataset *ds = c->ds;
    ds->n_columns = c->cols;
    ds->n_in = c->cols - c->n_targets;
    if (c->header && ds->n_in > 0) {
        ds->input_names =
            bp__dalloc(ds, (size_t)ds->n_in * sizeof *ds->input_names);
        if (!ds->input_names)
            return bp__rd_fail(c->r, BP_ERR_NOMEM, ": out of memory");
        memset(ds->input_names, 0, (size_t)ds->n_in * sizeof(char *));
        for (int j = 0; j < c->cols; j++)
            if (!c->is_target[j] &&
                !(ds->input_names[c->slot[j]] =
                      bp__strdup(&ds->alloc, c->names[j], strlen(c->names[j]))))
                return bp__rd_fail(c->r, BP_ERR_NOMEM, ": out of memory");
    }
    if (!c->n_targets)
        return BP_OK;
    ds->target_cols = bp__dalloc(ds, (size_t)c->n_targets * sizeof(int));
    ds->target_names = bp__dalloc(ds, (size_t)c->n_targets * sizeof(char *));
    if (!ds->target_cols || !ds->target_names)
        return bp__rd_fail(c->r, BP_ERR_NOMEM, ": out of memory");
    memset(ds->target_names, 0, (size_t)c->n_targets * sizeof(char *));
    ds->n_targets = c->n_targets;
    for (int j = 0, k = 0; j < c->cols; j++) {
        if (!c->is_target[j])
            continue;
        const char *name = col_name(c, j);
        ds->target_cols[k] = j;
        if (!(ds->target_names[k++] =
                  bp__strdup(&ds->alloc, name, strlen(name))))
            return bp__rd_fail(c->r, BP_ERR_NOMEM, ": out of memory");
    }
    return BP_OK;
}

/* ------------------------------------------------------------- numbers */

static bp_status alloc_rows(csv *c, int64_t cap)
{
    bp_dataset *ds = c->ds;
    const int n_in = c->cols - c->n_targets;
    ds->n_in = n_in;
    c->cap = cap;
    ds->x = bp__dalloc(
        ds, bp__bytes((uint64_t)cap * (uint64_t)n_in, sizeof(bp_real)));
    int ok = ds->x != NULL;
    if (c->n_targets && c->classes != BP_YES) {
        ds->t = bp__dalloc(
            ds,
            bp__bytes((uint64_t)cap * (uint64_t)c->n_targets, sizeof(bp_real)));
        ok &= ds->t != NULL;
    }
    if (c->n_targets == 1 && c->classes != BP_NO) {
        c->ids = bp__dalloc(ds, bp__bytes((uint64_t)cap, sizeof(int32_t)));
        ok &= c->ids != NULL;
        c->hashing = 1;
    }
    c->all_numeric = c->small_ints = 1;
    return ok ? BP_OK
              : bp__rd_fail(c->r, BP_ERR_NOMEM,
                            ": out of memory for %lld rows "
                            "of %d columns",
                            (long long)cap, c->cols);
}

static bp_status not_a_number(const csv *c, int line, int col, const char *f)
{
    char shown[BP_CLIP_CAP], shown_name[BP_CLIP_CAP];
    const char *name = col_name(c, col);
    return bp__rd_fail(
        c->r, BP_ERR_FORMAT,
        ":%d:%d: '%s' is not a finite "
        "number%s%s%s",
        line, col + 1, bp__clip(shown, f, strlen(f)), *name ? " (column " : "",
        bp__clip(shown_name, name, strlen(name)), *name ? ")" : "");
}

/* A field that a column of numbers holds where a value is missing or
 * is not finite: what strtod reads as NaN, infinity or out of range,
 * and the usual spellings of "not available". */
static int is_gap(const char *f)
{
    static const char *const words[] = {"na", "n/a", "null", "none", "?"};
    char *end;
    (void)bp__strtod(f, &end);
    if (end != f && *end == '\0')
        return 1; /* a number, but bp__number refused it */
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (!strcasecmp(f, words[i]))
            return 1;
    return 0;
}

/* The one target column's label: hashed (while it may be classes) and,
 * while every label is a number, kept as one. */
static bp_status take_label(csv *c, int line, int col, const char *f,
                            int64_t row)
{
    double v;
    const int num = c->classes != BP_YES && bp__number(f, &v);
    if (c->classes == BP_NO && !num)
        return not_a_number(c, line, col, f);
    if (num)
        c->ds->t[row] = (bp_real)v;
    else
        c->all_numeric = 0;
    if (!num && c->classes == BP_AUTO) {
        if (!is_gap(f))
            c->words = 1;
        else if (!c->gap_line) {
            c->gap_line = line;
            c->gap_col = col + 1;
            bp__clip(c->gap, f, strlen(f));
        }
    }
    c->small_ints &= num && v >= 0 && v <= 1000 && v == floor(v);
    if (!c->hashing)
        return BP_OK;
    const size_t len = strlen(f);
    if (len > BP_MAX_NAME && !c->long_line) {
        c->long_line = line;
        c->long_col = col + 1;
    }
    const int32_t id = bp__labels_add(&c->labels, f, len);
    if (id == -1)
        return bp__rd_fail(c->r, BP_ERR_NOMEM, ": out of memory");
    if (id == -2) {
        c->hashing = 0;
        c->too_many = 1;
    } else {
        c->ids[row] = id;
    }
    return BP_OK;
}

static bp_status take_row(csv *c, const char *const *f, int line)
{
    bp_dataset *ds = c->ds;
    const int64_t row = c->rows;
    int ti = 0;
    for (int col = 0; col < c->cols; col++) {
        double v;
        const char *name = col_name(c, col);
        char shown[BP_CLIP_CAP];
        if (!*f[col])
            return bp__rd_fail(c->r, BP_ERR_FORMAT, ":%d:%d: %s%s%s", line,
                               col + 1,
                               c->is_target[col] ? "the target is "
                                                   "missing"
                                                 : "missing value",
                               *name ? " in column " : "",
                               bp__clip(shown, name, strlen(name)));
        if (c->is_target[col] && c->n_targets == 1) {
            bp_status st = take_label(c, line, col, f[col], row);
            if (st)
                return st;
            continue;
        }
        if (!bp__number(f[col], &v))
            return not_a_number(c, line, col, f[col]);
        if (c->is_target[col])
            ds->t[(size_t)row * (size_t)c->n_targets + (size_t)ti++] =
                (bp_real)v;
        else
            ds->x[(size_t)row * (size_t)ds->n_in + (size_t)c->slot[col]] =
                (bp_real)v;
    }
    c->rows++;
    return BP_OK;
}

/* ------------------------------------------------------------- classes */

/* A header whose input names are numbers ("2019,2020,label", pixel
 * numbers) is not told from a row of data by its words: read as one, its
 * target's name became a class of one sample. When the first row's
 * class (index 0, the first seen) has that row alone and every other
 * class has two rows or more, ask. */
static bp_status first_row_alone(csv *c)
{
    if (c->r->o->header != BP_AUTO || c->header || c->labels.count < 2 ||
        c->rows < 4)
        return BP_OK;
    int64_t first = 0;
    for (int64_t i = 0; i < c->rows; i++)
        first += c->ids[i] == 0;
    if (first != 1)
        return BP_OK;
    int *count =
        bp__alloc(&c->ds->alloc, (size_t)c->labels.count * sizeof *count);
    if (!count)
        return bp__rd_fail(c->r, BP_ERR_NOMEM, ": out of memory");
    memset(count, 0, (size_t)c->labels.count * sizeof *count);
    for (int64_t i = 0; i < c->rows; i++)
        count[c->ids[i]]++;
    int others = 1;
    for (int k = 1; k < c->labels.count; k++)
        others &= count[k] >= 2;
    bp__free(&c->ds->alloc, count);
    if (!others)
        return BP_OK;
    char shown[BP_CLIP_CAP];
    const char *f = c->labels.names[0];
    return bp__rd_fail(c->r, BP_ERR_FORMAT,
                       ":%d: is the first row a header? As data its "
                       "'%s' is a class of that one row "
                       "(--header yes, or --header no to keep it as data)",
                       c->header_line, bp__clip(shown, f, strlen(f)));
}

/* After the last row: classes or numbers for a single target column. */
static bp_status settle_targets(csv *c)
{
    bp_dataset *ds = c->ds;
    const bp__rd *r = c->r;
    int classify = c->classes == BP_YES;
    if (c->classes == BP_AUTO)
        classify = !c->all_numeric ||
            (c->small_ints && !c->too_many && c->labels.count <= 100 &&
             c->labels.count < c->rows);
    const char *name = col_name(c, ds->target_cols[0]);
    char shown[BP_CLIP_CAP];
    /* Numbers with a gap: classes would make every distinct number and
     * "NaN" a class, a wrong model without a word. */
    if (c->classes == BP_AUTO && c->gap_line && !c->words)
        return bp__rd_fail(
            r, BP_ERR_FORMAT,
            ":%d:%d: '%s' is not a finite number%s%s%s, "
            "in a target column of numbers (--classes yes "
            "reads its values as class labels)",
            c->gap_line, c->gap_col, c->gap, *name ? " (column " : "",
            bp__clip(shown, name, strlen(name)), *name ? ")" : "");
    if (classify && c->too_many)
        return bp__rd_fail(r, BP_ERR_FORMAT,
                           ": the target column%s%s%s holds "
                           "more than %d distinct labels: too many classes "
                           "(is it the target column?)",
                           *name ? " '" : "",
                           bp__clip(shown, name, strlen(name)),
                           *name ? "'" : "", r->max_classes);
    if (classify && c->long_line)
        return bp__rd_fail(r, BP_ERR_FORMAT,
                           ":%d:%d: a class label longer "
                           "than %d bytes",
                           c->long_line, c->long_col, BP_MAX_NAME);
    if (!classify) {
        ds->n_out = 1;
        bp__dfree(ds, c->ids);
        c->ids = NULL;
        return BP_OK;
    }
    bp_status st = first_row_alone(c);
    if (st)
        return st;
    int32_t *remap =
        bp__dalloc(ds, bp__bytes((uint64_t)c->labels.count, sizeof *remap));
    if (!remap || bp__labels_sort(&c->labels, c->all_numeric, remap)) {
        bp__dfree(ds, remap);
        return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
    }
    for (int64_t i = 0; i < c->rows; i++)
        c->ids[i] = remap[c->ids[i]];
    bp__dfree(ds, remap);
    bp__dfree(ds, ds->t);
    ds->t = NULL;
    ds->label = c->ids;
    c->ids = NULL;
    bp__labels_give(&c->labels, ds);
    ds->n_out = ds->n_classes;
    return BP_OK;
}

/* ---------------------------------------------------------- the reader */

int bp__csv_sniff(const char *name, const unsigned char *p, size_t n)
{
    (void)name;
    return memchr(p, '\0', n) ? 0 : 1;
}

/* Is the first row a header: told; or it holds a non-number over a
 * number of the second row; or, alone, it holds no number at all. */
static int is_header(const bp__rd *r, const char *const *row1,
                     const char *const *row2, int cols)
{
    if (r->o->header != BP_AUTO)
        return r->o->header == BP_YES;
    double v;
    int words = 0;
    for (int j = 0; j < cols; j++) {
        const int word = !bp__number(row1[j], &v);
        if (row2 && word && bp__number(row2[j], &v))
            return 1;
        words += word;
    }
    return !row2 && words == cols;
}

/* Every row after the first (and the first too unless it is the
 * header); x holds the second row, if any, on entry. */
static bp_status read_rows(csv *c, lexer *x, const char *const *row1, int line1,
                           int got)
{
    bp_status st = BP_OK;
    if (!c->header)
        st = take_row(c, row1, line1);
    while (!st && got) {
        if (x->count != c->cols + c->trailing)
            return bp__rd_fail(c->r, BP_ERR_FORMAT,
                               ":%d: %d fields, but the "
                               "first row has %d",
                               x->row_line, x->count, c->cols + c->trailing);
        if (c->trailing && x->f[c->cols][0])
            return bp__rd_fail(c->r, BP_ERR_FORMAT,
                               ":%d:%d: a value in the last column, "
                               "which the first rows leave empty (a "
                               "delimiter ending each line)",
                               x->row_line, c->cols + 1);
        if (c->rows == c->cap)
            return bp__rd_fail(c->r, BP_ERR_FORMAT, ": more than %lld rows",
                               (long long)c->cap);
        if (!(st = take_row(c, x->f, x->row_line)))
            st = next_row(x, c->r, &got);
    }
    return st;
}

/* Rows the text can hold at most: its line breaks, plus one. */
static int64_t max_rows(const char *s, size_t n)
{
    int64_t rows = 1;
    for (const char *p = s; (p = memchr(p, '\n', n - (size_t)(p - s))); p++)
        rows++;
    return rows;
}

static bp_status parse(csv *c, lexer *x)
{
    const bp__rd *r = c->r;
    int got, line1;
    bp_status st = next_row(x, r, &got);
    if (st)
        return st;
    if (!got)
        return bp__rd_fail(r, BP_ERR_FORMAT, ": no data");
    /* the first row's fields stay in the text; keep pointers to them */
    c->cols = x->count;
    line1 = x->row_line;
    const char **row1 = bp__alloc(x->a, (size_t)c->cols * sizeof *row1);
    c->is_target = bp__alloc(x->a, (size_t)c->cols);
    if (!row1 || !c->is_target) {
        bp__free(x->a, row1);
        return bp__rd_fail(r, BP_ERR_NOMEM, ": out of memory");
    }
    memcpy(row1, x->f, (size_t)c->cols * sizeof *row1);
    memset(c->is_target, 0, (size_t)c->cols);
    st = next_row(x, r, &got);
    /* A delimiter ending every line (as spreadsheets write it) makes an
     * empty last column, not the target: when the first two rows end so,
     * it is dropped, and a later row with a value there is refused. */
    if (!st && got && c->cols >= 3 && x->count == c->cols &&
        !row1[c->cols - 1][0] && !x->f[c->cols - 1][0]) {
        c->cols--;
        c->trailing = 1;
    }
    if (!st) {
        c->header = is_header(
            r, row1, got && x->count == c->cols + c->trailing ? x->f : NULL,
            c->cols);
        c->names = c->header ? row1 : NULL;
        c->header_line = line1;
        if (c->header && !got)
            st = bp__rd_fail(r, BP_ERR_FORMAT, ": a header and no data");
    }
    if (!st)
        st = choose_targets(c);
    if (!st)
        st = map_inputs(c);
    if (!st)
        st = keep_columns(c);
    if (!st)
        st = alloc_rows(c, max_rows(x->s + x->at, x->n - x->at) + 2);
    if (!st)
        st = read_rows(c, x, row1, line1, got);
    if (!st && c->rows > INT32_MAX)
        st = bp__rd_fail(r, BP_ERR_SIZE, ": more than %d rows", INT32_MAX);
    c->ds->n = c->rows;
    if (!st && c->n_targets == 1)
        st = settle_targets(c);
    else if (!st)
        c->ds->n_out = c->n_targets;
    bp__free(x->a, row1);
    return st;
}

bp_status bp__csv_parse(const bp__rd *r, unsigned char *p, size_t n,
                        bp_dataset *ds)
{
    if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        p += 3; /* a UTF-8 byte-order mark is not the first field */
        n -= 3;
    }
    lexer x;
    memset(&x, 0, sizeof x);
    x.s = (char *)p;
    x.n = n;
    x.line = 1;
    x.a = &ds->alloc;
    x.delim = detect_delim(x.s, n);
    ds->format = x.delim == '\t' ? "tsv" : "csv";
    csv c;
    memset(&c, 0, sizeof c);
    c.r = r;
    c.ds = ds;
    bp__labels_init(&c.labels, &ds->alloc, r->max_classes);
    bp_status st = parse(&c, &x);
    bp__labels_free(&c.labels);
    bp__dfree(ds, c.ids);
    bp__free(x.a, c.is_target);
    bp__free(x.a, c.slot);
    bp__free(x.a, x.f);
    return st;
}
