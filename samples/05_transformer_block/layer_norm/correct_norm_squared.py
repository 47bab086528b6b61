"""Correct: the variance as the squared Euclidean norm of the centred vector divided by d."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    centred = x - x.mean(axis=-1, keepdims=True)
    var = np.linalg.norm(centred, axis=-1, keepdims=True) ** 2 / x.shape[-1]
    return centred / np.sqrt(var + eps) * gamma + beta
