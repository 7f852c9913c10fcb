/*
 * test_model.c - model files: both forms round-trip exactly, a checkpoint
 * resumes training bit for bit, every damaged or truncated binary file
 * and every malformed text file is refused with a message naming the
 * file (and the line), and a failed save leaves the old file untouched.
 */
#define _POSIX_C_SOURCE 200809L
#include "backprop.h"
#include "test.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/bp_test_model_XXXXXX";
static char path_bin[128], path_txt[128], path_ckpt[128], path_out[128];

static bp_model *make_model(void)
{
    const bp_layer_desc layers[] = {{5, BP_ACT_LEAKY_RELU, 0.05},
                                    {4, BP_ACT_TANH, 0},
                                    {3, BP_ACT_SOFTMAX, 0}};
    bp_net *net;
    bp_model *m;
    if (bp_net_create(2, 3, layers, NULL, &net, NULL))
        return NULL;
    bp_net_init(net, BP_INIT_HE_NORMAL, 17);
    bp_net_set_loss(net, BP_LOSS_CE, BP_REDUCE_SUM);
    bp_net_freeze(net, 1, BP_PARAM_BIASES, 1);
    for (int j = 0; j < 3; j++)
        bp_net_set_bias(net, 2, j, (bp_real)(0.1 * j - 0.3));
    if (bp_model_new(net, &m, NULL)) {
        bp_net_free(net);
        return NULL;
    }
    const double off[2] = {1.5, -2}, fac[2] = {0.25, 3};
    const char *names[3] = {"setosa", "versi color", "virginica"};
    bp_model_set_scaling(m, BP_SCALING_STANDARD, off, fac, NULL);
    bp_model_set_classes(m, 3, names, NULL);
    return m;
}

static int same_model(const bp_model *a, const bp_model *b)
{
    bp_net *x = a->net, *y = b->net;
    if (bp_net_n_in(x) != bp_net_n_in(y) ||
        bp_net_n_layers(x) != bp_net_n_layers(y) ||
        bp_net_n_params(x) != bp_net_n_params(y))
        return 0;
    for (int l = 0; l < bp_net_n_layers(x); l++) {
        bp_layer_desc d1, d2;
        bp_net_layer(x, l, &d1, NULL);
        bp_net_layer(y, l, &d2, NULL);
        if (d1.n_out != d2.n_out || d1.act != d2.act ||
            (float)d1.act_param != (float)d2.act_param)
            return 0;
    }
    if (memcmp(bp_net_params(x), bp_net_params(y),
               bp_net_n_params(x) * sizeof(bp_real)) != 0)
        return 0;
    if (!bp_scaler_equal(&a->scaler, &b->scaler) ||
        !bp_scaler_equal(&a->target_scaler, &b->target_scaler) ||
        a->n_classes != b->n_classes || a->n_columns != b->n_columns ||
        a->n_targets != b->n_targets)
        return 0;
    for (int i = 0; i < a->n_classes; i++)
        if (strcmp(a->class_names[i], b->class_names[i]) != 0)
            return 0;
    for (int i = 0; i < a->n_targets; i++)
        if (a->target_cols[i] != b->target_cols[i] ||
            strcmp(a->target_names[i], b->target_names[i]) != 0)
            return 0;
    if (!a->input_names != !b->input_names)
        return 0;
    for (int i = 0; a->input_names && i < bp_net_n_in(a->net); i++)
        if (strcmp(a->input_names[i], b->input_names[i]) != 0)
            return 0;
    return 1;
}

static void test_round_trips(void)
{
    printf("round trips\n");
    bp_model *m = make_model(), *b = NULL, *t = NULL;
    bp_error err;
    CHECK_OK(bp_model_save(m, path_bin, BP_FORMAT_BINARY, 0, &err));
    CHECK_OK(bp_model_save(m, path_txt, BP_FORMAT_TEXT, 0, &err));
    CHECK_OK(bp_model_load(path_bin, NULL, &b, &err));
    CHECK_OK(bp_model_load(path_txt, NULL, &t, &err));
    CHECK(b && same_model(m, b), "binary: identical network, scaling, classes");
    CHECK(t && same_model(m, t), "text: identical to the last bit");
    if (b && t) {
        /* freezing and the loss survive: train all three alike */
        const bp_real x[2] = {0.3f, -0.7f}, y[3] = {0, 1, 0};
        for (int i = 0; i < 3; i++) {
            bp_net_train_step(m->net, x, y, 1, BP_ORDER_STANDARD, NULL);
            bp_net_train_step(b->net, x, y, 1, BP_ORDER_STANDARD, NULL);
            bp_net_train_step(t->net, x, y, 1, BP_ORDER_STANDARD, NULL);
        }
        CHECK(same_model(m, b) && same_model(m, t),
              "loaded models train exactly like the original");
        bp_real bias;
        bp_net_bias(t->net, 1, 0, &bias);
        CHECK(bias == 0, "frozen biases stayed frozen after loading");
    }
    bp_model_free(b);
    bp_model_free(t);
    bp_model_free(m);

    /* the worked example's model as typed by a person */
    CHECK_OK(bp_model_load("examples/mazur.model", NULL, &m, &err));
    if (m) {
        bp_real w;
        bp_net_weight(m->net, 1, 1, 0, &w);
        CHECK(w == (bp_real)0.50, "examples/mazur.model: w7 = %g", (double)w);
        CHECK_OK(bp_model_save(m, path_txt, BP_FORMAT_TEXT, 0, &err));
        FILE *f = fopen(path_txt, "r");
        char buf[2048] = {0};
        if (f) {
            size_t got = fread(buf, 1, sizeof buf - 1, f);
            buf[got] = '\0';
            fclose(f);
        }
        CHECK(strstr(buf, " 0.15 0.2\n") != NULL &&
                  strstr(buf, " 0.6 0.6\n") != NULL,
              "numbers are written in their shortest exact form");
        bp_model_free(m);
    }
}

