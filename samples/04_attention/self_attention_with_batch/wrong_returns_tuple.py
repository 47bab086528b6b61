"""Wrong: returns (output, weights) although the contract asks for the output only."""
import numpy as np


def self_attention_with_batch(Q, K, V):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    weights = softmax(Q @ K.transpose(0, 2, 1) / np.sqrt(Q.shape[-1]), axis=-1)
    return weights @ V, weights
