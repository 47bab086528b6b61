"""Wrong: the sum lacks keepdims=True, so a square input broadcasts silently along the wrong axis."""
import numpy as np


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis)
