#!/bin/sh
# tests/cli/test_cli_explain_any.sh - `backprop explain` for any network:
# a sample picked from a data file (read as the model was trained, its
# classes mapped to the model's), the one-screen summary (and --full,
# --summary), the drill-down (--neuron, --weight, --top), the
# deep-sigmoid lesson, the activations drawn (--activations -o DIR),
# golden outputs of the summary in float and double, and bad input.
. "$(dirname "$0")/lib.sh"
case "$BUILD" in *asan*) SLOW=1 ;; *) SLOW=0 ;; esac
if $BP version | grep -q double; then prec=double; else prec=float; fi

# A CSV of three classes and three columns, and a model trained on it.
awk 'BEGIN { split("cat dog emu", c, " "); s = 7
    print "a,b,c,kind"
    for (i = 0; i < 60; i++) {
        s = (s * 16807) % 2147483647; k = i % 3 + 1
        printf "%.3f,%.3f,%.3f,%s\n", k + (s % 1000) / 1000, (s % 777) / 100, -k, c[k] } }' >"$TMP/zoo.csv"
check "train a 3-5-3 model on it" $BP train --data "$TMP/zoo.csv" --layers 3,5,3 --hidden-act tanh --epochs 3 --save "$TMP/zoo.txt" --quiet

echo "--data --sample: the sample as the model was trained"
# rows of two of the three classes only: the file's own numbering (dog 0,
# emu 1) is not the model's (cat 0, dog 1, emu 2)
{ echo "a,b,c,kind"; grep -E ',(dog|emu)$' "$TMP/zoo.csv"; } >"$TMP/two.csv"
row=$(sed -n 3p "$TMP/two.csv")   # sample 2 of the file
kind=${row##*,}
expect_exit 0 "--data two.csv --sample 2" $BP explain --model "$TMP/zoo.txt" --data "$TMP/two.csv" --sample 2 --summary
cp "$TMP/out" "$TMP/sampled"
grep -q "sample: 2 of $TMP/two.csv" "$TMP/sampled" && ok "names the sample and the file" || fail "no sample line: $(head -3 "$TMP/sampled")"
case $kind in dog) want=o2 ;; emu) want=o3 ;; *) want=? ;; esac
grep -q "target: $kind ($want)" "$TMP/sampled" && ok "target: $kind ($want), the model's numbering" ||
    fail "target line: $(grep target: "$TMP/sampled")"
# the same sample given by hand gives the same numbers
in=$(echo "$row" | cut -d, -f1-3)
case $kind in dog) t=0,1,0 ;; emu) t=0,0,1 ;; esac
$BP explain --model "$TMP/zoo.txt" --input "$in" --target "$t" --summary >"$TMP/given" 2>&1
if grep -v "sample:" "$TMP/sampled" | cmp -s - "$TMP/given"; then ok "the same text as --input $in --target $t"
else fail "--data and --input differ:"; diff "$TMP/given" "$TMP/sampled" | head -6 | sed 's/^/       | /'; fi
expect_exit 0 "--data and the full walk (a small model)" $BP explain --model "$TMP/zoo.txt" --data "$TMP/two.csv" --sample 1
grep -q "^Forward phase" "$TMP/out" && grep -q "^  sample: 1 of" "$TMP/out" && ok "full walk, with the sample named" || fail "no full walk"

# a .bpd stored scaled (memory-mapped): its scaling undone, the model's applied
awk 'BEGIN { s = 3; print "x1,x2,y"; for (i = 0; i < 40; i++) { s = (s * 16807) % 2147483647; a = s % 1000 / 100
    s = (s * 16807) % 2147483647; b = s % 1000 / 10; printf "%.2f,%.1f,%.3f\n", a, b, 3 * a - b / 10 } }' >"$TMP/reg.csv"
check "convert --scale standard -o reg.bpd" $BP convert --data "$TMP/reg.csv" --scale standard -o "$TMP/reg.bpd"
check "train on the .bpd" $BP train --data "$TMP/reg.bpd" --hidden 6 --epochs 2 --save "$TMP/reg.bpm" --quiet
$BP explain --model "$TMP/reg.bpm" --data "$TMP/reg.bpd" --sample 7 --summary 2>&1 | grep -v "sample:" >"$TMP/from_bpd"
$BP explain --model "$TMP/reg.bpm" --data "$TMP/reg.csv" --sample 7 --summary 2>&1 | grep -v "sample:" >"$TMP/from_csv"
cmp -s "$TMP/from_bpd" "$TMP/from_csv" && grep -q "^  target: " "$TMP/from_csv" &&
    ok "sample 7 of the scaled .bpd and of its CSV: the same numbers" ||
    { fail "the .bpd's sample differs from the CSV's"; diff "$TMP/from_csv" "$TMP/from_bpd" | head -4 | sed 's/^/       | /'; }

