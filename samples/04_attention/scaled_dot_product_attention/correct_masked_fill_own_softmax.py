"""Correct: np.moveaxis, a masked fill on a copy, and its own stable softmax."""
import numpy as np


def scaled_dot_product_attention(Q, K, V, mask=None):
    Q, K, V = np.asarray(Q, dtype=float), np.asarray(K, dtype=float), np.asarray(V, dtype=float)
    scores = np.matmul(Q, np.moveaxis(K, -1, -2)) / np.sqrt(K.shape[-1])
    if mask is not None:
        scores = scores.copy()
        scores[~np.broadcast_to(np.asarray(mask, dtype=bool), scores.shape)] = -np.inf
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    return np.matmul(weights, V), weights
