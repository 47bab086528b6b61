"""Wrong: solves with y as a column, then np.squeeze on the (n, 1) θ: with a single parameter (n = 1) it returns a 0-d array, not (1,)."""
import numpy as np


def normal_equation(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    return np.squeeze(np.linalg.solve(X.T @ X, X.T @ y))
