"""Wrong: does not flatten y, so a y of shape (m, 1) breaks the update through (m, m) broadcasting."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    m, n = X.shape
    theta = np.zeros(n)
    for _ in range(iterations):
        theta = theta - alpha * X.T @ (X @ theta - y) / m
    return theta
