"""Wrong: uses the input's array methods without np.asarray, so a nested Python list fails: 'list' object has no
attribute 'swapaxes'."""
import numpy as np


def merge_heads(X):
    Y = X.swapaxes(-3, -2)                                     # (..., L, h, d_head)
    return Y.reshape(Y.shape[:-2] + (-1,)).astype(np.float64)
