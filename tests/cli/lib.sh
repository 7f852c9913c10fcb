# tests/cli/lib.sh - a tiny harness for the command-line tests.
# Source it with BUILD set; use ok/fail/skip/check/expect_exit, end with
# summary.
: "${BUILD:?BUILD must name the build directory}"
BP="$BUILD/backprop"
PASSED=0
FAILED=0
SKIPPED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { PASSED=$((PASSED + 1)); echo "  ok   $*"; }
fail() { FAILED=$((FAILED + 1)); echo "  FAIL $*"; }
# skip "what, and why it cannot run here": counted apart, never a pass
skip() { SKIPPED=$((SKIPPED + 1)); echo "  SKIP $*"; }

# check "description" command...: passes if the command exits 0
check() {
    d=$1; shift
    if "$@" >"$TMP/out" 2>&1; then ok "$d"; else fail "$d"; sed 's/^/       | /' "$TMP/out" | head -20; fi
}

# expect_exit CODE "description" command...: exit status and a one-line
# message on stderr (for CODE != 0)
expect_exit() {
    want=$1; d=$2; shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok "$d (exit $got: $(head -c 150 "$TMP/err" | head -n 1))"
    else fail "$d: exit $got, want $want"; head -5 "$TMP/err" | sed 's/^/       | /'; fi
}

# near GOT WANT RELTOL [ABSTOL]: numeric comparison
near() {
    awk -v g="$1" -v w="$2" -v r="$3" -v a="${4:-0}" 'BEGIN {
        d = g - w; if (d < 0) d = -d; s = w < 0 ? -w : w;
        exit !(g != "" && d <= r * s + a) }'
}

summary() {
    echo "$1: $PASSED passed, $FAILED failed, $SKIPPED skipped"
    [ "$FAILED" -eq 0 ]
}