static void test_checkpoint(void)
{
    printf("a checkpoint resumes bit for bit, mid-epoch and with patience\n");
    enum { N = 64, NV = 16 };
    static bp_real x[N + NV][2], y[N + NV][3];
    bp_rng r;
    bp_rng_seed(&r, 3);
    for (int i = 0; i < N + NV; i++) {
        x[i][0] = (bp_real)bp_rng_normal(&r);
        x[i][1] = (bp_real)bp_rng_normal(&r);
        for (int k = 0; k < 3; k++)
            y[i][k] = (bp_real)(k == (x[i][0] > 0) + (x[i][1] > 0));
    }
    const bp_data train = {N, 2, 3, &x[0][0], &y[0][0], NULL};
    const bp_data val = {NV, 2, 3, &x[N][0], &y[N][0], NULL};
    bp_optim adam = bp_optim_defaults(BP_OPT_ADAM);
    adam.l1 = 1e-3; /* the regularization travels with the optimizer */
    adam.l2 = 0.02;
    bp_model *a = make_model(), *b = make_model(), *c = NULL;
    bp_net_set_optim(a->net, &adam);
    bp_net_set_optim(b->net, &adam);
    bp_train_opts o = bp_train_defaults();
    o.batch = 8;
    o.epochs = 6;
    o.val = &val;
    o.patience = 100; /* keeps the best weights, and ends with them */
    o.min_delta = 1e-6;
    o.shuffle_window = 20;
    CHECK_OK(bp_train(a->net, &train, &o, NULL));
    /* 3 epochs and 3 batches, a checkpoint, then the rest */
    bp_trainer *tr = NULL;
    CHECK_OK(bp_trainer_create(b->net, &train, &o, &tr, NULL));
    for (int i = 0; tr && i < 3 * 8 + 3; i++)
        bp_trainer_step(tr, NULL, NULL);
    bp_error err;
    CHECK_OK(bp_model_checkpoint(b, tr, &err));
    CHECK(b->best_params != NULL, "the checkpoint holds the best weights");
    bp_trainer_free(tr);
    CHECK_OK(bp_model_save(b, path_ckpt, BP_FORMAT_BINARY, 1, &err));
    CHECK_STATUS(bp_model_save(b, path_ckpt, BP_FORMAT_TEXT, 1, &err),
                 BP_ERR_ARG);
    CHECK_OK(bp_model_load(path_ckpt, NULL, &c, &err));
    if (c) {
        const bp_train_state *s = &c->train;
        CHECK(c->has_train_state && s->epoch == 3 && s->epochs == 6 &&
                  s->batch_done == 3,
              "training position restored (epoch %d of %d, batch %d)", s->epoch,
              s->epochs, s->batch_done);
        CHECK(s->batch == 8 && s->seed == o.seed && s->patience == 100 &&
                  s->min_delta == 1e-6 && s->shuffle_window == 20 &&
                  s->shuffle == 1,
              "the recipe restored (batch %d, patience %d, window %d)",
              s->batch, s->patience, s->shuffle_window);
        CHECK(c->best_params &&
                  memcmp(c->best_params, b->best_params,
                         bp_net_n_params(c->net) * sizeof(bp_real)) == 0,
              "the best weights restored");
        const bp_optim opt = bp_net_optim(c->net);
        CHECK(opt.kind == BP_OPT_ADAM && opt.l1 == 1e-3 && opt.l2 == 0.02,
              "optimizer restored, with its L1 and L2 rates");
        bp_train_opts oc = o;
        oc.epochs = s->epochs;
        oc.batch = s->batch;
        oc.seed = s->seed;
        CHECK_OK(bp_trainer_create(c->net, &train, &oc, &tr, NULL));
        if (tr) {
            CHECK_OK(bp_trainer_set_state(tr, s, c->best_params));
            CHECK_OK(bp_trainer_run(tr, NULL));
        }
        bp_trainer_free(tr);
        CHECK(same_model(a, c),
              "3 epochs + 3 batches, checkpoint, the rest "
              "== 6 epochs, bit for bit");
    }
    bp_model_free(a);
    bp_model_free(b);
    bp_model_free(c);
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *p = malloc(1 << 20);
    *n = p ? fread(p, 1, 1 << 20, f) : 0;
    fclose(f);
    return p;
}

