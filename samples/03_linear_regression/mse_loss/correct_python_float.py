"""Correct: returns a plain Python float (the contract accepts a Python or NumPy float)."""
import numpy as np


def mse_loss(X, y, theta):
    """返回Python的float / returns a Python float."""
    y = np.asarray(y, dtype=float).reshape(-1)
    residual = np.asarray(X, dtype=float) @ np.asarray(theta, dtype=float) - y
    return float(np.sum(residual ** 2)) / (2 * len(y))
