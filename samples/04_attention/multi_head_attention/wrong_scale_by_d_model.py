"""Wrong: scales the scores by sqrt(d_model) instead of sqrt(d_head)."""
import numpy as np


def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
    X = np.asarray(X, dtype=float)
    if mask is not None and np.ndim(mask) > X.ndim:
        raise ValueError("mask的维数多于X / mask has more dimensions than X")
    Q, K, V = (split_heads(X @ W, num_heads) for W in (W_q, W_k, W_v))
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(X.shape[-1])
    if mask is not None:
        scores = np.where(np.expand_dims(np.atleast_2d(mask), -3), scores, -np.inf)
    return merge_heads(softmax(scores, axis=-1) @ V) @ W_o
