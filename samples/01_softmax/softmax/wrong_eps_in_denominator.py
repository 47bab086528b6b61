"""Wrong: adds 1e-8 to the denominator out of habit; the max trick already makes the sum at least 1, and the slices no longer sum to 1."""
import numpy as np


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / (e.sum(axis=axis, keepdims=True) + 1e-8)
