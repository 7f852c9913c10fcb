/*
 * backprop.h - feed-forward neural networks trained by backpropagation.
 *
 * The whole public API of libbackprop. It follows the story of
 * backpropagation as a textbook (or Matt Mazur's worked example, 2015)
 * tells it: build a network, run the forward phase, measure the error,
 * run the backward phase (delta and gradient of every layer), update the
 * weights, repeat. A whole program (tests/cli/test_cli_header.sh compiles
 * and runs this very text, so it cannot drift from the API):
 *
 * ------------------------------------------------------------ example.c
 *   #include "backprop.h"
 *
 *   #include <stdio.h>
 *
 *   int main(void)
 *   {
 *       // XOR: four samples, one hidden layer of three sigmoid units
 *       const bp_real x[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
 *       const bp_real t[4][1] = {{0}, {1}, {1}, {0}};
 *       const bp_layer_desc layers[] = {{3, BP_ACT_SIGMOID, 0},
 *                                       {1, BP_ACT_SIGMOID, 0}};
 *       bp_net *net;
 *       bp_error err;
 *       if (bp_net_create(2, 2, layers, NULL, &net, &err)) { // 2-3-1
 *           fprintf(stderr, "%s\n", err.msg);
 *           return 1;
 *       }
 *       bp_optim sgd = bp_optim_defaults(BP_OPT_SGD);
 *       sgd.lr = 2;
 *       double loss = 0;
 *       bp_status st = bp_net_init(net, BP_INIT_XAVIER_UNIFORM, 7);
 *       if (!st)
 *           st = bp_net_set_loss(net, BP_LOSS_SSE, BP_REDUCE_SUM);
 *       if (!st)
 *           st = bp_net_set_optim(net, &sgd);
 *       if (!st)
 *           st = bp_net_reserve(net, 4); // batches of up to 4
 *       for (int step = 0; !st && step < 5000; step++) // forward, backward,
 *           st = bp_net_train_step(net, &x[0][0], &t[0][0], 4, // update
 *                                  BP_ORDER_STANDARD, &loss);
 *       if (!st)
 *           st = bp_net_forward(net, &x[0][0], 4);
 *       if (st) {
 *           fprintf(stderr, "%s\n", bp_net_errmsg(net));
 *           bp_net_free(net);
 *           return 1;
 *       }
 *       const bp_real *out = bp_net_output(net); // [4][1]
 *       printf("loss %.4f; xor: %.2f %.2f %.2f %.2f\n", loss, out[0],
 *              out[1], out[2], out[3]);
 *       bp_net_free(net);
 *       return 0;
 *   }
 * ----------------------------------------------------------------------
 *
 * bp_train does whole trainings in one call (validation, early stopping,
 * checkpoints through a bp_trainer); bp_dataset_load reads CSV, FANN,
 * IDX and .bpd files; bp_model_save and bp_model_load keep a network with
 * its scaling and class names; bp_explain writes every number of one step
 * out, as the worked example does by hand.
 *
 * Conventions
 * - Layers are numbered from 0: layer 0 maps the input to the first hidden
 *   layer, layer n_layers-1 produces the output. The input is not a layer.
 * - Weights of a layer are stored row-major as W[n_out][n_in]: row j holds
 *   the weights into neuron j (w_jk in the textbook notation). One bias
 *   per neuron.
 * - Batches are row-major matrices: x is [n][n_in], targets [n][n_out].
 *   A batch of one is the per-sample case of Matt Mazur's worked example
 *   (2015), on the same code path.
 * - bp_real is float, or double when the library and its user are both
 *   compiled with -DBP_DOUBLE (make PRECISION=double). bp_real_size()
 *   tells which one a built library uses.
 *
 * Calls
 * - A function on an object takes it first (bp_net, bp_trainer, bp_model,
 *   bp_dataset, and the caller-owned values bp_scaler and bp_rng); what a
 *   call gives back comes last, through pointers (a created object
 *   included: bp_net_create(..., &net, &err)), followed only by a
 *   bp_error where there is one.
 * - A property is read by bp_<object>_<property> (bp_net_n_in,
 *   bp_net_optim, bp_net_weight, bp_trainer_state) and written by
 *   bp_<object>_set_<property>; no "get". A read that can fail (an index
 *   out of range) returns a bp_status and its value through the last
 *   parameter; one that cannot returns the value.
 *
 * Errors
 * - Every function that can fail returns a bp_status. BP_OK is 0.
 * - A call on a network or a trainer leaves a readable message in it
 *   (bp_net_errmsg, bp_trainer_errmsg); a call that makes an object, or
 *   that reads or writes files and text (models, data sets, explain),
 *   writes it into an optional caller-owned bp_error, naming the file and
 *   the line. Reads of a const network that fail only on a bad index
 *   return BP_ERR_SIZE alone: it says all there is.
 * - The library never exits, aborts or prints, and never keeps global
 *   mutable state: two networks can be used from two threads at once. One
 *   network must not be used from two threads at once without a lock.
 *
 * Memory
 * - A network allocates through the bp_allocator it was created with
 *   (malloc/free without one), and so does everything made from it: its
 *   trainers, clones, explanations and models (bp_model_new; a model read
 *   from a file uses the allocator given to bp_model_load or
 *   bp_model_parse). Data sets and scalers take one of their own.
 * - Which calls allocate: bp_net_create, bp_net_reserve,
 *   bp_net_set_threads (the threads and their packing space),
 *   bp_net_set_kernel (packing space), bp_net_clone, bp_trainer_create and
 *   bp_train (the sample order, the best weights), bp_net_grads on a
 *   network read for inference (see below), the explain calls (a copy of
 *   the network), the model calls (bp_model_save and bp_model_write
 *   build the file's bytes in the model's memory, and bp_model_save its
 *   temporary file's name), the data-set calls, bp_scaler_fit, _set and
 *   _copy, bp_atomic_open (the allocator it is given) and
 *   bp_write_file_atomic (malloc: it has no allocator).
 *   Forward, backward, update, train_step and bp_trainer_step never
 *   allocate, so a training step cannot fail for lack of memory and costs
 *   no allocator time. What the C library allocates for itself (a FILE's
 *   buffer, realpath's answer, a thread's stack) is outside any
 *   allocator's reach.
 * - One exception keeps inference lean: a network read from a model file
 *   (bp_model_load, bp_model_parse; a checkpoint excepted) holds its
 *   parameters alone, so `info` on a 1 GB model needs 1 GB, not 4. Its
 *   gradient and optimizer arrays are allocated by the first call that
 *   trains it (bp_trainer_create, bp_train, or the first bp_net_backward
 *   or bp_net_train_step), or by bp_net_grads; until then its gradients
 *   read as 0.
 * - Pointers returned by the library into a network (outputs, parameters,
 *   gradients) are owned by the network, stay valid until bp_net_free or
 *   the next bp_net_reserve, and must not be freed by the caller.
 * - Pointers the caller passes in stay owned by the caller; the library
 *   copies what it needs to keep.
 */
#ifndef BACKPROP_H
#define BACKPROP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BP_VERSION_MAJOR 0
#define BP_VERSION_MINOR 1
#define BP_VERSION_PATCH 0
#define BP_VERSION "0.1.0"

#ifdef BP_DOUBLE
typedef double bp_real;
#else
typedef float bp_real;
#endif

/* ---------------------------------------------------------------- status */

typedef enum {
    BP_OK = 0,
    BP_ERR_NULL,      /* a required pointer was NULL */
    BP_ERR_SIZE,      /* a size was zero, negative, too large or mismatched */
    BP_ERR_ARG,       /* an argument had an invalid value (enum, rate, ...) */
    BP_ERR_NOMEM,     /* an allocation failed */
    BP_ERR_NONFINITE, /* NaN or Inf in an input, target, loss or weight */
    BP_ERR_STATE,     /* a call out of order (backward before forward, ...) */
    BP_ERR_IO,        /* a file could not be read or written */
    BP_ERR_FORMAT     /* a file or text was malformed */
} bp_status;

/* A caller-owned place for the message of a function that has no network
 * to keep it in. Pass NULL where the message is not wanted. */
typedef struct {
    bp_status status;
    char msg[256];
} bp_error;

/* Where text or bytes the library writes go (explain's text, a model's
 * file): called with each piece, len bytes, not NUL-terminated. */
typedef void (*bp_write_fn)(void *ctx, const char *text, size_t len);

/* A fixed English description of a status ("out of memory", ...). Never
 * NULL; static storage. */
const char *bp_status_str(bp_status status);

/* sizeof(bp_real) in the built library: 4 or 8. A program compiled with a
 * different BP_DOUBLE setting than its library can detect it with this. */
int bp_real_size(void);

/* ----------------------------------------------------- building a network */

typedef enum {
    BP_ACT_IDENTITY = 0, /* f(z) = z */
    BP_ACT_SIGMOID,      /* f(z) = 1 / (1 + e^-z) */
    BP_ACT_TANH,         /* f(z) = tanh z */
    BP_ACT_RELU,         /* f(z) = max(0, z) */
    BP_ACT_LEAKY_RELU,   /* f(z) = z > 0 ? z : slope * z  (slope = param) */
    BP_ACT_STEP,         /* f(z) = z >= 0 ? 1 : 0, the perceptron's unit;
                            its derivative is 0, so backpropagation cannot
                            train it: use bp_perceptron_train */
    BP_ACT_SOFTMAX,      /* f(z)_j = e^z_j / sum_k e^z_k over the layer */
    BP_ACT_COUNT_
} bp_act;

