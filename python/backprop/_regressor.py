"""MLPRegressor: scikit-learn's regressor interface over libbackprop."""
import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import column_or_1d

from ._base import _BaseMLP, _validate_data


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor trained by libbackprop.

    A drop-in for sklearn.neural_network.MLPRegressor: identity outputs
    (one per target column) and half squared error, the same parameters,
    methods and fitted attributes as MLPClassifier describes (without
    classes_), and score() is R^2. The network is trained on half the
    squared error summed over a sample's outputs (the gradient
    scikit-learn uses too); loss_ and loss_curve_ report it averaged over
    the outputs, as scikit-learn does.
    """

    def _reported(self, loss):
        return loss / self.n_outputs_

    def _validate_input(self, X, y, incremental, reset):
        X, y = _validate_data(self, X, y, reset=reset, dtype=self._dtype(),
                              order="C", force_all_finite=False,
                              multi_output=True, y_numeric=True)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        T = np.ascontiguousarray(y.reshape(len(y), -1), dtype=self._dtype())
        if not reset and T.shape[1] != self.n_outputs_:
            raise ValueError("y has %d columns; the network has %d outputs"
                             % (T.shape[1], self.n_outputs_))
        return self._scale(X), self._scale_targets(T)

    def _scale_targets(self, T):
        """Targets in the network's units: a model trained by the command
        line learned its targets scaled, (y - offset) * factor."""
        s = getattr(self, "_target_scaler", None)
        if s is None:
            return T
        return np.ascontiguousarray((T.astype(np.float64) - s[1]) * s[2],
                                    dtype=T.dtype)

    def _unscale_outputs(self, out):
        """The network's outputs in the targets' units (float64)."""
        s = getattr(self, "_target_scaler", None)
        if s is None:
            return out.astype(np.float64)
        dt = self._dtype()
        return (out.astype(dt).astype(np.float64) / s[2] + s[1]) \
            .astype(dt).astype(np.float64)

    def _output(self):
        return "identity", "sse"

    def partial_fit(self, X, y):
        """One epoch over X, y, continuing from the current weights and
        optimizer state."""
        if "_net" not in self.__dict__:
            self._check_params()
        return self._fit(X, y, incremental=True)

    def predict(self, X):
        """The network's outputs: (n_samples,) for one target, else
        (n_samples, n_outputs)."""
        out = self._unscale_outputs(self._forward(X))
        return out[:, 0] if out.shape[1] == 1 else out

    def _score_encoded(self, X, T):
        out = self._net.predict(X).astype(np.float64)
        return r2_score(T.astype(np.float64), out)

    def _explain_target(self, y):
        y = np.asarray(y, dtype=np.float64).reshape(-1)
        if y.shape[0] != self.n_outputs_:
            raise ValueError("y: %d target outputs expected, got %d"
                             % (self.n_outputs_, y.shape[0]))
        return y
