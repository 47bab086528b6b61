"""Wrong: subtracts the max from the logits in place, changing the caller's array."""
import numpy as np


def cross_entropy_grad(logits, targets):
    logits = np.asarray(logits, dtype=float)
    t = np.asarray(targets)
    logits -= logits.max(axis=-1, keepdims=True)
    e = np.exp(logits)
    return (e / e.sum(axis=-1, keepdims=True) - np.eye(logits.shape[-1])[t]) / t.size
