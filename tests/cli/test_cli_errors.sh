#!/bin/sh
# tests/cli/test_cli_errors.sh - every kind of bad input, table-driven:
# the exit status, the message (file, line, column where they apply), and
# that no output file is created or overwritten on failure.
. "$(dirname "$0")/lib.sh"

# fixtures
printf 'x1,x2,kind\n0,0,red\n1,1,blue\n0,1,red\n1,0,blue\n0.1,0.1,red\n0.9,0.9,blue\n' >"$TMP/ok.csv"
$BP train --data "$TMP/ok.csv" --epochs 2 --save "$TMP/model.bpm" --quiet || fail "fixture model"
printf 'x1,x2,kind\n0,0,red\n1,1,purple\n' >"$TMP/purple.csv"
printf 'a,b,c,d\n1,2,3,red\n' >"$TMP/wide.csv"
printf 'a,b,c\n1,2,x\n3,4\n' >"$TMP/ragged.csv"
printf 'a,b,c\n1,2,x\n3,oops,y\n' >"$TMP/word.csv"
printf 'a,b,c\nnan,2,x\n' >"$TMP/nan.csv"
printf 'a,b,c\n1,inf,x\n' >"$TMP/inf.csv"
printf 'a,b,c\n1,,x\n' >"$TMP/missing.csv"
printf '' >"$TMP/empty.csv"
printf 'a,b,c\n' >"$TMP/header.csv"
printf 'a,"b,c\n1,2,3\n' >"$TMP/quote.csv"
printf '3 2 1\n0 0 0\n1 1\n' >"$TMP/short.data"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR' >"$TMP/image.png"
head -c 100 "$TMP/model.bpm" >"$TMP/truncated.bpm"
cp "$TMP/model.bpm" "$TMP/flipped.bpm"
printf 'X' | dd of="$TMP/flipped.bpm" bs=1 seek=60 conv=notrunc 2>/dev/null
mkdir -p "$TMP/idx"
printf '\0\0\010\003\0\0\0\001\0\0\0\002\0\0\0\003abcd' >"$TMP/idx/train-images-idx3-ubyte"
printf '\0\0\010\001\0\0\0\002\0\1' >"$TMP/idx/train-labels-idx1-ubyte"
# and a well-formed one: 2 images of 1 x 3 pixels, labels 0 and 1
mkdir -p "$TMP/idx2"
printf '\0\0\010\003\0\0\0\002\0\0\0\001\0\0\0\003abcdef' >"$TMP/idx2/train-images-idx3-ubyte"
printf '\0\0\010\001\0\0\0\002\0\1' >"$TMP/idx2/train-labels-idx1-ubyte"
mkdir -p "$TMP/noidx"
cp "$TMP/model.bpm" "$TMP/keep.bpm"
keep=$(cksum <"$TMP/keep.bpm")

# row: expected exit | message pattern (grep -E) | command...
ROWS=0
row() {
    ROWS=$((ROWS + 1))
    want=$1; pattern=$2; shift 2
    rm -f "$TMP/new.out"
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    msg=$(head -n 1 "$TMP/err")
    if [ "$got" -ne "$want" ]; then
        fail "exit $got, want $want: $*: $msg"
    elif ! grep -qE -- "$pattern" "$TMP/err"; then
        fail "message '$msg' lacks /$pattern/"
    elif [ -e "$TMP/new.out" ]; then
        fail "an output file was written: $*"
    elif [ "$(cksum <"$TMP/keep.bpm")" != "$keep" ]; then
        fail "an existing file was changed: $*"
    elif [ "$(wc -l <"$TMP/err")" -gt 2 ]; then
        fail "more than a short message: $(cat "$TMP/err")"
    else
        ok "exit $got: $msg"
    fi
}

