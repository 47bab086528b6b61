"""Wrong: rounds the loss to 4 decimals inside the function."""
import numpy as np


def mse_loss(X, y, theta):
    y = np.asarray(y, dtype=float).reshape(-1)
    residual = np.asarray(X, dtype=float) @ np.asarray(theta, dtype=float) - y
    return np.round(residual @ residual / (2 * len(y)), 4)
