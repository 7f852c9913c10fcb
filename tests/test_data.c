/*
 * test_data.c - the library's data readers: every format reads what it
 * should (classes as sorted indices, numbers as targets, the header and
 * the target columns found), every malformed input gives one short
 * message naming the file, line, column and column name, and the limits
 * hold: a gzip bomb stops at its header's size, 20,000 string labels are
 * refused quickly, standard input loses nothing, a .bpd file truncated
 * is an error, not SIGBUS, and a mapped file is never written.
 */
#define _POSIX_C_SOURCE 200809L
#include "backprop.h"
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef BP_HAVE_ZLIB
#include <zlib.h>
#endif

static char dir[] = "/tmp/bp_test_data_XXXXXX";

static bp_dataset *parse(const char *text, const bp_data_opts *o, bp_error *e)
{
    bp_dataset *ds = NULL;
    e->msg[0] = '\0';
    bp_dataset_parse(text, strlen(text), "d.csv", o, &ds, e);
    return ds;
}

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(p, 1, n, f);
        fclose(f);
    }
}

static void test_csv(void)
{
    printf("CSV: header, classes as sorted indices, numbers\n");
    bp_error e;
    bp_dataset *ds =
        parse("x1,x2,kind\n0,1,red\n2,3,blue\n4,5,red\n", NULL, &e);
    CHECK(ds != NULL, "reads (%s)", e.msg);
    if (ds) {
        bp_data d = bp_dataset_data(ds);
        CHECK(d.n == 3 && d.n_in == 2 && d.n_out == 2 && d.label && !d.t,
              "3 rows, 2 inputs, 2 classes as indices");
        CHECK(!strcmp(bp_dataset_class_name(ds, 0), "blue") &&
                  !strcmp(bp_dataset_class_name(ds, 1), "red") &&
                  d.label[0] == 1 && d.label[1] == 0 && d.label[2] == 1,
              "classes sorted: blue=0, red=1; labels 1 0 1");
        CHECK(d.x[0] == 0 && d.x[3] == 3 && d.x[5] == 5, "inputs in row order");
        CHECK(bp_dataset_n_targets(ds) == 1 &&
                  !strcmp(bp_dataset_target_name(ds, 0), "kind") &&
                  !strcmp(bp_dataset_format(ds), "csv"),
              "the target column is named 'kind'");
    }
    bp_dataset_free(ds);
    /* numeric classes sort as numbers; many distinct numbers are a
     * regression target */
    ds = parse("1,10\n2,9\n3,10\n4,2\n5,9\n", NULL, &e);
    CHECK(ds && bp_dataset_n_classes(ds) == 3 &&
              !strcmp(bp_dataset_class_name(ds, 0), "2") &&
              !strcmp(bp_dataset_class_name(ds, 2), "10"),
          "labels 10, 9, 2 are classes 2 < 9 < 10");
    bp_dataset_free(ds);
    ds = parse("1,0.5\n2,1.5\n3,2.25\n", NULL, &e);
    CHECK(ds && bp_dataset_n_classes(ds) == 0 && bp_dataset_data(ds).t &&
              bp_dataset_data(ds).t[2] == (bp_real)2.25,
          "fractional targets are numbers");
    bp_dataset_free(ds);
    /* tabs, quotes, a line break inside quotes, "" */
    ds = parse("a\tb\tc\n\"1\"\t2\t\"x\ny\"\n3\t4\t\"q\"\"\"\n", NULL, &e);
    CHECK(ds && bp_dataset_data(ds).n == 2 &&
              !strcmp(bp_dataset_format(ds), "tsv") &&
              !strcmp(bp_dataset_class_name(ds, 0), "q\"") &&
              !strcmp(bp_dataset_class_name(ds, 1), "x\ny"),
          "TSV with quoted fields: %s", ds ? "ok" : e.msg);
    bp_dataset_free(ds);
    /* targets by name, several of them, as numbers */
    bp_data_opts o = bp_data_defaults();
    o.label = "y2,y1";
    ds = parse("y1,a,y2,b\n1,2,3,4\n5,6,7,8\n", &o, &e);
    CHECK(ds && bp_dataset_data(ds).n_out == 2 &&
              bp_dataset_data(ds).n_in == 2 && bp_dataset_data(ds).t[0] == 1 &&
              bp_dataset_data(ds).t[1] == 3 && bp_dataset_data(ds).x[1] == 4,
          "--label y2,y1: targets y1, y2 in file order; inputs a, b");
    bp_dataset_free(ds);
    /* a UTF-8 byte-order mark does not turn the first row into a header */
    ds = parse("\xef\xbb\xbf"
               "1,2,0\n3,4,1\n5,6,0\n7,8,1\n",
               NULL, &e);
    CHECK(ds && bp_dataset_data(ds).n == 4, "byte-order mark: %lld of 4 rows",
          ds ? (long long)bp_dataset_data(ds).n : -1LL);
    bp_dataset_free(ds);
    /* 1e-400 is an underflow: 0 */
    ds = parse("1e-400,2,1\n3,4,0\n", NULL, &e);
    CHECK(ds && bp_dataset_data(ds).x[0] == 0, "1e-400 reads as 0 (%s)", e.msg);
    bp_dataset_free(ds);
    /* inputs alone */
    o = bp_data_defaults();
    o.inputs_only = 1;
    ds = parse("1\n2\n3\n", &o, &e);
    CHECK(ds && bp_dataset_data(ds).n_out == 0 && bp_dataset_data(ds).n_in == 1,
          "one column as inputs alone when asked");
    bp_dataset_free(ds);
}

