"""Wrong: an integer 0/1 matrix instead of a boolean one."""
import numpy as np


def causal_mask(L):
    return np.tril(np.ones((L, L), dtype=int))
