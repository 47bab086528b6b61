"""Wrong: right and stable values, but a list comprehension computes one element at a time with math.exp."""
import math

import numpy as np


def sigmoid_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    values = [math.exp(-abs(v)) / (1.0 + math.exp(-abs(v))) ** 2 for v in z.ravel().tolist()]
    return np.array(values, dtype=np.float64).reshape(z.shape)[()]
