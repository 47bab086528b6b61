"""Correct: sigmoid(z) = exp(z - log(1 + exp(z))), with np.logaddexp(0, z) computing log(1 + exp(z)) stably."""
import numpy as np


def sigmoid(z):
    """log σ(z) = z - softplus(z)."""
    z = np.asarray(z, dtype=np.float64)
    return np.exp(z - np.logaddexp(0.0, z))
