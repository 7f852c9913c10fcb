"""Model files between Python and the command line, both ways: a model
saved from Python measured by `backprop eval` and run by `backprop
predict`, a model trained by `backprop train` loaded and used (and
trained further) in Python; pickling; and files that are not models."""
import copy
import json
import os
import pickle
import tempfile

import numpy as np
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import NotFittedError

import backprop
from harness import (check, cli, cli_dtype, close, raises, skip, tmpdir,
                     write_csv)

IRIS_X, IRIS_Y = load_iris(return_X_y=True)
IRIS_NAMES = np.array(["setosa", "versicolor", "virginica"])[IRIS_Y]
DIGITS_X, DIGITS_Y = load_digits(return_X_y=True)


def _eval(model, data):
    rc, out, err = cli("eval", "--model", model, "--data", data, "--json")
    if not check(rc == 0, "backprop eval --model %s: exit %d %s"
                 % (os.path.basename(model), rc, err.strip())):
        return None
    return json.loads(out)


def _predict(model, data, *extra):
    rc, out, err = cli("predict", "--model", model, "--data", data, *extra)
    check(rc == 0, "backprop predict --model %s: exit %d %s"
          % (os.path.basename(model), rc, err.strip()))
    lines = out.strip().splitlines()
    return lines[0].split(","), [l.split(",") for l in lines[1:]]


def test_python_model_in_cli():
    d = tmpdir()
    X = DIGITS_X / 16
    cases = [("digits", X, DIGITS_Y, dict(hidden_layer_sizes=(32,))),
             ("iris", IRIS_X, IRIS_NAMES, dict(hidden_layer_sizes=(8,),
                                               learning_rate_init=0.01)),
             ("two classes", IRIS_X, IRIS_Y == 2,
              dict(hidden_layer_sizes=(8,), learning_rate_init=0.01))]
    for name, X_, y, params in cases:
        clf = backprop.MLPClassifier(max_iter=40, random_state=0,
                                     dtype=cli_dtype(), **params)
        clf.fit(X_, y)
        data = os.path.join(d, "data.csv")
        write_csv(data, X_, y)
        for fmt in ("binary", "text"):
            path = os.path.join(d, "m.bpm" if fmt == "binary" else "m.txt")
            clf.save(path, format=fmt)
            r = _eval(path, data)
            if r is None:
                continue
            p = clf.predict_proba(X_)
            truth = clf._class_index(np.asarray(y))
            logloss = -np.mean(np.log(p[np.arange(len(y)), truth]))
            check(r["accuracy"] == round(clf.score(X_, y), 9),
                  "%s, %s file: eval's accuracy %.9g is Python's score"
                  % (name, fmt, r["accuracy"]))
            close(r["loss"], logloss, 1e-5, "%s, %s file: eval's loss is "
                  "the log loss of predict_proba" % (name, fmt))
        head, rows = _predict(path, data, "--proba")
        check(head[0] == "class" and [r[0] for r in rows] ==
              [str(c) for c in clf.predict(X_)],
              "%s: backprop predict gives Python's classes" % name)
        close(np.array([r[1:] for r in rows], dtype=float),
              clf.predict_proba(X_), 1e-6, "%s: and its probabilities" % name)
    reg = backprop.MLPRegressor(hidden_layer_sizes=(16,), max_iter=200,
                                learning_rate_init=0.01, random_state=0,
                                dtype=cli_dtype())
    reg.fit(IRIS_X[:, :3], IRIS_X[:, 3])
    data = os.path.join(d, "reg.csv")
    write_csv(data, IRIS_X[:, :3], IRIS_X[:, 3])
    reg.save(os.path.join(d, "r.bpm"))
    r = _eval(os.path.join(d, "r.bpm"), data)
    if r is not None:
        close(r["output1"]["r2"], reg.score(IRIS_X[:, :3], IRIS_X[:, 3]),
              1e-6, "regression: eval's R^2 is Python's score")


