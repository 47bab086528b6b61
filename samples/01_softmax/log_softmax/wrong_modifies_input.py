"""Wrong: subtracts the max and the log-sum in place, changing the caller's float array."""
import numpy as np


def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    x -= x.max(axis=axis, keepdims=True)
    x -= np.log(np.exp(x).sum(axis=axis, keepdims=True))
    return x