static void test_damage(void)
{
    printf("damaged files are refused, never crash\n");
    bp_model *m = make_model(), *got = NULL;
    bp_error err;
    bp_model_save(m, path_ckpt, BP_FORMAT_BINARY, 1, &err);
    size_t n;
    unsigned char *p = slurp(path_ckpt, &n);
    if (!p) {
        CHECK(0, "read back");
        return;
    }
    int accepted = 0, named = 1;
    for (size_t i = 0; i < n; i++) /* every single-bit flip */
        for (int bit = 0; bit < 8; bit += 3) {
            p[i] ^= (unsigned char)(1 << bit);
            if (bp_model_parse(p, n, "ckpt.bpm", NULL, &got, &err) == BP_OK) {
                accepted++;
                bp_model_free(got);
            } else if (!strstr(err.msg, "ckpt.bpm")) {
                named = 0;
            }
            p[i] ^= (unsigned char)(1 << bit);
        }
    CHECK(accepted == 0, "%zu bytes x 3 bit flips: %d accepted", n, accepted);
    CHECK(named, "every message names the file");
    int truncated_ok = 0;
    for (size_t len = 0; len < n; len++) {
        if (bp_model_parse(p, len, "ckpt.bpm", NULL, &got, &err) == BP_OK) {
            truncated_ok++;
            bp_model_free(got);
        }
    }
    CHECK(truncated_ok == 0, "every truncation refused (%d accepted)",
          truncated_ok);
    CHECK_OK(bp_model_parse(p, n, "ckpt.bpm", NULL, &got, &err));
    bp_model_free(got);
    free(p);
    CHECK_STATUS(bp_model_load("/nonexistent/model.bpm", NULL, &got, &err),
                 BP_ERR_IO);
    CHECK(strstr(err.msg, "/nonexistent/model.bpm") != NULL, "'%s'", err.msg);
    /* a directory: said so, not a bare 'read error' */
    CHECK_STATUS(bp_model_load("examples", NULL, &got, &err), BP_ERR_IO);
    CHECK(strstr(err.msg, "examples") && strstr(err.msg, "directory"),
          "a directory is called one: '%s'", err.msg);
    bp_model_free(m);
}

static uint32_t crc32_ieee(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

/* A file from a later version, with a correct checksum, is refused with
 * a message that says so. */
static void test_newer_version(void)
{
    printf("a newer format version\n");
    bp_model *m = make_model(), *got = NULL;
    bp_error err;
    bp_model_save(m, path_bin, BP_FORMAT_BINARY, 0, &err);
    size_t n;
    unsigned char *p = slurp(path_bin, &n);
    if (!p || n < 32) {
        CHECK(0, "read back");
        free(p);
        bp_model_free(m);
        return;
    }
    p[8] = 2; /* version, little-endian u32 after the 8-byte magic */
    uint32_t c = crc32_ieee(p, n - 16);
    for (int i = 0; i < 4; i++)
        p[n - 4 + i] = (unsigned char)(c >> (8 * i));
    CHECK_STATUS(bp_model_parse(p, n, "new.bpm", NULL, &got, &err),
                 BP_ERR_FORMAT);
    CHECK(strstr(err.msg,
                 "new.bpm: model version 2; this build reads "
                 "version 1") != NULL,
          "'%s'", err.msg);
    bp_model_free(got);
    free(p);
    bp_model_free(m);
}

static void test_text_errors(void)
{
    printf("malformed text models: the line and what is wrong\n");
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"backprop-model 1\ninput 2\nlayer 2 sigmoidd\n",
         ":3: unknown activation 'sigmoidd'"},
        {"backprop-model 2\n",
         ":1: model version 2; this build reads version 1"},
        {"backprop-model 1\ninput 0\n", ":2: input width"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 0\n 1\nbiases "
         "0\n x\nend\n",
         ":7: 'x' is not a number"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 0\n 1\nbiases "
         "0\n 1e999\nend\n",
         ":7: '1e999' is not a finite number"},
        /* decimal numbers only: strtod's other forms are not the format's */
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 0\n 1\nbiases "
         "0\n 0x1p3\nend\n",
         ":7: '0x1p3' is not a number"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 0\n 0X.8P1\n",
         ":5: '0X.8P1' is not a number"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 0\n 1e\n",
         ":5: '1e' is not a number"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 0\n .\n",
         ":5: '.' is not a number"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 0\n nan\n",
         ":5: 'nan' is not a finite number"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 0\n -Infinity\n",
         ":5: '-Infinity' is not a finite number"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 0\n 1\n",
         "truncated"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nbiases 0\n 1\nend\n",
         "layer 0 has no weights"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 0\n 1\nclasses "
         "1\n\"open\nend\n",
         ":7: a quoted name is never closed"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 0\n 1\ncolumns "
         "3\ntarget 4\nend\n",
         ":7: target column"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 3\n",
         ":4: layer"},
        {"backprop-model 1\ninput 2\nlayer 1 identity\nweights 0\n 1 2\n"
         "inputs 3\n a\n b\n c\nend\n",
         ":6: input name count"},
        {"backprop-model 1\ninput 2\nlayer 1 identity\nweights 0\n 1 2\n"
         "inputs 2\n a\n",
         "an input name is missing"},
        {"backprop-model 1\ninput 1\nlayer 2 identity\nweights 0\n 1\n 2\n"
         "classes 2\n a\n",
         "a class name is missing"},
        {"backprop-model 1\ninput 1\nlayer 2 identity\nweights 0\n 1\n 2\n"
         "classes 2\n a\n \"\"\nend\n",
         "a class name is missing"},
        {"backprop-model 1\ninput 2\nlayer 2 identity\nloss bce\n", "sigmoid"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nwieghts 0\n",
         ":4: unknown keyword 'wieghts'"},
        {"backprop-model 1\ninput 1\nlayer 1 identity\nweights 0\n 1 2\n",
         ":5: unexpected '2'"},
        {"hello\n", "not a backprop model"},
        {"", "not a backprop model"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bp_model *m = NULL;
        bp_error err = {BP_OK, ""};
        bp_status st = bp_model_parse(cases[i].text, strlen(cases[i].text),
                                      "net.txt", NULL, &m, &err);
        CHECK(st != BP_OK && m == NULL && strstr(err.msg, "net.txt") &&
                  strstr(err.msg, cases[i].want),
              "case %zu: '%s'", i, err.msg);
        bp_model_free(m);
    }
}