echo "--sample out of range, and other refusals"
n=$(($(wc -l <"$TMP/two.csv") - 1))
expect_exit 2 "--sample $((n + 1))" $BP explain --model "$TMP/zoo.txt" --data "$TMP/two.csv" --sample $((n + 1))
grep -q "has $n samples (--sample 1 to $n)" "$TMP/err" && ok "says how many there are" || fail "message: $(cat "$TMP/err")"
expect_exit 2 "--sample 0 (counted from 1)" $BP explain --model "$TMP/zoo.txt" --data "$TMP/two.csv" --sample 0
expect_exit 2 "--sample x" $BP explain --model "$TMP/zoo.txt" --data "$TMP/two.csv" --sample x
expect_exit 2 "--data without --sample" $BP explain --model "$TMP/zoo.txt" --data "$TMP/two.csv"
expect_exit 2 "--sample without --data" $BP explain --model "$TMP/zoo.txt" --sample 1
expect_exit 2 "--data and --input" $BP explain --model "$TMP/zoo.txt" --data "$TMP/two.csv" --sample 1 --input 1,2,3
expect_exit 2 "--full and --summary" $BP explain --model "$TMP/zoo.txt" --data "$TMP/two.csv" --sample 1 --full --summary
expect_exit 1 "a missing data file" $BP explain --model "$TMP/zoo.txt" --data "$TMP/none.csv" --sample 1
grep -q "none.csv" "$TMP/err" && ok "names the file" || fail "file not named: $(cat "$TMP/err")"
printf 'a,b,c,kind\n1,2,3,cat\n4,5,6,yak\n' >"$TMP/yak.csv"
expect_exit 1 "a class the model lacks" $BP explain --model "$TMP/zoo.txt" --data "$TMP/yak.csv" --sample 2
printf 'a,b\n1,2\n' >"$TMP/narrow.csv"
expect_exit 1 "too few columns" $BP explain --model "$TMP/zoo.txt" --data "$TMP/narrow.csv" --sample 1

echo "drill-down: --neuron, --weight, --top"
expect_exit 0 "--neuron 1:2 --weight 2:3:1 --weight w4 --check" $BP explain --model "$TMP/zoo.txt" --data "$TMP/two.csv" --sample 2 --neuron 1:2 --weight 2:3:1 --weight w4 --check
cp "$TMP/out" "$TMP/drill"
$BP explain --model "$TMP/zoo.txt" --data "$TMP/two.csv" --sample 2 --full --check --order standard >"$TMP/full" 2>&1
# every result the drill-down prints is on the full walk's line of the same name
bad=0; n=0
# value FILE NAME: the last number of the lines "NAME = ... = number"
value() {
    sed 's/ *\[finite.*//; s/ *(frozen)//' "$1" | awk -v n="$2" '$1 == n && $2 == "=" && $NF ~ /^-?[0-9.]+(e[-+][0-9]+)?$/ { v = $NF } END { print v }'
}
# --weight 2:3:1 is w26 (15 weights in layer 1, then row 3 of layer 2)
for name in net_h2 out_h2 dE/dout_h2 dout_h2/dnet_h2 delta_h2 dE/db_h2 delta_o3 dE/dw26 w26+ dE/dw4 w4+; do
    a=$(value "$TMP/drill" "$name")
    b=$(value "$TMP/full" "$name")
    n=$((n + 1))
    [ -n "$a" ] && [ "$a" = "$b" ] || { bad=$((bad + 1)); echo "       | $name: drill-down '$a', full walk '$b'"; }
