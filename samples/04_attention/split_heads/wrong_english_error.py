"""Wrong: the right split, but an English-only error message."""
import numpy as np


def split_heads(X, num_heads):
    X = np.asarray(X, dtype=float)
    if X.shape[-1] % num_heads != 0:
        raise ValueError("d_model must be divisible by num_heads")
    X = X.reshape(X.shape[:-1] + (num_heads, X.shape[-1] // num_heads))
    return np.swapaxes(X, -2, -3)
