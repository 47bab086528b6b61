"""Wrong: flattens y with np.squeeze and takes m = len(y): with a single sample (m = 1) y becomes 0-d and len() fails."""
import numpy as np


def mse_loss(X, y, theta):
    y = np.squeeze(np.asarray(y, dtype=float))
    residual = np.asarray(X, dtype=float) @ np.asarray(theta, dtype=float) - y
    return residual @ residual / (2 * len(y))
