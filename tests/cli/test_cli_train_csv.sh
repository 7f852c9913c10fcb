#!/bin/sh
# tests/cli/test_cli_train_csv.sh - examples/train_csv, a program that
# reads a CSV, fits the scaler, trains, saves and predicts with library
# calls alone; its models are read by `backprop eval` like any other.
. "$(dirname "$0")/lib.sh"
EX="$BUILD/examples/train_csv"
[ -x "$EX" ] || { fail "$EX is not built"; summary cli_train_csv; exit 1; }

awk 'BEGIN { srand(3); print "length,width,height,kind";
    for (i = 0; i < 300; i++) { c = i % 3;
        printf "%.3f,%.3f,%.3f,%s\n", c * 1.2 + rand() * 1.5, 5 - c + rand() * 1.5, rand() * 3,
            c == 0 ? "small" : c == 1 ? "medium" : "large" } }' >"$TMP/kinds.csv"
check "train_csv on three named classes" "$EX" "$TMP/kinds.csv" "$TMP/kinds.bpm"
grep -q "^validation: loss .*, accuracy" "$TMP/out" && ok "it reports its validation figures" || fail "$(cat "$TMP/out")"
grep -Eq "^  row 1: (small|medium|large) \(p = " "$TMP/out" && ok "and predicts raw rows by name" || fail "$(cat "$TMP/out")"
check "backprop eval reads its model, no option needed" $BP eval --model "$TMP/kinds.bpm" --data "$TMP/kinds.csv"
acc=$(awk '/^accuracy/ { sub("%", "", $2); print $2 }' "$TMP/out")
awk -v a="$acc" 'BEGIN { exit !(a >= 85) }' && ok "accuracy $acc% (at least 85%)" || fail "accuracy '$acc'"
check "backprop info shows its scaling and target column" $BP info "$TMP/kinds.bpm"
grep -q "kind" "$TMP/out" && grep -qi "standard" "$TMP/out" && ok "kind, standard" || fail "$(cat "$TMP/out")"

awk 'BEGIN { srand(5); print "a,b,y";
    for (i = 0; i < 400; i++) { a = rand() * 10; b = rand() * 4;
        printf "%.4f,%.4f,%.4f\n", a, b, 2 * a - 3 * b + 100 + (rand() - 0.5) * 0.5 } }' >"$TMP/line.csv"
check "train_csv on a regression" "$EX" "$TMP/line.csv" "$TMP/line.bpm"
check "backprop eval on it" $BP eval --model "$TMP/line.bpm" --data "$TMP/line.csv"
r2=$(awk '/^output 1/ { print $NF }' "$TMP/out")
awk -v r="$r2" 'BEGIN { exit !(r >= 0.95) }' && ok "R^2 $r2 (at least 0.95)" || fail "R^2 '$r2': $(cat "$TMP/out")"
$BP predict --model "$TMP/line.bpm" --data "$TMP/line.csv" >"$TMP/out" 2>&1
[ "$(head -n 1 "$TMP/out")" = "y" ] && ok "predict names the output 'y'" || fail "$(head -n 2 "$TMP/out")"

expect_exit 2 "train_csv without arguments" "$EX"
printf 'a,b,c\n1,x,2\n' >"$TMP/bad.csv"
expect_exit 1 "train_csv on a bad file" "$EX" "$TMP/bad.csv" "$TMP/bad.bpm"
grep -q "bad.csv:2:2: 'x' is not a finite number (column b)" "$TMP/err" && ok "the library's message names the file" || fail "$(cat "$TMP/err")"
summary cli_train_csv
