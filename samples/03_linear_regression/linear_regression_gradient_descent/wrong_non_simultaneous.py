"""Wrong: updates θ one component at a time, so later components use already-updated values."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    m, n = X.shape
    theta = np.zeros(n)
    for _ in range(iterations):
        for j in range(n):
            theta[j] -= alpha * X[:, j] @ (X @ theta - y) / m
    return theta
