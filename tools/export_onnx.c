/*
 * export_onnx.c - a model as an ONNX file: Sub and Mul nodes for the
 * input scaling, then a Gemm and an activation node per layer, taking raw
 * inputs of shape [N, n_in].
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

static void key(pb *b, int field, int wire) { varint(b, (uint64_t)field << 3 | wire); }
static void int_field(pb *b, int field, int64_t v) { key(b, field, 0); varint(b, (uint64_t)v); }

static void bytes_field(pb *b, int field, const void *d, size_t n)
{
    key(b, field, 2);
    varint(b, n);
    raw(b, d, n);
}

static void str_field(pb *b, int field, const char *s) { bytes_field(b, field, s, strlen(s)); }

/* Append a finished sub-message as a field, and free it. */
static void msg_field(pb *b, int field, pb *sub)
{
    bytes_field(b, field, sub->p, sub->len);
    b->oom |= sub->oom;
    free(sub->p);
    memset(sub, 0, sizeof *sub);
}

/* TensorProto: float32 [d0] or [d0, d1], little-endian raw data. */
static void tensor(pb *graph, const char *name, int d0, int d1,
                   const float *v)
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
                                  (unsigned char)(u >> 16), (unsigned char)(u >> 24)};
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

int onnx_export(const bp_model *m, const char *path, bp_error *err)
{
    bp_net *net = m->net;
    const int L = bp_net_n_layers(net), n_in = bp_net_n_in(net);
    const bp_real *p = bp_net_params(net);
    pb g = {0}, model = {0};
    str_field(&g, 2, "backprop");
    char cur[32] = "x", next[32], name[32];
    if (m->scaler.kind != BP_SCALING_NONE) {
        float *o = malloc((size_t)n_in * sizeof *o), *f = malloc((size_t)n_in * sizeof *f);
        if (!o || !f) {
            free(o);
            free(f);
            snprintf(err->msg, sizeof err->msg, "out of memory");
            return -1;
        }
        for (int i = 0; i < n_in; i++) {
            o[i] = (float)m->scaler.offset[i];
            f[i] = (float)m->scaler.factor[i];
        }
        tensor(&g, "scale_offset", n_in, 0, o);
        tensor(&g, "scale_factor", n_in, 0, f);
        free(o);
        free(f);
        node(&g, "Sub", "x", "scale_offset", NULL, "x_centred", NULL, 0, 0);
        node(&g, "Mul", "x_centred", "scale_factor", NULL, "x_scaled", NULL, 0, 0);
        strcpy(cur, "x_scaled");
    }
    for (int l = 0; l < L; l++) {
        bp_layer_desc d;
        int k;
        size_t wo, bo;
        bp_net_layer(net, l, &d, &k);
        bp_net_layer_offsets(net, l, &wo, &bo);
        if (d.act == BP_ACT_STEP) {
            free(g.p);
            snprintf(err->msg, sizeof err->msg, "%s: layer %d is a step "
                     "layer, which this exporter does not write to ONNX", path,
                     l + 1);
            return -1;
        }
        float *w = malloc((size_t)d.n_out * k * sizeof *w);
        float *b = malloc((size_t)d.n_out * sizeof *b);
        if (!w || !b) {
            free(w);
            free(b);
            free(g.p);
            snprintf(err->msg, sizeof err->msg, "out of memory");
            return -1;
        }
        for (size_t i = 0; i < (size_t)d.n_out * k; i++)
            w[i] = (float)p[wo + i];
        for (int j = 0; j < d.n_out; j++)
            b[j] = (float)p[bo + j];
        snprintf(name, sizeof name, "W%d", l);
        tensor(&g, name, d.n_out, k, w);
        snprintf(name, sizeof name, "b%d", l);
        tensor(&g, name, d.n_out, 0, b);
        free(w);
        free(b);
        char wn[32], bn[32];
        snprintf(wn, sizeof wn, "W%d", l);
        snprintf(bn, sizeof bn, "b%d", l);
        const int last = l == L - 1;
        const int has_act = d.act != BP_ACT_IDENTITY;
        snprintf(next, sizeof next, last && !has_act ? "y" : "z%d", l);
        /* Gemm: Y = A B^T + C, transB = 1 (B is W[n_out][n_in]) */
        node(&g, "Gemm", cur, wn, bn, next, "transB", 2, 1);
        strcpy(cur, next);
        if (has_act) {
            snprintf(next, sizeof next, last ? "y" : "a%d", l);
            switch (d.act) {
            case BP_ACT_SIGMOID: node(&g, "Sigmoid", cur, NULL, NULL, next, NULL, 0, 0); break;
            case BP_ACT_TANH: node(&g, "Tanh", cur, NULL, NULL, next, NULL, 0, 0); break;
            case BP_ACT_RELU: node(&g, "Relu", cur, NULL, NULL, next, NULL, 0, 0); break;
            case BP_ACT_LEAKY_RELU:
                node(&g, "LeakyRelu", cur, NULL, NULL, next, "alpha", 1, d.act_param);
                break;
            case BP_ACT_SOFTMAX: node(&g, "Softmax", cur, NULL, NULL, next, "axis", 2, 1); break;
            default: break;
            }
            strcpy(cur, next);
        }
    }
    value_info(&g, 11, "x", n_in);
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