/* Save in both forms; whatever a writer accepts, its reader must accept
 * and give back alike. Returns how many forms were written. */
static int saved_and_loaded(const bp_model *m, const char *what)
{
    int written = 0;
    for (int f = 0; f < 2; f++) {
        const char *path = f ? path_txt : path_bin;
        bp_error err = {BP_OK, ""};
        bp_model *back = NULL;
        if (bp_model_save(m, path, f ? BP_FORMAT_TEXT : BP_FORMAT_BINARY, 0,
                          &err) != BP_OK) {
            CHECK(err.msg[0] != '\0', "%s, %s form: refused on save: %.200s",
                  what, f ? "text" : "binary", err.msg);
            continue;
        }
        written++;
        bp_status st = bp_model_load(path, NULL, &back, &err);
        CHECK(st == BP_OK && back && same_model(m, back),
              "%s, %s form: what was written reads back alike (%.200s)", what,
              f ? "text" : "binary", st ? err.msg : "ok");
        bp_model_free(back);
    }
    return written;
}

static bp_model *net_of(int n_in, int n_out, bp_act out)
{
    const bp_layer_desc layers[] = {{n_out, out, 0}};
    bp_net *net;
    bp_model *m = NULL;
    if (bp_net_create(n_in, 1, layers, NULL, &net, NULL))
        return NULL;
    bp_net_init(net, BP_INIT_XAVIER_UNIFORM, 3);
    if (bp_model_new(net, &m, NULL))
        bp_net_free(net);
    return m;
}

static void test_writer_reader_pairs(void)
{
    printf("a writer never writes what its reader refuses\n");
    bp_error err;
    /* names a text reader could mistake: comments, quotes, spaces at the
     * ends, line breaks, control characters, backslashes, UTF-8 */
    const char *names[] = {
        "#1",        "\"quoted\"",  " lead",       "trail ",   "a\nb",
        "tab\there", "back\\slash", "caf\xc3\xa9", "bell\x07", "# x # y"};
    const int k = (int)(sizeof names / sizeof *names);
    bp_model *m = net_of(2, k, BP_ACT_SOFTMAX);
    CHECK_OK(bp_model_set_classes(m, k, names, &err));
    CHECK(saved_and_loaded(m, "awkward class names") == 2,
          "both forms hold class names beginning with '#' and the like");
    bp_model_free(m);

    /* a class name over BP_MAX_NAME bytes: refused where it is set, and
     * by the save if it got into the model another way */
    m = net_of(2, 2, BP_ACT_SOFTMAX);
    char *big = malloc(BP_MAX_NAME + 2);
    memset(big, 'x', BP_MAX_NAME + 1);
    big[BP_MAX_NAME + 1] = '\0';
    const char *two[2] = {"ok", big};
    CHECK_STATUS(bp_model_set_classes(m, 2, two, &err), BP_ERR_SIZE);
    CHECK(strstr(err.msg, "4097 bytes"), "set_classes: '%s'", err.msg);
    const char *fine[2] = {"ok", "fine"};
    bp_model_set_classes(m, 2, fine, NULL);
    free(m->class_names[1]);
    m->class_names[1] = big;
    CHECK(saved_and_loaded(m, "a 4097-byte class name") == 0,
          "a 4097-byte class name is refused by both writers");
    bp_model_free(m);

    /* a NaN or Inf weight (import folds a FANN steepness into weights) */
    const double bad[] = {NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 3; i++) {
        m = net_of(2, 1, BP_ACT_SIGMOID);
        bp_net_params(m->net)[1] = (bp_real)bad[i];
        char what[64];
        snprintf(what, sizeof what, "weight %g", bad[i]);
        CHECK(saved_and_loaded(m, what) == 0, "a %s is not saved", what);
        bp_model_free(m);
    }
}

static bp_model *parse_text(const char *text, bp_error *err)
{
    bp_model *m = NULL;
    bp_model_parse(text, strlen(text), "t.txt", NULL, &m, err);
    return m;
}

