"""Correct: sigmoid(z) = softmax([z, 0])[0] (section 6), with the max subtracted along the new last axis."""
import numpy as np


def sigmoid(z):
    """σ(z) = softmax([z, 0])[0]."""
    z = np.asarray(z, dtype=np.float64)
    pair = np.stack([z, np.zeros_like(z)], axis=-1)
    e = np.exp(pair - pair.max(axis=-1, keepdims=True))
    return e[..., 0] / e.sum(axis=-1)
