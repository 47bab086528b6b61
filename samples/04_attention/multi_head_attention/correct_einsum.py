"""Correct: self-contained, with einsum per head and its own softmax; the mask broadcast to (..., L, L) first."""
import numpy as np


def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
    X = np.asarray(X, dtype=float)
    *lead, L, d_model = X.shape
    d_head = d_model // num_heads
    Q, K, V = (np.einsum("...ld,de->...le", X, np.asarray(W, dtype=float)).reshape(*lead, L, num_heads, d_head)
               for W in (W_q, W_k, W_v))                                   # (..., L, h, d_head)
    scores = np.einsum("...ihd,...jhd->...hij", Q, K) / np.sqrt(d_head)   # (..., h, L, L)
    if mask is not None:
        if np.ndim(mask) > X.ndim:
            raise ValueError("mask的维数多于X / mask has more dimensions than X")
        allowed = np.broadcast_to(mask, (*lead, L, L))                    # (L,), (L, L), (B, 1, L): all (..., L, L)
        scores = np.where(allowed[..., None, :, :], scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    heads = np.einsum("...hij,...jhd->...ihd", weights, V)                # (..., L, h, d_head)
    return heads.reshape(*lead, L, d_model) @ np.asarray(W_o, dtype=float)
