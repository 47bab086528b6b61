"""Wrong: 1 - sigmoid(z)**2, the derivative of tanh written with sigmoid by mistake."""
import numpy as np


def sigmoid_derivative(z):
    s = sigmoid(z)
    return 1 - s ** 2
