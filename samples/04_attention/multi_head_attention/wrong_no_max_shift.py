"""Wrong: self-contained, with its own softmax that does not subtract the max; large inputs overflow to NaN."""
import numpy as np


def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
    X = np.asarray(X, dtype=float)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.ndim > X.ndim:
            raise ValueError("mask的维数多于X / mask has more dimensions than X")
        mask = np.expand_dims(np.atleast_2d(mask), -3)
    Q, K, V = (split_heads(X @ W, num_heads) for W in (W_q, W_k, W_v))
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    e = np.exp(scores)
    if mask is not None:
        e = np.where(mask, e, 0.0)
    weights = e / e.sum(axis=-1, keepdims=True)
    return merge_heads(weights @ V) @ W_o
