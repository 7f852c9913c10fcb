/*
 * driver.c - runs a network exported with `backprop export --format c`:
 * one line of comma-separated inputs per sample on stdin, the outputs on
 * stdout (%.9g). Built by tests/cli/test_cli_export.sh with
 * -DNET_H='"net.h"' -DPREDICT=name_predict -DN_IN=.. -DN_OUT=..
 */
#include NET_H

#include <stdio.h>

int main(void)
{
    float in[N_IN], out[N_OUT];
    for (;;) {
        for (int i = 0; i < N_IN; i++)
            if (scanf(i ? " ,%f" : " %f", &in[i]) != 1)
                return 0;
        PREDICT(in, out);
        for (int j = 0; j < N_OUT; j++)
            printf("%s%.9g", j ? "," : "", (double)out[j]);
        printf("\n");
    }
}