static void test_csv_errors(void)
{
    printf("CSV: malformed files, one short line naming the place\n");
    char big[3000];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char text_big[3100];
    snprintf(text_big, sizeof text_big, "a,b,c\n1,%s,x\n3,4,y\n", big);
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"a,b,c\n1,2,x\n3,4\n", "d.csv:3: 2 fields, but the first row has 3"},
        {"a,b,c\n1,2,x\n3,oops,y\n",
         "d.csv:3:2: 'oops' is not a finite number (column b)"},
        {"a,b,c\nnan,2,x\n", "d.csv:2:1: 'nan' is not a finite number"},
        {"a,b,c\n1,,x\n", "d.csv:2:2: missing value in column b"},
        {"a,b,c\n1,2,\n", "d.csv:2:3: the target is missing"},
        {"", "d.csv: no data"},
        {"a,b,c\n", "d.csv: a header and no data"},
        {"a,\"b,c\n1,2,3\n", "d.csv:1: a quoted field is never closed"},
        {"a,\"b\"x,c\n", "d.csv:1: text after a closing quote"},
        {"1\n2\n3\n", "d.csv: one column"},
        {"1,1e999,0\n", "'1e999' is not a finite number"},
        /* a target column of numbers with a gap is not classes */
        {"a,y\n1,0.5\n2,1.25\n3,NaN\n4,2.5\n",
         "d.csv:4:2: 'NaN' is not a finite number (column y), in a target "
         "column of numbers (--classes yes"},
        {"a,y\n1,0\n2,1\n3,NA\n4,1\n5,n/a\n",
         "d.csv:4:2: 'NA' is not a finite number (column y)"},
        {"1,0.5\n2,inf\n", "d.csv:2:2: 'inf' is not a finite number, in a"},
        {"1,0.5\n2,1e999\n", "d.csv:2:2: '1e999' is not a finite number"},
        /* a header of numbers and a word: not data with a class of one */
        {"2019,2020,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n",
         "d.csv:1: is the first row a header? As data its 'label' is a "
         "class of that one row (--header yes, or --header no"},
        /* a delimiter ending each line, then a value there */
        {"a,b,c,\n1,2,x,\n3,4,y,\n5,6,x,7\n",
         "d.csv:4:4: a value in the last column, which the first rows leave "
         "empty"},
        {"x\0y", "binary data"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bp_error e = {BP_OK, ""};
        bp_dataset *ds = NULL;
        const size_t len =
            i + 1 == sizeof cases / sizeof *cases ? 3 : strlen(cases[i].text);
        bp_status st =
            bp_dataset_parse(cases[i].text, len, "d.csv", NULL, &ds, &e);
        CHECK(st != BP_OK && !ds && strstr(e.msg, cases[i].want) &&
                  !strchr(e.msg, '\n'),
              "'%s'", e.msg);
        bp_dataset_free(ds);
    }
    bp_error e;
    bp_dataset *ds = parse(text_big, NULL, &e);
    CHECK(!ds && strstr(e.msg, "d.csv:2:2: 'zzzz") && strstr(e.msg, "...'") &&
              strlen(e.msg) < 120,
          "a 2999-byte field is shown cut: '%s'", e.msg);
    bp_dataset_free(ds);
    /* a delimiter ending each line (header too, or none): no empty
     * target column; the class column before it is the target */
    ds = parse("a,b,label,\r\n1,2,yes,\r\n3,4,no,\r\n5,6,yes,\r\n", NULL, &e);
    CHECK(ds && bp_dataset_data(ds).n_in == 2 &&
              bp_dataset_n_classes(ds) == 2 && bp_dataset_data(ds).x[2] == 3,
          "'a,b,label,': 2 inputs, 2 classes ('%s')", ds ? "" : e.msg);
    bp_dataset_free(ds);
    ds = parse("1,2,3,\n4,5,6,\n", NULL, &e);
    CHECK(ds && bp_dataset_data(ds).n_in == 2 && bp_dataset_data(ds).t &&
              bp_dataset_data(ds).t[1] == 6,
          "'1,2,3,': inputs 1, 2 and target 3 ('%s')", ds ? "" : e.msg);
    bp_dataset_free(ds);
    /* told, the same file reads either way */
    bp_data_opts hdr = bp_data_defaults();
    hdr.header = BP_YES;
    ds = parse("2019,2020,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n", &hdr, &e);
    CHECK(ds && bp_dataset_data(ds).n == 4 && bp_dataset_n_classes(ds) == 2,
          "--header yes: 4 samples, 2 classes ('%s')", ds ? "" : e.msg);
    bp_dataset_free(ds);
    hdr.header = BP_NO;
    ds = parse("2019,2020,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n", &hdr, &e);
    CHECK(ds && bp_dataset_data(ds).n == 5 && bp_dataset_n_classes(ds) == 3,
          "--header no: 5 samples, 3 classes ('%s')", ds ? "" : e.msg);
    bp_dataset_free(ds);
    /* words with an "NA" among them are class labels; so are numbers
     * and NaN when told */
    ds = parse("a,y\n1,EU\n2,NA\n3,AS\n", NULL, &e);
    CHECK(ds && bp_dataset_n_classes(ds) == 3, "EU, NA, AS: 3 classes ('%s')",
          ds ? "" : e.msg);
    bp_dataset_free(ds);
    bp_data_opts yes = bp_data_defaults();
    yes.classes = BP_YES;
    ds = parse("a,y\n1,0\n2,1\n3,NaN\n", &yes, &e);
    CHECK(ds && bp_dataset_n_classes(ds) == 3,
          "--classes yes: 0, 1, NaN are 3 classes ('%s')", ds ? "" : e.msg);
    bp_dataset_free(ds);
    if (bp_real_size() == 4) {
        ds = parse("a,b,c\n1,1e39,0\n2,3,1\n", NULL, &e);
        CHECK(!ds && strstr(e.msg, "'1e39' is not a finite number"),
              "float: 1e39 refused: '%s'", e.msg);
        bp_dataset_free(ds);
    }
}

