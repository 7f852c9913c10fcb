#!/bin/sh
# tests/cli/test_cli_data.sh - data files as the commands read them: the
# defects found by attack (issue 13), each with its reproducer: .bpd
# files evaluated and scaled, piped data, a byte-order mark, a gzip bomb,
# many labels, huge fields, one column, underflow, networks too large;
# and what a model remembers of its training file.
. "$(dirname "$0")/lib.sh"

printf 'a,b,c\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n' >"$TMP/d.csv"

echo ".bpd files: evaluated, predicted, scaled as the model was"
$BP train --data "$TMP/d.csv" --save "$TMP/m.bpm" --epochs 1 --quiet || fail "fixture"
$BP train --data "$TMP/d.csv" --save "$TMP/ms.bpm" --epochs 1 --scale standard --quiet || fail "fixture"
check "convert to .bpd" $BP convert --data "$TMP/d.csv" -o "$TMP/d.bpd"
check "eval on a .bpd (was SIGSEGV)" $BP eval --model "$TMP/m.bpm" --data "$TMP/d.bpd"
check "predict on a .bpd (was SIGSEGV)" $BP predict --model "$TMP/m.bpm" --data "$TMP/d.bpd"
$BP eval --model "$TMP/ms.bpm" --data "$TMP/d.csv" >"$TMP/csv.out" 2>&1
$BP eval --model "$TMP/ms.bpm" --data "$TMP/d.bpd" >"$TMP/bpd.out" 2>&1
cmp -s "$TMP/csv.out" "$TMP/bpd.out" && ok "a scaled model on an unscaled .bpd: the same figures as on the CSV" ||
    fail "eval differs on the .bpd: $(head -3 "$TMP/bpd.out")"
check "convert to .bpd, scaled" $BP convert --data "$TMP/d.csv" -o "$TMP/ds.bpd" --scale minmax
cp "$TMP/ds.bpd" "$TMP/ds.keep"
$BP eval --model "$TMP/ms.bpm" --data "$TMP/ds.bpd" >"$TMP/bpd.out" 2>&1
cmp -s "$TMP/csv.out" "$TMP/bpd.out" && ok "a .bpd scaled otherwise: brought to the model's scaling" ||
    fail "eval differs on the minmax .bpd: $(head -3 "$TMP/bpd.out")"
cmp -s "$TMP/ds.bpd" "$TMP/ds.keep" && ok "the mapped file is not written" || fail "the .bpd changed"
# a FANN .data file cannot hold a scaling: a scaled .bpd written as one
# was written scaled and read back as other data (the model then scaled
# it twice); it is written in the data's own units, as the CSV had them
check "convert a scaled .bpd to .data" $BP convert --data "$TMP/ds.bpd" -o "$TMP/ds.data"
check "convert the CSV to .data" $BP convert --data "$TMP/d.csv" -o "$TMP/d.data"
cmp -s "$TMP/ds.data" "$TMP/d.data" && ok "the .data from the scaled .bpd is the CSV's numbers" ||
    fail "the .data holds other numbers: $(sed -n 2p "$TMP/ds.data") vs $(sed -n 2p "$TMP/d.data")"
# --scale none asks for the data unscaled, in a .bpd too
check "convert a scaled .bpd --scale none" $BP convert --data "$TMP/ds.bpd" -o "$TMP/dn.bpd" --scale none
cmp -s "$TMP/dn.bpd" "$TMP/d.bpd" && ok "--scale none: the unscaled .bpd" || fail "--scale none kept the scaling"
# train --test on a .bpd validates on scaled data, as --test on the CSV
$BP train --data "$TMP/d.csv" --test "$TMP/d.bpd" --epochs 2 --scale standard --log "$TMP/l1.jsonl" --quiet
$BP train --data "$TMP/d.csv" --test "$TMP/d.csv" --epochs 2 --scale standard --log "$TMP/l2.jsonl" --quiet
v1=$(sed 's/.*"val_loss":\([^,]*\),.*/\1/' "$TMP/l1.jsonl" | tr '\n' ' ')
v2=$(sed 's/.*"val_loss":\([^,]*\),.*/\1/' "$TMP/l2.jsonl" | tr '\n' ' ')
[ -n "$v1" ] && [ "$v1" = "$v2" ] && ok "train --test x.bpd: validation loss ${v1}as on the CSV" ||
    fail "--test on the .bpd validates otherwise: '$v1' vs '$v2'"

