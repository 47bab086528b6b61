"""Wrong: computes the Jacobian but forgets to return it (returns None)."""
import numpy as np


def softmax_jacobian(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max())
    s = e / e.sum()
    jacobian = np.diag(s) - np.outer(s, s)
