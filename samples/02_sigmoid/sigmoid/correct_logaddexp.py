"""Correct: sigmoid(z) = exp(-log(1 + exp(-z))), with np.logaddexp(0, -z) computing log(1 + exp(-z)) stably."""
import numpy as np


def sigmoid(z):
    """sigmoid = exp(-softplus(-z)) / sigmoid as exp(-softplus(-z))."""
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -z))
