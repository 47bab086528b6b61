"""Wrong: Xᵀ(Xθ - y) without the 1/m."""
import numpy as np


def mse_gradient(X, y, theta):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    return X.T @ (X @ np.asarray(theta, dtype=float) - y)
