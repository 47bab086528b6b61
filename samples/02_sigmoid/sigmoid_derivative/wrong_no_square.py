"""Wrong: e / (1 + e) without the square, that is sigmoid(-|z|) instead of the derivative."""
import numpy as np


def sigmoid_derivative(z):
    e = np.exp(-np.abs(np.asarray(z, dtype=np.float64)))
    return e / (1.0 + e)
