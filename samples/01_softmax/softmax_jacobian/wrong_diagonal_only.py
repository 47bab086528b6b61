"""Wrong: keeps only the diagonal s_i (1 - s_i) and forgets the off-diagonal terms -s_i s_j."""
import numpy as np


def softmax_jacobian(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max())
    s = e / e.sum()
    return np.diag(s * (1 - s))
