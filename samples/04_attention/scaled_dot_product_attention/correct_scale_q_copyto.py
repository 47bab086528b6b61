"""Correct: scales a new Q before the product, and np.copyto with where= (which broadcasts the mask)."""
import numpy as np


def scaled_dot_product_attention(Q, K, V, mask=None):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    Q = Q / np.sqrt(Q.shape[-1])                        # 新数组，不是原地 / a new array, not in place
    scores = Q @ K.swapaxes(-1, -2)
    if mask is not None:
        np.copyto(scores, -np.inf, where=~np.asarray(mask, dtype=bool))
    weights = softmax(scores)
    return weights @ V, weights
