/*
 * test_locale.c - text files are the same in any locale.
 *
 * A program that embeds the library may call setlocale(LC_ALL, "") in a
 * locale whose decimal point is a comma; printf and strtod then follow
 * it. The library's text models, CSV and FANN files must still be
 * written with '.' and read as such, in that locale and in the C locale
 * of the command line. The locale is compiled here with glibc's
 * localedef into a temporary directory (LOCPATH); where that cannot be
 * done, the test says SKIP and why.
 */
#define _POSIX_C_SOURCE 200809L
#include "backprop.h"
#include "test.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char buf[1 << 16];
    size_t len;
} sink;

static void to_sink(void *ctx, const char *p, size_t n)
{
    sink *s = ctx;
    if (s->len + n < sizeof s->buf) {
        memcpy(s->buf + s->len, p, n);
        s->len += n;
    }
    s->buf[s->len] = '\0';
}

/* A comma-decimal locale for LC_NUMERIC, or a reason in why. */
static int comma_locale(char *dir, size_t size, char *why, size_t wsize)
{
    snprintf(dir, size, "/tmp/bp_locale_XXXXXX");
    if (!mkdtemp(dir)) {
        snprintf(why, wsize, "no temporary directory");
        return 0;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir);
    (void)system(cmd); /* warnings give a non-zero status, yet a locale */
    setenv("LOCPATH", dir, 1);
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8")) {
        snprintf(why, wsize,
                 "no de_DE locale could be loaded (it needs glibc's "
                 "localedef and the locales package; one compiled on "
                 "x86-64 does not load on a big-endian CPU under qemu)");
        return 0;
    }
    char s[16];
    snprintf(s, sizeof s, "%.1f", 0.5);
    if (strcmp(s, "0,5") != 0) {
        snprintf(why, wsize, "de_DE's decimal point is not a comma here");
        setlocale(LC_NUMERIC, "C");
        return 0;
    }
    return 1;
}

static bp_model *small_model(void)
{
    const bp_layer_desc d[] = {{3, BP_ACT_TANH, 0}, {2, BP_ACT_SOFTMAX, 0}};
    bp_net *net;
    bp_model *m;
    if (bp_net_create(4, 2, d, NULL, &net, NULL))
        return NULL;
    bp_real *p = bp_net_params(net);
    for (size_t i = 0; i < bp_net_n_params(net); i++)
        p[i] = (bp_real)(0.15 * (double)i - 1.2345); /* fractions all */
    if (bp_model_new(net, &m, NULL)) {
        bp_net_free(net);
        return NULL;
    }
    return m;
}

static void check_model(const char *where)
{
    bp_model *m = small_model(), *back = NULL;
    sink *s = calloc(1, sizeof *s);
    if (!m || !s) {
        CHECK(0, "setup (%s)", where);
        free(s);
        bp_model_free(m);
        return;
    }
    bp_model_write(m, BP_FORMAT_TEXT, 0, to_sink, s, NULL);
    /* a number written with a comma would be "-1,2345" */
    CHECK(s->len > 0 && strstr(s->buf, "-1.2345") && !strchr(s->buf, ','),
          "%s: a text model's numbers have '.' and no ','", where);
    bp_error e;
    const bp_status st =
        bp_model_parse(s->buf, s->len, "m.txt", NULL, &back, &e);
    CHECK(st == BP_OK && back &&
              bp_net_n_params(back->net) == bp_net_n_params(m->net) &&
              memcmp(bp_net_params(back->net), bp_net_params(m->net),
                     bp_net_n_params(m->net) * sizeof(bp_real)) == 0,
          "%s: the text model reads back, every weight the same (%s)", where,
          st ? e.msg : "ok");
    bp_model_free(back);
    bp_model_free(m);
    free(s);
}

static void check_data(const char *where)
{
    static const char csv[] = "a,b,y\n0.25,-1.5e-3,0\n2.75,0.125,1\n";
    bp_dataset *ds = NULL, *again = NULL;
    bp_data_opts o = bp_data_defaults();
    bp_error e;
    bp_status st = bp_dataset_parse(csv, sizeof csv - 1, "d.csv", &o, &ds, &e);
    const bp_data d = st ? (bp_data){0} : bp_dataset_data(ds);
    CHECK(st == BP_OK && d.n == 2 && d.n_in == 2 && d.x[0] == (bp_real)0.25 &&
              d.x[1] == (bp_real)-1.5e-3 && d.x[3] == (bp_real)0.125,
          "%s: CSV numbers with '.' are read as such (%s)", where,
          st ? e.msg : "ok");
    sink *s = calloc(1, sizeof *s);
    if (st == BP_OK && s) {
        bp_dataset_write(ds, BP_DATA_FANN, 1, to_sink, s, NULL);
        CHECK(strstr(s->buf, "0.25") && strstr(s->buf, "0.125") &&
                  !strstr(s->buf, "0,"),
              "%s: FANN data is written with '.'", where);
        st = bp_dataset_parse(s->buf, s->len, "d.data", &o, &again, &e);
        const bp_data a = st ? (bp_data){0} : bp_dataset_data(again);
        CHECK(st == BP_OK && a.n == 2 && a.x[1] == d.x[1] && a.x[3] == d.x[3],
              "%s: the FANN file reads back, the same numbers (%s)", where,
              st ? e.msg : "ok");
    }
    free(s);
    bp_dataset_free(again);
    bp_dataset_free(ds);
}

int main(void)
{
    check_model("C locale");
    check_data("C locale");
    char dir[64], why[160];
    if (!comma_locale(dir, sizeof dir, why, sizeof why)) {
        SKIP("a comma-decimal locale: %s", why);
    } else {
        check_model("de_DE locale");
        check_data("de_DE locale");
        setlocale(LC_NUMERIC, "C");
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    (void)system(cmd);
    return tst_summary("test_locale");
}
