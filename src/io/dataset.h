/*
 * dataset.h - what the data readers share: the data set's insides, the
 * reading context, the table of formats, and the helpers every reader
 * leans on (allocation through the data set's allocator, numbers,
 * messages).
 */
#ifndef BP_IO_DATASET_H
#define BP_IO_DATASET_H

#include "core/internal.h"
#include "io/clip.h"

struct bp_dataset {
    bp_allocator alloc;
    char *name;         /* the file's, for messages */
    const char *format; /* "csv", "tsv", "fann", "idx", "bpd" */
    int64_t n;
    int n_in, n_out;
    bp_real *x;         /* [n][n_in] */
    bp_real *t;         /* [n][n_out] dense targets, or NULL */
    int32_t *label;     /* [n] class indices, or NULL */
    int n_classes;      /* 0: numeric targets (or none) */
    char **class_names; /* [n_classes] */
    int positional;     /* classes without names of their own (FANN,
                               IDX): "0".."k-1", matched by position */
    int n_columns;      /* CSV/TSV: the file's columns, and of them */
    int n_targets;      /* the targets: their positions (0-based, */
    int *target_cols;   /* ascending) and header names ("": none) */
    char **target_names;
    char **input_names; /* [n_in] the input columns' header names, or
                               NULL (no header) */
    bp_scaler x_scale;  /* the scaling x carries now */
    bp_scaler t_scale;  /* and dense t */
    void *map;          /* a memory-mapped .bpd, or NULL */
    size_t map_len;
    int x_in_map, t_in_map; /* x, and t or label, point into the map */
};

/* How a reader reads: its options (never NULL), the name for messages,
 * the class limit, where the message goes. */
typedef struct {
    const bp_data_opts *o;
    const char *name;
    int max_classes;
    bp_error *err;
} bp__rd;

/* One data format: how surely some bytes are in it (0 no, 1 they could
 * be, 2 its name says so, 3 its magic number says so), and its reader of
 * a whole file in memory, p[n] == '\0' (text readers rely on it), which
 * the reader may change (the CSV reader splits fields in place). */
typedef struct {
    const char *name;
    int (*sniff)(const char *name, const unsigned char *p, size_t n);
    bp_status (*parse)(const bp__rd *r, unsigned char *p, size_t n,
                       bp_dataset *ds);
} bp__data_format;

/* The readers (data_csv.c, data_fann.c, data_idx.c, data_bpd.c). */
int bp__csv_sniff(const char *name, const unsigned char *p, size_t n);
bp_status bp__csv_parse(const bp__rd *r, unsigned char *p, size_t n,
                        bp_dataset *ds);
int bp__fann_sniff(const char *name, const unsigned char *p, size_t n);
bp_status bp__fann_parse(const bp__rd *r, unsigned char *p, size_t n,
                         bp_dataset *ds);
int bp__idx_sniff(const char *name, const unsigned char *p, size_t n);
bp_status bp__idx_parse_one(const bp__rd *r, unsigned char *p, size_t n,
                            bp_dataset *ds);
bp_status bp__idx_pair(const bp__rd *r, const unsigned char *img, size_t n_img,
                       const unsigned char *lab, size_t n_lab,
                       const char *lab_name, bp_dataset *ds);
bp_status bp__idx_dir(const bp__rd *r, const char *dir, bp_dataset *ds);
int bp__bpd_sniff(const char *name, const unsigned char *p, size_t n);
bp_status bp__bpd_parse(const bp__rd *r, unsigned char *p, size_t n,
                        bp_dataset *ds);
bp_status bp__bpd_map(const bp__rd *r, int fd, uint64_t size, bp_dataset *ds);
/* The writers: the file's bytes to write(ctx, ...), piece by piece (what
 * is to be written checked before). */
void bp__bpd_write(const bp_dataset *ds, int repeat, bp_write_fn write,
                   void *ctx);
void bp__fann_write(const bp_dataset *ds, int repeat, bp_write_fn write,
                    void *ctx);

/* ---- reading whole streams (source.c) ---- */

/* The most bytes a data file may hold in memory. */
#define BP_MAX_DATA_FILE ((uint64_t)1 << (sizeof(size_t) >= 8 ? 34 : 30))

/* Given the first n bytes of a stream (after inflating), the most bytes
 * it may hold in all, 0 when it cannot tell yet, or BP_LIMIT_STOP: stop
 * reading here (not the format the limit knows; its parser will say). */
#define BP_LIMIT_STOP ((uint64_t)1)
typedef uint64_t (*bp__limit_fn)(const unsigned char *p, size_t n);

/* Read fd to its end (a file or a pipe; never reopened; size, if not 0,
 * its expected size), or mem[0..size) when fd < 0, into *out (allocated
 * through a, with a NUL after the last byte): inflated when it starts
 * with gzip's magic number, and at most max bytes, or what limit says.
 * name is for messages. */
bp_status bp__read_all(int fd, const void *mem, size_t size, const char *name,
                       uint64_t max, bp__limit_fn limit, const bp_allocator *a,
                       unsigned char **out, size_t *n, bp_error *err);

/* ---- class labels (labels.c) ---- */

/* A set of distinct label strings, each with an index in the order first
 * seen; hashed, so adding n labels costs O(n), not O(n * classes). */
typedef struct {
    const bp_allocator *a;
    char **names;   /* [count] */
    uint32_t *hash; /* [count] */
    int32_t *slot;  /* [cap] index + 1, or 0 for empty */
    size_t cap;     /* a power of two, at least twice count */
    int count, max;
} bp__labels;

void bp__labels_init(bp__labels *L, const bp_allocator *a, int max);
void bp__labels_free(bp__labels *L);
/* The index of s[0..len) (added if new): >= 0; -1 out of memory; -2 it
 * would be more than max labels. */
int32_t bp__labels_add(bp__labels *L, const char *s, size_t len);
/* The index of s, or -1. */
int32_t bp__labels_find(const bp__labels *L, const char *s);
/* Sort the names (numerically when numeric) and fill remap[old] = new;
 * the set can no longer be searched. -1 out of memory. */
int bp__labels_sort(bp__labels *L, int numeric, int32_t *remap);
/* Hand the names over to ds as its classes (L keeps none). */
void bp__labels_give(bp__labels *L, bp_dataset *ds);

/* ---- a data set's life and helpers (dataset.c) ---- */

/* An empty data set named name, allocating through o->alloc. */
bp_status bp__dataset_new(bp_dataset **out, const bp_data_opts *o,
                          const char *name, bp_error *err);

void *bp__dalloc(const bp_dataset *ds, size_t size);
void bp__dfree(const bp_dataset *ds, void *p);
/* A copy of s[0..len) through a; NULL for lack of memory. */
char *bp__strdup(const bp_allocator *a, const char *s, size_t len);
/* n * size bytes, or SIZE_MAX when that does not fit a size_t. */
size_t bp__bytes(uint64_t n, size_t size);
/* Names "0".."k-1" as ds's classes, matched by position. */
bp_status bp__positional_classes(const bp__rd *r, bp_dataset *ds, int k);
/* A number the library can hold: all of s, finite in double and in
 * bp_real. An underflow reads as 0 or the nearest subnormal. */
int bp__number(const char *s, double *v);
/* The reader's answer to "classes?": the option, else the model's. */
bp_choice bp__classes_wanted(const bp__rd *r);
/* Fail with the message NAME followed by fmt (which begins with ":", as
 * in ":3:2: missing value" or ": no data"). */
bp_status bp__rd_fail(const bp__rd *r, bp_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
