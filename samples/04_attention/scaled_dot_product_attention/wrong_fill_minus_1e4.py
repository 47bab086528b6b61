"""Wrong: fills forbidden scores with -10000 instead of -inf; when every allowed score is below -10000 the forbidden keys win."""
import numpy as np


def scaled_dot_product_attention(Q, K, V, mask=None):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e4)
    weights = softmax(scores, axis=-1)
    return weights @ V, weights
