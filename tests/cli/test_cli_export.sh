#!/bin/sh
# tests/cli/test_cli_export.sh - exported networks checked by their real
# consumers: the generated C compiled with gcc -std=c99 -Wall -Wextra
# -Werror and run; FANN .net files loaded and run by Debian's libfann; a
# network trained and saved by libfann, imported and run by us.
. "$(dirname "$0")/lib.sh"
CC=${CC:-cc}

# compare FILE_A FILE_B RELTOL ABSTOL: every number within tolerance
compare() {
    paste -d, "$1" "$2" | awk -F, -v r="$3" -v a="$4" '
        { n = NF / 2; for (i = 1; i <= n; i++) { d = $i - $(i + n); if (d < 0) d = -d;
          s = $(i + n) < 0 ? -$(i + n) : $(i + n); if (d > r * s + a) bad++; if (d > w) w = d } }
        END { printf "%g", w; exit bad > 0 }'
}

awk 'BEGIN { s = 9; print "a,b,c,kind";
    for (i = 0; i < 200; i++) { c = i % 3;
        s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648;
        s = (s * 1103515245 + 12345) % 2147483648; v = s / 2147483648;
        printf "%.4f,%.4f,%.4f,%s\n", c + u, c * v, u - v, c == 0 ? "x" : c == 1 ? "y" : "z" } }' >"$TMP/d.csv"
cut -d, -f1-3 "$TMP/d.csv" | tail -n +2 >"$TMP/in.csv"
{ echo "a,b,c"; cat "$TMP/in.csv"; } >"$TMP/inputs.csv"

export_c() { # MODEL NAME [extra export args]: compile and run the export on in.csv
    m=$1; n=$2; shift 2
    $BP export --model "$m" --format c -o "$TMP/$n.c" --name "$n" "$@" >"$TMP/export.out" 2>&1 || return 1
    n_in=$($BP info "$m" | sed -n 's/^layers *\([0-9]*\).*/\1/p')
    n_out=$(sed -n "s/^#define ${n}_N_OUT \([0-9]*\)/\1/p" "$TMP/$n.h")
    $CC -std=c99 -Wall -Wextra -Werror -I"$TMP" -DNET_H="\"$n.h\"" -DPREDICT=${n}_predict \
        -DN_IN=$n_in -DN_OUT=$n_out tests/export/driver.c "$TMP/$n.c" -o "$TMP/$n" -lm || return 1
    "$TMP/$n" <"$TMP/in.csv" >"$TMP/$n.out"
}

