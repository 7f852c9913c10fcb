#!/bin/sh
# tests/golden/relu-model.sh - prints a 40-32-32-4 ReLU model in the text
# form, its weights drawn by a Park-Miller generator (exact in any awk),
# for the golden summary explain-relu-summary.*.txt: a network with
# dead units and inputs wide enough for the SIMD kernels.
awk 'function r() { s = (s * 16807) % 2147483647; return s / 2147483647 - 0.5 }
BEGIN {
    s = 42; n[0] = 40; n[1] = 32; n[2] = 32; n[3] = 4
    print "backprop-model 1"; print "input 40"
    print "layer 32 relu"; print "layer 32 relu"; print "layer 4 softmax"; print "loss ce"
    for (l = 0; l < 3; l++) {
        print "weights " l
        for (j = 0; j < n[l + 1]; j++) {
            for (k = 0; k < n[l]; k++) printf " %.3f", r() * 0.6
            print ""
        }
        print "biases " l
        for (j = 0; j < n[l + 1]; j++) printf " %.3f", r() * 0.2
        print ""
    }
    print "end"
}'
