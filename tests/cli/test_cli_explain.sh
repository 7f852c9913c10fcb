#!/bin/sh
# tests/cli/test_explain.sh - `backprop explain` shows every number of
# section A of WORKED_EXAMPLES.md, in both backward orders; its finite
# differences agree with its gradients; the forms and examples work; bad
# input gets a message and the right exit status.
. "$(dirname "$0")/lib.sh"

if $BP version | grep -q double; then
    REL=0; ABS=1e-12     # double: every printed digit
else
    REL=1e-5; ABS=5e-10  # float32: 1e-5, and the reference's own rounding
fi

echo "explain --example mazur --steps 10000"
$BP explain --example mazur --steps 10000 >"$TMP/mazur" 2>&1
rc=$?
[ $rc -eq 0 ] && ok "exit 0" || fail "exit $rc"

# value LINE-PREFIX FIELD WANT: the FIELD-th field from the end (0 = last)
# of the first line starting (after spaces) with LINE-PREFIX
value() {
    got=$(sed 's/^ *//' "$TMP/mazur" | grep -F -- "$1" | grep -v '^hidden' | head -n 1 |
          awk -v f="$2" '{ print $(NF - f) }')
    if near "$got" "$3" $REL $ABS; then ok "$1 $got (published: $3)"
    else fail "$1 got '$got', want $3"; fi
}
value "net_h1 = " 0 0.3775
value "out_h1 = " 0 0.593269992
value "out_h2 = " 0 0.596884378
value "net_o1 = " 0 1.105905967
value "out_o1 = " 0 0.751365070
value "out_o2 = " 0 0.772928465
value "E_o1 = " 0 0.274811083
value "E_o2 = " 0 0.023560026
value "E_total = " 0 0.298371109
value "dE/dout_o1 = " 0 0.74136507
value "dout_o1/dnet_o1 = " 0 0.186815602
value "dE/dw5 = " 0 0.082167041
value "dE/dw6 = " 0 0.082667628
value "dE/dw7 = " 0 -0.022602540
value "dE/dw8 = " 0 -0.022740242
value "dE/dout_h1 = " 0 0.036350306
value "dout_h1/dnet_h1 = " 0 0.241300709
value "dE/dw1 = " 0 0.000438568
value "dE/dw2 = " 0 0.000877135
value "dE/dw3 = " 0 0.000497713
value "dE/dw4 = " 0 0.000995425
value "w5+ = " 0 0.358916480
value "w6+ = " 0 0.408666186
value "w7+ = " 0 0.511301270
value "w8+ = " 0 0.561370121
value "w1+ = " 0 0.149780716
value "w2+ = " 0 0.199561432
value "w3+ = " 0 0.249751144
value "w4+ = " 0 0.299502287
value "E_total after 1 update" 1 0.291027774
value "E_total after 1 update" 0 0.291027924
value "E_total after 10000 updates" 1 0.000035102
value "E_total after 10000 updates" 0 0.000035085
value "out_o1 after 10000" 1 0.015913620
value "out_o1 after 10000" 0 0.015912196
value "out_o2 after 10000" 1 0.984064274
value "out_o2 after 10000" 0 0.984065734
grep -q "already-updated output weights" "$TMP/mazur" &&
    ok "says why the two orders differ" || fail "no explanation of the orders"

echo "the built-in example is examples/mazur.model"
$BP explain --model examples/mazur.model --input 0.05,0.10 --target 0.01,0.99 \
    --steps 10000 >"$TMP/model" 2>&1
cmp -s "$TMP/mazur" "$TMP/model" && ok "identical output" ||
    fail "explain --example mazur differs from examples/mazur.model"

echo "--check: finite differences beside the gradients"
$BP explain --example mazur --check >"$TMP/check" 2>&1
n=$(grep -c "finite difference" "$TMP/check")
[ "$n" -eq 12 ] && ok "12 gradients checked" || fail "$n gradients checked, want 12"
bad=$(grep "finite difference" "$TMP/check" | sed 's/\[finite difference \([^]]*\)\].*/\1/' |
      awk '{ fd = $NF; g = $(NF - 1); d = g - fd; if (d < 0) d = -d;
             s = g < 0 ? -g : g; if (d > 1e-3 * s + 2e-6) n++ } END { print n + 0 }')
