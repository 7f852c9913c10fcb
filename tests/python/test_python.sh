#!/bin/sh
# tests/python/test_python.sh - the Python package (make python) under
# Debian's /usr/bin/python3 with NumPy and scikit-learn: tests/python/
# run.py runs every test_*.py here. Where the interpreter, NumPy,
# scikit-learn or the built package is missing, says SKIP and why.
: "${BUILD:=build}"
PY=${PYTHON:-/usr/bin/python3}
dir=$(dirname "$0")
why=""
if ! [ -x "$PY" ]; then
    why="no Python interpreter at $PY"
elif ! "$PY" -c 'import numpy' 2>/dev/null; then
    why="$PY has no NumPy (Debian: apt-get install python3-numpy)"
elif ! "$PY" -c 'import sklearn' 2>/dev/null; then
    why="$PY has no scikit-learn (Debian: apt-get install python3-sklearn)"
elif ! [ -f "$BUILD/python/backprop/_core32.so" ] ||
     ! [ -f "$BUILD/python/backprop/_core64.so" ]; then
    why="the package is not built in $BUILD/python (make python needs python3-dev and python3-numpy)"
fi
if [ -n "$why" ]; then
    echo "  SKIP the Python package's tests: $why"
    echo "python: 0 passed, 0 failed, 1 skipped"
    exit 0
fi
case "$BUILD" in
*asan*)
    # the extension is instrumented, the interpreter is not: the
    # sanitizers' runtimes must be loaded first, and Python's own
    # allocations that live until exit are not leaks
    LD_PRELOAD="$(cc -print-file-name=libasan.so) $(cc -print-file-name=libubsan.so)"
    ASAN_OPTIONS="allocator_may_return_null=1:detect_leaks=0"
    export LD_PRELOAD ASAN_OPTIONS ;;
esac
BUILD="$BUILD" PYTHONPATH="$BUILD/python" exec "$PY" "$dir/run.py"