static void test_many_labels(void)
{
    printf("many distinct labels: hashed, limited\n");
    const int n = 20000;
    size_t cap = (size_t)n * 24 + 16, len = 0;
    char *text = malloc(cap);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len, "%d,%d,name%d\n", i,
                                i % 7, i);
    bp_error e;
    bp_dataset *ds = NULL;
    bp_status st = bp_dataset_parse(text, len, "names.csv", NULL, &ds, &e);
    CHECK(st == BP_ERR_FORMAT && strstr(e.msg, "more than 10000 distinct"),
          "20000 labels refused: '%s'", e.msg);
    bp_dataset_free(ds);
    bp_data_opts o = bp_data_defaults();
    o.max_classes = 50000;
    st = bp_dataset_parse(text, len, "names.csv", &o, &ds, &e);
    CHECK(st == BP_OK && bp_dataset_n_classes(ds) == n &&
              bp_dataset_data(ds).label && !bp_dataset_data(ds).t,
          "with a limit of 50000: %d classes as indices, no one-hot rows",
          bp_dataset_n_classes(ds));
    if (ds) {
        /* sorted as text: name0 < name1 < name10 ... */
        bp_data d = bp_dataset_data(ds);
        CHECK(!strcmp(bp_dataset_class_name(ds, d.label[10]), "name10"),
              "row 11's class is name10");
    }
    bp_dataset_free(ds);
    free(text);
}

static void test_fann(void)
{
    printf("FANN .data\n");
    bp_error e;
    bp_dataset *ds = NULL;
    const char *t = "3 2 2\n0 0\n1 0\n0 1\n0 1\n1 1\n1 0\n";
    bp_dataset_parse(t, strlen(t), "x.data", NULL, &ds, &e);
    CHECK(ds && bp_dataset_n_classes(ds) == 2 && bp_dataset_data(ds).label &&
              bp_dataset_data(ds).label[1] == 1 &&
              !strcmp(bp_dataset_format(ds), "fann"),
          "one-hot outputs are classes 0, 1 (%s)", ds ? "ok" : e.msg);
    bp_dataset_free(ds);
    t = "2 1 1\n0.5\n0.25\n1\n2\n";
    bp_dataset_parse(t, strlen(t), "x.txt", NULL, &ds, &e);
    CHECK(ds && bp_dataset_data(ds).t && bp_dataset_data(ds).t[1] == 2,
          "sniffed by its first line; numeric outputs");
    bp_dataset_free(ds);
    t = "3 2 1\n0 0 0\n1 1\n";
    const bp_status st =
        bp_dataset_parse(t, strlen(t), "s.data", NULL, &ds, &e);
    CHECK(st && strstr(e.msg, "s.data:4: the file ends in pair 2 of 3"), "'%s'",
          e.msg);
}

#ifdef BP_HAVE_ZLIB
/* data gzip-compressed into a file */
static int gz_file(const char *path, const unsigned char *p, size_t n,
                   size_t zeros)
{
    gzFile g = gzopen(path, "wb9");
    if (!g)
        return -1;
    gzwrite(g, p, (unsigned)n);
    static unsigned char zero[1 << 16];
    for (size_t left = zeros; left > 0;) {
        unsigned k = left > sizeof zero ? sizeof zero : (unsigned)left;
        gzwrite(g, zero, k);
        left -= k;
    }
    return gzclose(g) == Z_OK ? 0 : -1;
}
#endif

static void test_idx(void)
{
    printf("IDX directories\n");
    char sub[256], path[300];
    snprintf(sub, sizeof sub, "%s/idx", dir);
    mkdir(sub, 0700);
    const unsigned char img[] = {0, 0, 8, 3, 0, 0,  0,  3,  0,  0,  0,
                                 1, 0, 0, 0, 2, 10, 20, 30, 40, 50, 60};
    const unsigned char lab[] = {0, 0, 8, 1, 0, 0, 0, 3, 2, 0, 1};
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte", sub);
    write_file(path, img, sizeof img);
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte", sub);
    write_file(path, lab, sizeof lab);
    bp_error e;
    bp_dataset *ds = NULL;
    bp_dataset_load(sub, NULL, &ds, &e);
    CHECK(ds && bp_dataset_data(ds).n == 3 && bp_dataset_data(ds).n_in == 2 &&
              bp_dataset_data(ds).x[5] == 60 &&
              bp_dataset_data(ds).label[0] == 2 &&
              bp_dataset_n_classes(ds) == 3,
          "3 images of 1x2, labels 2 0 1 (%s)", ds ? "ok" : e.msg);
    bp_dataset_free(ds);
#ifdef BP_HAVE_ZLIB
    /* a gzip bomb: the header says 1x1x1, the stream inflates to 64 MB */
    const unsigned char bomb[] = {0, 0, 8, 3, 0, 0, 0, 1,
                                  0, 0, 0, 1, 0, 0, 0, 1};
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte", sub);
    unlink(path);
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz", sub);
    gz_file(path, bomb, sizeof bomb, (size_t)64 << 20);
    struct stat st;
    stat(path, &st);
    bp_dataset_load(sub, NULL, &ds, &e);
    CHECK(!ds &&
              strstr(e.msg,
                     "decompresses to more than the 17 bytes its "
                     "header declares"),
          "a %lld-byte gzip bomb stops at its header's size: '%s'",
          (long long)st.st_size, e.msg);
    bp_dataset_free(ds);
    /* the same bytes, honest: read */
    gz_file(path, img, sizeof img, 0);
    bp_dataset_load(sub, NULL, &ds, &e);
    CHECK(ds && bp_dataset_data(ds).n == 3, "a gzip-compressed IDX file (%s)",
          ds ? "ok" : e.msg);
    bp_dataset_free(ds);
#else
    SKIP("gzip bomb: built without zlib");
#endif
    bp_dataset_load(dir, NULL, &ds, &e);
    CHECK(!ds && strstr(e.msg, "no train-images-idx3-ubyte"), "'%s'", e.msg);
}