echo "standalone C, float"
awk 'BEGIN { print "a,b,c,y"; for (i = 0; i < 200; i++) printf "%.3f,%.3f,%.3f,%.3f\n", i / 50, (i % 7) / 3, (i % 5) / 2, i / 100 - (i % 7) / 5 }' >"$TMP/reg.csv"
for spec in "relu:softmax:ce" "sigmoid:softmax:ce" "leaky_relu:softmax:sse" "tanh:identity:sse"; do
    h=${spec%%:*}; rest=${spec#*:}; o=${rest%%:*}; l=${rest#*:}
    name=n_$(echo "$h" | tr -d _)_$o
    data="$TMP/d.csv"
    [ "$o" = identity ] && data="$TMP/reg.csv"
    $BP train --data "$data" --hidden 12,7 --hidden-act $h --output-act $o --loss $l --epochs 30 --save "$TMP/$name.bpm" --quiet ||
        { fail "train $spec"; continue; }
    if export_c "$TMP/$name.bpm" "$name"; then
        if [ "$o" = softmax ]; then
            $BP predict --model "$TMP/$name.bpm" --data "$TMP/inputs.csv" --proba | tail -n +2 | cut -d, -f2- >"$TMP/ours.out"
        else
            $BP predict --model "$TMP/$name.bpm" --data "$TMP/inputs.csv" | tail -n +2 >"$TMP/ours.out"
        fi
        w=$(compare "$TMP/$name.out" "$TMP/ours.out" 1e-6 1e-6) &&
            ok "$spec: compiled with -std=c99 -Wall -Wextra -Werror; 200 samples == library within 1e-6 relative (1e-6 absolute near 0; max diff $w)" ||
            fail "$spec: generated C differs from the library by $w"
    else
        fail "$spec: export or compile failed: $(head -5 "$TMP/export.out")"
    fi
done
echo "a write that fails leaves neither half of the pair"
# a file size limit (SIGXFSZ ignored: the write fails with EFBIG) that the
# header fits in and the .c does not: the header was left behind alone
$BP train --data "$TMP/d.csv" --hidden 400 --epochs 1 --save "$TMP/wide.bpm" --quiet || fail "train wide"
(trap '' XFSZ; ulimit -f 8; exec $BP export --model "$TMP/wide.bpm" --format c -o "$TMP/pair.c") >/dev/null 2>"$TMP/err"
rc=$?
if [ $rc -eq 1 ] && [ ! -e "$TMP/pair.c" ] && [ ! -e "$TMP/pair.h" ]; then
    ok "exit 1, no pair.c and no pair.h ($(head -n 1 "$TMP/err"))"
else
    fail "exit $rc; left: $(ls "$TMP" | grep '^pair' | tr '\n' ' ')"
fi
echo "ONNX, run by onnxruntime (onnxruntime-node)"
if [ -d node_modules/onnxruntime-node ] && command -v node >/dev/null 2>&1; then
    for name in n_relu_softmax n_sigmoid_softmax n_leakyrelu_softmax n_tanh_identity; do
        [ -f "$TMP/$name.bpm" ] || { fail "$name: no model"; continue; }
        check "$name: export" $BP export --model "$TMP/$name.bpm" --format onnx -o "$TMP/$name.onnx"
        if node tests/export/ort_check.js "$TMP/$name.onnx" "$TMP/in.csv" >"$TMP/ort.out" 2>"$TMP/ort.err"; then
            case $name in *identity) $BP predict --model "$TMP/$name.bpm" --data "$TMP/inputs.csv" | tail -n +2 >"$TMP/ours.out" ;;
            *) $BP predict --model "$TMP/$name.bpm" --data "$TMP/inputs.csv" --proba | tail -n +2 | cut -d, -f2- >"$TMP/ours.out" ;; esac
            w=$(compare "$TMP/ort.out" "$TMP/ours.out" 1e-5 1e-6) && ok "$name: onnxruntime == library within 1e-5 on 200 raw samples (max diff $w)" ||
                fail "$name: onnxruntime differs by $w"
        else
            fail "$name: onnxruntime could not run it: $(head -c 300 "$TMP/ort.err")"
        fi
    done
else
    skip "ONNX exports run by onnxruntime: onnxruntime-node is not installed (npm install --ignore-scripts) or node is missing"
fi

echo "standalone C from C++: extern \"C\" and valid C++"
CXX=${CXX:-g++}
if command -v "$CXX" >/dev/null 2>&1; then
    n=n_relu_softmax
    grep -q double "$TMP/$n.c" && fail "$n.c computes in double: $(grep -m1 double "$TMP/$n.c")" ||
        ok "$n.c has no double (its input scaling is float arithmetic)"
    grep -q "^static const float scale_offset" "$TMP/$n.c" && ok "and it does scale its inputs" ||
        fail "$n.c has no input scaling"
    # a C++ caller linked against the C object: fails without extern "C"
    cp tests/export/driver.c "$TMP/driver.cpp"
    if $CC -std=c99 -Wall -Wextra -Werror -c "$TMP/$n.c" -o "$TMP/$n.o" &&
       $CXX -std=c++11 -Wall -Wextra -Werror -I"$TMP" -DNET_H="\"$n.h\"" -DPREDICT=${n}_predict \
           -DN_IN=3 -DN_OUT=3 "$TMP/driver.cpp" "$TMP/$n.o" -o "$TMP/$n.cxx" -lm 2>"$TMP/cxx.err" &&
       "$TMP/$n.cxx" <"$TMP/in.csv" >"$TMP/$n.cxx.out" && cmp -s "$TMP/$n.cxx.out" "$TMP/$n.out"; then
        ok "a C++ program ($CXX) calls ${n}_predict from the C-compiled file: same outputs"
    else
        fail "C++ caller: $(head -3 "$TMP/cxx.err")"
    fi
    $CXX -x c++ -std=c++11 -Wall -Wextra -Werror -I"$TMP" -c "$TMP/$n.c" -o "$TMP/$n.cc.o" 2>"$TMP/cxx.err" &&
        ok "$n.c compiles as C++ too ($CXX -Wall -Wextra -Werror)" || fail "$n.c as C++: $(head -3 "$TMP/cxx.err")"
