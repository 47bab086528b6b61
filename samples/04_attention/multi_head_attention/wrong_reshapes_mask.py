"""Wrong: adds the head axis to a (B, 1, L) padding mask by assigning mask.shape, which reshapes the caller's mask:
called again with it, the function refuses a mask with more dimensions than X."""
import numpy as np


def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
    X = np.asarray(X, dtype=float)
    if mask is not None:
        if mask.ndim > X.ndim:
            raise ValueError(f"mask有{mask.ndim}维，多于X的{X.ndim}维 / mask has {mask.ndim} dimensions, more than the {X.ndim} of X")
        if mask.ndim == 3:
            mask.shape = (mask.shape[0], 1) + mask.shape[1:]
    Q, K, V = (split_heads(X @ W, num_heads) for W in (W_q, W_k, W_v))
    heads, _ = scaled_dot_product_attention(Q, K, V, mask=mask)
    return merge_heads(heads) @ W_o