/* Short lower-case name ("sigmoid", "leaky_relu", ...); NULL if invalid. */
const char *bp_act_name(bp_act act);
/* Parse a name as printed by bp_act_name. BP_ERR_ARG if unknown. */
bp_status bp_act_parse(const char *name, bp_act *act);

/* One fully connected layer: its width, its activation, and the
 * activation's parameter (the slope of leaky ReLU; ignored otherwise). */
typedef struct {
    int n_out;
    bp_act act;
    double act_param;
} bp_layer_desc;

/* Optional custom allocator, used for every allocation the network makes.
 * alloc returns NULL on failure; free accepts NULL. */
typedef struct {
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} bp_allocator;

typedef struct bp_net bp_net;

/* Create a network with n_in inputs and n_layers fully connected layers.
 * Weights and biases start at 0 (see bp_net_init); the loss is half
 * squared error, mean over the batch; the optimizer is plain SGD with
 * learning rate 0.1; room is reserved for a batch of 1.
 * alloc may be NULL (malloc/free); it is copied and used for the life of
 * the network. err may be NULL.
 * On success *out owns a network the caller frees with bp_net_free. On
 * failure *out is NULL. */
bp_status bp_net_create(int n_in, int n_layers, const bp_layer_desc *layers,
                        const bp_allocator *alloc, bp_net **out, bp_error *err);

/* Free a network and everything it owns. NULL is allowed. */
void bp_net_free(bp_net *net);

/* A deep copy (parameters, optimizer state, settings, reserved batch
 * size). The copy uses the same allocator and kernel, and runs on one
 * thread (see bp_net_set_threads). The caller frees it. */
bp_status bp_net_clone(const bp_net *net, bp_net **out);

/* The message of the last failed call on this network, or "" if the last
 * call succeeded. Owned by the network. Never NULL (for a NULL net it is
 * a fixed string). */
const char *bp_net_errmsg(const bp_net *net);

/* Make room for batches of up to max_batch samples. Allocates (the only
 * call besides bp_net_create that does); on failure the network keeps its
 * previous room and stays usable. Invalidates pointers from bp_net_output,
 * bp_net_layer_out, bp_net_layer_delta. */
bp_status bp_net_reserve(bp_net *net, int max_batch);

/* ------------------------------------------------------------------ speed
 *
 * Products above a small size run on a blocked matrix product with a
 * SIMD micro-kernel; small ones (the worked example's nets, per-sample
 * steps) stay on plain loops, with no setup or locking at all. A kernel
 * is one instruction set's code: "avx512" (AVX-512F), "avx2" (AVX2 and
 * FMA), "neon" (AArch64 Advanced SIMD) or "portable" (plain C, any CPU;
 * always for double precision). bp_net_create takes the best kernel this
 * CPU runs (cpuid, or the hardware capabilities on ARM), or the one the
 * environment variable BP_KERNEL names, read then (bp_net_create fails
 * with BP_ERR_ARG if that kernel is unknown or this CPU lacks it).
 * Kernels give the same results to float rounding; one kernel gives the
 * same bits for any number of threads.
 */

/* Use n threads (1 = the caller only) for this network's larger products
 * and elementwise passes. Allocates: the threads and their packing space
 * are created here, never in a training step. Work is handed out in
 * pieces whose arithmetic does not depend on which thread takes them, so
 * results are bit-identical for any n, and a thread that is slow to start
 * (a busy machine) leaves its share to the others. */
bp_status bp_net_set_threads(bp_net *net, int n);
int bp_net_threads(const bp_net *net);

/* The kernel in use: "avx512", "avx2", "neon" or "portable". */
const char *bp_net_kernel(const bp_net *net);
/* Choose it by name, or "auto" for the best this CPU runs. Allocates
 * (packing space). BP_ERR_ARG, with a message saying why, if the name is
 * unknown or this CPU or build lacks the kernel. */
bp_status bp_net_set_kernel(bp_net *net, const char *name);
/* The kernels this build has, best first: i = 0, 1, ... until NULL. */
const char *bp_kernel_name(int i);
/* 1 if this CPU and build run the named kernel, else 0. */
int bp_kernel_available(const char *name);

/* ------------------------------------------------------------- inspecting */

int bp_net_n_in(const bp_net *net);
int bp_net_n_out(const bp_net *net);
int bp_net_n_layers(const bp_net *net);
int bp_net_max_batch(const bp_net *net);
/* Total number of trainable numbers (all weights and biases). */
size_t bp_net_n_params(const bp_net *net);

/* Describe layer l: its desc and its input width. Either out pointer may
 * be NULL. bp_net_layer_view (below) gives the same with the layer's
 * parameters in place. */
bp_status bp_net_layer(const bp_net *net, int l, bp_layer_desc *desc,
                       int *n_in);

/* ------------------------------------------------------------- parameters
 *
 * All parameters live in one contiguous block, layer after layer, each
 * layer its weights W[n_out][n_in] then its biases b[n_out]. Gradients
 * live in a second block of the same layout. Both blocks are owned by the
 * network. Writing through bp_net_params is allowed (e.g. to load or
 * average weights); bp_net_grads may be written between backward and
 * update, which is where a data-parallel program sums gradients across
 * processes (one buffer, one allreduce).
 */
bp_real *bp_net_params(bp_net *net);
/* (For a network read from a model file that has not trained yet, the
 * gradient block is allocated here, zeroed; NULL if that fails.) */
bp_real *bp_net_grads(bp_net *net);
/* Offsets into those blocks of layer l's weights and biases. */
bp_status bp_net_layer_offsets(const bp_net *net, int l, size_t *w_off,
                               size_t *b_off);

/* Layer l whole, as an exporter or a viewer reads it: its shape, its
 * activation and the parameters in place. w and b point into the block of
 * bp_net_params: owned by the network, valid until bp_net_free, and
 * changed by training. */
typedef struct {
    int n_in, n_out;
    bp_act act;
    double act_param;
    const bp_real *w; /* W[n_out][n_in], row-major: row j into neuron j */
    const bp_real *b; /* b[n_out] */
} bp_layer_view;

bp_status bp_net_layer_view(const bp_net *net, int l, bp_layer_view *view);

/* One weight: the weight from neuron (or input) k of the layer below into
 * neuron j of layer l. */
bp_status bp_net_weight(const bp_net *net, int l, int j, int k, bp_real *value);
bp_status bp_net_set_weight(bp_net *net, int l, int j, int k, bp_real value);
bp_status bp_net_bias(const bp_net *net, int l, int j, bp_real *value);
bp_status bp_net_set_bias(bp_net *net, int l, int j, bp_real value);
/* dE/dw and dE/db from the last backward phase. */
bp_status bp_net_weight_grad(const bp_net *net, int l, int j, int k,
                             bp_real *value);
bp_status bp_net_bias_grad(const bp_net *net, int l, int j, bp_real *value);

typedef enum {
    BP_INIT_XAVIER_UNIFORM = 0, /* U(-a, a), a = sqrt(6 / (n_in + n_out)) */
    BP_INIT_XAVIER_NORMAL,      /* N(0, 2 / (n_in + n_out)) */
    BP_INIT_HE_UNIFORM,         /* U(-a, a), a = sqrt(6 / n_in) */
    BP_INIT_HE_NORMAL,          /* N(0, 2 / n_in) */
    BP_INIT_COUNT_
} bp_init;

/* Draw every weight from the chosen distribution and set every bias to 0.
 * The generator is the library's own (xoshiro256** seeded by splitmix64,
 * normals by the polar method with the library's own logarithm), so a
 * seed gives the same weights on every platform and compiler. Frozen
 * parameters are initialised too: freezing governs training only. Resets
 * the optimizer state. */
bp_status bp_net_init(bp_net *net, bp_init init, uint64_t seed);

typedef enum {
    BP_PARAM_WEIGHTS = 1,
    BP_PARAM_BIASES = 2,
    BP_PARAM_ALL = 3
} bp_param_group;

/* Freeze (frozen = 1) or unfreeze (0) a group of parameters of layer l, or
 * of every layer when l = -1. Frozen parameters still get gradients (so
 * they can be shown) but no update changes them. */
bp_status bp_net_freeze(bp_net *net, int l, bp_param_group group, int frozen);
/* Which groups of layer l are frozen, as a mask: 0, BP_PARAM_WEIGHTS,
 * BP_PARAM_BIASES or BP_PARAM_ALL (0 for a NULL net or no such layer). */
int bp_net_frozen(const bp_net *net, int l);

/* ----------------------------------------------------------------- losses */

