"""Wrong: rounds the derivative to 4 decimals inside the function, as the original notes' sigmoid rounds its result."""
import numpy as np


def sigmoid_derivative(z):
    s = sigmoid(z)
    return np.round(s * (1 - s), 4)
