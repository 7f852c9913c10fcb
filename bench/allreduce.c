/*
 * allreduce.c - what one step's gradient exchange costs here: the
 * in-place MPI_Allreduce (sum) of the Fashion-MNIST net's 235,146 float
 * gradients, as bp_train's MPI hook does it once per step (one epoch's
 * 469 calls, best of 5). Run by bench/run.sh with 2 ranks.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int n = argc > 1 ? atoi(argv[1]) : 235146;
    float *g = calloc((size_t)n, sizeof *g);
    double best = 1e30;
    for (int r = 0; g && r < 5; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        const double t0 = MPI_Wtime();
        for (int i = 0; i < 469; i++)
            MPI_Allreduce(MPI_IN_PLACE, g, n, MPI_FLOAT, MPI_SUM,
                          MPI_COMM_WORLD);
        const double t = (MPI_Wtime() - t0) / 469;
        best = t < best ? t : best;
    }
    if (rank == 0)
        printf("allreduce_ranks %d\nallreduce_floats %d\nallreduce_us %.1f\n",
               size, n, best * 1e6);
    free(g);
    MPI_Finalize();
    return 0;
}
