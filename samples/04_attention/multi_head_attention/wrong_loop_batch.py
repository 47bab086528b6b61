"""Wrong: right values, but a Python loop over the sequences of the batch (not vectorised)."""
import numpy as np


def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
    X = np.asarray(X, dtype=float)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.ndim > X.ndim:
            raise ValueError("mask的维数多于X / mask has more dimensions than X")
    L, d_model = X.shape[-2:]
    allowed = np.ones((L, L), dtype=bool) if mask is None else mask
    lead = np.broadcast_shapes(X.shape[:-2], allowed.shape[:-2])
    X, allowed = np.broadcast_to(X, lead + (L, d_model)), np.broadcast_to(allowed, lead + (L, L))
    out = np.zeros(lead + (L, d_model))
    for b in np.ndindex(*lead):                         # 逐个序列 / one sequence at a time
        Q, K, V = (split_heads(X[b] @ W, num_heads) for W in (W_q, W_k, W_v))
        heads, _ = scaled_dot_product_attention(Q, K, V, mask=allowed[b])
        out[b] = merge_heads(heads) @ W_o
    return out
