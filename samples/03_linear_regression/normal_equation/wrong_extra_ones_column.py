"""Wrong: adds another column of ones to an X that already has one, returning n + 1 parameters."""
import numpy as np


def normal_equation(X, y):
    X = np.asarray(X, dtype=float)
    X1 = np.column_stack([np.ones(len(X)), X])
    return np.linalg.lstsq(X1, np.asarray(y, dtype=float).reshape(-1), rcond=None)[0]
