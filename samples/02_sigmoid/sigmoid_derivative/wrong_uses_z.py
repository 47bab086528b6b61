"""Wrong: z * (1 - z), using z where the formula needs sigmoid(z)."""
import numpy as np


def sigmoid_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    return z * (1 - z)
