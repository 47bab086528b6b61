"""Wrong: right values, but every step computes the gradient in a Python loop over the samples (the loop over iterations is fine, the inner one is not)."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    m, n = X.shape
    theta = np.zeros(n)
    for _ in range(iterations):
        gradient = np.zeros(n)
        for i in range(m):
            gradient += (X[i] @ theta - y[i]) * X[i]
        theta = theta - alpha * gradient / m
    return theta