echo "data files"
row 1 'ragged.csv:3: 2 fields, but the first row has 3' $BP train --data "$TMP/ragged.csv" --save "$TMP/new.out"
row 1 "word.csv:3:2: 'oops' is not a finite number" $BP train --data "$TMP/word.csv" --save "$TMP/new.out"
row 1 "nan.csv:2:1: 'nan' is not a finite number" $BP train --data "$TMP/nan.csv" --save "$TMP/new.out"
row 1 "inf.csv:2:2: 'inf' is not a finite number" $BP train --data "$TMP/inf.csv" --save "$TMP/new.out"
row 1 'missing.csv:2:2: missing value' $BP train --data "$TMP/missing.csv" --save "$TMP/new.out"
row 1 'empty.csv: no data' $BP train --data "$TMP/empty.csv" --save "$TMP/new.out"
row 1 'header.csv: a header and no data' $BP train --data "$TMP/header.csv" --header yes --save "$TMP/new.out"
row 1 'quote.csv:1: a quoted field is never closed' $BP train --data "$TMP/quote.csv" --save "$TMP/new.out"
row 1 'short.data:4: the file ends in pair 2 of 3' $BP train --data "$TMP/short.data" --save "$TMP/new.out"
row 1 'image.png: binary data, not a CSV' $BP train --data "$TMP/image.png" --save "$TMP/new.out"
row 1 'none.csv: No such file' $BP train --data "$TMP/none.csv" --save "$TMP/new.out"
row 1 "no column 'zzz'" $BP train --data "$TMP/ok.csv" --label zzz --save "$TMP/new.out"
row 1 'idx/train-images-idx3-ubyte: 4 data bytes, but the header says 6' $BP train --data "$TMP/idx" --save "$TMP/new.out"
row 1 'noidx: no train-images-idx3-ubyte' $BP train --data "$TMP/noidx" --save "$TMP/new.out"
printf 'a,b,c\n1,1e999,x\n2,3,y\n' >"$TMP/huge.csv"
row 1 "huge.csv:2:2: '1e999' is not a finite number" $BP train --data "$TMP/huge.csv" --save "$TMP/new.out"
if ! $BP version | grep -q double; then  # finite as a double, not as a float
    printf 'a,b,c\n1,1e39,x\n2,3,y\n' >"$TMP/float.csv"
    row 1 "float.csv:2:2: '1e39' is not a finite number" $BP train --data "$TMP/float.csv" --save "$TMP/new.out"
