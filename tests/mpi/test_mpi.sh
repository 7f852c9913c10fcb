#!/bin/sh
# tests/mpi/test_mpi.sh BUILD - data-parallel training over MPI: 2 ranks
# against 1 process on the same global batch; identical weights on every
# rank; a killed rank ends the job and leaves the checkpoint intact; a
# checkpoint resumes on another number of ranks.
BUILD=${1:-build-mpi}
. "$(dirname "$0")/../cli/lib.sh"
if ! command -v mpirun >/dev/null 2>&1; then
    skip "the data-parallel tests: mpirun missing (apt-get install openmpi-bin libopenmpi-dev)"
    summary mpi
    exit
fi
MPIRUN="mpirun --allow-run-as-root --oversubscribe -np"

awk 'BEGIN { s = 3; print "a,b,c,y";
    for (i = 0; i < 600; i++) {
        s = (s * 1103515245 + 12345) % 2147483648; a = s / 2147483648 * 2 - 1;
        s = (s * 1103515245 + 12345) % 2147483648; b = s / 2147483648 * 2 - 1;
        printf "%.5f,%.5f,%.5f,%s\n", a, b, a * b, (a * b > 0 ? "same" : "diff") } }' >"$TMP/d.csv"
recipe="--data $TMP/d.csv --hidden 32 --optim adam --lr 0.01 --batch 40 --epochs 6 --seed 4 --val-split 0.1"

echo "2 ranks against 1 process, the same global batch"
check "1 process" $BP train $recipe --save "$TMP/one.txt" --log "$TMP/one.jsonl" --quiet
check "2 ranks, checking every step that all ranks hold the same weights" \
    $MPIRUN 2 $BP train $recipe --save "$TMP/two.txt" --log "$TMP/two.jsonl" --debug-sync 1 --quiet
for e in 1 2 3 4 5 6; do
    a=$(sed -n "${e}p" "$TMP/one.jsonl" | sed 's/.*"train_loss":\([^,]*\).*/\1/')
    b=$(sed -n "${e}p" "$TMP/two.jsonl" | sed 's/.*"train_loss":\([^,]*\).*/\1/')
    near "$b" "$a" 1e-4 && ok "epoch $e loss: 2 ranks $b, 1 process $a" || fail "epoch $e loss: $b vs $a"
done
worst=$(paste -d' ' "$TMP/one.txt" "$TMP/two.txt" | awk '
    { n = NF / 2; for (i = 1; i <= n; i++) if ($i ~ /^-?[0-9.]+(e-?[0-9]+)?$/) {
        d = $i - $(i + n); if (d < 0) d = -d; if (d > w) w = d } }
    END { printf "%g", w + 0 }')
near "$worst" 0 0 1e-3 && ok "weights after 6 epochs differ by at most $worst" || fail "weights differ by $worst"
[ "$(wc -l <"$TMP/two.jsonl")" -eq 6 ] && ok "rank 0 alone wrote the log (6 lines)" || fail "log: $(wc -l <"$TMP/two.jsonl") lines"

echo "a checkpoint resumes on another number of ranks"
check "2 ranks, 3 epochs, checkpoints" $MPIRUN 2 $BP train $recipe --epochs 3 --checkpoint "$TMP/c2.bpm" --quiet
check "resumed by 1 process" $BP train --data "$TMP/d.csv" --resume "$TMP/c2.bpm" --epochs 6 --save "$TMP/r1.bpm" --quiet
check "1 process, 3 epochs, checkpoints" $BP train $recipe --epochs 3 --checkpoint "$TMP/c1.bpm" --quiet
check "resumed by 2 ranks" $MPIRUN 2 $BP train --data "$TMP/d.csv" --resume "$TMP/c1.bpm" --epochs 6 --save "$TMP/r2.bpm" --quiet
check "both models load" $BP info "$TMP/r2.bpm"
$BP info "$TMP/r1.bpm" >/dev/null && ok "and the other" || fail "r1.bpm does not load"

echo "a killed rank ends the job; the checkpoint stays intact"
awk 'BEGIN { print "a,b,c,y"; for (i = 0; i < 20000; i++) printf "%d,%d,%d,%s\n", i % 7, i % 11, i % 13, (i % 3 ? "x" : "y") }' >"$TMP/big.csv"
$MPIRUN 2 $BP train --data "$TMP/big.csv" --hidden 256,256 --epochs 1000 --checkpoint "$TMP/k.bpm" --quiet >"$TMP/kill.out" 2>&1 &
job=$!
i=0
# bounds far above what an idle machine needs (a checkpoint in under a
# second; mpirun ends within a second of a rank's death), so load cannot
# fail the test
while [ ! -f "$TMP/k.bpm" ] && [ $i -lt 6000 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
victim=$(pgrep -f "$BP train --data $TMP/big.csv" | tail -n 1)
[ -n "$victim" ] && kill -9 "$victim"
i=0
while kill -0 $job 2>/dev/null && [ $i -lt 3000 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $job 2>/dev/null; then
    fail "mpirun still running 5 minutes after a rank was killed"
    pkill -9 -f "$BP train --data $TMP/big.csv"
    kill -9 $job 2>/dev/null
else
    wait $job
    rc=$?
    [ $rc -ne 0 ] && ok "mpirun ended with status $rc: $(grep -m1 -iE 'exit|kill|signal|abort' "$TMP/kill.out" | cut -c1-90)" ||
        fail "mpirun ended with status 0 after a rank was killed"
fi
$BP info "$TMP/k.bpm" >"$TMP/info" 2>&1 && grep -q "^checkpoint" "$TMP/info" &&
    ok "the checkpoint loads: $(grep '^checkpoint' "$TMP/info" | cut -c1-60)" || fail "checkpoint: $(cat "$TMP/info")"
summary mpi