typedef enum {
    BP_LOSS_SSE = 0, /* half squared error: E = sum_j 1/2 (t_j - o_j)^2 */
    BP_LOSS_BCE,     /* binary cross-entropy, per output:
                        E = -sum_j t_j log o_j + (1 - t_j) log(1 - o_j);
                        needs a sigmoid output layer */
    BP_LOSS_CE,      /* softmax cross-entropy: E = -sum_j t_j log o_j;
                        needs a softmax output layer; t is one-hot (or any
                        distribution) */
    BP_LOSS_COUNT_
} bp_loss;

/* How the per-sample errors of a batch combine: every loss sums over the
 * outputs of a sample; over the samples it takes the mean (default) or
 * the sum. With a batch of one both are the worked example's E_total. */
typedef enum { BP_REDUCE_MEAN = 0, BP_REDUCE_SUM } bp_reduction;

const char *bp_loss_name(bp_loss loss);
bp_status bp_loss_parse(const char *name, bp_loss *loss);

/* Choose the loss. BCE needs a sigmoid output layer and CE a softmax one:
 * for those pairs the output delta is the closed form o - t (the sigmoid
 * or softmax derivative cancels), so no finite input ever takes log(0) or
 * divides by o(1 - o). BP_ERR_ARG for other pairings. */
bp_status bp_net_set_loss(bp_net *net, bp_loss loss, bp_reduction reduction);

/* The loss and reduction in use. Either out pointer may be NULL. */
bp_status bp_net_loss_kind(const bp_net *net, bp_loss *loss,
                           bp_reduction *reduction);

/* ------------------------------------------------------------- optimizers */

typedef enum {
    BP_OPT_SGD = 0,  /* w -= lr * (g + weight_decay * w) */
    BP_OPT_MOMENTUM, /* v = momentum * v + g';  w -= lr * v   (g' as SGD) */
    BP_OPT_NESTEROV, /* v = momentum * v + g';  w -= lr * (g' + momentum v) */
    BP_OPT_ADAM,     /* Adam; weight_decay > 0 makes it AdamW (decoupled:
                        w -= lr * weight_decay * w before the Adam step) */
    BP_OPT_RPROP,    /* iRprop- (FANN's default batch trainer): a step per
                        weight, grown by eta_plus while the gradient keeps
                        its sign, shrunk by eta_minus (and that update
                        skipped) when it flips; lr is the initial step */
    BP_OPT_COUNT_
} bp_optim_kind;

/* Every optimizer's settings; fields an optimizer does not use are
 * ignored. Start from bp_optim_defaults and change what you need. The
 * momentum and Adam formulas are PyTorch's, so the two agree step by
 * step.
 *
 * L1 and L2 regularization (every optimizer): the objective becomes the
 * loss plus the penalty  l1 * sum |w| + l2 / 2 * sum w^2  over the
 * weights (not the biases), so each weight's update uses the gradient
 * g + l1 * sign(w) + l2 * w (sign(0) = 0). The term is added as the
 * optimizer runs, after clipping and after on_grads has summed the
 * gradients across processes; bp_net_grads holds the loss's gradient
 * alone. How it relates to weight_decay: with SGD, momentum and Nesterov,
 * weight_decay adds weight_decay * w to the gradient of every parameter,
 * biases too (PyTorch's weight_decay), so on the weights it is the same
 * term as l2 and the two add up; with Adam, l2 goes through the moments
 * (PyTorch's Adam(weight_decay=l2)) while weight_decay is AdamW's
 * decoupled decay. Reported losses are the loss alone; the penalty is
 * bp_net_penalty, and bp_epoch_report.penalty. */
typedef struct {
    bp_optim_kind kind;
    double lr;                  /* learning rate (RPROP: initial step) */
    double momentum;            /* MOMENTUM, NESTEROV */
    double weight_decay;        /* SGD/momentum: L2 added to the gradient of
                            every parameter; ADAM: decoupled (AdamW) */
    double beta1, beta2, eps;   /* ADAM */
    double eta_plus, eta_minus; /* RPROP */
    double step_min, step_max;  /* RPROP */
    double l1, l2;              /* every optimizer: L1 and L2 rates of the
                            penalty on the weights (>= 0; 0: none) */
} bp_optim;

/* Defaults: lr 0.1 (SGD, momentum), 0.001 (Adam), 0.1 (RPROP, like FANN);
 * momentum 0.9; beta1 0.9, beta2 0.999, eps 1e-8; eta_plus 1.2,
 * eta_minus 0.5, step_min 1e-6, step_max 50; weight_decay, l1, l2 0. */
bp_optim bp_optim_defaults(bp_optim_kind kind);

const char *bp_optim_name(bp_optim_kind kind);
bp_status bp_optim_parse(const char *name, bp_optim_kind *kind);

/* Set the optimizer (validated: lr > 0, 0 <= momentum < 1, ...). Resets
 * its state (velocities, moments, RPROP steps). */
bp_status bp_net_set_optim(bp_net *net, const bp_optim *optim);
/* The optimizer in use. */
bp_optim bp_net_optim(const bp_net *net);
/* Change only the learning rate, keeping the state (for schedules). */
bp_status bp_net_set_lr(bp_net *net, double lr);
/* Change only the L1 and L2 rates, keeping the state (a page that changes
 * them while it trains). */
bp_status bp_net_set_penalty(bp_net *net, double l1, double l2);
/* The penalty l1 * sum |w| + l2 / 2 * sum w^2 of the network's weights
 * under its optimizer's rates (0 without regularization; summed in
 * double). */
double bp_net_penalty(const bp_net *net);
/* Forget velocities, moments and steps; the next update is a first one. */
void bp_net_reset_optim(bp_net *net);

/* -------------------------------------------- what each operation is
 *
 * The library describes every activation, loss and optimizer once: its
 * names, its formulas as `backprop explain` writes them, its parameter,
 * and how other formats hold it. Programs that list, show, check or
 * export operations read these descriptions instead of switching on the
 * enums, so a new operation shows up everywhere once it has its entry.
 * The descriptions are static and constant: never freed, never NULL for a
 * valid value (NULL for an invalid one), safe from any thread.
 *
 * Formulas are written in the variables of Matt Mazur's worked example
 * (2015): net for a neuron's net input, out for its output, t for its
 * target. bp_explain replaces those words with a neuron's symbols
 * (net_h1, out_h1) or numbers. Each comes as plain text and as LaTeX.
 */

/* bp_act_info.flags */
#define BP_ACTF_ROWWISE                                                        \
    1u /* couples the outputs of a layer (softmax):
                                  its derivative is a Jacobian, and
                                  `derivative` gives delta's formula */
#define BP_ACTF_NO_GRADIENT                                                    \
    2u /* derivative 0 almost everywhere (step):
                                  backpropagation cannot train it */
#define BP_ACTF_EXPAND                                                         \
    4u /* explain writes the formula out with the
                                  net input's value */

typedef struct {
    const char *name;       /* as parsed and printed: "leaky_relu" */
    const char *label;      /* for people: "leaky ReLU" */
    const char *symbol;     /* f as explain writes out = f(net):
                                   "sigmoid" ("" for identity) */
    const char *symbol_tex; /* "\\sigma" */
    const char *formula;    /* out in terms of net: "1 / (1 + e^-net)" */
    const char *formula_tex;
    const char *derivative; /* dout/dnet in net and out: "out (1 - out)" */
    const char *derivative_tex;
    const char *param;       /* its parameter's name ("slope"), or NULL
                                   when bp_layer_desc.act_param is ignored */
    double param_default;    /* the parameter when a file gives none */
    double out_min, out_max; /* the range of out (+-HUGE_VAL: unbounded) */
    unsigned flags;          /* BP_ACTF_* */
    bp_loss out_loss;        /* as the output layer, the loss to train it
                                   with: the one its derivative cancels
                                   with (sigmoid: bce, softmax: ce), else
                                   sse */
    bp_init init;            /* the weight initialisation that suits it */
    /* other formats */
    const char *onnx_op;   /* ONNX operator ("Sigmoid"); "" when none
                                   is needed; NULL when ONNX cannot hold it */
    const char *onnx_attr; /* its attribute, or NULL: the parameter (a
                                   float) if there is one, else the integer
                                   onnx_attr_int */
    int onnx_attr_int;
    int fann;              /* FANN's activation function number, -1
                                   when FANN 2.2 has none */
    double fann_steepness; /* the steepness at which FANN's function
                                   is this one */
    const char *c_code;    /* its case in the C that `backprop export`
                                   writes (NULL: nothing to do) */
} bp_act_info;

const bp_act_info *bp_act_describe(bp_act act);

/* bp_loss_info.flags */
#define BP_LOSSF_CLOSED_FORM                                                   \
    1u /* needs the output activation whose
                                   out_loss it is; with it, delta = out - t */
#define BP_LOSSF_EXPAND                                                        \
    2u /* explain writes each output's term out
                                   again with the numbers */
#define BP_LOSSF_ARGMAX                                                        \
    4u /* a classifier: a sample is right when its
                                   largest output is its target's */
#define BP_LOSSF_THRESHOLD                                                     \
    8u /* a classifier: a sample is right when
                                   every output is on its target's side of
                                   0.5 */