done
[ $bad -eq 0 ] && ok "$n numbers of the drill-down as the full walk prints them" || fail "$bad of $n differ"
grep -q "finite difference" "$TMP/drill" && ok "--check: finite differences" || fail "no finite difference"
expect_exit 0 "--neuron h1.2 (name), markdown" $BP explain --model "$TMP/zoo.txt" --input 1,2,3 --target 1,0,0 --neuron h2 --format markdown
grep -q '^# Neuron h2' "$TMP/out" && ok "a Markdown heading" || fail "no heading"
awk '{ n = gsub(/\$/, "$"); if (n % 2) bad++ } END { exit bad > 0 }' "$TMP/out" && ok "math delimiters balance" || fail "unbalanced \$"
expect_exit 0 "--weight b_o1 (a bias)" $BP explain --model "$TMP/zoo.txt" --input 1,2,3 --target 1,0,0 --weight b_o1
grep -q "^The bias of o1" "$TMP/out" && ok "the bias of o1" || fail "not the bias"
expect_exit 0 "--top 1 on a wider layer" $BP explain --model "$TMP/zoo.txt" --input 1,2,3 --target 1,0,0 --neuron o1 --top 1
grep -q "the other 4 terms" "$TMP/out" && ok "the other 4 terms summed" || fail "no rest term: $(grep sum "$TMP/out")"
expect_exit 2 "--neuron 3:1 (no layer 3)" $BP explain --model "$TMP/zoo.txt" --input 1,2,3 --target 1,0,0 --neuron 3:1
grep -q "layer 3" "$TMP/err" && ok "names the layer" || fail "message: $(cat "$TMP/err")"
expect_exit 2 "--neuron 1:9" $BP explain --model "$TMP/zoo.txt" --input 1,2,3 --target 1,0,0 --neuron 1:9
expect_exit 2 "--neuron i1 (an input)" $BP explain --model "$TMP/zoo.txt" --input 1,2,3 --target 1,0,0 --neuron i1
expect_exit 2 "--weight 1:1:4" $BP explain --model "$TMP/zoo.txt" --input 1,2,3 --target 1,0,0 --weight 1:1:4
expect_exit 2 "--weight w99" $BP explain --model "$TMP/zoo.txt" --input 1,2,3 --target 1,0,0 --weight w99
expect_exit 2 "--top 0" $BP explain --model "$TMP/zoo.txt" --input 1,2,3 --target 1,0,0 --neuron o1 --top 0
# a spelling with anything more, less or other is refused, never read as
# some other parameter (1:1:1:1 and '1:1:1 ' were the bias of h1.1)
for w in 1:1:1:1 "1:1:1 " 1:1 1:1:x 1:1:1x 1:-1:1 1:99999999999:1 w3x w99999999999999999999; do
    expect_exit 2 "--weight '$w'" $BP explain --model "$TMP/zoo.txt" --input 1,2,3 --target 1,0,0 --weight "$w"
done
for n in 1:1:1 "1:1 " 1:1x 1 h1.1.1 o1x o99999999999 2:-1; do
    expect_exit 2 "--neuron '$n'" $BP explain --model "$TMP/zoo.txt" --input 1,2,3 --target 1,0,0 --neuron "$n"
done

echo "--order layer-wise (the product's word for the other order)"
$BP explain --example mazur --order layer-wise >"$TMP/lw" 2>&1
$BP explain --example mazur --order layerwise >"$TMP/sd" 2>&1
got=$(grep -F "w1+ = " "$TMP/lw" | awk '{ print $NF }')
cmp -s "$TMP/lw" "$TMP/sd" && near "$got" 0.1498176385 1e-6 && ok "the same update as --order layerwise (w1+ = $got)" ||
    fail "--order layer-wise: $(grep 'w1+' "$TMP/lw")"

echo "--full and --summary"
expect_exit 0 "--summary on Matt Mazur's network" $BP explain --example mazur --summary
grep -q "^What stands out" "$TMP/out" && ! grep -q "^Forward phase$" "$TMP/out" && ok "the summary" || fail "not the summary"
awk 'BEGIN { srand(3); print "backprop-model 1"; print "input 10"; print "layer 10 tanh"; print "layer 3 softmax"; print "loss ce"
    print "weights 0"; for (i = 0; i < 10; i++) { for (k = 0; k < 10; k++) printf " %.3f", rand() - 0.5; print "" }
    print "biases 0"; for (k = 0; k < 10; k++) printf " 0"; print ""
    print "weights 1"; for (i = 0; i < 3; i++) { for (k = 0; k < 10; k++) printf " %.3f", rand() - 0.5; print "" }
    print "biases 1"; print " 0 0 0"; print "end" }' >"$TMP/big.txt"
expect_exit 0 "--full on 130 weights" $BP explain --model "$TMP/big.txt" --input 1,2,3,4,5,6,7,8,9,10 --target 0,1,0 --full
grep -q "dE/dw130 = " "$TMP/out" && ok "every weight shown" || fail "not the full walk"

