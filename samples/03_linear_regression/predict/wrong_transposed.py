"""Wrong: multiplies by the transpose of X, which only works when m == n."""
import numpy as np


def predict(X, theta):
    X = np.asarray(X, dtype=float)
    return X.T @ np.asarray(theta, dtype=float)
