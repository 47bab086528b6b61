"""Wrong: stops before `iterations` updates once θ barely moves (np.allclose between two steps)."""
import numpy as np


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    theta = np.zeros(X.shape[1])
    for _ in range(iterations):
        new_theta = theta - alpha * mse_gradient(X, y, theta)
        if np.allclose(new_theta, theta):
            break
        theta = new_theta
    return theta
