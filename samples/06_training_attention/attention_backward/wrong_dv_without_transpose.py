"""Wrong: dV = A @ G and dA = V @ Gᵀ, the transposes swapped (runs only for square shapes)."""
import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, grad_out = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    d_k = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    A = softmax(scores, axis=-1)
    dV = A @ grad_out
    dA = V @ np.swapaxes(grad_out, -1, -2)
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))
    return dS @ K / np.sqrt(d_k), np.swapaxes(dS, -1, -2) @ Q / np.sqrt(d_k), dV
