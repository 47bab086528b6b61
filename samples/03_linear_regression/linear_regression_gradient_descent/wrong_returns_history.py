"""Wrong: returns the tuple (theta, loss history) instead of theta alone."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    theta = np.zeros(X.shape[1])
    history = []
    for _ in range(iterations):
        theta = theta - alpha * mse_gradient(X, y, theta)
        history.append(mse_loss(X, y, theta))
    return theta, np.array(history)