else
    skip "the exported C from C++: no C++ compiler $CXX (apt-get install g++)"
fi

echo "export refuses what would not compile or would overwrite its input"
cp "$TMP/n_relu_softmax.bpm" "$TMP/keep.bpm"
keep=$(cksum <"$TMP/keep.bpm")
expect_exit 1 "-o equal to --model" $BP export --model "$TMP/keep.bpm" --format fann -o "$TMP/keep.bpm"
grep -q "that is the input file (--model)" "$TMP/err" && [ "$(cksum <"$TMP/keep.bpm")" = "$keep" ] &&
    ok "says so; the model is unchanged" || fail "$(cat "$TMP/err")"
ln "$TMP/keep.bpm" "$TMP/link.bpm"
expect_exit 1 "-o a hard link to --model" $BP export --model "$TMP/keep.bpm" --format onnx -o "$TMP/link.bpm"
[ "$(cksum <"$TMP/keep.bpm")" = "$keep" ] && ok "the model is unchanged" || fail "the model was overwritten"
cp "$TMP/keep.bpm" "$TMP/keep.h"
expect_exit 1 "-o whose header would be --model" $BP export --model "$TMP/keep.h" --format c -o "$TMP/keep.c"
[ ! -e "$TMP/keep.c" ] && cmp -s "$TMP/keep.h" "$TMP/keep.bpm" && ok "nothing written" || fail "a file was written"
mkdir -p "$TMP/dir"
expect_exit 1 "-o dir/" $BP export --model "$TMP/keep.bpm" --format c -o "$TMP/dir/"
[ -z "$(ls -A "$TMP/dir")" ] && ok "no stray dir/.h" || fail "wrote $(ls -A "$TMP/dir")"
expect_exit 1 "-o an existing directory" $BP export --model "$TMP/keep.bpm" --format c -o "$TMP/dir"
expect_exit 1 "-o in a missing directory" $BP export --model "$TMP/keep.bpm" --format c -o "$TMP/nodir/x.c"
grep -q "nodir: No such file or directory" "$TMP/err" && ok "names the directory" || fail "$(cat "$TMP/err")"
expect_exit 2 "-o with a newline in the name" $BP export --model "$TMP/keep.bpm" --format c -o "$TMP/a
b.c"
expect_exit 2 "-o with a quote in the name" $BP export --model "$TMP/keep.bpm" --format c -o "$TMP/a\"b.c"
expect_exit 2 "-o with a backslash in the name" $BP export --model "$TMP/keep.bpm" --format c -o "$TMP/a\\b.c"
[ -z "$(ls "$TMP" | grep -E '^a')" ] && ok "none of them wrote a file" || fail "wrote $(ls "$TMP" | grep -E '^a')"
expect_exit 2 "--name ''" $BP export --model "$TMP/keep.bpm" --format c -o "$TMP/e.c" --name ''
expect_exit 2 "--name 2net" $BP export --model "$TMP/keep.bpm" --format c -o "$TMP/e.c" --name 2net
expect_exit 2 "--name my-net" $BP export --model "$TMP/keep.bpm" --format c -o "$TMP/e.c" --name my-net
[ ! -e "$TMP/e.c" ] && ok "none of them wrote a file" || fail "e.c was written"
# file names that are legal but odd still give C that compiles
for f in "1st net.c" "x.y-z.c" "plain"; do
    if $BP export --model "$TMP/keep.bpm" --format c -o "$TMP/$f" --name odd >/dev/null 2>"$TMP/err" &&
       $CC -std=c99 -Wall -Wextra -Werror -x c -c "$TMP/$f" -o "$TMP/odd.o" 2>"$TMP/cc.err"; then
        ok "-o '$f' compiles"
    else
        fail "-o '$f': $(head -2 "$TMP/err" "$TMP/cc.err")"
    fi
