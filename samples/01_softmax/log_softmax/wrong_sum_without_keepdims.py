"""Wrong: the log-sum lacks keepdims=True, so a square input broadcasts silently along the wrong axis."""
import numpy as np


def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis))
