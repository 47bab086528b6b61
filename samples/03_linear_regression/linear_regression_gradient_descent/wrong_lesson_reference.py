"""Wrong: the lesson's demo reference pasted as the answer (reference_path and its reference_gradient, returning the last θ): it does not flatten y, so a y of shape (m, 1) breaks the update."""
import numpy as np


def reference_gradient(X, y, theta):
    X = np.asarray(X, dtype=float)
    r = X @ np.asarray(theta, dtype=float) - y                            # y为(m,) / y of shape (m,)
    return np.mean(X * r[:, None], axis=0)


def linear_regression_gradient_descent(X, y, alpha, iterations):
    X = np.asarray(X, dtype=float)
    theta = np.zeros(X.shape[1])
    path = [theta]
    for _ in range(iterations):
        theta = theta - alpha * reference_gradient(X, y, theta)
        path.append(theta)
    return np.array(path)[-1]
