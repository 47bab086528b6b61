"""Wrong: right values, but J is filled entry by entry in a Python double loop."""
import numpy as np


def softmax_jacobian(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max())
    s = e / e.sum()
    n = s.size
    J = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            J[i, j] = s[i] * ((1.0 if i == j else 0.0) - s[j])
    return J
