"""Correct: log-softmax on any shape; the targets picked with an index tuple from np.indices, no reshape."""
import numpy as np


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    t = np.asarray(targets)
    m = logits.max(axis=-1, keepdims=True)
    lse = (m + np.log(np.exp(logits - m).sum(axis=-1, keepdims=True)))[..., 0]
    return float(np.mean(lse - logits[(*np.indices(t.shape), t)]))
