"""Wrong: flattens the batch into one matrix and never reshapes back."""
import numpy as np


def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X, dtype=float)
    flat = X.reshape(-1, X.shape[-1])
    return tuple(flat @ np.asarray(W, dtype=float) for W in (W_q, W_k, W_v))
