"""Wrong: returns a list instead of a tuple."""
import numpy as np


def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X, dtype=float)
    return [X @ np.asarray(W, dtype=float) for W in (W_q, W_k, W_v)]