typedef struct {
    const char *name;    /* as parsed and printed: "sse" */
    const char *aliases; /* other names parsed, space-separated */
    const char *label;   /* for people: "half squared error" */
    const char *term;    /* one output's error, in t and out:
                                   "1/2 (t - out)^2"; NULL when explain
                                   shows only the total */
    const char *term_tex;
    const char *total; /* E of a sample as explain heads it */
    const char *total_tex;
    unsigned flags; /* BP_LOSSF_* */
} bp_loss_info;

const bp_loss_info *bp_loss_describe(bp_loss loss);

/* bp_optim_info.flags: the bp_optim fields it reads besides lr and
 * weight_decay, and how it is meant to be used */
#define BP_OPTF_MOMENTUM 1u   /* momentum */
#define BP_OPTF_ADAM 2u       /* beta1, beta2, eps */
#define BP_OPTF_RPROP 4u      /* eta_plus, eta_minus, step_min, step_max */
#define BP_OPTF_FULL_BATCH 8u /* made for full-batch gradients */

typedef struct {
    const char *name;    /* as parsed and printed: "adam" */
    const char *aliases; /* other names parsed, space-separated */
    const char *label;   /* for people: "Adam" */
    const char *formula; /* the update of one weight w with gradient g */
    double lr;           /* its default learning rate */
    unsigned flags;      /* BP_OPTF_* */
} bp_optim_info;

const bp_optim_info *bp_optim_describe(bp_optim_kind kind);

/* ------------------------------------------------------ the forward phase */

/* Forward phase for a batch x[n][n_in] (1 <= n <= max_batch): every layer's
 * net input z = W a + b and output a = f(z), kept for the backward phase.
 * x is copied. BP_ERR_NONFINITE if x holds NaN or Inf. */
bp_status bp_net_forward(bp_net *net, const bp_real *x, int n);

/* The output of the last forward phase, [n][n_out]; NULL before any. */
const bp_real *bp_net_output(const bp_net *net);
/* The batch size of the last forward phase (0 before any). */
int bp_net_batch(const bp_net *net);

/* What the last forward and backward phases left in layer l, each
 * [n][n_out of layer l]: z (net input), a (output) and delta (dE/dz, from
 * the last backward phase). NULL for a bad l. For explaining and tests. */
const bp_real *bp_net_layer_z(const bp_net *net, int l);
const bp_real *bp_net_layer_out(const bp_net *net, int l);
const bp_real *bp_net_layer_delta(const bp_net *net, int l);

/* Run the forward phase on x[n][n_in] and copy the outputs to
 * out[n][n_out], in chunks of max_batch: n may be any size. */
bp_status bp_net_predict(bp_net *net, const bp_real *x, int n, bp_real *out);

/* The error of the last forward phase against targets t[n][n_out], with
 * the network's loss and reduction. Computed stably from z for BCE/CE. */
bp_status bp_net_loss(bp_net *net, const bp_real *t, double *loss);

/* ----------------------------------------------------- the backward phase */

typedef enum {
    BP_ORDER_STANDARD = 0, /* every gradient at the weights of the forward
                              phase: textbook gradient descent */
    BP_ORDER_LAYERWISE     /* layer-wise: each layer is updated as soon
                              as its gradient is known, before delta passes
                              back through it, so lower layers see the
                              updated weights above them. This is what
                              reproduces the published figures of Matt
                              Mazur's worked example (2015) after an
                              update. */
} bp_order;

/* Backward phase (standard order) against targets t[n][n_out] for the
 * batch of the last forward phase: the output delta from the loss, then
 * for each layer from the top dE/dW = delta^T a_below, dE/db = sum of
 * delta, and delta_below = (delta W) * f'(z_below). Leaves the gradients
 * in bp_net_grads and the deltas in bp_net_layer_delta. If loss is not
 * NULL, stores the batch error in it. BP_ERR_STATE without a forward. */
bp_status bp_net_backward(bp_net *net, const bp_real *t, double *loss);

/* One optimizer step from the gradients in bp_net_grads. Frozen groups
 * are left alone. BP_ERR_NONFINITE (weights untouched) if a gradient is
 * NaN or Inf. */
bp_status bp_net_update(bp_net *net);

/* Forward, backward and update on one batch. With BP_ORDER_LAYERWISE each
 * layer is updated as soon as its gradient is known and delta is passed
 * back through the updated weights; the gradients left in bp_net_grads
 * are the ones each layer was updated with. If loss is not NULL it gets
 * the batch error of the forward phase (before the update). */
bp_status bp_net_train_step(bp_net *net, const bp_real *x, const bp_real *t,
                            int n, bp_order order, double *loss);

/* ------------------------------------------------------------ perceptron */

/* Train a one-layer network of step units by the perceptron rule,
 * w += lr (t - y) x and b += lr (t - y), sample by sample in order, until
 * an epoch makes no error or max_epochs pass. x[n][n_in], t[n][n_out] with
 * 0/1 targets. *epochs gets the epochs run; *converged 1 if the last epoch
 * classified every sample right, 0 if the limit was reached (as on XOR,
 * which one layer cannot compute). Either may be NULL. Needs
 * max_batch >= 1 only (works sample by sample). */
bp_status bp_perceptron_train(bp_net *net, const bp_real *x, const bp_real *t,
                              int n, double lr, int max_epochs, int *epochs,
                              int *converged);

/* -------------------------------------------------------------- data sets
 *
 * A data set as training and evaluation read it: n samples; sample i's
 * inputs at x[i * n_in]; its targets either dense, at t[i * n_out], or,
 * for classes, one class index label[i] in [0, n_out), expanded to a
 * one-hot row only when a batch is gathered (so a set of many classes
 * costs n indices, not n * n_out numbers). Exactly one of t and label is
 * set (neither, with n_out 0, for inputs without targets). A bp_data is a
 * view: it copies and owns nothing; the arrays stay owned by whoever made
 * it (the caller, or a bp_dataset, below).
 */
typedef struct {
    int64_t n;            /* samples */
    int n_in, n_out;      /* input width; target width (= classes) */
    const bp_real *x;     /* [n][n_in], row-major */
    const bp_real *t;     /* [n][n_out], or NULL when label is set */
    const int32_t *label; /* [n], each in [0, n_out), or NULL */
} bp_data;

/* Copy n rows of d into batch arrays: inputs to x[n][n_in], targets to
 * t[n][n_out], class indices expanded to one-hot rows. rows lists the row
 * numbers (n of them), or is NULL for the rows first..first+n-1. x or t
 * may be NULL (not wanted); t needs targets in d. Never allocates. */
bp_status bp_data_gather(const bp_data *d, const int64_t *rows, int64_t first,
                         int n, bp_real *x, bp_real *t);

/* --------------------------------------------------------------- training
 *
 * A bp_trainer trains one network on one data set in mini-batches. Each
 * epoch visits the samples in an order drawn from (seed, epoch) alone, one
 * batch per step; the step after which an epoch is complete also closes
 * the epoch: it evaluates the validation set, keeps a copy of the best
 * weights (with patience) and decides whether to stop early. The loss it
 * watches for the best epoch is the validation loss; without validation
 * data, and with patience, the epoch's training loss (a run then stops
 * once training itself stops improving, as scikit-learn's MLP does by
 * default). Everything
 * the trainer knows is a bp_train_state plus those best weights, and a
 * checkpoint stores both (bp_model_checkpoint), so a run stopped after
 * any batch resumes exactly where it was: the resumed run's weights equal
 * an uninterrupted run's bit for bit.
 *
 * bp_train runs a whole training in one call; bp_trainer_step,
 * bp_trainer_epoch and bp_trainer_run are for programs that drive the
 * loop themselves (progress, checkpoints, a page that trains a few steps
 * per frame).
 */

/* What an epoch came to. Accuracies are NaN unless the loss is a
 * classification loss (CE: argmax of output vs argmax of target; BCE:
 * each output thresholded at 0.5). val_* are NaN without validation
 * data. */
typedef struct {
    int epoch;         /* 1-based */
    int epochs;        /* the planned total */
    double train_loss; /* the loss (without the L1/L2 penalty, like
                             val_loss), mean over the epoch's samples, as
                             trained */
    double train_acc;
    double val_loss, val_acc;
    double penalty;       /* the L1/L2 penalty of the weights at the
                             epoch's end (bp_net_penalty; 0 without):
                             train_loss + penalty is the objective */
    double seconds;       /* wall time of the epoch */
    int best_epoch;       /* epoch with the lowest val_loss so far (0: none;
                             without validation data but with patience,
                             the lowest train_loss) */
    double best_val_loss; /* that loss */
    int improved;         /* this epoch set a new best */
} bp_epoch_report;

/* Where training is after a batch: enough to show progress. */
typedef struct {
    int epoch;       /* 1-based: the epoch this batch belongs to */
    int done, total; /* batches of this epoch done, and in all */
    int64_t samples; /* samples of this epoch done */
    double loss_sum; /* sum over those samples of their loss */
    int64_t correct; /* of those, classified right (classifiers) */
    double loss;     /* this batch's loss, mean per sample */
} bp_batch_report;

/* Called by bp_trainer_run (and bp_train) after each batch. Return
 * non-zero to stop training there (the run then returns BP_OK with
 * stopped_by_callback set; at an epoch's last batch the request is
 * ignored, on_epoch decides there). */
