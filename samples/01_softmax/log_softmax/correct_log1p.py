"""Correct: the log of the sum (which is at least 1) taken as np.log1p(sum - 1)."""
import numpy as np


def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log1p(np.sum(np.exp(shifted), axis=axis, keepdims=True) - 1.0)
