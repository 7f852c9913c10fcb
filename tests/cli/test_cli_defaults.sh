#!/bin/sh
# tests/cli/test_cli_defaults.sh - `backprop train --data FILE --save M`
# with no other option gives a good model: on real data (the wine set,
# 13 measurements on scales from 0.1 to 1680, tests/data/wine.csv) and on
# a regression whose target is in the tens of thousands (made here,
# deterministically). Each is held out and scored, not timed: the
# thresholds are far above what the old defaults reached (10 epochs of a
# 16-unit layer: 48% on wine, a negative R^2 on unscaled targets) and far
# below what the defaults reach on any kernel (100%, R^2 0.99).
# bench/defaults compares the defaults with scikit-learn's on more sets.
. "$(dirname "$0")/lib.sh"
WINE="$(dirname "$0")/../data/wine.csv"

# a quarter of the rows held out (the file is sorted by cultivar, so
# every 4th row keeps the classes' proportions)
awk -F, 'NR == 1 || NR % 4 != 2' "$WINE" >"$TMP/wine-train.csv"
awk -F, 'NR == 1 || NR % 4 == 2' "$WINE" >"$TMP/wine-test.csv"

echo "classes: the wine set with no option"
check "train" $BP train --data "$TMP/wine-train.csv" --save "$TMP/wine.bpm" --log "$TMP/wine.jsonl"
grep -q "validating on 13 held out (10%, stratified)" "$TMP/out" &&
    ok "a tenth held out for validation, stratified" || fail "$(head -n 2 "$TMP/out")"
grep -q "^early stop: no better validation loss for 10 epochs; keeping epoch [0-9]* " "$TMP/out" &&
    ok "stopped when the validation loss stopped improving" || fail "$(grep -v '^epoch' "$TMP/out")"
epochs=$(wc -l <"$TMP/wine.jsonl")
best=$(sed -n 's/.*keeping epoch \([0-9]*\) .*/\1/p' "$TMP/out")
[ "$epochs" -eq $((best + 10)) ] && ok "ran $epochs epochs: the best ($best) and 10 more" ||
    fail "ran $epochs epochs, best $best"
$BP eval --model "$TMP/wine.bpm" --data "$TMP/wine-test.csv" --json >"$TMP/eval.json"
acc=$(sed -n 's/.*"accuracy":\([0-9.e+-]*\).*/\1/p' "$TMP/eval.json")
awk -v a="$acc" 'BEGIN { exit !(a >= 0.9) }' &&
    ok "held-out accuracy $acc (>= 0.9)" || fail "held-out accuracy '$acc' (want >= 0.9)"
$BP info "$TMP/wine.bpm" >"$TMP/info"
grep -q "^layers     13 -> 100 relu -> 3 softmax$" "$TMP/info" &&
    ok "one hidden layer of 100" || fail "$(grep ^layers "$TMP/info")"

echo "--epochs N is exactly N epochs"
check "train --epochs 3" $BP train --data "$TMP/wine-train.csv" --epochs 3 --log "$TMP/three.jsonl"
[ "$(wc -l <"$TMP/three.jsonl")" -eq 3 ] && ! grep -q "early stop" "$TMP/out" &&
    ok "3 epochs, no early stop" || fail "$(wc -l <"$TMP/three.jsonl") epochs: $(grep -v '^epoch' "$TMP/out")"
check "train --epochs 40 --patience 2 --min-delta 1e9" $BP train --data "$TMP/wine-train.csv" \
    --epochs 40 --patience 2 --min-delta 1e9 --log "$TMP/two.jsonl"
[ "$(wc -l <"$TMP/two.jsonl")" -eq 3 ] && ok "with --patience too: stopped after epoch 1 and 2 more" ||
    fail "$(wc -l <"$TMP/two.jsonl") epochs"

echo "threads: any number, the same model"
check "train --threads 1" $BP train --data "$TMP/wine-train.csv" --threads 1 --save "$TMP/t1.bpm" --verbose
grep -q "1 thread$" "$TMP/out" && ok "--threads 1 is one thread" || fail "$(grep ^kernel "$TMP/out")"
check "train --threads 3" $BP train --data "$TMP/wine-train.csv" --threads 3 --save "$TMP/t3.bpm"
check "train, default threads" $BP train --data "$TMP/wine-train.csv" --save "$TMP/tn.bpm" --verbose
n=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || echo 0)
grep -qE "^kernel    .*, $n threads?$" "$TMP/out" && ok "default: the cores ($n)" ||
    fail "$(grep ^kernel "$TMP/out") (cores: $n)"
