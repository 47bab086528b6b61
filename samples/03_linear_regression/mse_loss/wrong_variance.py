"""Wrong: half the variance of the residuals, np.var, which subtracts their mean first."""
import numpy as np


def mse_loss(X, y, theta):
    y = np.asarray(y, dtype=float).reshape(-1)
    residual = np.asarray(X, dtype=float) @ np.asarray(theta, dtype=float) - y
    return np.var(residual) / 2
