"""Correct: np.asarray without dtype=float, its own softmax and a Python-float scale: float32 inputs give float32
gradients, which the contract allows (it asks for float64 for float64, integer and list inputs)."""
import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, grad_out = (np.asarray(a) for a in (Q, K, V, grad_out))
    scale = Q.shape[-1] ** 0.5
    scores = Q @ np.swapaxes(K, -1, -2) / scale
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    A = e / e.sum(axis=-1, keepdims=True)
    dV = np.swapaxes(A, -1, -2) @ grad_out
    dA = grad_out @ np.swapaxes(V, -1, -2)
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))
    return dS @ K / scale, np.swapaxes(dS, -1, -2) @ Q / scale, dV
