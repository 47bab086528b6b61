"""Correct: the notes' (batch*heads, seq, head_dim) layout with a 3-D attention, mask checked and broadcast first."""
import numpy as np


def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
    X = np.asarray(X, dtype=float)
    lead, (L, d_model) = X.shape[:-2], X.shape[-2:]
    d_head = d_model // num_heads
    Q, K, V = (split_heads(X @ W, num_heads).reshape(-1, L, d_head) for W in (W_q, W_k, W_v))
    allowed = np.ones((L, L), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if allowed.ndim > X.ndim:
        raise ValueError(f"掩码的维数({allowed.ndim})不能多于X的维数({X.ndim}) / "
                         f"the mask ({allowed.ndim} dims) must not have more dimensions than X ({X.ndim})")
    allowed = np.broadcast_to(np.expand_dims(np.atleast_2d(allowed), -3), lead + (num_heads, L, L)).reshape(-1, L, L)
    scores = np.where(allowed, Q @ K.transpose(0, 2, 1) / np.sqrt(d_head), -np.inf)
    heads = softmax(scores, axis=-1) @ V                                # (B*h, L, d_head)
    return merge_heads(heads.reshape(lead + (num_heads, L, d_head))) @ W_o
