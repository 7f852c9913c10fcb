#!/bin/sh
# tests/cli/test_cli_kill.sh - a training run killed while it writes a
# checkpoint, or between two, leaves complete files: the earlier version
# or the new one, never a mixture; a resume from what is left finishes
# with the model an uninterrupted run gives, byte for byte.
#
# Nothing here depends on timing, so it passes under load, ASan or qemu:
# - deaths inside a write come at chosen bytes: the run gets a file size
#   limit (ulimit -f) smaller than its checkpoint, so the kernel kills it
#   (SIGXFSZ) in the write that crosses the limit, at that byte of the
#   temporary file, every time;
# - SIGKILLs come after the test has seen a new checkpoint appear, so
#   each round makes progress, however slow the machine.
. "$(dirname "$0")/lib.sh"
case "$BUILD" in *asan*) ROUNDS=3 ;; *) ROUNDS=6 ;; esac

# a small data set and a wide network: each batch is quick, each
# checkpoint almost 1 MB (weights and Adam's two moments)
awk 'BEGIN { print "a,b,c"; for (i = 0; i < 40; i++) printf "%d,%d,%s\n", i % 7, i % 5, i % 2 ? "odd" : "even" }' >"$TMP/d.csv"
recipe="--data $TMP/d.csv --hidden 256,256 --batch 8 --seed 3"
resume="--data $TMP/d.csv --resume $TMP/c.bpm --checkpoint $TMP/c.bpm --checkpoint-batches 1 --save $TMP/m.bpm --quiet"
check "first run: checkpoint and model" $BP train $recipe --epochs 1 --checkpoint "$TMP/c.bpm" --save "$TMP/m.bpm" --quiet
size=$(wc -c <"$TMP/c.bpm")
blocks=$((size / 512))

# position: the checkpoint's "epoch E of N" and batch, as info prints it
position() { $BP info "$TMP/c.bpm" 2>&1 | sed -n 's/^checkpoint \(epoch [0-9]*\( of [0-9]*\)*\(, batch [0-9]*\)*\).*/\1/p'; }

echo "killed inside the checkpoint's write, at chosen bytes (a file size limit)"
for k in 1 $((blocks / 3)) $((blocks / 2)) $((blocks - 1)); do
    at=$((k * 512))
    cp "$TMP/c.bpm" "$TMP/before.bpm"
    rm -f "$TMP"/c.bpm.tmp.*
    ( ulimit -f "$k" && exec $BP train $resume --epochs 100000 >"$TMP/out" 2>&1 ) 2>/dev/null
    rc=$?
    # 128 + SIGXFSZ; or, where the signal is ignored, the write fails
    # with EFBIG and the command says so (exit 1)
    tmp=$(ls "$TMP"/c.bpm.tmp.* 2>/dev/null | head -n 1)
    got=$([ -n "$tmp" ] && wc -c <"$tmp" || echo none)
    if [ $rc -eq $((128 + 25)) ] || [ $rc -eq 1 ]; then
        ok "byte $at of $size: the run died there (exit $rc; its temporary file holds $got bytes)"
    else
        fail "byte $at of $size: exit $rc, want 153 (SIGXFSZ) or 1: $(head -c 200 "$TMP/out")"
    fi
    cmp -s "$TMP/c.bpm" "$TMP/before.bpm" && $BP info "$TMP/c.bpm" >/dev/null 2>&1 &&
        ok "  the checkpoint is the earlier one, byte for byte, and loads" ||
        fail "  the checkpoint changed or does not load after a death at byte $at"
    $BP info "$TMP/m.bpm" >/dev/null 2>&1 && ok "  the model loads" || fail "  the model does not load"
done
# a temporary file left by a death does not disturb the next run
check "a run beside a stray temporary file" $BP train $resume --epochs 2
[ "$(position)" = "epoch 2 of 2" ] && ok "and it got to the end of epoch 2 ($(position))" ||
    fail "position after epoch 2: '$(position)'"

echo "SIGKILL once a new checkpoint has appeared, $ROUNDS times"
i=0
while [ $i -lt $ROUNDS ]; do
    i=$((i + 1))
    was=$(cksum <"$TMP/c.bpm")
    $BP train $resume --epochs 100000 >"$TMP/out" 2>&1 &
    pid=$!
    # wait (up to 10 minutes, for a very slow machine) for the run to
    # replace the checkpoint, then kill it wherever it is
    n=0
    while [ "$(cksum <"$TMP/c.bpm")" = "$was" ] && kill -0 $pid 2>/dev/null && [ $n -lt 6000 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    now=$(cksum <"$TMP/c.bpm")
    if [ "$now" != "$was" ] && $BP info "$TMP/c.bpm" >/dev/null 2>&1 && $BP info "$TMP/m.bpm" >/dev/null 2>&1; then
        ok "round $i: a new checkpoint ($(position)), killed; checkpoint and model load"
    else
        fail "round $i: $( [ "$now" = "$was" ] && echo "no new checkpoint in 10 minutes: $(head -c 200 "$TMP/out")" ||
                           $BP info "$TMP/c.bpm" 2>&1 | head -n 1)"
    fi
done

echo "resumed to the end: the model of an uninterrupted run"
epoch=$(position | sed 's/^epoch \([0-9]*\).*/\1/')
last=$((${epoch:-0} + 2))
check "resume to epoch $last" $BP train $resume --epochs $last
check "uninterrupted run of $last epochs" $BP train $recipe --epochs $last --save "$TMP/straight.bpm" --quiet
cmp -s "$TMP/m.bpm" "$TMP/straight.bpm" && ok "killed $((ROUNDS + 4)) times and resumed == uninterrupted, byte for byte" ||
    fail "the resumed model differs from the uninterrupted run's"
summary cli_kill