fi
printf '1 1 1\n7 4' >"$TMP/end.data"      # found by the fuzzer: a number at the very end
check "a FANN file whose last number ends the file" $BP train --data "$TMP/end.data" --epochs 1 --quiet
printf 'a,b,c\n1,2,cat\n3,4,cat\n5,6,cat\n' >"$TMP/oneclass.csv"
row 1 "oneclass.csv: every sample is of class 'cat'" $BP train --data "$TMP/oneclass.csv" --save "$TMP/new.out"
echo "data against a model"
row 1 "purple.csv: class 'purple' is not one of the model's 2 classes" $BP eval --model "$TMP/model.bpm" --data "$TMP/purple.csv"
row 1 'wide.csv: 4 columns, but the model takes 2 inputs' $BP eval --model "$TMP/model.bpm" --data "$TMP/wide.csv"
row 1 'wide.csv: 4 columns, but the model takes 2 inputs' $BP predict --model "$TMP/model.bpm" --data "$TMP/wide.csv" -o "$TMP/new.out"
row 1 'wide.csv: 3 inputs, but the model takes 2' $BP eval --model "$TMP/model.bpm" --data "$TMP/wide.csv" --label d
row 1 'ok.csv: the checkpoint takes|a model, not a checkpoint' $BP train --data "$TMP/ok.csv" --resume "$TMP/model.bpm" --save "$TMP/new.out"
echo "model files"
row 1 'truncated.bpm: no checksum at the end: the file is truncated' $BP eval --model "$TMP/truncated.bpm" --data "$TMP/ok.csv"
row 1 'flipped.bpm: checksum mismatch: the file is damaged' $BP predict --model "$TMP/flipped.bpm" --data "$TMP/ok.csv" -o "$TMP/new.out"
row 1 'image.png: not a backprop model' $BP info "$TMP/image.png"
row 1 'ok.csv: not a backprop model' $BP explain --model "$TMP/ok.csv" --input 1,2 --target 1,0
printf 'backprop-model 2\n' >"$TMP/v2.txt"
row 1 'v2.txt:1: model version 2; this build reads version 1' $BP info "$TMP/v2.txt"
echo "outputs that cannot be written: refused before any work"
# nothing trained (no epoch line on stdout) and nothing changed
before() {
    row "$@"
    [ ! -s "$TMP/out" ] && ok "  before any work" || fail "  worked first: $(head -n 2 "$TMP/out")"
}
cp "$TMP/ok.csv" "$TMP/keep.csv"
keepcsv=$(cksum <"$TMP/keep.csv")
before 1 'nodir/m.bpm: cannot write there: .*nodir: No such file' $BP train --data "$TMP/ok.csv" --epochs 500 --save "$TMP/nodir/m.bpm"
before 1 '--checkpoint .*nodir/c.bpm: cannot write there' $BP train --data "$TMP/ok.csv" --epochs 500 --checkpoint "$TMP/nodir/c.bpm"
before 1 '--plot .*nodir/p.svg: cannot write there' $BP train --data "$TMP/ok.csv" --epochs 500 --plot "$TMP/nodir/p.svg"
before 1 '--log .*nodir/log.jsonl: cannot write there' $BP train --data "$TMP/ok.csv" --epochs 500 --log "$TMP/nodir/log.jsonl"
# a FIFO of our own, never /dev/null: a regression would rename over it
mkfifo "$TMP/fifo"
before 1 '--plot .*fifo: not a regular file' $BP train --data "$TMP/ok.csv" --epochs 500 --plot "$TMP/fifo"
[ -p "$TMP/fifo" ] && ok "  the FIFO is still a FIFO" || fail "  the FIFO was replaced"
before 1 "--save .*: a directory, not a file name" $BP train --data "$TMP/ok.csv" --epochs 500 --save "$TMP/"
before 1 "--save .*keep.csv: that is the input file \(--data\)" $BP train --data "$TMP/keep.csv" --epochs 500 --save "$TMP/keep.csv"
before 1 "--save .*keep.csv: that is the input file \(--test\)" $BP train --data "$TMP/ok.csv" --test "$TMP/keep.csv" --epochs 500 --save "$TMP/keep.csv"
row 1 'nodir/p.csv: cannot write there' $BP predict --model "$TMP/model.bpm" --data "$TMP/ok.csv" -o "$TMP/nodir/p.csv"
row 1 "--output .*keep.csv: that is the input file \(--data\)" $BP predict --model "$TMP/model.bpm" --data "$TMP/keep.csv" -o "$TMP/keep.csv"
row 1 "--output .*keep.bpm: that is the input file \(--model\)" $BP predict --model "$TMP/keep.bpm" --data "$TMP/ok.csv" -o "$TMP/keep.bpm"
row 1 'nodir/c.svg: cannot write there' $BP eval --model "$TMP/model.bpm" --data "$TMP/ok.csv" --plot "$TMP/nodir/c.svg"
row 1 "--regions .*keep.bpm: that is the input file \(--model\)" $BP eval --model "$TMP/keep.bpm" --data "$TMP/ok.csv" --regions "$TMP/keep.bpm"
row 1 "-o .*keep.csv: that is the input file \(--data\)" $BP convert --data "$TMP/keep.csv" -o "$TMP/keep.csv"
row 1 "-o .*keep.bpm: that is the input file" $BP import --format fann "$TMP/keep.bpm" -o "$TMP/keep.bpm"
[ "$(cksum <"$TMP/keep.csv")" = "$keepcsv" ] && ok "the data file is unchanged" || fail "the data file was overwritten"
# '-' is standard input to every reader; as an output it made a file
# named '-' (exit 0): refused, except predict's, which is standard output
BPA=$(cd "$(dirname "$BP")" && pwd)/backprop
in_tmp() { (cd "$TMP" && exec "$@"); }
row 1 "--save -: give a file name" in_tmp $BPA train --data ok.csv --epochs 1 --save -
row 1 "convert: -o -: give a file name" in_tmp $BPA convert --data ok.csv -o -
row 1 "export: -o -: give a file name" in_tmp $BPA export --model model.bpm --format onnx -o -
row 1 "--log -: give a file name" in_tmp $BPA train --data ok.csv --epochs 1 --log -
[ ! -e "$TMP/-" ] && ok "no file named '-'" || fail "a file named '-' was written"
in_tmp $BPA predict --model model.bpm --data ok.csv -o - >"$TMP/p.out" &&
    [ ! -e "$TMP/-" ] && [ "$(head -n 1 "$TMP/p.out")" = class ] &&
    ok "predict -o -: standard output" || fail "predict -o - did not write standard output"
