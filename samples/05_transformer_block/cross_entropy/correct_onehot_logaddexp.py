"""Correct: logsumexp through np.logaddexp.reduce, targets with a one-hot matrix, returns a Python float."""
import numpy as np


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    C = logits.shape[-1]
    onehot = np.eye(C)[np.asarray(targets)]
    lse = np.logaddexp.reduce(logits, axis=-1)
    return float(np.mean(lse - (onehot * logits).sum(axis=-1)))
