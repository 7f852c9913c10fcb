#!/bin/sh
# tests/cli/test_cli_install.sh - make install into a temporary DESTDIR,
# under a prefix of its own: every file in its place, the shared library
# with its soname and links, exporting the whole public API and nothing
# internal; examples/ built against the installed copy with
# `pkg-config --cflags --libs backprop` alone, and run; the installed
# command and its man page; make uninstall leaves nothing behind.
. "$(dirname "$0")/lib.sh"
case "$BUILD" in *double*) prec=double ;; *) prec=float ;; esac
case "$BUILD" in *asan*) san=1 ;; *) san=0 ;; esac
ROOT="$TMP/root"
PREFIX=/opt/backprop
P="$ROOT$PREFIX"
version=$(sed -n 's/^#define BP_VERSION "\(.*\)"/\1/p' include/backprop.h)
major=${version%%.*}
MK="make --no-print-directory BUILD=$BUILD PRECISION=$prec SAN=$san DESTDIR=$ROOT PREFIX=$PREFIX"

echo "make install DESTDIR=... PREFIX=$PREFIX"
check "make install" $MK install
for f in bin/backprop include/backprop.h lib/libbackprop.a lib/libbackprop.so.$version \
         lib/pkgconfig/backprop.pc share/man/man1/backprop.1; do
    [ -f "$P/$f" ] && ok "$f" || fail "$f is missing"
done
[ "$(readlink "$P/lib/libbackprop.so.$major")" = "libbackprop.so.$version" ] &&
    [ "$(readlink "$P/lib/libbackprop.so")" = "libbackprop.so.$major" ] &&
    ok "links: libbackprop.so -> libbackprop.so.$major -> libbackprop.so.$version" ||
    fail "links: $(ls -l "$P/lib" | tr '\n' ' ')"
if command -v readelf >/dev/null 2>&1; then
    soname=$(readelf -d "$P/lib/libbackprop.so.$version" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
    [ "$soname" = "libbackprop.so.$major" ] && ok "soname $soname" || fail "soname '$soname'"
else
    skip "the soname: no readelf (apt-get install binutils)"
fi
if command -v nm >/dev/null 2>&1; then
    nm -D --defined-only "$P/lib/libbackprop.so.$version" | awk '{ sub(/@.*/, "", $3); print $3 }' | sort -u >"$TMP/exported"
    # every function the header declares: a name followed by "(" at the
    # start of a declaration's line, or after its return type
    sed -n 's/^[a-z0-9_ ]*[ *]\(bp_[a-z0-9_]*\)(.*/\1/p' include/backprop.h | sort -u >"$TMP/declared"
    missing=$(comm -23 "$TMP/declared" "$TMP/exported" | tr '\n' ' ')
    [ -s "$TMP/declared" ] && [ -z "$missing" ] &&
        ok "exports all $(wc -l <"$TMP/declared") functions the header declares" || fail "not exported: $missing"
    internal=$(grep -c '^bp__' "$TMP/exported")
    [ "$internal" -eq 0 ] && ok "and no internal bp__ function" || fail "$internal internal functions exported"
else
    skip "the exported symbols: no nm (apt-get install binutils)"
fi

echo "examples/ built with pkg-config against the installed copy"
if command -v pkg-config >/dev/null 2>&1; then
    # a staged install: pkg-config puts the DESTDIR before the prefix
    PC="env PKG_CONFIG_PATH=$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$ROOT pkg-config"
    [ "$($PC --modversion backprop)" = "$version" ] && ok "pkg-config --modversion backprop: $version" ||
        fail "modversion '$($PC --modversion backprop 2>&1)'"
    flags=$($PC --cflags --libs backprop)
    echo "  pkg-config --cflags --libs backprop: $flags"
    case "$prec $flags" in
    "double "*-DBP_DOUBLE*|float*) ok "the precision's flags ($prec)" ;;
    *) fail "the double build's flags lack -DBP_DOUBLE" ;;
    esac
    CC=${CC:-cc}
    extra=""
    [ $san = 1 ] && extra="-fsanitize=address,undefined"
    for src in examples/*.c; do
        ex=$(basename "$src" .c)
        # the repository's include/ is not on the path: only the installed header
        if $CC -std=c11 $extra $($PC --cflags backprop) "$src" -o "$TMP/$ex" $($PC --libs backprop) -lm 2>"$TMP/cc.err"; then
            ok "$ex builds"
        else
            fail "$ex does not build: $(head -3 "$TMP/cc.err")"
        fi
    done
    if [ -x "$TMP/mazur" ]; then
        LD_LIBRARY_PATH="$P/lib" "$TMP/mazur" >"$TMP/mazur.out" 2>&1 &&
            ok "mazur runs against the installed library: $(tail -n 1 "$TMP/mazur.out")" ||
            fail "mazur: $(tail -n 3 "$TMP/mazur.out")"
        if command -v ldd >/dev/null 2>&1; then
            lib=$(LD_LIBRARY_PATH="$P/lib" ldd "$TMP/mazur" | sed -n 's/.*libbackprop[^ ]* => \([^ ]*\).*/\1/p')
            [ "$lib" = "$P/lib/libbackprop.so.$major" ] && ok "and loads it by its soname ($lib)" ||
                fail "mazur loads '$lib'"
        fi
    fi
    # the static library, with what --static adds
    static=$($PC --static --libs backprop | sed 's/-lbackprop/-Wl,-Bstatic -lbackprop -Wl,-Bdynamic/')
    if $CC -std=c11 $extra $($PC --cflags backprop) examples/xor.c -o "$TMP/xor_static" $static -lm 2>"$TMP/cc.err" &&
       "$TMP/xor_static" >"$TMP/xor.out" 2>&1; then
        ok "xor linked with libbackprop.a (pkg-config --static): $(tail -n 1 "$TMP/xor.out")"
    else
        fail "xor with the static library: $(head -3 "$TMP/cc.err") $(tail -n 2 "$TMP/xor.out" 2>/dev/null)"
    fi
