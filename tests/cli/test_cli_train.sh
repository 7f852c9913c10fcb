#!/bin/sh
# tests/cli/test_train.sh - train, eval, predict and info on real files:
# classes and numbers from CSV, FANN .data, Fashion-MNIST; checkpoints
# that resume bit for bit; logs and plots; and clear errors.
. "$(dirname "$0")/lib.sh"
case "$BUILD" in *asan*) SLOW=1 ;; *) SLOW=0 ;; esac

# Three labelled blobs (string classes), and a linear regression, made
# with a fixed linear congruential generator so every run sees the same.
awk 'BEGIN { s = 12345; print "x1,x2,kind";
    for (i = 0; i < 300; i++) { c = i % 3;
        s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648;
        s = (s * 1103515245 + 12345) % 2147483648; v = s / 2147483648;
        cx = c == 0 ? -2 : c == 1 ? 2 : 0; cy = c == 2 ? 2.5 : 0;
        printf "%.4f,%.4f,%s\n", cx + u - 0.5, cy + v - 0.5, c == 0 ? "red" : c == 1 ? "green" : "blue" } }' >"$TMP/blobs.csv"
awk 'BEGIN { s = 7; print "a\tb\ty";
    for (i = 0; i < 200; i++) {
        s = (s * 1103515245 + 12345) % 2147483648; a = s / 2147483648 * 4 - 2;
        s = (s * 1103515245 + 12345) % 2147483648; b = s / 2147483648 * 4 - 2;
        printf "%.4f\t%.4f\t%.4f\n", a, b, 2 * a - b + 0.5 } }' >"$TMP/reg.tsv"

echo "classes from a CSV with a header and string labels"
check "train" $BP train --data "$TMP/blobs.csv" --epochs 30 --save "$TMP/blobs.bpm" --seed 3
grep -q "^epoch 30/30 .*val_acc" "$TMP/out" && ok "epoch lines with validation" ||
    fail "no epoch lines"
grep -q "$(printf '\r')" "$TMP/out" && fail "a progress bar without a terminal" ||
    ok "no progress bar when not on a terminal"
check "eval" $BP eval --model "$TMP/blobs.bpm" --data "$TMP/blobs.csv"
acc=$(awk '/^accuracy/ { sub("%", "", $2); print $2 }' "$TMP/out")
near "$acc" 100 0.1 && ok "accuracy $acc% >= 90%" || fail "accuracy $acc%"
grep -q "^red " "$TMP/out" && ok "per-class lines by name" || fail "no per-class lines"
check "info" $BP info "$TMP/blobs.bpm"
grep -q "classes    3: blue green red" "$TMP/out" && ok "classes stored, sorted" ||
    fail "classes: $(grep classes "$TMP/out")"
grep -q "scaling    standard" "$TMP/out" && ok "scaling stored" || fail "no scaling"
printf 'x1,x2\n-2,0\n2,0\n0,2.5\n' >"$TMP/new.csv"
check "predict inputs alone" $BP predict --model "$TMP/blobs.bpm" --data "$TMP/new.csv" -o "$TMP/pred.csv"
[ "$(cut -d, -f1 "$TMP/pred.csv" | tr '\n' ' ')" = "class red green blue " ] &&
    ok "predictions: $(cut -d, -f1 "$TMP/pred.csv" | tail -n 3 | tr '\n' ' ')" ||
    fail "predictions: $(cat "$TMP/pred.csv" | tr '\n' ' ')"

echo "numbers from a TSV"
check "train regression" $BP train --data "$TMP/reg.tsv" --hidden 8 --hidden-act tanh --lr 0.01 --epochs 60 --save "$TMP/reg.bpm"
check "eval regression" $BP eval --model "$TMP/reg.bpm" --data "$TMP/reg.tsv" --json
r2=$(sed 's/.*"r2":\([-0-9.e]*\).*/\1/' "$TMP/out")
near "$r2" 1 0.02 && ok "R^2 $r2 > 0.98" || fail "R^2 '$r2'"

echo "FANN .data, the layer-wise order, RPROP"
printf '4 2 1\n0 0\n0\n0 1\n1\n1 0\n1\n1 1\n0\n' >"$TMP/xor.data"
check "xor" $BP train --data "$TMP/xor.data" --hidden 3 --hidden-act tanh --output-act sigmoid --loss sse --optim rprop --batch 4 --epochs 300 --scale none --order standard --save "$TMP/xor.bpm" --quiet
check "predict xor" $BP predict --model "$TMP/xor.bpm" --data "$TMP/xor.data"
[ "$(tail -n 4 "$TMP/out" | awk '{ printf "%d", ($1 > 0.5) }')" = "0110" ] &&
    ok "XOR learned: $(tail -n 4 "$TMP/out" | tr '\n' ' ')" || fail "XOR: $(cat "$TMP/out" | tr '\n' ' ')"