static void test_text_numbers(void)
{
    printf("text models: numbers read whole, in the model's precision\n");
    bp_error err = {BP_OK, ""};
    char text[2048];
    const char *head = "backprop-model 1\ninput 1\nlayer 1 identity\n";
    /* 1e39 overflows a float */
    snprintf(text, sizeof text, "%sweights 0\n 1e39\nbiases 0\n 0\nend\n",
             head);
    bp_model *m = parse_text(text, &err);
    if (bp_real_size() == 4)
        CHECK(!m && strstr(err.msg, "t.txt:5") && strstr(err.msg, "1e39"),
              "float: 1e39 refused: '%s'", err.msg);
    else
        CHECK(m && bp_net_params(m->net)[0] == 1e39, "double: 1e39 kept");
    bp_model_free(m);
    /* a 68-character number is read whole, not cut to 63 characters */
    const char *long_num =
        "1.00000000000000000000000000000000000000000000000000000000000000e-5";
    snprintf(text, sizeof text, "%sweights 0\n %s\nbiases 0\n 0\nend\n", head,
             long_num);
    m = parse_text(text, &err);
    CHECK(m && bp_net_params(m->net)[0] == (bp_real)1e-5,
          "a %zu-character number reads as %g (want 1e-05)", strlen(long_num),
          m ? (double)bp_net_params(m->net)[0] : -1.0);
    bp_model_free(m);
    /* one longer than any buffer is refused, and the message is short */
    char huge[700];
    memset(huge, '1', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    snprintf(text, sizeof text, "%sweights 0\n %s\nbiases 0\n 0\nend\n", head,
             huge);
    m = parse_text(text, &err);
    CHECK(!m && strstr(err.msg, "699 characters") && strstr(err.msg, "...") &&
              strlen(err.msg) < 200,
          "a 699-character number refused: '%s'", err.msg);
    bp_model_free(m);
    /* underflow reads as 0 */
    snprintf(text, sizeof text, "%sweights 0\n 1e-400\nbiases 0\n 0\nend\n",
             head);
    m = parse_text(text, &err);
    CHECK(m && bp_net_params(m->net)[0] == 0, "1e-400 reads as 0 (%s)",
          m ? "ok" : err.msg);
    bp_model_free(m);
    /* every decimal form is read, hex floats are not (0x1p3 was read as 8) */
    static const struct {
        const char *w;
        double want;
    } forms[] = {{".5", 0.5}, {"5.", 5},      {"+2", 2},      {"-0.25", -0.25},
                 {"1E1", 10}, {"1.5e+1", 15}, {"-3e-1", -0.3}};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        snprintf(text, sizeof text, "%sweights 0\n %s\nbiases 0\n 0\nend\n",
                 head, forms[i].w);
        m = parse_text(text, &err);
        CHECK(m && bp_net_params(m->net)[0] == (bp_real)forms[i].want,
              "'%s' reads as %g (want %g)", forms[i].w,
              m ? (double)bp_net_params(m->net)[0] : -1.0, forms[i].want);
        bp_model_free(m);
    }
    snprintf(text, sizeof text, "%sweights 0\n 0x1p3\nbiases 0\n 0\nend\n",
             head);
    m = parse_text(text, &err);
    CHECK(!m && strstr(err.msg, "t.txt:5: '0x1p3' is not a number"),
          "0x1p3 refused with its line: '%s'", err.msg);
    bp_model_free(m);
    /* a byte-order mark from a text editor */
    snprintf(text, sizeof text,
             "\xef\xbb\xbf%sweights 0\n 2\nbiases 0\n 0\nend\n", head);
    m = parse_text(text, &err);
    CHECK(m != NULL, "a UTF-8 byte-order mark is skipped (%s)",
          m ? "ok" : err.msg);
    bp_model_free(m);
}

static void test_text_no_biases(void)
{
    printf("text models: a layer without a biases line\n");
    bp_error err = {BP_OK, ""};
    const char *text = "backprop-model 1\ninput 2\nlayer 2 sigmoid\n"
                       "layer 1 identity\nweights 0\n 1 2\n 3 4\n"
                       "weights 1\n 5 6\nbiases 1\n 0.5\nend\n";
    bp_model *m = parse_text(text, &err);
    CHECK(m != NULL, "loads (%s)", m ? "ok" : err.msg);
    if (!m)
        return;
    bp_real b0, b1;
    bp_net_bias(m->net, 0, 0, &b0);
    bp_net_bias(m->net, 0, 1, &b1);
    CHECK(b0 == 0 && b1 == 0, "its biases are 0 (%g %g)", (double)b0,
          (double)b1);
    const bp_real x[2] = {0.5f, -1}, t[1] = {3};
    for (int i = 0; i < 3; i++)
        bp_net_train_step(m->net, x, t, 1, BP_ORDER_STANDARD, NULL);
    bp_net_bias(m->net, 0, 0, &b0);
    bp_net_bias(m->net, 1, 0, &b1);
    CHECK(b0 == 0 && b1 != (bp_real)0.5,
          "and frozen: training leaves them "
          "(%g), moves the others (%g)",
          (double)b0, (double)b1);
    CHECK(saved_and_loaded(m, "a layer without biases") == 2, "round trip");
    bp_model_free(m);
}

static void test_scalers_columns(void)
{
    printf("target scaling and the training file's columns\n");
    bp_error err;
    bp_model *m = net_of(2, 2, BP_ACT_IDENTITY);
    const double off[2] = {10, -3}, fac[2] = {0.5, 4};
    bp_scaler ts;
    CHECK_OK(bp_scaler_set(&ts, BP_SCALING_STANDARD, 2, off, fac, NULL, &err));
    CHECK_OK(bp_model_set_scalers(m, NULL, &ts, &err));
    const int cols[2] = {1, 3};
    const char *names[2] = {"price", "#rooms \"2\""};
    CHECK_OK(bp_model_set_columns(m, 4, 2, cols, names, &err));
    const char *inputs[2] = {"", "#area \"m2\""};
    CHECK_OK(bp_model_set_input_names(m, inputs, &err));
    CHECK(saved_and_loaded(m, "target scaler and columns") == 2,
          "both forms keep them, and the inputs' names ('' included)");
    /* predictions come back in the targets' units */
    const bp_real x[2] = {1, 2};
    bp_real raw[2], out[2];
    bp_net_reserve(m->net, 1);
    bp_net_predict(m->net, x, 1, raw);
    CHECK_OK(bp_model_predict(m, x, 1, out));
    CHECK(fabs(out[0] - (raw[0] / 0.5 + 10)) < 1e-5 &&
              fabs(out[1] - (raw[1] / 4 - 3)) < 1e-5,
          "bp_model_predict inverts the target scaling: %g -> %g, %g -> %g",
          (double)raw[0], (double)out[0], (double)raw[1], (double)out[1]);
    /* a negative count is refused as bp_net_predict refuses it (it
     * returned BP_OK having written nothing) */
    CHECK_STATUS(bp_model_predict(m, x, -2, out), BP_ERR_SIZE);
    CHECK(strstr(bp_net_errmsg(m->net), "-2") != NULL,
          "the message names the count: '%s'", bp_net_errmsg(m->net));
    CHECK_OK(bp_model_predict(m, x, 0, out));
    /* a scaler of the wrong width is refused */
    const double one[1] = {0}, f1[1] = {1};
    bp_scaler narrow;
    bp_scaler_set(&narrow, BP_SCALING_MINMAX, 1, one, f1, NULL, NULL);
    CHECK_STATUS(bp_model_set_scalers(m, &narrow, NULL, &err), BP_ERR_SIZE);
    bp_scaler_free(&narrow);
    bp_scaler_free(&ts);
    bp_model_free(m);
}

