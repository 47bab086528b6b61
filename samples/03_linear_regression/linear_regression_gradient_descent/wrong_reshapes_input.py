"""Wrong: a (m, 1) column y is flattened by assigning y.shape, which reshapes the caller's array."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    y.shape = (len(y),)
    theta = np.zeros(X.shape[1])
    for _ in range(iterations):
        theta = theta - alpha * X.T @ (X @ theta - y) / len(y)
    return theta