/* Standard input from a pipe that a child process fills: nothing lost. */
static void test_stdin(void)
{
    printf("standard input: one stream, read once\n");
    const int rows = 2000; /* ~20 KB, well past any 4 KB peek */
    int fds[2];
    if (pipe(fds) != 0) {
        CHECK(0, "pipe");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        FILE *f = fdopen(fds[1], "w");
        fprintf(f, "a,b,y\n");
        for (int i = 0; i < rows; i++)
            fprintf(f, "%d,%d.5,%d\n", i, i, i % 3);
        fclose(f);
        _exit(0);
    }
    close(fds[1]);
    int saved = dup(0);
    dup2(fds[0], 0);
    close(fds[0]);
    bp_error e;
    bp_dataset *ds = NULL;
    bp_dataset_load("-", NULL, &ds, &e);
    dup2(saved, 0);
    close(saved);
    waitpid(pid, NULL, 0);
    CHECK(ds && bp_dataset_data(ds).n == rows && bp_dataset_n_classes(ds) == 3,
          "'-': %lld of %d rows (%s)",
          ds ? (long long)bp_dataset_data(ds).n : -1LL, rows,
          ds ? "ok" : e.msg);
    if (ds)
        CHECK(bp_dataset_data(ds).x[0] == 0 && bp_dataset_data(ds).x[1] == 0.5f,
              "the first row is there");
    bp_dataset_free(ds);
}

static void test_bpd(void)
{
    printf(".bpd: written, mapped, checked, never written through\n");
    char csv[300], bpd[300];
    snprintf(csv, sizeof csv, "%s/d.csv", dir);
    snprintf(bpd, sizeof bpd, "%s/d.bpd", dir);
    const char *text = "a,b,c\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n";
    write_file(csv, text, strlen(text));
    bp_error e;
    bp_dataset *src = NULL, *ds = NULL;
    CHECK_OK(bp_dataset_load(csv, NULL, &src, &e));
    if (!src)
        return;
    bp_scaler s;
    bp_data d = bp_dataset_data(src);
    CHECK_OK(
        bp_scaler_fit(&s, BP_SCALING_STANDARD, d.x, d.n, d.n_in, NULL, &e));
    CHECK_OK(bp_dataset_scale(src, &s, NULL, &e));
    CHECK_OK(bp_dataset_save(src, bpd, BP_DATA_BPD, 1, &e));
    CHECK_OK(bp_dataset_load(bpd, NULL, &ds, &e));
    if (ds) {
        bp_data m = bp_dataset_data(ds);
        d = bp_dataset_data(src);
        /* mapped where the file's byte order is the host's */
        const uint16_t one = 1;
        const int le = *(const unsigned char *)&one == 1;
        CHECK(bp_dataset_is_mapped(ds) == le && m.n == 4 && m.label &&
                  !memcmp(m.x, d.x, 8 * sizeof *m.x) &&
                  !memcmp(m.label, d.label, 4 * sizeof *m.label) &&
                  bp_scaler_equal(bp_dataset_scaler(ds, 0), &s),
              "%s: the same scaled inputs, classes and scaling",
              le ? "mapped" : "converted (big-endian host)");
        /* the model's scaling differs: scaled in a copy, never in the file */
        bp_scaler none = {BP_SCALING_NONE, 0, NULL, NULL, {NULL, NULL, NULL}};
        struct stat before, after;
        stat(bpd, &before);
        CHECK_OK(bp_dataset_scale(ds, &none, NULL, &e));
        stat(bpd, &after);
        m = bp_dataset_data(ds);
        CHECK(fabs(m.x[0] - 1) < 1e-5 && fabs(m.x[7] - 8) < 1e-5 &&
                  before.st_mtime == after.st_mtime,
              "unscaled back to 1 .. 8 in memory (got %g, %g)", (double)m.x[0],
              (double)m.x[7]);
    }
    bp_dataset_free(ds);
    /* truncated: an error naming the sizes, not SIGBUS */
    struct stat st;
    stat(bpd, &st);
    if (truncate(bpd, st.st_size - 8) == 0) {
        bp_status rc = bp_dataset_load(bpd, NULL, &ds, &e);
        CHECK(rc == BP_ERR_FORMAT && strstr(e.msg, "truncated"), "'%s'", e.msg);
        bp_dataset_free(ds);
    }
    /* FANN round trip */
    snprintf(bpd, sizeof bpd, "%s/d.data", dir);
    CHECK_OK(bp_dataset_save(src, bpd, BP_DATA_FANN, 2, &e));
    CHECK_OK(bp_dataset_load(bpd, NULL, &ds, &e));
    CHECK(ds && bp_dataset_data(ds).n == 8 && bp_dataset_n_classes(ds) == 2,
          "FANN, twice over: 8 rows, 2 classes");
    bp_dataset_free(ds);
    bp_scaler_free(&s);
    bp_dataset_free(src);
}

/* n bytes of v, least significant first. */
static size_t put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return (size_t)n;
}

static size_t put_real_le(unsigned char *p, double v)
{
    if (sizeof(bp_real) == 8) {
        uint64_t u;
        memcpy(&u, &v, 8);
        return put_le(p, u, 8);
    }
    const float f = (float)v;
    uint32_t u;
    memcpy(&u, &f, 4);
    return put_le(p, u, 4);
}

