"""The boundary between NumPy and the library: arrays read in place
(float32 and float64), the GIL released while the library trains, and
bad input answered with ValueError and the library's message, never a
crash."""
import mmap
import os
import threading
import tracemalloc

import numpy as np

import backprop
from backprop import _core32, _core64
from harness import check, raises, tmpdir

RS = np.random.RandomState(0)
X = RS.rand(4000, 500).astype(np.float32)
Y = (X[:, 0] > 0.5).astype(int)


def _peak(fn):
    """The most memory fn() allocated through Python (NumPy arrays
    included) at any moment."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_arrays_read_in_place():
    mb = X.nbytes / 1e6
    for dtype in ("float32", "float64"):
        Xd = X.astype(dtype)
        clf = backprop.MLPClassifier(hidden_layer_sizes=(16,), max_iter=1,
                                     random_state=0, dtype=dtype)
        clf.fit(Xd[:50], Y[:50])
        fit = _peak(lambda: clf.fit(Xd, Y)) / 1e6
        pred = _peak(lambda: clf.predict(Xd)) / 1e6
        check(fit < mb / 4 and pred < mb / 4,
              "%s X of %.0f MB, C order: fit allocated at most %.2f MB, "
              "predict %.2f MB (no copy)" % (dtype, Xd.nbytes / 1e6, fit,
                                            pred))
    clf = backprop.MLPClassifier(hidden_layer_sizes=(16,), max_iter=1,
                                 random_state=0)
    other = _peak(lambda: clf.fit(np.asfortranarray(X), Y)) / 1e6
    check(other >= mb, "Fortran order is copied once to C order (%.1f MB)"
          % other)


def test_read_only_memory():
    path = os.path.join(tmpdir(), "x.f32")
    X[:300].tofile(path)
    with open(path, "rb") as f:
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        Xm = np.frombuffer(m, dtype=np.float32).reshape(300, 500)
        clf = backprop.MLPClassifier(hidden_layer_sizes=(8,), max_iter=2,
                                     random_state=0).fit(Xm, Y[:300])
        p = clf.predict_proba(Xm)
        check(not Xm.flags.writeable and p.shape == (300, 2),
              "a read-only memory-mapped file trains and predicts in place")
        del Xm, p
        m.close()


class _Stopped(Exception):
    pass


class _Stoppable(backprop.MLPClassifier):
    """Stops at the next epoch once told to (the test's only way in)."""
    stop = None

    def _epoch(self, *args):
        if self.stop.is_set():
            raise _Stopped
        return super()._epoch(*args)


def test_gil_released():
    """While one thread trains, another runs Python and finds the
    network busy: it could not, were the GIL held during an epoch."""
    clf = _Stoppable(hidden_layer_sizes=(64,), max_iter=1, random_state=0)
    clf.stop = threading.Event()
    clf.fit(X[:100], Y[:100])  # the network to watch
    clf.set_params(warm_start=True, max_iter=100000, tol=0,
                   n_iter_no_change=100000)
    net = clf._net
    done = []

    def train():
        try:
            clf.fit(X, Y)
        except _Stopped:
            done.append("stopped")

    t = threading.Thread(target=train)
    t.start()
    seen = None
    while t.is_alive() and seen is None:
        try:
            net.info()
        except RuntimeError as e:
            seen = str(e)
    clf.stop.set()
    t.join()
    check(seen is not None and "in use by another thread" in seen,
          "this thread ran during training and was refused the busy "
          "network: %s" % seen)
    check(done == ["stopped"] and net.info()["n_in"] == 500,
          "the network is free again afterwards")


class _Interrupted(backprop.MLPClassifier):
    """Ctrl-C arriving during the third epoch."""

    def _epoch(self, *args):
        if self.n_iter_ == 2:
            raise KeyboardInterrupt
        return super()._epoch(*args)


def test_interrupt():
    import warnings
    clf = _Interrupted(hidden_layer_sizes=(4,), max_iter=10, random_state=0)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        clf.fit(X[:50], Y[:50])
    check(clf.n_iter_ == 2 and clf.predict(X[:3]).shape == (3,) and
          any("interrupted" in str(x.message) for x in w),
          "Ctrl-C during fit keeps the epochs done, with scikit-learn's "
          "warning")


def test_bad_input():
    clf = backprop.MLPClassifier(hidden_layer_sizes=(4,), max_iter=2,
                                 random_state=0)
    Xs = X[:40].copy()
    Xs[3, 2] = np.nan
    raises(ValueError, lambda: clf.fit(Xs, Y[:40]), "NaN in X at fit",
           "NaN or Inf (first at X[3, 2] = nan)")
    clf.fit(X[:40], Y[:40])
    Xs[3, 2] = np.inf
    raises(ValueError, lambda: clf.predict(Xs), "Inf in X at predict",
           "X[3, 2] = inf")
    raises(ValueError, lambda: clf.predict(X[:5, :20]), "too few features",
           "X has 20 features, but MLPClassifier is expecting 500")
    raises(ValueError, lambda: clf.predict(X[0]), "a 1-D X", "2D array")
    raises(ValueError, lambda: clf.fit(np.array([["a", "b"], ["c", "d"]]),
                                       [0, 1]), "strings", "could not convert")
    raises(ValueError, lambda: clf.fit(X[:10], Y[:9]), "y of another length",
           "inconsistent numbers of samples")
    raises(ValueError, lambda: clf.fit(X[:0], Y[:0]), "no samples",
           "0 sample")
    raises(ValueError, lambda: clf.fit(X[:10], np.linspace(0, 1, 10)),
           "continuous y for a classifier", "Unknown label type")
    reg = backprop.MLPRegressor(hidden_layer_sizes=(4,), max_iter=2)
    yn = np.ones(40)
    yn[7] = np.nan
    raises(ValueError, lambda: reg.fit(X[:40], yn), "NaN in y", "NaN")
    raises(ValueError, lambda: backprop.MLPRegressor(
        solver="sgd", learning_rate_init=1e6, momentum=0, max_iter=50,
        random_state=0).fit(X[:100] * 1e3, Y[:100] * 1e6),
        "training that diverges", "became NaN or Inf; training stopped")
    check(clf.predict(X[:3]).shape == (3,), "a fit refused for its input "
          "leaves the fitted network as it was")
    raises(ValueError, lambda: setattr(clf, "coefs_", [np.zeros((3, 3))]),
           "coefs_ for one layer of two", "1 arrays for 2 layers")
    raises(ValueError, lambda: setattr(clf, "coefs_", [np.zeros((3, 3))] * 2),
           "coefs_ of the wrong shape", "coefs_[0] must be (500, 4)")


def test_low_level_never_crashes():
    """The extension's own checks, reached without the estimators."""
    net = _core32.Net(3, [(4, "relu", 0.0), (2, "identity", 0.0)])
    x = np.zeros((5, 3), np.float32)
    raises(TypeError, lambda: net.predict(x.astype(np.float64)),
           "float64 into the float32 network", "float32")
    raises(TypeError, lambda: net.predict(np.zeros((5, 3), np.int32)),
           "integers", "float32")
    raises(ValueError, lambda: net.predict(np.zeros((5, 4), np.float32)),
           "4 columns for 3 inputs", "4 columns")
    raises(ValueError, lambda: net.predict(np.zeros((5, 6), np.float32)[:, ::2]),
           "a strided view", "contiguous")
    raises(TypeError, lambda: net.predict("abc"), "a string")
    t = np.zeros((5, 2), np.float32)
    raises(ValueError, lambda: net.trainer(x, t[:4], 2, 0), "rows of x and "
           "t differ", "5 samples but y has 4")
    raises(ValueError, lambda: net.trainer(x, t, 0, 0), "batch 0", "batch")
    raises(ValueError, lambda: net.trainer(x, t, 2, 0, order="seeds"),
           "an unknown order", "layer-wise")
    raises(ValueError, lambda: net.trainer(x, np.array([0, 1, 2, 1, 0],
                                                       np.int32), 2, 0),
           "a class index beyond the outputs")
    tr = net.trainer(x, np.array([0, 1, 1, 0, 1], np.int32), 2, 0)
    check(len(tr.epoch()) == 2, "class indices as int32 train")
    check(net.predict(np.zeros((0, 3), np.float32)).shape == (0, 2),
          "no rows in, no rows out")
    raises(ValueError, lambda: _core32.Net(3, [(0, "relu", 0.0)]),
           "a layer of width 0")
    raises(ValueError, lambda: _core64.Net(3, [(2, "softplus", 0.0)]),
           "an unknown activation", "softplus")
    raises(ValueError, lambda: _core64.Net(3, []), "no layers")
    raises(ValueError, lambda: net.set_optim("adam", -1.0), "a negative "
           "learning rate", "lr")
    raises(ValueError, lambda: net.set_threads(0), "0 threads", "threads")
    raises(ValueError, lambda: net.set_params(np.zeros(3, np.float32)),
           "too few parameters", "26")
    raises(RuntimeError, lambda: _core32.Net.__new__(_core32.Net).info(),
           "a Net never created", "not created")
    raises(ValueError, lambda: net.explain(x, np.zeros((5, 2), np.float32)),
           "explain of five samples", "one sample")
