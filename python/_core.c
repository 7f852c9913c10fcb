/*
 * _core.c - the Python package's whole boundary with libbackprop.
 *
 * One extension type, Net, owning one bp_net; everything above it
 * (estimators, pickling, explain's arrays) is Python in python/backprop/.
 * This file is compiled twice: into _core32 against the float library
 * and, with -DBP_DOUBLE, into _core64 against the double one, so both
 * precisions live side by side in one process (each links its library
 * statically, its symbols hidden).
 *
 * Why an extension and not ctypes: NumPy arrays reach the library as
 * pointers into their own memory (the buffer protocol; nothing is
 * copied), the GIL is released around every call that computes, and a
 * failing call becomes a Python exception carrying the library's own
 * message, all without a per-call marshalling layer.
 *
 * Arrays handed in must already have the library's number type and C
 * order; the Python side converts anything else (that is where a copy
 * happens, if one must). Nothing here copies an input.
 *
 * Threads: the GIL is released while the library works, so a second
 * Python thread could call into the same network meanwhile; a network
 * may be used by one thread at a time, so each Net carries a busy flag
 * and such a call raises RuntimeError instead of racing.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include "backprop.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#if PY_VERSION_HEX < 0x030A0000
static PyObject *Py_NewRef(PyObject *o)
{
    Py_INCREF(o);
    return o;
}
#endif

#ifdef BP_DOUBLE
#define MODULE_NAME "_core64"
#define MODULE_INIT PyInit__core64
#define NPY_REAL NPY_FLOAT64
#define REAL_FORMAT 'd'
#else
#define MODULE_NAME "_core32"
#define MODULE_INIT PyInit__core32
#define NPY_REAL NPY_FLOAT32
#define REAL_FORMAT 'f'
#endif

typedef struct {
    PyObject_HEAD bp_net *net;
    int busy; /* a call is using net with the GIL released */
} NetObject;

static PyTypeObject NetType;

/* ---------------------------------------------------------------- errors */

/* A library status as the Python exception a user expects: bad values
 * and sizes are ValueError, memory MemoryError, files OSError. */
static PyObject *raise_status(bp_status st, const char *msg)
{
    PyObject *type = PyExc_ValueError;
    if (st == BP_ERR_NOMEM)
        type = PyExc_MemoryError;
    else if (st == BP_ERR_IO)
        type = PyExc_OSError;
    else if (st == BP_ERR_STATE)
        type = PyExc_RuntimeError;
    PyErr_SetString(type, msg && *msg ? msg : bp_status_str(st));
    return NULL;
}

static PyObject *raise_net(NetObject *self, bp_status st)
{
    return raise_status(st, bp_net_errmsg(self->net));
}

/* Every method starts here: a live network no other thread is using. */
static int claim(NetObject *self)
{
    if (!self->net) {
        PyErr_SetString(PyExc_RuntimeError, "the network was not created");
        return -1;
    }
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError,
                        "the network is in use by "
                        "another thread (one network, one thread at a time)");
        return -1;
    }
    self->busy = 1;
    return 0;
}

static void release(NetObject *self) { self->busy = 0; }

/* --------------------------------------------------------- array inputs */

/* A read-only view of obj as rows x cols numbers of the library's type in
 * C order, without a copy. cols < 0 takes any width; *rows gets the
 * number of rows. A 1-D buffer is one row. */
static int get_matrix(PyObject *obj, const char *name, int cols,
                      Py_buffer *view, int *rows)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT))
        return -1;
    const char *f = view->format ? view->format : "B";
    if (*f == '@' || *f == '=' || *f == '<')
        f++;
    const char *why = NULL;
    if (view->itemsize != (Py_ssize_t)sizeof(bp_real) || f[0] != REAL_FORMAT ||
        f[1] != '\0')
        why = "numbers of the network's precision";
    else if (view->ndim != 1 && view->ndim != 2)
        why = "a 2-D array";
    if (why) {
        PyErr_Format(PyExc_TypeError,
                     "%s: expected %s (" MODULE_NAME " takes %s)", name, why,
                     sizeof(bp_real) == 8 ? "float64" : "float32");
        PyBuffer_Release(view);
        return -1;
    }
    Py_ssize_t r = view->ndim == 2 ? view->shape[0] : 1;
    Py_ssize_t c = view->ndim == 2 ? view->shape[1] : view->shape[0];
    if (r > INT_MAX || c > INT_MAX || (cols >= 0 && c != cols)) {
        if (r > INT_MAX || c > INT_MAX)
            PyErr_Format(PyExc_ValueError, "%s: %zd x %zd is too large", name,
                         r, c);
        else
            PyErr_Format(PyExc_ValueError,
                         "%s has %zd columns; the "
                         "network expects %d",
                         name, c, cols);
        PyBuffer_Release(view);
        return -1;
    }
    *rows = (int)r;
    return 0;
}

/* A new C-ordered array of the library's type. */
static PyArrayObject *new_array(int nd, npy_intp *dims)
{
    return (PyArrayObject *)PyArray_SimpleNew(nd, dims, NPY_REAL);
}

/* A copy of n numbers as a new 1-D array. */
static PyObject *copy_array(const bp_real *p, npy_intp n)
{
    PyArrayObject *a = new_array(1, &n);
    if (a && n)
        memcpy(PyArray_DATA(a), p, (size_t)n * sizeof(bp_real));
    return (PyObject *)a;
}

/* -------------------------------------------------------- creating a Net */

static NetObject *wrap(bp_net *net)
{
    NetObject *self = PyObject_New(NetObject, &NetType);
    if (!self) {
        bp_net_free(net);
        return NULL;
    }
    self->net = net;
    self->busy = 0;
    return self;
}

