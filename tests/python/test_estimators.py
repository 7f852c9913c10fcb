"""The estimators against scikit-learn's own MLP: the same numbers from
the same weights (forward phase, loss, one SGD step with alpha), the
same bookkeeping (partial_fit, warm_start, early stopping, schedules,
verbose), and accuracy on real data."""
import contextlib
import io

import numpy as np
from sklearn import neural_network as sk
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

import backprop
from harness import check, close, raises

X3, y3 = make_classification(n_samples=60, n_features=6, n_informative=4,
                             n_classes=3, random_state=0)
XR, yR = make_regression(n_samples=50, n_features=5, n_targets=2,
                         random_state=1)
XR = StandardScaler().fit_transform(XR)
yR = yR / 100


def _pair(kind, X, y, **params):
    """scikit-learn's estimator and ours, fitted, then ours given
    scikit-learn's weights."""
    theirs = getattr(sk, kind)(random_state=0, **params).fit(X, y)
    ours = getattr(backprop, kind)(random_state=0, dtype="float64",
                                   **params).fit(X, y)
    ours.coefs_ = theirs.coefs_
    ours.intercepts_ = theirs.intercepts_
    return theirs, ours


def test_same_forward_phase():
    params = dict(hidden_layer_sizes=(7, 5), activation="tanh", max_iter=3)
    for kind, X, y, f in [("MLPClassifier", X3, y3, "predict_proba"),
                          ("MLPClassifier", X3, y3 == 1, "predict_proba"),
                          ("MLPRegressor", XR, yR, "predict"),
                          ("MLPRegressor", XR, yR[:, 0], "predict")]:
        theirs, ours = _pair(kind, X, y, **params)
        close(getattr(ours, f)(X), getattr(theirs, f)(X), 1e-12,
              "%s %s, %s outputs, their weights" % (kind, f, np.shape(y)))
        if kind == "MLPClassifier":
            check(np.array_equal(ours.predict(X), theirs.predict(X)),
                  "%s predict: the same answers" % kind)
        check([c.shape for c in ours.coefs_] ==
              [c.shape for c in theirs.coefs_] and
              [b.shape for b in ours.intercepts_] ==
              [b.shape for b in theirs.intercepts_],
              "%s coefs_/intercepts_ shaped like scikit-learn's: %s"
              % (kind, [c.shape for c in ours.coefs_]))
        check(ours.n_layers_ == theirs.n_layers_ and
              ours.n_outputs_ == theirs.n_outputs_ and
              ours.out_activation_ == theirs.out_activation_,
              "%s n_layers_ %d, n_outputs_ %d, out_activation_ %s" %
              (kind, ours.n_layers_, ours.n_outputs_, ours.out_activation_))


def test_same_sgd_step():
    """From the same weights, one full-batch SGD step (partial_fit): the
    weights after it, with alpha's L2 term on the weights (not the
    biases) divided by the batch, and the loss with that term."""
    for kind, X, y in [("MLPClassifier", X3, y3), ("MLPClassifier", X3,
                                                     y3 == 2),
                       ("MLPRegressor", XR, yR)]:
        for alpha in (0.0, 0.5):
            params = dict(hidden_layer_sizes=(8,), activation="logistic",
                          solver="sgd", momentum=0, learning_rate_init=0.3,
                          alpha=alpha, batch_size=len(X), shuffle=False,
                          max_iter=2)
            theirs, ours = _pair(kind, X, y, **params)
            theirs.partial_fit(X, y)
            ours.partial_fit(X, y)
            for l in range(2):
                close(ours.coefs_[l], theirs.coefs_[l], 1e-12,
                      "%s alpha %g: coefs_[%d] after a step" % (kind, alpha,
                                                                l))
                close(ours.intercepts_[l], theirs.intercepts_[l], 1e-12,
                      "%s alpha %g: intercepts_[%d]" % (kind, alpha, l))
            close(ours.loss_, theirs.loss_, 1e-12,
                  "%s %s alpha %g: loss_ of the step" % (kind, np.shape(y),
                                                         alpha))


def test_same_adam_step():
    """Adam agrees with scikit-learn's but for where epsilon goes (here
    PyTorch's formula): with an epsilon too small to matter, to rounding."""
    params = dict(hidden_layer_sizes=(8,), batch_size=20, shuffle=False,
                  max_iter=1, learning_rate_init=0.01, epsilon=1e-30)
    theirs, ours = _pair("MLPClassifier", X3, y3, **params)
    for est in (theirs, ours):  # a new Adam from the same weights
        est.set_params(warm_start=True, max_iter=3).fit(X3, y3)
    close(ours.coefs_[0], theirs.coefs_[0], 1e-10, "Adam: coefs_[0] after "
          "3 epochs of 3 batches")
    close(ours.loss_curve_[-1], theirs.loss_curve_[-1], 1e-10,
          "Adam: loss_curve_[-1]")


