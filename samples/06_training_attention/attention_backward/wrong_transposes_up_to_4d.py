"""Wrong: the transposes spelled out for 2-, 3- and 4-dimensional inputs only: five dimensions raise
"axes don't match array", though any leading dimensions are allowed."""
import numpy as np


def _T(a):
    return a.T if a.ndim == 2 else a.transpose(0, 2, 1) if a.ndim == 3 else a.transpose(0, 1, 3, 2)


def attention_backward(Q, K, V, grad_out, mask=None):
    Q, K, V, grad_out = (np.asarray(a, dtype=float) for a in (Q, K, V, grad_out))
    scale = 1 / np.sqrt(Q.shape[-1])
    scores = Q @ _T(K) * scale
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    A = e / e.sum(axis=-1, keepdims=True)
    dV = _T(A) @ grad_out
    dA = grad_out @ _T(V)
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))
    return dS @ K * scale, _T(dS) @ Q * scale, dV
