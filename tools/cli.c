/*
 * cli.c - the command-line tool: finds the subcommand and hands it
 * its arguments. Each subcommand lives in its own tools/cmd_*.c.
 */
#include "backprop.h"
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const cli_command commands[] = {
    {"help", "show this help, or a command's: backprop help COMMAND", cmd_help},
    {"train", "train a network on a data set and save the model", cmd_train},
    {"eval", "measure a model on labelled data", cmd_eval},
    {"predict", "a model's outputs for new data, as CSV", cmd_predict},
    {"convert",
     "a data set as a FANN .data file or a .bpd file (binary, "
     "memory-mapped by train)",
     cmd_convert},
    {"export", "a model as standalone C, ONNX or a FANN .net file", cmd_export},
    {"import", "a FANN .net file as a model", cmd_import},
    {"explain",
     "every number of both phases for one sample; any network "
     "on one screen",
     cmd_explain},
    {"info", "what a model file holds", cmd_info},
    {"playground", "serve the browser playground (on 127.0.0.1 unless --host)",
     cmd_playground},
    {"version", "print the version and the number precision", cmd_version},
};
static const int n_commands = (int)(sizeof commands / sizeof *commands);

static void usage(FILE *f)
{
    fprintf(f,
            "usage: backprop COMMAND [OPTIONS]\n\n"
            "Feed-forward neural networks trained by backpropagation.\n\n"
            "commands:\n");
    for (int i = 0; i < n_commands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n`backprop COMMAND --help` describes a command.\n");
}

static const cli_command *find(const char *name)
{
    for (int i = 0; i < n_commands; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int cmd_version(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: backprop version\n\nPrint the version and whether "
               "numbers are float32 or double.\n");
        return CLI_OK;
    }
    if (argc > 1) {
        fprintf(stderr, "backprop version: takes no arguments\n");
        return CLI_USAGE;
    }
    printf("backprop %s (%s)\n", BP_VERSION,
           bp_real_size() == 8 ? "double" : "float32");
    return CLI_OK;
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return CLI_OK;
    }
    const cli_command *c = find(argv[1]);
    if (!c) {
        fprintf(stderr, "backprop help: unknown command '%s'\n", argv[1]);
        return CLI_USAGE;
    }
    if (argc > 2) {
        fprintf(stderr,
                "backprop help: one command at a time ('%s' "
                "after '%s')\n",
                argv[2], argv[1]);
        return CLI_USAGE;
    }
    char help[] = "--help";
    char *args[] = {argv[1], help, NULL};
    return c->run(2, args);
}

/* Output lost on its way (a full disk, /dev/full, a file system gone) is
 * a failure like any other, but stdio only tells when asked: every
 * command's output is flushed and checked here, so a command that wrote
 * its results to stdout cannot exit 0 without them. */
static int check_stdout(const char *cmd, int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    const int e = errno;
    if (rc != CLI_OK) { /* the command failed and said why already */
        clearerr(stdout);
        return rc;
    }
    fprintf(stderr, "backprop%s%s: cannot write to standard output: %s\n",
            cmd ? " " : "", cmd ? cmd : "", e ? strerror(e) : "write error");
    clearerr(stdout);
    return CLI_ERR;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    /* --help CMD is help CMD; a word after --version is refused there */
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        if (argc > 2)
            return cmd_help(argc - 1, argv + 1);
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(argc - 1, argv + 1);
    const cli_command *c = find(argv[1]);
    if (!c) {
        fprintf(stderr, "backprop: unknown command '%s' (see backprop help)\n",
                argv[1]);
        return CLI_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}

int cli_main(int argc, char **argv)
{
    const int rc = dispatch(argc, argv);
    return check_stdout(argc > 1 && find(argv[1]) ? argv[1] : NULL, rc);
}
