"""Wrong: computes s without subtracting the max, so it overflows for large inputs."""
import numpy as np


def softmax_jacobian(x):
    e = np.exp(np.asarray(x, dtype=float))
    s = e / e.sum()
    return np.diag(s) - np.outer(s, s)
