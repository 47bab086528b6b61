"""Wrong: its own softmax subtracts the row max before masking, so a forbidden key can set the max (NaN when it is far above the allowed ones)."""
import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, grad_out = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    d_k = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)
    scores = scores - scores.max(axis=-1, keepdims=True)          # 数值稳定 / for stability
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores)
    A = e / e.sum(axis=-1, keepdims=True)
    dV = np.swapaxes(A, -1, -2) @ grad_out
    dA = grad_out @ np.swapaxes(V, -1, -2)
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))
    return dS @ K / np.sqrt(d_k), np.swapaxes(dS, -1, -2) @ Q / np.sqrt(d_k), dV
