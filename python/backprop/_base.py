"""What MLPClassifier and MLPRegressor share: parameters, the training
loop (scikit-learn's MLP semantics over libbackprop's epochs), the
fitted weights, files, pickling and explain.
"""
import numbers
import re
import sys
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from . import _native
from ._explain import Explanation

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # older: the estimator's own method
    def _validate_data(est, *args, **kw):
        return est._validate_data(*args, **kw)

# scikit-learn's activation names -> the library's
# (leaky_relu, slope 0.01, is ours)
_ACTIVATIONS = {"identity": "identity", "logistic": "sigmoid",
                "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky_relu"}
_ACT_BACK = {v: k for k, v in _ACTIVATIONS.items()}
_ACT_BACK["softmax"] = "softmax"

# what validating a fit's input may change before training starts
_KEPT = ("_net", "_scaler", "_target_scaler", "classes_", "_multilabel",
         "n_features_in_", "feature_names_in_")


class _BaseMLP(BaseEstimator):
    """A multi-layer perceptron trained by libbackprop (see the classes)."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, batch_size="auto",
                 learning_rate="constant", learning_rate_init=0.001,
                 power_t=0.5, max_iter=200, shuffle=True, random_state=None,
                 tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, n_iter_no_change=10, threads=1,
                 order="standard", dtype="float32"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.threads = threads
        self.order = order
        self.dtype = dtype

    # ------------------------------------------------------------ checks

    def _check_params(self):
        """Every parameter, with a message naming it (ValueError)."""
        def bad(name, want):
            raise ValueError("%s must be %s, got %r"
                             % (name, want, getattr(self, name)))

        def number(name, lo, hi, lo_open=False, hi_open=False, integer=False):
            v = getattr(self, name)
            kind = numbers.Integral if integer else numbers.Real
            if (not isinstance(v, kind) or isinstance(v, bool)
                    or not np.isfinite(v) and not (hi == np.inf and v == hi)
                    or v < lo or (lo_open and v == lo)
                    or v > hi or (hi_open and v == hi)):
                bad(name, "%s in %s%s, %s%s" % (
                    "an integer" if integer else "a number",
                    "(" if lo_open else "[", lo, hi, ")" if hi_open else "]"))

        self._hidden_sizes()
        if self.activation not in _ACTIVATIONS:
            bad("activation", "one of %s" % sorted(_ACTIVATIONS))
        if self.solver == "lbfgs":
            raise ValueError("solver='lbfgs' is not available in backprop "
                             "(it trains by mini-batch gradient descent): "
                             "use 'adam' or 'sgd'")
        if self.solver not in ("adam", "sgd"):
            bad("solver", "'adam' or 'sgd'")
        number("alpha", 0, np.inf)
        if not (isinstance(self.batch_size, str) and self.batch_size == "auto"):
            number("batch_size", 1, np.inf, integer=True)
        if self.learning_rate not in ("constant", "invscaling", "adaptive"):
            bad("learning_rate", "'constant', 'invscaling' or 'adaptive'")
        number("learning_rate_init", 0, np.inf, lo_open=True)
        number("power_t", 0, np.inf)
        number("max_iter", 1, np.inf, integer=True)
        number("tol", 0, np.inf)
        number("momentum", 0, 1, hi_open=True)
        number("validation_fraction", 0, 1, lo_open=True, hi_open=True)
        number("beta_1", 0, 1, hi_open=True)
        number("beta_2", 0, 1, hi_open=True)
        number("epsilon", 0, np.inf, lo_open=True)
        number("n_iter_no_change", 1, np.inf, integer=True)
        number("threads", 1, 256, integer=True)
        if self.order not in ("standard", "layer-wise"):
            bad("order", "'standard' or 'layer-wise'")
        _native.dtype_of(self.dtype)

    def _hidden_sizes(self):
        h = self.hidden_layer_sizes
        sizes = list(h) if hasattr(h, "__iter__") else [h]
        if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool)
                   and s > 0 for s in sizes):
            raise ValueError("hidden_layer_sizes must be > 0, got %r" % (h,))
        return [int(s) for s in sizes]

    # ----------------------------------------------------------- inputs

    def _dtype(self):
        """The precision of the network (a loaded or warm one keeps its)."""
        net = self.__dict__.get("_net")
        return _native.dtype_of_net(net) if net is not None \
            else _native.dtype_of(self.dtype)

    def _check_X(self, X, reset=False):
        """X as the library takes it: the network's number type, C order,
        2-D; not copied when it already is. NaN and Inf are left for the
        library to find (its message names them)."""
        X = _validate_data(self, X, reset=reset, dtype=self._dtype(),
                           order="C", force_all_finite=False)
        return self._scale(X)

    def _scale(self, X):
        """A loaded model's input scaling, x' = (x - offset) * factor,
        computed as the library does (in double, then rounded)."""
        s = getattr(self, "_scaler", None)
        if s is None:
            return X
        out = (X.astype(np.float64) - s[1]) * s[2]
        return np.ascontiguousarray(out, dtype=X.dtype)

    def _library_error(self, err, X, T=None):
        """The library's ValueError, told where the NaN or Inf is."""
        msg = str(err)
        if "NaN or Inf" in msg and "epoch" not in msg:
            where = _native.locate_nonfinite("X", X)
            if not where and T is not None:
                where = _native.locate_nonfinite("y", T)
            msg += where
        return ValueError(msg)

    # ----------------------------------------------------------- network

    def _new_net(self, n_in, n_out, out_act, loss, rs):
        """A fresh network with scikit-learn's initial weights: for each
        layer, weights then biases uniform in +-sqrt(6 / (fan_in +
        fan_out)) (2 instead of 6 for logistic units), drawn from rs in
        scikit-learn's order, so one random_state gives both libraries
        the same starting point."""
        hidden = _ACTIVATIONS[self.activation]
        slope = 0.01 if hidden == "leaky_relu" else 0.0
        layers = [(h, hidden, slope) for h in self._hidden_sizes()]
        layers.append((n_out, out_act, 0.0))
        net = _native.core(self.dtype).Net(n_in, layers)
        factor = 2.0 if self.activation == "logistic" else 6.0
        p = net.get_params()
        for l, (fan_in, fan_out, _, _) in enumerate(net.layers()):
            bound = np.sqrt(factor / (fan_in + fan_out))
            w, b = net.offsets(l)
            p[w:b] = rs.uniform(-bound, bound, (fan_in, fan_out)).T.ravel()
            p[b:b + fan_out] = rs.uniform(-bound, bound, fan_out)
        net.set_params(p)
        net.set_loss(loss)
        self._net = net
        self._scaler = self._target_scaler = None

    def _set_optimizer(self):
        if self.solver == "adam":
            self._net.set_optim("adam", self.learning_rate_init,
                                beta1=self.beta_1, beta2=self.beta_2,
                                eps=self.epsilon)
        elif self.momentum > 0:
            self._net.set_optim("nesterov" if self.nesterovs_momentum
                                else "momentum", self.learning_rate_init,
                                momentum=self.momentum)
        else:
            self._net.set_optim("sgd", self.learning_rate_init)
        self._lr = self.learning_rate_init

    def _weights(self):
        """[(W [n_out][n_in], b [n_out]), ...]: copies, per layer."""
        p = self._net.get_params()
        out = []
        for l, (n_in, n_out, _, _) in enumerate(self._net.layers()):
            w, b = self._net.offsets(l)
            out.append((p[w:b].reshape(n_out, n_in), p[b:b + n_out]))
        return out

    @property
    def coefs_(self):
        """The weights of each layer, shaped like scikit-learn's:
        coefs_[i] is (n_in, n_out) of layer i. Read-only copies; assign a
        whole list to change them."""
        check_is_fitted(self, "_net")
        out = []
        for w, _ in self._weights():
            c = np.ascontiguousarray(w.T)
            c.flags.writeable = False
            out.append(c)
        return out

    @coefs_.setter
    def coefs_(self, coefs):
        self._set_weights(coefs, None)

    @property
    def intercepts_(self):
        """The biases of each layer: intercepts_[i] is (n_out,)."""
        check_is_fitted(self, "_net")
        out = []
        for _, b in self._weights():
            b = b.copy()
            b.flags.writeable = False
            out.append(b)
        return out

    @intercepts_.setter
    def intercepts_(self, intercepts):
        self._set_weights(None, intercepts)

    def _set_weights(self, coefs, intercepts):
        check_is_fitted(self, "_net")
        p = self._net.get_params()
        layers = self._net.layers()
        new = coefs if coefs is not None else intercepts
        if len(new) != len(layers):
            raise ValueError("%d arrays for %d layers" % (len(new), len(layers)))
        for l, (n_in, n_out, _, _) in enumerate(layers):
            w, b = self._net.offsets(l)
            if coefs is not None:
                c = np.asarray(coefs[l], dtype=p.dtype)
                if c.shape != (n_in, n_out):
                    raise ValueError("coefs_[%d] must be %s, got %s"
                                     % (l, (n_in, n_out), c.shape))
                p[w:b] = c.T.ravel()
            else:
                c = np.asarray(intercepts[l], dtype=p.dtype)
                if c.shape != (n_out,):
                    raise ValueError("intercepts_[%d] must be %s, got %s"
                                     % (l, (n_out,), c.shape))
                p[b:b + n_out] = c
        self._net.set_params(p)

    @property
    def n_layers_(self):
        """Layers counting the input, as scikit-learn counts them."""
        check_is_fitted(self, "_net")
        return len(self._net.layers()) + 1

    @property
    def n_outputs_(self):
        check_is_fitted(self, "_net")
        return self._net.layers()[-1][1]

    @property
    def out_activation_(self):
        check_is_fitted(self, "_net")
        act = self._net.layers()[-1][2]
        return _ACT_BACK.get(act, act)

    # ---------------------------------------------------------- training

    def fit(self, X, y):
        """Train on X (n_samples, n_features) and y from new weights (or,
        with warm_start, from the current ones) for up to max_iter epochs.

        Returns self."""
        self._check_params()
        return self._fit(X, y, incremental=False)

    def _fit(self, X, y, incremental):
        first = "_net" not in self.__dict__ or (
            not self.warm_start and not incremental)
        # a fit that fails on its input leaves the fitted state as it was
        kept = {k: self.__dict__[k] for k in _KEPT if k in self.__dict__}
        if first:  # a new network, of self.dtype, on the data as given
            for k in ("_net", "_scaler", "_target_scaler"):
                self.__dict__.pop(k, None)
        try:
            X, T = self._validate_input(X, y, incremental, reset=first)
        except BaseException:
            for k in _KEPT:
                self.__dict__.pop(k, None)
            self.__dict__.update(kept)
            raise
        rs = check_random_state(self.random_state)
        if first:
            self._initialize(X.shape[1], self._n_out(T), rs)
        if not incremental or not getattr(self, "_has_optimizer", False):
            self._set_optimizer()
            self._has_optimizer = True
        self._net.set_threads(self.threads)
        early = self.early_stopping and not incremental
        X_val = T_val = None
        if early:
            X, X_val, T, T_val = self._split(X, T, rs)
        if not incremental or not hasattr(self, "_shuffle_seed"):
            self._shuffle_seed = int(rs.randint(0, 2**31 - 1))
        n = X.shape[0]
        batch = min(200, n) if self.batch_size == "auto" else self.batch_size
        if batch > n:
            warnings.warn("Got `batch_size` less than 1 or larger than "
                          "sample size. It is going to be clipped")
            batch = n
        self._loop(X, T, X_val, T_val, batch, early, incremental)
        return self

    def _n_out(self, T):
        """The network's outputs for targets as _validate_input gives
        them."""
        return T.shape[1]

    def _initialize(self, n_features, n_out, rs):
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self._no_improvement_count = 0
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None
        self._has_optimizer = False
        out_act, loss = self._output()
        self._new_net(n_features, n_out, out_act, loss, rs)

    def _split(self, X, T, rs):
        """Hold out validation_fraction of the samples for early stopping
        (stratified for classes, as scikit-learn does)."""
        from sklearn.model_selection import train_test_split
        train, val = train_test_split(
            np.arange(X.shape[0]), random_state=rs,
            test_size=self.validation_fraction, stratify=self._stratify(T))
        return X[train], X[val], T[train], T[val]

    def _stratify(self, T):
        return None

    def _reported(self, loss):
        """The library's loss as scikit-learn reports it."""
        return loss

    def _trainer(self, X, T, batch):
        """The library's trainer over X and T (read in place, checked once)
        at the start of epoch n_iter_ + 1."""
        alpha = self.alpha
        if self.order == "layer-wise" and alpha > 0:
            # the L2 term is added between the backward phase and the
            # update, which the layer-wise order does not separate
            warnings.warn("alpha is not applied with order='layer-wise' "
                          "(set alpha=0 to silence this)", UserWarning)
            alpha = 0.0
        try:
            return self._net.trainer(X, T, batch, self._shuffle_seed,
                                     self.shuffle, self.order, alpha,
                                     self.n_iter_)
        except ValueError as e:
            raise self._library_error(e, X, T) from None

    def _epoch(self, trainer, X, T):
        """One epoch in the library, the GIL released: its mean loss and
        the share of it that is alpha's L2 term (scikit-learn's loss adds
        0.5 * alpha * |W|^2 / batch at the weights each batch saw)."""
        try:
            return trainer.epoch()
        except ValueError as e:
            raise self._library_error(e, X, T) from None

    def _loop(self, X, T, X_val, T_val, batch, early, incremental):
        try:
            self._epochs(X, T, X_val, T_val, batch, early, incremental)
        except KeyboardInterrupt:  # as scikit-learn: keep what was learned
            warnings.warn("Training interrupted by user.")
        if early and self._best_params is not None:
            self._net.set_params(self._best_params)
        self._best_params = None

    def _epochs(self, X, T, X_val, T_val, batch, early, incremental):
        n = X.shape[0]
        trainer = self._trainer(X, T, batch)
        for _ in range(self.max_iter):
            loss, penalty = self._epoch(trainer, X, T)
            loss = self._reported(loss) + penalty
            self.n_iter_ += 1
            self.t_ += n
            self.loss_ = loss
            self.loss_curve_.append(loss)
            if self.verbose:
                print("Iteration %d, loss = %.8f" % (self.n_iter_, loss))
            self._track(early, X_val, T_val)
            if self.solver == "sgd" and self.learning_rate == "invscaling":
                self._lr = self.learning_rate_init / (self.t_ + 1) ** self.power_t
                self._net.set_lr(self._lr)
            if self._no_improvement_count > self.n_iter_no_change:
                if self._stop(early):
                    break
                self._no_improvement_count = 0
            if incremental:
                break
            if self.n_iter_ == self.max_iter:
                warnings.warn("Stochastic Optimizer: Maximum iterations (%d) "
                              "reached and the optimization hasn't converged "
                              "yet." % self.max_iter, ConvergenceWarning)

    def _track(self, early, X_val, T_val):
        """scikit-learn's bookkeeping after an epoch: the validation score
        (early stopping) or the training loss, and epochs without a gain
        of at least tol."""
        if early:
            score = self._score_encoded(X_val, T_val)
            self.validation_scores_.append(score)
            if self.verbose:
                print("Validation score: %f" % score)
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_params = self._net.get_params()
        else:
            if self.loss_curve_[-1] > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if self.loss_curve_[-1] < self.best_loss_:
                self.best_loss_ = self.loss_curve_[-1]

    def _stop(self, early):
        """True to stop; False when the adaptive schedule lowered the
        learning rate instead."""
        what = ("Validation score did not improve more than tol=%f for %d "
                "consecutive epochs." if early else
                "Training loss did not improve more than tol=%f for %d "
                "consecutive epochs.") % (self.tol, self.n_iter_no_change)
        if self.solver == "sgd" and self.learning_rate == "adaptive" \
                and self._lr > 1e-6:
            self._lr /= 5.0
            self._net.set_lr(self._lr)
            if self.verbose:
                print(what + " Setting learning rate to %f" % self._lr)
            return False
        if self.verbose:
            print(what + " Stopping.")
        return True

    # ------------------------------------------------------- prediction

    def _forward(self, X):
        """The network's outputs for X, as float64 (n, n_out)."""
        check_is_fitted(self, "_net")
        X = self._check_X(X)
        self._net.set_threads(self.threads)
        try:
            out = self._net.predict(X)
        except ValueError as e:
            raise self._library_error(e, X) from None
        return out.astype(np.float64)

    # ------------------------------------------------------------- files

    def save(self, path, format="binary"):
        """Write the fitted network as a model file that the command line
        reads (`backprop eval --model PATH`, `predict`, `explain`, `info`,
        `export`): format "binary" (.bpm, with a CRC-32) or "text".
        Classifiers store their class names; an estimator fitted on a
        DataFrame, its columns' names (`backprop predict` then takes each
        input by name from a CSV's header). The write is atomic."""
        check_is_fitted(self, "_net")
        if format not in ("binary", "text"):
            raise ValueError("format must be 'binary' or 'text', got %r"
                             % (format,))
        self._net.save(path, text=format == "text", **self._model_info())

    def _model_info(self):
        """What a model file holds beside the network: class names, the
        input columns' names (feature_names_in_, so that `backprop
        predict` takes each input by name from a CSV's header), and the
        scalers of a model that came from the command line."""
        names = getattr(self, "feature_names_in_", None)
        return {"classes": self._class_names(),
                "inputs": None if names is None else [str(n) for n in names],
                "scaler": getattr(self, "_scaler", None),
                "target_scaler": getattr(self, "_target_scaler", None)}

    def _class_names(self):
        return None

    @classmethod
    def load(cls, path):
        """A fitted estimator from a model file written by save() or by
        `backprop train --save` (its input and target scaling and class names
        included). MLPClassifier.load needs a model with classes."""
        def pick(has_classes, where):
            if has_classes != (getattr(cls, "_estimator_type", None) ==
                               "classifier"):
                raise ValueError(
                    "%s: the model %s, so it loads as %s, not %s"
                    % (where, "names classes" if has_classes else
                       "names no classes", "MLPClassifier" if has_classes
                       else "MLPRegressor", cls.__name__))
            return cls
        return _load(path, pick)

    # ----------------------------------------------------------- pickle

    def __getstate__(self):
        state = self.__dict__.copy()
        net = state.pop("_net", None)
        if net is not None:
            state["_net_bytes"] = _native.to_bytes(net)
            state["_net_dtype"] = str(_native.dtype_of_net(net))
        return state

    def __setstate__(self, state):
        state = dict(state)
        data = state.pop("_net_bytes", None)
        dtype = state.pop("_net_dtype", "float32")
        self.__dict__.update(state)
        if data is not None:
            self._net, _ = _native.from_bytes(data, dtype)

    # ---------------------------------------------------------- explain

    def explain(self, x, y, lr=0.5, steps=1, order="both", check=False,
                format="text", max_weights=50):
        """Every number of the forward and backward phase for one sample,
        as `backprop explain --model M --input x --target y` prints them.

        x is one sample (n_features,); y its target: a class label for a
        classifier, or the outputs (n_outputs,) the network should give.
        lr, steps, order ("both", "standard", "layer-wise"), check and
        max_weights mean what the command's options of those names mean;
        format is "text" or "markdown".

        Returns an Explanation: str() of it is the text; its attributes
        hold the same numbers as arrays (net inputs z, outputs, deltas,
        gradients shaped like coefs_/intercepts_, and the weights after
        one update in each order)."""
        check_is_fitted(self, "_net")
        if format not in ("text", "markdown"):
            raise ValueError("format must be 'text' or 'markdown'")
        dt = self._dtype()
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        if x.shape[0] != self.n_features_in_:
            raise ValueError("x has %d features; the network takes %d"
                             % (x.shape[0], self.n_features_in_))
        xs = self._scale(np.ascontiguousarray(x, dtype=dt).reshape(1, -1))
        t = np.ascontiguousarray(self._explain_target(y), dtype=dt)
        t = t.reshape(1, -1)
        text = self._net.explain(xs, t, lr, steps, order, bool(check),
                                 format == "markdown", max_weights)
        numbers = self._net.phases(xs, t, lr)
        return Explanation(text, xs[0], t[0], numbers, self._net)


def _load(path, pick, dtype="float32"):
    """The fitted estimator a model file holds, of the class that
    pick(has_classes, path) chooses (it raises ValueError when the file
    does not suit the caller's class)."""
    net, model = _native.core(dtype).load(str(path))
    cls = pick(bool(model["classes"]), path)
    layers = net.layers()
    hidden = [n_out for _, n_out, _, _ in layers[:-1]]
    act = layers[0][2] if len(layers) > 1 else "identity"
    est = cls(hidden_layer_sizes=tuple(hidden),
              activation=_ACT_BACK.get(act, act), dtype=str(np.dtype(dtype)))
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
