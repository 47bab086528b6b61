"""Correct: XᵀX / m and Xᵀy / m computed once before the loop; each step is then θ -= α(Gθ - b)."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    """先算好XᵀX/m和Xᵀy/m / XᵀX/m and Xᵀy/m computed first."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    m, n = X.shape
    G, b = X.T @ X / m, X.T @ y / m
    theta = np.zeros(n)
    for _ in range(iterations):
        theta = theta - alpha * (G @ theta - b)
    return theta
