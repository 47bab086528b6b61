"""Wrong: x / (1 + exp(-x)) as written, which overflows with a RuntimeWarning at x = -1e4."""
import numpy as np


def silu(x):
    x = np.asarray(x, dtype=np.float64)
    return x / (1 + np.exp(-x))
