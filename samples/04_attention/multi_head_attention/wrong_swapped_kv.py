"""Wrong: the key and value projections swapped."""
import numpy as np


def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
    X = np.asarray(X, dtype=float)
    if mask is not None and np.ndim(mask) > X.ndim:
        raise ValueError("mask的维数多于X / mask has more dimensions than X")
    Q, K, V = (split_heads(X @ W, num_heads) for W in (W_q, W_v, W_k))
    if mask is not None:
        mask = np.expand_dims(np.atleast_2d(mask), -3)
    heads, _ = scaled_dot_product_attention(Q, K, V, mask=mask)
    return merge_heads(heads) @ W_o
