"""Wrong: divides by n (the number of features) instead of m (the number of samples)."""
import numpy as np


def mse_gradient(X, y, theta):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    return X.T @ (X @ np.asarray(theta, dtype=float) - y) / X.shape[1]
