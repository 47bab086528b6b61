"""Wrong: returns the whole 4-tuple of np.linalg.lstsq instead of its first item."""
import numpy as np


def normal_equation(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    return np.linalg.lstsq(X, y, rcond=None)
