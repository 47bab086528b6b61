"""Correct: a loop over the heads with column slices, summing each head's output times its rows of W_o."""
import numpy as np


def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
    X = np.asarray(X, dtype=float)
    W_q, W_k, W_v, W_o = (np.asarray(W, dtype=float) for W in (W_q, W_k, W_v, W_o))
    if mask is not None and np.ndim(mask) > X.ndim:
        raise ValueError(f"mask有{np.ndim(mask)}维，多于X的{X.ndim}维 / "
                         f"mask has {np.ndim(mask)} dimensions, more than the {X.ndim} of X")
    d_head = X.shape[-1] // num_heads
    out = 0.0
    for h in range(num_heads):                          # 对几个头的循环是允许的 / a loop over a few heads is fine
        cols = slice(h * d_head, (h + 1) * d_head)
        head, _ = scaled_dot_product_attention(X @ W_q[:, cols], X @ W_k[:, cols], X @ W_v[:, cols], mask=mask)
        out = out + head @ W_o[cols, :]
    return out
