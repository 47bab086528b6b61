"""Wrong: K.T (all axes reversed) instead of swapping the last two axes."""
import numpy as np


def self_attention_with_batch(Q, K, V):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    scores = Q @ K.T / np.sqrt(Q.shape[-1])
    return softmax(scores, axis=-1) @ V