def test_digits_accuracy():
    """The same architecture, solver and epochs on real data (sklearn's
    bundled digits): accuracy within 3 points of scikit-learn's (the
    benchmark, bench/python_mlp.py, holds it to 1 on more data)."""
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    Xa, Xb, ya, yb = train_test_split(X, y, test_size=0.3, random_state=0)
    params = dict(hidden_layer_sizes=(64,), max_iter=30, random_state=0)
    ours = backprop.MLPClassifier(**params).fit(Xa, ya)
    theirs = sk.MLPClassifier(**params).fit(Xa, ya)
    a, b = ours.score(Xb, yb), theirs.score(Xb, yb)
    check(a >= b - 0.03 and a > 0.9, "digits test accuracy %.4f, "
          "scikit-learn's %.4f" % (a, b))
    check(ours.n_iter_ == 30 and len(ours.loss_curve_) == 30 and
          ours.loss_curve_[-1] < ours.loss_curve_[0],
          "30 epochs, loss %.4f -> %.4f" % (ours.loss_curve_[0],
                                            ours.loss_curve_[-1]))
    p = ours.predict_proba(Xb)
    close(p.sum(axis=1), np.ones(len(Xb)), 1e-6, "probabilities sum to 1")
    check(p.dtype == np.float64 and np.array_equal(
        ours.classes_[p.argmax(1)], ours.predict(Xb)),
        "predict is predict_proba's most likely class")


def test_partial_fit():
    clf = backprop.MLPClassifier(hidden_layer_sizes=(10,), random_state=3)
    raises(ValueError, lambda: clf.partial_fit(X3, y3), "first partial_fit "
           "without classes", "classes must be passed")
    clf.partial_fit(X3[y3 != 2], y3[y3 != 2], classes=[0, 1, 2])
    check(list(clf.classes_) == [0, 1, 2] and clf.n_iter_ == 1 and
          clf.n_outputs_ == 3, "classes from the argument, not the chunk: "
          "%s, n_iter_ %d" % (clf.classes_, clf.n_iter_))
    clf.partial_fit(X3, y3)
    check(clf.n_iter_ == 2 and len(clf.loss_curve_) == 2,
          "one epoch per call: n_iter_ %d" % clf.n_iter_)
    raises(ValueError, lambda: clf.partial_fit(X3, y3 + 5), "an unknown "
           "class", "not in `self.classes_`")
    raises(ValueError, lambda: clf.partial_fit(X3[:, :4], y3),
           "fewer features", "features")
    # three calls of partial_fit are three epochs of fit, bit for bit
    a = backprop.MLPClassifier(hidden_layer_sizes=(10,), random_state=5,
                               max_iter=3, batch_size=16).fit(X3, y3)
    b = backprop.MLPClassifier(hidden_layer_sizes=(10,), random_state=5,
                               batch_size=16)
    for _ in range(3):
        b.partial_fit(X3, y3, classes=np.unique(y3))
    check(all(np.array_equal(p, q) for p, q in zip(a.coefs_, b.coefs_)) and
          a.loss_curve_ == b.loss_curve_,
          "fit(max_iter=3) == 3 x partial_fit, bit for bit")
    reg = backprop.MLPRegressor(hidden_layer_sizes=(6,), random_state=0)
    reg.partial_fit(XR, yR).partial_fit(XR, yR)
    check(reg.n_iter_ == 2 and reg.n_outputs_ == 2, "regressor partial_fit")


def test_warm_start():
    clf = backprop.MLPClassifier(hidden_layer_sizes=(10,), max_iter=5,
                                 random_state=0, warm_start=True)
    clf.fit(X3, y3)
    w = clf.coefs_[0].copy()
    loss = clf.loss_curve_[-1]
    clf.fit(X3, y3)
    check(clf.n_iter_ == 10 and len(clf.loss_curve_) == 10 and
          not np.array_equal(w, clf.coefs_[0]) and clf.loss_curve_[5] < loss * 1.1,
          "warm_start continues: n_iter_ %d, loss %.4f then %.4f"
          % (clf.n_iter_, loss, clf.loss_curve_[5]))
    raises(ValueError, lambda: clf.fit(X3, (y3 + 1) % 4), "warm_start with "
           "other classes", "same classes")
    cold = clone(clf).set_params(warm_start=False).fit(X3, y3)
    check(cold.n_iter_ == 5, "without warm_start fit starts again")


