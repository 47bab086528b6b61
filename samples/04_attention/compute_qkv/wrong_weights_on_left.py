"""Wrong: the weight matrix on the left (W_q @ X instead of X @ W_q); runs only when the sizes happen to fit."""
import numpy as np


def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X, dtype=float)
    return tuple(np.asarray(W, dtype=float) @ X for W in (W_q, W_k, W_v))
