"""Wrong: the original notes' sigmoid, annotation and all: rounds to 4 decimals, Python float out for a Python float, OverflowError at z = -1000.0, TypeError on arrays."""
import numpy as np


def sigmoid(z: float) -> float:
    result = round(1/(1 + np.e**(-z)),4)
    return result
