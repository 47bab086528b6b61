"""Correct: each row of X weighted by its residual, averaged over the samples (axis 0)."""
import numpy as np


def mse_gradient(X, y, theta):
    """mean_i(e_i·x_i)。/ mean_i(e_i·x_i)."""
    X = np.asarray(X, dtype=float)
    e = predict(X, theta) - np.asarray(y, dtype=float).reshape(-1)
    return np.mean(X * e[:, None], axis=0)