done

# -o may name the header: y.h writes y.h and y.c (never y.h.h)
mkdir -p "$TMP/hx"
if $BP export --model "$TMP/keep.bpm" --format c -o "$TMP/hx/y.h" --name y >"$TMP/out" 2>"$TMP/err" &&
   [ "$(ls "$TMP/hx" | tr '\n' ' ')" = "y.c y.h " ] &&
   grep -q '^#include "y.h"' "$TMP/hx/y.c" &&
   $CC -std=c99 -Wall -Wextra -Werror -I"$TMP/hx" -c "$TMP/hx/y.c" -o "$TMP/hx.o" 2>"$TMP/cc.err"; then
    ok "-o y.h writes y.h and y.c, which compile ($(cat "$TMP/out"))"
else
    fail "-o y.h: wrote $(ls "$TMP/hx" | tr '\n' ' '); $(head -2 "$TMP/err" "$TMP/cc.err")"
fi
cp "$TMP/keep.bpm" "$TMP/keep2.c"
expect_exit 1 "-o whose .c file would be --model" $BP export --model "$TMP/keep2.c" --format c -o "$TMP/keep2.h"
grep -q "(its .c file).*that is the input file (--model)" "$TMP/err" && [ ! -e "$TMP/keep2.h" ] &&
    cmp -s "$TMP/keep2.c" "$TMP/keep.bpm" && ok "says so; nothing written" || fail "$(cat "$TMP/err")"

check "the worked example's net, typed by hand" $BP export --model examples/mazur.model --format c -o "$TMP/mazur.c" --name mazur
printf '0.05,0.10\n' >"$TMP/m.in"
$CC -std=c99 -Wall -Wextra -Werror -I"$TMP" -DNET_H='"mazur.h"' -DPREDICT=mazur_predict -DN_IN=2 -DN_OUT=2 \
    tests/export/driver.c "$TMP/mazur.c" -o "$TMP/mazur" -lm && "$TMP/mazur" <"$TMP/m.in" >"$TMP/m.out"
printf '0.751365070,0.772928465\n' >"$TMP/m.want"
w=$(compare "$TMP/m.out" "$TMP/m.want" 1e-6 0) && ok "outputs 0.751365070 0.772928465 as published (max diff $w)" ||
    fail "mazur outputs $(cat "$TMP/m.out")"

