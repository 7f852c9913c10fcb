#!/bin/sh
# tests/cross.sh BUILD TARGET... - the library on other CPUs (make
# check-cross): each TARGET (aarch64, s390x, i686) is cross-compiled with
# Debian's cross compiler into build-cross/TARGET and run under qemu-user:
#
# - the examples and the C test programs, under every kernel the target
#   offers (`backprop info --kernels` there; BP_KERNEL forces each), but
#   test_kernels once: it compares every kernel with the portable one;
# - the golden explain outputs (tests/golden/*.float.txt), byte for byte:
#   no excess precision (i686's x87, s390x's FLT_EVAL_METHOD 1) and no
#   fused multiply-add changes a printed digit;
# - model files both ways: a model trained here (BUILD, x86-64) and its
#   .bpd data evaluated there, and the reverse, with the same outputs; a
#   model trained there with the portable kernel is byte-identical to
#   one trained here with it, and so is its .bpd (both little-endian on
#   any CPU, big-endian s390x included).
#
# The targets run side by side (each one program at a time, its build
# with make -j1), their reports shown in order as they end. A target
# whose cross compiler or qemu is missing (tests/deps.sh cross installs
# them when it can) is a SKIP. Each target ends with its "cross_TARGET:
# N passed, N failed, N skipped" line, the whole with "N passed, N
# failed, N skipped".
BUILD=${1:?usage: tests/cross.sh BUILD TARGET...}
shift
BP="$BUILD/backprop"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# a generous bound on any one program under emulation, so that a hang
# fails the run instead of stopping it (the slowest, test_kernels, takes
# minutes on a busy 2-core machine); a bound, not a measurement
LIMIT=1800

ok() { PASSED=$((PASSED + 1)); echo "  ok   $*"; }
fail() { FAILED=$((FAILED + 1)); echo "  FAIL $*"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "  SKIP $*"; }

# summary_counts LINE: "P F S" from a "name: P passed, F failed[, S
# skipped]" line
summary_counts() {
    echo "$1" | sed -nE 's/.*: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$/\1 \2 \4/p'
}

# run_prog PROG [KERNEL]: one example or test program under qemu, its
# summary line counted like tests/run.sh counts it
run_prog() {
    name=$(basename "$1")${2:+ [$2]}
    log="$T/prog.log"
    if [ -n "$2" ]; then BP_KERNEL=$2 timeout $LIMIT $QEMU "$1" >"$log" 2>&1
    else timeout $LIMIT $QEMU "$1" >"$log" 2>&1; fi
    rc=$?
    line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1)
    set -- $(summary_counts "$line") 0 0 0
    if [ -z "$line" ] || [ $rc -ne 0 ] || [ "$2" -ne 0 ]; then
        grep -E 'FAIL|SKIP' "$log" | head -n 20
        tail -n 3 "$log"
        PASSED=$((PASSED + $1))
        FAILED=$((FAILED + $2 + 1))
        echo "  FAIL $name: exit $rc${line:+, $line}"
        return
    fi
    PASSED=$((PASSED + $1))
    SKIPPED=$((SKIPPED + ${3:-0}))
    grep -E '^ *SKIP ' "$log"
    echo "  ok   $name: ${line#*: }"
}

# same WHAT A B: files A and B are equal, else what differs
same() {
    if [ -s "$2" ] && cmp -s "$2" "$3"; then ok "$1"
    else fail "$1: they differ: $(diff "$2" "$3" 2>&1 | head -n 3 | tr '\n' ' ')"; fi
}

# the target's programs under each kernel it has; test_kernels once
unit_tests() {
    kernels=$($QEMU "$out/backprop" info --kernels 2>/dev/null)
    if [ -n "$kernels" ]; then ok "kernels there: $(echo $kernels)"
    else fail "backprop info --kernels printed nothing there"; kernels=portable; fi
    first=$(echo $kernels | cut -d' ' -f1)
    for k in $kernels; do
        for prog in "$out"/examples/mazur "$out"/examples/xor "$out"/examples/perceptron "$out"/tests/test_*; do
            case $prog in */test_kernels) [ "$k" = "$first" ] || continue ;; esac
            run_prog "$prog" "$k"
        done
    done
}

# golden outputs: what explain prints there, byte for byte
golden() {
    for name in $(sh tests/golden/output.sh --list); do
        g=tests/golden/explain-$name.float.txt
        sh tests/golden/output.sh "$QEMU $out/backprop" "$name" >"$T/golden" 2>&1
        if cmp -s "$T/golden" "$g"; then ok "golden $name: byte for byte"
        else fail "golden $name differs from $g: $(diff "$g" "$T/golden" | head -n 3 | tr '\n' ' ')"; fi
    done
}

