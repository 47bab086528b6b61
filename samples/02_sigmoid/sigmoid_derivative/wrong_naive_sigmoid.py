"""Wrong: s * (1 - s) with the naive s = 1 / (1 + np.exp(-z)), which overflows with a RuntimeWarning for very negative z."""
import numpy as np


def sigmoid_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)
