"""Correct: np.linalg.solve on XᵀXθ = Xᵀy (no explicit inverse)."""
import numpy as np


def normal_equation(X, y):
    """解XᵀXθ = Xᵀy / solve XᵀXθ = Xᵀy."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).ravel()
    return np.linalg.solve(X.T @ X, X.T @ y)
