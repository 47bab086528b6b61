"""Wrong: flattens y by assigning y.shape, which reshapes the caller's (m, 1) array in place."""
import numpy as np


def normal_equation(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    y.shape = (len(y),)
    return np.linalg.lstsq(X, y, rcond=None)[0]
