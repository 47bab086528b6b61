"""Wrong: a central difference (sigmoid(z + h) - sigmoid(z - h)) / 2h with h = 1e-5 instead of the formula: close, not exact."""
import numpy as np


def sigmoid_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    h = 1e-5
    return (sigmoid(z + h) - sigmoid(z - h)) / (2 * h)
