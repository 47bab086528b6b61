"""Wrong: a (m, 1) column y is flattened by assigning y.shape, which reshapes the caller's array."""
import numpy as np


def mse_gradient(X, y, theta):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if y.ndim == 2:
        y.shape = (y.shape[0],)
    return X.T @ (X @ np.asarray(theta, dtype=float) - y) / len(y)
