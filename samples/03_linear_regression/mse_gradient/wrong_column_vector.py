"""Wrong: works with column vectors throughout and returns shape (n, 1) instead of (n,)."""
import numpy as np


def mse_gradient(X, y, theta):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    theta = np.asarray(theta, dtype=float).reshape(-1, 1)
    return X.T @ (X @ theta - y) / len(y)
