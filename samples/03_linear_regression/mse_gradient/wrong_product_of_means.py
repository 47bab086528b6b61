"""Wrong: the mean residual times the mean row of X, instead of the mean of residual × row."""
import numpy as np


def mse_gradient(X, y, theta):
    X = np.asarray(X, dtype=float)
    e = X @ np.asarray(theta, dtype=float) - np.asarray(y, dtype=float).reshape(-1)
    return np.mean(e) * np.mean(X, axis=0)
