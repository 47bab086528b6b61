"""Correct: start from -s s^T and add s onto the diagonal with np.fill_diagonal."""
import numpy as np


def softmax_jacobian(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max())
    s = e / e.sum()
    J = -np.outer(s, s)
    np.fill_diagonal(J, s + J.diagonal())   # 对角线 s_i - s_i^2 / diagonal s_i - s_i^2
    return J