/* Net(n_in, [(n_out, activation, parameter), ...]) */
static int Net_init(NetObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"n_in", "layers", NULL};
    int n_in;
    PyObject *layers;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "iO", names, &n_in, &layers))
        return -1;
    PyObject *seq = PySequence_Fast(layers, "layers must be a sequence");
    if (!seq)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n < 1 || n > 1000) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "a network needs 1 to 1000 layers");
        return -1;
    }
    bp_layer_desc *d = PyMem_Calloc((size_t)n, sizeof *d);
    if (!d) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    int rc = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *act;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "isd",
                              &d[i].n_out, &act, &d[i].act_param))
            goto out;
        if (bp_act_parse(act, &d[i].act)) {
            PyErr_Format(PyExc_ValueError,
                         "layer %zd: unknown activation "
                         "'%s'",
                         i, act);
            goto out;
        }
    }
    bp_net *net;
    bp_error err;
    bp_status st = bp_net_create(n_in, (int)n, d, NULL, &net, &err);
    if (st) {
        raise_status(st, err.msg);
        goto out;
    }
    bp_net_free(self->net);
    self->net = net;
    rc = 0;
out:
    PyMem_Free(d);
    Py_DECREF(seq);
    return rc;
}

static void Net_dealloc(NetObject *self)
{
    bp_net_free(self->net);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* ------------------------------------------------------------- settings */

static PyObject *Net_init_weights(NetObject *self, PyObject *args)
{
    const char *kind;
    unsigned long long seed;
    if (!PyArg_ParseTuple(args, "sK", &kind, &seed) || claim(self))
        return NULL;
    static const char *const kinds[] = {"xavier_uniform", "xavier_normal",
                                        "he_uniform", "he_normal"};
    int k = -1;
    for (int i = 0; i < 4; i++)
        if (strcmp(kind, kinds[i]) == 0)
            k = i;
    bp_status st =
        k < 0 ? BP_ERR_ARG : bp_net_init(self->net, (bp_init)k, (uint64_t)seed);
    release(self);
    if (k < 0)
        return PyErr_Format(PyExc_ValueError, "unknown initialisation '%s'",
                            kind);
    return st ? raise_net(self, st) : Py_NewRef(Py_None);
}

static PyObject *Net_set_loss(NetObject *self, PyObject *args)
{
    const char *name;
    int sum = 0;
    bp_loss loss;
    if (!PyArg_ParseTuple(args, "s|p", &name, &sum))
        return NULL;
    if (bp_loss_parse(name, &loss))
        return PyErr_Format(PyExc_ValueError, "unknown loss '%s'", name);
    if (claim(self))
        return NULL;
    bp_status st =
        bp_net_set_loss(self->net, loss, sum ? BP_REDUCE_SUM : BP_REDUCE_MEAN);
    release(self);
    return st ? raise_net(self, st) : Py_NewRef(Py_None);
}

/* set_optim(kind, lr, momentum=0.9, beta1=0.9, beta2=0.999, eps=1e-8):
 * also resets the optimizer's state. */
static PyObject *Net_set_optim(NetObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"kind",  "lr",  "momentum", "beta1",
                            "beta2", "eps", NULL};
    const char *kind;
    bp_optim_kind k;
    double lr, mom = 0.9, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "sd|dddd", names, &kind, &lr,
                                     &mom, &b1, &b2, &eps))
        return NULL;
    if (bp_optim_parse(kind, &k))
        return PyErr_Format(PyExc_ValueError, "unknown optimizer '%s'", kind);
    bp_optim o = bp_optim_defaults(k);
    o.lr = lr;
    o.momentum = mom;
    o.beta1 = b1;
    o.beta2 = b2;
    o.eps = eps;
    if (claim(self))
        return NULL;
    bp_status st = bp_net_set_optim(self->net, &o);
    release(self);
    return st ? raise_net(self, st) : Py_NewRef(Py_None);
}

static PyObject *Net_set_lr(NetObject *self, PyObject *args)
{
    double lr;
    if (!PyArg_ParseTuple(args, "d", &lr) || claim(self))
        return NULL;
    bp_status st = bp_net_set_lr(self->net, lr);
    release(self);
    return st ? raise_net(self, st) : Py_NewRef(Py_None);
}

static PyObject *Net_set_threads(NetObject *self, PyObject *args)
{
    int n;
    if (!PyArg_ParseTuple(args, "i", &n) || claim(self))
        return NULL;
    bp_status st = bp_net_set_threads(self->net, n);
    release(self);
    return st ? raise_net(self, st) : Py_NewRef(Py_None);
}

/* -------------------------------------------------------------- training */

/* scikit-learn's alpha: the gradient of 0.5 * alpha * |W|^2 / batch is
 * added to every weight's gradient (biases are not penalised) between
 * the backward phase and the update; the term itself, at the weights
 * the batch saw, is summed for the epoch's reported loss. */
typedef struct {
    bp_net *net;
    double alpha;
    double penalty; /* sum over batches of 0.5 * alpha * |W|^2 */
} l2_ctx;

static int add_l2(void *ctx, bp_real *grads, size_t n, double stats[3])
{
    (void)n;
    l2_ctx *c = ctx;
    if (!(stats[2] > 0))
        return 0;
    const bp_real k = (bp_real)(c->alpha / stats[2]);
    const bp_real *p = bp_net_params(c->net);
    /* |W|^2 in four running sums: one sum is a chain of dependent
     * additions, and was 10% of a digits fit (64-100-10, batch 32) */
    double sq[4] = {0, 0, 0, 0};
    for (int l = 0; l < bp_net_n_layers(c->net); l++) {
        size_t w, b;
        bp_net_layer_offsets(c->net, l, &w, &b);
        size_t i = w;
        for (; i + 4 <= b; i += 4)
            for (int j = 0; j < 4; j++)
                sq[j] += (double)p[i + j] * p[i + j];
        for (; i < b; i++)
            sq[0] += (double)p[i] * p[i];
        for (i = w; i < b; i++)
            grads[i] += k * p[i];
    }
    c->penalty += 0.5 * c->alpha * ((sq[0] + sq[1]) + (sq[2] + sq[3]));
    return 0;
}

