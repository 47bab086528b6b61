"""Correct: s - s**2 with s from the notebook's sigmoid (the same number as s * (1 - s) up to rounding)."""
import numpy as np


def sigmoid_derivative(z):
    """σ' = s - s²."""
    s = sigmoid(np.asarray(z, dtype=np.float64))
    return s - s ** 2