cmp -s "$TMP/t1.bpm" "$TMP/t3.bpm" && cmp -s "$TMP/t1.bpm" "$TMP/tn.bpm" &&
    ok "1, 3 and the default number of threads: identical model files" ||
    fail "the models differ with the number of threads"

echo "numbers: targets in the tens of thousands"
# y = 20000 + 4000 x1^2 + 3000 sin(2 x2) + 1500 x3 and a little ripple,
# on a grid of x that repeats nowhere in 400 rows
awk 'BEGIN { print "x1,x2,x3,price"
    for (i = 0; i < 400; i++) {
        x1 = (i * 37 % 101) / 25 - 2; x2 = (i * 53 % 97) / 32 - 1.5; x3 = (i * 71 % 89) / 44 - 1
        printf "%.4f,%.4f,%.4f,%.2f\n", x1, x2, x3,
            20000 + 4000 * x1 * x1 + 3000 * sin(2 * x2) + 1500 * x3 + 100 * sin(i * 12.9898) } }' >"$TMP/price.csv"
awk 'NR == 1 || NR % 4 != 2' "$TMP/price.csv" >"$TMP/price-train.csv"
awk 'NR == 1 || NR % 4 == 2' "$TMP/price.csv" >"$TMP/price-test.csv"
check "train" $BP train --data "$TMP/price-train.csv" --save "$TMP/price.bpm"
grep -q "validating on 30 held out (10%)" "$TMP/out" && ok "a tenth held out" || fail "$(head -n 1 "$TMP/out")"
$BP info "$TMP/price.bpm" >"$TMP/info"
grep -q "^targets    standard scaling" "$TMP/info" && ok "targets standardised, in the model" ||
    fail "$(cat "$TMP/info")"
$BP eval --model "$TMP/price.bpm" --data "$TMP/price-test.csv" --json >"$TMP/eval.json"
r2=$(sed -n 's/.*"r2":\([0-9.e+-]*\).*/\1/p' "$TMP/eval.json")
awk -v r="$r2" 'BEGIN { exit !(r >= 0.9) }' && ok "held-out R^2 $r2 (>= 0.9)" ||
    fail "held-out R^2 '$r2' (want >= 0.9)"
# predict answers in the targets' units: within 10% of the true price
$BP predict --model "$TMP/price.bpm" --data "$TMP/price-test.csv" -o "$TMP/pred.csv" 2>"$TMP/err"
paste -d, "$TMP/price-test.csv" "$TMP/pred.csv" | awk -F, 'NR > 1 { n++; d = $5 - $4; if (d < 0) d = -d; if (d <= 0.1 * $4) good++ }
    END { exit !(n == 100 && good >= 95) }' && ok "predict: in the targets' units (95 of 100 within 10%)" ||
    fail "predict: $(head -n 3 "$TMP/pred.csv")"
check "train --scale-targets none" $BP train --data "$TMP/price-train.csv" --scale-targets none \
    --save "$TMP/raw.bpm" --verbose
grep -q "^scaling   inputs standard, targets none$" "$TMP/out" && ok "targets as given on request" ||
    fail "$(grep ^scaling "$TMP/out")"
$BP info "$TMP/raw.bpm" | grep -q "^targets" && fail "info: a target scaling" || ok "info: no target scaling"
check "train --output-act sigmoid" $BP train --data "$TMP/price-train.csv" --output-act sigmoid \
    --epochs 1 --verbose
grep -q "targets none$" "$TMP/out" && ok "a bounded output: targets as given" || fail "$(grep ^scaling "$TMP/out")"
expect_exit 2 "--scale-targets on classes" $BP train --data "$TMP/wine-train.csv" --scale-targets standard
grep -q "the targets of .*wine-train.csv are classes, not numbers" "$TMP/err" && ok "says why" ||
    fail "$(cat "$TMP/err")"
expect_exit 2 "--scale-targets: an unknown kind" $BP train --data "$TMP/price-train.csv" --scale-targets log
expect_exit 2 "--min-delta -1" $BP train --data "$TMP/price-train.csv" --min-delta -1

summary cli_defaults