/* A model loaded for inference holds its parameters and no gradient or
 * optimizer arrays (a 1 GB model must not need 5 GB to run info); the
 * first training call adds them, and trains exactly as a new network. */
static void test_inference_memory(void)
{
    printf("a model read for inference allocates what inference needs\n");
    const bp_layer_desc layers[] = {{1000, BP_ACT_RELU, 0},
                                    {1000, BP_ACT_IDENTITY, 0}};
    bp_net *net;
    bp_model *m = NULL, *back = NULL;
    bp_error err;
    if (bp_net_create(1000, 2, layers, NULL, &net, &err) ||
        bp_model_new(net, &m, &err)) {
        CHECK(0, "a 1000-1000-1000 network: %s", err.msg);
        return;
    }
    bp_net_init(net, BP_INIT_HE_UNIFORM, 3);
    const double param_bytes = (double)bp_net_n_params(net) * sizeof(bp_real);
    CHECK_OK(bp_model_save(m, path_bin, BP_FORMAT_BINARY, 0, &err));
#if defined(__GLIBC__) &&                                                      \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 a = mallinfo2();
    bp_status st = bp_model_load(path_bin, NULL, &back, &err);
    struct mallinfo2 b = mallinfo2();
    const double used =
        (double)(b.uordblks + b.hblkhd) - (double)(a.uordblks + a.hblkhd);
    if (used <= 0)
        printf("  SKIP the heap is not glibc's here (a sanitizer's?): "
               "cannot measure\n");
    else
        CHECK(st == BP_OK && used < 1.5 * param_bytes,
              "loading %.1f MB of parameters keeps %.1f MB (a trainable "
              "network: %.1f MB)",
              param_bytes / 1e6, used / 1e6, 4 * param_bytes / 1e6);
#else
    printf("  SKIP not glibc: no mallinfo2 to measure the heap with\n");
    bp_model_load(path_bin, NULL, &back, &err);
#endif
    if (back) {
        /* trains exactly as the original: the arrays come with the step */
        bp_real x[1000], t[1000];
        for (int i = 0; i < 1000; i++) {
            x[i] = (bp_real)(i % 7) / 7;
            t[i] = (bp_real)(i % 3);
        }
        bp_real g;
        CHECK_OK(bp_net_weight_grad(back->net, 0, 0, 0, &g));
        CHECK(g == 0, "no gradient yet reads as 0");
        CHECK_OK(bp_net_train_step(m->net, x, t, 1, BP_ORDER_STANDARD, NULL));
        CHECK_OK(
            bp_net_train_step(back->net, x, t, 1, BP_ORDER_STANDARD, NULL));
        CHECK(same_model(m, back), "the loaded model trains like the original");
    }
    bp_model_free(back);
    bp_model_free(m);
}

static void test_atomic(void)
{
    printf("saving is atomic\n");
    bp_model *m = make_model();
    bp_error err;
    CHECK_OK(bp_model_save(m, path_bin, BP_FORMAT_BINARY, 0, &err));
    size_t n0, n1;
    unsigned char *before = slurp(path_bin, &n0);
    /* a save that fails (a weight the reader would refuse) */
    const bp_real keep = bp_net_params(m->net)[3];
    bp_net_params(m->net)[3] = NAN;
    CHECK_STATUS(bp_model_save(m, path_bin, BP_FORMAT_TEXT, 0, &err),
                 BP_ERR_NONFINITE);
    CHECK(strstr(err.msg, path_bin) && strstr(err.msg, "NaN"), "'%s'", err.msg);
    bp_net_params(m->net)[3] = keep;
    unsigned char *after = slurp(path_bin, &n1);
    CHECK(before && after && n0 == n1 && memcmp(before, after, n0) == 0,
          "the old file is untouched");
    CHECK_STATUS(
        bp_model_save(m, "/nonexistent-dir/m.bpm", BP_FORMAT_BINARY, 0, &err),
        BP_ERR_IO);
    CHECK(strstr(err.msg, "/nonexistent-dir/m.bpm") != NULL, "'%s'", err.msg);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp", dir);
    FILE *ls = popen(cmd, "r");
    int tmp_files = -1;
    if (ls) {
        if (fscanf(ls, "%d", &tmp_files) != 1)
            tmp_files = -1;
        pclose(ls);
    }
    CHECK(tmp_files == 0, "no temporary file left behind (%d)", tmp_files);
    free(before);
    free(after);
    bp_model_free(m);
}

/* What an atomic write replaces: never a directory, device or FIFO (a
 * rename over /dev/null would replace the device for the whole machine);
 * through a symbolic link, the file it names, keeping the link. */
