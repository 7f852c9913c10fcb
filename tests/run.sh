#!/bin/sh
# tests/run.sh BUILD - run every test program of a build (and the
# command-line tests, tests/cli/test_*.sh, against it) and add up their
# counts. Each program prints "name: N passed, N failed" as its last
# summary line; a program that crashes, exits non-zero or prints no such
# line counts as one failure more. Full output of a failing program is
# shown; passing ones show their summary line only (BP_TEST_VERBOSE=1
# shows everything). Ends with the suite's "N passed, N failed" line.
BUILD=${1:-build}
[ -d "$BUILD" ] || { echo "run.sh: no build directory $BUILD" >&2; exit 2; }
total_pass=0
total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for prog in "$BUILD"/examples/mazur "$BUILD"/examples/xor \
            "$BUILD"/examples/perceptron "$BUILD"/tests/test_* tests/cli/test_*.sh; do
    case "$prog" in
    *.sh) BUILD="$BUILD" sh "$prog" >"$log" 2>&1 ;;
    *)  [ -x "$prog" ] || { echo "missing test program $prog"; total_fail=$((total_fail + 1)); continue; }
        "$prog" >"$log" 2>&1 ;;
    esac
    rc=$?
    line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "$prog: exit $rc and no summary line"
        cat "$log"
        total_fail=$((total_fail + 1))
        continue
    fi
    p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # crashed or failed after its summary
    fi
    if [ "$f" -ne 0 ] || [ -n "$BP_TEST_VERBOSE" ]; then
        cat "$log"
        [ "$rc" -ne 0 ] && echo "($prog exited with $rc)"
    else
        echo "$line"
    fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
