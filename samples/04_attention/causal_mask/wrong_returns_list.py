"""Wrong: a nested list of booleans instead of an array."""
import numpy as np


def causal_mask(L):
    return np.tril(np.ones((L, L), dtype=bool)).tolist()
