"""Wrong: exp(-z) / (1 + exp(-z))**2 overflows for very negative z and gives inf / inf = NaN, with warnings."""
import numpy as np


def sigmoid_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-z) / (1 + np.exp(-z)) ** 2
