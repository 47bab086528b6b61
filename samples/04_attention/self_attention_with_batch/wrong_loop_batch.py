"""Wrong: right values, but a Python loop over the sequences of the batch (not vectorised)."""
import numpy as np


def self_attention_with_batch(Q, K, V):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    output = np.zeros(Q.shape[:-1] + (V.shape[-1],))
    for b in range(Q.shape[0]):                        # 逐个序列 / one sequence at a time
        weights = softmax(Q[b] @ K[b].T / np.sqrt(Q.shape[-1]), axis=-1)
        output[b] = weights @ V[b]
    return output
