"""Wrong: np.atleast_1d so that a scalar can be indexed, undone with np.squeeze: every axis of length 1 disappears too, (n, 1) gives (n,)."""
import numpy as np


def sigmoid(z):
    z = np.atleast_1d(np.asarray(z, dtype=np.float64))  # 让标量也能用下标 / so a scalar can be indexed
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return np.squeeze(out)  # 标量变回0维 / a scalar comes back 0-d
