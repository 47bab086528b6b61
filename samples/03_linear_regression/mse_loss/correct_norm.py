"""Correct: the squared Euclidean norm of the residual divided by 2m."""
import numpy as np


def mse_loss(X, y, theta):
    """‖Xθ - y‖² / (2m)。/ ‖Xθ - y‖² / (2m)."""
    y = np.asarray(y, dtype=float).flatten()
    residual = predict(X, theta) - y
    return np.linalg.norm(residual) ** 2 / (2 * y.size)
