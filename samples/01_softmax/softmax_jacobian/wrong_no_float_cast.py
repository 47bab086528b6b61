"""Wrong: np.asarray(x) without dtype=float: x - max wraps around for unsigned integer input (uint8 [0, 1])."""
import numpy as np


def softmax_jacobian(x):
    x = np.asarray(x)
    e = np.exp(x - x.max())
    s = e / e.sum()
    return np.diag(s) - np.outer(s, s)
