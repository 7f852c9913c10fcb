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
    const char *summary; /* one line for `backprop help` */
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
} cli_command;

#endif
