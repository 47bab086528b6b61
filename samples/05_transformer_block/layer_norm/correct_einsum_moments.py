"""Correct: centred second moment with einsum, and the reciprocal square root."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    centred = x - x.mean(axis=-1, keepdims=True)
    var = np.einsum("...d,...d->...", centred, centred)[..., None] / x.shape[-1]
    return centred * (1.0 / np.sqrt(var + eps)) * np.asarray(gamma) + np.asarray(beta)
