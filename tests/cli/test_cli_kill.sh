#!/bin/sh
# tests/cli/test_cli_kill.sh - kill -9 a training run while it writes a
# checkpoint and its model, again and again at different moments: the
# files on disk are always complete and loadable (the earlier version or
# the new one, never a mixture), and a resume from the checkpoint works.
. "$(dirname "$0")/lib.sh"
case "$BUILD" in *asan*) ROUNDS=4 ;; *) ROUNDS=12 ;; esac

# a small data set and a wide network: each epoch is quick and each
# checkpoint is megabytes, so most kills land in or near a save
awk 'BEGIN { print "a,b,c"; for (i = 0; i < 40; i++) printf "%d,%d,%s\n", i % 7, i % 5, i % 2 ? "odd" : "even" }' >"$TMP/d.csv"
$BP train --data "$TMP/d.csv" --hidden 700,700 --epochs 1 --checkpoint "$TMP/c.bpm" --save "$TMP/m.bpm" --quiet ||
    fail "first run"
size=$(wc -c <"$TMP/c.bpm")
loadable=0
i=0
while [ $i -lt $ROUNDS ]; do
    i=$((i + 1))
    $BP train --data "$TMP/d.csv" --resume "$TMP/c.bpm" --epochs 100000 --checkpoint "$TMP/c.bpm" --save "$TMP/m.bpm" --quiet &
    pid=$!
    # 0.05 .. 0.6 s, a different moment each round
    sleep "0.$(printf '%02d' $(( (i * 37) % 55 + 5 )))"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    if $BP info "$TMP/c.bpm" >"$TMP/info" 2>&1 && grep -q "^checkpoint epoch" "$TMP/info" &&
       $BP info "$TMP/m.bpm" >/dev/null 2>&1; then
        loadable=$((loadable + 1))
    else
        fail "round $i: $(head -n 1 "$TMP/info")"
    fi
done
[ $loadable -eq $ROUNDS ] && ok "$ROUNDS kills: checkpoint ($size bytes) and model loadable after each" ||
    fail "$loadable of $ROUNDS rounds left loadable files"
epoch=$(sed -n 's/^checkpoint epoch \([0-9]*\) .*/\1/p' "$TMP/info")
[ "${epoch:-0}" -gt 1 ] && ok "training advanced between kills (epoch $epoch)" ||
    fail "no progress across kills (epoch '$epoch')"
check "resume after the last kill" $BP train --data "$TMP/d.csv" --resume "$TMP/c.bpm" --epochs $((epoch + 1)) --save "$TMP/final.bpm" --quiet
summary cli_kill
