#!/usr/bin/python3
"""bench/defaults/run.py - does `backprop train --data FILE --save M` with no
other option train as well as scikit-learn's MLP with its defaults?

Writes small real tabular data sets that ship with scikit-learn to CSV
files with one fixed train/test split (a quarter held out, stratified for
classes, random_state 0), then for a few runs S = 1..N, in the same run:

  backprop train --data NAME-train.csv --save M --seed S    (nothing else)
  backprop eval  --model M --data NAME-test.csv --json
  MLPClassifier(random_state=S) / MLPRegressor(random_state=S)
  the same behind a StandardScaler (scikit-learn's advice for its MLP)

and prints test accuracy (classes) or R^2 (numbers) as mean, standard
deviation, minimum and maximum over the runs, the backprop column beside
each scikit-learn one. The goal: within 1 point of scikit-learn's accuracy
and within 0.03 of its R^2, on every set, against the better of its two
columns. Runs with Debian's Python (/usr/bin/python3) and python3-sklearn.

usage: bench/defaults/run.py [--backprop build/backprop] [--out DIR]
                             [--runs N] [--sets a,b] [--train-opts "..."]
                             [--no-sklearn] [--markdown FILE] [--strict]

--train-opts adds options to every backprop train (for experiments);
--strict exits 1 when a goal is missed (a benchmark, by default, only
reports).
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import warnings

try:
    import numpy as np
    import sklearn
    from sklearn import datasets
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
except ImportError as e:
    print("SKIP bench/defaults: %s (apt-get install python3-sklearn)" % e)
    sys.exit(0)

DATA_DIR = os.path.join(os.path.dirname(datasets.__file__), "data")


def boston_without_b():
    """The Boston housing prices (506 rows), bundled with scikit-learn as a
    CSV file although its loader is gone; without its column B, which
    encodes a racist assumption and is why the loader was removed."""
    path = os.path.join(DATA_DIR, "boston_house_prices.csv")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        rows = list(csv.reader(f))
    header = rows[1]
    keep = [i for i, name in enumerate(header) if name not in ("B", "MEDV")]
    x = np.array([[float(r[i]) for i in keep] for r in rows[2:]])
    y = np.array([float(r[header.index("MEDV")]) for r in rows[2:]])
    return x, y, [header[i] for i in keep], "MEDV"


def bundled(loader, **kw):
    def load():
        b = loader(**kw)
        names = getattr(b, "feature_names", None)
        if names is None or len(names) != b.data.shape[1]:
            names = ["x%d" % (i + 1) for i in range(b.data.shape[1])]
        if hasattr(b, "target_names") and len(b.target_names) and \
                loader is not datasets.load_diabetes:
            y = np.array([str(b.target_names[t]) for t in b.target])
            return b.data, y, names, "class"
        return b.data, b.target.astype(float), names, "target"
    return load


# name, loader, classes?
SETS = [
    ("iris", bundled(datasets.load_iris), True),
    ("wine", bundled(datasets.load_wine), True),
    ("breast-cancer", bundled(datasets.load_breast_cancer), True),
    ("digits", bundled(datasets.load_digits), True),
    # the raw features (age in years, sex 1/2, ...), not the pre-scaled ones
    ("diabetes", bundled(datasets.load_diabetes, scaled=False), False),
    ("boston-no-b", boston_without_b, False),
]


def clean(name):
    """A header name without spaces or brackets: "sepal length (cm)" is
    "sepal_length_cm"."""
    return re.sub(r"[^A-Za-z0-9]+", "_", str(name)).strip("_")


def write_csv(path, x, y, names, target):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([clean(n) for n in names] + [target])
        for xi, yi in zip(x, y):
            # repr: the shortest text that reads back to the same double
            w.writerow([repr(float(v)) for v in xi] +
                       [yi if isinstance(yi, str) else repr(float(yi))])


def split(x, y, classes):
    return train_test_split(x, y, test_size=0.25, random_state=0,
                            stratify=y if classes else None)


def run_backprop(bp, train, test, model, seed, extra):
    cmd = [bp, "train", "--data", train, "--save", model, "--seed", str(seed),
           "--quiet"] + extra
    t = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    secs = time.time() - t
    if p.returncode != 0:
        sys.exit("backprop train failed (%d): %s\n%s" %
                 (p.returncode, " ".join(cmd), p.stderr))
    p = subprocess.run([bp, "eval", "--model", model, "--data", test,
                        "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("backprop eval failed: %s" % p.stderr)
    r = json.loads(p.stdout)
    score = r["accuracy"] if "accuracy" in r else r["output1"]["r2"]
    return score, secs


def run_sklearn(kind, classes, xtr, ytr, xte, yte, seed):
    mlp = (MLPClassifier if classes else MLPRegressor)(random_state=seed)
    m = make_pipeline(StandardScaler(), mlp) if kind == "scaled" else mlp
    t = time.time()
    with warnings.catch_warnings():
        # 200 epochs are often not enough for it to converge: the point
        # here is what its defaults give
        warnings.simplefilter("ignore", ConvergenceWarning)
        m.fit(xtr, ytr)
    return m.score(xte, yte), time.time() - t


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith(("model name", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def summary(v):
    return (statistics.mean(v), statistics.pstdev(v), min(v), max(v))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backprop", default="build/backprop")
    ap.add_argument("--out", default="build/bench-defaults")
    ap.add_argument("--runs", type=int, default=10,
                    help="runs of each, S = 1..N (--seed S, random_state=S)")
    ap.add_argument("--sets", default="")
    ap.add_argument("--train-opts", default="",
                    help="options added to backprop train (experiments)")
    ap.add_argument("--no-sklearn", action="store_true")
    ap.add_argument("--markdown", default="")
    ap.add_argument("--strict", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    extra = a.train_opts.split()
    runs = range(1, a.runs + 1)
    lines = []

    def say(s):
        print(s, flush=True)
        lines.append(s)

    say("# backprop train with no options, against scikit-learn's MLP defaults")
    say("")
    say("%s on %s, %d cores; scikit-learn %s, NumPy %s; rerun with "
        "`make bench-defaults`." % (
            datetime.datetime.now(datetime.timezone.utc).strftime(
                "%Y-%m-%d %H:%M UTC"), cpu_name(), os.cpu_count() or 0,
            sklearn.__version__, np.__version__))
    say("")
    say("Test accuracy (classes) or R^2 (numbers) on a fixed quarter of each "
        "set held out (stratified for classes).")
    say("")

    cols = ["backprop"] + ([] if a.no_sklearn else ["sklearn", "sklearn+scaler"])
    say("| set | rows train/test | inputs | measure | " +
        " | ".join(cols) + " | backprop - best sklearn | goal |")
    say("|---|---|---|---|" + "---|" * len(cols) + "---|---|")
    misses = 0
    for name, load, classes in SETS:
        if a.sets and name not in a.sets.split(","):
            continue
        got = load()
        if got is None:
            say("| %s | SKIP: not bundled with this scikit-learn | | |" % name)
            continue
        x, y, names, target = got
        xtr, xte, ytr, yte = split(x, y, classes)
        train = os.path.join(a.out, name + "-train.csv")
        test = os.path.join(a.out, name + "-test.csv")
        write_csv(train, xtr, ytr, names, target)
        write_csv(test, xte, yte, names, target)
        res = {c: [] for c in cols}
        secs = {c: 0.0 for c in cols}
        for s in runs:
            model = os.path.join(a.out, "%s-%d.bpm" % (name, s))
            v, t = run_backprop(a.backprop, train, test, model, s, extra)
            res["backprop"].append(v)
            secs["backprop"] += t
            for c, kind in (("sklearn", "raw"), ("sklearn+scaler", "scaled")):
                if c in res:
                    v, t = run_sklearn(kind, classes, xtr, ytr, xte, yte, s)
                    res[c].append(v)
                    secs[c] += t
        scale = 100 if classes else 1
        fmt = "%.1f" if classes else "%.3f"

        def cell(c):
            m, sd, lo, hi = summary(res[c])
            return (fmt + " ± " + fmt + " [" + fmt + ", " + fmt + "] %.1fs") % (
                m * scale, sd * scale, lo * scale, hi * scale, secs[c])
        gap, verdict = "", ""
        if not a.no_sklearn:
            best = max(statistics.mean(res["sklearn"]),
                       statistics.mean(res["sklearn+scaler"]))
            d = statistics.mean(res["backprop"]) - best
            ok = d * scale >= (-1.0 if classes else -0.03)
            misses += not ok
            gap = ("%+.1f" if classes else "%+.3f") % (d * scale)
            verdict = "met" if ok else "MISSED"
        say("| %s | %d/%d | %d | %s | %s | %s | %s |" % (
            name, len(ytr), len(yte), x.shape[1],
            "accuracy %" if classes else "R^2",
            " | ".join(cell(c) for c in cols), gap, verdict))
    say("")
    say("mean ± standard deviation [min, max] over runs S = %d..%d, and "
        "the seconds all of them took; backprop: `backprop train --data "
        "NAME-train.csv --save M --seed S%s`" %
        (runs[0], runs[-1], (" " + a.train_opts) if a.train_opts else ""))
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write("\n".join(lines) + "\n")
    if not a.no_sklearn:
        print("%d of the sets missed the goal" % misses if misses else
              "every set met the goal")
    return 1 if misses and a.strict else 0


if __name__ == "__main__":
    sys.exit(main())