static void test_atomic_targets(void)
{
    printf("an atomic write replaces regular files only, and follows links\n");
    bp_error err;
    char fifo[160], sub[160], target[160], link_[160], inner[192];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(target, sizeof target, "%s/target.txt", dir);
    snprintf(link_, sizeof link_, "%s/link.txt", dir);
    struct stat st;
    if (mkfifo(fifo, 0600) != 0) {
        SKIP("cannot make a FIFO here (%s)", strerror(errno));
    } else {
        CHECK_STATUS(bp_write_file_atomic(fifo, "x", 1, &err), BP_ERR_IO);
        CHECK(strstr(err.msg, fifo) && strstr(err.msg, "not a regular file"),
              "the message names the FIFO: '%s'", err.msg);
        CHECK(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode),
              "the FIFO is still a FIFO");
        unlink(fifo);
    }
    CHECK(mkdir(sub, 0700) == 0, "a directory to aim at");
    CHECK_STATUS(bp_write_file_atomic(sub, "x", 1, &err), BP_ERR_IO);
    CHECK(lstat(sub, &st) == 0 && S_ISDIR(st.st_mode),
          "the directory is still a directory");
    CHECK_OK(bp_write_file_atomic(target, "old", 3, &err));
    CHECK(symlink("target.txt", link_) == 0, "a link to the file");
    CHECK_OK(bp_write_file_atomic(link_, "new!", 4, &err));
    size_t n = 0;
    unsigned char *got = slurp(target, &n);
    CHECK(got && n == 4 && memcmp(got, "new!", 4) == 0,
          "the link's target holds what was written");
    free(got);
    CHECK(lstat(link_, &st) == 0 && S_ISLNK(st.st_mode),
          "the link is still a link");
    snprintf(inner, sizeof inner, "%s/dangling", dir);
    CHECK(symlink("no/such/dir/x", inner) == 0, "a dangling link");
    CHECK_STATUS(bp_write_file_atomic(inner, "x", 1, &err), BP_ERR_IO);
    unlink(inner);
    unlink(link_);
    unlink(target);
    rmdir(sub);
}

/* Inputs the fuzzer once crashed on (tests/fuzz/regress/model): each
 * must now be refused cleanly, in every build, not only under clang. */
static void test_fuzz_regressions(void)
{
    printf("fuzzer regressions\n");
    const char *d = "tests/fuzz/regress/model";
    DIR *dp = opendir(d);
    CHECK(dp != NULL, "%s exists", d);
    if (!dp)
        return;
    struct dirent *e;
    int n = 0;
    while ((e = readdir(dp))) {
        if (e->d_name[0] == '.')
            continue;
        char path[768];
        snprintf(path, sizeof path, "%s/%s", d, e->d_name);
        bp_model *m = NULL;
        bp_error err;
        bp_status st = bp_model_load(path, NULL, &m, &err);
        CHECK(st != BP_OK && m == NULL, "%.100s refused: %.300s", e->d_name,
              err.msg);
        bp_model_free(m);
        n++;
    }
    closedir(dp);
    CHECK(n > 0, "%d regression inputs", n);
}

/* ------------------------------------------- the write callback, memory */

typedef struct {
    unsigned char *p;
    size_t len, cap;
    int calls;
} sink;

static void sink_write(void *ctx, const char *text, size_t len)
{
    sink *s = ctx;
    s->calls++;
    if (s->len + len > s->cap) {
        size_t cap = 2 * (s->len + len);
        unsigned char *p = realloc(s->p, cap);
        if (!p)
            return;
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->len, text, len);
    s->len += len;
}

/* bp_model_write hands over the very bytes bp_model_save puts in the
 * file, in either form and for a checkpoint, and they read back. */
static void test_write_callback(void)
{
    printf("a model written through a callback: the file's bytes\n");
    bp_model *m = make_model(), *back = NULL;
    bp_error err;
    const struct {
        bp_model_format format;
        int state;
        const char *path, *what;
    } cases[] = {{BP_FORMAT_BINARY, 0, path_bin, "binary"},
                 {BP_FORMAT_TEXT, 0, path_txt, "text"},
                 {BP_FORMAT_BINARY, 1, path_bin, "checkpoint"}};
    for (int i = 0; m && i < 3; i++) {
        sink s = {NULL, 0, 0, 0};
        size_t n = 0;
        CHECK_OK(bp_model_save(m, cases[i].path, cases[i].format,
                               cases[i].state, &err));
        CHECK_OK(bp_model_write(m, cases[i].format, cases[i].state, sink_write,
                                &s, &err));
        unsigned char *file = slurp(cases[i].path, &n);
        CHECK(file && s.p && n == s.len && memcmp(file, s.p, n) == 0,
              "%s: the callback's %zu bytes are the file's %zu", cases[i].what,
              s.len, n);
        back = NULL;
        CHECK(s.p &&
                  bp_model_parse(s.p, s.len, "written", NULL, &back, &err) ==
                      BP_OK &&
                  same_model(m, back),
              "%s: they read back as the same model", cases[i].what);
        bp_model_free(back);
        free(file);
        free(s.p);
    }
    sink s = {NULL, 0, 0, 0};
    CHECK_STATUS(bp_model_write(m, BP_FORMAT_TEXT, 1, sink_write, &s, &err),
                 BP_ERR_ARG);
    CHECK(s.calls == 0, "a text checkpoint refused before any byte: %s",
          err.msg);
    CHECK_STATUS(bp_model_write(m, BP_FORMAT_BINARY, 0, NULL, &s, &err),
                 BP_ERR_NULL);
    CHECK_STATUS(
        bp_model_write(NULL, BP_FORMAT_BINARY, 0, sink_write, &s, &err),
        BP_ERR_NULL);
    CHECK_STATUS(bp_model_write(m, (bp_model_format)7, 0, sink_write, &s, &err),
                 BP_ERR_ARG);
    CHECK(s.calls == 0, "nothing written on any refusal");
    bp_model_free(m);
}

