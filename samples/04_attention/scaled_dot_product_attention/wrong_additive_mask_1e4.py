"""Wrong: adds -10000 to forbidden scores (BERT's additive mask); a forbidden key whose score is 10000 above the allowed ones still gets weight."""
import numpy as np


def scaled_dot_product_attention(Q, K, V, mask=None):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = scores + (1.0 - np.asarray(mask, dtype=float)) * -10000.0
    weights = softmax(scores, axis=-1)
    return weights @ V, weights