else
    skip "examples built with pkg-config: no pkg-config (apt-get install pkg-config)"
fi

echo "the installed command and its man page"
"$P/bin/backprop" version >"$TMP/v" 2>&1 && grep -q "^backprop $version" "$TMP/v" &&
    ok "$PREFIX/bin/backprop version: $(cat "$TMP/v")" || fail "installed command: $(cat "$TMP/v")"
man="$P/share/man/man1/backprop.1"
# every command the help lists has its section, with its whole --help
# (the page as text again: roff's minus signs and backslashes undone)
sed -e 's/\\-/-/g' -e 's/\\e/\\/g' -e 's/^\\&//' "$man" >"$TMP/man.txt"
for c in $("$P/bin/backprop" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'); do
    [ "$c" = help ] && continue
    "$P/bin/backprop" "$c" --help >"$TMP/help"
    # the lines after ".SS c", as many as the help has
    sed -n "/^\.SS $c\$/,\$p" "$TMP/man.txt" | sed -n "3,$(( $(wc -l <"$TMP/help") + 2 ))p" >"$TMP/section"
    [ -s "$TMP/help" ] && cmp -s "$TMP/help" "$TMP/section" &&
        ok "the man page has $c --help, all $(wc -l <"$TMP/help") lines" ||
        fail "the man page's $c differs from its --help: $(diff "$TMP/help" "$TMP/section" | head -3 | tr '\n' ' ')"
done
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$man" 2>"$TMP/groff" && [ ! -s "$TMP/groff" ] &&
        ok "groff renders it without a warning" || fail "groff: $(head -3 "$TMP/groff")"
else
    skip "rendering the man page: no groff (apt-get install groff-base)"
fi

echo "make uninstall"
check "make uninstall" $MK uninstall
left=$(find "$ROOT" ! -type d | sed "s|^$ROOT||" | tr '\n' ' ')
[ -z "$left" ] && ok "nothing left under DESTDIR but directories" || fail "left behind: $left"
summary cli_install
