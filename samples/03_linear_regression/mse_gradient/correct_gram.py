"""Correct: the expanded form (XᵀXθ - Xᵀy) / m."""
import numpy as np


def mse_gradient(X, y, theta):
    """展开成(XᵀXθ - Xᵀy) / m / expanded to (XᵀXθ - Xᵀy) / m."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    return (X.T @ X @ np.asarray(theta, dtype=float) - X.T @ y) / len(y)
