"""Wrong: masks with scores[..., ~mask] = -inf, which works for an (L_q, L_k) or (L_k,) mask but not for one that broadcasts over batch and heads."""
import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, grad_out = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    d_k = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)
    if mask is not None:
        scores[..., ~np.asarray(mask, dtype=bool)] = -np.inf
    A = softmax(scores, axis=-1)
    dV = np.swapaxes(A, -1, -2) @ grad_out
    dA = grad_out @ np.swapaxes(V, -1, -2)
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))
    return dS @ K / np.sqrt(d_k), np.swapaxes(dS, -1, -2) @ Q / np.sqrt(d_k), dV
