"""Correct: broadcast θ over the rows of X and sum along axis 1."""
import numpy as np


def predict(X, theta):
    """每行与θ逐元素相乘再求和 / multiply each row by θ and sum."""
    X = np.asarray(X, dtype=float)
    return (X * np.asarray(theta, dtype=float)).sum(axis=1)
