"""Correct: sigma(x) = exp(-logaddexp(0, -x)), which never overflows."""
import numpy as np


def silu(x):
    x = np.asarray(x, dtype=np.float64)
    return x * np.exp(-np.logaddexp(0.0, -x))
