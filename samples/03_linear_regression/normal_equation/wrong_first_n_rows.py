"""Wrong: solves the square system formed by the first n samples only, ignoring the others."""
import numpy as np


def normal_equation(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    n = X.shape[1]
    return np.linalg.solve(X[:n], y[:n])
