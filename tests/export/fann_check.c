/*
 * fann_check.c - the other side of the FANN interop tests, linked with
 * Debian's libfann:
 *   fann_check run NET.net      outputs of fann_run for each input line
 *   fann_check train NET.net    train an XOR net (tanh hidden with
 *                               steepness 0.7, sigmoid output with 0.6)
 *                               in FANN and save it
 */
#include <fann.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    if (strcmp(argv[1], "train") == 0) {
        struct fann *a = fann_create_standard(3, 2, 4, 1);
        fann_set_activation_function_hidden(a, FANN_SIGMOID_SYMMETRIC);
        fann_set_activation_function_output(a, FANN_SIGMOID);
        fann_set_activation_steepness_hidden(a, 0.7f);
        fann_set_activation_steepness_output(a, 0.6f);
        srand(7);
        fann_randomize_weights(a, -2, 2);
        fann_type x[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}},
                  y[4][1] = {{0}, {1}, {1}, {0}};
        for (int e = 0; e < 3000; e++)
            for (int i = 0; i < 4; i++)
                fann_train(a, x[i], y[i]);
        int rc = fann_save(a, argv[2]);
        fann_destroy(a);
        return rc ? 1 : 0;
    }
    struct fann *a = fann_create_from_file(argv[2]);
    if (!a)
        return 1;
    unsigned n_in = fann_get_num_input(a), n_out = fann_get_num_output(a);
    fann_type in[4096];
    for (;;) {
        for (unsigned i = 0; i < n_in; i++)
            if (scanf(i ? " ,%f" : " %f", &in[i]) != 1) {
                fann_destroy(a);
                return 0;
            }
        fann_type *out = fann_run(a, in);
        for (unsigned j = 0; j < n_out; j++)
            printf("%s%.9g", j ? "," : "", (double)out[j]);
        printf("\n");
    }
}