# files written here read there, and the reverse
round_trips() {
    there="$QEMU $out/backprop"
    $there eval --model "$TMP/here.bpm" --data "$TMP/d.csv" >"$T/there.eval" 2>&1
    same "x86-64's .bpm evaluated there: the same report" "$T/there.eval" "$TMP/here.eval"
    $there predict --model "$TMP/here.bpm" --data "$TMP/here.bpd" --proba >"$T/there.pred" 2>&1
    same "x86-64's .bpm and .bpd predicted there: the same probabilities, every digit" "$T/there.pred" "$TMP/here.pred"
    if ! $QEMU -E BP_KERNEL=portable "$out/backprop" train --data "$TMP/d.csv" $recipe --save "$T/there.bpm" >"$T/there.out" 2>&1 ||
       ! $there convert --data "$TMP/d.csv" -o "$T/there.bpd" >"$T/there.out" 2>&1; then
        fail "training or converting there: $(head -c 300 "$T/there.out")"
        return
    fi
    same "a model trained there is byte-identical to x86-64's" "$T/there.bpm" "$TMP/here.bpm"
    same "the .bpd written there is byte-identical to x86-64's" "$T/there.bpd" "$TMP/here.bpd"
    $BP predict --model "$T/there.bpm" --data "$T/there.bpd" --proba >"$T/back.pred" 2>&1
    same "its .bpm and .bpd predicted here: the same probabilities" "$T/back.pred" "$TMP/here.pred"
}

# target NAME: everything for one target, its summary line last
target() {
    PASSED=0 FAILED=0 SKIPPED=0
    T="$TMP/$1"
    mkdir -p "$T"
    case $1 in
    aarch64) triple=aarch64-linux-gnu qemu=qemu-aarch64 ;;
    s390x) triple=s390x-linux-gnu qemu=qemu-s390x ;;
    i686) triple=i686-linux-gnu qemu=qemu-i386 ;;
    *) fail "unknown target $1 (aarch64, s390x, i686)"
       echo "cross_$1: $PASSED passed, $FAILED failed, $SKIPPED skipped"
       return ;;
    esac
    echo "== $1: $triple-gcc, $qemu"
    out=build-cross/$1
    if ! command -v "$triple-gcc" >/dev/null 2>&1 || ! command -v $qemu >/dev/null 2>&1 ||
       [ ! -f "/usr/$triple/include/stdio.h" ]; then
        skip "$1: no $triple-gcc, its C library or $qemu (apt-get install gcc-$triple libc6-dev-*-cross qemu-user)"
    elif ! make --no-print-directory -j1 CC="$triple-gcc" BUILD="$out" all tests >"$T/make.log" 2>&1; then
        grep -E ': (fatal )?(error|warning):' "$T/make.log" | head -n 10
        fail "$1: the build failed (make CC=$triple-gcc BUILD=$out all tests)"
    else
        # the target's C library, also for the programs it starts: the
        # host's own 32-bit libraries (libc6-i386) must not mix with it
        QEMU="$qemu -L /usr/$triple -E LD_LIBRARY_PATH=/usr/$triple/lib"
        flags=$(grep -oE -- ' (-msse2|-mfpmath=[a-z0-9]+|-fexcess-precision=[a-z]+)' "$T/make.log" | sort -u | tr -d '\n')
        ok "built with $triple-gcc, float flags:${flags:- none needed}"
        unit_tests
        golden
        round_trips
    fi
    echo "cross_$1: $PASSED passed, $FAILED failed, $SKIPPED skipped"
}

$BP version | grep -q float32 ||
    { echo "cross: $BP is not the float32 build the targets are compared with"; exit 2; }

# the data and recipe of the round trips: small enough that every
# product takes the plain loops, so the kernel does not matter either
awk 'BEGIN { s = 7; print "x1,x2,x3,kind";
    for (i = 0; i < 120; i++) {
        s = (s * 1103515245 + 12345) % 2147483648; a = s / 2147483648;
        s = (s * 1103515245 + 12345) % 2147483648; b = s / 2147483648;
        printf "%.5f,%.5f,%.5f,%s\n", a, b, a * b - 0.2, (a + b > 1 ? "hi" : (a > b ? "mid" : "lo")) } }' >"$TMP/d.csv"
recipe="--hidden 12 --epochs 4 --batch 8 --seed 5 --optim adam --lr 0.01 --quiet"
# here: the model and the data file everyone compares with
BP_KERNEL=portable $BP train --data "$TMP/d.csv" $recipe --save "$TMP/here.bpm" >"$TMP/here.out" 2>&1 &&
    $BP convert --data "$TMP/d.csv" -o "$TMP/here.bpd" >"$TMP/here.out" 2>&1 &&
    $BP predict --model "$TMP/here.bpm" --data "$TMP/d.csv" --proba >"$TMP/here.pred" 2>&1 &&
    $BP eval --model "$TMP/here.bpm" --data "$TMP/d.csv" >"$TMP/here.eval" 2>&1 ||
    { echo "cross: training on this machine failed: $(head -c 300 "$TMP/here.out")"; exit 1; }

# the targets side by side, each into its own report
pids=""
for t in "$@"; do
    target "$t" >"$TMP/$t.report" 2>&1 &
    pids="$pids $!"
done
all_pass=0 all_fail=0 all_skip=0
for t in "$@"; do
    set -- $pids
    wait "$1"
    shift
    pids="$*"
    cat "$TMP/$t.report"
    line=$(grep -E "^cross_$t: " "$TMP/$t.report" | tail -n 1)
    if [ -z "$line" ]; then
        echo "  FAIL $t: its run ended without a summary line"
        all_fail=$((all_fail + 1))
        continue
    fi
    set -- $(summary_counts "$line") 0
    all_pass=$((all_pass + $1))
    all_fail=$((all_fail + $2))
    all_skip=$((all_skip + $3))
done
echo "$all_pass passed, $all_fail failed, $all_skip skipped"
[ $all_fail -eq 0 ]