def test_early_stopping():
    X, y = load_digits(return_X_y=True)
    X = X / 16
    clf = backprop.MLPClassifier(hidden_layer_sizes=(32,), early_stopping=True,
                                 random_state=4, max_iter=200,
                                 n_iter_no_change=3, tol=0.01)
    clf.fit(X, y)
    v = clf.validation_scores_
    check(len(v) == clf.n_iter_ and clf.n_iter_ < 200 and clf.best_loss_ is None
          and clf.best_validation_score_ == max(v),
          "stopped after %d epochs; best validation score %.4f"
          % (clf.n_iter_, clf.best_validation_score_))
    # the same split as fit made: the kept weights are the best epoch's
    rs = check_random_state(4)
    for shape in [(64, 32), 32, (32, 10), 10]:  # the initial weights
        rs.uniform(size=shape)
    _, val = train_test_split(np.arange(len(X)), random_state=rs,
                              test_size=0.1, stratify=y)
    check(clf.score(X[val], y[val]) == clf.best_validation_score_,
          "the best epoch's weights are kept: %.4f on the validation split"
          % clf.score(X[val], y[val]))


def test_schedules():
    out = io.StringIO()
    clf = backprop.MLPClassifier(hidden_layer_sizes=(5,), solver="sgd",
                                 learning_rate="adaptive", tol=100,
                                 n_iter_no_change=2, max_iter=12,
                                 random_state=0, verbose=True)
    with contextlib.redirect_stdout(out):
        clf.fit(X3, y3)
    text = out.getvalue()
    lr = clf._net.optim()["lr"]
    check(text.count("Setting learning rate to") == 3 and
          abs(lr - 0.001 / 125) < 1e-15,
          "adaptive: three times divided by 5 -> %g" % lr)
    first = text.splitlines()[0]
    check(first == "Iteration 1, loss = %.8f" % clf.loss_curve_[0],
          "verbose prints scikit-learn's line: %r" % first)
    clf = backprop.MLPClassifier(hidden_layer_sizes=(5,), solver="sgd",
                                 learning_rate="invscaling", power_t=0.5,
                                 learning_rate_init=0.1, max_iter=4,
                                 random_state=0).fit(X3, y3)
    close(clf._net.optim()["lr"], 0.1 / (clf.t_ + 1) ** 0.5, 1e-12,
          "invscaling: lr = lr_init / (t_ + 1)^power_t after %d samples"
          % clf.t_)
    params = dict(hidden_layer_sizes=(5,), tol=1e9, n_iter_no_change=4,
                  random_state=0)
    clf = backprop.MLPClassifier(**params).fit(X3, y3)
    theirs = sk.MLPClassifier(**params).fit(X3, y3)
    check(clf.n_iter_ == theirs.n_iter_ == 6, "no gain of tol for more than "
          "n_iter_no_change epochs stops after %d (scikit-learn: %d)"
          % (clf.n_iter_, theirs.n_iter_))


def test_labels():
    names = np.array(["cat", "dog", "emu"])[y3]
    clf = backprop.MLPClassifier(hidden_layer_sizes=(10,), max_iter=50,
                                 random_state=0).fit(X3, names)
    check(list(clf.classes_) == ["cat", "dog", "emu"] and
          set(clf.predict(X3)) <= set(names) and clf.score(X3, names) > 0.6,
          "string classes: %s, training accuracy %.2f"
          % (list(clf.classes_), clf.score(X3, names)))
    clf.fit(X3, y3 == 1)
    p = clf.predict_proba(X3)
    check(clf.n_outputs_ == 1 and p.shape == (60, 2) and
          clf.out_activation_ == "logistic" and
          list(clf.classes_) == [False, True],
          "two classes: one logistic output, predict_proba %s" % (p.shape,))
    Y = np.stack([y3 == 0, y3 == 1, X3[:, 0] > 0], axis=1).astype(int)
    clf.fit(X3, Y)
    check(clf.predict(X3).shape == (60, 3) and clf.n_outputs_ == 3 and
          clf.predict_proba(X3).shape == (60, 3) and
          clf.out_activation_ == "logistic",
          "multilabel: one logistic output per label")


