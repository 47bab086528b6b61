"""Correct: move `axis` to the end, normalise the last axis with [..., None], move it back."""
import numpy as np


def softmax(x, axis=-1):
    x = np.moveaxis(np.array(x, dtype=float), axis, -1)
    e = np.exp(x - x.max(axis=-1)[..., None])
    out = e / e.sum(axis=-1)[..., None]
    return np.moveaxis(out, -1, axis)
