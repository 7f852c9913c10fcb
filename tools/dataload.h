/*
 * dataload.h - data sets as the commands use them: loaded from any
 * supported file, classes matched by name between files and models,
 * split, scaled. Every function prints its own one-line message
 * ("backprop: FILE:LINE: ...") to stderr and returns non-zero on failure.
 */
#ifndef BP_DATALOAD_H
#define BP_DATALOAD_H

#include "backprop.h"

typedef struct {
    const char *label;   /* CSV label column(s), or NULL for the last */
    const char *classes; /* "auto", "yes", "no" or NULL (auto) */
    const char *header;  /* "auto", "yes", "no" or NULL (auto) */
    const char *split;   /* IDX directories: "train" or "t10k" */
    int inputs_only;     /* > 0: a CSV with exactly this many columns is
                            all inputs, no targets (for predict) */
} cli_data_opts;

typedef struct {
    int n, n_in, n_out;
    bp_real *x;          /* [n][n_in] */
    bp_real *t;          /* [n][n_out]: one-hot rows for classes; NULL
                            (n_out 0) for inputs without targets */
    int n_classes;       /* 0: numeric targets */
    char **class_names;  /* [n_classes] */
    int positional;      /* classes are one-hot columns without names of
                            their own (FANN, IDX): matched by position */
    void *map;           /* a memory-mapped .bpd file: x and t point into
                            it (read-only); NULL for data in memory */
    size_t map_len;
    bp_scaling scaling;  /* .bpd: the scaling already applied to x */
    double *scale_offset, *scale_factor; /* [n_in] or NULL */
} cli_data;

int cli_data_load(const char *path, const cli_data_opts *o, cli_data *d);
/* The same for a CSV/TSV or FANN text already in memory (name is used
 * in messages), and for an IDX image file and label file in memory. */
int cli_data_parse(const char *name, const unsigned char *p, size_t n,
                   const cli_data_opts *o, cli_data *d);
int cli_data_parse_idx(const char *name, const unsigned char *img, size_t n_img,
                       const unsigned char *lab, size_t n_lab, cli_data *d);
void cli_data_free(cli_data *d);
/* Reorder d's one-hot columns to ref's class order (by name). */
int cli_data_match(cli_data *d, const cli_data *ref, const char *name);
/* The same against a model's classes (and widths). */
int cli_data_match_model(cli_data *d, const bp_model *m, const char *name);
/* Move a shuffled fraction of d into val (seeded). */
int cli_data_split(cli_data *d, double fraction, uint64_t seed, cli_data *val);
/* Fit scaling on d and store it in the model. */
int cli_data_fit_scaling(const cli_data *d, bp_scaling kind, bp_model *m);
/* Write d as a .bpd file (docs/FORMATS.md), atomically; with a scaling
 * other than NONE, x is stored scaled and the scaling with it. */
int cli_data_write_bpd(const cli_data *d, const char *path, bp_scaling kind);

#endif
