#!/bin/sh
# tools/demo.sh BUILD - the main job: train a 784-256-128-10 network on
# Fashion-MNIST (installing Debian's dataset-fashion-mnist if it is
# missing), report test accuracy, save the model and the plots; then show
# Matt Mazur's worked example (2015) number by number.
set -e
BUILD=${1:-build}
BP="$BUILD/backprop"
DATA=/usr/share/datasets/fashion-mnist
OUT=${DEMO_OUT:-$BUILD/demo}
mkdir -p "$OUT"

if [ ! -d "$DATA" ]; then
    echo "== Fashion-MNIST is not installed; installing Debian's dataset-fashion-mnist"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dataset-fashion-mnist
fi

echo "== Training 784-256-128-10 (ReLU, softmax + cross-entropy, Adam) on Fashion-MNIST"
"$BP" train --data "$DATA" --test "$DATA" --layers 784,256,128,10 \
    --epochs "${DEMO_EPOCHS:-4}" --batch 64 --lr 0.001 --seed 1 \
    --save "$OUT/fashion.bpm" --plot "$OUT/fashion-training.svg" \
    --log "$OUT/fashion-training.jsonl"
echo
echo "== Test set (the t10k split)"
"$BP" eval --model "$OUT/fashion.bpm" --data "$DATA" --plot "$OUT/fashion-confusion.svg" |
    sed -n '1,3p'
echo
echo "model: $OUT/fashion.bpm; plots: $OUT/fashion-training.svg, $OUT/fashion-confusion.svg"
echo
echo "== Matt Mazur's worked 2-2-2 example (2015), every number (backprop explain --example mazur)"
"$BP" explain --example mazur --steps 10000