static int parse_order(const char *name, bp_order *order)
{
    if (strcmp(name, "standard") == 0)
        *order = BP_ORDER_STANDARD;
    else if (strcmp(name, "layer-wise") == 0)
        *order = BP_ORDER_LAYERWISE;
    else {
        PyErr_Format(PyExc_ValueError,
                     "order: '%s': use 'standard' or "
                     "'layer-wise'",
                     name);
        return -1;
    }
    return 0;
}

/* A trainer: the library's bp_trainer over a network and a data set
 * whose arrays (NumPy's, read in place) it holds for its life. A fit
 * makes one and runs it epoch by epoch; partial_fit makes one for a
 * single epoch. */
typedef struct {
    PyObject_HEAD NetObject *net; /* a strong reference */
    bp_trainer *tr;
    Py_buffer x, t; /* held while the trainer reads them */
    int held;       /* bit 0: x, bit 1: t */
    l2_ctx l2;
} TrainerObject;

static PyTypeObject TrainerType;

static void Trainer_dealloc(TrainerObject *self)
{
    bp_trainer_free(self->tr);
    if (self->held & 1)
        PyBuffer_Release(&self->x);
    if (self->held & 2)
        PyBuffer_Release(&self->t);
    Py_XDECREF(self->net);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* The targets: a float matrix [n][n_out], or class indices as a 1-D
 * int32 array (expanded to one-hot rows only batch by batch). */
static int get_targets(PyObject *obj, int n_out, Py_buffer *view, int *rows,
                       int *labels)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT))
        return -1;
    const char *f = view->format ? view->format : "B";
    if (*f == '@' || *f == '=' || *f == '<')
        f++;
    *labels = view->ndim == 1 && view->itemsize == 4 &&
        (strcmp(f, "i") == 0 || strcmp(f, "l") == 0);
    if (*labels) {
        if (view->shape[0] > INT_MAX) {
            PyErr_SetString(PyExc_ValueError, "y: too many samples");
            PyBuffer_Release(view);
            return -1;
        }
        *rows = (int)view->shape[0];
        return 0;
    }
    PyBuffer_Release(view);
    return get_matrix(obj, "y", n_out, view, rows);
}

/* trainer(x, t, batch, seed, shuffle=True, order="standard", alpha=0,
 * epoch=0) -> Trainer: a trainer of this network on x[n][n_in] and t
 * (targets [n][n_out] or int32 class indices [n]), at the start of epoch
 * + 1: the data checked once, here; each epoch's order a function of
 * (seed, epoch) alone. */
static PyObject *Net_trainer(NetObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"x",     "t",     "batch", "seed", "shuffle",
                            "order", "alpha", "epoch", NULL};
    PyObject *xo, *to;
    int batch, shuffle = 1, epoch = 0, n, nt, labels;
    unsigned long long seed;
    const char *order_name = "standard";
    double alpha = 0;
    bp_order order;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOiK|psdi", names, &xo, &to,
                                     &batch, &seed, &shuffle, &order_name,
                                     &alpha, &epoch) ||
        parse_order(order_name, &order))
        return NULL;
    if (batch < 1 || epoch < 0 || epoch > (1 << 30) ||
        !(alpha >= 0 && alpha < INFINITY))
        return PyErr_Format(PyExc_ValueError,
                            "batch (%d) must be >= 1, "
                            "epoch (%d) >= 0 and alpha >= 0",
                            batch, epoch);
    if (claim(self))
        return NULL;
    TrainerObject *t = PyObject_New(TrainerObject, &TrainerType);
    if (!t) {
        release(self);
        return NULL;
    }
    t->net = (NetObject *)Py_NewRef((PyObject *)self);
    t->tr = NULL;
    t->held = 0;
    t->l2 = (l2_ctx){self->net, alpha, 0};
    bp_status st = BP_OK;
    bp_error err;
    if (get_matrix(xo, "X", bp_net_n_in(self->net), &t->x, &n))
        goto fail;
    t->held |= 1;
    if (get_targets(to, bp_net_n_out(self->net), &t->t, &nt, &labels))
        goto fail;
    t->held |= 2;
    if (nt != n) {
        PyErr_Format(PyExc_ValueError, "X has %d samples but y has %d", n, nt);
        goto fail;
    }
    bp_data d = {n,        bp_net_n_in(self->net),   bp_net_n_out(self->net),
                 t->x.buf, labels ? NULL : t->t.buf, labels ? t->t.buf : NULL};
    bp_train_opts o = bp_train_defaults();
    o.epochs = 1 << 30; /* the caller decides when to stop */
    o.batch = batch;
    o.seed = (uint64_t)seed;
    o.shuffle = shuffle;
    o.order = order;
    if (alpha > 0) {
        o.on_grads = add_l2;
        o.ctx = &t->l2;
    }
    Py_BEGIN_ALLOW_THREADS st =
        bp_trainer_create(self->net, &d, &o, &t->tr, &err);
    if (!st && epoch > 0) {
        bp_train_state s;
        s = bp_trainer_state(t->tr);
        s.epoch = epoch;
        s.batch_done = 0;
        s.loss_sum = 0;
        s.correct = 0;
        st = bp_trainer_set_state(t->tr, &s, NULL);
        if (st)
            snprintf(err.msg, sizeof err.msg, "%s", bp_trainer_errmsg(t->tr));
    }
    Py_END_ALLOW_THREADS if (st)
    {
        raise_status(st, err.msg);
        goto fail;
    }
    release(self);
    return (PyObject *)t;
fail:
    release(self);
    Py_DECREF(t);
    return NULL;
}

/* epoch() -> (loss, penalty): one epoch, the GIL released: the mean loss
 * over its samples (each before its batch's update) and the L2 term's
 * share of it. */
