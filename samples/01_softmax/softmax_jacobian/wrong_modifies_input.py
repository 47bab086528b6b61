"""Wrong: subtracts the max in place, changing the caller's float array."""
import numpy as np


def softmax_jacobian(x):
    x = np.asarray(x, dtype=float)
    x -= x.max()
    s = np.exp(x) / np.exp(x).sum()
    return np.diag(s) - np.outer(s, s)
