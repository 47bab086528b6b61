"""Wrong: flattens y by assigning y.shape, which reshapes the caller's (m, 1) array in place."""
import numpy as np


def mse_loss(X, y, theta):
    y = np.asarray(y, dtype=float)
    y.shape = (y.size,)
    residual = np.asarray(X, dtype=float) @ np.asarray(theta, dtype=float) - y
    return residual @ residual / (2 * len(y))
