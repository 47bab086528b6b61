"""Wrong: rounds θ to 4 decimals inside the function, as the notes' gradient descent does (np.round(theta, 4))."""
import numpy as np


def normal_equation(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    return np.round(np.linalg.solve(X.T @ X, X.T @ y), 4)