static PyObject *Trainer_epoch(TrainerObject *self, PyObject *unused)
{
    (void)unused;
    if (claim(self->net))
        return NULL;
    bp_epoch_report rep;
    bp_status st;
    self->l2.penalty = 0;
    Py_BEGIN_ALLOW_THREADS st = bp_trainer_epoch(self->tr, &rep);
    Py_END_ALLOW_THREADS release(self->net);
    if (st)
        return raise_status(st, bp_trainer_errmsg(self->tr));
    return Py_BuildValue("dd", rep.train_loss,
                         self->l2.penalty / (double)self->x.shape[0]);
}

static PyMethodDef Trainer_methods[] = {
    {"epoch", (PyCFunction)Trainer_epoch, METH_NOARGS,
     "epoch() -> (loss, penalty): one epoch of mini-batches"},
    {NULL, NULL, 0, NULL}};

static PyTypeObject TrainerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "backprop." MODULE_NAME ".Trainer",
    .tp_basicsize = sizeof(TrainerObject),
    .tp_dealloc = (destructor)Trainer_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "a bp_trainer over a Net and arrays it reads in place "
              "(made by Net.trainer)",
    .tp_methods = Trainer_methods,
};

/* ------------------------------------------------------------ prediction */

/* Room for batches of up to min(n, 256), so prediction runs in chunks. */
static bp_status reserve_for(bp_net *net, int n)
{
    int want = n < 256 ? n : 256;
    return bp_net_max_batch(net) < want ? bp_net_reserve(net, want) : BP_OK;
}

/* predict(x) -> outputs [n][n_out], a new array. */
static PyObject *Net_predict(NetObject *self, PyObject *x)
{
    if (claim(self))
        return NULL;
    Py_buffer xv;
    int n;
    PyArrayObject *out = NULL;
    if (get_matrix(x, "X", bp_net_n_in(self->net), &xv, &n)) {
        release(self);
        return NULL;
    }
    npy_intp dims[2] = {n, bp_net_n_out(self->net)};
    bp_status st = BP_OK;
    if ((out = new_array(2, dims)) && n > 0) {
        bp_real *o = PyArray_DATA(out);
        Py_BEGIN_ALLOW_THREADS st = reserve_for(self->net, n);
        if (!st)
            st = bp_net_predict(self->net, xv.buf, n, o);
        Py_END_ALLOW_THREADS if (st)
        {
            Py_CLEAR(out);
            raise_net(self, st);
        }
    }
    PyBuffer_Release(&xv);
    release(self);
    return (PyObject *)out;
}

/* ------------------------------------------------------------ inspecting */

/* layers() -> [(n_in, n_out, activation, parameter), ...] */
static PyObject *Net_layers(NetObject *self, PyObject *unused)
{
    (void)unused;
    if (claim(self))
        return NULL;
    const int L = bp_net_n_layers(self->net);
    PyObject *list = PyList_New(L);
    for (int l = 0; list && l < L; l++) {
        bp_layer_desc d;
        int n_in;
        bp_net_layer(self->net, l, &d, &n_in);
        PyObject *item = Py_BuildValue("iisd", n_in, d.n_out,
                                       bp_act_name(d.act), d.act_param);
        if (!item)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, l, item);
    }
    release(self);
    return list;
}

/* loss() -> (name, summed) */
static PyObject *Net_loss(NetObject *self, PyObject *unused)
{
    (void)unused;
    if (claim(self))
        return NULL;
    bp_loss loss;
    bp_reduction red;
    bp_net_loss_kind(self->net, &loss, &red);
    release(self);
    return Py_BuildValue("(sO)", bp_loss_name(loss),
                         red == BP_REDUCE_SUM ? Py_True : Py_False);
}

/* optim() -> dict of the optimizer's kind and settings */
static PyObject *Net_optim(NetObject *self, PyObject *unused)
{
    (void)unused;
    if (claim(self))
        return NULL;
    bp_optim o = bp_net_optim(self->net);
    release(self);
    return Py_BuildValue("{sssdsdsdsdsd}", "kind", bp_optim_name(o.kind), "lr",
                         o.lr, "momentum", o.momentum, "beta1", o.beta1,
                         "beta2", o.beta2, "eps", o.eps);
}

static PyObject *Net_info(NetObject *self, PyObject *unused)
{
    (void)unused;
    if (claim(self))
        return NULL;
    PyObject *r = Py_BuildValue("{sisisnsssi}", "n_in", bp_net_n_in(self->net),
                                "n_out", bp_net_n_out(self->net), "n_params",
                                (Py_ssize_t)bp_net_n_params(self->net),
                                "kernel", bp_net_kernel(self->net), "threads",
                                bp_net_threads(self->net));
    release(self);
    return r;
}

/* get_params() -> a copy of every weight and bias, in the library's
 * layout: per layer W[n_out][n_in] row-major, then b[n_out]. */
static PyObject *Net_get_params(NetObject *self, PyObject *unused)
{
    (void)unused;
    if (claim(self))
        return NULL;
    PyObject *r = copy_array(bp_net_params(self->net),
                             (npy_intp)bp_net_n_params(self->net));
    release(self);
    return r;
}

/* set_params(flat): the inverse of get_params. */
static PyObject *Net_set_params(NetObject *self, PyObject *flat)
{
    if (claim(self))
        return NULL;
    Py_buffer v;
    int rows;
    size_t np = bp_net_n_params(self->net);
    if (get_matrix(flat, "params", -1, &v, &rows)) {
        release(self);
        return NULL;
    }
    int ok = (size_t)(v.len / (Py_ssize_t)sizeof(bp_real)) == np;
    if (ok)
        memcpy(bp_net_params(self->net), v.buf, np * sizeof(bp_real));
    else
        PyErr_Format(PyExc_ValueError,
                     "params: %zd numbers; the network has "
                     "%zu",
                     v.len / (Py_ssize_t)sizeof(bp_real), np);
    PyBuffer_Release(&v);
    release(self);
    return ok ? Py_NewRef(Py_None) : NULL;
}