typedef int (*bp_batch_fn)(void *ctx, const bp_batch_report *report);
/* Called by bp_trainer_run (and bp_train) after each epoch. Return
 * non-zero to stop training. */
typedef int (*bp_epoch_fn)(void *ctx, const bp_epoch_report *report);
/* Data parallelism: called in every step between the backward phase and
 * the update with the gradient buffer (n numbers) and the batch's figures
 * stats[0] = loss sum, stats[1] = samples right, stats[2] = samples; the
 * callback replaces each with its sum over all processes. Return non-zero
 * to stop (an error). */
typedef int (*bp_grads_fn)(void *ctx, bp_real *grads, size_t n,
                           double stats[3]);

typedef struct {
    int epochs;           /* epochs in all, counting those a resumed run
                              has done (>= 0) */
    int batch;            /* mini-batch size (>= 1; clamped to n) */
    bp_order order;       /* backward order; standard unless you know */
    uint64_t seed;        /* shuffling: epoch e uses an order derived from
                              (seed, e) alone, so a resumed run shuffles
                              exactly like an uninterrupted one */
    int shuffle;          /* 1: shuffle every epoch; 0: data order */
    int shuffle_window;   /* > 0: shuffle blocks of this many consecutive
                              samples and within each block, instead of
                              the whole set: for data read from a file
                              larger than memory (0: the whole set) */
    const bp_data *val;   /* optional validation set (the view is copied;
                              its arrays must outlive the trainer) */
    int patience;         /* > 0: stop after this many epochs without a
                              new best validation loss (without val: the
                              epoch's training loss), and end with the
                              best epoch's weights; 0: run every epoch */
    double min_delta;     /* a loss is a new best when it is below the
                              best so far by more than this (>= 0) */
    double clip;          /* > 0: scale the gradient down to this global
                              L2 norm when it is larger; 0: off (standard
                              order only) */
    bp_batch_fn on_batch; /* optional */
    bp_epoch_fn on_epoch; /* optional */
    void *ctx;            /* passed to all three callbacks */
    /* Data parallelism. With n_shards > 1 this process trains on shard
     * `shard` of every global batch (its slice of the same shuffled
     * order), scales its gradients so that summing them over the shards
     * gives the gradient of the whole batch, and calls on_grads between
     * the backward phase and the update: that is where the caller sums
     * the gradient buffer and the batch's figures across processes (one
     * allreduce each, in place). Every process then applies the same
     * update, so the weights stay identical. Standard order only. */
    int shard, n_shards;
    bp_grads_fn on_grads;
} bp_train_opts;

/* Defaults: 10 epochs, batch 32, standard order, seed 1, shuffle on, no
 * validation, no patience, min_delta 0, no clipping, one process. */
bp_train_opts bp_train_defaults(void);

/* Everything a trainer knows besides the best weights: the recipe it was
 * made with and where it is. A checkpoint stores it (bp_model). */
typedef struct {
    /* the recipe: bp_train_opts' fields of the same names */
    int epochs, batch;
    bp_order order;
    uint64_t seed;
    int shuffle, shuffle_window, patience;
    double min_delta, clip;
    /* the position */
    int epoch;            /* epochs completed */
    int batch_done;       /* batches of the next epoch done, with */
    double loss_sum;      /* their loss sum and */
    int64_t correct;      /* samples right (bp_batch_report's) */
    int best_epoch;       /* the best epoch so far (0: none) */
    double best_val_loss; /* its watched loss, validation or (without
                             validation data) training (INFINITY: none) */
} bp_train_state;

typedef struct bp_trainer bp_trainer;

/* A trainer of net on train (a view: copied, its arrays must outlive the
 * trainer; sizes must match the network). Checks the whole data set once
 * (NaN, Inf, labels out of range), reserves the network for the batch
 * size and allocates the sample order and, with patience, a copy of the
 * weights: the only allocations of training (through the network's
 * allocator); steps allocate nothing. The network must outlive the
 * trainer, and nothing else may train it meanwhile. On failure *out is
 * NULL and err (may be NULL) says why. */
bp_status bp_trainer_create(bp_net *net, const bp_data *train,
                            const bp_train_opts *opts, bp_trainer **out,
                            bp_error *err);
/* Free a trainer (not its network). NULL allowed. */
void bp_trainer_free(bp_trainer *tr);
/* The message of the last failed call on this trainer ("" after a
 * success). Never NULL. */
const char *bp_trainer_errmsg(const bp_trainer *tr);

/* One batch: gather it, forward and backward phase, on_grads, clipping,
 * update. If that completes an epoch, also close it (validation, best
 * weights, patience) and, if epoch is not NULL, report it there (check
 * batch->done == batch->total). Either report may be NULL.
 * BP_ERR_NONFINITE if the loss, a gradient or a weight becomes NaN or
 * Inf: the message names the epoch and batch, and a NaN loss or gradient
 * is caught before the update, so the weights are those from before the
 * batch. BP_ERR_STATE once the run is finished (bp_trainer_finished). */
bp_status bp_trainer_step(bp_trainer *tr, bp_batch_report *batch,
                          bp_epoch_report *epoch);
/* The rest of the current epoch (all of it at an epoch's start), closed.
 * report may be NULL. */
bp_status bp_trainer_epoch(bp_trainer *tr, bp_epoch_report *report);

typedef struct {
    int epochs_run;       /* epochs completed, counting a resumed run's */
    int best_epoch;       /* with validation (or patience): the best
                              epoch (restored if patience stopped the
                              run) */
    double best_val_loss; /* its watched loss (bp_train_state's) */
    double last_train_loss;
    int stopped_early; /* patience ran out */
    int stopped_by_callback;
    int stopped_batch; /* stopped mid-epoch by on_batch: batches done
                              of epoch epochs_run + 1 (else 0) */
    /* On BP_ERR_NONFINITE: where NaN or Inf first appeared. */
    int fault_epoch, fault_batch;
} bp_train_result;

/* Steps until the planned epochs are done, patience runs out or a
 * callback asks to stop, calling on_batch and on_epoch. With patience,
 * a run that ends at an epoch's end (of any cause) ends with the best
 * epoch's weights. result may be NULL. */
bp_status bp_trainer_run(bp_trainer *tr, bp_train_result *result);
/* 1 when the planned epochs are done or patience ran out, else 0. */
int bp_trainer_finished(const bp_trainer *tr);
/* Copy the best epoch's weights into the network (with patience, once
 * an epoch has set a best; otherwise nothing changes). */
void bp_trainer_use_best(bp_trainer *tr);

/* Loss and accuracy of the trainer's network on d, or on the validation
 * set when d is NULL (see bp_net_evaluate). */
bp_status bp_trainer_evaluate(bp_trainer *tr, const bp_data *d, double *loss,
                              double *acc);

/* Where the trainer is, and its recipe (all zero for NULL). */
bp_train_state bp_trainer_state(const bp_trainer *tr);
/* The best epoch's weights [n_params], or NULL when none are kept. Owned
 * by the trainer; their values change when an epoch sets a new best. */
const bp_real *bp_trainer_best_params(const bp_trainer *tr);
/* Continue from a saved position: state's epoch, batch and sums, and the
 * best so far with its weights best_params [n_params] (may be NULL: then
 * only a best found from here on is restored). The recipe fields of state
 * are not applied: create the trainer with them. BP_ERR_SIZE if the
 * position is not one of this recipe's (batch_done beyond an epoch). */
bp_status bp_trainer_set_state(bp_trainer *tr, const bp_train_state *state,
                               const bp_real *best_params);

/* A whole training in one call: bp_trainer_create, bp_trainer_run,
 * bp_trainer_free. The message of a failure is left in the network.
 * result may be NULL. */
bp_status bp_train(bp_net *net, const bp_data *train, const bp_train_opts *opts,
                   bp_train_result *result);

/* Loss and accuracy of the network on a whole data set, in chunks of
 * max_batch (class labels expanded in the network's workspace: no
 * allocation). The loss is per sample with the network's reduction of
 * mean, summed for sum; acc is NaN for a regression loss. Either out
 * may be NULL. */
bp_status bp_net_evaluate(bp_net *net, const bp_data *d, double *loss,
                          double *acc);

/* ---------------------------------------------------------------- scaling
 *
 * A scaler brings columns of numbers to a common range, column by column:
 * x' = (x - offset) * factor. It is fitted on the training data, applied
 * to every set the network sees, inverted to bring a network's outputs
 * back to the units of its targets, and stored in a model. A plain value
 * owned by the caller: a zeroed bp_scaler means "no scaling"; one that
 * holds arrays owns them (allocated through the allocator it was filled
 * with) and is freed with bp_scaler_free.
 */

typedef enum {
    BP_SCALING_NONE = 0,
    BP_SCALING_MINMAX,  /* each column's range to [0, 1] */
    BP_SCALING_STANDARD /* each column to mean 0, standard deviation 1 */
} bp_scaling;

typedef struct {
    bp_scaling kind;    /* NONE: the identity (n and the arrays unused) */
    int n;              /* columns */
    double *offset;     /* [n] */
    double *factor;     /* [n] */
    bp_allocator alloc; /* where the arrays came from */
} bp_scaler;

