"""Wrong: an assert (AssertionError) instead of a ValueError."""
import numpy as np


def split_heads(X, num_heads):
    X = np.asarray(X, dtype=float)
    assert X.shape[-1] % num_heads == 0, "d_model不能被num_heads整除 / d_model is not divisible by num_heads"
    X = X.reshape(X.shape[:-1] + (num_heads, X.shape[-1] // num_heads))
    return np.swapaxes(X, -2, -3)
