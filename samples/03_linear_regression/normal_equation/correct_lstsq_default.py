"""Correct: np.linalg.lstsq with its default rcond (no rcond=None)."""
import numpy as np


def normal_equation(X, y):
    """lstsq，默认的rcond / lstsq with the default rcond."""
    return np.linalg.lstsq(np.asarray(X, dtype=float), np.ravel(y))[0]
