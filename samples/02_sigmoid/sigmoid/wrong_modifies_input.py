"""Wrong: stable values, but written into the caller's float64 array in place (np.asarray does not copy it)."""
import numpy as np


def sigmoid(z):
    x = np.asarray(z, dtype=np.float64)  # float64数组不会被复制 / no copy for a float64 array
    e = np.exp(-np.abs(x))
    pos = x >= 0
    x[pos] = 1.0 / (1.0 + e[pos])
    x[~pos] = e[~pos] / (1.0 + e[~pos])
    return x