[ "$bad" -eq 0 ] && ok "every gradient agrees with its finite difference" ||
    fail "$bad gradients disagree with their finite differences"
# the finite differences are computed in double in either build, so they
# show 9 decimals like the gradients and agree with them to float32's
# rounding (about 1e-7 relative), not only to the 5 digits a float32
# difference quotient holds
short=$(grep -o "finite difference [^]]*" "$TMP/check" | awk '{ v = $3; sub(/^-/, "", v); if (length(v) < 11) n++ } END { print n + 0 }')
[ "$short" -eq 0 ] && ok "every finite difference shown with 9 decimals" ||
    fail "$short finite differences shown with fewer than 9 decimals"
bad=$(grep "finite difference" "$TMP/check" | sed 's/\[finite difference \([^]]*\)\].*/\1/' |
      awk '{ fd = $NF; g = $(NF - 1); d = g - fd; if (d < 0) d = -d;
             s = g < 0 ? -g : g; if (d > 1e-6 * s + 1e-9) n++ } END { print n + 0 }')
[ "$bad" -eq 0 ] && ok "and agree with the gradients within 1e-6 relative" ||
    fail "$bad gradients differ from their finite differences by more than 1e-6"

echo "a negative net input: e^(-net) with one sign"
printf 'backprop-model 1\ninput 1\nlayer 1 sigmoid\nloss sse sum\nweights 0\n -0.02\nbiases 0\n 0\nend\n' >"$TMP/neg.txt"
$BP explain --model "$TMP/neg.txt" --input 1 --target 1 >"$TMP/neg" 2>&1
$BP explain --model "$TMP/neg.txt" --input 1 --target 1 --format markdown >"$TMP/negmd" 2>&1
grep -qF -e 'e^--' -e 'e^{--' "$TMP/neg" "$TMP/negmd" && fail "a double sign: $(grep -hF -e 'e^--' -e 'e^{--' "$TMP/neg" "$TMP/negmd" | head -1)" ||
    ok "no double sign"
grep -qF "1 / (1 + e^0.020000000) = 0.49500" "$TMP/neg" && grep -qF "e^{0.020000000}" "$TMP/negmd" &&
    ok "e^0.020000000 (text) and e^{0.020000000} (Markdown)" || fail "$(grep -h 'e^' "$TMP/neg" "$TMP/negmd")"

echo "--order layer-wise shows the layer-wise update"
$BP explain --example mazur --order layer-wise >"$TMP/lw" 2>&1
got=$(grep -F "w1+ = " "$TMP/lw" | awk '{ print $NF }')
# w1 - 0.5 * 0.000364723 (the hidden gradient through updated weights)
near "$got" 0.1498176385 1e-6 && ok "w1+ in the layer-wise order: $got" ||
    fail "w1+ in the layer-wise order: $got"
# the backward phase shows dE/dw1 at the forward phase's weights, the
# update another dE/dw1: the two are set side by side, and why said
bw=$(grep -F "dE/dw1 = delta_h1" "$TMP/lw" | awk '{ print $NF }')
row=$(grep -E "^ +dE/dw1 +[0-9]" "$TMP/lw")
[ "$(echo "$row" | awk '{ print $2 }')" = "$bw" ] && near "$(echo "$row" | awk '{ print $3 }')" 0.000364723 1e-6 &&
    grep -q "differ from the backward phase's above" "$TMP/lw" &&
    ok "layer-wise: dE/dw1 of the backward phase ($bw) and of the update side by side" ||
    fail "layer-wise: the two dE/dw1 not set side by side: '$row' (backward phase: $bw)"
expect_exit 2 "the project's old word for it is not a word of the command" $BP explain --example mazur --order seeds

echo "cross-entropy: the cancellation"
$BP explain --example cross-entropy >"$TMP/ce" 2>&1
grep -q "cancels to out - t" "$TMP/ce" && ok "shows delta = out - t" ||
    fail "no cancellation shown"
