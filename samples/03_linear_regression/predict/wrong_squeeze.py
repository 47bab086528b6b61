"""Wrong: θ as a column, then np.squeeze to drop the extra axis: with a single sample (m = 1) the result is 0-d, not (1,)."""
import numpy as np


def predict(X, theta):
    X = np.asarray(X, dtype=float)
    return np.squeeze(X @ np.asarray(theta, dtype=float).reshape(-1, 1))
