"""Correct: einsum throughout, -1e9 instead of -inf for masked scores, and its own stable softmax."""
import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, grad_out = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    d_k = Q.shape[-1]
    scores = np.einsum("...id,...jd->...ij", Q, K) / np.sqrt(d_k)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    A = e / e.sum(axis=-1, keepdims=True)
    dV = np.einsum("...ij,...id->...jd", A, grad_out)
    dA = np.einsum("...id,...jd->...ij", grad_out, V)
    dS = A * dA - A * np.einsum("...ij,...ij->...i", A, dA)[..., None]
    return (np.einsum("...ij,...jd->...id", dS, K) / np.sqrt(d_k),
            np.einsum("...ij,...id->...jd", dS, Q) / np.sqrt(d_k), dV)
