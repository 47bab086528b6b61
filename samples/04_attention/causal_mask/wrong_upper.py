"""Wrong: the upper triangle (the transposed mask: attends to the future)."""
import numpy as np


def causal_mask(L):
    return np.triu(np.ones((L, L), dtype=bool))
