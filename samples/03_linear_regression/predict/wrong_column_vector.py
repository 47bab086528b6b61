"""Wrong: treats θ as a column vector and returns shape (m, 1) instead of (m,)."""
import numpy as np


def predict(X, theta):
    X = np.asarray(X, dtype=float)
    return X @ np.asarray(theta, dtype=float).reshape(-1, 1)
