"""Wrong: rounds θ to 4 decimals before returning it, as the notes' code does (np.round(theta, 4))."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    theta = np.zeros(X.shape[1])
    for _ in range(iterations):
        theta = theta - alpha * mse_gradient(X, y, theta)
    return np.round(theta, 4)
