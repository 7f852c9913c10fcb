/*
 * cli.h - what the backprop command's subcommands share: the table they
 * are listed in and the exit codes.
 */
#ifndef BP_CLI_H
#define BP_CLI_H

/* Exit codes: 0 success, 1 a user error (bad file, bad value), 2 a usage
 * error (unknown command or option). */
enum { CLI_OK = 0, CLI_ERR = 1, CLI_USAGE = 2 };

typedef struct {
    const char *name;
    const char *summary;               /* one line for `backprop help` */
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
} cli_command;

#include "backprop.h"

#include <stdio.h>

/* Parse helpers: on a bad value they print "backprop CMD: --OPT: ..." to
 * stderr and return non-zero, so a command can `return CLI_USAGE`. */
int cli_double(const char *cmd, const char *opt, const char *s, double lo,
               double hi, double *out);
int cli_int(const char *cmd, const char *opt, const char *s, long lo, long hi,
            int *out);
/* A comma-separated list of whole numbers, each in lo..hi, parsed as
 * integers (never through a float); *n gets the count (at most max). */
int cli_int_list(const char *cmd, const char *opt, const char *s, long lo,
                 long hi, int *out, int max, int *n);
/* A comma-separated list of numbers; *n gets the count (at most max). */
/* --kernel NAME: "auto" or a kernel this CPU runs; else a message naming
 * those it runs, and 1. */
int cli_kernel(const char *cmd, const char *name);
int cli_list(const char *cmd, const char *opt, const char *s, bp_real *out,
             int max, int *n);
/* Before any work is done: can the command write path, given to option
 * opt? Refuses (with "backprop CMD: OPT PATH: why" on stderr, and -1) a
 * file named '-' (which would be taken for standard output), a
 * directory or a name ending in '/', a path that is one of the inputs
 * (pairs of option name and path, ending with NULL; the same file under
 * another name too), a directory that is missing or not writable, and,
 * with replace (the atomic write renames over it), an existing file that
 * is not a regular file, such as /dev/null. */
int cli_check_output(const char *cmd, const char *opt, const char *path,
                     const char *const *inputs, int replace);
/* Refuses (with "backprop CMD: OPT PATH: OTHER names the same file" and
 * -1) two of the n outputs paths[] (NULL: not asked for) of one run that
 * name one file, under any spelling, where one write would replace the
 * other's; opts[] names their options. */
int cli_check_distinct(const char *cmd, const char *const *opts,
                       const char *const *paths, int n);
/* --split S (NULL: not given) for --data DATA: train or t10k, and only
 * where DATA is an IDX directory, the one form that has splits, so that
 * it is never accepted and then ignored; else a usage message and -1. */
int cli_check_split(const char *cmd, const char *data, const char *split);
/* --label COL and --header H (NULL: not given) name a CSV/TSV file's
 * columns and first line; for data read as another format
 * (bp_dataset_format: "bpd", "fann", "idx") they would be ignored, so a
 * usage message names the option and the file, and -1 (--header auto,
 * the default, is let through). */
int cli_check_csv_only(const char *cmd, const char *path, const char *format,
                       const char *label, const char *header);
/* --classes yes|no (BP_AUTO: not given) for data whose format settles it
 * (a .bpd file records whether its targets are classes; IDX labels are
 * classes) would be ignored: a usage message and -1. CSV/TSV and FANN
 * data take it. */
int cli_check_classes(const char *cmd, const char *path, const char *format,
                      bp_choice classes);
/* s as a JSON string, quoted and escaped. */
void cli_json_string(FILE *f, const char *s);
/* The loss in words and its formula, for reports ("sse" is half the sum
 * of squares), from the library's table; into buf[cap], returned. */
const char *cli_loss_text(bp_loss loss, char *buf, size_t cap);
/* "auto", "yes" or "no" (NULL: auto) for an option such as --header. */
int cli_choice(const char *cmd, const char *opt, const char *s, bp_choice *out);
/* A bp_write_fn that writes to a FILE *. */
void cli_write_file(void *file, const char *text, size_t len);

/* bp_dataset_load, noting the file for cli_mapped_guard's message: a
 * memory-mapped .bpd truncated while the command reads it then ends the
 * command with "backprop CMD: PATH: the file shrank while in use" and
 * exit 1, instead of SIGBUS (tools/mapped.c). */
bp_status cli_data_load(const char *cmd, const char *path,
                        const bp_data_opts *opts, bp_dataset **out,
                        bp_error *err);
/* Install that SIGBUS handler (main() does, before any command runs). */
void cli_mapped_guard(void);
/* The temporary file (bp_atomic_temp_path) a command writes while it
 * reads mapped data: the handler unlinks it before it exits. NULL once
 * the file is committed or aborted. */
void cli_mapped_temp(const char *path);

/* The whole command: dispatches argv[1] (tools/cli.c); main() in
 * tools/main.c only calls it, so tests and fuzzers can too. */
int cli_main(int argc, char **argv);

/* The subcommands, one file each (tools/cmd_NAME.c). */
int cmd_explain(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_playground(int argc, char **argv);

#endif