# two outputs of one run naming one file: the later write would replace
# the earlier (a plot over the saved model), so neither is written
before 1 "--plot .*two.bpm: --save names the same file" $BP train --data "$TMP/ok.csv" --epochs 1 --save "$TMP/two.bpm" --plot "$TMP/two.bpm"
[ ! -e "$TMP/two.bpm" ] && ok "  no file written" || fail "  two.bpm was written"
before 1 "--checkpoint .*keep.bpm: --save names the same file" $BP train --data "$TMP/ok.csv" --epochs 1 --save "$TMP/keep.bpm" --checkpoint "$TMP/./keep.bpm"
before 1 "--plot-grads .*g.svg: --plot names the same file" $BP train --data "$TMP/ok.csv" --epochs 1 --plot "$TMP/g.svg" --plot-grads "$TMP/idx/../g.svg"
before 1 "--log .*l.jsonl: --plot names the same file" $BP train --data "$TMP/ok.csv" --epochs 1 --plot "$TMP/l.jsonl" --log "$TMP/l.jsonl"
row 1 "--regions .*r.svg: --plot names the same file" $BP eval --model "$TMP/model.bpm" --data "$TMP/ok.csv" --plot "$TMP/r.svg" --regions "$TMP/r.svg"
echo "usage errors"
row 2 "unknown option '--frobnicate'" $BP train --data "$TMP/ok.csv" --frobnicate
row 2 "--epochs: 'ten' is not an integer" $BP train --data "$TMP/ok.csv" --epochs ten
row 2 '--lr: -1 is not in' $BP train --data "$TMP/ok.csv" --lr -1
row 2 '--layers 5,4,2: the data has 2 inputs' $BP train --data "$TMP/ok.csv" --layers 5,4,2
echo "integer options are integers: never through a float"
row 2 "--layers 1e30,4,2: item 1, '1e30', is not an integer" $BP train --data "$TMP/ok.csv" --layers 1e30,4,2
row 2 '--layers 2,16777217,2: 16777217 is not in 1..16777216' $BP train --data "$TMP/ok.csv" --layers 2,16777217,2
row 2 "--layers 2,4.0,2: item 2, '4.0', is not an integer" $BP train --data "$TMP/ok.csv" --layers 2,4.0,2
row 2 "--layers 2,,2: item 2, '', is not an integer" $BP train --data "$TMP/ok.csv" --layers 2,,2
row 2 "--hidden 0: 0 is not in 1..16777216" $BP train --data "$TMP/ok.csv" --hidden 0
row 2 "--hidden 8,-3: -3 is not in" $BP train --data "$TMP/ok.csv" --hidden 8,-3
row 2 "--hidden 99999999999999999999: item 1, '99999999999999999999', is not an integer" $BP train --data "$TMP/ok.csv" --hidden 99999999999999999999
row 2 "--epochs: '1e3' is not an integer" $BP train --data "$TMP/ok.csv" --epochs 1e3
row 2 "--batch: '32.0' is not an integer" $BP train --data "$TMP/ok.csv" --batch 32.0
row 2 "--seed: ' 5' is not an integer" $BP train --data "$TMP/ok.csv" --seed ' 5'
row 2 "--threads: '0x10' is not an integer" $BP train --data "$TMP/ok.csv" --threads 0x10
row 2 "--steps: '1e2' is not an integer" $BP explain --example mazur --steps 1e2
row 2 "--port: 70000 is not in 0..65535" $BP playground --port 70000
row 2 "--repeat: '2.5' is not an integer" $BP convert --data "$TMP/ok.csv" -o "$TMP/new.out" --repeat 2.5
row 2 "--hidden-act: unknown activation 'sigmod'" $BP train --data "$TMP/ok.csv" --hidden-act sigmod
row 2 "--optim: unknown 'adamax'" $BP train --data "$TMP/ok.csv" --optim adamax
row 2 'loss bce needs a sigmoid output layer' $BP train --data "$TMP/ok.csv" --loss bce
row 2 '--data FILE is needed' $BP train
# --split picks an IDX directory's part; other data has none, and it was
# accepted and ignored
no_stdin() { "$@" </dev/null; }
# --label and --header name a CSV's columns and header line; for other
# data they were accepted and ignored
$BP convert --data "$TMP/ok.csv" -o "$TMP/ok.bpd" >/dev/null 2>&1 || fail "fixture ok.bpd"
row 2 "convert: --label 3: .*ok.bpd is a .bpd file, which has no columns" $BP convert --data "$TMP/ok.bpd" --label 3 -o "$TMP/new.out"
row 2 "eval: --label kind: .*ok.bpd is a .bpd file" $BP eval --model "$TMP/model.bpm" --data "$TMP/ok.bpd" --label kind
row 2 "predict: --header yes: .*ok.bpd is a .bpd file, which has no header line" $BP predict --model "$TMP/model.bpm" --data "$TMP/ok.bpd" --header yes -o "$TMP/new.out"
row 2 "explain: --label kind: .*ok.bpd is a .bpd file" $BP explain --model "$TMP/model.bpm" --data "$TMP/ok.bpd" --sample 1 --label kind
row 2 "train: --label kind: .*end.data is a FANN .data file" $BP train --data "$TMP/end.data" --label kind --save "$TMP/new.out"
check "train --label for a CSV --test beside a .bpd --data" $BP train --data "$TMP/ok.bpd" --test "$TMP/ok.csv" --label kind --epochs 1 --quiet
check "eval --header auto (the default) on a .bpd" $BP eval --model "$TMP/model.bpm" --data "$TMP/ok.bpd" --header auto
# --classes for data whose format settles it was accepted and ignored
row 2 "train: --classes no: .*ok.bpd is a .bpd file, which records whether its targets are classes" $BP train --data "$TMP/ok.bpd" --classes no --save "$TMP/new.out"
row 2 "convert: --classes yes: .*ok.bpd is a .bpd file" $BP convert --data "$TMP/ok.bpd" --classes yes -o "$TMP/new.out"
row 2 "train: --classes no: .*idx2 is IDX data, whose labels are classes" $BP train --data "$TMP/idx2" --classes no --save "$TMP/new.out"
check "train --classes no on FANN data (it takes it)" $BP train --data "$TMP/end.data" --classes no --epochs 1 --quiet --save "$TMP/fann.bpm"
row 2 "explain: --split train: only an IDX directory has splits, and .*ok.csv is a file" $BP explain --model "$TMP/model.bpm" --data "$TMP/ok.csv" --sample 1 --split train
row 2 "convert: --split t10k: only an IDX directory has splits, and .*ok.csv is a file" $BP convert --data "$TMP/ok.csv" --split t10k -o "$TMP/new.out"
row 2 "convert: --split train: only an IDX directory has splits, and standard input is not one" no_stdin $BP convert --data - --split train -o "$TMP/new.out"
row 2 "explain: --split: 'test': use train or t10k" $BP explain --model "$TMP/model.bpm" --data "$TMP/idx" --sample 1 --split test
row 2 'give --quiet or --verbose, not both' $BP train --data "$TMP/ok.csv" --quiet --verbose --save "$TMP/new.out"
# the second reader of standard input found it used up: 'stdin: no data'
row 2 "--data - and --test -: standard input holds one data set" $BP train --data - --test - --save "$TMP/new.out"
row 2 '--model FILE and --data FILE are needed' $BP eval --data "$TMP/ok.csv"
row 2 "unknown command 'trian'" $BP trian
# extra words were ignored: info M --kernels listed kernels, not M
row 2 "info: --kernels takes no model \('.*model.bpm'\)" $BP info "$TMP/model.bpm" --kernels
row 2 "info: --kernels takes no model" $BP info --kernels "$TMP/model.bpm"
row 2 "help: one command at a time \('eval' after 'train'\)" $BP help train eval
# a stray word is named in one line (info a b printed the whole usage)
row 2 "info: unexpected argument '.*ok.csv' \(one model at a time\)" $BP info "$TMP/model.bpm" "$TMP/ok.csv"
row 2 "info: which model\?" $BP info
row 2 "train: unexpected argument 'stray'" $BP train --data "$TMP/ok.csv" --save "$TMP/new.out" stray
row 2 "eval: unexpected argument 'stray'" $BP eval --model "$TMP/model.bpm" --data "$TMP/ok.csv" stray
row 2 "predict: unexpected argument 'stray'" $BP predict --model "$TMP/model.bpm" --data "$TMP/ok.csv" -o "$TMP/new.out" stray
row 2 "explain: unexpected argument 'stray'" $BP explain --example mazur stray
row 2 "convert: unexpected argument 'stray'" $BP convert --data "$TMP/ok.csv" -o "$TMP/new.out" stray
row 2 "convert: --data FILE and -o OUT are needed" $BP convert --data "$TMP/ok.csv"
row 2 "export: unexpected argument 'stray'" $BP export --model "$TMP/model.bpm" --format onnx -o "$TMP/new.out" stray
row 2 "export: --model M, --format c\|onnx\|fann and -o OUT are needed" $BP export --model "$TMP/model.bpm" -o "$TMP/new.out"
row 2 "import: unexpected argument '.*b.net' \(one .net file at a time\)" $BP import --format fann "$TMP/a.net" "$TMP/b.net" -o "$TMP/new.out"
row 2 "import: the .net file and -o MODEL are needed" $BP import --format fann -o "$TMP/new.out"
row 2 "import: --format: 'onnx': only fann" $BP import --format onnx "$TMP/a.net" -o "$TMP/new.out"
row 2 "playground: unexpected argument 'stray'" $BP playground stray
row 2 "version: takes no arguments" $BP version stray
row 2 "version: takes no arguments" $BP --version stray
row 2 "help: one command at a time \('stray' after 'info'\)" $BP --help info stray
$BP --help info >"$TMP/out" 2>&1 && grep -q "^usage: backprop info MODEL" "$TMP/out" &&
    ok "--help info is info's help" || fail "--help info: $(head -n 2 "$TMP/out")"
