/*
 * main.c - the backprop command's entry point; everything else is in
 * tools/backprop.c and the tools/cmd_*.c files it dispatches to.
 */
#include "cli.h"
#include "mpi.h"

int main(int argc, char **argv)
{
    par_init(&argc, &argv); /* MPI builds only; a no-op otherwise */
    int rc = cli_main(argc, argv);
    par_finalize();
    return rc;
}
