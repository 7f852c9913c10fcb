"""tests/python/run.py - run every test_*() of tests/python/test_*.py and
print the suite's summary line, "python: N passed, N failed, N skipped".

A test function that raises counts as one failure (with its traceback);
the others still run.
"""
import importlib
import os
import sys
import traceback
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def main():
    only = sys.argv[1:]
    here = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(here)):
        if not (name.startswith("test_") and name.endswith(".py")):
            continue
        mod = importlib.import_module(name[:-3])
        for fn_name in sorted(n for n in dir(mod) if n.startswith("test_")):
            if only and not any(o in fn_name for o in only):
                continue
            print("%s.%s" % (name[:-3], fn_name))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    getattr(mod, fn_name)()
            except Exception:
                harness.failed += 1
                print("  FAIL %s raised:" % fn_name)
                traceback.print_exc(file=sys.stdout)
    print("python: %d passed, %d failed, %d skipped"
          % (harness.passed, harness.failed, harness.skipped))
    return 1 if harness.failed else 0


if __name__ == "__main__":
    sys.exit(main())
