"""MLPClassifier: scikit-learn's classifier interface over libbackprop."""
import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import (check_classification_targets,
                                      type_of_target, unique_labels)
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._base import _BaseMLP, _validate_data


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier trained by libbackprop.

    A drop-in for sklearn.neural_network.MLPClassifier: the same parameter
    names and meanings, methods and fitted attributes, with the training
    loop in C (the GIL released, NumPy arrays read in place).

    Two classes get one logistic output and binary cross-entropy, more
    get softmax outputs and cross-entropy, a label-indicator matrix y
    (multilabel) one logistic output per label.

    Parameters (scikit-learn's)
    ---------------------------
    hidden_layer_sizes : tuple of int, default=(100,)
        The width of each hidden layer; () for none.
    activation : {'relu', 'tanh', 'logistic', 'identity', 'leaky_relu'},
        default='relu'. The hidden layers' activation (leaky_relu, slope
        0.01, is ours).
    solver : {'adam', 'sgd'}, default='adam'
        'sgd' uses momentum (Nesterov's when nesterovs_momentum) unless
        momentum=0. 'lbfgs' is not available.
    alpha : float, default=1e-4
        L2 penalty: alpha * W / batch is added to every weight's gradient,
        biases excluded, as scikit-learn does.
    batch_size : int or 'auto', default='auto' (min(200, n_samples))
    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        The schedule for solver='sgd'.
    learning_rate_init, power_t, momentum, nesterovs_momentum, beta_1,
    beta_2, epsilon : as in scikit-learn.
    max_iter : int, default=200
        Epochs at most.
    shuffle : bool, default=True
    random_state : int, RandomState or None
        Initial weights, each epoch's shuffle, the early-stopping split.
    tol, n_iter_no_change : as in scikit-learn (stop, or divide the
        learning rate by 5 under 'adaptive', after more than
        n_iter_no_change epochs without a gain of tol).
    verbose : bool
        One line per epoch, as scikit-learn prints it.
    warm_start : bool
        fit() continues from the current weights.
    early_stopping, validation_fraction : as in scikit-learn; the best
        epoch's weights are kept.

    Parameters (ours)
    -----------------
    threads : int, default=1
        Threads for the larger matrix products (results do not depend on
        the number).
    order : {'standard', 'layer-wise'}, default='standard'
        The backward order: 'layer-wise' updates each layer before delta
        passes down through it (the order of Matt Mazur's worked example,
        2015); alpha is not applied in that order.
    dtype : {'float32', 'float64'}, default='float32'
        The precision the network computes in; X of this dtype in C order
        is read without a copy.

    Attributes
    ----------
    classes_, n_iter_, loss_, loss_curve_, best_loss_, validation_scores_,
    best_validation_score_, t_, coefs_, intercepts_, n_features_in_,
    feature_names_in_, n_layers_, n_outputs_, out_activation_ : as in
    scikit-learn. coefs_[i] is (n_in, n_out) and intercepts_[i] (n_out,).
    """

    # ------------------------------------------------------------ targets

    def _validate_input(self, X, y, incremental, reset):
        X, y = _validate_data(self, X, y, reset=reset, dtype=self._dtype(),
                              order="C", force_all_finite=False,
                              multi_output=True)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        kind = type_of_target(y)
        if kind not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError("y: %s targets are not supported" % kind)
        multilabel = kind == "multilabel-indicator"
        # partial_fit's first call has set classes_ from its argument
        given = incremental and hasattr(self, "classes_")
        if (reset and not given) or not hasattr(self, "classes_"):
            self._multilabel = multilabel
            self.classes_ = (np.arange(y.shape[1]) if multilabel
                             else unique_labels(y))
        elif multilabel != self._multilabel:
            raise ValueError("y is %s, but the network was fitted on %s "
                             "targets" % (kind, "multilabel" if
                                          self._multilabel else "class"))
        elif self.warm_start and not incremental and not multilabel and \
                set(unique_labels(y)) != set(self.classes_):
            raise ValueError("warm_start can only be used where `y` has the "
                             "same classes as in the previous call to fit. "
                             "Previously got %s, `y` has %s"
                             % (self.classes_, unique_labels(y)))
        if not self._multilabel and len(self.classes_) < 2:
            raise ValueError("y holds one class only (%r): a classifier "
                             "needs 2 or more" % (self.classes_[0],))
        return self._scale(X), self._encode(y)

    def _layout(self):
        """'multilabel', 'binary' (one logistic output) or 'onehot'."""
        if getattr(self, "_multilabel", False):
            return "multilabel"
        n_out = self._net.layers()[-1][1] if "_net" in self.__dict__ \
            else (1 if len(self.classes_) == 2 else len(self.classes_))
        return "binary" if n_out == 1 else "onehot"

    def _encode(self, y):
        """Targets as the library takes them: for one of several classes
        their indices (int32 [n]: the library expands each batch to
        one-hot rows), else the outputs wanted, [n][n_out]."""
        dt = self._dtype()
        layout = self._layout()
        if layout == "multilabel":
            if y.shape[1] != len(self.classes_):
                raise ValueError("y has %d labels; the network has %d"
                                 % (y.shape[1], len(self.classes_)))
            return np.ascontiguousarray(y, dtype=dt)
        idx = self._class_index(y)
        if layout == "binary":
            return idx.astype(dt).reshape(-1, 1)
        return idx.astype(np.int32)

    def _n_out(self, T):
        return T.shape[1] if T.ndim == 2 else len(self.classes_)

    def _class_index(self, y):
        classes = np.asarray(self.classes_)
        order = np.argsort(classes, kind="stable")
        pos = np.searchsorted(classes, y, sorter=order)
        pos = np.minimum(pos, len(classes) - 1)
        idx = order[pos]
        unknown = classes[idx] != y
        if np.any(unknown):
            raise ValueError("`y` has classes not in `self.classes_`. "
                             "`self.classes_` has %s. 'y' has %s."
                             % (self.classes_, np.unique(y[unknown])))
        return idx

    def _stratify(self, T):
        layout = self._layout()
        if layout == "multilabel":
            return None
        return T[:, 0] if layout == "binary" else T

    def _output(self):
        """Softmax and cross-entropy for one of several classes; logistic
        outputs and binary cross-entropy for two classes or labels."""
        return ("softmax", "ce") if self._layout() == "onehot" \
            else ("sigmoid", "bce")

    def _class_names(self):
        return [str(c) for c in self.classes_]

    # ---------------------------------------------------------- training

    def partial_fit(self, X, y, classes=None):
        """One epoch over X, y, continuing from the current weights and
        optimizer state. classes (every class of the whole data) is needed
        on the first call, as in scikit-learn; y need not hold them all."""
        first = "_net" not in self.__dict__
        if first:
            self._check_params()
            multilabel = type_of_target(y) == "multilabel-indicator"
            if classes is None and not multilabel:
                raise ValueError("classes must be passed on the first call "
                                 "to partial_fit.")
            for name in ("classes_", "_multilabel"):
                self.__dict__.pop(name, None)
            if not multilabel:
                self._multilabel = False
                self.classes_ = unique_labels(classes)
        elif classes is not None and \
                not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError("`classes=%r` is not the same as on last call "
                             "to partial_fit, was: %r"
                             % (classes, self.classes_))
        return self._fit(X, y, incremental=True)

    # ------------------------------------------------------- prediction

    def predict(self, X):
        """Class labels (an indicator matrix for multilabel)."""
        out = self._forward(X)
        layout = self._layout()
        if layout == "multilabel":
            return (out > 0.5).astype(int)
        classes = np.asarray(self.classes_)
        if layout == "binary":
            return classes[(out[:, 0] > 0.5).astype(int)]
        return classes[out.argmax(axis=1)]

    def predict_proba(self, X):
        """Probabilities (n_samples, n_classes), columns in classes_'
        order (for multilabel, each label's own probability)."""
        out = self._forward(X)
        if self._layout() == "binary":
            return np.hstack([1 - out, out])
        return out

    def predict_log_proba(self, X):
        """log(predict_proba(X))."""
        p = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(p, out=p)

    def _score_encoded(self, X, T):
        out = self._net.predict(X)
        layout = self._layout()
        if layout == "onehot":
            right = out.argmax(axis=1) == T
        else:
            right = np.all((out > 0.5) == (T > 0.5), axis=1)
        return float(np.mean(right))

    def _explain_target(self, y):
        """A class label as the network's target row (or an indicator row
        for multilabel, or already the outputs wanted)."""
        check_is_fitted(self, "_net")
        if np.ndim(y) == 0:
            t = self._encode(np.asarray([y]))
            if t.ndim == 1:  # a class index: its one-hot row
                t = np.eye(len(self.classes_))[t]
            return t
        y = np.asarray(y)
        n_out = self._net.layers()[-1][1]
        if y.shape != (n_out,):
            raise ValueError("y: a class label, or %d target outputs" % n_out)
        return y.astype(np.float64)

    def _more_tags(self):
        return {"multilabel": True}
