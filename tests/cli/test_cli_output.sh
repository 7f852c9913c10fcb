#!/bin/sh
# tests/cli/test_cli_output.sh - what the commands write: output that
# cannot be written is an error (exit 1 and a message, never exit 0 with
# nothing written), and predict's CSV reads back as what it means.
. "$(dirname "$0")/lib.sh"

printf 'x1,x2,kind\n0,0,red\n1,1,blue\n0,1,red\n1,0,blue\n0.1,0.1,red\n0.9,0.9,blue\n' >"$TMP/ok.csv"
$BP train --data "$TMP/ok.csv" --epochs 2 --save "$TMP/m.bpm" --quiet || fail "fixture model"
printf 'x,y\n' >"$TMP/reg.csv"
awk 'BEGIN { for (i = 0; i < 40; i++) printf "%g,%g\n", i / 10, 3 * i / 10 + 1 }' >>"$TMP/reg.csv"
# targets as given (not scaled): eval's loss is then half its mse
$BP train --data "$TMP/reg.csv" --epochs 2 --scale-targets none --save "$TMP/r.bpm" --quiet || fail "fixture regression model"

echo "standard output that cannot be written (/dev/full)"
# full COMMAND...: the command's stdout goes to /dev/full; it must exit 1
# and its last line on stderr must say so
full() {
    "$@" >/dev/full 2>"$TMP/err"
    got=$?
    if [ "$got" -eq 1 ] && tail -n 1 "$TMP/err" | grep -q "^backprop.*: cannot write to standard output"; then
        ok "exit 1: $(tail -n 1 "$TMP/err")"
    else
        fail "exit $got with stdout on /dev/full: $*: $(head -n 3 "$TMP/err")"
    fi
}
if [ -w /dev/full ]; then
    full $BP info "$TMP/m.bpm"
    full $BP eval --model "$TMP/m.bpm" --data "$TMP/ok.csv"
    full $BP eval --model "$TMP/m.bpm" --data "$TMP/ok.csv" --json
    full $BP eval --model "$TMP/r.bpm" --data "$TMP/reg.csv"
    full $BP predict --model "$TMP/m.bpm" --data "$TMP/ok.csv"
    full $BP explain --example mazur
    full $BP explain --example perceptron-and
    full $BP explain --model "$TMP/m.bpm" --input 1,0 --target 0,1
    full $BP export --model "$TMP/m.bpm" --format c -o "$TMP/n.c"
    full $BP train --data "$TMP/ok.csv" --epochs 1
    full $BP version
    full $BP --help
    full $BP help
    for c in train eval predict convert export import explain info playground version; do
        full $BP $c --help
    done
else
    skip "the /dev/full tests: this system has no writable /dev/full"
fi

echo "predict's CSV quotes class names (RFC 4180), read back by Python's csv module"
PY=/usr/bin/python3
printf 'a,b,who\n' >"$TMP/names.csv"
awk 'BEGIN { for (i = 0; i < 60; i++) { c = i % 3;
    printf "%g,%g,%s\n", c + (i % 7) / 10, (c == 1) + (i % 5) / 10,
        c == 0 ? "\"Smith, John\"" : c == 1 ? "\"say \"\"hi\"\"\"" : "\"two\nlines\"" } }' >>"$TMP/names.csv"
if $BP train --data "$TMP/names.csv" --epochs 300 --batch 8 --lr 0.05 --val-split 0 --save "$TMP/names.bpm" --quiet &&
   $BP predict --model "$TMP/names.bpm" --data "$TMP/names.csv" --proba -o "$TMP/pred.csv"; then
    ok "trained on three awkward class names and predicted"
else
    fail "train/predict on names.csv"
fi
if [ -x "$PY" ]; then
    $PY - "$TMP/pred.csv" "$TMP/names.csv" >"$TMP/py.out" 2>&1 <<'PYEOF'
import csv, sys
names = ["Smith, John", 'say "hi"', "two\nlines"]
with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f, strict=True))
with open(sys.argv[2], newline="") as f:
    truth = [r[2] for r in list(csv.reader(f))[1:]]
bad = []
if rows[0] != ["class"] + ["p_" + n for n in names]:
    bad.append("header %r" % rows[0])
if len(rows) != 61:
    bad.append("%d rows, want 61" % len(rows))
for r in rows[1:]:
    if len(r) != 4 or r[0] not in names:
        bad.append("row %r" % r)
        break
    if abs(sum(map(float, r[1:])) - 1) > 1e-5:
        bad.append("probabilities %r" % r)
        break
