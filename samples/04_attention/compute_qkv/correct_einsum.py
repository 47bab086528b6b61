"""Correct: np.einsum over any leading dimensions."""
import numpy as np


def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X, dtype=float)
    return tuple(np.einsum("...ld,dk->...lk", X, np.asarray(W, dtype=float)) for W in (W_q, W_k, W_v))
