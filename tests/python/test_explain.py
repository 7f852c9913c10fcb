"""estimator.explain(x, y): the text of `backprop explain` for the same
model and sample, and the numbers of both phases as arrays, checked on
Matt Mazur's worked example (2015) and on trained networks."""
import os

import numpy as np
from sklearn.datasets import load_iris

import backprop
from harness import ROOT, check, cli, cli_dtype, close, tmpdir, write_csv

MAZUR = os.path.join(ROOT, "examples", "mazur.model")


def _same_text(est, model, x, t, what, target_label=None, **opts):
    """est.explain's text is `backprop explain --model model`'s for the
    sample x with target t (given to Python as target_label if set)."""
    args = ["explain", "--model", model, "--input", ",".join(map(repr, x)),
            "--target", ",".join(map(repr, t))]
    for k, v in opts.items():
        args += ["--" + k.replace("_", "-")] + ([] if v is True else [v])
    rc, out, err = cli(*args)
    if not check(rc == 0, "backprop %s: exit %d %s" % (" ".join(
            map(str, args[:3])), rc, err.strip())):
        return
    fmt = opts.pop("format", "text")
    mine = str(est.explain(x, t if target_label is None else target_label,
                           format=fmt,
                           **{k: (int(v) if k in ("steps", "max_weights") else
                                  float(v) if k == "lr" else v)
                              for k, v in opts.items()}))
    same = mine == out
    if not same:
        a, b = mine.splitlines(), out.splitlines()
        i = next((i for i, (p, q) in enumerate(zip(a, b)) if p != q),
                 min(len(a), len(b)))
        print("       | python: %r\n       | command: %r" %
              (a[i] if i < len(a) else "", b[i] if i < len(b) else ""))
    check(same, "%s: the text of backprop explain (%d lines)"
          % (what, len(out.splitlines())))


def test_mazur_text():
    est = backprop.load(MAZUR, dtype=cli_dtype())
    x, t = [0.05, 0.10], [0.01, 0.99]
    _same_text(est, MAZUR, x, t, "Mazur")
    _same_text(est, MAZUR, x, t, "Mazur, 10000 steps, standard order",
               steps="10000", order="standard")
    _same_text(est, MAZUR, x, t, "Mazur with finite differences",
               check=True)
    _same_text(est, MAZUR, x, t, "Mazur in Markdown", format="markdown")


def test_mazur_numbers():
    """The arrays against the published figures (WORKED_EXAMPLES.md A),
    in double precision."""
    est = backprop.load(MAZUR, dtype="float64")
    e = est.explain([0.05, 0.10], [0.01, 0.99])
    close(e.z[0], [0.3775, 0.3925], 1e-12, "z of the hidden layer")
    close(e.out[0], [0.593269992, 0.596884378], 1e-9, "out_h1, out_h2")
    close(e.out[1], [0.751365070, 0.772928465], 1e-9, "out_o1, out_o2")
    close(e.error, 0.298371109, 1e-9, "E_total")
    close(e.delta[1], (e.out[1] - [0.01, 0.99]) * e.out[1] * (1 - e.out[1]),
          1e-15, "delta_o = dE/dout * dout/dnet")
    # coefs_ layout: [k, j] is the weight from unit k below into unit j
    close(e.coef_grads[1], [[0.082167041, -0.022602540],
                            [0.082667628, -0.022740242]], 1e-9,
          "dE/dw5..dw8 as coef_grads[1]")
    close(e.coef_grads[0], [[0.000438568, 0.000497713],
                            [0.000877135, 0.000995425]], 1e-9,
          "dE/dw1..dw4 as coef_grads[0]")
    std = e.updated["standard"]
    close(std["coefs"][1], [[0.358916480, 0.511301270],
                            [0.408666186, 0.561370121]], 1e-9,
          "w5+..w8+ after one update")
    close(std["coefs"][0], [[0.149780716, 0.249751144],
                            [0.199561432, 0.299502287]], 1e-9,
          "w1+..w4+ after one update")
    close(std["intercepts"][0], [0.35, 0.35], 0, "frozen biases stay")
    close(std["error"], 0.291027774, 1e-9, "E after one standard update")
    close(e.updated["layer-wise"]["error"], 0.291027924, 1e-9,
          "E after one layer-wise update (the published figure)")
    check(str(e) == e.text and "E_total = 0.298371109" in e.text,
          "str() of the explanation is its text")
    close(est.coefs_[1], [[0.40, 0.50], [0.45, 0.55]], 1e-15,
          "explain leaves the network as it was")


def test_trained_networks():
    d = tmpdir()
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    dt = cli_dtype()
    clf = backprop.MLPClassifier(hidden_layer_sizes=(5,), max_iter=30,
                                 random_state=0, dtype=dt).fit(X, names)
    model = os.path.join(d, "py.bpm")
    clf.save(model)
    _same_text(clf, model, list(X[60]), [0.0, 1.0, 0.0],
               "a Python-trained classifier, target given as a label",
               target_label="versicolor")
    data = os.path.join(d, "iris.csv")
    write_csv(data, X, names)
    cli_model = os.path.join(d, "cli.bpm")
    rc, _, err = cli("train", "--data", data, "--hidden", "4", "--epochs",
                     "3", "--save", cli_model, "--quiet")
    if check(rc == 0, "backprop train: exit %d %s" % (rc, err)):
        est = backprop.load(cli_model, dtype=dt)
        _same_text(est, cli_model, list(X[120]), [0.0, 0.0, 1.0],
                   "a command-trained classifier (its input scaling "
                   "applied)", lr="0.1")
    e = clf.explain(X[0], "setosa")
    check([g.shape for g in e.coef_grads] == [c.shape for c in clf.coefs_]
          and [g.shape for g in e.intercept_grads] ==
          [b.shape for b in clf.intercepts_],
          "gradients shaped like coefs_ and intercepts_")
    close(e.updated["standard"]["coefs"][0],
          clf.coefs_[0] - 0.5 * e.coef_grads[0], 1e-6,
          "the update is w - lr * dE/dw")
    close(e.out[-1], clf.predict_proba(X[:1])[0], 1e-6,
          "the explained outputs are predict_proba's")
