"""Correct: the closed form e / (1 + e)**2 with e = exp(-|z|), self-contained, symmetric and never overflowing."""
import numpy as np


def sigmoid_derivative(z):
    """σ'(z) = e^{-|z|} / (1 + e^{-|z|})^2（偶函数 / an even function）."""
    e = np.exp(-np.abs(np.asarray(z, dtype=np.float64)))
    return e / (1.0 + e) ** 2