/* Fit s to x[n][width]: minmax takes each column's minimum and range,
 * standard its mean and (population) standard deviation, summed in
 * double. A constant column keeps factor 1. kind NONE makes the identity.
 * s is overwritten (free it first if it holds arrays); alloc may be NULL
 * (malloc/free). BP_ERR_SIZE for n < 1 or width < 1. */
bp_status bp_scaler_fit(bp_scaler *s, bp_scaling kind, const bp_real *x,
                        int64_t n, int width, const bp_allocator *alloc,
                        bp_error *err);
/* A scaler from given numbers (copied), e.g. read from elsewhere. Every
 * number must be finite and every factor non-zero. */
bp_status bp_scaler_set(bp_scaler *s, bp_scaling kind, int n,
                        const double *offset, const double *factor,
                        const bp_allocator *alloc, bp_error *err);
/* A deep copy of src into dst (overwritten). */
bp_status bp_scaler_copy(bp_scaler *dst, const bp_scaler *src,
                         const bp_allocator *alloc, bp_error *err);
/* x[n][s->n] in place: x' = (x - offset) * factor. Nothing for NONE. */
void bp_scaler_apply(const bp_scaler *s, bp_real *x, int64_t n);
/* The inverse in place, x = x' / factor + offset: a network's scaled
 * outputs back in the units of its targets. Nothing for NONE. */
void bp_scaler_invert(const bp_scaler *s, bp_real *x, int64_t n);
/* 1 if a and b scale alike: both none, or the same kind, width and
 * numbers. NULL counts as none. */
int bp_scaler_equal(const bp_scaler *a, const bp_scaler *b);
/* Free the arrays; s becomes the identity. NULL allowed. */
void bp_scaler_free(bp_scaler *s);

/* ------------------------------------------------------------ model files
 *
 * A model is a network plus what using it on raw data needs: the input
 * scaling fitted on the training data, the scaling of regression targets,
 * the class names, and which columns of the training file were the
 * targets. A checkpoint is a model that also carries the optimizer state
 * and where training was, so that training can resume exactly.
 *
 * Two forms, detected on load:
 * - binary (".bpm"): little-endian sections with a CRC-32 over the file;
 *   parameters at the library's precision; see docs/FORMATS.md;
 * - text: one line per item, weights as decimal numbers that read back
 *   to the same bits; made to be read and typed by people (Matt Mazur's
 *   worked example, w1..w8, fits in a dozen lines).
 * Saving is atomic: the file is written beside its destination, flushed
 * to disk and renamed over it, so a crash leaves the old file or the new
 * one, never a mixture. A save refuses (and leaves the old file) what
 * the reader would refuse: NaN or Inf parameters or scaling, class names
 * longer than BP_MAX_NAME bytes, a class count that does not fit the
 * outputs.
 */

typedef enum { BP_FORMAT_BINARY = 0, BP_FORMAT_TEXT } bp_model_format;

/* The longest class or column name a model holds, in bytes. */
#define BP_MAX_NAME 4096

typedef struct {
    bp_net *net;             /* owned by the model */
    bp_allocator alloc;      /* of everything the model owns: its
                                 network's (bp_model_new), or the one given
                                 to bp_model_load, bp_model_parse */
    bp_scaler scaler;        /* the inputs', applied before the network */
    bp_scaler target_scaler; /* regression targets as the network learned
                                 them (NONE: as given); the outputs are
                                 inverted by it into the targets' units */
    int n_classes;           /* 0: regression (or unnamed outputs) */
    char **class_names;      /* [n_classes] NUL-terminated, or NULL */
    /* The training file's columns (CSV/TSV), so that eval and predict on
     * a file like it find the targets without being told. */
    int n_columns;       /* columns of the training file; 0: unknown */
    int n_targets;       /* of those, the targets (label columns) */
    int *target_cols;    /* [n_targets] 0-based positions */
    char **target_names; /* [n_targets] header names ("": none) */
    char **input_names;  /* [n_in + 1] the input columns' header names
                            in the network's order, then NULL; or NULL
                            (no header): eval and predict take each
                            input by its name from a file with one */

    /* training state, present in checkpoints (has_train_state = 1; see
     * bp_model_checkpoint and bp_trainer_set_state) */
    int has_train_state;
    bp_train_state train; /* the run's recipe and where it was */
    bp_real *best_params; /* [n_params] the best epoch's weights, or
                                 NULL when none were kept */
    double val_split;     /* the fraction of the data the run held out
                                 for validation (the command's
                                 --val-split), so a resumed run splits the
                                 same way */
} bp_model;

/* A model around net, which it takes over (bp_model_free frees it). No
 * scaling, no classes. On failure net is NOT freed. */
bp_status bp_model_new(bp_net *net, bp_model **out, bp_error *err);
/* Free a model, its network and its arrays. NULL allowed. */
void bp_model_free(bp_model *m);
/* Set the input scaling from arrays of the network's n_in (copied). */
bp_status bp_model_set_scaling(bp_model *m, bp_scaling kind,
                               const double *offset, const double *factor,
                               bp_error *err);
/* Set the input scaler (n_in columns) and the target scaler (n_out
 * columns), copied; NULL leaves one as it is. */
bp_status bp_model_set_scalers(bp_model *m, const bp_scaler *inputs,
                               const bp_scaler *targets, bp_error *err);
/* Set the class names (copied). n must equal the network's n_out (or 1
 * output with 2 classes for a sigmoid output); each name at most
 * BP_MAX_NAME bytes. */
bp_status bp_model_set_classes(bp_model *m, int n, const char *const *names,
                               bp_error *err);
/* Remember the training file's layout: n_columns columns, of which the
 * n_targets at cols[] (0-based) were the targets, named names[] (NULL or
 * "" entries: no name; a name over BP_MAX_NAME bytes is kept as ""). */
bp_status bp_model_set_columns(bp_model *m, int n_columns, int n_targets,
                               const int *cols, const char *const *names,
                               bp_error *err);
/* Remember the header names of the training file's input columns: the
 * network's n_in of them, in the order its inputs take them (copied;
 * NULL clears; NULL entries or names over BP_MAX_NAME bytes are kept as
 * ""). A file read for the model (bp_data_opts.model) whose header holds
 * every one of them gives its inputs by name, whatever their order. */
bp_status bp_model_set_input_names(bp_model *m, const char *const *names,
                                   bp_error *err);
/* Apply the model's input scaling to x[n][n_in] in place (n rows in 64
 * bits, as bp_scaler_apply and bp_model_predict count them). Nothing for
 * a NULL model, no scaling, or n <= 0. */
void bp_model_scale(const bp_model *m, bp_real *x, int64_t n);
/* The model on raw inputs x[n][n_in] (not changed): scaled as trained,
 * run in chunks of the network's max_batch, the outputs out[n][n_out] in
 * the targets' units. Allocates one chunk of scaled inputs. n = 0 does
 * nothing; a negative n is BP_ERR_SIZE. */
bp_status bp_model_predict(bp_model *m, const bp_real *x, int64_t n,
                           bp_real *out);

/* Make m a checkpoint of tr, which trains m->net: copies the trainer's
 * state and best weights into m (has_train_state = 1), so that
 * bp_model_save with with_state writes them. Allocates the copy of the
 * best weights, once. */
bp_status bp_model_checkpoint(bp_model *m, const bp_trainer *tr, bp_error *err);

/* The model's file, in either form, handed to write(ctx, bytes, len) in
 * one piece instead of a path (a page's in-memory export, a socket, a
 * compressor): the same bytes bp_model_save puts in the file, which
 * bp_model_parse reads back. Allocates the file's bytes through the
 * model's allocator while it writes; refuses what bp_model_save refuses,
 * before calling write at all. write cannot fail the call: a callback
 * whose own output fails keeps that in ctx. */
bp_status bp_model_write(const bp_model *m, bp_model_format format,
                         int with_state, bp_write_fn write, void *ctx,
                         bp_error *err);

/* Save to path. with_state also writes the optimizer state and the
 * training fields (a checkpoint; binary form only). */
bp_status bp_model_save(const bp_model *m, const char *path,
                        bp_model_format format, int with_state, bp_error *err);
/* Load either form. The message names the file and, for text, the line.
 * alloc (NULL: malloc/free) makes the network and everything the model
 * owns, and the file's bytes while they are read. */
bp_status bp_model_load(const char *path, const bp_allocator *alloc,
                        bp_model **out, bp_error *err);
/* Write n bytes to path the way models are saved: a temporary file beside
 * it, flushed to disk, renamed over it. For any file a program must never
 * leave half-written (predictions, logs, plots). A symbolic link is
 * followed (its target is replaced, the link kept); a path that exists
 * and is not a regular file (directory, device, FIFO) is refused with
 * BP_ERR_IO, never replaced. */
bp_status bp_write_file_atomic(const char *path, const void *data, size_t n,
                               bp_error *err);