/* offsets(l) -> (weights offset, biases offset) into get_params(). */
static PyObject *Net_offsets(NetObject *self, PyObject *args)
{
    int l;
    size_t w, b;
    if (!PyArg_ParseTuple(args, "i", &l) || claim(self))
        return NULL;
    bp_status st = bp_net_layer_offsets(self->net, l, &w, &b);
    release(self);
    return st ? raise_net(self, st)
              : Py_BuildValue("nn", (Py_ssize_t)w, (Py_ssize_t)b);
}

/* ---------------------------------------------------------------- files */

/* A scaler as Python sees it: None, or (kind, offset, factor) with kind
 * "minmax" or "standard" and two float64 arrays. */
static PyObject *scaler_to_py(const bp_scaler *s)
{
    if (s->kind == BP_SCALING_NONE || !s->offset)
        return Py_NewRef(Py_None);
    npy_intp d = s->n;
    PyObject *offset = PyArray_SimpleNew(1, &d, NPY_FLOAT64);
    PyObject *factor = PyArray_SimpleNew(1, &d, NPY_FLOAT64);
    if (!offset || !factor) {
        Py_XDECREF(offset);
        Py_XDECREF(factor);
        return NULL;
    }
    memcpy(PyArray_DATA((PyArrayObject *)offset), s->offset,
           (size_t)s->n * sizeof(double));
    memcpy(PyArray_DATA((PyArrayObject *)factor), s->factor,
           (size_t)s->n * sizeof(double));
    return Py_BuildValue("(sNN)",
                         s->kind == BP_SCALING_MINMAX ? "minmax" : "standard",
                         offset, factor);
}

/* The inverse: *s filled (the caller frees it with bp_scaler_free). */
static int scaler_from_py(PyObject *o, const char *what, int width,
                          bp_scaler *s)
{
    memset(s, 0, sizeof *s);
    if (o == Py_None)
        return 0;
    const char *kind;
    PyObject *oo, *fo;
    if (!PyArg_ParseTuple(o, "sOO", &kind, &oo, &fo))
        return -1;
    bp_scaling k = strcmp(kind, "minmax") == 0 ? BP_SCALING_MINMAX
        : strcmp(kind, "standard") == 0        ? BP_SCALING_STANDARD
                                               : BP_SCALING_NONE;
    if (k == BP_SCALING_NONE) {
        PyErr_Format(PyExc_ValueError, "%s: unknown scaling '%s'", what, kind);
        return -1;
    }
    PyArrayObject *off = (PyArrayObject *)PyArray_FROMANY(oo, NPY_FLOAT64, 1, 1,
                                                          NPY_ARRAY_IN_ARRAY);
    PyArrayObject *fac = off ? (PyArrayObject *)PyArray_FROMANY(
                                   fo, NPY_FLOAT64, 1, 1, NPY_ARRAY_IN_ARRAY)
                             : NULL;
    int rc = -1;
    bp_error err;
    bp_status st;
    if (!off || !fac)
        ;
    else if (PyArray_DIM(off, 0) != width || PyArray_DIM(fac, 0) != width)
        PyErr_Format(PyExc_ValueError,
                     "%s: offset and factor need %d "
                     "numbers",
                     what, width);
    else if ((st = bp_scaler_set(s, k, width, PyArray_DATA(off),
                                 PyArray_DATA(fac), NULL, &err)))
        raise_status(st, err.msg);
    else
        rc = 0;
    Py_XDECREF(off);
    Py_XDECREF(fac);
    return rc;
}

/* Move a loaded model's network into a Net and its scalers and class
 * names into a dict; frees the model. */
static PyObject *unpack_model(bp_model *m)
{
    PyObject *classes = Py_None;
    Py_INCREF(Py_None);
    if (m->n_classes > 0) {
        Py_DECREF(classes);
        classes = PyList_New(m->n_classes);
        for (int i = 0; classes && i < m->n_classes; i++) {
            PyObject *s = PyUnicode_DecodeUTF8(
                m->class_names[i], (Py_ssize_t)strlen(m->class_names[i]),
                "replace");
            if (!s)
                Py_CLEAR(classes);
            else
                PyList_SET_ITEM(classes, i, s);
        }
    }
    PyObject *inputs = Py_None;
    Py_INCREF(Py_None);
    const int n_in = bp_net_n_in(m->net);
    if (classes && m->input_names) {
        Py_DECREF(inputs);
        inputs = PyList_New(n_in);
        for (int i = 0; inputs && i < n_in; i++) {
            PyObject *s = PyUnicode_DecodeUTF8(
                m->input_names[i], (Py_ssize_t)strlen(m->input_names[i]),
                "replace");
            if (!s)
                Py_CLEAR(inputs);
            else
                PyList_SET_ITEM(inputs, i, s);
        }
    }
    PyObject *in = scaler_to_py(&m->scaler);
    PyObject *out = scaler_to_py(&m->target_scaler);
    bp_net *net = m->net;
    m->net = NULL; /* the Net owns it now */
    bp_model_free(m);
    PyObject *netobj = (PyObject *)wrap(net), *r = NULL;
    if (netobj && classes && inputs && in && out)
        r = Py_BuildValue("(N{sOsOsOsO})", netobj, "classes", classes, "inputs",
                          inputs, "scaler", in, "target_scaler", out);
    else
        Py_XDECREF(netobj);
    Py_XDECREF(classes);
    Py_XDECREF(inputs);
    Py_XDECREF(in);
    Py_XDECREF(out);
    return r;
}

/* load(path) -> (Net, {"classes", "inputs", "scaler", "target_scaler"}) */
static PyObject *core_load(PyObject *mod, PyObject *args)
{
    (void)mod;
    PyObject *path;
    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &path))
        return NULL;
    bp_model *m = NULL;
    bp_error err;
    bp_status st;
    Py_BEGIN_ALLOW_THREADS st =
        bp_model_load(PyBytes_AS_STRING(path), NULL, &m, &err);
    Py_END_ALLOW_THREADS Py_DECREF(path);
    return st ? raise_status(st, err.msg) : unpack_model(m);
}

