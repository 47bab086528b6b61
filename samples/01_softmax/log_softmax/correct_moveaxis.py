"""Correct: move `axis` to the end, compute x - m - log(sum(exp(x - m))) with [..., None], move it back."""
import numpy as np


def log_softmax(x, axis=-1):
    x = np.moveaxis(np.array(x, dtype=float), axis, -1)
    shifted = x - x.max(axis=-1)[..., None]
    out = shifted - np.log(np.exp(shifted).sum(axis=-1))[..., None]
    return np.moveaxis(out, -1, axis)