echo "a .bpd truncated while training reads it (was SIGBUS)"
# Deterministic, no timing: --test is a FIFO, which train opens after it
# has mapped --data; our open of its other end returns once train's has,
# so the file is cut after it was mapped and before training reads it.
# Should train end first (an error), the subshell opens the FIFO itself
# so that our open returns instead of waiting forever.
cp "$TMP/d.bpd" "$TMP/cut.bpd"
if mkfifo "$TMP/t.fifo" 2>/dev/null; then
    ( $BP train --data "$TMP/cut.bpd" --test "$TMP/t.fifo" --epochs 2 \
        --checkpoint "$TMP/cut.ckpt" --save "$TMP/cut.bpm" --quiet 2>"$TMP/err"
      rc=$?; exec 4<>"$TMP/t.fifo"; exit $rc ) & pid=$!
    exec 3>"$TMP/t.fifo"
    truncate -s 4096 "$TMP/cut.bpd"
    cat "$TMP/d.csv" >&3 2>/dev/null
    exec 3>&-
    wait $pid
    rc=$?
    [ $rc -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
        grep -q "^backprop train: $TMP/cut.bpd: the file shrank while in use" "$TMP/err" &&
        ok "exit 1 and one line naming the file: $(head -c 90 "$TMP/err")..." ||
        fail "truncated while mapped: exit $rc, $(head -c 300 "$TMP/err")"
    [ ! -e "$TMP/cut.bpm" ] && [ -z "$(ls "$TMP" | grep '^cut\.\(bpm\|ckpt\)')" ] &&
        ok "no model, checkpoint or temporary file left" || fail "left: $(ls "$TMP" | grep '^cut')"
else
    skip "a .bpd truncated while mapped: mkfifo cannot make a FIFO in $TMP"
fi

echo "a .bpd truncated while convert writes it out (was SIGBUS, and a temporary file left)"
# Deterministic, no timing: a preloaded mkstemp truncates the .bpd right
# after convert has mapped it and made its temporary output file, before
# a row is read.
CC=${CC:-cc}
cat >"$TMP/cut_after_mkstemp.c" <<'EOC'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>
static int cut(int fd)
{
    const char *p = getenv("CUT_AFTER_MKSTEMP");
    if (fd >= 0 && p && *p && truncate(p, 0) == 0)
        unsetenv("CUT_AFTER_MKSTEMP"); /* once */
    return fd;
}
int mkstemp(char *t)
{
    int (*real)(char *) = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp");
    return cut(real(t));
}
int mkstemp64(char *t)
{
    int (*real)(char *) = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp64");
    return cut(real(t));
}
EOC
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "%d,%d.5,%s\n", i, i % 13, i % 2 ? "odd" : "even" }' >"$TMP/rows.csv"
$BP convert --data "$TMP/rows.csv" -o "$TMP/shrink.bpd" >/dev/null 2>&1 || fail "fixture"
printf 'the old file\n' >"$TMP/out.data"
if $CC -shared -fPIC "$TMP/cut_after_mkstemp.c" -o "$TMP/cut.so" -ldl 2>"$TMP/cc.err"; then
    CUT_AFTER_MKSTEMP="$TMP/shrink.bpd" LD_PRELOAD="$TMP/cut.so" ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
        $BP convert --data "$TMP/shrink.bpd" -o "$TMP/out.data" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$(wc -c <"$TMP/shrink.bpd")" -ne 0 ]; then
        skip "a .bpd truncated during convert: the preloaded mkstemp did not run (LD_PRELOAD ignored here)"
    else
        [ $rc -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
            grep -q "^backprop convert: $TMP/shrink.bpd: the file shrank while in use" "$TMP/err" &&
            ok "exit 1 and one line naming the file: $(head -c 90 "$TMP/err")..." ||
            fail "truncated during convert: exit $rc, $(head -c 300 "$TMP/err")"
        [ "$(cat "$TMP/out.data")" = "the old file" ] && ok "-o is untouched" || fail "-o was changed"
        left=$(ls "$TMP" | grep '^out\.data\.tmp\.')
        [ -z "$left" ] && ok "no temporary file left beside it" || fail "left behind: $left"
    fi
else
    skip "a .bpd truncated during convert: cannot build a preloadable library ($(head -n 1 "$TMP/cc.err"))"
fi

echo "standard input"
awk 'BEGIN { print "u,v,k"; for (i = 0; i < 1000; i++) printf "%d,%d.25,%s\n", i, i % 17, i % 2 ? "odd" : "even" }' >"$TMP/big.csv"
$BP train --data "$TMP/big.csv" --save "$TMP/big.bpm" --epochs 1 --quiet || fail "fixture"
cat "$TMP/big.csv" | $BP eval --model "$TMP/big.bpm" --data /dev/stdin >"$TMP/out" 2>&1
grep -q "^samples   1000$" "$TMP/out" && ok "a pipe through /dev/stdin: 1000 of 1000 samples (was 744)" ||
    fail "/dev/stdin: $(head -2 "$TMP/out")"
cat "$TMP/big.csv" | $BP eval --model "$TMP/big.bpm" --data - >"$TMP/out" 2>&1
grep -q "^samples   1000$" "$TMP/out" && ok "'-': 1000 samples" || fail "-: $(head -2 "$TMP/out")"
gzip -c "$TMP/big.csv" | $BP eval --model "$TMP/big.bpm" --data - >"$TMP/out" 2>&1
grep -q "^samples   1000$" "$TMP/out" && ok "gzip through a pipe: 1000 samples" || fail "gzip: $(head -2 "$TMP/out")"
cat "$TMP/d.bpd" | $BP eval --model "$TMP/m.bpm" --data - >"$TMP/out" 2>&1
grep -q "^samples   4$" "$TMP/out" && ok "a .bpd through a pipe: read, not mapped" || fail ".bpd pipe: $(head -2 "$TMP/out")"

echo "a UTF-8 byte-order mark"
printf '\357\273\2771,2,0\n3,4,1\n5,6,0\n7,8,1\n' >"$TMP/bom.csv"
check "convert a CSV that starts with a BOM" $BP convert --data "$TMP/bom.csv" -o "$TMP/bom.data"
[ "$(head -n 1 "$TMP/bom.data")" = "4 2 2" ] && ok "4 samples, not 3 (the first row is data)" ||
    fail "bom.csv read as '$(head -n 1 "$TMP/bom.data")'"

echo "an IDX directory's two splits"
# train: 3 images of 1x2 pixels; t10k: 2 images
mkdir -p "$TMP/idx"
printf '\0\0\010\003\0\0\0\003\0\0\0\001\0\0\0\002abcdef' >"$TMP/idx/train-images-idx3-ubyte"
printf '\0\0\010\001\0\0\0\003\0\1\2' >"$TMP/idx/train-labels-idx1-ubyte"
printf '\0\0\010\003\0\0\0\002\0\0\0\001\0\0\0\002ghij' >"$TMP/idx/t10k-images-idx3-ubyte"
printf '\0\0\010\001\0\0\0\002\2\1' >"$TMP/idx/t10k-labels-idx1-ubyte"
for sp in train t10k; do
    $BP convert --data "$TMP/idx" --split $sp -o "$TMP/idx-$sp.data" >"$TMP/out" 2>&1 || fail "convert --split $sp: $(cat "$TMP/out")"
done
[ "$(head -n 1 "$TMP/idx-train.data")" = "3 2 3" ] && [ "$(head -n 1 "$TMP/idx-t10k.data")" = "2 2 3" ] &&
    ok "convert --split train: 3 samples, --split t10k: 2" ||
    fail "splits read as '$(head -n 1 "$TMP/idx-train.data")' and '$(head -n 1 "$TMP/idx-t10k.data")'"

echo "resource limits"
if command -v gzip >/dev/null 2>&1; then
    mkdir -p "$TMP/bomb"
    { printf '\0\0\010\003\0\0\0\001\0\0\0\001\0\0\0\001'; head -c 100000000 /dev/zero; } | gzip -c >"$TMP/bomb/train-images-idx3-ubyte.gz"
    printf '\0\0\010\001\0\0\0\001\0' >"$TMP/bomb/train-labels-idx1-ubyte"
    expect_exit 1 "a gzip bomb ($(wc -c <"$TMP/bomb/train-images-idx3-ubyte.gz") bytes, 100 MB inflated)" $BP train --data "$TMP/bomb" --epochs 1
    grep -q "decompresses to more than the 17 bytes its header declares" "$TMP/err" && ok "stopped at the header's size" ||
        fail "$(cat "$TMP/err")"
else
    echo "  SKIP gzip bomb: no gzip here"
fi
awk 'BEGIN { print "x,y,name"; for (i = 0; i < 20000; i++) printf "%d,%d,n%d\n", i, i % 7, i }' >"$TMP/names.csv"
expect_exit 1 "20,000 distinct labels" $BP train --data "$TMP/names.csv" --epochs 1
grep -q "more than 10000 distinct labels" "$TMP/err" && ok "refused: too many classes" || fail "$(cat "$TMP/err")"
awk 'BEGIN { printf "a,b,c\n1,"; for (i = 0; i < 100000; i++) printf "z"; print ",x" }' >"$TMP/field.csv"
expect_exit 1 "a 100 KB field" $BP train --data "$TMP/field.csv" --epochs 1
[ "$(wc -c <"$TMP/err")" -lt 200 ] && grep -q "zzz\.\.\.'" "$TMP/err" && ok "the message shows it cut ($(wc -c <"$TMP/err") bytes)" ||
    fail "a message of $(wc -c <"$TMP/err") bytes"

echo "bad data: exit 1"
printf '1\n2\n3\n' >"$TMP/one.csv"
expect_exit 1 "a CSV of one column" $BP train --data "$TMP/one.csv" --epochs 1
expect_exit 1 "convert a CSV of one column" $BP convert --data "$TMP/one.csv" -o "$TMP/one.bpd"
[ -e "$TMP/one.bpd" ] && fail "a .bpd was written" || ok "no .bpd written"
printf 'a,b,c\n1e-400,2,x\n3,4,y\n5,6,x\n' >"$TMP/under.csv"
check "1e-400 reads as 0" $BP convert --data "$TMP/under.csv" -o "$TMP/under.data"
sed -n 2p "$TMP/under.data" | grep -q "^0 2$" && ok "written as 0" || fail "$(sed -n 2p "$TMP/under.data")"
expect_exit 1 "a network too large for memory" $BP train --data "$TMP/d.csv" --hidden 16777216,16777216 --epochs 1

echo "a model remembers its training file's columns"
printf 'species,len,width\nA,1,2\nB,3,4\nA,1.5,2.5\nB,3.5,4.5\nA,1.2,2.2\nB,3.2,4.2\n' >"$TMP/s.csv"
check "train with --label species (the first column)" $BP train --data "$TMP/s.csv" --label species --save "$TMP/s.bpm" --epochs 1
check "eval on the same file without --label" $BP eval --model "$TMP/s.bpm" --data "$TMP/s.csv"
printf 'width,species,len\n2,A,1\n4,B,3\n' >"$TMP/moved.csv"
check "eval on the columns reordered: found by name" $BP eval --model "$TMP/s.bpm" --data "$TMP/moved.csv"
# the inputs by name too: len and width swapped gave each input its
# neighbour's values, a wrong answer without a word
printf 'species,len,width\nA,1,2\nB,3,4\n' >"$TMP/same.csv"
$BP predict --model "$TMP/s.bpm" --data "$TMP/same.csv" --proba >"$TMP/p1" 2>&1
$BP predict --model "$TMP/s.bpm" --data "$TMP/moved.csv" --proba >"$TMP/p2" 2>&1
cmp -s "$TMP/p1" "$TMP/p2" && ok "the inputs moved: each found by name, the same probabilities" ||
    fail "the inputs moved: $(sed -n 2p "$TMP/p2") vs $(sed -n 2p "$TMP/p1")"
printf 'width,len\n2,1\n4,3\n' >"$TMP/moved_in.csv"
$BP predict --model "$TMP/s.bpm" --data "$TMP/moved_in.csv" --proba >"$TMP/p2" 2>&1
cmp -s "$TMP/p1" "$TMP/p2" && ok "inputs alone, moved: the same probabilities" ||
    fail "inputs alone, moved: $(sed -n 2p "$TMP/p2") vs $(sed -n 2p "$TMP/p1")"
$BP info "$TMP/s.bpm" | grep -q "^inputs     by name: len width$" && ok "info names the inputs" ||
    fail "info: $($BP info "$TMP/s.bpm" | grep inputs)"
$BP train --data "$TMP/s.csv" --label species --test "$TMP/moved.csv" --epochs 3 --quiet --log "$TMP/lm.jsonl" &&
    $BP train --data "$TMP/s.csv" --label species --test "$TMP/same.csv" --epochs 3 --quiet --log "$TMP/ls.jsonl" &&
    [ "$(sed 's/"seconds":[^,]*,//' "$TMP/lm.jsonl")" = "$(sed 's/"seconds":[^,]*,//' "$TMP/ls.jsonl")" ] &&
    ok "train --test on the columns moved: the same validation figures" ||
    fail "train --test moved: $(tail -1 "$TMP/lm.jsonl" | cut -c1-120) vs $(tail -1 "$TMP/ls.jsonl" | cut -c1-120)"
printf 'species,len,height\nA,1,2\n' >"$TMP/other.csv"
expect_exit 1 "a header without one of the inputs" $BP eval --model "$TMP/s.bpm" --data "$TMP/other.csv"
grep -q "other.csv:1: no column 'width' in the header" "$TMP/err" && ok "the message names it" || fail "$(cat "$TMP/err")"
printf 'price,rooms,area\n100,2,50\n200,3,80\n150,2,60\n120,1,55\n' >"$TMP/h.csv"
check "train a regression on --label price" $BP train --data "$TMP/h.csv" --label price --save "$TMP/h.bpm" --epochs 1
$BP predict --model "$TMP/h.bpm" --data "$TMP/h.csv" >"$TMP/out" 2>&1
[ "$(head -n 1 "$TMP/out")" = "price" ] && ok "predict names its output 'price'" || fail "predict's header: $(head -n 1 "$TMP/out")"
printf 'rooms,area\n2,50\n' >"$TMP/in.csv"
$BP predict --model "$TMP/h.bpm" --data "$TMP/in.csv" >"$TMP/out" 2>&1
[ "$(wc -l <"$TMP/out")" -eq 2 ] && ok "inputs alone: predicted" || fail "$(cat "$TMP/out")"
$BP train --data "$TMP/h.csv" --label price --save "$TMP/h.txt" --epochs 1 --quiet
grep -q "^target 1 price$" "$TMP/h.txt" && ok "the text model says 'target 1 price'" || fail "$(grep -n column "$TMP/h.txt")"

summary cli_data
