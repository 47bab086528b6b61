"""Wrong: right values, but a Python loop over every entry (not vectorised)."""
import numpy as np


def causal_mask(L):
    mask = np.zeros((L, L), dtype=bool)
    for i in range(L):
        for j in range(i + 1):                          # 逐个元素 / one entry at a time
            mask[i, j] = True
    return mask
