"""Wrong: right values, but accumulates e_i·x_i in a Python loop over the samples instead of Xᵀe."""
import numpy as np


def mse_gradient(X, y, theta):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    theta = np.asarray(theta, dtype=float)
    gradient = np.zeros(X.shape[1])
    for i in range(len(y)):
        gradient += (X[i] @ theta - y[i]) * X[i]
    return gradient / len(y)
