"""Wrong: returns (Q, V, K) instead of (Q, K, V)."""
import numpy as np


def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X, dtype=float)
    Q, K, V = X @ np.asarray(W_q, dtype=float), X @ np.asarray(W_k, dtype=float), X @ np.asarray(W_v, dtype=float)
    return Q, V, K