right = sum(r[0] == t for r, t in zip(rows[1:], truth))
seen = len(set(r[0] for r in rows[1:]))
print("%d of 60 predicted right, %d distinct classes predicted" % (right, seen))
if seen < 3:
    bad.append("only %d classes predicted: the names are not all tested" % seen)
print("; ".join(bad) if bad else "OK")
PYEOF
    if tail -n 1 "$TMP/py.out" | grep -q '^OK$'; then
        ok "csv.reader(strict=True) reads 61 rows of 4 fields, every class name whole ($(head -n 1 "$TMP/py.out"))"
    else
        fail "python's csv: $(cat "$TMP/py.out")"
    fi
else
    skip "reading predict's CSV back: no $PY (apt-get install python3)"
fi
$BP eval --model "$TMP/names.bpm" --data "$TMP/names.csv" --json >"$TMP/eval.json"
if [ -x "$PY" ]; then
    $PY -c 'import json, sys; d = json.load(open(sys.argv[1])); n = [c["name"] for c in d["classes"]]; assert n == ["Smith, John", "say \"hi\"", "two\nlines"], n; print("OK")' \
        "$TMP/eval.json" >"$TMP/py.out" 2>&1 && ok "eval --json: valid JSON, class names escaped" || fail "eval --json: $(tail -n 2 "$TMP/py.out")"
fi
$BP eval --model "$TMP/names.bpm" --data "$TMP/names.csv" >"$TMP/eval.txt"
grep -q "^Smith, John " "$TMP/eval.txt" && grep -q "^two?lines " "$TMP/eval.txt" && ! grep -q "^lines" "$TMP/eval.txt" &&
    ok "eval's table: whole names, a line break shown as ?" || fail "eval's table: $(cat "$TMP/eval.txt")"

echo "what info and eval say"
$BP info examples/mazur.model >"$TMP/info" 2>&1
[ "$(grep -c '^  layer [12] .*; biases frozen$' "$TMP/info")" -eq 2 ] &&
    ok "info: both layers' biases frozen (the worked example's)" || fail "info: $(grep layer "$TMP/info")"
grep -qF "loss       sse: squared error, 1/2 (t - out)^2 summed over the outputs, summed over the batch" "$TMP/info" &&
    ok "info: the loss named in words" || fail "info: $(grep ^loss "$TMP/info")"
$BP info "$TMP/m.bpm" >"$TMP/info" 2>&1
grep -q "frozen" "$TMP/info" && fail "info: a trained model reported frozen: $(grep frozen "$TMP/info")" ||
    ok "info: nothing frozen in a trained model, nothing said"
$BP info "$TMP/names.bpm" >"$TMP/info" 2>&1
grep -qF 'classes    3: "Smith, John" "say \"hi\"" "two\nlines"' "$TMP/info" &&
    ok "info: class names quoted and escaped where needed" || fail "info: $(grep classes "$TMP/info")"
$BP eval --model "$TMP/r.bpm" --data "$TMP/reg.csv" >"$TMP/eval.txt"
grep -qE "^output 1  (y  )?mse [0-9.e+-]+  rmse [0-9.e+-]+  mae [0-9.e+-]+  r2 -?[0-9.]+$" "$TMP/eval.txt" &&
    ok "eval on numbers: mse, rmse, mae, r2" || fail "eval: $(cat "$TMP/eval.txt")"
# each number read after its name, whether or not the output is named
awk '/^output 1/ { for (i = 1; i < NF; i++) v[$i] = $(i + 1); d = v["rmse"] * v["rmse"] - v["mse"]; if (d < 0) d = -d;
    exit !(v["mse"] > 0 && d <= 1e-4 * v["mse"]) }' "$TMP/eval.txt" &&
    ok "rmse^2 = mse" || fail "rmse and mse disagree: $(grep ^output "$TMP/eval.txt")"
grep -qF "(squared error, 1/2 (t - out)^2 summed over the outputs, mean over the samples)" "$TMP/eval.txt" &&
    ok "eval: the loss named with its formula (half the squares, not 'sse')" || fail "eval: $(grep ^loss "$TMP/eval.txt")"
awk '/^loss/ { l = $2 } /^output 1/ { for (i = 1; i < NF; i++) if ($i == "mse") m = $(i + 1) } END { d = l - m / 2; if (d < 0) d = -d; exit !(d <= 1e-4 * l) }' "$TMP/eval.txt" &&
    ok "and it is half the mse" || fail "loss is not mse / 2: $(head -n 3 "$TMP/eval.txt")"
