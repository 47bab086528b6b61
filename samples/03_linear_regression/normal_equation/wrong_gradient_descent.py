"""Wrong: returns gradient descent's approximation (alpha = 0.01, 1000 steps) instead of the exact solution."""
import numpy as np


def normal_equation(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    theta = np.zeros(X.shape[1])
    for _ in range(1000):
        theta = theta - 0.01 * X.T @ (X @ theta - y) / len(y)
    return theta
