"""tests/python/harness.py - the Python tests' counterpart of tests/test.h.

Each check prints one line, "ok" or "FAIL" with the numbers side by
side; run.py ends with "python: N passed, N failed, N skipped", the line
tests/run.sh adds up. A check that cannot run here says SKIP and why.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

passed = failed = skipped = 0
BUILD = os.environ.get("BUILD", "build")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print("  ok   " + what)
    else:
        failed += 1
        print("  FAIL " + what)
    return bool(cond)


def close(got, want, tol, what):
    """|got - want| <= tol * max(1, |want|), elementwise; prints the
    largest difference."""
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        return check(False, "%s: shape %s, want %s" % (what, got.shape,
                                                       want.shape))
    diff = np.abs(got - want)
    ok = bool(np.all(np.isfinite(got)) and
              np.all(diff <= tol * np.maximum(1.0, np.abs(want))))
    i = np.unravel_index(np.argmax(diff), diff.shape) if diff.size else ()
    shown = "got %.9g want %.9g" % (got[i], want[i]) if diff.size else ""
    return check(ok, "%-40s %s (max diff %.2e)" % (what, shown,
                                                    diff.max() if diff.size
                                                    else 0))


def raises(exc, fn, what, match=None):
    """fn() must raise exc (with match in its message); prints it."""
    try:
        fn()
    except exc as e:
        ok = match is None or match in str(e)
        return check(ok, "%s -> %s: %s" % (what, type(e).__name__,
                                          str(e).splitlines()[0][:150]
                                          if str(e) else ""))
    except Exception as e:  # the wrong exception is a failure, not a crash
        return check(False, "%s -> %s (want %s): %s" % (
            what, type(e).__name__, exc.__name__, e))
    return check(False, "%s: no %s raised" % (what, exc.__name__))


def skip(what, why):
    global skipped
    skipped += 1
    print("  SKIP %s: %s" % (what, why))


def cli(*args, **kw):
    """Run build/backprop with args; (exit status, stdout, stderr)."""
    exe = os.path.join(BUILD, "backprop")
    r = subprocess.run([exe] + [str(a) for a in args], capture_output=True,
                       text=True, **kw)
    return r.returncode, r.stdout, r.stderr


def cli_dtype():
    """The precision of the command line being compared with."""
    rc, out, _ = cli("version")
    return "float64" if "double" in out else "float32"


def tmpdir():
    return tempfile.mkdtemp(prefix="bp-python-")


def write_csv(path, X, y, header=True):
    """A CSV the command line reads: features, then the label column."""
    with open(path, "w") as f:
        if header:
            f.write(",".join(["x%d" % i for i in range(X.shape[1])] +
                             ["label"]) + "\n")
        for row, label in zip(X, y):
            f.write(",".join(repr(float(v)) for v in row) + "," +
                    str(label) + "\n")
