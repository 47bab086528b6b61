"""Wrong: scales Q in place, changing the caller's array."""
import numpy as np


def self_attention_with_batch(Q, K, V):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    Q /= np.sqrt(Q.shape[-1])
    return softmax(Q @ K.transpose(0, 2, 1), axis=-1) @ V
