"""Wrong: the residual written as y - Xθ, so the gradient has the opposite sign."""
import numpy as np


def mse_gradient(X, y, theta):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    return X.T @ (y - X @ np.asarray(theta, dtype=float)) / len(y)
