"""Wrong: takes d_k as the last dimension of the transposed K, which is L_k."""
import numpy as np


def scaled_dot_product_attention(Q, K, V, mask=None):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    K_T = np.swapaxes(K, -1, -2)                        # (..., d_k, L_k)
    scores = Q @ K_T / np.sqrt(K_T.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ V, weights