check "the layer-wise order trains too" $BP train --data "$TMP/xor.data" --hidden 3 --optim sgd --lr 0.5 --epochs 5 --order layer-wise --quiet
expect_exit 2 "--order seeds is no longer a word of the command" $BP train --data "$TMP/xor.data" --order seeds

echo "FANN .data written and read back"
check "convert CSV to .data" $BP convert --data "$TMP/blobs.csv" -o "$TMP/blobs.data"
[ "$(head -n 1 "$TMP/blobs.data")" = "300 2 3" ] && ok "header: 300 2 3" || fail "header: $(head -n 1 "$TMP/blobs.data")"
check "convert it back" $BP convert --data "$TMP/blobs.data" -o "$TMP/again.data"
cmp -s "$TMP/blobs.data" "$TMP/again.data" && ok "round trip exact" || fail "round trip differs"
check "eval the CSV model on the .data file" $BP eval --model "$TMP/blobs.bpm" --data "$TMP/blobs.data"
grep -q "^accuracy  100.00%\|^accuracy   9[0-9]" "$TMP/out" && ok "same accuracy through FANN's format" || fail "$(grep accuracy "$TMP/out")"

echo "extremes: a constant column, one sample, huge values"
printf 'a,b,c,y\n1,5,0.5,x\n2,5,0.1,y\n3,5,0.9,x\n4,5,0.2,y\n' >"$TMP/const.csv"
check "a constant column" $BP train --data "$TMP/const.csv" --epochs 3 --save "$TMP/const.bpm" --quiet
check "eval with it" $BP eval --model "$TMP/const.bpm" --data "$TMP/const.csv"
grep -q "^loss *[0-9]" "$TMP/out" && ok "finite loss: $(grep '^loss' "$TMP/out")" || fail "$(cat "$TMP/out")"
printf 'a,b,y\n1,2,3\n' >"$TMP/one.csv"
check "a data set of one sample" $BP train --data "$TMP/one.csv" --epochs 3 --quiet
printf 'a,b,y\n1e30,-1e30,0\n-1e30,1e30,1\n1,2,0\n' >"$TMP/huge.csv"
check "inputs of +-1e30" $BP train --data "$TMP/huge.csv" --classes yes --epochs 3 --quiet
check "batch larger than the data, zero epochs" $BP train --data "$TMP/one.csv" --epochs 0 --batch 1000 --quiet

echo "a checkpoint resumes bit for bit"
common="--data $TMP/blobs.csv --hidden 6 --optim momentum --lr 0.05 --batch 16 --seed 5 --quiet"
check "4 epochs straight" $BP train $common --epochs 4 --save "$TMP/straight.bpm"
check "2 epochs with checkpoints" $BP train $common --epochs 2 --checkpoint "$TMP/ckpt.bpm" --log "$TMP/log.jsonl"
check "resume to 4" $BP train --data "$TMP/blobs.csv" --resume "$TMP/ckpt.bpm" --epochs 4 --save "$TMP/resumed.bpm" --quiet --log "$TMP/log.jsonl"
cmp -s "$TMP/straight.bpm" "$TMP/resumed.bpm" && ok "resumed model == uninterrupted model" ||
    fail "resumed model differs"
[ "$(grep -c '^{"epoch":[1-4],"train_loss":' "$TMP/log.jsonl")" -eq 4 ] &&
    ok "one JSON line per epoch, across the resume" || fail "log: $(cat "$TMP/log.jsonl")"
check "a checkpoint in the middle of epoch 2" $BP train $common --epochs 2 --checkpoint "$TMP/mid.bpm" --checkpoint-every 1000 --checkpoint-batches 4
$BP info "$TMP/mid.bpm" | grep -q "^checkpoint epoch 1 of 2" && ok "written mid-epoch" || fail "$($BP info "$TMP/mid.bpm" | grep checkpoint)"
check "2 epochs straight" $BP train $common --epochs 2 --save "$TMP/straight2.bpm"
check "resume mid-epoch" $BP train --data "$TMP/blobs.csv" --resume "$TMP/mid.bpm" --save "$TMP/resumed2.bpm" --quiet
cmp -s "$TMP/straight2.bpm" "$TMP/resumed2.bpm" && ok "resumed mid-epoch == uninterrupted" ||
    fail "resumed mid-epoch differs"
expect_exit 1 "resume from a model, not a checkpoint" $BP train --data "$TMP/blobs.csv" --resume "$TMP/straight.bpm"

