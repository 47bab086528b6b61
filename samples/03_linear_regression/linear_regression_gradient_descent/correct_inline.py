"""Correct: the gradient written inline, θ updated in place with -=."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    """θ从0开始，更新iterations次 / θ from zeros, `iterations` updates."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).ravel()
    m, n = X.shape
    theta = np.zeros(n)
    for _ in range(iterations):
        theta -= alpha * (X.T @ (X @ theta - y)) / m
    return theta
