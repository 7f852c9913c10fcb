#!/bin/sh
# tests/cli/test_cli_bigdata.sh - a data set larger than the memory the
# process may use: converted to .bpd, memory-mapped, trained batch by
# batch inside a memory cgroup whose limit is a third of the data's size.
. "$(dirname "$0")/lib.sh"
case "$BUILD" in *asan*)
    skip "training under a memory limit: left to the float and double builds (ASan reserves address space)"
    summary cli_bigdata
    exit ;;
esac

awk 'BEGIN { s = 5; printf "c1"; for (j = 2; j <= 50; j++) printf ",c%d", j; print ",y";
    for (i = 0; i < 1000; i++) { sum = 0;
        for (j = 1; j <= 50; j++) { s = (s * 1103515245 + 12345) % 2147483648; v = s / 2147483648;
            sum += v; printf "%.4f,", v }
        print (sum > 25 ? "big" : "small") } }' >"$TMP/small.csv"
check "convert to .bpd, 600 times over, scaled" $BP convert --data "$TMP/small.csv" -o "$TMP/big.bpd" --repeat 600 --scale standard
size=$(wc -c <"$TMP/big.bpd")
[ "$size" -gt 120000000 ] && ok "big.bpd is $size bytes (600,000 samples)" || fail "big.bpd is $size bytes"

echo "train under a memory limit of a third of the data"
CG=/sys/fs/cgroup/memory
if [ -w "$CG" ] && [ -f "$CG/memory.limit_in_bytes" ]; then
    limit=$((size / 3))
    dir="$CG/backprop-test-$$"
    mkdir "$dir" && echo "$limit" >"$dir/memory.limit_in_bytes" &&
        echo 0 >"$dir/memory.swappiness" 2>/dev/null
    # the file's pages were charged to this shell when it was written:
    # drop them, so that the training process reads (and is charged for)
    # every page it touches
    sync
    echo 1 >/proc/sys/vm/drop_caches 2>/dev/null || fail "cannot drop the page cache"
    # the shell joins the cgroup, so the training process starts in it
    sh -c "echo \$\$ >$dir/cgroup.procs && exec $BP train --data $TMP/big.bpd --hidden 16 --epochs 1 --batch 256 --save $TMP/big.bpm --quiet" >"$TMP/out" 2>&1
    rc=$?
    peak=$(cat "$dir/memory.max_usage_in_bytes")
    failcnt=$(cat "$dir/memory.failcnt")
    rmdir "$dir" 2>/dev/null
    [ $rc -eq 0 ] && ok "trained one epoch of $size bytes within a $limit-byte limit (peak charged $peak, limit hit $failcnt times: pages evicted and read again)" ||
        fail "training under the limit failed ($rc): $(head -c 300 "$TMP/out")"
    [ "$peak" -gt $((limit * 3 / 4)) ] && ok "the limit was reached ($peak of $limit bytes)" ||
        fail "the limit was never approached (peak $peak of $limit): the test proves nothing"
    # the same data copied into memory does not fit under the same limit
    # (scaled anew: the mapped file is never written, so it is copied)
    mkdir "$dir" && echo "$limit" >"$dir/memory.limit_in_bytes"
    sh -c "echo \$\$ >$dir/cgroup.procs && exec $BP convert --data $TMP/big.bpd -o $TMP/big2.bpd --scale minmax" >"$TMP/out" 2>&1
    rc=$?
    rmdir "$dir" 2>/dev/null
    [ $rc -ne 0 ] && ok "copying the same data into memory fails under the limit (exit $rc)" ||
        fail "the data fitted in memory after all: the test proves nothing"
    check "the model works" $BP eval --model "$TMP/big.bpm" --data "$TMP/small.csv"
    acc=$(awk '/^accuracy/ { sub("%", "", $2); print $2 }' "$TMP/out")
    near "$acc" 100 0.3 && ok "accuracy $acc%" || fail "accuracy '$acc'"
else
    skip "training under a memory limit: no writable cgroup v1 memory controller here (needs root and $CG)"
fi
expect_exit 2 "scaling asked of mapped data" $BP train --data "$TMP/big.bpd" --scale minmax --epochs 1
expect_exit 1 "a validation split of mapped data" $BP train --data "$TMP/big.bpd" --val-split 0.1 --epochs 1
head -c 5000 "$TMP/big.bpd" >"$TMP/cut.bpd"
expect_exit 1 "a truncated .bpd" $BP train --data "$TMP/cut.bpd" --epochs 1
grep -q "cut.bpd: 5000 bytes, but its header says" "$TMP/err" && ok "says so" || fail "$(cat "$TMP/err")"
summary cli_bigdata
