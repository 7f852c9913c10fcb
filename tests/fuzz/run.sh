#!/bin/sh
# tests/fuzz/run.sh fuzz SECONDS TARGET...   fuzz each target from its seed corpus
# tests/fuzz/run.sh regress TARGET...        replay tests/fuzz/regress/NAME/*
#
# TARGET is a libFuzzer binary build-fuzz/fuzz_NAME (or the canary, below).
# Each target's corpus, tests/fuzz/corpus/NAME, is copied first, so the
# repository's stays as committed; an input that crashes, leaks, runs out
# of memory or times out is left as build-fuzz/crash-NAME-*. A target
# passes when libFuzzer exits 0 and left no such file; each prints its
# "fuzz_NAME: N passed, N failed" line, and the script exits non-zero if
# any failed (it goes on to the next target first).
#
# The canary (tests/fuzz/canary.c) crashes on purpose on its seed input:
# `make fuzz` runs it first through this same code and expects the crash
# to be reported as a failure, so a runner that lets crashes pass cannot
# go unnoticed.
mode=$1
shift
[ "$mode" = fuzz ] && { secs=$1; shift; }
out=build-fuzz
status=0
for f in "$@"; do
    name=$(basename "$f" | sed 's/^fuzz_//')
    case $mode in
    fuzz)
        rm -rf "$out/corpus-$name" "$out/crash-$name-"*
        mkdir -p "$out/corpus-$name"
        cp tests/fuzz/corpus/"$name"/* "$out/corpus-$name/" 2>/dev/null
        echo "== fuzzing $name for $secs s"
        ASAN_OPTIONS=allocator_may_return_null=1 \
            "$f" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -close_fd_mask=3 \
            -artifact_prefix="$PWD/$out/crash-$name-" -print_final_stats=1 \
            "$PWD/$out/corpus-$name" >"$out/log-$name" 2>&1
        rc=$?
        grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)" "$out/log-$name"
        crash=$(ls "$out/crash-$name-"* 2>/dev/null | head -n 1)
        if [ $rc -eq 0 ] && [ -z "$crash" ]; then
            echo "fuzz_$name: 1 passed, 0 failed"
        else
            echo "fuzz_$name: libFuzzer exit $rc${crash:+, input left in $crash}; the last lines of $out/log-$name:"
            tail -n 15 "$out/log-$name" | sed 's/^/    /'
            echo "fuzz_$name: 0 passed, 1 failed"
            status=1
        fi ;;
    regress)
        [ -d "tests/fuzz/regress/$name" ] || continue
        n=$(ls "tests/fuzz/regress/$name" | wc -l)
        if ASAN_OPTIONS=allocator_may_return_null=1 "$f" -close_fd_mask=3 \
            "$PWD/tests/fuzz/regress/$name"/* >"$out/log-regress-$name" 2>&1; then
            echo "fuzz_regress_$name: $n passed, 0 failed"
        else
            tail -n 15 "$out/log-regress-$name" | sed 's/^/    /'
            echo "fuzz_regress_$name: 0 passed, $n failed"
            status=1
        fi ;;
    *)
        echo "usage: tests/fuzz/run.sh fuzz SECONDS TARGET... | regress TARGET..." >&2
        exit 2 ;;
    esac
done
exit $status