/* The same written as a stream, for a file too large to build in memory
 * first: bp_atomic_open makes the temporary file beside path (path is
 * refused as for bp_write_file_atomic), bp_atomic_write appends to it
 * (buffered; it is a bp_write_fn, so any writer of the library can feed
 * it, and an error is kept for the commit), bp_atomic_commit flushes it
 * to disk and renames it over path, bp_atomic_abort removes it; either
 * frees f, and until then path is untouched. bp_atomic_temp_path names
 * the temporary file while it exists (NULL after commit or abort): a
 * program that may die mid-write from a signal, such as SIGBUS from a
 * memory-mapped input that shrank, stores the name before the write and
 * has its handler unlink it (unlink is async-signal-safe). alloc (NULL:
 * malloc/free) holds the writer's memory. */
typedef struct bp_atomic bp_atomic;
bp_status bp_atomic_open(const char *path, const bp_allocator *alloc,
                         bp_atomic **out, bp_error *err);
const char *bp_atomic_temp_path(const bp_atomic *f);
void bp_atomic_write(void *f, const char *bytes, size_t len);
bp_status bp_atomic_commit(bp_atomic *f, bp_error *err);
void bp_atomic_abort(bp_atomic *f);

/* Parse a model from memory; name is used in messages; alloc as for
 * bp_model_load. */
bp_status bp_model_parse(const void *data, size_t size, const char *name,
                         const bp_allocator *alloc, bp_model **out,
                         bp_error *err);

/* ---------------------------------------------------------- reading data
 *
 * Data sets from files, owned by the library: the readers behind the
 * command line, for any program. One call reads any of these, recognised
 * from the content:
 * - CSV or TSV (comma, tab or semicolon; RFC 4180 quotes; a header line
 *   detected or told; a delimiter ending every line is no column), the
 *   target column(s) chosen by number or name;
 * - FANN training data (.data: "pairs inputs outputs", then the numbers);
 * - a .bpd file, the binary form of docs/FORMATS.md, memory-mapped when
 *   it is a regular file, so a set larger than memory trains. A mapped
 *   file must not shrink while its data set is in use: the pages cut off
 *   are then read as a SIGBUS signal, which no status can report and the
 *   library does not catch (the backprop command does: one line naming
 *   the file, exit 1). Replace such a file by writing a new one and
 *   renaming it over the old (bp_dataset_save does), never in place;
 * - an IDX directory, MNIST's layout ({train,t10k}-{images-idx3,
 *   labels-idx1}-ubyte, gzip-compressed or not);
 * and any text form gzip-compressed (with zlib). "-" is standard input,
 * read once as a stream (a pipe works; a .bpd there is read, not mapped).
 * Class labels become indices 0..k-1 in sorted order (numerically when
 * every label is a number), with their names; numbers become dense
 * targets. A UTF-8 byte-order mark is skipped; a number too small for
 * the library's precision (1e-400) reads as 0, one too large is refused.
 *
 * Errors come back as a status and one line in the bp_error naming the
 * file and, where they apply, the line, column and column name; an
 * offending field is shown cut at ~60 characters. Nothing is printed.
 */

typedef struct bp_dataset bp_dataset;

/* The most class labels a data set may have unless told otherwise: more
 * distinct labels than this in a target column are almost always names
 * or identifiers, not classes. */
#define BP_MAX_CLASSES 10000

typedef enum { BP_AUTO = 0, BP_YES, BP_NO } bp_choice;

typedef struct {
    const char *label;     /* CSV/TSV: the target column(s), 1-based numbers
                            or header names, comma-separated; NULL: the
                            columns `model` was trained with, else the
                            last column */
    bp_choice classes;     /* targets are class labels: AUTO (one target
                            column holding a non-number, or at most 100
                            distinct whole numbers 0..1000, fewer than the
                            rows; FANN: one-hot output rows), YES or NO;
                            AUTO refuses numbers with a gap (NaN, inf,
                            NA, N/A, null, none, ?) rather than make
                            them classes */
    bp_choice header;      /* CSV/TSV: the first row names the columns; AUTO:
                            it holds a non-number where the second row
                            holds a number (or, the only row, no number);
                            a first row read as data whose class is its
                            alone (others have 2 rows or more) is refused:
                            a header of numbers and a word? */
    const char *split;     /* IDX directories: "train" (NULL) or "t10k" */
    int inputs_only;       /* > 0: a CSV/TSV of exactly this many columns is
                            inputs alone, without targets (to predict) */
    int max_classes;       /* refuse more classes than this (0:
                            BP_MAX_CLASSES) */
    const bp_model *model; /* optional: read the file for this model: the
                            target columns it was trained with (when label
                            is NULL; by name when the file has a header
                            holding them, else by position), classes as it
                            has them, a CSV of exactly its input width as
                            inputs alone, widths checked, classes numbered
                            in its order; under a header holding every
                            name of bp_model.input_names, each input
                            by its name, in the model's order (a header
                            holding some but not all is refused) */
    const bp_allocator *alloc; /* for everything the data set allocates */
} bp_data_opts;

/* Defaults: last column, classes and header AUTO, split "train", no
 * model, malloc/free. */
bp_data_opts bp_data_defaults(void);

/* Read a data set from path (a file, "-" for standard input, or an IDX
 * directory). opts may be NULL (the defaults). On success *out owns it;
 * free it with bp_dataset_free. On failure *out is NULL and err says why:
 * BP_ERR_IO (cannot read), BP_ERR_FORMAT (malformed, or not what the
 * options or the model ask for), BP_ERR_NONFINITE, BP_ERR_NOMEM. */
bp_status bp_dataset_load(const char *path, const bp_data_opts *opts,
                          bp_dataset **out, bp_error *err);
/* The same from a file's bytes in memory (CSV/TSV, FANN, .bpd, gzip of
 * those); name is used in messages. The bytes are not kept. */
bp_status bp_dataset_parse(const void *data, size_t size, const char *name,
                           const bp_data_opts *opts, bp_dataset **out,
                           bp_error *err);
/* An IDX pair in memory: the images file and the labels file. */
bp_status bp_dataset_parse_idx(const void *images, size_t n_images,
                               const void *labels, size_t n_labels,
                               const char *name, const bp_data_opts *opts,
                               bp_dataset **out, bp_error *err);
/* Free a data set (unmapping a mapped file). NULL allowed. */
void bp_dataset_free(bp_dataset *ds);

/* The view training and evaluation read. Valid until the data set is
 * changed (scale, match, split) or freed. Inputs without targets (a file
 * to predict) have n_out 0 and neither t nor label. */
bp_data bp_dataset_data(const bp_dataset *ds);
/* Which reader read it: "csv", "tsv", "fann", "idx" or "bpd". */
const char *bp_dataset_format(const bp_dataset *ds);
/* 0: numeric targets (or none); else the classes, named. */
int bp_dataset_n_classes(const bp_dataset *ds);
const char *bp_dataset_class_name(const bp_dataset *ds, int j);
/* A CSV/TSV file's target columns: their number (1 for a class column,
 * n_out for numbers; 0 for other formats) and the header name of the
 * j-th ("" without a header; NULL for a bad j). */
int bp_dataset_n_targets(const bp_dataset *ds);
const char *bp_dataset_target_name(const bp_dataset *ds, int j);
/* The scaling the inputs (targets = 0) or dense targets (1) carry now: a
 * .bpd stored scaled, or after bp_dataset_scale. Never NULL. */
const bp_scaler *bp_dataset_scaler(const bp_dataset *ds, int targets);
/* 1 if the data lives in a memory-mapped file (read-only, not split). */
int bp_dataset_is_mapped(const bp_dataset *ds);

/* Bring the inputs to the scaling `inputs` and dense targets to
 * `targets`, whatever they carry now (what they carry is undone first);
 * NULL leaves one as it is. A memory-mapped set is copied into memory
 * the first time it must change: the file is never written. */
bp_status bp_dataset_scale(bp_dataset *ds, const bp_scaler *inputs,
                           const bp_scaler *targets, bp_error *err);
/* Number ds's classes as ref's (by name, else for a number by its value:
 * "1.0" is "1"; by position for classes that have no names of their own,
 * as in FANN and IDX files), put its inputs in ref's order when both
 * files name them in a header (refused when ds's header names some of
 * ref's inputs but not all) and check the
 * widths: a test set made to match its training set. */
bp_status bp_dataset_match(bp_dataset *ds, const bp_dataset *ref,
                           bp_error *err);
/* The same against a model's classes and widths. */
bp_status bp_dataset_match_model(bp_dataset *ds, const bp_model *m,
                                 bp_error *err);
/* Move a fraction of ds's rows, drawn by seed, into a new data set *val
 * (each part keeps the file's order). Class targets are split stratified:
 * each class gives its share (rounded by largest remainders), so both
 * parts keep the classes' proportions; numeric targets by a plain draw
 * (the same rows for the same seed and size). *val is
 * NULL (and ds unchanged) when the fraction leaves either part empty.
 * A memory-mapped set is not split (BP_ERR_STATE). */
bp_status bp_dataset_split(bp_dataset *ds, double fraction, uint64_t seed,
                           bp_dataset **val, bp_error *err);
/* Store in m what reading files like this one again needs: the class
 * names and, for CSV/TSV, the columns that were the targets. */
bp_status bp_dataset_describe(const bp_dataset *ds, bp_model *m, bp_error *err);

