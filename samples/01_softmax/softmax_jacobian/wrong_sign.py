"""Wrong: the sign is flipped, s s^T - diag(s)."""
import numpy as np


def softmax_jacobian(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max())
    s = e / e.sum()
    return np.outer(s, s) - np.diag(s)
