"""Correct: the residual as a row vector times X, (e @ X) / m, which equals Xᵀe / m."""
import numpy as np


def mse_gradient(X, y, theta):
    """(e @ X) / m。/ (e @ X) / m."""
    X = np.asarray(X, dtype=float)
    e = X @ np.asarray(theta, dtype=float) - np.asarray(y, dtype=float).flatten()
    return e @ X / len(e)
