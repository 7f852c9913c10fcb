/*
 * export_onnx.c - a model as an ONNX file: Sub and Mul nodes for the
 * input scaling, then a Gemm and an activation node per layer, then Div
 * and Add undoing the targets' scaling (when the model has one), taking
 * raw inputs of shape [N, n_in] and giving outputs in the targets' units.
 *
 * The protobuf encoding is written here (about a hundred lines for the
 * handful of ONNX messages a feed-forward net needs: ModelProto,
 * GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto)
 * rather than through Debian's protobuf-c, which would need the ONNX
 * schema compiled by protoc-c into generated code and a library
 * dependency for a few varints and length prefixes. Field numbers are
 * onnx.proto's (IR version 8, opset 13).
 */
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned char *p;
    size_t len, cap;
    int oom;
} pb;

static void raw(pb *b, const void *d, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

static void varint(pb *b, uint64_t v)
{
    unsigned char s[10];
    int n = 0;
    do {
        s[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    raw(b, s, (size_t)n);
}

static void key(pb *b, int field, int wire)
{
    varint(b, (uint64_t)field << 3 | wire);
}
static void int_field(pb *b, int field, int64_t v)
{
    key(b, field, 0);
    varint(b, (uint64_t)v);
}

static void bytes_field(pb *b, int field, const void *d, size_t n)
{
    key(b, field, 2);
    varint(b, n);
    raw(b, d, n);
}

static void str_field(pb *b, int field, const char *s)
{
    bytes_field(b, field, s, strlen(s));
}

/* Append a finished sub-message as a field, and free it. */
static void msg_field(pb *b, int field, pb *sub)
{
    bytes_field(b, field, sub->p, sub->len);
    b->oom |= sub->oom;
    free(sub->p);
    memset(sub, 0, sizeof *sub);
}

/* TensorProto: float32 [d0] or [d0, d1], little-endian raw data. */
static void tensor(pb *graph, const char *name, int d0, int d1, const float *v)
{
    pb t = {0};
    int_field(&t, 1, d0);
    if (d1 > 0)
        int_field(&t, 1, d1);
    int_field(&t, 2, 1); /* FLOAT */
    str_field(&t, 8, name);
    const size_t n = (size_t)d0 * (d1 > 0 ? d1 : 1);
    unsigned char *bytes = malloc(n * 4);
    if (!bytes) {
        graph->oom = 1;
        free(t.p);
        return;
    }
    for (size_t i = 0; i < n; i++) { /* little-endian whatever the host */
        uint32_t u;
        memcpy(&u, &v[i], 4);
        for (int k = 0; k < 4; k++)
            bytes[4 * i + k] = (unsigned char)(u >> (8 * k));
    }
    bytes_field(&t, 9, bytes, n * 4);
    free(bytes);
    msg_field(graph, 5, &t);
}

/* NodeProto with up to three inputs and an optional attribute. */
static void node(pb *graph, const char *op, const char *in0, const char *in1,
                 const char *in2, const char *out, const char *attr,
                 int attr_type, double attr_value)
{
    pb n = {0};
    str_field(&n, 1, in0);
    if (in1)
        str_field(&n, 1, in1);
    if (in2)
        str_field(&n, 1, in2);
    str_field(&n, 2, out);
    str_field(&n, 3, out); /* the node's name: its output's */
    str_field(&n, 4, op);
    if (attr) {
        pb a = {0};
        str_field(&a, 1, attr);
        if (attr_type == 1) { /* FLOAT */
            float f = (float)attr_value;
            uint32_t u;
            memcpy(&u, &f, 4);
            unsigned char s[4] = {(unsigned char)u, (unsigned char)(u >> 8),
                                  (unsigned char)(u >> 16),
                                  (unsigned char)(u >> 24)};
            key(&a, 2, 5);
            raw(&a, s, 4);
        } else {
            int_field(&a, 3, (int64_t)attr_value);
        }
        int_field(&a, 20, attr_type);
        msg_field(&n, 5, &a);
    }
    msg_field(graph, 1, &n);
}

/* ValueInfoProto: a float tensor [N, width] with N symbolic. */
static void value_info(pb *graph, int field, const char *name, int width)
{
    pb dim_n = {0}, dim_w = {0}, shape = {0}, tt = {0}, type = {0}, vi = {0};
    str_field(&dim_n, 2, "N");
    int_field(&dim_w, 1, width);
    msg_field(&shape, 1, &dim_n);
    msg_field(&shape, 1, &dim_w);
    int_field(&tt, 1, 1); /* FLOAT */
    msg_field(&tt, 2, &shape);
    msg_field(&type, 1, &tt);
    str_field(&vi, 1, name);
    msg_field(&vi, 2, &type);
    msg_field(graph, field, &vi);
}

/* A tensor of n floats from doubles or bp_reals (one of them non-NULL),
 * [d0] or [d0, d1]. */
static void tensor_of(pb *graph, const char *name, int d0, int d1,
                      const double *vd, const bp_real *vr)
{
    const size_t n = (size_t)d0 * (d1 > 0 ? d1 : 1);
    float *f = malloc((n ? n : 1) * sizeof *f);
    if (!f) {
        graph->oom = 1;
        return;
    }
    for (size_t i = 0; i < n; i++)
        f[i] = vd ? (float)vd[i] : (float)vr[i];
    tensor(graph, name, d0, d1, f);
    free(f);
}

/* Input scaling: x_scaled = (x - scale_offset) * scale_factor. */
static void scaling_nodes(pb *g, const bp_scaler *s)
{
    tensor_of(g, "scale_offset", s->n, 0, s->offset, NULL);
    tensor_of(g, "scale_factor", s->n, 0, s->factor, NULL);
    node(g, "Sub", "x", "scale_offset", NULL, "x_centred", NULL, 0, 0);
    node(g, "Mul", "x_centred", "scale_factor", NULL, "x_scaled", NULL, 0, 0);
}

/* The targets' units: y = y_net / target_factor + target_offset. */
static void target_nodes(pb *g, const bp_scaler *s)
{
    tensor_of(g, "target_offset", s->n, 0, s->offset, NULL);
    tensor_of(g, "target_factor", s->n, 0, s->factor, NULL);
    node(g, "Div", "y_net", "target_factor", NULL, "y_unshifted", NULL, 0, 0);
    node(g, "Add", "y_unshifted", "target_offset", NULL, "y", NULL, 0, 0);
}

/* Layer l: a Gemm from cur (then an activation node), its output named
 * out_name for the last layer; cur becomes the layer's output. */
static void layer_nodes(pb *g, const bp_net *net, int l, char cur[32],
                        const char *out_name)
{
    bp_layer_view v;
    bp_net_layer_view(net, l, &v);
    const bp_act_info *f = bp_act_describe(v.act);
    char wn[32], bn[32], next[32];
    snprintf(wn, sizeof wn, "W%d", l);
    snprintf(bn, sizeof bn, "b%d", l);
    tensor_of(g, wn, v.n_out, v.n_in, NULL, v.w);
    tensor_of(g, bn, v.n_out, 0, NULL, v.b);
    const int last = l == bp_net_n_layers(net) - 1;
    const int has_act = f->onnx_op[0] != '\0'; /* "": the Gemm alone */
    if (last && !has_act)
        snprintf(next, sizeof next, "%s", out_name);
    else
        snprintf(next, sizeof next, "z%d", l);
    /* Gemm: Y = A B^T + C, transB = 1 (B is W[n_out][n_in]) */
    node(g, "Gemm", cur, wn, bn, next, "transB", 2, 1);
    strcpy(cur, next);
    if (!has_act)
        return;
    if (last)
        snprintf(next, sizeof next, "%s", out_name);
    else
        snprintf(next, sizeof next, "a%d", l);
    /* the attribute: the parameter as a FLOAT (1), else an INT (2) */
    node(g, f->onnx_op, cur, NULL, NULL, next, f->onnx_attr, f->param ? 1 : 2,
         f->param ? v.act_param : f->onnx_attr_int);
    strcpy(cur, next);
}

int onnx_export(const bp_model *m, const char *path, bp_error *err)
{
    bp_net *net = m->net;
    const int L = bp_net_n_layers(net);
    for (int l = 0; l < L; l++) {
        bp_layer_desc d;
        bp_net_layer(net, l, &d, NULL);
        if (!bp_act_describe(d.act)->onnx_op) {
            snprintf(err->msg, sizeof err->msg,
                     "%s: layer %d is a %s "
                     "layer, which this exporter does not write to ONNX",
                     path, l + 1, bp_act_name(d.act));
            return -1;
        }
    }
    const int targets = m->target_scaler.kind != BP_SCALING_NONE;
    pb g = {0}, model = {0};
    str_field(&g, 2, "backprop");
    char cur[32] = "x";
    if (m->scaler.kind != BP_SCALING_NONE) {
        scaling_nodes(&g, &m->scaler);
        strcpy(cur, "x_scaled");
    }
    for (int l = 0; l < L; l++)
        layer_nodes(&g, net, l, cur, targets ? "y_net" : "y");
    if (targets)
        target_nodes(&g, &m->target_scaler);
    value_info(&g, 11, "x", bp_net_n_in(net));
    value_info(&g, 12, "y", bp_net_n_out(net));
    int_field(&model, 1, 8); /* ir_version */
    str_field(&model, 2, "backprop");
    str_field(&model, 3, BP_VERSION);
    msg_field(&model, 7, &g);
    pb opset = {0};
    str_field(&opset, 1, "");
    int_field(&opset, 2, 13);
    msg_field(&model, 8, &opset);
    int rc = 0;
    if (model.oom) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        rc = -1;
    } else if (bp_write_file_atomic(path, model.p, model.len, err)) {
        rc = -1;
    }
    free(model.p);
    return rc;
}
