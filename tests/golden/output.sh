#!/bin/sh
# tests/golden/output.sh "BACKPROP" NAME - print what the golden output
# tests/golden/explain-NAME.PRECISION.txt records, by running the command
# that makes it; tests/golden/output.sh --list names them all. BACKPROP
# may be several words (a command under qemu: "qemu-aarch64 -L
# /usr/aarch64-linux-gnu build-cross/aarch64/backprop"). make golden
# writes the files from these recipes; make check-cross compares them
# with what the other CPUs print.
NAMES="mazur mazur-summary relu-summary cross-entropy perceptron-and xor deep-sigmoid"
if [ "$1" = --list ]; then
    echo $NAMES
    exit 0
fi
BP=$1
name=$2
case $name in
mazur-summary)
    $BP explain --example mazur --summary ;;
relu-summary)
    # a SIMD kernel's matrix-vector product rounds differently: the
    # golden is the portable kernel's
    model=$(mktemp)
    trap 'rm -f "$model"' EXIT
    sh "$(dirname "$0")/relu-model.sh" >"$model"
    BP_KERNEL=portable $BP explain --model "$model" --target 0,0,1,0 \
        --input "$(awk 'BEGIN { for (i = 1; i <= 40; i++) printf "%s%.2f", (i > 1 ? "," : ""), sin(i) }')" ;;
mazur|cross-entropy|perceptron-and|xor|deep-sigmoid)
    $BP explain --example "$name" ;;
*)
    echo "tests/golden/output.sh: no recipe for the golden output '$name'" >&2
    exit 2 ;;
esac
