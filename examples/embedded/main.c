/*
 * main.c - a trained network inside a program that does not link
 * libbackprop: xor_net.c is what `backprop export --format c` wrote for
 * xor.model (see its first lines), one C99 file of static const weights
 * and a predict function, needing only libm.
 *
 *   cc -std=c99 main.c xor_net.c -lm && ./a.out
 *
 * (`make` builds it as build/examples/embedded; tests/cli/test_cli_export.sh
 * checks that xor_net.c is still what export writes, and that this
 * program prints what `backprop predict` prints for the same model.)
 */
#include "xor_net.h"

#include <stdio.h>

int main(void)
{
    static const float in[4][xor_N_IN] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    for (int i = 0; i < 4; i++) {
        float out[xor_N_OUT];
        xor_predict(in[i], out);
        printf("%g xor %g -> %.9g (%d)\n", in[i][0], in[i][1], out[0],
               out[0] > 0.5f);
    }
    return 0;
}
