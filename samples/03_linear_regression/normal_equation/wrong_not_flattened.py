"""Wrong: does not flatten y, so a y of shape (m, 1) gives θ of shape (n, 1)."""
import numpy as np


def normal_equation(X, y):
    X = np.asarray(X, dtype=float)
    return np.linalg.lstsq(X, np.asarray(y, dtype=float), rcond=None)[0]
