"""Wrong: the right computation but no return (the slip of the notes' 2-D self_attention), so it returns None."""
import numpy as np


def self_attention_with_batch(Q, K, V):
    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    scores = Q @ K.transpose(0, 2, 1) / np.sqrt(Q.shape[-1])
    output = softmax(scores, axis=-1) @ V
    print(output)
