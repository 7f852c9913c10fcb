#!/bin/sh
# tests/run.sh BUILD - run every test program of a build (and the
# command-line tests, tests/cli/test_*.sh, and the Python package's,
# tests/python/test_*.sh, against it) and add up their counts. Each
# program prints "name: N passed, N failed, N skipped" as its last
# summary line (", N skipped" may be left out when none was); a program
# that crashes, exits non-zero or prints no such line counts as one
# failure more. A skipped check is one that cannot run here (a tool or
# package missing), printed as "SKIP reason": counted apart, never as a
# pass, and listed with its reason at the end. Full output of a failing
# program is shown; passing ones show their summary line only
# (BP_TEST_VERBOSE=1 shows everything). Ends with the suite's "N passed,
# N failed, N skipped" line.
#
# The C test programs then run again under every other kernel this CPU
# has (`backprop info --kernels`; BP_KERNEL forces each), their summary
# lines marked with the kernel's name, so the portable code is tested in
# float as well. With BP_KERNEL set, only that kernel runs.
BUILD=${1:-build}
[ -d "$BUILD" ] || { echo "run.sh: no build directory $BUILD" >&2; exit 2; }
total_pass=0
total_fail=0
total_skip=0
log=$(mktemp)
skips=$(mktemp)
trap 'rm -f "$log" "$skips"' EXIT
kernels=""
if [ -x "$BUILD/backprop" ]; then
    kernels=$("$BUILD/backprop" info --kernels 2>/dev/null)
    [ -n "${BP_KERNEL:-}" ] && kernels=$BP_KERNEL
    echo "kernels: $(echo $kernels)"
fi
first=$(echo $kernels | cut -d' ' -f1)
# run PROG [KERNEL]: run one test program (under BP_KERNEL=KERNEL if given)
run() {
    prog=$1 kern=${2:-}
    case "$prog" in
    *.sh) BUILD="$BUILD" sh "$prog" >"$log" 2>&1 ;;
    *)  if [ ! -x "$prog" ]; then
            echo "missing test program $prog"
            total_fail=$((total_fail + 1))
            return
        fi
        if [ -n "$kern" ]; then BP_KERNEL=$kern "$prog" >"$log" 2>&1
        else "$prog" >"$log" 2>&1; fi ;;
    esac
    rc=$?
    line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1)
    if [ -z "$line" ]; then
        echo "$prog${kern:+ [$kern]}: exit $rc and no summary line"
        cat "$log"
        total_fail=$((total_fail + 1))
        return
    fi
    [ -n "$kern" ] && line=$(echo "$line" | sed "s/:/ [$kern]:/")
    p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped$/\1/p')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # crashed or failed after its summary
    fi
    if [ "$f" -ne 0 ] || [ -n "$BP_TEST_VERBOSE" ]; then
        cat "$log"
        [ "$rc" -ne 0 ] && echo "($prog exited with $rc)"
    else
        echo "$line"
    fi
    grep -E '^ *SKIP ' "$log" | sed "s|^ *SKIP|  $(basename "$prog")${kern:+ [$kern]}:|" >>"$skips"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    total_skip=$((total_skip + ${s:-0}))
}
for prog in "$BUILD"/examples/mazur "$BUILD"/examples/xor \
            "$BUILD"/examples/perceptron "$BUILD"/tests/test_* tests/cli/test_*.sh \
            tests/python/test_*.sh; do
    run "$prog"
done
for k in $kernels; do
    [ "$k" = "$first" ] && continue # the pass above ran it
    for prog in "$BUILD"/tests/test_*; do
        run "$prog" "$k"
    done
done
if [ -s "$skips" ]; then
    echo "skipped, and why:"
    cat "$skips"
fi
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