def test_feature_names_in_cli():
    """A classifier fitted on a DataFrame saves its columns' names, so
    backprop predict takes each input by name from a CSV's header: with
    the columns in another order it gives the same classes (it gave
    others, each input reading its neighbour's values)."""
    try:
        import pandas as pd
    except ImportError:
        skip("backprop predict on a DataFrame-fitted model", "pandas is not installed")
        return
    d = tmpdir()
    X = pd.DataFrame(IRIS_X, columns=["sl", "sw", "pl", "pw"])
    clf = backprop.MLPClassifier(hidden_layer_sizes=(8,), max_iter=60,
                                 learning_rate_init=0.01, random_state=0,
                                 dtype=cli_dtype()).fit(X, IRIS_NAMES)
    for fmt in ("binary", "text"):
        path = os.path.join(d, "names.bpm" if fmt == "binary" else "n.txt")
        clf.save(path, format=fmt)
        _, info = backprop._native.core(cli_dtype()).load(path)
        check(info["inputs"] == ["sl", "sw", "pl", "pw"],
              "%s file: the input names %s" % (fmt, info["inputs"]))
        moved = os.path.join(d, "moved.csv")
        with open(moved, "w") as f:
            f.write("pw,pl,sw,sl\n")
            for row in IRIS_X:
                f.write(",".join(repr(float(v)) for v in row[::-1]) + "\n")
        _, rows = _predict(path, moved)
        check([r[0] for r in rows] == list(clf.predict(X)),
              "%s file: backprop predict on the columns reversed gives "
              "Python's classes" % fmt)
    plain = backprop.MLPClassifier(hidden_layer_sizes=(4,), max_iter=5,
                                   random_state=0).fit(IRIS_X, IRIS_NAMES)
    plain.save(os.path.join(d, "plain.bpm"))
    _, info = backprop._native.core("float32").load(
        os.path.join(d, "plain.bpm"))
    check(info["inputs"] is None, "fitted on an array: no input names")


def test_cli_model_in_python():
    d = tmpdir()
    data = os.path.join(d, "iris.csv")
    write_csv(data, IRIS_X, IRIS_NAMES)
    model = os.path.join(d, "cli.bpm")
    rc, _, err = cli("train", "--data", data, "--hidden", "12", "--epochs",
                     "30", "--lr", "0.01", "--save", model, "--quiet")
    if not check(rc == 0, "backprop train --save: exit %d %s" % (rc, err)):
        return
    clf = backprop.load(model, dtype=cli_dtype())
    check(isinstance(clf, backprop.MLPClassifier) and
          list(clf.classes_) == ["setosa", "versicolor", "virginica"] and
          clf.n_features_in_ == 4 and clf.hidden_layer_sizes == (12,),
          "loads as an MLPClassifier with the file's classes %s"
          % list(clf.classes_))
    head, rows = _predict(model, data, "--proba")
    check([r[0] for r in rows] == list(clf.predict(IRIS_X)),
          "Python predicts backprop predict's classes (the stored input "
          "scaling applied)")
    close(np.array([r[1:] for r in rows], dtype=float),
          clf.predict_proba(IRIS_X), 1e-7, "and its probabilities")
    r = _eval(model, data)
    if r is not None:
        check(r["accuracy"] == round(clf.score(IRIS_X, IRIS_NAMES), 9),
              "score %.4f is eval's accuracy" % r["accuracy"])
    before = clf.score(IRIS_X, IRIS_NAMES)
    for _ in range(20):
        clf.partial_fit(IRIS_X, IRIS_NAMES)
    check(clf.n_iter_ == 20 and clf.score(IRIS_X, IRIS_NAMES) >= before - 0.05,
          "trains further in Python: accuracy %.3f -> %.3f"
          % (before, clf.score(IRIS_X, IRIS_NAMES)))
    again = os.path.join(d, "again.bpm")
    clf.save(again)
    r = _eval(again, data)
    if r is not None:
        check(r["accuracy"] == round(clf.score(IRIS_X, IRIS_NAMES), 9),
              "saved again, with its scaling: eval agrees (%.4f)"
              % r["accuracy"])
    raises(ValueError, lambda: backprop.MLPRegressor.load(model),
           "MLPRegressor.load of a classifier", "names classes")
    reg_data = os.path.join(d, "reg.csv")
    write_csv(reg_data, IRIS_X[:, :3], IRIS_X[:, 3])
    reg_model = os.path.join(d, "reg.bpm")
    rc, _, err = cli("train", "--data", reg_data, "--hidden", "8", "--epochs",
                     "20", "--save", reg_model, "--quiet")
    if check(rc == 0, "backprop train a regression: exit %d %s" % (rc, err)):
        reg = backprop.load(reg_model, dtype=cli_dtype())
        head, rows = _predict(reg_model, reg_data)
        check(isinstance(reg, backprop.MLPRegressor), "loads as an "
              "MLPRegressor")
        close(reg.predict(IRIS_X[:, :3]), np.array(rows, float)[:, 0], 1e-7,
              "Python's predictions are backprop predict's")


