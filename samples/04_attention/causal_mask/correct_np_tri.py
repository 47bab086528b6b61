"""Correct: np.tri with a boolean dtype."""
import numpy as np


def causal_mask(L):
    return np.tri(L, dtype=bool)
