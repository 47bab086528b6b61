"""Correct: the intercept added on its own, θ0 + X[:, 1:] @ θ[1:] (the first column of X is all ones)."""
import numpy as np


def predict(X, theta):
    """截距单独加上 / the intercept added on its own."""
    X = np.asarray(X, dtype=float)
    theta = np.asarray(theta, dtype=float)
    return theta[0] + X[:, 1:] @ theta[1:]
