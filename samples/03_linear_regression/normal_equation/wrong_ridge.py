"""Wrong: adds 1e-6·I to XᵀX "to be safe from a singular matrix", which is ridge regression, not least squares."""
import numpy as np


def normal_equation(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    return np.linalg.solve(X.T @ X + 1e-6 * np.eye(X.shape[1]), X.T @ y)
