"""Wrong: does not flatten y, so a y of shape (m, 1) broadcasts the residual to (m, m)."""
import numpy as np


def mse_loss(X, y, theta):
    y = np.asarray(y, dtype=float)
    residual = np.asarray(X, dtype=float) @ np.asarray(theta, dtype=float) - y
    return np.sum(residual ** 2) / (2 * len(y))
