#!/bin/sh
# tests/soak.sh BUILD [KILLS] - crash safety under load: a training run
# that writes a checkpoint every few batches is killed with SIGKILL at
# random moments, KILLS times (default 30), each after it has written a
# new checkpoint, and resumed from its checkpoint each time until it
# finishes. The final model must equal an uninterrupted run's byte for
# byte, and no kill may leave an unloadable checkpoint. Nothing depends on
# timing: a slow machine only makes it take longer.
BUILD=${1:-build}
KILLS=${2:-30}
BP="$BUILD/backprop"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
awk 'BEGIN { s = 1; print "a,b,c,d,y";
    for (i = 0; i < 3000; i++) {
        s = (s * 1103515245 + 12345) % 2147483648; a = s / 2147483648;
        s = (s * 1103515245 + 12345) % 2147483648; b = s / 2147483648;
        printf "%.4f,%.4f,%.4f,%.4f,%s\n", a, b, a * b, a - b, (a + b > 1 ? "hi" : "lo") } }' >"$TMP/d.csv"
recipe="--data $TMP/d.csv --hidden 256,256 --batch 16 --epochs 20 --seed 9 --optim adam --quiet"
$BP train $recipe --save "$TMP/straight.bpm" || { echo "soak: the uninterrupted run failed"; exit 1; }

passed=0
failed=0
kills=0
seed=1
ckpt="--checkpoint $TMP/c.bpm --checkpoint-batches 7 --save $TMP/final.bpm"
# stamp: the checkpoint's checksum, or "none"
stamp() { if [ -f "$TMP/c.bpm" ]; then cksum <"$TMP/c.bpm"; else echo none; fi; }
# the first run writes the first checkpoint; every later one resumes it.
# Each kill comes after the run has written a new checkpoint (so every
# round makes progress, however busy the machine), at a random moment
# up to 0.2 s later.
$BP train $recipe $ckpt &
pid=$!
while [ $kills -lt "$KILLS" ]; do
    was=$(stamp)
    n=0
    while [ "$(stamp)" = "$was" ] && kill -0 $pid 2>/dev/null && [ $n -lt 6000 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
    sleep "0.$(printf '%03d' $(( seed % 200 )))"
    if ! kill -9 $pid 2>/dev/null; then
        break # it finished before this kill
    fi
    wait $pid 2>/dev/null
    kills=$((kills + 1))
    if $BP info "$TMP/c.bpm" >/dev/null 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "  FAIL kill $kills left an unloadable checkpoint"
        break
    fi
    $BP train --data "$TMP/d.csv" --resume "$TMP/c.bpm" $ckpt --quiet &
    pid=$!
done
wait $pid # the last run finishes on its own
echo "  $kills kills, every checkpoint loadable: $passed of $kills"
if cmp -s "$TMP/straight.bpm" "$TMP/final.bpm"; then
    passed=$((passed + 1))
    echo "  ok   the killed-and-resumed run's model equals the uninterrupted run's"
else
    failed=$((failed + 1))
    echo "  FAIL the killed-and-resumed run's model differs from the uninterrupted run's"
fi
echo "soak: $passed passed, $failed failed, 0 skipped"
[ $failed -eq 0 ]
