"""Wrong: the query and key projections swapped."""
import numpy as np


def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X, dtype=float)
    return X @ np.asarray(W_k, dtype=float), X @ np.asarray(W_q, dtype=float), X @ np.asarray(W_v, dtype=float)
