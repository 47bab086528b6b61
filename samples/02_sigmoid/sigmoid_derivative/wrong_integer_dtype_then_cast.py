"""Wrong: computes in the input's own integer dtype and casts only the result to float64: uint8 [0, 1, 2] gives
[0.25, nan, nan] (-|z| wraps around), int8 computes exp in float16."""
import numpy as np


def sigmoid_derivative(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return (e / (1.0 + e) ** 2).astype(np.float64)