def test_pickle():
    X = (DIGITS_X / 16).astype(np.float32)
    for dtype in ("float32", "float64"):
        clf = backprop.MLPClassifier(hidden_layer_sizes=(20,), max_iter=3,
                                     random_state=0, dtype=dtype).fit(X, DIGITS_Y)
        twin = pickle.loads(pickle.dumps(clf))
        check(np.array_equal(twin.predict_proba(X), clf.predict_proba(X)) and
              twin.n_iter_ == 3 and twin.loss_curve_ == clf.loss_curve_ and
              twin.get_params() == clf.get_params(),
              "%s: unpickled, the same predictions and attributes" % dtype)
        deep = copy.deepcopy(clf)
        for est in (clf, twin, deep):
            est.partial_fit(X, DIGITS_Y)
        check(all(np.array_equal(a, b) and np.array_equal(a, c) for a, b, c
                  in zip(clf.coefs_, twin.coefs_, deep.coefs_)),
              "%s: training continues identically after pickling or "
              "deepcopy (the optimizer's state travels too)" % dtype)
    # the pickled bytes are the checkpoint file's, written through the
    # library's callback: no temporary file on the way
    d = tmpdir()
    path = os.path.join(d, "ckpt.bpm")
    clf._net.save(path, state=True)
    with open(path, "rb") as f:
        on_disk = f.read()
    data = clf._net.to_bytes(state=True)
    check(data == on_disk, "to_bytes: the %d bytes save writes" % len(data))

    def no_temporary(*args, **kw):
        raise OSError("pickling made a temporary file")
    saved = tempfile.mkstemp, tempfile.mkdtemp
    tempfile.mkstemp = tempfile.mkdtemp = no_temporary
    try:
        twin = pickle.loads(pickle.dumps(clf))
        check(np.array_equal(twin.predict_proba(X), clf.predict_proba(X)),
              "pickling makes no temporary file")
    except OSError as e:
        check(False, str(e))
    finally:
        tempfile.mkstemp, tempfile.mkdtemp = saved
    clf._net.save(os.path.join(d, "m.txt"), text=True)
    with open(os.path.join(d, "m.txt"), "rb") as f:
        check(clf._net.to_bytes(text=True) == f.read(),
              "the text form too")
    raises(ValueError, lambda: clf._net.to_bytes(text=True, state=True),
           "a text checkpoint", "binary only")
    fresh = pickle.loads(pickle.dumps(backprop.MLPRegressor(alpha=0.5)))
    check(fresh.alpha == 0.5 and not hasattr(fresh, "n_iter_"),
          "an unfitted estimator pickles")


