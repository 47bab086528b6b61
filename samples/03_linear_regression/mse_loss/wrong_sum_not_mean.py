"""Wrong: half the sum of squared residuals, without dividing by m."""
import numpy as np


def mse_loss(X, y, theta):
    y = np.asarray(y, dtype=float).reshape(-1)
    residual = np.asarray(X, dtype=float) @ np.asarray(theta, dtype=float) - y
    return 0.5 * np.sum(residual ** 2)