echo "standalone C, int8"
if export_c "$TMP/n_relu_softmax.bpm" q8 --quantize int8 --data "$TMP/d.csv"; then
    ok "int8 compiled: $(grep '^int8 on' "$TMP/export.out")"
    drop=$(sed -n 's/.*(\([-+0-9.]*\) points).*/\1/p' "$TMP/export.out")
    near "${drop#-}" 0 0 2 && ok "accuracy change $drop points (bounded by 2)" || fail "accuracy change '$drop'"
    # the generated int8 code scores what the report says
    want=$(sed -n 's/.*-> \([0-9.]*\)% .*/\1/p' "$TMP/export.out")
    got=$(tail -n +2 "$TMP/d.csv" | cut -d, -f4 | paste -d, "$TMP/q8.out" - | awk -F, '
        { best = 1; for (j = 2; j <= 3; j++) if ($j > $best) best = j;
          right += (best == 1 && $4 == "x") || (best == 2 && $4 == "y") || (best == 3 && $4 == "z") }
        END { printf "%.2f", 100 * right / NR }')
    near "$got" "$want" 0 0.01 && ok "the int8 C code's accuracy, $got%, is the one reported" ||
        fail "int8 C accuracy $got%, reported $want%"
    if command -v "${CXX:-g++}" >/dev/null 2>&1; then
        ${CXX:-g++} -x c++ -std=c++11 -Wall -Wextra -Werror -I"$TMP" -c "$TMP/q8.c" -o "$TMP/q8.cc.o" 2>"$TMP/cxx.err" &&
            ok "the int8 export compiles as C++ too" || fail "q8.c as C++: $(head -3 "$TMP/cxx.err")"
    else
        skip "the int8 export as C++: no C++ compiler ${CXX:-g++} (apt-get install g++)"
    fi
else
    fail "int8 export: $(cat "$TMP/export.out")"
fi

echo "FANN: our file in libfann, libfann's file in ours"
if [ -f /usr/include/fann.h ] && $CC tests/export/fann_check.c -o "$TMP/fann_check" -lfann -lm 2>"$TMP/cc.err"; then
    expect_exit 1 "a softmax net has no FANN form" $BP export --model "$TMP/n_relu_softmax.bpm" --format fann -o "$TMP/y.net"
    [ ! -e "$TMP/y.net" ] && ok "and no file is written" || fail "a file was written"
    $BP train --data "$TMP/d.csv" --hidden 9 --hidden-act tanh --output-act sigmoid --loss sse --classes yes --epochs 5 --save "$TMP/f.bpm" --quiet
    check "export tanh/sigmoid" $BP export --model "$TMP/f.bpm" --format fann -o "$TMP/f.net"
    "$TMP/fann_check" run "$TMP/f.net" <"$TMP/in.csv" >"$TMP/fann.out" && [ -s "$TMP/fann.out" ] &&
        ok "libfann loads it (fann_create_from_file) and runs 200 samples" || fail "libfann could not load our file"
    $BP predict --model "$TMP/f.bpm" --data "$TMP/inputs.csv" --proba | tail -n +2 | cut -d, -f2- >"$TMP/ours.out"
    w=$(compare "$TMP/fann.out" "$TMP/ours.out" 1e-6 1e-6) && ok "fann_run == ours within 1e-6 (max diff $w), scaling folded in" ||
        fail "fann_run differs by $w"
    "$TMP/fann_check" train "$TMP/xor.net" && ok "libfann trained and saved an XOR net (steepness 0.7 / 0.6)" || fail "fann train"
    check "import it" $BP import --format fann "$TMP/xor.net" -o "$TMP/xor.bpm"
    printf '0,0\n0,1\n1,0\n1,1\n' >"$TMP/xor.in"
    { echo "a,b"; cat "$TMP/xor.in"; } >"$TMP/xor.csv"
    "$TMP/fann_check" run "$TMP/xor.net" <"$TMP/xor.in" >"$TMP/fx.out"
    $BP predict --model "$TMP/xor.bpm" --data "$TMP/xor.csv" | tail -n +2 >"$TMP/ox.out"
    [ "$(sort -u "$TMP/fx.out" | wc -l)" -eq 4 ] && ok "FANN's outputs differ for the four inputs (the comparison means something)" ||
        fail "FANN's outputs are not distinct: $(tr '\n' ' ' <"$TMP/fx.out")"
    w=$(compare "$TMP/ox.out" "$TMP/fx.out" 1e-6 1e-6) && ok "imported net gives FANN's outputs within 1e-6 (max diff $w): $(tr '\n' ' ' <"$TMP/ox.out")" ||
        fail "imported net differs by $w: ours $(tr '\n' ' ' <"$TMP/ox.out") FANN $(tr '\n' ' ' <"$TMP/fx.out")"
    for bad in nan 1e300; do
        sed "s/\(neurons ([^=]*=.*([0-9]*, 3, \)[0-9.e+-]*)/\1$bad)/" "$TMP/xor.net" >"$TMP/steep.net"
        grep -q ", 3, $bad)" "$TMP/steep.net" || { fail "could not plant steepness $bad"; continue; }
        expect_exit 1 "a FANN file with steepness $bad" $BP import --format fann "$TMP/steep.net" -o "$TMP/steep.bpm"
        grep -q "steepness\|not a finite number" "$TMP/err" && [ ! -e "$TMP/steep.bpm" ] &&
            ok "refused at import, no model written" || fail "$(cat "$TMP/err")"
    done
    printf 'FANN_FIX_2.0\n' >"$TMP/fix.net"
    expect_exit 1 "a fixed-point FANN file" $BP import --format fann "$TMP/fix.net" -o "$TMP/z.bpm"
    grep -q "fixed-point files are not read" "$TMP/err" && ok "says so" || fail "$(cat "$TMP/err")"
else
    skip "FANN files in libfann and back: libfann-dev missing (apt-get install libfann-dev; $(head -1 "$TMP/cc.err" 2>/dev/null))"
fi
echo "a model that scales its targets: every export gives outputs in the targets' units"
cat >"$TMP/ts.txt" <<'EOF'
backprop-model 1
input 2
layer 3 tanh
layer 1 identity
loss sse mean
scaling standard
  offset 1 2
  factor 0.5 0.25
target_scaling standard
  offset 100
  factor 0.01
weights 0
 0.5 -0.3
 0.2 0.8
 -0.6 0.1
biases 0
 0.1 -0.2 0.05
weights 1
 1.2 -0.7 0.4
biases 1
 0.3
end
EOF
printf '0,0\n1,2\n2,4\n3,1\n-1,5\n' >"$TMP/ts.in"
{ echo "a,b"; cat "$TMP/ts.in"; } >"$TMP/ts.csv"
$BP predict --model "$TMP/ts.txt" --data "$TMP/ts.csv" | tail -n +2 >"$TMP/ts.ours"
# by hand: in standard units out = 1.2 h1 - 0.7 h2 + 0.4 h3 + 0.3 (h = tanh), then / 0.01 + 100
awk -F, '{ a = ($1 - 1) * 0.5; b = ($2 - 2) * 0.25;
    h1 = 0.5 * a - 0.3 * b + 0.1; h2 = 0.2 * a + 0.8 * b - 0.2; h3 = -0.6 * a + 0.1 * b + 0.05;
    t1 = (exp(2 * h1) - 1) / (exp(2 * h1) + 1); t2 = (exp(2 * h2) - 1) / (exp(2 * h2) + 1); t3 = (exp(2 * h3) - 1) / (exp(2 * h3) + 1);
    printf "%.9g\n", (1.2 * t1 - 0.7 * t2 + 0.4 * t3 + 0.3) / 0.01 + 100 }' "$TMP/ts.in" >"$TMP/ts.want"
