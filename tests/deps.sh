#!/bin/sh
# tests/deps.sh GROUP... - install what a test target needs, if it can,
# the way `make demo` installs its data set: Debian packages through
# apt-get (as root, or through sudo when it needs no password), npm
# packages with `npm install --ignore-scripts` (the repository's
# package.json; no install script runs, no browser is downloaded). What
# it cannot install it names; the tests that need it then print SKIP with
# the reason, counted apart, never as a pass. BP_DEPS=0 installs nothing.
#
# Groups, and the targets that use them:
#   check       make check: a C++ compiler (the exported C as C++), libfann
#               (FANN files both ways), rsvg-convert (plots render), python3
#               (CSV read back, server clients), Python's headers, NumPy,
#               scikit-learn and pandas (the Python package; without pandas
#               scikit-learn skips its checks of DataFrame input), node +
#               onnxruntime-node
#               (ONNX exports run), Fashion-MNIST (one epoch trained),
#               pkg-config and binutils (the installed library)
#   playground  make check-playground: emscripten, chromium, playwright-core
#   bench-defaults  make bench-defaults: scikit-learn for Debian's python3
#   mpi         make check-mpi: OpenMPI
#   valgrind    make valgrind
#   fuzz        make fuzz: clang with libFuzzer
#   cross       make check-cross: cross compilers and qemu-user
#
# Always exits 0: a missing tool is a SKIP in the tests, not a failure here.

# want PACKAGE PROBE...: PACKAGE is needed unless PROBE succeeds
want() {
    pkg=$1
    shift
    "$@" >/dev/null 2>&1 || debs="$debs $pkg"
}
have() { command -v "$1"; }
# npm_want DIR: node_modules/DIR is needed (from package.json)
npm_want() { [ -d "node_modules/$1" ] || npms="$npms $1"; }

debs=""
npms=""
for group in "$@"; do
    case $group in
    check)
        want g++ have "${CXX:-g++}"
        want libfann-dev test -f /usr/include/fann.h
        want librsvg2-bin have rsvg-convert
        want python3 test -x /usr/bin/python3
        want python3-dev sh -c 'ls /usr/include/python3*/Python.h'
        want python3-numpy /usr/bin/python3 -c 'import numpy'
        want python3-sklearn /usr/bin/python3 -c 'import sklearn'
        want python3-pandas /usr/bin/python3 -c 'import pandas'
        want dataset-fashion-mnist test -d /usr/share/datasets/fashion-mnist
        want pkg-config have pkg-config
        want binutils have nm
        want locales test -f /usr/share/i18n/locales/de_DE
        want nodejs have node
        want npm have npm
        npm_want onnxruntime-node ;;
    playground)
        want emscripten have emcc
        want node-acorn test -d /usr/share/nodejs/acorn
        want chromium have chromium
        want nodejs have node
        want npm have npm
        npm_want playwright-core ;;
    bench-defaults)
        want python3 test -x /usr/bin/python3
        want python3-numpy /usr/bin/python3 -c 'import numpy'
        want python3-sklearn /usr/bin/python3 -c 'import sklearn' ;;
    mpi)
        want openmpi-bin have mpirun
        want libopenmpi-dev have mpicc ;;
    valgrind)
        want valgrind have valgrind ;;
    fuzz)
        want clang have clang
        want libclang-rt-14-dev sh -c 'ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a' ;;
    cross)
        want qemu-user have qemu-aarch64
        want gcc-aarch64-linux-gnu have aarch64-linux-gnu-gcc
        want libc6-dev-arm64-cross test -f /usr/aarch64-linux-gnu/include/stdio.h
        want gcc-s390x-linux-gnu have s390x-linux-gnu-gcc
        want libc6-dev-s390x-cross test -f /usr/s390x-linux-gnu/include/stdio.h
        want gcc-i686-linux-gnu have i686-linux-gnu-gcc
        want libc6-dev-i386-cross test -f /usr/i686-linux-gnu/include/stdio.h ;;
    *)
        echo "tests/deps.sh: unknown group $group" >&2 ;;
    esac
done
# each package once, in the order first wanted
debs=$(echo $debs | tr ' ' '\n' | awk 'NF && !seen[$0]++' | tr '\n' ' ')
[ -n "$debs$npms" ] || exit 0
if [ "${BP_DEPS:-1}" = 0 ]; then
    echo "deps: not installing (BP_DEPS=0):${debs:+ $debs}${npms:+ npm:$npms}; their tests will SKIP"
    exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ -n "$debs" ]; then
    if [ "$(id -u)" = 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        SUDO=none
    fi
    if [ "$SUDO" = none ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "deps: cannot install $debs(not root, no password-less sudo, or no apt-get); their tests will SKIP"
    else
        echo "deps: installing Debian packages: $debs"
        if ! { $SUDO apt-get update -qq &&
               DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $debs; } >"$log" 2>&1; then
            tail -n 5 "$log" | sed 's/^/deps:   /'
            echo "deps: apt-get failed; the tests that need these packages will SKIP"
        fi
    fi
fi
if [ -n "$npms" ]; then
    if command -v npm >/dev/null 2>&1; then
        echo "deps: installing npm packages (package.json):$npms"
        npm install --ignore-scripts --no-audit --no-fund >"$log" 2>&1 ||
            { tail -n 5 "$log" | sed 's/^/deps:   /'; echo "deps: npm install failed; the tests that need it will SKIP"; }
    else
        echo "deps: cannot install$npms: no npm; their tests will SKIP"
    fi
fi
exit 0
