"""Wrong: returns sigma(x) alone, forgetting the factor x."""
import numpy as np


def silu(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)
