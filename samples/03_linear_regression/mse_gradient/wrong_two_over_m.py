"""Wrong: a 2/m factor (the gradient of the loss without 1/2), twice the course's gradient."""
import numpy as np


def mse_gradient(X, y, theta):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    return 2 * X.T @ (X @ np.asarray(theta, dtype=float) - y) / len(y)
