"""Wrong: masks by multiplying the scores by the mask (a forbidden score becomes 0, not -inf)."""
import numpy as np


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, grad_out = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    d_k = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)
    if mask is not None:
        scores = scores * mask
    A = softmax(scores, axis=-1)
    dV = np.swapaxes(A, -1, -2) @ grad_out
    dA = grad_out @ np.swapaxes(V, -1, -2)
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))
    if mask is not None:
        dS = dS * mask
    return dS @ K / np.sqrt(d_k), np.swapaxes(dS, -1, -2) @ Q / np.sqrt(d_k), dV
