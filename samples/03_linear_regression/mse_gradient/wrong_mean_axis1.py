"""Wrong: averages X * e over axis 1 (the features) instead of axis 0, giving shape (m,)."""
import numpy as np


def mse_gradient(X, y, theta):
    X = np.asarray(X, dtype=float)
    e = X @ np.asarray(theta, dtype=float) - np.asarray(y, dtype=float).reshape(-1)
    return np.mean(X * e[:, None], axis=1)