echo "L1 and L2 regularization: shown, logged, checkpointed"
reg="--data $TMP/blobs.csv --hidden 6 --optim adam --batch 16 --seed 5 --l1 0.001 --l2 0.01"
check "--l1 and --l2" $BP train $reg --epochs 3 --save "$TMP/reg3.bpm" --log "$TMP/reg.jsonl" --verbose
grep -q "^epoch  3/3  loss [0-9.]*  penalty [0-9.]*  acc" "$TMP/out" &&
    ok "the epoch line shows the penalty beside the loss" || fail "$(grep '^epoch' "$TMP/out")"
grep -q "l1 0.001, l2 0.01" "$TMP/out" && ok "--verbose names the rates" ||
    fail "$(grep optimizer "$TMP/out")"
[ "$(grep -c '"penalty":' "$TMP/reg.jsonl")" -eq 3 ] && ok "the log has the penalty" ||
    fail "log: $(cat "$TMP/reg.jsonl")"
check "without them" $BP train $common --epochs 3 --save "$TMP/noreg3.bpm"
cmp -s "$TMP/reg3.bpm" "$TMP/noreg3.bpm" && fail "the penalty changed nothing" ||
    ok "the penalty changes the weights"
check "2 epochs with a checkpoint" $BP train $reg --epochs 2 --checkpoint "$TMP/reg.ckpt" --quiet
check "resume to 3" $BP train --data "$TMP/blobs.csv" --resume "$TMP/reg.ckpt" --epochs 3 --save "$TMP/regr.bpm" --quiet
cmp -s "$TMP/reg3.bpm" "$TMP/regr.bpm" && ok "the rates travel in the checkpoint: resumed == straight" ||
    fail "resumed with regularization differs"
expect_exit 2 "--l2 with --resume" $BP train --data "$TMP/blobs.csv" --resume "$TMP/reg.ckpt" --l2 0.5
grep -q "resumed run continues with its checkpoint.s" "$TMP/err" &&
    ok "and says the checkpoint's optimizer is kept" || fail "$(cat "$TMP/err")"
# the network's shape, its scaling and its seed are the checkpoint's too:
# a given one was silently ignored (the run said nothing and trained the
# checkpoint's 2-100-2 on)
for o in "--layers 2,5,3" "--hidden 7" "--hidden-act tanh" "--output-act sigmoid" \
         "--loss sse" "--init he-normal" "--scale none" "--seed 9"; do
    expect_exit 2 "$o with --resume" $BP train --data "$TMP/blobs.csv" --resume "$TMP/reg.ckpt" $o --save "$TMP/ignored.bpm"
    grep -q -- "${o%% *} with --resume: .*the checkpoint's" "$TMP/err" || fail "  message: $(cat "$TMP/err")"
done
[ ! -e "$TMP/ignored.bpm" ] && ok "nothing trained or saved" || fail "a run with an ignored option saved a model"
expect_exit 2 "--l1 -1" $BP train --data "$TMP/blobs.csv" --l1 -1

echo "plots"
check "plot" $BP train --data "$TMP/blobs.csv" --epochs 5 --plot "$TMP/plot.svg" --quiet
grep -q "<polyline" "$TMP/plot.svg" && ok "SVG has curves" || fail "no curves in the SVG"
if command -v rsvg-convert >/dev/null 2>&1; then
    rsvg-convert "$TMP/plot.svg" -o "$TMP/plot.png" && [ -s "$TMP/plot.png" ] &&
        ok "the SVG renders (rsvg-convert)" || fail "the SVG does not render"
else
    skip "the plot renders: rsvg-convert missing (apt-get install librsvg2-bin)"
fi

echo "eval plots: confusion heat map, decision regions"
check "eval --plot --regions" $BP eval --model "$TMP/blobs.bpm" --data "$TMP/blobs.csv" --plot "$TMP/cm.svg" --regions "$TMP/regions.svg"
check "regions of a one-output net" $BP eval --model "$TMP/xor.bpm" --data "$TMP/xor.data" --regions "$TMP/xor.svg"
for f in cm regions xor plot; do
    if ! command -v rsvg-convert >/dev/null 2>&1; then
        skip "$f.svg renders: rsvg-convert missing (apt-get install librsvg2-bin)"
    elif rsvg-convert "$TMP/$f.svg" -o "$TMP/$f.png"; then
        # a blank picture compresses to a few hundred bytes
        size=$(wc -c <"$TMP/$f.png")
        [ "$size" -gt 3000 ] && ok "$f.svg renders, $size-byte PNG" || fail "$f.svg renders blank ($size bytes)"
    else
        fail "$f.svg does not render"
    fi
done
printf 'a,b,c,y\n1,2,3,4\n2,3,4,5\n3,4,5,6\n' >"$TMP/three.csv"
$BP train --data "$TMP/three.csv" --epochs 1 --save "$TMP/three.bpm" --quiet
expect_exit 2 "--regions needs two inputs" $BP eval --model "$TMP/three.bpm" --data "$TMP/three.csv" --regions "$TMP/r.svg"
check "predict --proba" $BP predict --model "$TMP/blobs.bpm" --data "$TMP/new.csv" --proba
[ "$(head -n 1 "$TMP/out")" = "class,p_blue,p_green,p_red" ] && ok "probability columns" ||
    fail "header: $(head -n 1 "$TMP/out")"

