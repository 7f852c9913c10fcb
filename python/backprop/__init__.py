"""backprop: scikit-learn estimators on libbackprop, a C library for
feed-forward networks trained by backpropagation.

    >>> from backprop import MLPClassifier
    >>> clf = MLPClassifier(hidden_layer_sizes=(64,), max_iter=50)
    >>> clf.fit(X_train, y_train).score(X_test, y_test)
    >>> clf.save("digits.bpm")     # `backprop eval --model digits.bpm ...`
    >>> print(clf.explain(X_test[0], y_test[0]))

MLPClassifier and MLPRegressor take scikit-learn's MLP parameters with
their meanings, plus threads, order and dtype; training runs in C with
the GIL released. load(path) reads any model file the command line
writes. Explanation is what estimator.explain() returns.
"""
from ._classifier import MLPClassifier
from ._explain import Explanation
from ._files import load
from ._native import _core32
from ._regressor import MLPRegressor

__version__ = _core32.version
__all__ = ["MLPClassifier", "MLPRegressor", "Explanation", "load"]
