"""Wrong: the notes' algorithm with y reshaped to (m, 1), as in their example: θ of shape (n, 1) returned as is, rounded to 4 decimals."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    m, n = X.shape
    theta = np.zeros((n, 1))
    y = np.asarray(y, dtype=float).reshape(m, 1)
    for _ in range(iterations):
        predictions = X @ theta
        errors = predictions - y
        updates = X.T @ errors / m
        theta -= alpha * updates
    return np.round(theta, 4)