got=$(sed 's/^ *//' "$TMP/ce" | grep -F "delta_o1 = out_o1 - t1" | awk '{ print $NF }')
near "$got" 0.74136507 1e-5 1e-9 && ok "delta_o1 = out_o1 - t1 = $got" ||
    fail "delta_o1 = '$got'"

echo "markdown"
$BP explain --example mazur --format markdown >"$TMP/md" 2>&1
grep -qF '$$\frac{\partial E}{\partial w_{5}} = \delta_{o1} \times out_{h1}' "$TMP/md" &&
    ok "LaTeX chain rule for w5" || fail "no LaTeX chain rule for w5"
grep -q '^## Backward phase' "$TMP/md" && ok "sections" || fail "no sections"

echo "perceptron and XOR"
expect_exit 0 "perceptron-and" $BP explain --example perceptron-and
grep -q "cannot compute XOR" "$TMP/out" && ok "says one layer cannot do XOR" ||
    fail "missing the XOR verdict"
expect_exit 0 "xor" $BP explain --example xor
[ "$(grep -cE '^ +[01]  [01] +[0-9.]+ +[01]$' "$TMP/out")" -eq 4 ] &&
    ok "a learned truth table" || fail "no learned truth table"

echo "big networks are summarised"
{
    echo "backprop-model 1"; echo "input 10"; echo "layer 10 tanh"; echo "layer 3 softmax"
    echo "loss ce"
    echo "weights 0"; i=0; while [ $i -lt 10 ]; do echo " 0.1 -0.2 0.3 0 0.05 0.1 -0.1 0.2 0 0.01"; i=$((i+1)); done
    echo "biases 0"; echo " 0 0 0 0 0 0 0 0 0 0"
    echo "weights 1"; i=0; while [ $i -lt 3 ]; do echo " 0.1 -0.2 0.3 0 0.05 0.1 -0.1 0.2 0 0.01"; i=$((i+1)); done
    echo "biases 1"; echo " 0 0 0"; echo "end"
} >"$TMP/big.txt"
expect_exit 0 "130 weights" $BP explain --model "$TMP/big.txt" --input 1,2,3,4,5,6,7,8,9,10 --target 0,1,0 --check
grep -q "summarised" "$TMP/out" && ok "says it summarises" || fail "no summary notice"

echo "golden outputs of the built-in examples (tests/golden; make golden rewrites them)"
if $BP version | grep -q double; then prec=double; else prec=float; fi
for ex in mazur cross-entropy perceptron-and xor; do
    $BP explain --example $ex >"$TMP/golden" 2>&1
    if cmp -s "$TMP/golden" "tests/golden/explain-$ex.$prec.txt"; then
        ok "$ex ($prec) as committed"
    else
        fail "$ex ($prec) differs from tests/golden/explain-$ex.$prec.txt:"
        diff "tests/golden/explain-$ex.$prec.txt" "$TMP/golden" | head -6 | sed 's/^/       | /'
    fi
done
awk '{ n = gsub(/\$/, "$"); if (n % 2) bad++ } END { exit bad > 0 }' docs/explain-mazur.md &&
    ok "docs/explain-mazur.md: math delimiters balance" || fail "docs/explain-mazur.md: unbalanced \$"

echo "bad input"
expect_exit 1 "missing model file" $BP explain --model "$TMP/none.txt" --input 1 --target 1
grep -q "none.txt" "$TMP/err" && ok "message names the file" || fail "file not named"
printf 'backprop-model 1\ninput 2\nlayer 2 sigmod\n' >"$TMP/bad.txt"
expect_exit 1 "malformed model" $BP explain --model "$TMP/bad.txt" --input 1,2 --target 1,2
grep -q "bad.txt:3:" "$TMP/err" && ok "message names file and line" || fail "no file:line"
expect_exit 2 "not a number" $BP explain --example mazur --input 0.05,abc
expect_exit 2 "wrong input count" $BP explain --example mazur --input 0.05
expect_exit 2 "unknown example" $BP explain --example nope
expect_exit 2 "unknown option" $BP explain --example mazur --frobnicate
expect_exit 2 "missing value" $BP explain --example mazur --lr
expect_exit 2 "model and example" $BP explain
expect_exit 0 "--help" $BP explain --help

summary cli_explain