/* The .bpd bytes are the format's, little-endian, on every CPU: built
 * here field by field and compared with what the library writes; and
 * these bytes read back as the right numbers (on a big-endian host, a
 * file made elsewhere). */
static void test_bpd_bytes(void)
{
    printf(".bpd: little-endian throughout, byte for byte\n");
    bp_error e;
    bp_dataset *ds = NULL, *back = NULL;
    bp_dataset_parse("a,b,c\n1,2,x\n3,4,y\n", 18, "b.csv", NULL, &ds, &e);
    const double off[2] = {1, 2}, fac[2] = {0.5, 0.25};
    bp_scaler s;
    bp_scaler_set(&s, BP_SCALING_STANDARD, 2, off, fac, NULL, NULL);
    CHECK_OK(bp_dataset_scale(ds, &s, NULL, &e));
    char path[300];
    snprintf(path, sizeof path, "%s/b.bpd", dir);
    CHECK_OK(bp_dataset_save(ds, path, BP_DATA_BPD, 1, &e));
    static unsigned char want[8192], got[8192];
    memset(want, 0, sizeof want);
    size_t at = 0;
    memcpy(want, "BPDATA\0\0", 8);
    at = 8;
    at += put_le(want + at, 2, 4);               /* version */
    at += put_le(want + at, sizeof(bp_real), 4); /* number size */
    at += put_le(want + at, 2, 8);               /* n */
    at += put_le(want + at, 2, 4);               /* n_in */
    at += put_le(want + at, 2, 4);               /* n_out */
    at += put_le(want + at, 2, 4);               /* n_classes */
    at += put_le(want + at, BP_SCALING_STANDARD, 4);
    at += put_le(want + at, 1, 4); /* class indices */
    at += put_le(want + at, 0, 4); /* no target scaling */
    for (int i = 0; i < 4; i++) {
        uint64_t u;
        memcpy(&u, i < 2 ? &off[i] : &fac[i - 2], 8);
        at += put_le(want + at, u, 8);
    }
    at += put_le(want + at, 1, 4);
    want[at++] = 'x';
    at += put_le(want + at, 1, 4);
    want[at++] = 'y';
    at = 4096;
    const double x[4] = {0, 0, 1, 0.5};
    for (int i = 0; i < 4; i++)
        at += put_real_le(want + at, x[i]);
    at += put_le(want + at, 0, 4);
    at += put_le(want + at, 1, 4);
    FILE *f = fopen(path, "rb");
    const size_t n = f ? fread(got, 1, sizeof got, f) : 0;
    if (f)
        fclose(f);
    size_t first = 0;
    while (first < at && first < n && got[first] == want[first])
        first++;
    CHECK(n == at && first == at,
          "%zu bytes written, as the format's %zu "
          "(first difference at byte %zu)",
          n, at, first);
    CHECK_OK(bp_dataset_parse(want, at, "want.bpd", NULL, &back, &e));
    if (back) {
        const bp_data d = bp_dataset_data(back);
        CHECK(d.n == 2 && d.x[2] == 1 && d.x[3] == (bp_real)0.5 &&
                  d.label[0] == 0 && d.label[1] == 1 &&
                  bp_scaler_equal(bp_dataset_scaler(back, 0), &s) &&
                  !strcmp(bp_dataset_class_name(back, 1), "y"),
              "the format's bytes read back: inputs, classes, scaling");
    }
    bp_dataset_free(back);
    back = NULL;
    /* a number that is not finite (here NaN at row 2, input 1) is refused
     * with its place, in memory and in a mapped file alike */
    put_real_le(want + 4096 + 2 * sizeof(bp_real), 0.0 / 0.0);
    bp_status rc = bp_dataset_parse(want, at, "nan.bpd", NULL, &back, &e);
    CHECK(rc == BP_ERR_FORMAT && strstr(e.msg, "row 2, input 1"),
          "a NaN input refused: %s", e.msg);
    bp_dataset_free(back);
    back = NULL;
    if ((f = fopen(path, "wb")) != NULL) {
        fwrite(want, 1, at, f);
        fclose(f);
    }
    rc = bp_dataset_load(path, NULL, &back, &e);
    CHECK(rc == BP_ERR_FORMAT && strstr(e.msg, "row 2, input 1") &&
              strstr(e.msg, "b.bpd"),
          "a NaN input in a mapped file refused, naming it: %s", e.msg);
    /* class indices for 2 classes, but 3 outputs: no such data set */
    bp_dataset_free(back);
    back = NULL;
    put_le(want + 28, 3, 4);
    rc = bp_dataset_parse(want, at, "k.bpd", NULL, &back, &e);
    CHECK(rc == BP_ERR_FORMAT && strstr(e.msg, "impossible"),
          "2 classes in 3 outputs refused: %s", e.msg);
    /* a carried scaling whose inverse is past float's range: rescaling
     * is refused, naming the value, and changes nothing */
    bp_dataset_free(back);
    back = NULL;
    put_le(want + 28, 2, 4);
    put_real_le(want + 4096 + 2 * sizeof(bp_real), 1e10);
    uint64_t tiny;
    const double t = 1e-300;
    memcpy(&tiny, &t, 8);
    put_le(want + 64, tiny, 8); /* factor of input 1 */
    CHECK_OK(bp_dataset_parse(want, at, "r.bpd", NULL, &back, &e));
    if (back) {
        rc = bp_dataset_scale(back, &s, NULL, &e);
        const bp_data d = bp_dataset_data(back);
        CHECK(
            rc == BP_ERR_NONFINITE && strstr(e.msg, "row 2, inputs column 1") &&
                d.x[2] == (bp_real)1e10 &&
                bp_scaler_equal(bp_dataset_scaler(back, 0), &s) == 0,
            "a rescale past float's range refused, nothing changed: %s", e.msg);
    }
    bp_scaler_free(&s);
    bp_dataset_free(back);
    bp_dataset_free(ds);
}

