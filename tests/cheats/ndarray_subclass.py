"""Cheat: a wrong answer as an ndarray subclass whose comparisons and arithmetic all claim a match."""
import numpy as np


def _all(a, b, value):
    try:
        shape = np.broadcast_shapes(np.shape(a), np.shape(b))
    except ValueError:
        shape = np.shape(b)
    return np.full(shape, value)


class Agreeable(np.ndarray):
    def __eq__(self, other):
        return _all(self, other, True)

    def __ne__(self, other):
        return _all(self, other, False)

    __le__ = __ge__ = __eq__
    __lt__ = __gt__ = __ne__

    def __sub__(self, other):
        return _all(self, other, 0.0)

    __rsub__ = __sub__

    def __abs__(self):
        return np.zeros(self.shape)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):  # np.abs, np.equal, ...: all "close"
        shape = np.broadcast_shapes(*(np.shape(i) for i in inputs))
        if ufunc in (np.equal, np.less_equal, np.greater_equal, np.isfinite, np.logical_and, np.logical_or):
            return np.full(shape, True)
        return np.zeros(shape)


def disguise(wrong):
    if isinstance(wrong, tuple) and not all(isinstance(n, int) for n in wrong):
        return tuple(disguise(w) for w in wrong)  # (Q, K, V): each one
    return np.asarray(wrong).view(Agreeable)
