#!/bin/sh
# tools/demo.sh BUILD - the main job for now: run the seeds' examples and
# show their numbers beside the published ones.
set -e
BUILD=${1:-build}
echo "== The seeds' 2-2-2 network, every number (examples/mazur.c)"
"$BUILD"/examples/mazur
echo
echo "== A sigmoid network learns XOR (examples/xor.c)"
"$BUILD"/examples/xor
echo
echo "== The perceptron: AND, and why XOR needs two layers (examples/perceptron.c)"
"$BUILD"/examples/perceptron
