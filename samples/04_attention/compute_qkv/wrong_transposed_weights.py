"""Wrong: multiplies by the transposed weight matrices (X @ W.T)."""
import numpy as np


def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X, dtype=float)
    return tuple(X @ np.asarray(W, dtype=float).T for W in (W_q, W_k, W_v))
