"""Wrong: the head axis inserted with np.expand_dims(mask, -3) alone; an (L,) key mask raises AxisError."""
import numpy as np


def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
    X = np.asarray(X, dtype=float)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.ndim > X.ndim:
            raise ValueError("mask的维数多于X / mask has more dimensions than X")
        mask = np.expand_dims(mask, -3)
    Q, K, V = (split_heads(X @ W, num_heads) for W in (W_q, W_k, W_v))
    heads, _ = scaled_dot_product_attention(Q, K, V, mask=mask)
    return merge_heads(heads) @ W_o
