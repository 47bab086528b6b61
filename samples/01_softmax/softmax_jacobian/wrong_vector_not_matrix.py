"""Wrong: returns the vector s * (1 - s) (the diagonal only, shape (n,)) instead of the (n, n) matrix."""
import numpy as np


def softmax_jacobian(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max())
    s = e / e.sum()
    return s * (1 - s)
