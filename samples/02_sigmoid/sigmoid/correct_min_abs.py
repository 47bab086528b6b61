"""Correct: sigmoid(z) = exp(min(z, 0)) / (1 + exp(-|z|)), one formula for both signs, no np.where."""
import numpy as np


def sigmoid(z):
    """分子分母的指数都不为正 / no positive exponent anywhere."""
    z = np.asarray(z, dtype=np.float64)
    return np.exp(np.minimum(z, 0.0)) / (1.0 + np.exp(-np.abs(z)))