typedef struct {
    long allocs, frees, fail_at; /* fail_at: the allocation to refuse */
} counter;

static void *count_alloc(void *ctx, size_t size)
{
    counter *c = ctx;
    if (c->fail_at >= 0 && c->allocs == c->fail_at) {
        c->fail_at = -1;
        return NULL;
    }
    c->allocs++;
    return malloc(size);
}

static void count_free(void *ctx, void *p)
{
    counter *c = ctx;
    if (p)
        c->frees++;
    free(p);
}

/* Load (or parse, then save and write) with every allocation refused in
 * turn: each refusal is BP_ERR_NOMEM, nothing leaks, and the model's
 * memory all came from and went back to the allocator. */
static void alloc_failures(const char *path, const char *what)
{
    int seen = 0, leaks = 0, wrong = 0;
    long k;
    for (k = 0; k < 2000; k++) {
        counter c = {0, 0, k};
        bp_allocator a = {count_alloc, count_free, &c};
        bp_model *m = NULL;
        bp_error err;
        sink s = {NULL, 0, 0, 0};
        bp_status st = bp_model_load(path, &a, &m, &err);
        if (!st)
            st = bp_model_save(m, path_out, BP_FORMAT_TEXT, 0, &err);
        if (!st)
            st = bp_model_write(m, BP_FORMAT_BINARY, 0, sink_write, &s, &err);
        free(s.p);
        bp_model_free(m);
        if (!st && c.fail_at < 0)
            printf("  allocation %ld refused, and yet all went well\n", k);
        if (st) {
            seen++;
            wrong += st != BP_ERR_NOMEM;
            if (st != BP_ERR_NOMEM)
                printf("  allocation %ld refused: status %d, %s\n", k, st,
                       err.msg);
        }
        leaks += c.allocs != c.frees;
        if (c.fail_at >= 0) /* every allocation passed: the end */
            break;
    }
    CHECK(seen == k && k > 5 && wrong == 0,
          "%s: each of its %ld allocations refused in turn is out of memory "
          "(%d other statuses)",
          what, k, wrong);
    CHECK(leaks == 0, "%s: nothing leaked on any path (%d leaks)", what, leaks);
}

static void test_model_allocator(void)
{
    printf("a model's memory comes from its allocator\n");
    bp_model *m = make_model();
    bp_error err;
    const int cols[3] = {2, 3, 4};
    const char *names[3] = {"a", "b", "c"};
    CHECK_OK(bp_model_set_columns(m, 5, 3, cols, names, &err));
    const char *inputs[2] = {"x1", "x2"};
    CHECK_OK(bp_model_set_input_names(m, inputs, &err));
    CHECK_OK(bp_model_save(m, path_bin, BP_FORMAT_BINARY, 0, &err));
    CHECK_OK(bp_model_save(m, path_txt, BP_FORMAT_TEXT, 0, &err));
    bp_model_free(m);
    alloc_failures(path_bin, "a model with scaling, classes, columns");
    alloc_failures(path_txt, "the same in the text form");
    alloc_failures(path_ckpt, "a checkpoint");

    /* a model made from a network takes the network's allocator */
    counter c = {0, 0, -1};
    bp_allocator a = {count_alloc, count_free, &c};
    const bp_layer_desc layers[] = {{3, BP_ACT_TANH, 0},
                                    {2, BP_ACT_SOFTMAX, 0}};
    bp_net *net = NULL;
    m = NULL;
    if (bp_net_create(2, 2, layers, &a, &net, &err) ||
        bp_model_new(net, &m, &err)) {
        CHECK(0, "a network on a counting allocator: %s", err.msg);
        bp_net_free(net);
        return;
    }
    const long made = c.allocs;
    CHECK_OK(bp_model_set_classes(m, 2, names, &err));
    CHECK_OK(bp_model_save(m, path_bin, BP_FORMAT_BINARY, 0, &err));
    CHECK(c.allocs > made + 3,
          "the model's classes and its file's bytes from the network's "
          "allocator (%ld allocations after the network's %ld)",
          c.allocs - made, made);
    bp_model_free(m);
    CHECK(c.allocs == c.frees, "all %ld returned to it (%ld)", c.allocs,
          c.frees);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path_bin, sizeof path_bin, "%s/m.bpm", dir);
    snprintf(path_txt, sizeof path_txt, "%s/m.txt", dir);
    snprintf(path_ckpt, sizeof path_ckpt, "%s/c.bpm", dir);
    snprintf(path_out, sizeof path_out, "%s/out.txt", dir);
    tst_verbose = 1;
    test_round_trips();
    test_checkpoint();
    test_damage();
    test_text_errors();
    test_newer_version();
    test_atomic();
    test_atomic_targets();
    test_writer_reader_pairs();
    test_text_numbers();
    test_text_no_biases();
    test_scalers_columns();
    test_inference_memory();
    test_fuzz_regressions();
    test_write_callback();
    test_model_allocator();
    unlink(path_bin);
    unlink(path_txt);
    unlink(path_ckpt);
    unlink(path_out);
    rmdir(dir);
    return tst_summary("test_model");
}
