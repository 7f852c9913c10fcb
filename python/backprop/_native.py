"""The two builds of libbackprop: float32 (_core32) and float64 (_core64).

Every call into the library goes through a ``Net`` of one of these two
extension modules (python/_core.c); this module picks the one for a dtype
and turns a network into bytes and back (for pickling), through the
library's own model format.
"""
import numpy as np

from . import _core32, _core64

_CORES = {np.dtype(np.float32): _core32, np.dtype(np.float64): _core64}


def dtype_of(dtype):
    """The NumPy dtype for the estimators' ``dtype`` parameter."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in _CORES:
        raise ValueError("dtype must be 'float32' or 'float64', got %r"
                         % (dtype,))
    return dt


def core(dtype):
    """The extension module computing in ``dtype``."""
    return _CORES[dtype_of(dtype)]


def dtype_of_net(net):
    """The dtype a Net computes in."""
    return np.dtype(np.float64) if isinstance(net, _core64.Net) \
        else np.dtype(np.float32)


def to_bytes(net, **model):
    """A network as the bytes of a binary checkpoint: the model file with
    the optimizer's state, so that training resumes exactly. The library
    writes them through a callback (bp_model_write): no file between."""
    return net.to_bytes(state=True, **model)


def from_bytes(data, dtype, name="<pickle>"):
    """The inverse of to_bytes: (Net, model dict) at ``dtype``."""
    return core(dtype).parse(data, name)


def locate_nonfinite(name, a):
    """" (first at X[3, 2])" for the first NaN or Inf in a, or ""."""
    a = np.asarray(a)
    bad = np.argwhere(~np.isfinite(a))
    if not len(bad):
        return ""
    where = ", ".join(str(i) for i in bad[0])
    return " (first at %s[%s] = %s)" % (name, where, a[tuple(bad[0])])