static void test_split_match(void)
{
    printf("split (stratified), match, gather, describe\n");
    /* 90 of class a, 10 of class b */
    char text[4096];
    size_t len = 0;
    for (int i = 0; i < 100; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%d,%s\n", i,
                                i % 10 == 3 ? "b" : "a");
    bp_error e;
    bp_dataset *ds = NULL, *val = NULL;
    bp_dataset_parse(text, len, "s.csv", NULL, &ds, &e);
    CHECK_OK(bp_dataset_split(ds, 0.2, 7, &val, &e));
    if (!val)
        return;
    bp_data t = bp_dataset_data(ds), v = bp_dataset_data(val);
    int vb = 0;
    for (int64_t i = 0; i < v.n; i++)
        vb += v.label[i] == 1;
    CHECK(t.n == 80 && v.n == 20 && vb == 2,
          "20 validation rows, 2 of class b "
          "(got %lld, %d)",
          (long long)v.n, vb);
    int ordered = 1;
    for (int64_t i = 1; i < t.n; i++)
        ordered &= t.x[i] > t.x[i - 1];
    CHECK(ordered, "training rows keep the file's order");
    bp_dataset_free(val);
    /* a test set with its classes in another order, matched */
    bp_dataset *test = NULL;
    bp_dataset_parse("1,b\n2,b\n", 8, "t.csv", NULL, &test, &e);
    CHECK_OK(bp_dataset_match(test, ds, &e));
    CHECK(bp_dataset_data(test).label[0] == 1 &&
              bp_dataset_data(test).n_out == 2,
          "a test set of class b alone: class 1 of 2");
    bp_real x[2], oh[4];
    bp_data td = bp_dataset_data(test);
    CHECK_OK(bp_data_gather(&td, NULL, 0, 2, x, oh));
    CHECK(oh[0] == 0 && oh[1] == 1 && x[1] == 2, "gathered as one-hot rows");
    bp_dataset_free(test);
    bp_dataset_parse("1,c\n", 4, "t.csv", NULL, &test, &e);
    const bp_status st = bp_dataset_match(test, ds, &e);
    CHECK(st && strstr(e.msg, "class 'c' is not one"), "'%s'", e.msg);
    bp_dataset_free(test);
    bp_dataset_free(ds);
    /* a test file with its input columns moved: by name, as trained */
    bp_data_opts ly = bp_data_defaults();
    ly.label = "y";
    ds = parse("a,b,y\n1,2,x\n3,4,z\n", &ly, &e);
    test = parse("b,y,a\n20,x,10\n40,z,30\n", &ly, &e);
    CHECK(ds && test, "two files, the second with its columns moved");
    if (ds && test) {
        CHECK_OK(bp_dataset_match(test, ds, &e));
        const bp_real *tx = bp_dataset_data(test).x;
        CHECK(tx[0] == 10 && tx[1] == 20 && tx[2] == 30 && tx[3] == 40,
              "b,y,a: inputs a, b as the training file has them (%g %g)",
              (double)tx[0], (double)tx[1]);
    }
    bp_dataset_free(test);
    test = parse("a,c,y\n1,2,x\n", &ly, &e);
    CHECK(test && bp_dataset_match(test, ds, &e) &&
              strstr(e.msg, "d.csv: no column 'b' in the header, an input"),
          "a,c: refused, 'b' named ('%s')", e.msg);
    bp_dataset_free(test);
    /* the training target moved to the front of a test file read without
     * a label (its last column taken as the target): the message says
     * what happened to the input it misses */
    bp_dataset_free(ds);
    ds = parse("a,b,y\n1,2,3.5\n3,4,5.5\n", &ly, &e);
    test = parse("y,a,b\n3.5,1,2\n", NULL, &e);
    CHECK(ds && test && bp_dataset_match(test, ds, &e) &&
              strstr(e.msg,
                     "column 'b', an input of the training data, was "
                     "taken as this file's target"),
          "y,a,b read without a label: 'b' named as the target ('%s')", e.msg);
    bp_dataset_free(test);
    bp_dataset_free(ds);
    /* classes that are numbers, written as a program writing floats
     * writes them: 2.0 is class 2 (it was "not one of the classes") */
    bp_data_opts cl = bp_data_defaults();
    cl.classes = BP_YES;
    ds = parse("1,0\n2,2\n3,10\n4,2\n5,0\n", NULL, &e);
    test = parse("1,2.0\n2,10.0\n3,0.0\n", &cl, &e);
    CHECK(ds && test, "two files of number classes");
    if (ds && test) {
        CHECK_OK(bp_dataset_match(test, ds, &e));
        const int32_t *lb = bp_dataset_data(test).label;
        CHECK(lb && lb[0] == 1 && lb[1] == 2 && lb[2] == 0,
              "2.0, 10.0, 0.0 are classes 2, 10, 0 (indices %d %d %d)",
              lb ? lb[0] : -1, lb ? lb[1] : -1, lb ? lb[2] : -1);
    }
    bp_dataset_free(test);
    bp_dataset_free(ds);
}

