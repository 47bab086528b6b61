"""Correct: self-contained, sigmoid from np.logaddexp, then s * (1 - s)."""
import numpy as np


def sigmoid_derivative(z):
    """s = exp(-log(1 + exp(-z)))，再s(1 - s) / then s(1 - s)."""
    s = np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=np.float64)))
    return s * (1.0 - s)