/* parse(data, name) -> as load, from the bytes of a file */
static PyObject *core_parse(PyObject *mod, PyObject *args)
{
    (void)mod;
    Py_buffer data;
    const char *name;
    if (!PyArg_ParseTuple(args, "y*s", &data, &name))
        return NULL;
    bp_model *m = NULL;
    bp_error err;
    bp_status st =
        bp_model_parse(data.buf, (size_t)data.len, name, NULL, &m, &err);
    PyBuffer_Release(&data);
    return st ? raise_status(st, err.msg) : unpack_model(m);
}

typedef struct {
    char *p;
    size_t len, cap;
    int nomem;
} text_buf;

static void text_write(void *ctx, const char *s, size_t n)
{
    text_buf *b = ctx;
    if (b->nomem)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = PyMem_RawRealloc(b->p, cap);
        if (!p) {
            b->nomem = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* The model file of the network with these classes and scalers: to path
 * (atomically), or, with path NULL, as bytes through bp_model_write
 * (returned; no file between). */
static PyObject *write_model(NetObject *self, PyObject *path, int text,
                             int state, PyObject *classes, PyObject *inputs,
                             PyObject *in, PyObject *out)
{
    PyObject *seq = NULL, *iseq = NULL, *bytes = NULL;
    const char **cls = NULL, **inames = NULL;
    bp_scaler sin, sout;
    memset(&sin, 0, sizeof sin);
    memset(&sout, 0, sizeof sout);
    bp_model *m = NULL;
    bp_error err = {BP_OK, ""};
    bp_status st = BP_OK;
    text_buf b = {NULL, 0, 0, 0};
    Py_ssize_t nc = 0;
    if (claim(self))
        return NULL;
    if (classes != Py_None) {
        if (!(seq = PySequence_Fast(classes, "classes must be a sequence")))
            goto out;
        nc = PySequence_Fast_GET_SIZE(seq);
        if (!(cls = PyMem_Calloc((size_t)nc + 1, sizeof *cls))) {
            PyErr_NoMemory();
            goto out;
        }
        for (Py_ssize_t i = 0; i < nc; i++)
            if (!(cls[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(seq, i))))
                goto out;
    }
    if (inputs != Py_None) { /* the input columns' names */
        const Py_ssize_t n_in = bp_net_n_in(self->net);
        if (!(iseq = PySequence_Fast(inputs, "inputs must be a sequence")))
            goto out;
        if (PySequence_Fast_GET_SIZE(iseq) != n_in) {
            PyErr_Format(PyExc_ValueError, "inputs: %zd names for %zd inputs",
                         PySequence_Fast_GET_SIZE(iseq), n_in);
            goto out;
        }
        if (!(inames = PyMem_Calloc((size_t)n_in + 1, sizeof *inames))) {
            PyErr_NoMemory();
            goto out;
        }
        for (Py_ssize_t i = 0; i < n_in; i++)
            if (!(inames[i] =
                      PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(iseq, i))))
                goto out;
    }
    if (scaler_from_py(in, "scaler", bp_net_n_in(self->net), &sin) ||
        scaler_from_py(out, "target_scaler", bp_net_n_out(self->net), &sout))
        goto out;
    /* a model around the network for the length of the call: it is
     * handed back (m->net = NULL) before the model is freed */
    if ((st = bp_model_new(self->net, &m, &err)) ||
        (st = bp_model_set_scalers(m, &sin, &sout, &err)) ||
        (nc > 0 && (st = bp_model_set_classes(m, (int)nc, cls, &err))) ||
        (inames && (st = bp_model_set_input_names(m, inames, &err))))
        goto out;
    const bp_model_format form = text ? BP_FORMAT_TEXT : BP_FORMAT_BINARY;
    Py_BEGIN_ALLOW_THREADS st = path
        ? bp_model_save(m, PyBytes_AS_STRING(path), form, state, &err)
        : bp_model_write(m, form, state, text_write, &b, &err);
    Py_END_ALLOW_THREADS if (!st && b.nomem) PyErr_NoMemory();
    else if (!st && !path) bytes =
        PyBytes_FromStringAndSize(b.p ? b.p : "", (Py_ssize_t)b.len);
out:
    if (m) {
        m->net = NULL;
        bp_model_free(m);
    }
    if (st && !PyErr_Occurred())
        raise_status(st, err.msg);
    PyMem_RawFree(b.p);
    bp_scaler_free(&sin);
    bp_scaler_free(&sout);
    PyMem_Free(cls);
    PyMem_Free(inames);
    Py_XDECREF(seq);
    Py_XDECREF(iseq);
    release(self);
    if (PyErr_Occurred()) {
        Py_XDECREF(bytes);
        return NULL;
    }
    return path ? Py_NewRef(Py_None) : bytes;
}

/* save(path, text=False, state=False, classes=None, scaler=None,
 *      target_scaler=None, inputs=None): the model file the command line
 * reads; with state, a checkpoint (optimizer state too; binary only);
 * inputs, the input columns' names. */
static PyObject *Net_save(NetObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"path",   "text",          "state",  "classes",
                            "scaler", "target_scaler", "inputs", NULL};
    PyObject *path, *classes = Py_None, *in = Py_None, *out = Py_None,
                    *inputs = Py_None;
    int text = 0, state = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|ppOOOO", names,
                                     PyUnicode_FSConverter, &path, &text,
                                     &state, &classes, &in, &out, &inputs))
        return NULL;
    PyObject *r =
        write_model(self, path, text, state, classes, inputs, in, out);
    Py_DECREF(path);
    return r;
}

/* to_bytes(text=False, state=False, classes=None, scaler=None,
 *          target_scaler=None, inputs=None) -> bytes: what save would put
 * in the file (pickling; no file in between). */
static PyObject *Net_to_bytes(NetObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"text",          "state",  "classes", "scaler",
                            "target_scaler", "inputs", NULL};
    PyObject *classes = Py_None, *in = Py_None, *out = Py_None,
             *inputs = Py_None;
    int text = 0, state = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|ppOOOO", names, &text, &state,
                                     &classes, &in, &out, &inputs))
        return NULL;
    return write_model(self, NULL, text, state, classes, inputs, in, out);
}