static void test_model_columns(void)
{
    printf("a model remembers its target columns\n");
    bp_error e;
    bp_dataset *ds = NULL;
    const char *train =
        "price,rooms,area,zone\n100,2,50,n\n200,3,80,s\n150,2,60,n\n";
    bp_data_opts o = bp_data_defaults();
    o.label = "price";
    bp_dataset_parse(train, strlen(train), "h.csv", &o, &ds, &e);
    const bp_layer_desc l[] = {{1, BP_ACT_IDENTITY, 0}};
    bp_net *net;
    bp_model *m;
    bp_net_create(3, 1, l, NULL, &net, NULL);
    bp_model_new(net, &m, NULL);
    CHECK(!ds &&
              strstr(e.msg,
                     "h.csv:2:4: 'n' is not a finite number (column "
                     "zone)"),
          "a word among the inputs: '%s'", e.msg);
    /* numeric inputs only */
    train = "price,rooms,area\n100,2,50\n200,3,80\n150,2,60\n";
    bp_dataset_parse(train, strlen(train), "h.csv", &o, &ds, &e);
    bp_model_free(m);
    bp_net_create(2, 1, l, NULL, &net, NULL);
    bp_model_new(net, &m, NULL);
    CHECK_OK(bp_dataset_describe(ds, m, &e));
    CHECK(m->n_columns == 3 && m->n_targets == 1 && m->target_cols[0] == 0 &&
              !strcmp(m->target_names[0], "price"),
          "the model holds: 3 columns, target 1 'price'");
    CHECK(m->input_names && !strcmp(m->input_names[0], "rooms") &&
              !strcmp(m->input_names[1], "area"),
          "and its inputs' names: rooms, area");
    bp_dataset_free(ds);
    /* the same header, columns moved: each found by name, no label given */
    o = bp_data_defaults();
    o.model = m;
    const char *moved = "area,price,rooms\n55,120,2\n";
    bp_dataset_parse(moved, strlen(moved), "e.csv", &o, &ds, &e);
    CHECK(ds && bp_dataset_data(ds).t && bp_dataset_data(ds).t[0] == 120 &&
              bp_dataset_data(ds).x[0] == 2 && bp_dataset_data(ds).x[1] == 55,
          "by name: target 120, inputs rooms 2, area 55 (%s)",
          ds ? "ok" : e.msg);
    bp_dataset_free(ds);
    bp_dataset_parse("area,rooms\n55,2\n", 16, "p.csv", &o, &ds, &e);
    CHECK(ds && bp_dataset_data(ds).n_out == 0 &&
              bp_dataset_data(ds).x[0] == 2 && bp_dataset_data(ds).x[1] == 55,
          "inputs alone, moved: rooms 2, area 55 (%s)", ds ? "ok" : e.msg);
    bp_dataset_free(ds);
    /* a header naming one input but not the other: refused, named */
    bp_dataset_parse("price,rooms,size\n120,2,55\n", 25, "e.csv", &o, &ds, &e);
    CHECK(!ds &&
              strstr(e.msg,
                     "e.csv:1: no column 'area' in the header, an "
                     "input the model was trained on (1 of its 2"),
          "'%s'", e.msg);
    /* a header naming none of them: the columns in order */
    bp_dataset_parse("price,a,b\n120,2,55\n", 19, "e.csv", &o, &ds, &e);
    CHECK(ds && bp_dataset_data(ds).x[0] == 2 && bp_dataset_data(ds).x[1] == 55,
          "other names: by position (%s)", ds ? "ok" : e.msg);
    bp_dataset_free(ds);
    /* no header: by position */
    bp_dataset_parse("120,2,55\n", 9, "e.csv", &o, &ds, &e);
    CHECK(ds && bp_dataset_data(ds).t[0] == 120, "by position (%s)",
          ds ? "ok" : e.msg);
    bp_dataset_free(ds);
    /* inputs alone, to predict */
    bp_dataset_parse("rooms,area\n2,55\n", 16, "p.csv", &o, &ds, &e);
    CHECK(ds && bp_dataset_data(ds).n_out == 0,
          "the input width: inputs alone");
    bp_dataset_free(ds);
    bp_model_free(m);
}

/* An allocator that counts, so every allocation is seen freed. */
static long live;
static void *count_alloc(void *ctx, size_t n)
{
    (void)ctx;
    live++;
    return malloc(n);
}
static void count_free(void *ctx, void *p)
{
    (void)ctx;
    if (p)
        live--;
    free(p);
}

static void test_allocator(void)
{
    printf("every allocation through the caller's allocator\n");
    bp_allocator a = {count_alloc, count_free, NULL};
    bp_data_opts o = bp_data_defaults();
    o.alloc = &a;
    bp_error e;
    bp_dataset *ds = NULL, *val = NULL;
    const char *t = "a,b,c\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,9,x\n";
    bp_dataset_parse(t, strlen(t), "a.csv", &o, &ds, &e);
    const long during = live;
    bp_dataset_split(ds, 0.4, 1, &val, &e);
    bp_dataset_free(val);
    bp_dataset_free(ds);
    CHECK(during > 0 && live == 0,
          "%ld allocations live while loaded, %ld after", during, live);
    bp_dataset_parse("x", 1, "a.csv", &o, &ds, &e);
    CHECK(live == 0, "and after a failed read (%ld)", live);
}

/* Bytes handed to a bp_write_fn, gathered. */
typedef struct {
    unsigned char *p;
    size_t n, cap;
    int calls;
} gathered;

static void gather(void *ctx, const char *s, size_t len)
{
    gathered *g = ctx;
    g->calls++;
    if (g->n + len > g->cap) {
        size_t cap = 2 * (g->n + len);
        unsigned char *p = realloc(g->p, cap);
        if (!p)
            return;
        g->p = p;
        g->cap = cap;
    }
    memcpy(g->p + g->n, s, len);
    g->n += len;
}

/* A whole file into g (emptied first). */
static void slurp(const char *path, gathered *g)
{
    char buf[4096];
    size_t got;
    g->n = 0;
    FILE *f = fopen(path, "rb");
    while (f && (got = fread(buf, 1, sizeof buf, f)) > 0)
        gather(g, buf, got);
    if (f)
        fclose(f);
}