def test_regressor():
    reg = backprop.MLPRegressor(hidden_layer_sizes=(20,), max_iter=300,
                                random_state=0, learning_rate_init=0.01)
    reg.fit(XR, yR)
    check(reg.predict(XR).shape == (50, 2) and reg.score(XR, yR) > 0.8,
          "two targets: R^2 %.3f" % reg.score(XR, yR))
    reg.fit(XR, yR[:, 0])
    check(reg.predict(XR).shape == (50,) and reg.predict(XR).dtype ==
          np.float64, "one target: predictions (n,), float64")


def test_params_and_sklearn_tools():
    clf = backprop.MLPClassifier(threads=2, order="layer-wise",
                                 dtype="float64")
    p = clf.get_params()
    check(p["threads"] == 2 and p["order"] == "layer-wise" and
          p["dtype"] == "float64" and p["hidden_layer_sizes"] == (100,) and
          p["solver"] == "adam" and p["alpha"] == 0.0001,
          "get_params: scikit-learn's defaults and ours")
    clf.set_params(threads=1, hidden_layer_sizes=(4,))
    check(clf.threads == 1 and clf.hidden_layer_sizes == (4,), "set_params")
    for bad, msg in [(dict(hidden_layer_sizes=(0,)), "hidden_layer_sizes"),
                     (dict(solver="lbfgs"), "lbfgs"),
                     (dict(activation="softplus"), "activation"),
                     (dict(dtype="float16"), "dtype"),
                     (dict(order="seeds"), "order"),
                     (dict(learning_rate_init=0), "learning_rate_init"),
                     (dict(threads=0), "threads"),
                     (dict(batch_size=0), "batch_size")]:
        raises(ValueError, lambda: backprop.MLPClassifier(**bad).fit(X3, y3),
               "bad %s" % bad, msg)
    pipe = make_pipeline(StandardScaler(),
                         backprop.MLPClassifier(hidden_layer_sizes=(10,),
                                                max_iter=40, random_state=0))
    s = cross_val_score(pipe, X3, y3, cv=3)
    check(len(s) == 3 and s.mean() > 0.5, "in a Pipeline under "
          "cross_val_score: %s" % np.round(s, 3))


def test_threads_and_orders():
    X = np.random.RandomState(0).randn(600, 80).astype(np.float32)
    y = (X[:, :3].sum(1) > 0).astype(int)
    ws = []
    for t in (1, 2):
        clf = backprop.MLPClassifier(hidden_layer_sizes=(256,), max_iter=2,
                                     threads=t, random_state=0,
                                     batch_size=128).fit(X, y)
        ws.append(clf.coefs_)
    check(all(np.array_equal(a, b) for a, b in zip(*ws)),
          "threads=2 gives the weights of threads=1, bit for bit")
    a = backprop.MLPClassifier(hidden_layer_sizes=(6,), max_iter=3,
                               random_state=0, alpha=0).fit(X3, y3)
    b = backprop.MLPClassifier(hidden_layer_sizes=(6,), max_iter=3,
                               random_state=0, alpha=0,
                               order="layer-wise").fit(X3, y3)
    check(not np.array_equal(a.coefs_[0], b.coefs_[0]) and
          np.allclose(a.coefs_[0], b.coefs_[0], atol=0.05),
          "order='layer-wise' trains, slightly differently")


def test_same_training_from_random_state():
    """One random_state gives scikit-learn's initial weights; without
    shuffling (whose order is the library's own) the whole fit then
    follows scikit-learn's, epoch by epoch, to rounding."""
    for kind, X, y, solver in [("MLPClassifier", X3, y3, "sgd"),
                               ("MLPClassifier", X3, y3 == 0, "adam"),
                               ("MLPRegressor", XR, yR, "sgd")]:
        params = dict(hidden_layer_sizes=(9, 4), activation="logistic",
                      solver=solver, batch_size=16, shuffle=False,
                      max_iter=8, random_state=7, alpha=0.01,
                      learning_rate_init=0.05, epsilon=1e-30)
        ours = getattr(backprop, kind)(dtype="float64", **params).fit(X, y)
        theirs = getattr(sk, kind)(**params).fit(X, y)
        close(ours.coefs_[1], theirs.coefs_[1], 1e-9,
              "%s %s: coefs_[1] after 8 epochs" % (kind, solver))
        close(ours.loss_curve_, theirs.loss_curve_, 1e-9,
              "%s %s: loss_curve_" % (kind, solver))
