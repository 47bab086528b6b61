"""Correct: np.split into equal runs of features, stacked on a new head axis."""
import numpy as np


def split_heads(X, num_heads):
    X = np.asarray(X, dtype=float)
    if X.shape[-1] % num_heads != 0:
        raise ValueError(f"d_model={X.shape[-1]}不能被num_heads={num_heads}整除 / "
                         f"d_model={X.shape[-1]} is not divisible by num_heads={num_heads}")
    return np.stack(np.split(X, num_heads, axis=-1), axis=-3)
