#!/bin/sh
# tests/valgrind.sh BUILD - the command end to end under valgrind's
# memcheck: no invalid access, no use of uninitialised memory, no leak,
# on the success paths and on error paths alike.
BUILD=${1:-build}
BP="$BUILD/backprop"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
if ! command -v valgrind >/dev/null 2>&1; then
    echo "  SKIP the command under memcheck: valgrind missing (apt-get install valgrind)"
    echo "valgrind: 0 passed, 0 failed, 1 skipped"
    exit 0
fi
vg() {
    what=$1
    shift
    valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
        "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ $rc -eq 99 ] || grep -q "^==[0-9]*==" "$TMP/err"; then
        failed=$((failed + 1))
        echo "  FAIL $what"
        grep "^==" "$TMP/err" | head -20
    else
        passed=$((passed + 1))
        echo "  ok   $what (exit $rc)"
    fi
}
awk 'BEGIN { print "x1,x2,kind"; for (i = 0; i < 60; i++) printf "%d,%d,%s\n", i % 7, i % 5, i % 3 ? "a" : "b" }' >"$TMP/d.csv"
printf 'a,b,c\n1,2,x\n3,oops,y\n' >"$TMP/bad.csv"
vg "explain --check" $BP explain --example mazur --check --steps 20
vg "explain markdown, xor" $BP explain --example xor --format markdown
vg "explain perceptron" $BP explain --example perceptron-and
vg "train with checkpoints, log, plot" $BP train --data "$TMP/d.csv" --epochs 3 --checkpoint "$TMP/c.bpm" --checkpoint-batches 2 --log "$TMP/l.jsonl" --plot "$TMP/p.svg" --save "$TMP/m.bpm" --patience 5
vg "resume" $BP train --data "$TMP/d.csv" --resume "$TMP/c.bpm" --epochs 4 --save "$TMP/m2.txt"
vg "eval with plots" $BP eval --model "$TMP/m.bpm" --data "$TMP/d.csv" --plot "$TMP/cm.svg" --regions "$TMP/r.svg"
vg "eval --json of a text model" $BP eval --model "$TMP/m2.txt" --data "$TMP/d.csv" --json
vg "predict --proba" $BP predict --model "$TMP/m.bpm" --data "$TMP/d.csv" --proba -o "$TMP/p.csv"
vg "info" $BP info "$TMP/c.bpm"
vg "bad CSV" $BP train --data "$TMP/bad.csv"
head -c 300 "$TMP/m.bpm" >"$TMP/t.bpm"
vg "truncated model" $BP eval --model "$TMP/t.bpm" --data "$TMP/d.csv"
vg "usage error" $BP train --data "$TMP/d.csv" --frobnicate
echo "valgrind: $passed passed, $failed failed, 0 skipped"
[ $failed -eq 0 ]
