"""Correct: scales Q first, masks by assignment into a broadcast boolean array, and zeroes dS at forbidden positions explicitly."""
import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, G = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    scale = np.sqrt(Q.shape[-1])
    Q_scaled = Q / scale
    scores = Q_scaled @ np.swapaxes(K, -1, -2)
    allowed = np.ones(scores.shape, dtype=bool) if mask is None else np.broadcast_to(np.asarray(mask, dtype=bool), scores.shape)
    scores[~allowed] = -np.inf
    A = np.exp(scores - scores.max(axis=-1, keepdims=True))
    A /= A.sum(axis=-1, keepdims=True)
    dA = G @ np.swapaxes(V, -1, -2)
    dS = np.where(allowed, A * (dA - (A * dA).sum(axis=-1, keepdims=True)), 0.0)
    return dS @ K / scale, np.swapaxes(dS, -1, -2) @ Q_scaled, np.swapaxes(A, -1, -2) @ G
