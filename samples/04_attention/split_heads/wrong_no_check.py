"""Wrong: no divisibility check; relies on NumPy's reshape error (English only) or silently drops features."""
import numpy as np


def split_heads(X, num_heads):
    X = np.asarray(X, dtype=float)
    X = X.reshape(X.shape[:-1] + (num_heads, X.shape[-1] // num_heads))
    return np.swapaxes(X, -2, -3)
