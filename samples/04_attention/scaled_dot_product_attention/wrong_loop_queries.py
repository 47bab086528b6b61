"""Wrong: a Python loop over the queries, each one's scores, weights and output for the whole batch at once: right
values, one pass of Python per query of a long sequence."""
import numpy as np


def scaled_dot_product_attention(Q, K, V, mask=None):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    L_q, L_k = Q.shape[-2], K.shape[-2]
    allowed = None if mask is None else np.asarray(mask, dtype=bool)
    if allowed is not None:
        allowed = np.broadcast_to(allowed, np.broadcast_shapes(allowed.shape, (L_q, L_k)))
    outputs, weights = [], []
    for i in range(L_q):
        s = np.einsum("...d,...kd->...k", Q[..., i, :], K) / np.sqrt(Q.shape[-1])
        if allowed is not None:
            s = np.where(allowed[..., i, :], s, -np.inf)
        e = np.exp(s - s.max(axis=-1, keepdims=True))
        a = e / e.sum(axis=-1, keepdims=True)
        outputs.append(np.einsum("...k,...kd->...d", a, V))
        weights.append(a)
    return np.stack(outputs, axis=-2), np.stack(weights, axis=-2)