echo "a diverging run stops and leaves the checkpoint intact"
check "a good checkpoint" $BP train --data "$TMP/reg.tsv" --epochs 1 --checkpoint "$TMP/div.bpm" --quiet
sum_before=$(cksum <"$TMP/div.bpm")
expect_exit 1 "lr 1e6" $BP train --data "$TMP/reg.tsv" --optim sgd --lr 1e6 --hidden 32 --epochs 5 --checkpoint "$TMP/div2.bpm" --save "$TMP/div.bpm"
grep -q "epoch 1, batch [0-9]*: .*NaN or Inf.*learning rate" "$TMP/err" && ok "names epoch and batch, suggests a remedy" ||
    fail "message: $(cat "$TMP/err")"
[ "$(cksum <"$TMP/div.bpm")" = "$sum_before" ] && ok "the earlier model file is untouched" ||
    fail "the earlier model file changed"

if [ -d /usr/share/datasets/fashion-mnist ] && [ $SLOW -eq 0 ]; then
    echo "Fashion-MNIST, one epoch"
    check "train" $BP train --data /usr/share/datasets/fashion-mnist --test /usr/share/datasets/fashion-mnist --epochs 1 --hidden 64 --batch 64 --save "$TMP/f.bpm"
    acc=$(awk '/^epoch/ { for (i = 1; i <= NF; i++) if ($i == "val_acc") { sub("%", "", $(i+1)); print $(i+1) } }' "$TMP/out")
    near "$acc" 90 0.1 && ok "test accuracy $acc% after one epoch (>= 81%)" || fail "test accuracy '$acc'"
    check "eval on t10k" $BP eval --model "$TMP/f.bpm" --data /usr/share/datasets/fashion-mnist
    grep -q "^samples   10000" "$TMP/out" && ok "10000 test samples" || fail "$(head -1 "$TMP/out")"
elif [ $SLOW -eq 1 ]; then
    skip "one epoch of Fashion-MNIST: left to the float and double builds (sanitizers are slow)"
else
    skip "one epoch of Fashion-MNIST: no data set (apt-get install dataset-fashion-mnist)"
fi

echo "bad input"
expect_exit 1 "no such file" $BP train --data "$TMP/none.csv"
grep -q "none.csv" "$TMP/err" && ok "names the file" || fail "file not named"
printf 'a,b,c\n1,2,x\n3,oops,y\n' >"$TMP/bad.csv"
expect_exit 1 "not a number" $BP train --data "$TMP/bad.csv"
grep -q "bad.csv:3:2: 'oops'" "$TMP/err" && ok "file:line:column" || fail "$(cat "$TMP/err")"
printf 'a,b,c\n1,2,x\n3,4\n' >"$TMP/ragged.csv"
expect_exit 1 "ragged rows" $BP train --data "$TMP/ragged.csv"
grep -q "ragged.csv:3: 2 fields" "$TMP/err" && ok "names the line" || fail "$(cat "$TMP/err")"
printf '4 2 1\n0 0\n0\n0 1\n' >"$TMP/short.data"
expect_exit 1 "truncated FANN file" $BP train --data "$TMP/short.data"
grep -q "short.data:5: the file ends in pair 2 of 4" "$TMP/err" && ok "names the line" || fail "$(cat "$TMP/err")"
expect_exit 2 "layers that do not fit" $BP train --data "$TMP/blobs.csv" --layers 3,8,3
expect_exit 2 "unknown option" $BP train --data "$TMP/blobs.csv" --frobnicate
expect_exit 2 "bad value" $BP train --data "$TMP/blobs.csv" --lr fast
# no validation data: patience watches the training loss
expect_exit 0 "patience without validation" $BP train --data "$TMP/blobs.csv" --patience 3 --min-delta 1e9 --val-split 0
grep -q "early stop: no better training loss for 3 epochs; keeping epoch 1 " "$TMP/err" &&
    ok "stopped on the training loss" || fail "$(grep -v '^epoch' "$TMP/err")"
expect_exit 2 "no data" $BP train
expect_exit 1 "save into a missing directory" $BP train --data "$TMP/blobs.csv" --epochs 1 --save "$TMP/nodir/m.bpm"
[ ! -e "$TMP/nodir" ] && ok "nothing half-written" || fail "something was written"
expect_exit 1 "eval a model on data of another shape" $BP eval --model "$TMP/blobs.bpm" --data "$TMP/reg.tsv"
expect_exit 0 "train --help" $BP train --help
expect_exit 2 "unknown command" $BP frobnicate

summary cli_train