typedef enum { BP_DATA_BPD = 0, BP_DATA_FANN } bp_data_format;

/* Write ds to path atomically: as .bpd (the inputs with the scaling they
 * carry, stored with it; classes as indices) or as FANN training data
 * (classes as one-hot rows). repeat >= 1 writes the rows that many times
 * over (large test sets from small ones). What is written reads back. */
bp_status bp_dataset_save(const bp_dataset *ds, const char *path,
                          bp_data_format format, int repeat, bp_error *err);
/* The same bytes handed to write(ctx, bytes, len) piece by piece instead
 * of a path (a pipe, a compressor, a bp_atomic of the caller's, whose
 * temporary file it can then clean up): what bp_dataset_save refuses is
 * refused before write is called; write cannot fail the call (a callback
 * keeps its own errors in ctx, as bp_atomic_write does). Messages name
 * the data set. */
bp_status bp_dataset_write(const bp_dataset *ds, bp_data_format format,
                           int repeat, bp_write_fn write, void *ctx,
                           bp_error *err);

/* ----------------------------------------------------------------- explain
 *
 * Every number of the forward and backward phase for one sample, as Matt
 * Mazur's worked example (2015) writes them out by hand: each neuron's net
 * input with the numbers substituted, its output, the error, dE/dout,
 * dout/dnet and delta of each neuron, each dE/dw as the product of its
 * chain-rule factors, the update, and the error after it. The numbers
 * are the library's own (its forward and backward phase on a copy of the
 * network), not a parallel calculation.
 *
 * Names follow the worked example: inputs i1.., hidden neurons h1..
 * (h<l>.<j> when there are several hidden layers), outputs o1.., weights
 * w1.. numbered layer by layer, row by row (w1 = i1->h1, w2 = i2->h1,
 * ...), biases b_h1.. A network of more than max_weights weights is summarised layer
 * by layer on one screen instead (bp_explain_view); one neuron or one
 * weight of any network can be followed through both phases
 * (bp_explain_neuron, bp_explain_weight), and bp_explain_stats gives the
 * summary's numbers to a program.
 */

typedef enum { BP_EXPLAIN_TEXT = 0, BP_EXPLAIN_MARKDOWN } bp_explain_format;

typedef enum {
    BP_EXPLAIN_ORDER_STANDARD = 0, /* the update of the standard order */
    BP_EXPLAIN_ORDER_LAYERWISE,    /* the update of the layer-wise order */
    BP_EXPLAIN_ORDER_BOTH          /* both, side by side, and why they differ */
} bp_explain_order;

typedef enum {
    BP_EXPLAIN_AUTO = 0, /* the full walk up to max_weights weights, else
                            the summary */
    BP_EXPLAIN_FULL,     /* every number, whatever the size */
    BP_EXPLAIN_SUMMARY   /* one screen for any size (about 12 lines and 3
                            per layer): per layer the net inputs' and
                            outputs' range and mean, the units saturated
                            or dead, the norms of the deltas, of the
                            weight gradients and of the weights, the
                            update's size; the loss and the prediction;
                            and a line per layer saying in words what
                            stands out (a vanishing or exploding gradient,
                            dead units, an update too large) */
} bp_explain_view;

typedef struct {
    bp_explain_format format;
    double lr; /* learning rate of the plain gradient-descent
                            update shown (> 0) */
    int steps; /* also the error after this many updates (>= 1) */
    bp_explain_order order;
    int check;       /* print central finite differences beside each
                            gradient */
    int max_weights; /* BP_EXPLAIN_AUTO: the full walk up to this
                            many weights, the summary above */
    bp_explain_view view;
    int top;       /* bp_explain_neuron and bp_explain_weight: the
                            terms of a sum shown one by one, largest
                            first (>= 1); the rest are summed */
    int n_classes; /* the outputs' classes, named class_names[0..
                            n_classes) (a model's: n_out, or 2 for one
                            sigmoid output), shown with the prediction
                            in the summary; 0 and NULL: unnamed */
    const char *const *class_names;
    const char *sample; /* where the sample came from, shown first ("17
                            of test.csv"); NULL: not shown */
} bp_explain_opts;

/* Defaults: text, lr 0.5, 1 step, both orders, no check, 50 weights,
 * AUTO, top 5, no class names, no sample name. */
bp_explain_opts bp_explain_defaults(void);

/* Explain one sample x[n_in] with target t[n_out] through net (not
 * changed: the work is done on a copy). Frozen parameters are shown but
 * not updated. */
bp_status bp_explain(const bp_net *net, const bp_real *x, const bp_real *t,
                     const bp_explain_opts *opts, bp_write_fn write, void *ctx,
                     bp_error *err);

/* One neuron's whole chain for the sample: its net input as its opts->top
 * largest terms w * out with the rest summed, its output, dE/dout as the
 * top largest terms delta * w from the layer above (out - t at the
 * output), dout/dnet and delta. l and j count from 0 (layer l, neuron j:
 * h<l+1>.<j+1> in the names). The numbers are those of the full walk. */
bp_status bp_explain_neuron(const bp_net *net, const bp_real *x,
                            const bp_real *t, int l, int j,
                            const bp_explain_opts *opts, bp_write_fn write,
                            void *ctx, bp_error *err);
/* One weight's dE/dw as the product of its factors, dE/dout * dout/dnet *
 * the input it multiplies (delta * out below), each factor's own chain,
 * the finite difference with opts->check, and its update at opts->lr.
 * The weight from neuron (or input) k of the layer below into neuron j of
 * layer l, counted from 0; k = the layer's n_in means the bias. */
bp_status bp_explain_weight(const bp_net *net, const bp_real *x,
                            const bp_real *t, int l, int j, int k,
                            const bp_explain_opts *opts, bp_write_fn write,
                            void *ctx, bp_error *err);

/* One layer's health for one sample: the numbers of the summary. Norms
 * are Euclidean (L2), over the layer's units or weights. */
typedef struct {
    int n_in, n_out;
    bp_act act;
    double net_min, net_mean, net_max; /* net inputs z */
    double out_min, out_mean, out_max; /* outputs f(z) */
    int saturated;      /* units of a bounded activation (sigmoid,
                             tanh) whose output is within 2.5% of its
                             range from a limit, where the derivative is
                             about a tenth of its largest or less; -1 when
                             the activation has no such limits */
    int dead;           /* units of an unbounded activation (ReLU) whose
                             derivative is 0 here: no gradient passes
                             through them; -1 for others */
    double delta_norm;  /* of the deltas dE/dnet */
    double grad_norm;   /* of dE/dW, the weights' gradient (biases
                             apart) */
    double weight_norm; /* of W */
    double update_norm; /* of plain gradient descent's step, lr *
                             dE/dW */
} bp_layer_stats;

/* The summary's numbers for sample x[n_in], t[n_out]: stats[l] for each
 * of the network's layers (caller-owned, n_layers of them) from the
 * library's forward and backward phase on a copy of net, and the error in
 * *loss (may be NULL). lr sizes update_norm (> 0). */
bp_status bp_explain_stats(const bp_net *net, const bp_real *x,
                           const bp_real *t, double lr, bp_layer_stats *stats,
                           double *loss, bp_error *err);

/* An activation's output and derivative at n points z[n]: out[i] = f(z[i])
 * and dout[i] = f'(z[i]), by the library's own functions (those of the
 * forward and backward phase), at its precision; param is the
 * activation's parameter (bp_act_info.param). A row-wise activation
 * (softmax) takes each point as the row (z, 0) and gives its first output
 * and d out_1 / d net_1. For drawing them: backprop explain --activations.
 * BP_ERR_ARG for an unknown activation. */
bp_status bp_act_eval(bp_act act, double param, const double *z, int n,
                      double *out, double *dout);

/* The Euclidean norms of each layer's weights and of their gradients as
 * bp_net_grads holds them now (after a backward phase or a training step,
 * e.g. from a bp_trainer's on_batch): w_norm[l] and grad_norm[l] for each
 * layer l (caller-owned arrays of n_layers; either may be NULL). Biases
 * apart. For following a gradient's health over training. */
bp_status bp_net_layer_norms(const bp_net *net, double *w_norm,
                             double *grad_norm);

/* ------------------------------------------------------------ random draws */

/* The library's portable generator, exposed so that programs (shuffling,
 * data splits, examples) get the same numbers everywhere. A plain value
 * owned by the caller; no hidden state. */
typedef struct {
    uint64_t s[4];
} bp_rng;

void bp_rng_seed(bp_rng *rng, uint64_t seed);
uint64_t bp_rng_next(bp_rng *rng);
/* Uniform in [0, 1), 53 random bits. */
double bp_rng_uniform(bp_rng *rng);
/* Standard normal (polar method); deterministic across platforms. */
double bp_rng_normal(bp_rng *rng);
/* Uniform integer in [0, n), without modulo bias. n > 0. */
uint64_t bp_rng_below(bp_rng *rng, uint64_t n);
/* Shuffle idx[0..n) in place (Fisher-Yates). */
void bp_rng_shuffle(bp_rng *rng, int *idx, int n);

#ifdef __cplusplus
}
#endif

#endif /* BACKPROP_H */
