"""Correct: swap `axis` with the last axis, normalise the last axis, swap back (a swap undoes itself)."""
import numpy as np


def softmax(x, axis=-1):
    x = np.swapaxes(np.asarray(x, dtype=float), axis, -1)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return np.swapaxes(e / e.sum(axis=-1, keepdims=True), axis, -1)
