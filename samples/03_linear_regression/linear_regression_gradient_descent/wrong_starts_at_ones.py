"""Wrong: θ starts at ones instead of zeros."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    theta = np.ones(X.shape[1])
    for _ in range(iterations):
        theta = theta - alpha * mse_gradient(X, y, theta)
    return theta
