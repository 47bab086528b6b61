"""Wrong: math.exp on one Python float: fails on arrays, returns a Python float, OverflowError at z = -1e4."""
import math


def sigmoid_derivative(z):
    s = 1 / (1 + math.exp(-z))
    return s * (1 - s)
