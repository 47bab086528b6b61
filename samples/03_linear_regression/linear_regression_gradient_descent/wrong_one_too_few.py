"""Wrong: one iteration too few, range(iterations - 1)."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    theta = np.zeros(X.shape[1])
    for _ in range(iterations - 1):
        theta = theta - alpha * mse_gradient(X, y, theta)
    return theta