def test_precisions():
    d = tmpdir()
    X = DIGITS_X / 16
    clf = backprop.MLPClassifier(hidden_layer_sizes=(20,), max_iter=5,
                                 random_state=0, dtype="float64").fit(X, DIGITS_Y)
    path = os.path.join(d, "m64.bpm")
    clf.save(path)
    same = backprop.load(path, dtype="float64")
    low = backprop.load(path)
    check(np.array_equal(same.predict_proba(X), clf.predict_proba(X)),
          "float64 file, float64 load: the same numbers")
    close(low.predict_proba(X), clf.predict_proba(X), 1e-5,
          "float64 file, float32 load: to float32's precision")
    check(low.dtype == "float32" and low.coefs_[0].dtype == np.float32,
          "the loaded estimator computes in the precision asked for")


def test_not_models():
    d = tmpdir()
    raises(OSError, lambda: backprop.load(os.path.join(d, "missing.bpm")),
           "a missing file", "missing.bpm")
    clf = backprop.MLPClassifier(hidden_layer_sizes=(4,), max_iter=2,
                                 random_state=0).fit(IRIS_X, IRIS_Y)
    good = os.path.join(d, "good.bpm")
    clf.save(good)
    data = open(good, "rb").read()
    bad = os.path.join(d, "bad.bpm")
    with open(bad, "wb") as f:
        f.write(data[:40] + bytes([data[40] ^ 1]) + data[41:])
    raises(ValueError, lambda: backprop.load(bad), "a flipped bit",
           "bad.bpm")
    with open(bad, "wb") as f:
        f.write(data[:len(data) // 2])
    raises(ValueError, lambda: backprop.load(bad), "a truncated file",
           "bad.bpm")
    raises(OSError, lambda: clf.save(os.path.join(d, "no", "such", "m.bpm")),
           "saving into a missing directory")
    raises(ValueError, lambda: clf.save(good, format="json"), "an unknown "
           "format", "format")
    raises(NotFittedError, lambda: backprop.MLPClassifier().save(good),
           "saving an unfitted estimator")
    check(open(good, "rb").read() == data, "the failed saves left the good "
          "file as it was")


def test_scalers_kept():
    """A model whose file scales its inputs and its targets (as models
    written by the command line may): Python applies both as `backprop
    predict` does, trains in the network's units and saves them back."""
    d = tmpdir()
    X, y = IRIS_X[:, :3], IRIS_X[:, 3] * 10
    reg = backprop.MLPRegressor(hidden_layer_sizes=(8,), max_iter=50,
                                random_state=0, dtype=cli_dtype())
    reg.fit((X - X.mean(0)) / X.std(0), (y - 12) / 7)
    path = os.path.join(d, "scaled.bpm")
    scaler = ("standard", X.mean(0), 1 / X.std(0))
    reg._net.save(path, scaler=scaler,
                  target_scaler=("standard", np.array([12.0]),
                                 np.array([1 / 7.0])))
    data = os.path.join(d, "reg.csv")
    write_csv(data, X, y)
    loaded = backprop.load(path, dtype=cli_dtype())
    _, rows = _predict(path, data)
    close(loaded.predict(X), np.array(rows, float)[:, 0], 1e-7,
          "inputs scaled and outputs unscaled as backprop predict does")
    check(loaded.score(X, y) > 0.5, "R^2 %.3f in the targets' units"
          % loaded.score(X, y))
    loaded.set_params(learning_rate_init=1e-4)
    loaded.partial_fit(X, y)
    check(loaded.score(X, y) > 0.5, "one more epoch on raw targets keeps "
          "R^2 %.3f (trained in the network's units)" % loaded.score(X, y))
    loaded.save(path)
    _, rows = _predict(path, data)
    close(loaded.predict(X), np.array(rows, float)[:, 0], 1e-7,
          "saved again with both scalers: backprop predict agrees")
    loaded.set_params(max_iter=3).fit(X, y)
    loaded.save(path)
    _, rows = _predict(path, data)
    check(backprop.load(path)._scaler is None, "fit() starts afresh on the "
          "data as given: no scalers")
    close(loaded.predict(X), np.array(rows, float)[:, 0], 1e-6,
          "and backprop predict agrees")