# eval and predict read one option table: the other command's options
# are refused, never ignored (exit 0 with the file asked for missing)
row 2 "eval: -o is an option of predict, not of eval" $BP eval --model "$TMP/model.bpm" --data "$TMP/ok.csv" -o "$TMP/new.out"
row 2 "eval: --output is an option of predict" $BP eval --model "$TMP/model.bpm" --data "$TMP/ok.csv" --output "$TMP/new.out"
row 2 "eval: --proba is an option of predict" $BP eval --model "$TMP/model.bpm" --data "$TMP/ok.csv" --proba
row 2 "predict: --plot is an option of eval, not of predict" $BP predict --model "$TMP/model.bpm" --data "$TMP/ok.csv" --plot "$TMP/new.out"
row 2 "predict: --regions is an option of eval" $BP predict --model "$TMP/model.bpm" --data "$TMP/ok.csv" --regions "$TMP/new.out"
row 2 "predict: --json is an option of eval" $BP predict --model "$TMP/model.bpm" --data "$TMP/ok.csv" --json
# kernels: a name the build lacks, or one this CPU lacks, is a usage
# error naming the kernels it runs; BP_KERNEL likewise refuses
expect_exit 2 "train --kernel sse9" $BP train --data "$TMP/ok.csv" --epochs 1 --kernel sse9 --quiet
expect_exit 2 "eval --kernel sse9" $BP eval --model "$TMP/model.bpm" --data "$TMP/ok.csv" --kernel sse9
expect_exit 2 "predict --kernel sse9" $BP predict --model "$TMP/model.bpm" --data "$TMP/ok.csv" --kernel sse9
for k in avx512 avx2 neon; do
    if ! $BP info --kernels | grep -qx $k; then
        expect_exit 2 "train --kernel $k on a CPU without it" $BP train --data "$TMP/ok.csv" --epochs 1 --kernel $k --quiet
        break
    fi
