"""Wrong: np.outer(s, 1 - s), s_i (1 - s_j) everywhere: the diagonal is right, the off-diagonal entries are s_i - s_i s_j."""
import numpy as np


def softmax_jacobian(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max())
    s = e / e.sum()
    return np.outer(s, 1 - s)
