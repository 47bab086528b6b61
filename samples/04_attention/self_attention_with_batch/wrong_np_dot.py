"""Wrong: softmax axis and return fixed, but np.dot still used on 3-D arrays."""
import numpy as np


def self_attention_with_batch(Q, K, V):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    scores = np.dot(Q, K.transpose(0, 2, 1)) / np.sqrt(Q.shape[-1])
    return np.dot(softmax(scores, axis=-1), V)
