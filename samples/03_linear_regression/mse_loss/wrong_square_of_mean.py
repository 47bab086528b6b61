"""Wrong: the square of the mean residual instead of the mean of the squared residuals."""
import numpy as np


def mse_loss(X, y, theta):
    y = np.asarray(y, dtype=float).reshape(-1)
    residual = np.asarray(X, dtype=float) @ np.asarray(theta, dtype=float) - y
    return np.mean(residual) ** 2 / 2