echo "a Fashion-MNIST-sized model: one screen, every layer named"
if [ -d /usr/share/datasets/fashion-mnist ] && [ $SLOW -eq 0 ]; then
    check "a 784-256-128-10 model (its first weights)" $BP train --data /usr/share/datasets/fashion-mnist --layers 784,256,128,10 --epochs 0 --save "$TMP/f.bpm" --quiet
    expect_exit 0 "explain --data fashion-mnist --sample 10000" $BP explain --model "$TMP/f.bpm" --data /usr/share/datasets/fashion-mnist --sample 10000
    lines=$(wc -l <"$TMP/out")
    [ "$lines" -le 60 ] && ok "$lines lines (at most 60)" || fail "$lines lines"
    named=0
    for l in "1 (relu)" "2 (relu)" "3 (softmax)"; do grep -q "^  layer $l: " "$TMP/out" && named=$((named + 1)); done
    [ $named -eq 3 ] && ok "every layer named in words" || fail "$named of 3 layers named"
    grep -q "sample: 10000 of /usr/share/datasets/fashion-mnist (t10k)" "$TMP/out" && ok "the t10k split by default" || fail "$(grep sample: "$TMP/out")"
    expect_exit 2 "--sample 10001 of t10k" $BP explain --model "$TMP/f.bpm" --data /usr/share/datasets/fashion-mnist --sample 10001
    expect_exit 0 "--split train --sample 60000 --neuron 2:128 --top 3" $BP explain --model "$TMP/f.bpm" --data /usr/share/datasets/fashion-mnist --split train --sample 60000 --neuron 2:128 --top 3
    grep -q "the other 253 terms" "$TMP/out" && ok "253 of the 256 terms summed" || fail "$(grep terms "$TMP/out" | head -2)"
elif [ $SLOW -eq 1 ]; then
    skip "the Fashion-MNIST model: too slow under the sanitizers"
else
    fail "Fashion-MNIST missing: apt-get install dataset-fashion-mnist"
fi

echo "--example deep-sigmoid: the vanishing gradient in numbers"
expect_exit 0 "deep-sigmoid" $BP explain --example deep-sigmoid
cp "$TMP/out" "$TMP/deep"
# layer 1's delta norm, sigmoid and relu, against the output's
s1=$(grep -E '^    1  ' "$TMP/deep" | awk '{ print $2 }'); s6=$(grep -E '^    6 \(output\)' "$TMP/deep" | awk '{ print $3 }')
r1=$(grep -E '^    1  ' "$TMP/deep" | awk '{ print $4 }'); r6=$(grep -E '^    6 \(output\)' "$TMP/deep" | awk '{ print $4 }')
awk -v a="$s1" -v b="$s6" 'BEGIN { exit !(a * 100 < b) }' && ok "sigmoid: layer 1's deltas ($s1) under 1/100 of the output's ($s6)" || fail "sigmoid: $s1 vs $s6"
awk -v a="$r1" -v b="$r6" 'BEGIN { exit !(a * 3 > b) }' && ok "ReLU: layer 1's deltas ($r1) within 3x of the output's ($r6)" || fail "relu: $r1 vs $r6"
n=$(grep -c "the gradient is vanishing here" "$TMP/deep")
[ "$n" -ge 4 ] && ok "the summary says 'vanishing' for $n layers" || fail "vanishing said $n times"
last=$(grep -E '^ +100 ' "$TMP/deep")
echo "$last" | awk '{ exit !($3 + 0 < 50 && $6 + 0 > 90) }' && ok "after 100 epochs: sigmoid under 50%, ReLU over 90% ($last)" ||
    fail "epoch 100: $last"
k1=$(BP_KERNEL=portable $BP explain --example deep-sigmoid | cksum)
for k in $($BP info --kernels); do
    [ "$(BP_KERNEL=$k $BP explain --example deep-sigmoid | cksum)" = "$k1" ] && ok "the same text on the $k kernel" || fail "$k differs from portable"
done

echo "golden outputs of the summary (tests/golden; make golden rewrites them)"
# deep-sigmoid and Matt Mazur's network have no layer of 32 inputs or more,
# so every kernel runs the same plain loops (checked just above). The
# relu model does (40 inputs): its golden is taken on the portable kernel,
# since a SIMD kernel's matrix-vector product rounds differently.
sh tests/golden/relu-model.sh >"$TMP/relu.txt"
relu_in=$(awk 'BEGIN { for (i = 1; i <= 40; i++) printf "%s%.2f", (i > 1 ? "," : ""), sin(i) }')
for g in deep-sigmoid mazur-summary relu-summary; do
    case $g in
    deep-sigmoid) $BP explain --example deep-sigmoid >"$TMP/golden" 2>&1 ;;
    mazur-summary) $BP explain --example mazur --summary >"$TMP/golden" 2>&1 ;;
    relu-summary) BP_KERNEL=portable $BP explain --model "$TMP/relu.txt" --input "$relu_in" --target 0,0,1,0 >"$TMP/golden" 2>&1 ;;
    esac
    if cmp -s "$TMP/golden" "tests/golden/explain-$g.$prec.txt"; then ok "$g ($prec) as committed"
    else fail "$g ($prec) differs from tests/golden/explain-$g.$prec.txt:"
         diff "tests/golden/explain-$g.$prec.txt" "$TMP/golden" | head -6 | sed 's/^/       | /'; fi
