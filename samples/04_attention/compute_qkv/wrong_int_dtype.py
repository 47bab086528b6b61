"""Wrong: no conversion to float, so integer inputs give integer arrays."""
import numpy as np


def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X)
    return X @ np.asarray(W_q), X @ np.asarray(W_k), X @ np.asarray(W_v)
