"""Correct: sigma(x) through its logarithm, log sigma(x) = min(x, 0) - log1p(exp(-|x|)), which never overflows."""
import numpy as np


def silu(x):
    x = np.asarray(x, dtype=np.float64)
    return x * np.exp(np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x))))
