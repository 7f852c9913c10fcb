/*
 * main.c - the backprop command's entry point; everything else is in
 * tools/cli.c and the tools/cmd_*.c files it dispatches to.
 */
#include "cli.h"
#include "mpi.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    par_init(&argc, &argv); /* MPI builds only; a no-op otherwise */
    cli_mapped_guard(); /* a mapped data file truncated: a message, exit 1 */
    int rc = cli_main(argc, argv); /* flushes and checks stdout */
    par_finalize();
    /* the last error stdio can report: closing (e.g. on NFS) */
    if (fclose(stdout) != 0 && rc == CLI_OK) {
        fprintf(stderr, "backprop: cannot write to standard output: %s\n",
                strerror(errno));
        rc = CLI_ERR;
    }
    return rc;
}