w=$(compare "$TMP/ts.ours" "$TMP/ts.want" 1e-6 0) && ok "predict: out / factor + offset, as computed by hand (max diff $w)" ||
    fail "predict $(tr '\n' ' ' <"$TMP/ts.ours") want $(tr '\n' ' ' <"$TMP/ts.want")"
if $BP export --model "$TMP/ts.txt" --format c -o "$TMP/ts.c" --name ts >/dev/null &&
   $CC -std=c99 -Wall -Wextra -Werror -I"$TMP" -DNET_H='"ts.h"' -DPREDICT=ts_predict -DN_IN=2 -DN_OUT=1 \
       tests/export/driver.c "$TMP/ts.c" -o "$TMP/ts" -lm && "$TMP/ts" <"$TMP/ts.in" >"$TMP/ts.cout"; then
    w=$(compare "$TMP/ts.cout" "$TMP/ts.ours" 1e-6 0) && ok "export c: the same (max diff $w)" ||
        fail "export c $(tr '\n' ' ' <"$TMP/ts.cout")"
else
    fail "export c of a model with target scaling"
fi
if [ -d node_modules/onnxruntime-node ] && command -v node >/dev/null 2>&1; then
    $BP export --model "$TMP/ts.txt" --format onnx -o "$TMP/ts.onnx" &&
        node tests/export/ort_check.js "$TMP/ts.onnx" "$TMP/ts.in" >"$TMP/ts.oout" 2>"$TMP/ort.err"
    w=$(compare "$TMP/ts.oout" "$TMP/ts.ours" 1e-5 0) && ok "export onnx, run by onnxruntime: the same (max diff $w)" ||
        fail "export onnx $(tr '\n' ' ' <"$TMP/ts.oout") $(head -c 200 "$TMP/ort.err")"
