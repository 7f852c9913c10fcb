"""bench/python_mlp.py - backprop.MLPClassifier against scikit-learn's
MLPClassifier on real data, in the same run: the same architecture,
solver, batch size, L2 term and epochs, the same initial weights (one
random_state gives both the same), one thread each, the same float32
input for both (scikit-learn computes in float32 when given it, its
faster setting).

For each case, each seed trains both estimators (fit, every epoch run:
tol=0), alternating which goes first; it prints test accuracy (mean
over runs, a seed each) and seconds per epoch (fit's time / epochs,
median over runs), and the ratios the issue sets as targets: accuracy within 1
point of scikit-learn's and time per epoch <= 0.1x scikit-learn's. The
ratio is taken of CPU seconds (both sides run one thread, so on an idle
machine that is the wall time; on a busy one it is far steadier); wall
seconds are printed beside them.

    make python && PYTHONPATH=build/python /usr/bin/python3 bench/python_mlp.py
    (or make bench-python; BENCH_QUICK=1 for a short run)

Data: scikit-learn's bundled digits (8x8 images, 1,797 samples, a
stratified 70/30 split) and Fashion-MNIST from Debian's
dataset-fashion-mnist (60,000 training and 10,000 test images).
"""
import gzip
import os
import platform
import statistics
import sys
import time
import warnings

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier as SkMLP  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

import backprop  # noqa: E402

FASHION = "/usr/share/datasets/fashion-mnist"
QUICK = os.environ.get("BENCH_QUICK") == "1"


def idx(path):
    """An IDX file (gzip) as a NumPy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
            for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def digits():
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


def fashion(n_train):
    def part(name):
        X = idx(os.path.join(FASHION, "%s-images-idx3-ubyte.gz" % name))
        y = idx(os.path.join(FASHION, "%s-labels-idx1-ubyte.gz" % name))
        return (X.reshape(len(X), -1) / np.float32(255)).astype(np.float32), y
    Xa, ya = part("train")
    Xb, yb = part("t10k")
    return Xa[:n_train], Xb, ya[:n_train], yb


def run(name, data, hidden, epochs, seed_list, batch="auto"):
    Xa, Xb, ya, yb = data
    params = dict(hidden_layer_sizes=hidden, max_iter=epochs, tol=0,
                  n_iter_no_change=epochs + 1, batch_size=batch)
    acc = {"backprop": [], "scikit-learn": []}
    sec = {"backprop": [], "scikit-learn": []}
    wall = {"backprop": [], "scikit-learn": []}
    for i, seed in enumerate(seed_list):
        makers = [("backprop", lambda: backprop.MLPClassifier(
                      random_state=seed, threads=1, **params)),
                  ("scikit-learn", lambda: SkMLP(random_state=seed, **params))]
        if i % 2:
            makers.reverse()
        for side, make in makers:
            est = make()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0, c0 = time.perf_counter(), time.process_time()
                est.fit(Xa, ya)
                t, c = time.perf_counter() - t0, time.process_time() - c0
            sec[side].append(c / est.n_iter_)
            wall[side].append(t / est.n_iter_)
            acc[side].append(est.score(Xb, yb))
    a, b = (statistics.mean(acc["backprop"]),
            statistics.mean(acc["scikit-learn"]))
    s, t = (statistics.median(sec["backprop"]),
            statistics.median(sec["scikit-learn"]))
    arch = "-".join(str(n) for n in (Xa.shape[1],) + tuple(hidden) + (10,))
    print("\n## %s: %d training, %d test samples; %s, adam, batch %s, "
          "alpha 1e-4, %d epochs; %d run%s"
          % (name, len(Xa), len(Xb), arch, min(200, len(Xa)) if batch ==
             "auto" else batch, epochs, len(seed_list),
             "s" if len(seed_list) > 1 else ""))
    print("%-14s %10s %16s %16s" % ("", "test acc", "CPU s per epoch",
                                     "wall s per epoch"))
    for side, x in (("backprop", a), ("scikit-learn", b)):
        print("%-14s %10.4f %16.5f %16.5f" % (side, x, statistics.median(
            sec[side]), statistics.median(wall[side])))
    diff, ratio = 100 * (a - b), s / t
    print("accuracy difference %+.2f points (target: within 1): %s"
          % (diff, "met" if abs(diff) <= 1 or diff > 0 else "MISSED"))
    print("time per epoch ratio %.3f (target: <= 0.1): %s; %.1fx faster"
          % (ratio, "met" if ratio <= 0.1 else "MISSED", 1 / ratio))
    return diff, ratio


def main():
    blas = [(i["internal_api"], i["version"], i.get("architecture"))
            for i in threadpool_info()]
    print("# backprop.MLPClassifier vs scikit-learn %s, one thread each"
          % sklearn.__version__)
    print("python %s, numpy %s, BLAS %s; %s; %s" % (
        platform.python_version(), np.__version__, blas, platform.processor()
        or platform.machine(), time.strftime("%Y-%m-%d %H:%M UTC",
                                             time.gmtime())))
    with threadpool_limits(limits=1):
        run("digits", digits(), (100,), 20 if QUICK else 50,
            [0, 1] if QUICK else [0, 1, 2, 3, 4])
        run("digits, batch 32", digits(), (100,), 20 if QUICK else 50,
            [0, 1] if QUICK else [0, 1, 2, 3, 4], batch=32)
        if os.path.isdir(FASHION):
            n = 10000 if QUICK else 60000
            run("Fashion-MNIST", fashion(n), (256, 128), 3 if QUICK else 10,
                [0] if QUICK else [0, 1])
        else:
            print("\nSKIP Fashion-MNIST: %s is missing (Debian: "
                  "dataset-fashion-mnist)" % FASHION)
    return 0


if __name__ == "__main__":
    sys.exit(main())
