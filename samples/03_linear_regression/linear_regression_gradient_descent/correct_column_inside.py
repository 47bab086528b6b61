"""Correct: the notes' column vectors (n, 1) and (m, 1) inside, flattened to (n,) on return and not rounded."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    """内部用列向量，返回前展平 / column vectors inside, flattened on return."""
    X = np.asarray(X, dtype=float)
    m, n = X.shape
    theta = np.zeros((n, 1))
    y = np.asarray(y, dtype=float).reshape(m, 1)
    for _ in range(iterations):
        errors = X @ theta - y
        theta = theta - alpha * X.T @ errors / m
    return theta.flatten()
