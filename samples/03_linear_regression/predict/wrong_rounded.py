"""Wrong: rounds the predictions to 4 decimals inside the function."""
import numpy as np


def predict(X, theta):
    X = np.asarray(X, dtype=float)
    return np.round(X @ np.asarray(theta, dtype=float), 4)
