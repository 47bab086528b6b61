"""Wrong: a Python loop over the batch (np.ndindex over the leading dimensions), each sequence vectorised: right
values, slow for many short sequences."""
import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, grad_out = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    scale = 1 / np.sqrt(Q.shape[-1])
    allowed = np.ones((Q.shape[-2], K.shape[-2]), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    lead = np.broadcast_shapes(Q.shape[:-2], allowed.shape[:-2])
    allowed = np.broadcast_to(allowed, lead + allowed.shape[-2:])
    dQ, dK, dV = np.zeros(Q.shape), np.zeros(K.shape), np.zeros(V.shape)
    for b in np.ndindex(*lead):
        scores = np.where(allowed[b], Q[b] @ K[b].T * scale, -np.inf)
        e = np.exp(scores - scores.max(axis=-1, keepdims=True))
        A = e / e.sum(axis=-1, keepdims=True)
        dV[b] = A.T @ grad_out[b]
        dA = grad_out[b] @ V[b].T
        dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))
        dQ[b], dK[b] = dS @ K[b] * scale, dS.T @ Q[b] * scale
    return dQ, dK, dV
