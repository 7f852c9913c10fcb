"""Model files: a fitted estimator from a file written by save() or by
`backprop train --save`."""
from ._base import _load
from ._classifier import MLPClassifier
from ._regressor import MLPRegressor


def load(path, cls=None, dtype="float32"):
    """The fitted estimator a model file holds: an MLPClassifier when it
    names classes, else an MLPRegressor (or cls, checked against the
    file). dtype is the precision to compute in ('float32' or
    'float64'); a file of the other precision is converted."""
    def pick(has_classes, where):
        kind = MLPClassifier if has_classes else MLPRegressor
        if cls is not None and not issubclass(kind, cls) and \
                not issubclass(cls, kind):
            raise ValueError("%s: the model %s, so it loads as %s, not %s"
                             % (where, "names classes" if has_classes else
                                "names no classes", kind.__name__,
                                cls.__name__))
        return cls or kind
    return _load(path, pick, dtype)
