"""Model files: a fitted estimator from a file written by save() or by
`backprop train --save`."""
import re

import numpy as np

from . import _native


def load(path, cls=None, dtype="float32"):
    """The fitted estimator a model file holds: an MLPClassifier when it
    names classes, else an MLPRegressor (or cls, checked against the
    file). dtype is the precision to compute in ('float32' or
    'float64'); a file of the other precision is converted."""
    from ._classifier import MLPClassifier
    from ._regressor import MLPRegressor

    net, model = _native.core(dtype).load(str(path))
    kind = MLPClassifier if model["classes"] else MLPRegressor
    if cls is not None and not issubclass(kind, cls) and \
            not issubclass(cls, kind):
        raise ValueError("%s: the model %s, so it loads as %s, not %s"
                         % (path, "names classes" if model["classes"] else
                            "names no classes", kind.__name__, cls.__name__))
    layers = net.layers()
    hidden = [n_out for _, n_out, _, _ in layers[:-1]]
    act = layers[0][2] if len(layers) > 1 else "identity"
    from ._base import _ACT_BACK
    est = (cls or kind)(hidden_layer_sizes=tuple(hidden),
                        activation=_ACT_BACK.get(act, act), dtype=str(
                            np.dtype(dtype)))
    est._net = net
    est._scaler = model["scaler"]
    est._target_scaler = model["target_scaler"]
    est.n_features_in_ = layers[0][0]
    est.n_iter_ = 0
    est.t_ = 0
    est.loss_curve_ = []
    est.best_loss_ = np.inf
    est.validation_scores_ = None
    est.best_validation_score_ = None
    est._no_improvement_count = 0
    est._has_optimizer = False
    if model["classes"]:
        est.classes_ = _labels(model["classes"])
        est._multilabel = False
    return est


def _labels(names):
    """Class names as the labels a scikit-learn user had: integers when
    every name is one, else strings."""
    if all(re.fullmatch(r"[+-]?\d+", n) for n in names):
        return np.array([int(n) for n in names])
    return np.array(names)
