"""Wrong: divides by 2(m - 1), the denominator of the unbiased sample variance, instead of 2m."""
import numpy as np


def mse_loss(X, y, theta):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    residual = X @ np.asarray(theta, dtype=float) - y
    return np.sum(residual ** 2) / (2 * (len(y) - 1))
