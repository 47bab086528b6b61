"""Wrong: does not flatten y, so a y of shape (m, 1) gives an (m, m) residual and an (n, m) gradient."""
import numpy as np


def mse_gradient(X, y, theta):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    return X.T @ (X @ np.asarray(theta, dtype=float) - y) / len(y)
