"""scikit-learn's own estimator checks (sklearn.utils.estimator_checks,
the suite check_estimator runs), one line per check, for both
estimators with their default parameters."""
import unittest
import warnings

import backprop
from harness import check, skip
from sklearn.utils.estimator_checks import check_estimator


def _run_checks(est):
    name = type(est).__name__
    for e, chk in check_estimator(est, generate_only=True):
        fn = getattr(chk, "func", chk)
        label = "%s %s%s" % (name, fn.__name__,
                             " %s" % chk.keywords if getattr(chk, "keywords",
                                                             None) else "")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                chk(e)
        except unittest.SkipTest as s:  # check_estimator only warns here
            skip(label, s)
            continue
        except Exception as ex:
            check(False, "%s: %s: %s" % (label, type(ex).__name__,
                                         str(ex)[:300]))
            continue
        check(True, label)


def test_classifier_checks():
    _run_checks(backprop.MLPClassifier())


def test_regressor_checks():
    _run_checks(backprop.MLPRegressor())


def test_float64_checks():
    _run_checks(backprop.MLPClassifier(dtype="float64", solver="sgd"))
