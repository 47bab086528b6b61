"""Wrong: right values, but a Python loop over the leading (batch) dimensions (not vectorised)."""
import numpy as np


def scaled_dot_product_attention(Q, K, V, mask=None):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    allowed = np.ones((Q.shape[-2], K.shape[-2]), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    lead = np.broadcast_shapes(Q.shape[:-2], K.shape[:-2], V.shape[:-2], allowed.shape[:-2])
    Q, K, V, allowed = (np.broadcast_to(a, lead + a.shape[-2:]) for a in (Q, K, V, allowed))
    output = np.zeros(lead + (Q.shape[-2], V.shape[-1]))
    weights = np.zeros(lead + (Q.shape[-2], K.shape[-2]))
    for b in np.ndindex(*lead):                         # 逐个序列 / one sequence at a time
        scores = np.where(allowed[b], Q[b] @ K[b].T / np.sqrt(Q.shape[-1]), -np.inf)
        weights[b] = softmax(scores, axis=-1)
        output[b] = weights[b] @ V[b]
    return output, weights