done
expect_exit 2 "BP_KERNEL=sse9 train" env BP_KERNEL=sse9 $BP train --data "$TMP/ok.csv" --epochs 1 --quiet
if grep -q "BP_KERNEL: unknown kernel 'sse9'" "$TMP/err"; then ok "BP_KERNEL=sse9: the message names it"
else fail "BP_KERNEL=sse9: message: $(cat "$TMP/err")"; fi
for k in $($BP info --kernels); do
    check "eval --kernel $k" $BP eval --model "$TMP/model.bpm" --data "$TMP/ok.csv" --kernel $k
done
if $BP info "$TMP/model.bpm" | grep -q "^kernel *$($BP info --kernels | head -n 1)"; then ok "info names the kernel"
else fail "info names the kernel: $($BP info "$TMP/model.bpm" | grep kernel)"; fi

# README.md counts this table's rows as a lower bound ("over N kinds of
# bad input"), which must stay true
claim=$(sed -n 's/.*over \([0-9][0-9]*\) kinds of bad input.*/\1/p' README.md | head -n 1)
if [ -z "$claim" ]; then
    fail "README.md no longer says 'over N kinds of bad input'"
elif [ "$ROWS" -gt "$claim" ]; then
    ok "$ROWS kinds of bad input in the table: over $claim, as README.md says"
else
    fail "$ROWS kinds of bad input in the table, but README.md says over $claim"
fi
summary cli_errors
