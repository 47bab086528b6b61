"""Correct: half the mean of the squared residuals, y flattened with ravel."""
import numpy as np


def mse_loss(X, y, theta):
    """J = 0.5·mean((Xθ - y)²)。/ J = 0.5·mean((Xθ - y)²)."""
    residual = np.asarray(X, dtype=float) @ np.asarray(theta, dtype=float) - np.ravel(y)
    return 0.5 * np.mean(residual ** 2)
