"""Correct: sigmoid(z) * sigmoid(-z), since 1 - sigmoid(z) == sigmoid(-z); reuses the notebook's sigmoid."""
import numpy as np


def sigmoid_derivative(z):
    """σ'(z) = σ(z)σ(-z)."""
    z = np.asarray(z, dtype=np.float64)
    return sigmoid(z) * sigmoid(-z)