else
    skip "export onnx of a model with target scaling: no onnxruntime-node or node"
fi
if [ -x "$TMP/fann_check" ]; then
    $BP export --model "$TMP/ts.txt" --format fann -o "$TMP/ts.net" &&
        "$TMP/fann_check" run "$TMP/ts.net" <"$TMP/ts.in" >"$TMP/ts.fout"
    w=$(compare "$TMP/ts.fout" "$TMP/ts.ours" 1e-5 0) && ok "export fann, run by libfann: the same, folded into the last layer (max diff $w)" ||
        fail "export fann $(tr '\n' ' ' <"$TMP/ts.fout")"
    sed 's/layer 1 identity/layer 1 sigmoid/' "$TMP/ts.txt" >"$TMP/ts_sig.txt"
    expect_exit 1 "export fann: a sigmoid output cannot undo the targets' scaling" \
        $BP export --model "$TMP/ts_sig.txt" --format fann -o "$TMP/ts_sig.net"
else
    skip "export fann of a model with target scaling, run by libfann: libfann-dev missing"
fi
printf 'a,b,y\n0,0,80\n1,2,130\n2,4,150\n3,1,90\n-1,5,120\n' >"$TMP/ts_t.csv"
$BP eval --model "$TMP/ts.txt" --data "$TMP/ts_t.csv" >"$TMP/ts.eval"
mse=$(sed -n 's/^output 1  mse \([^ ]*\) .*/\1/p' "$TMP/ts.eval")
want=$(cut -d, -f3 "$TMP/ts_t.csv" | tail -n +2 | paste -d, "$TMP/ts.ours" - | awk -F, '{ d = $1 - $2; s += d * d } END { printf "%.6g", s / NR }')
near "$mse" "$want" 1e-5 && ok "eval: mse $mse in the targets' units (from predict's outputs: $want)" ||
    fail "eval mse '$mse', want $want"
loss=$(sed -n 's/^loss *\([^ ]*\) .*/\1/p' "$TMP/ts.eval")
near "$loss" "$(awk -v m="$want" 'BEGIN { printf "%.9g", m * 0.0001 / 2 }')" 1e-5 &&
    ok "and the loss $loss on the targets as trained (mse x 0.01^2 / 2)" || fail "loss '$loss'"

echo "examples/embedded: an exported network in a program without libbackprop"
$BP export --model examples/embedded/xor.model --format c -o "$TMP/xor_net.c" --name xor >/dev/null 2>&1
cmp -s "$TMP/xor_net.c" examples/embedded/xor_net.c && cmp -s "$TMP/xor_net.h" examples/embedded/xor_net.h &&
    ok "examples/embedded/xor_net.[ch] are what export writes for xor.model today" ||
    fail "examples/embedded/xor_net.[ch] are stale: rerun the export in examples/embedded/xor.model"
if [ -x "$BUILD/examples/embedded" ] && ! nm "$BUILD/examples/embedded" | grep -q ' bp_'; then
    ok "build/examples/embedded links no bp_ symbol"
else
    fail "build/examples/embedded missing or linked with libbackprop"
fi
printf 'a,b\n0,0\n0,1\n1,0\n1,1\n' >"$TMP/xin.csv"
$BP predict --model examples/embedded/xor.model --data "$TMP/xin.csv" | tail -n +2 >"$TMP/xlib.out"
"$BUILD/examples/embedded" | sed 's/.*-> \([^ ]*\) .*/\1/' >"$TMP/xemb.out"
w=$(compare "$TMP/xemb.out" "$TMP/xlib.out" 1e-6 1e-9) && ok "it prints the library's outputs within 1e-6 (max diff $w)" ||
    fail "embedded $(tr '\n' ' ' <"$TMP/xemb.out") vs library $(tr '\n' ' ' <"$TMP/xlib.out")"
[ "$("$BUILD/examples/embedded" | sed 's/.*(\([01]\))$/\1/' | tr -d '\n')" = 0110 ] &&
    ok "and computes XOR: 0 1 1 0" || fail "not XOR: $("$BUILD/examples/embedded")"

summary cli_export
