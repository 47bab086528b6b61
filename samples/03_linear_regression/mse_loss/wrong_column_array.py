"""Wrong: column vectors throughout (as the notes' code keeps θ and y), so e.T @ e returns a (1, 1) array instead of a number."""
import numpy as np


def mse_loss(X, y, theta):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    e = X @ np.asarray(theta, dtype=float).reshape(-1, 1) - y
    return e.T @ e / (2 * len(y))