printf 'x,y\n1,5\n2,5\n3,5\n' >"$TMP/flat.csv"
$BP eval --model "$TMP/r.bpm" --data "$TMP/flat.csv" --json >"$TMP/flat.json"
grep -q '"r2":null' "$TMP/flat.json" && ok "constant targets: r2 null in JSON, not nan" || fail "$(cat "$TMP/flat.json")"

echo "plots: what the held-out set is called, a legend off the curves, a key to the regions"
$BP train --data "$TMP/names.csv" --test "$TMP/names.csv" --epochs 3 --plot "$TMP/curves.svg" --quiet
grep -q ">test loss<" "$TMP/curves.svg" && grep -q ">test accuracy<" "$TMP/curves.svg" &&
    ! grep -q "validation" "$TMP/curves.svg" && ok "with --test the curves are 'test loss' and 'test accuracy'" ||
    fail "curves with --test: $(grep -o '>[a-z]* [a-z]*<' "$TMP/curves.svg" | tr '\n' ' ')"
$BP train --data "$TMP/names.csv" --val-split 0.2 --epochs 3 --plot "$TMP/curves.svg" --quiet
grep -q ">validation loss<" "$TMP/curves.svg" && ok "with --val-split, 'validation loss'" || fail "no validation legend"
# every legend entry lies below the plot area (y > its bottom edge), so no curve passes under it
awk -F'"' '/<rect x="70" y="50"/ { for (i = 1; i < NF; i++) { if ($i ~ / height=$/) bottom = 50 + $(i + 1) } }
    /<g><line/ { for (i = 1; i < NF; i++) if ($i ~ / y1=$/) { n++; if ($(i + 1) <= bottom) bad++ } }
    END { exit !(n == 3 && bottom > 0 && bad == 0) }' "$TMP/curves.svg" &&
    ok "the legend's 3 entries lie below the plot area" || fail "the legend overlaps the plot area"
$BP eval --model "$TMP/names.bpm" --data "$TMP/names.csv" --regions "$TMP/regions.svg" >/dev/null
grep -q ">input 1<" "$TMP/regions.svg" && grep -q ">input 2<" "$TMP/regions.svg" &&
    ok "decision regions: both axes named" || fail "decision regions: no axis names"
grep -q ">Smith, John<" "$TMP/regions.svg" && grep -q ">say &quot;hi&quot;<" "$TMP/regions.svg" && grep -q ">two?lines<" "$TMP/regions.svg" &&
    ok "and a key naming each class" || fail "no class key: $(grep -o '<text[^>]*>[^<]*</text>' "$TMP/regions.svg" | tail -5)"
if command -v rsvg-convert >/dev/null 2>&1; then
    rsvg-convert "$TMP/curves.svg" -o "$TMP/curves.png" && rsvg-convert "$TMP/regions.svg" -o "$TMP/regions.png" &&
        ok "both render (rsvg-convert)" || fail "rsvg-convert refused a plot"
else
    skip "rendering the plots: no rsvg-convert (apt-get install librsvg2-bin)"
fi

echo "outputs named after the training file's target columns"
printf 'backprop-model 1\ninput 1\nlayer 2 identity\nloss sse mean\nweights 0\n 2\n -1\nbiases 0\n 1 0\ncolumns 3\ntarget 2 "price, USD"\ntarget 3 weight\nend\n' >"$TMP/named.txt"
if $BP info "$TMP/named.txt" >/dev/null 2>&1; then
    printf 'x\n1\n2\n' >"$TMP/x.csv"
    $BP predict --model "$TMP/named.txt" --data "$TMP/x.csv" >"$TMP/named.csv"
    [ "$(head -n 1 "$TMP/named.csv")" = '"price, USD",weight' ] && [ "$(sed -n 2p "$TMP/named.csv")" = '3,-1' ] &&
        ok "predict's header: \"price, USD\",weight" || fail "predict: $(tr '\n' '|' <"$TMP/named.csv")"
    printf 'x,p,w\n1,3,-1\n2,5,-3\n' >"$TMP/xt.csv"
    $BP eval --model "$TMP/named.txt" --data "$TMP/xt.csv" --label 2,3 >"$TMP/named.eval" 2>&1
    grep -q "^output 1  price, USD  mse " "$TMP/named.eval" && grep -q "^output 2  weight  mse " "$TMP/named.eval" &&
        ok "eval names each output" || fail "eval: $(cat "$TMP/named.eval")"
else
    fail "a text model with columns and targets does not load: $($BP info "$TMP/named.txt" 2>&1)"
fi

summary cli_output
