"""Wrong: right values, but sums the squared residuals in a Python loop over the samples."""
import numpy as np


def mse_loss(X, y, theta):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    theta = np.asarray(theta, dtype=float)
    total = 0.0
    for i in range(len(y)):
        total += (X[i] @ theta - y[i]) ** 2
    return total / (2 * len(y))
