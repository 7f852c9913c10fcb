#!/bin/sh
# tests/cli/test_cli_header.sh - the example program at the top of
# include/backprop.h, cut out of the header as it stands, compiled with
# warnings as errors against this build's library, and run: it must
# train XOR. The header's example cannot drift from the API.
. "$(dirname "$0")/lib.sh"
CC=${CC:-cc}

# the lines between "-- example.c" and the next rule, without " *   "
sed -n '/^ \* -* example\.c$/,/^ \* -*$/p' include/backprop.h |
    sed '1d;$d' | sed 's/^ \*   //; s/^ \*$//' >"$TMP/example.c"
lines=$(wc -l <"$TMP/example.c")
[ "$lines" -gt 20 ] && grep -q "^int main(void)$" "$TMP/example.c" &&
    ok "the header's example cut out ($lines lines)" ||
    fail "no example program found in include/backprop.h ($lines lines)"

flags="-std=c11 -Wall -Wextra -Werror -Iinclude"
case "$BUILD" in *double*) flags="$flags -DBP_DOUBLE" ;; esac
case "$BUILD" in *asan*) flags="$flags -fsanitize=address,undefined" ;; esac
libs="$BUILD/libbackprop.a -lm -pthread"
printf '#include <zlib.h>\n' | $CC -E -x c - >/dev/null 2>&1 && libs="$libs -lz"
if $CC $flags "$TMP/example.c" -o "$TMP/example" $libs 2>"$TMP/cc.err"; then
    ok "it compiles with -Wall -Wextra -Werror"
else
    fail "it does not compile: $(head -5 "$TMP/cc.err")"
fi
if "$TMP/example" >"$TMP/out" 2>&1; then
    ok "it runs: $(cat "$TMP/out")"
else
    fail "it fails: $(cat "$TMP/out")"
fi
# XOR learned: each output on its target's side of 0.5, a small loss
awk '/^loss / { sub(";", "", $2);
    exit !($2 < 0.05 && $4 < 0.5 && $5 > 0.5 && $6 > 0.5 && $7 < 0.5) }' "$TMP/out" &&
    ok "and learns XOR" || fail "did not learn XOR: $(cat "$TMP/out")"
summary cli_header
