"""Wrong: right values, but a Python loop over the tokens (not vectorised)."""
import numpy as np


def compute_qkv(X, W_q, W_k, W_v):
    X = np.asarray(X, dtype=float)
    results = []
    for W in (W_q, W_k, W_v):
        W = np.asarray(W, dtype=float)
        R = np.zeros(X.shape[:-1] + (W.shape[1],))
        for token in np.ndindex(*X.shape[:-1]):       # 逐个词元 / one token at a time
            R[token] = X[token] @ W
        results.append(R)
    return tuple(results)
