"""Correct: computes sigmoid on the positive and negative parts separately with boolean masks."""
import numpy as np


def silu(x):
    x = np.asarray(x, dtype=np.float64)
    s = np.empty_like(x)
    pos = x >= 0
    s[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    s[~pos] = e / (1.0 + e)
    return x * s
