"""Wrong: a 2/m gradient factor, which silently doubles the learning rate."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    m, n = X.shape
    theta = np.zeros(n)
    for _ in range(iterations):
        theta = theta - alpha * 2 * X.T @ (X @ theta - y) / m
    return theta
