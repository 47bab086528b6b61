"""Wrong: math.exp works on one Python float at a time: fails on arrays, returns a Python float, overflows at z = -1000."""
import math


def sigmoid(z):
    return 1 / (1 + math.exp(-z))
