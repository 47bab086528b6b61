"""Wrong: returns the root mean squared error instead of the mean squared error."""
import numpy as np


def mse_loss(X, y, theta):
    y = np.asarray(y, dtype=float).reshape(-1)
    residual = np.asarray(X, dtype=float) @ np.asarray(theta, dtype=float) - y
    return np.sqrt(np.mean(residual ** 2))
