"""Correct: softmax, with 1 subtracted where the class index equals the target (np.where), divided by the number of positions."""
import numpy as np


def cross_entropy_grad(logits, targets):
    logits = np.asarray(logits, dtype=float)
    t = np.asarray(targets)
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probs = e / e.sum(axis=-1, keepdims=True)
    hit = np.arange(logits.shape[-1]) == t[..., None]
    return np.where(hit, probs - 1, probs) / t.size
