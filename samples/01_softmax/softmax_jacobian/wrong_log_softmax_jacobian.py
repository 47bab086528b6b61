"""Wrong: returns I - s (rows broadcast), the Jacobian of log-softmax, d log s_i / d x_j = delta_ij - s_j, forgetting the factor s_i."""
import numpy as np


def softmax_jacobian(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max())
    s = e / e.sum()
    return np.eye(s.size) - s