/* -------------------------------------------------------------- explain */

/* One sample x[n_in] and its target t[n_out]. */
static int get_sample(NetObject *self, PyObject *xo, PyObject *to,
                      Py_buffer *xv, Py_buffer *tv)
{
    int rx, rt;
    if (get_matrix(xo, "x", bp_net_n_in(self->net), xv, &rx))
        return -1;
    if (get_matrix(to, "y", bp_net_n_out(self->net), tv, &rt)) {
        PyBuffer_Release(xv);
        return -1;
    }
    if (rx != 1 || rt != 1) {
        PyErr_SetString(PyExc_ValueError,
                        "explain takes one sample and its "
                        "target");
        PyBuffer_Release(xv);
        PyBuffer_Release(tv);
        return -1;
    }
    return 0;
}

/* explain(x, t, lr=0.5, steps=1, order="both", check=False,
 *         markdown=False, max_weights=50) -> bp_explain's text */
static PyObject *Net_explain(NetObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"x",        "t",           "lr",
                            "steps",    "order",       "check",
                            "markdown", "max_weights", NULL};
    PyObject *xo, *to;
    bp_explain_opts o = bp_explain_defaults();
    const char *order = "both";
    int md = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|disppi", names, &xo, &to,
                                     &o.lr, &o.steps, &order, &o.check, &md,
                                     &o.max_weights))
        return NULL;
    if (strcmp(order, "both") == 0)
        o.order = BP_EXPLAIN_ORDER_BOTH;
    else if (strcmp(order, "standard") == 0)
        o.order = BP_EXPLAIN_ORDER_STANDARD;
    else if (strcmp(order, "layer-wise") == 0)
        o.order = BP_EXPLAIN_ORDER_LAYERWISE;
    else
        return PyErr_Format(PyExc_ValueError,
                            "order: '%s': use 'standard', "
                            "'layer-wise' or 'both'",
                            order);
    o.format = md ? BP_EXPLAIN_MARKDOWN : BP_EXPLAIN_TEXT;
    if (claim(self))
        return NULL;
    Py_buffer xv, tv;
    if (get_sample(self, xo, to, &xv, &tv)) {
        release(self);
        return NULL;
    }
    text_buf b = {NULL, 0, 0, 0};
    bp_error err;
    bp_status st;
    Py_BEGIN_ALLOW_THREADS st =
        bp_explain(self->net, xv.buf, tv.buf, &o, text_write, &b, &err);
    Py_END_ALLOW_THREADS PyBuffer_Release(&xv);
    PyBuffer_Release(&tv);
    release(self);
    PyObject *r = NULL;
    if (st)
        raise_status(st, err.msg);
    else if (b.nomem)
        PyErr_NoMemory();
    else
        r = PyUnicode_DecodeUTF8(b.p ? b.p : "", (Py_ssize_t)b.len, "replace");
    PyMem_RawFree(b.p);
    return r;
}

/* The numbers of the two phases, read from the library's own run on a
 * copy: z, out and delta of every layer, the gradients, the error. */
static PyObject *phases_of(bp_net *c, const bp_real *x, const bp_real *t)
{
    double e = 0;
    bp_status st = bp_net_reserve(c, 1);
    if (!st)
        st = bp_net_forward(c, x, 1);
    if (!st)
        st = bp_net_backward(c, t, &e);
    if (st)
        return raise_status(st, bp_net_errmsg(c));
    const int L = bp_net_n_layers(c);
    PyObject *z = PyList_New(L), *a = PyList_New(L), *d = PyList_New(L);
    for (int l = 0; z && a && d && l < L; l++) {
        bp_layer_desc desc;
        bp_net_layer(c, l, &desc, NULL);
        PyList_SET_ITEM(z, l, copy_array(bp_net_layer_z(c, l), desc.n_out));
        PyList_SET_ITEM(a, l, copy_array(bp_net_layer_out(c, l), desc.n_out));
        PyList_SET_ITEM(d, l, copy_array(bp_net_layer_delta(c, l), desc.n_out));
    }
    PyObject *g = copy_array(bp_net_grads(c), (npy_intp)bp_net_n_params(c));
    if (PyErr_Occurred()) {
        Py_XDECREF(z);
        Py_XDECREF(a);
        Py_XDECREF(d);
        Py_XDECREF(g);
        return NULL;
    }
    return Py_BuildValue("{sdsNsNsNsN}", "error", e, "z", z, "out", a, "delta",
                         d, "grads", g);
}

/* The parameters and the error after one plain gradient-descent step of
 * learning rate lr in the given order, on a copy. */
static PyObject *step_of(const bp_net *net, const bp_real *x, const bp_real *t,
                         double lr, bp_order order)
{
    bp_net *c = NULL;
    bp_optim sgd = bp_optim_defaults(BP_OPT_SGD);
    sgd.lr = lr;
    double e = 0;
    bp_status st = bp_net_clone(net, &c);
    if (!st)
        st = bp_net_reserve(c, 1);
    if (!st)
        st = bp_net_set_optim(c, &sgd);
    if (!st)
        st = bp_net_train_step(c, x, t, 1, order, NULL);
    if (!st)
        st = bp_net_forward(c, x, 1);
    if (!st)
        st = bp_net_loss(c, t, &e);
    PyObject *r = NULL;
    if (st)
        raise_status(st, c ? bp_net_errmsg(c) : "out of memory");
    else
        r = Py_BuildValue(
            "{sNsd}", "params",
            copy_array(bp_net_params(c), (npy_intp)bp_net_n_params(c)), "error",
            e);
    bp_net_free(c);
    return r;
}

/* phases(x, t, lr=0.5) -> {"error", "z", "out", "delta", "grads",
 * "standard": {"params", "error"}, "layer-wise": {...}} */
