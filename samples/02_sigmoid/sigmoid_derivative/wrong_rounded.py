"""Wrong: rounds the derivative to 4 decimals inside the function, like the original notes."""
import numpy as np


def sigmoid_derivative(z):
    s = sigmoid(z)
    return np.round(s * (1 - s), 4)