done

echo "train --log and --plot-grads: each layer's norms per epoch"
expect_exit 0 "train 6 sigmoid layers --log --plot-grads" $BP train --data "$TMP/zoo.csv" --hidden 8,8,8,8,8 --hidden-act sigmoid --optim sgd --lr 0.1 --epochs 4 --val-split 0 --log "$TMP/norms.jsonl" --plot-grads "$TMP/norms.svg" --save "$TMP/deep.txt" --quiet
lines=$(grep -c '"grad_norm":\[[^]]*\],"weight_norm":\[[^]]*\]' "$TMP/norms.jsonl")
[ "$lines" -eq 4 ] && ok "4 epochs logged with both lists" || fail "$lines epochs with norms: $(head -c 300 "$TMP/norms.jsonl")"
# the last epoch's weight norms are those of the saved model's weights
want=$(awk '/^weights/ { l = $2; w = 1; next } /^(biases|end)/ { w = 0 } w { for (i = 1; i <= NF; i++) s[l] += $i * $i }
            END { for (l = 0; l < 6; l++) printf "%s%.4g", (l ? "," : ""), sqrt(s[l]) }' "$TMP/deep.txt")
got=$(tail -n 1 "$TMP/norms.jsonl" | sed 's/.*"weight_norm":\[\([^]]*\)\].*/\1/' |
      awk -F, '{ for (i = 1; i <= NF; i++) printf "%s%.4g", (i > 1 ? "," : ""), $i }')
[ "$got" = "$want" ] && ok "weight norms $got: the saved model's" || fail "weight norms $got, the model's $want"
g=$(tail -n 1 "$TMP/norms.jsonl" | sed 's/.*"grad_norm":\[\([^]]*\)\].*/\1/')
echo "$g" | awk -F, '{ exit !($1 * 100 < $6) }' && ok "layer 1's gradient under 1/100 of the output's: $g" || fail "grad norms $g"
[ "$(grep -c '<polyline' "$TMP/norms.svg")" -eq 12 ] && ok "12 curves drawn (6 gradients, 6 weights)" || fail "$(grep -c '<polyline' "$TMP/norms.svg") curves"
grep -q "layer 6 (softmax)" "$TMP/norms.svg" && ok "the legend names the layers" || fail "no legend"
xmllint --noout "$TMP/norms.svg" 2>/dev/null && ok "well-formed SVG" ||
    { command -v xmllint >/dev/null && fail "xmllint refuses norms.svg" || skip "xmllint missing"; }
expect_exit 1 "--plot-grads into a missing directory" $BP train --data "$TMP/zoo.csv" --epochs 1 --plot-grads "$TMP/no/such.svg"

echo "--activations -o DIR"
expect_exit 0 "--activations -o $TMP/act" $BP explain --activations -o "$TMP/act"
count=$(ls "$TMP/act"/*.svg 2>/dev/null | wc -l)
for a in identity sigmoid tanh relu leaky_relu step softmax; do
    [ -s "$TMP/act/$a.svg" ] && grep -q '<polyline' "$TMP/act/$a.svg" || fail "no curve in $a.svg"
done
[ "$count" -ge 7 ] && ok "$count activations drawn, each with its curves" || fail "$count drawn"
[ "$(grep -c '<figure>' "$TMP/act/index.html")" -eq "$count" ] && ok "index.html shows all $count" || fail "index.html"
xmllint --noout "$TMP/act"/*.svg 2>/dev/null && ok "well-formed SVG (xmllint)" ||
    { command -v xmllint >/dev/null && fail "xmllint refuses an SVG" || skip "xmllint missing (apt-get install libxml2-utils): the SVGs unchecked as XML"; }
expect_exit 2 "--activations without -o" $BP explain --activations
expect_exit 2 "-o without --activations" $BP explain --example mazur -o "$TMP/x"
printf 'x' >"$TMP/file"
expect_exit 1 "-o onto a file" $BP explain --activations -o "$TMP/file"
# '-' is no directory name here: it made a directory called '-'
BPA=$(cd "$(dirname "$BP")" && pwd)/backprop
(cd "$TMP" && exec $BPA explain --activations -o -) >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] && [ ! -e "$TMP/-" ] && ok "-o - refused: $(cat "$TMP/err")" || fail "-o -: exit $rc, $(ls -d "$TMP/-" 2>/dev/null)"

summary cli_explain_any