static PyObject *Net_phases(NetObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"x", "t", "lr", NULL};
    PyObject *xo, *to;
    double lr = 0.5;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|d", names, &xo, &to, &lr))
        return NULL;
    if (!(lr > 0 && lr < 1e30))
        return PyErr_Format(PyExc_ValueError, "lr must be > 0");
    if (claim(self))
        return NULL;
    Py_buffer xv, tv;
    if (get_sample(self, xo, to, &xv, &tv)) {
        release(self);
        return NULL;
    }
    bp_net *c = NULL;
    PyObject *r = NULL, *s1 = NULL, *s2 = NULL;
    bp_status st = bp_net_clone(self->net, &c);
    if (st)
        raise_net(self, st);
    else if ((r = phases_of(c, xv.buf, tv.buf)) &&
             (s1 = step_of(self->net, xv.buf, tv.buf, lr, BP_ORDER_STANDARD)) &&
             (s2 =
                  step_of(self->net, xv.buf, tv.buf, lr, BP_ORDER_LAYERWISE)) &&
             PyDict_SetItemString(r, "standard", s1) == 0 &&
             PyDict_SetItemString(r, "layer-wise", s2) == 0)
        ;
    else
        Py_CLEAR(r);
    Py_XDECREF(s1);
    Py_XDECREF(s2);
    bp_net_free(c);
    PyBuffer_Release(&xv);
    PyBuffer_Release(&tv);
    release(self);
    return r;
}

/* --------------------------------------------------------------- module */

static PyMethodDef Net_methods[] = {
    {"init_weights", (PyCFunction)Net_init_weights, METH_VARARGS,
     "init_weights(kind, seed): draw every weight, zero every bias"},
    {"set_loss", (PyCFunction)Net_set_loss, METH_VARARGS,
     "set_loss(name, summed=False)"},
    {"set_optim", (PyCFunction)(void (*)(void))Net_set_optim,
     METH_VARARGS | METH_KEYWORDS,
     "set_optim(kind, lr, momentum, beta1, beta2, eps); resets its state"},
    {"set_lr", (PyCFunction)Net_set_lr, METH_VARARGS,
     "set_lr(lr): the learning rate, keeping the optimizer's state"},
    {"set_threads", (PyCFunction)Net_set_threads, METH_VARARGS,
     "set_threads(n)"},
    {"trainer", (PyCFunction)(void (*)(void))Net_trainer,
     METH_VARARGS | METH_KEYWORDS,
     "trainer(x, t, batch, seed, shuffle, order, alpha, epoch) -> Trainer"},
    {"predict", (PyCFunction)Net_predict, METH_O,
     "predict(x) -> outputs [n][n_out]"},
    {"layers", (PyCFunction)Net_layers, METH_NOARGS,
     "layers() -> [(n_in, n_out, activation, parameter), ...]"},
    {"loss", (PyCFunction)Net_loss, METH_NOARGS, "loss() -> (name, summed)"},
    {"optim", (PyCFunction)Net_optim, METH_NOARGS, "optim() -> dict"},
    {"info", (PyCFunction)Net_info, METH_NOARGS, "info() -> dict"},
    {"get_params", (PyCFunction)Net_get_params, METH_NOARGS,
     "get_params() -> a copy of all weights and biases"},
    {"set_params", (PyCFunction)Net_set_params, METH_O,
     "set_params(flat): write all weights and biases"},
    {"offsets", (PyCFunction)Net_offsets, METH_VARARGS,
     "offsets(l) -> (weights, biases) offsets of layer l"},
    {"save", (PyCFunction)(void (*)(void))Net_save,
     METH_VARARGS | METH_KEYWORDS,
     "save(path, text, state, classes, scaler, target_scaler)"},
    {"to_bytes", (PyCFunction)(void (*)(void))Net_to_bytes,
     METH_VARARGS | METH_KEYWORDS,
     "to_bytes(text, state, classes, scaler, target_scaler) -> bytes: the "
     "file save writes"},
    {"explain", (PyCFunction)(void (*)(void))Net_explain,
     METH_VARARGS | METH_KEYWORDS,
     "explain(x, t, lr, steps, order, check, markdown, max_weights) -> str"},
    {"phases", (PyCFunction)(void (*)(void))Net_phases,
     METH_VARARGS | METH_KEYWORDS,
     "phases(x, t, lr) -> the numbers of both phases and of one update"},
    {NULL, NULL, 0, NULL}};

static PyTypeObject NetType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "backprop." MODULE_NAME ".Net",
    .tp_basicsize = sizeof(NetObject),
    .tp_dealloc = (destructor)Net_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Net(n_in, [(n_out, activation, parameter), ...]): one "
              "libbackprop network",
    .tp_methods = Net_methods,
    .tp_init = (initproc)Net_init,
    .tp_new = PyType_GenericNew,
};

static PyObject *core_real_size(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    return PyLong_FromLong(bp_real_size());
}

static PyMethodDef core_methods[] = {
    {"load", core_load, METH_VARARGS, "load(path) -> (Net, dict)"},
    {"parse", core_parse, METH_VARARGS, "parse(data, name) -> (Net, dict)"},
    {"real_size", core_real_size, METH_NOARGS,
     "real_size() -> 4 or 8, the library's number size"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef core_module = {PyModuleDef_HEAD_INIT,
                                         MODULE_NAME,
                                         "libbackprop at " MODULE_NAME
                                         "'s precision (see backprop._native)",
                                         -1,
                                         core_methods,
                                         NULL,
                                         NULL,
                                         NULL,
                                         NULL};

PyMODINIT_FUNC MODULE_INIT(void)
{
    import_array();
    if (PyType_Ready(&NetType) < 0 || PyType_Ready(&TrainerType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&core_module);
    if (!m)
        return NULL;
    Py_INCREF(&NetType);
    if (PyModule_AddObject(m, "Net", (PyObject *)&NetType) < 0 ||
        PyModule_AddStringConstant(m, "version", BP_VERSION) < 0) {
        Py_DECREF(&NetType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
