"""Wrong: True marks the forbidden positions (strict upper triangle), the opposite convention."""
import numpy as np


def causal_mask(L):
    return np.triu(np.ones((L, L), dtype=bool), k=1)
