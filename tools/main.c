/*
 * main.c - the backprop command's entry point; everything else is in
 * tools/backprop.c and the tools/cmd_*.c files it dispatches to.
 */
#include "cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv); }
