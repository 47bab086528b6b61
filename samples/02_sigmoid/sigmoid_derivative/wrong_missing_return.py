"""Wrong: computes sigmoid(z) * (1 - sigmoid(z)) but forgets the return, so it returns None."""
import numpy as np


def sigmoid_derivative(z):
    s = sigmoid(z)
    s * (1 - s)
