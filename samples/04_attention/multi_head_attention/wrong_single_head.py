"""Wrong: ignores num_heads and runs one head of width d_model."""
import numpy as np


def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
    X = np.asarray(X, dtype=float)
    if mask is not None and np.ndim(mask) > X.ndim:
        raise ValueError("mask的维数多于X / mask has more dimensions than X")
    heads, _ = scaled_dot_product_attention(X @ W_q, X @ W_k, X @ W_v, mask=mask)
    return heads @ W_o
