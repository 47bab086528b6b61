"""Wrong: flattens X's leading dimensions into one batch axis and reads mask.ndim: a (B, 1, L) padding mask no longer
lines up with a two-dimensional batch, and a mask given as a list has no ndim."""
import numpy as np


def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
    X = np.asarray(X, dtype=float)
    *lead, L, d_model = X.shape
    if mask is not None and mask.ndim > X.ndim:
        raise ValueError("mask的维数多于X / mask has more dimensions than X")
    flat = X.reshape(-1, L, d_model)
    Q, K, V = (split_heads(flat @ W, num_heads) for W in (W_q, W_k, W_v))
    m = None if mask is None else (mask[:, None] if mask.ndim == 3 else mask)
    heads, _ = scaled_dot_product_attention(Q, K, V, mask=m)
    return (merge_heads(heads) @ W_o).reshape(*lead, L, d_model)