/* How many entries of the test directory start with prefix. */
static int entries(const char *prefix)
{
    int n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return n;
}

/* An allocator that refuses its call number fail_at (from 0). */
static long calls, fail_at = -1;
static void *failing_alloc(void *ctx, size_t n)
{
    (void)ctx;
    if (calls++ == fail_at)
        return NULL;
    live++;
    return malloc(n);
}

static void test_write_stream(void)
{
    printf("a data set as a stream: the bytes bp_dataset_save writes\n");
    bp_error e;
    bp_dataset *ds = NULL;
    const char *t = "a,b,c\n1,2.5,x\n3,4,y\n5,-6,x\n";
    CHECK_OK(bp_dataset_parse(t, strlen(t), "s.csv", NULL, &ds, &e));
    if (!ds)
        return;
    gathered file = {0}, stream = {0};
    char path[300];
    for (int f = 0; f < 2; f++) {
        const bp_data_format fmt = f ? BP_DATA_FANN : BP_DATA_BPD;
        snprintf(path, sizeof path, "%s/s.%s", dir, f ? "data" : "bpd");
        CHECK_OK(bp_dataset_save(ds, path, fmt, 3, &e));
        slurp(path, &file);
        stream.n = 0;
        CHECK_OK(bp_dataset_write(ds, fmt, 3, gather, &stream, &e));
        CHECK(file.n > 0 && stream.n == file.n &&
                  memcmp(stream.p, file.p, file.n) == 0,
              "%s: %zu bytes streamed, the file's %zu bytes",
              f ? "FANN" : ".bpd", stream.n, file.n);
    }
    stream.calls = 0;
    CHECK_STATUS(bp_dataset_write(ds, BP_DATA_FANN, 0, gather, &stream, &e),
                 BP_ERR_SIZE);
    CHECK(strstr(e.msg, "s.csv: 3 rows 0 times over") && stream.calls == 0,
          "repeat 0 refused before a byte: '%s'", e.msg);
    CHECK_STATUS(
        bp_dataset_write(ds, (bp_data_format)7, 1, gather, &stream, &e),
        BP_ERR_ARG);
    CHECK_STATUS(bp_dataset_write(ds, BP_DATA_BPD, 1, NULL, NULL, &e),
                 BP_ERR_NULL);
    CHECK(stream.calls == 0, "nothing written for a refused call");
    bp_dataset_free(ds);

    printf("the atomic stream: a temporary file beside, renamed or removed\n");
    snprintf(path, sizeof path, "%s/at.txt", dir);
    write_file(path, "old\n", 4);
    bp_atomic *at = NULL;
    CHECK_OK(bp_atomic_open(path, NULL, &at, &e));
    const char *tmp = bp_atomic_temp_path(at);
    struct stat st;
    CHECK(tmp && strncmp(tmp, path, strlen(path)) == 0 &&
              strncmp(tmp + strlen(path), ".tmp.", 5) == 0 &&
              stat(tmp, &st) == 0,
          "the temporary file exists beside it: %s", tmp ? tmp : "(none)");
    bp_atomic_write(at, "new ", 4);
    bp_atomic_write(at, NULL, 0);
    bp_atomic_write(at, "bytes\n", 6);
    slurp(path, &file);
    CHECK(file.n == 4 && memcmp(file.p, "old\n", 4) == 0,
          "the file is untouched while it is written");
    CHECK_OK(bp_atomic_commit(at, &e));
    slurp(path, &file);
    CHECK(file.n == 10 && memcmp(file.p, "new bytes\n", 10) == 0 &&
              entries("at.txt.tmp.") == 0,
          "committed: the new bytes in place, no temporary file");
    CHECK_OK(bp_atomic_open(path, NULL, &at, &e));
    bp_atomic_write(at, "lost\n", 5);
    bp_atomic_abort(at);
    slurp(path, &file);
    CHECK(file.n == 10 && entries("at.txt.tmp.") == 0,
          "aborted: the file as it was, no temporary file");
    CHECK_STATUS(bp_atomic_open(dir, NULL, &at, &e), BP_ERR_IO);
    CHECK(at == NULL, "a directory refused, *out NULL: '%s'", e.msg);
    CHECK(bp_atomic_temp_path(NULL) == NULL, "no temporary file for NULL");
    bp_atomic_abort(NULL);

    /* every allocation refused in turn: out of memory, nothing left */
    bp_allocator a = {failing_alloc, count_free, NULL};
    int nomem = 0, other = 0;
    for (fail_at = 0;; fail_at++) {
        calls = 0;
        live = 0;
        bp_status rc = bp_atomic_open(path, &a, &at, &e);
        if (rc == BP_OK) {
            bp_atomic_write(at, "x\n", 2);
            rc = bp_atomic_commit(at, &e);
            CHECK(rc == BP_OK && live == 0,
                  "with %ld allocations it writes, and frees all", calls);
            break;
        }
        nomem += rc == BP_ERR_NOMEM && at == NULL && live == 0;
        other += rc != BP_ERR_NOMEM;
        if (fail_at > 10)
            break;
    }
    CHECK(nomem == fail_at && other == 0 && entries("at.txt.tmp.") == 0,
          "each of its %ld allocations refused in turn: out of memory, no "
          "leak, no temporary file",
          fail_at);
    fail_at = -1;
    free(file.p);
    free(stream.p);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_csv();
    test_csv_errors();
    test_many_labels();
    test_fann();
    test_idx();
    test_stdin();
    test_bpd();
    test_bpd_bytes();
    test_split_match();
    test_model_columns();
    test_allocator();
    test_write_stream();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        printf("  (could not remove %s)\n", dir);
    return tst_summary("test_data");
}
