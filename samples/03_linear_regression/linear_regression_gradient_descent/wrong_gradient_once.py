"""Wrong: the gradient computed once, before the loop, so every step repeats the first step's gradient."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    m, n = X.shape
    theta = np.zeros(n)
    gradient = X.T @ (X @ theta - y) / m
    for _ in range(iterations):
        theta = theta - alpha * gradient
    return theta
