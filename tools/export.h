/*
 * export.h - models out to other worlds: standalone C, FANN's .net files
 * (and back in).
 */
#ifndef BP_EXPORT_H
#define BP_EXPORT_H

#include "backprop.h"

/* Write NAME_predict() as c_path and its header h_path. With int8, the
 * weights are quantised per layer; *max_weight_error gets the largest
 * change of a weight. 0, or -1 with err->msg set. */
int export_c(const bp_model *m, const char *c_path, const char *h_path,
             const char *name, int int8, double *max_weight_error,
             bp_error *err);

/* An ONNX model (IR 8, opset 13): scaling as Sub/Mul, Gemm + activation
 * per layer; input "x" [N, n_in], output "y" [N, n_out]. */
int onnx_export(const bp_model *m, const char *path, bp_error *err);

/* A FANN float network file (FANN_FLO_2.1), loadable by fann_create_from_file.
 * The input scaling is folded into the first layer's weights. */
int fann_export(const bp_model *m, const char *path, bp_error *err);
/* Read a FANN float .net file into a model. FANN's steepness is folded
 * into the weights, so the outputs are FANN's exactly in form. */
int fann_import(const char *path, bp_model **out, bp_error *err);

#endif
